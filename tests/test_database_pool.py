"""Each process's share of PostgreSQL's connections comes from the settings."""

from __future__ import annotations

import pytest
from sqlalchemy.pool import QueuePool

from bot.db import Database
from bot.services import Services
from tests.conftest import PG_URL, make_settings

pytestmark = pytest.mark.skipif(not PG_URL, reason="the pool matters on PostgreSQL")


async def test_the_pool_is_as_large_as_the_settings_say() -> None:
    """Five kept and ten extra by default, so a web and three workers fit in 100 connections."""
    default = Database(PG_URL)
    settings = make_settings(PG_URL, database_pool_size=2, database_max_overflow=3)
    services = Services.build(settings)
    try:
        for db, (kept, extra) in ((default, (5, 10)), (services.db, (2, 3))):
            pool = db.engine.sync_engine.pool
            assert isinstance(pool, QueuePool)
            assert (pool.size(), pool._max_overflow) == (kept, extra)
    finally:
        await default.dispose()
        await services.db.dispose()
