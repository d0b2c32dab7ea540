"""Several processes starting at once each sync content/: the syncs take turns, none fails."""

from __future__ import annotations

import asyncio

from bot.content import load
from bot.services import Services
from tests.conftest import CONTENT, make_settings

CATALOGUE = load(CONTENT)


async def test_two_processes_syncing_at_once_both_succeed(database_url: str) -> None:
    """Two syncs of a fresh database at once: one creates every row, the other finds them."""
    processes = [Services.build(make_settings(database_url)) for _ in range(2)]
    try:
        reports = await asyncio.gather(
            *(services.learning.sync(catalogue=CATALOGUE) for services in processes)
        )
    finally:
        for services in processes:
            await services.close()
    first, second = sorted(reports, key=lambda report: report.created, reverse=True)
    assert first.created > 0
    assert (second.created, second.updated, second.retired) == (0, 0, 0)
    assert second.unchanged == first.created
