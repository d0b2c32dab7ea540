"""The sandbox page shows the bot's local time and sends what quiet hours hold on request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import time_machine

from bot.config import Settings
from bot.sandbox.run import Sandbox
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from tests.conftest import make_settings
from tests.e2e.proposals_helpers import until
from tests.e2e.test_quiet_hours import LATE


@pytest.fixture
def night() -> Iterator[None]:
    """A quarter to midnight in Beijing, the bot's timezone."""
    with time_machine.travel(LATE, tick=True):
        yield


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a sandbox on a free port."""
    return make_settings(database_url, sandbox_port=0)


@pytest.fixture
async def sandbox(night: None, settings: Settings) -> AsyncIterator[Sandbox]:
    """The whole sandbox (emulator, bot, web chat), started at night."""
    running = await Sandbox(settings).start()
    try:
        yield running
        running.emulator.assert_no_violations()
    finally:
        await running.stop()


@pytest.fixture
async def web(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the web chat."""
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        yield client


async def test_the_page_shows_the_bots_night_and_sends_held_messages_now(
    web: httpx.AsyncClient, sandbox: Sandbox, services: Services
) -> None:
    """At 23:45 bot time the clock says so; "send now" delivers a held announcement at once."""
    page = await web.get("/")
    assert 'id="bot-clock"' in page.text
    assert (await web.get("/static/clock.js")).status_code == 200
    added = await web.post("/sandbox/app/people", json={"name": "夜班李师傅", "lang": "zh"})
    assert added.status_code == 201, added.text
    worker = sandbox.emulator.user_by_id(added.json()["id"])
    assert worker is not None
    await worker.send("/start")
    await worker.settle(quiet=0.5)
    before = len(worker.history)

    await services.broadcasts.create(
        kind="announcement",
        html_zh="明天例行检查",
        html_en="Routine check tomorrow",
        audience=Audience(user_ids=(worker.id,)),
        created_by=None,
    )
    clock = (await web.get("/sandbox/app/clock")).json()
    assert clock == {"time": "23:45", "timezone": "Asia/Shanghai", "quiet": True, "held": 1}
    await worker.settle(quiet=0.5)
    assert not any("例行检查" in m.text for m in worker.history[before:])

    assert (await web.post("/sandbox/app/clock")).json() == {"released": 1}
    assert "例行检查" in (await until(worker, "例行检查", within=10)).text
    assert (await web.get("/sandbox/app/clock")).json()["held"] == 0
