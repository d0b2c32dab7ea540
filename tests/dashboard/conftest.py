"""Fixtures of the dashboard's API tests: the small province, and a client of the web routes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.edge.metrics import Metrics
from bot.edge.web import web_app
from bot.services import Services
from tests.dashboard.helpers import Province, province


@pytest.fixture
async def made(services: Services) -> Province:
    """The small province of tests/dashboard/helpers.py."""
    return await province(services)


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """The web process's routes, called in this loop."""
    app = web_app(services, Metrics(), webhook=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
