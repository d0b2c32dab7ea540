"""The worker: claims updates from the inbox and hands them to PTB, each chat in order.

Any number of workers (processes, machines) may share one database: the inbox gives each
chat's next update to one of them at a time. Each update is handled in a unit of work
(``bot.unit``): whatever its handlers write, the steps its flows moved to and the inbox's
"applied" mark commit in one transaction, and the Bot API calls it made are sent after that
commit (kept in the inbox row until they are). An update that wrote nothing has nothing to
commit: its calls go out at once, and its done mark with the next claim. Updates go through
the application's update processor, so the limit on updates in flight holds as with polling.

Leases are short and renewed while the worker lives; at start, a worker frees the leases of
its dead predecessors on this machine (and, on SQLite, of any other process), so a restart
resumes at once instead of after a lease.

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
from bot.edge.replies import perform_all
from bot.services.core.inbox import CHANNEL, InboxItem
from bot.unit import Call, UnitOfWork

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
        self._services = services
        self.owner = owner_name(socket.gethostname(), os.getpid(), id(self))
        self._wake = asyncio.Event()
        self._active: dict[int, asyncio.Task[None]] = {}
        self._done: list[int] = []
        self._inbox.on_arrival(self._wake.set)

    async def run(self) -> None:
        """Work until cancelled; then let the updates under way finish and record them."""
        await self._reclaim()
        listener = asyncio.create_task(self._db.listen(CHANNEL, self._notified))
        keeper = asyncio.create_task(self._keep_leases())
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
            keeper.cancel()
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
        done = True
        try:
            calls: list[Call] | None
            if item.applied:  # its writes were committed before a crash: only its calls remain
                calls = [Call.from_json(call) for call in item.replies or []]
            else:
                calls = await self._handle(item)
            if calls is None:
                done = False
            else:
                await perform_all(self._app.bot, calls, self._unreachable)
        except asyncio.CancelledError:
            raise
        except Exception:  # a payload PTB cannot read; handler errors reach on_error instead
            log.exception("update %s could not be processed", item.update_id)
            self._metrics.failed.inc()
        self._metrics.latency.observe(time.perf_counter() - started)
        self._metrics.processed.inc()
        self._active.pop(item.update_id, None)
        if done:
            self._done.append(item.update_id)
        self._wake.set()

    async def _handle(self, item: InboxItem) -> list[Call] | None:
        """Run the handlers in a unit of work; the calls to send, or None to let it be retried."""
        update = Update.de_json(item.payload, self._app.bot)
        sender = update.effective_user
        unit = self._db.unit(user_id=sender.id if sender else None)
        unit.sender = item.user
        with unit.bound():
            try:
                await self._app.update_processor.process_update(
                    update, self._app.process_update(update)
                )
                if unit.owes_commit and not await self._commit(unit, item):
                    return None
            except BaseException:
                await unit.rollback()
                raise
        return unit.calls

    async def _commit(self, unit: UnitOfWork, item: InboxItem) -> bool:
        """Commit the update's writes, its flows' steps and its calls; False if that failed."""
        try:
            steps = None
            if unit.flows_changed and unit.user_id is not None:
                steps = (unit.user_id, unit.flows)
            connection = await unit.connection()
            # A press's answer is not kept: sent first, it is long answered (or too old to be)
            # by the time a crash's successor would send it again.
            replies = [call.to_json() for call in unit.calls if call.kind != "answer"]
            mine = await self._inbox.apply(
                connection,
                update_id=item.update_id,
                owner=self.owner,
                replies=replies,
                steps=steps,
            )
            if not mine:
                log.warning("update %s: lease lost before the commit; left to its holder", item)
                await unit.rollback()
                return False
            await unit.commit()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("update %s: the commit failed; it will be handled again", item.update_id)
            await unit.rollback()
            await self._inbox.release(owner=self.owner, update_ids=[item.update_id])
            return False
        return True

    async def _unreachable(self, chat_id: int) -> None:
        await self._services.users.deactivate(user_id=chat_id)

    async def _keep_leases(self) -> None:
        """Renew this worker's leases while it lives, a few times per lease."""
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 4)
            if not self._active:
                continue
            try:
                await self._inbox.renew(owner=self.owner, lease=self._lease)
            except Exception as exc:  # the database is away: the fenced commit protects
                log.warning("inbox: renewing leases failed: %s", exc)

    async def _reclaim(self) -> None:
        """Free the leases of dead workers: any other on SQLite, this machine's on PostgreSQL."""
        try:
            held = await self._inbox.holders()
            dead = [owner for owner in held if owner != self.owner and self._dead(owner)]
            freed = await self._inbox.reclaim(owners=dead)
        except Exception as exc:
            log.warning("inbox: reclaiming leases failed (%s); they run out instead", exc)
            return
        if freed:
            log.info("inbox: took back %d updates from %d stopped workers", freed, len(dead))

    def _dead(self, owner: str) -> bool:
        if self._db.is_sqlite:  # one process handles a SQLite file's updates
            return True
        host, _, rest = owner.partition(":")
        pid = rest.split(":", 1)[0]
        if not socket.gethostname().startswith(host) or not pid.isdigit():
            return False
        return int(pid) == os.getpid() or not _alive(int(pid))

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
            await self._inbox.finish(owner=self.owner, update_ids=self._done)
            await self._inbox.release(owner=self.owner, update_ids=unfinished)
        except Exception as exc:  # their leases expire instead
            log.warning("inbox: recording the last updates failed: %s", exc)
        self._done = []


def owner_name(host: str, pid: int, token: int) -> str:
    """A worker's name in the leases it holds: its machine, its process and itself."""
    suffix = f":{pid}:{token:x}"
    return host[: 64 - len(suffix)] + suffix


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
