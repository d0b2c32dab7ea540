"""``engage sandbox --watch content/``: reload the content when an author saves a file.

Modification times are polled (no extra dependency, works on every file system, and a
content folder is a few hundred files at most); several saves in a row reload once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from handlers import command_names

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file under ``folder`` with its modification time and size."""
    found: Snapshot = {}
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file() and not path.name.startswith("."):
                stat = path.stat()
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


class ContentWatcher:
    """Calls ``on_change`` after files under a folder were added, changed or removed."""

    def __init__(
        self, folder: Path, on_change: Callable[[], Awaitable[object]], *, interval: float = 1.0
    ) -> None:
        self.folder = folder
        self.on_change = on_change
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin watching from the folder's current state."""
        self._task = asyncio.get_running_loop().create_task(self._run(snapshot(self.folder)))

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, seen: Snapshot) -> None:
        while True:
            await asyncio.sleep(self.interval)
            current = await asyncio.to_thread(snapshot, self.folder)
            if current == seen:
                continue
            await asyncio.sleep(self.interval / 4)  # an editor saving several files at once
            seen = await asyncio.to_thread(snapshot, self.folder)
            try:
                await self.on_change()
            except Exception:
                log.exception("reloading content from %s failed", self.folder)


async def sync_content(services: Services, folder: Path) -> str:
    """Load ``folder`` into the database as ``engage content sync`` does; say what happened."""
    synced = await services.learning.sync_folder(folder=folder, commands=command_names())
    errors, report = synced.catalogue.errors, synced.report
    for problem in synced.catalogue.problems:
        log.warning("%s", problem)
    if report is None:
        return f"content not reloaded: {len(errors)} errors, first: {errors[0]}"
    return (
        f"content reloaded from {folder}: {report.created} created, {report.updated} updated, "
        f"{report.retired} retired"
    )
