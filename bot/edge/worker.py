"""The worker: claims updates from the inbox and hands them to PTB, each chat in order.

Any number of workers (processes, machines) may share one database: the inbox gives each
chat's next update to one of them at a time. Updates go through the application's update
processor (``PerUserUpdateProcessor``), so the limit on updates in flight and the per-user
order hold as with polling. A handled update is marked done in the same transaction as the
next claim, which makes the chat's next update claimable at once.

A worker wakes when this process stored an update, on PostgreSQL's ``NOTIFY`` from another
process (its own process's notifications are ignored: they woke it already), when one of its
updates is done, and otherwise every ``inbox_poll_seconds``. While busy it waits a few
milliseconds after a wake-up, so one transaction records and claims for several updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any

from telegram import Update

from bot.context import services_of
from bot.edge.metrics import metrics_of
from bot.services.core.inbox import CHANNEL, InboxItem

log = logging.getLogger(__name__)
BATCH = 100
PURGE_EVERY = 600.0  # seconds between sweeps of the done tail past the dedup window
STOP_GRACE = 10.0  # seconds a clean stop waits for updates under way
GATHER_SECONDS = 0.005  # while busy, how long a wake-up waits for company before claiming


class InboxWorker:
    """Claim, process, mark done; until stopped."""

    def __init__(self, app: Any) -> None:
        self._app = app
        services = services_of(app)
        self._inbox = services.inbox
        self._db = services.db
        settings = services.settings
        self._capacity = settings.max_concurrent_updates
        self._lease = timedelta(seconds=settings.inbox_lease_seconds)
        self._poll = settings.inbox_poll_seconds
        self._metrics = metrics_of(app)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[-64:]
        self._wake = asyncio.Event()
        self._active: dict[int, asyncio.Task[None]] = {}
        self._done: list[int] = []
        self._inbox.on_arrival(self._wake.set)

    async def run(self) -> None:
        """Work until cancelled; then let the updates under way finish and record them."""
        listener = asyncio.create_task(self._db.listen(CHANNEL, self._notified))
        purged = 0.0
        try:
            while True:
                if time.monotonic() - purged > PURGE_EVERY:
                    purged = time.monotonic()
                    await self._purge()
                self._wake.clear()
                claimed, asked = await self._claim()
                if asked and claimed == asked:
                    continue  # a full batch: more may be waiting
                # Not wait_for: on 3.11 it can swallow a cancel that meets a wake-up.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll):
                        await self._wake.wait()
                if self._active:
                    # Busy: let a few more updates finish or arrive, and claim for all of them
                    # in one transaction rather than one each.
                    await asyncio.sleep(GATHER_SECONDS)
        finally:
            listener.cancel()
            await self._drain()

    def _notified(self, payload: str) -> None:
        """Another process stored updates (this one's own arrivals woke it already)."""
        if payload != self._inbox.token:
            self._wake.set()

    async def _claim(self) -> tuple[int, int]:
        """Record what is done and claim what fits; how many were claimed, of how many asked."""
        free = min(self._capacity - len(self._active), BATCH)
        if free <= 0:
            return 0, 0
        done, self._done = self._done, []
        try:
            items = await self._inbox.claim(
                owner=self.owner, limit=free, lease=self._lease, done=done
            )
        except asyncio.CancelledError:  # a stop mid-claim: the done marks go in with _drain
            self._done[:0] = done
            raise
        except Exception as exc:
            log.warning("inbox: claiming failed (%s); trying again", exc)
            self._done[:0] = done
            await asyncio.sleep(self._poll)
            return 0, free
        for item in items:
            task = asyncio.create_task(self._process(item))
            self._active[item.update_id] = task
        return len(items), free

    async def _process(self, item: InboxItem) -> None:
        started = time.perf_counter()
        try:
            update = Update.de_json(item.payload, self._app.bot)
            await self._app.update_processor.process_update(
                update, self._app.process_update(update)
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # a payload PTB cannot read; handler errors reach on_error instead
            log.exception("update %s could not be processed", item.update_id)
            self._metrics.failed.inc()
        self._metrics.latency.observe(time.perf_counter() - started)
        self._metrics.processed.inc()
        self._active.pop(item.update_id, None)
        self._done.append(item.update_id)
        self._wake.set()

    async def _purge(self) -> None:
        try:
            forgotten = await self._inbox.purge()
        except Exception as exc:
            log.warning("inbox: purging failed: %s", exc)
            return
        if forgotten:
            log.info("inbox: forgot %d updates past the dedup window", forgotten)

    async def _drain(self) -> None:
        """Finish what is under way (up to a grace), record it, give back the rest."""
        if self._active:
            await asyncio.wait(list(self._active.values()), timeout=STOP_GRACE)
        unfinished = list(self._active)
        for task in self._active.values():
            task.cancel()
        try:
            await self._inbox.finish(update_ids=self._done)
            await self._inbox.release(owner=self.owner, update_ids=unfinished)
        except Exception as exc:  # their leases expire instead
            log.warning("inbox: recording the last updates failed: %s", exc)
        self._done = []
