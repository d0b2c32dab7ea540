"""Each process's share of the database's connections comes from the settings, and stays open."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.pool import QueuePool

from bot.db import Database
from bot.services import Services
from tests.conftest import PG_URL, make_settings

URLS = [pytest.param(None, id="sqlite")]
if PG_URL:
    URLS.append(pytest.param(PG_URL, id="postgresql"))


def _url(given: str | None, tmp_path: Path) -> str:
    return given or f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}"


@pytest.mark.parametrize("given", URLS)
async def test_the_pool_is_as_large_as_the_settings_say(given: str | None, tmp_path: Path) -> None:
    """Ten kept and none extra by default, so a web and three workers fit in 100 connections."""
    url = _url(given, tmp_path)
    default = Database(url)
    services = Services.build(make_settings(url, database_pool_size=2, database_max_overflow=3))
    try:
        for db, (kept, extra) in ((default, (10, 0)), (services.db, (2, 3))):
            pool = db.engine.sync_engine.pool
            assert isinstance(pool, QueuePool)
            assert (pool.size(), pool._max_overflow) == (kept, extra)
    finally:
        await default.dispose()
        await services.db.dispose()


@pytest.mark.parametrize("given", URLS)
async def test_bursts_of_reads_reuse_the_connections_the_first_one_opened(
    given: str | None, tmp_path: Path
) -> None:
    """Many updates at once, a pause, many again: the second burst opens no connection.

    Extra connections beyond the kept ones are closed whenever the kept ones are idle, so a
    bot with extras opened and closed connections on every burst.
    """
    db = Database(_url(given, tmp_path))
    opened: list[object] = []
    event.listen(db.engine.sync_engine.pool, "connect", lambda *_: opened.append(1))

    async def read() -> None:
        async with db.connection() as connection:
            await connection.execute(text("SELECT 1"))
            await asyncio.sleep(0.01)  # held, as a handler holds it while it works

    try:
        await asyncio.gather(*(read() for _ in range(40)))
        first = len(opened)
        await asyncio.gather(*(read() for _ in range(40)))
        assert len(opened) == first
        assert 1 <= first <= 10
    finally:
        await db.dispose()
