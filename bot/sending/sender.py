"""The outbox sender: every due delivery row is sent once, as fast as Telegram allows.

Rows are claimed in batches (``claimed``), admitted one by one at the bot's overall rate
(``bot.sending.pacing``), marked ``sending`` just before their call (``bot.sending.attempts``)
and sent through the bot, whose limiter keeps the per-chat limits and waits out 429s. Outcomes
are written every few milliseconds in one batch. After a crash only the rows whose calls were
under way are "unknown" (the rest are sent again); the author of each broadcast concerned is
told, with a button to resend them. A clean stop finishes the calls under way and gives back
the rest.

A call Telegram may have received but whose answer was lost (a dropped connection, no answer
in time) is not tried again: that would send a second copy whenever the first arrived. The
row is "unknown" instead, reported with the same button. Calls that never left (no
connection could be made, the pool was full) and 429s are tried again.

The sender calls the Bot API itself rather than through ``bot.render.send``: it needs the exact
outcome of each call (blocked, rate-limited, timed out, refused) to record it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.clock import utcnow
from bot.context import Context, services_of
from bot.edge.transport import NotSent
from bot.sending.attempts import Attempts
from bot.sending.messages import Messenger
from bot.sending.pacing import Admission
from bot.services.broadcasts.broadcasts import DIGEST_JOB, REMIND_JOB, START_JOB, BroadcastService
from bot.services.broadcasts.outbox import Claimed, Outcome, Status
from bot.services.core.scheduler import JobView

log = logging.getLogger(__name__)
SENDER_KEY = "broadcast_sender"
DIGEST_KEY, DIGEST_CRON = "broadcasts:digest", "*/15 * * * *"
WINDOW_SECONDS = 0.25
POLL_SECONDS = 0.5
FLUSH_PAUSE = 0.02
MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=10)
AnyApp = Application[Any, Any, Any, Any, Any, Any]
Unknown = Callable[[int, int], Awaitable[None]]  # (broadcast id, rows) after a crash


class BroadcastSender:
    """Claims due rows, sends them, records outcomes; one per bot process."""

    def __init__(
        self, app: AnyApp, *, read_data: Callable[[int], str], unknown: Unknown | None = None
    ) -> None:
        self._app = app
        services = services_of(app)
        self._outbox = services.broadcasts.outbox
        self._attempts = Attempts(lambda ids: self._outbox.attempting(ids=ids))
        self._unknown = unknown
        self._messenger = Messenger(app.bot, services.i18n, self._outbox, read_data=read_data)
        rate = services.settings.global_rate
        self.window = max(16, min(512, math.ceil(rate * WINDOW_SECONDS)))
        self._admission = Admission(rate)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.task: asyncio.Task[None] | None = None
        self.delivered = 0
        self._active: set[asyncio.Task[None]] = set()
        self._latest: dict[int, asyncio.Task[None]] = {}
        self._outcomes: list[Outcome] = []
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._recorded = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """New rows are due: claim them now rather than at the next poll."""
        self._wake.set()

    async def launch(self, context: Context) -> None:
        """Start sending once the application runs (a JobQueue callback)."""
        self.task = context.application.create_task(self.run(), name="broadcast sender")

    async def run(self) -> None:
        """Report rows a previous process left in flight, then send until the bot stops."""
        await self._report(await self._outbox.recover(worker=self.worker))
        async with asyncio.TaskGroup() as group:
            group.create_task(self._flush_loop())
            await self._pump(group)
            self._admission.halt()
            await asyncio.gather(*self._active)
            self._stopping = True
            self._recorded.set()

    async def _pump(self, group: asyncio.TaskGroup) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while self._app.running:
            try:
                if loop.time() >= next_sweep:
                    await self._report(
                        await self._outbox.sweep(claimed_before=utcnow() - STALE_AFTER)
                    )
                    next_sweep = loop.time() + 60
                await self._fill(group)
            except Exception:
                log.exception("broadcast sender: claiming failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    async def _report(self, unknown: dict[int, int]) -> None:
        """Tell each broadcast's author how many of its deliveries a crash left unknown."""
        for broadcast_id, count in sorted(unknown.items()):
            log.warning("broadcast %s: %d deliveries were under way at a stop", broadcast_id, count)
            if broadcast_id and self._unknown is not None:
                try:
                    await self._unknown(broadcast_id, count)
                except Exception:
                    log.exception("could not report unknown deliveries of %s", broadcast_id)

    async def _fill(self, group: asyncio.TaskGroup) -> None:
        """Claim as many rows as the window has room for, or wait for room or work."""
        self._room.clear()
        free = self.window - len(self._active)
        if free < max(1, self.window // 4):
            await _wait(self._room)
            return
        self._wake.clear()
        claimed = await self._outbox.claim(limit=free, worker=self.worker)
        for row in claimed:
            task = group.create_task(self._deliver(row, after=self._latest.get(row.user_id)))
            self._latest[row.user_id] = task
            self._active.add(task)
            task.add_done_callback(partial(self._done, row.user_id))
        if len(claimed) < free:
            await _wait(self._wake)

    def _done(self, user_id: int, task: asyncio.Task[None]) -> None:
        self._active.discard(task)
        if self._latest.get(user_id) is task:
            del self._latest[user_id]
        self._room.set()

    async def _flush_loop(self) -> None:
        """Write outcomes as they come; those arriving during a write go in the next batch."""
        while not self._stopping or self._outcomes:
            await _wait(self._recorded)
            self._recorded.clear()
            batch, self._outcomes = self._outcomes, []
            try:
                await self._outbox.record(batch)
            except Exception:
                log.exception("broadcast sender: recording %d outcomes failed", len(batch))
                self._outcomes[:0] = batch
                await asyncio.sleep(POLL_SECONDS)
            await asyncio.sleep(FLUSH_PAUSE)

    async def _deliver(self, row: Claimed, *, after: asyncio.Task[None] | None) -> None:
        """Send one row once the same chat's previous row is done, so a chat reads them in order.

        Without the wait, two announcements claimed a moment apart race through loading their
        content and the limiter, and a chat may read the second before the first.
        """
        if after is not None:
            await asyncio.wait([after])
        if await self._admission.enter():
            outcome = await self._timed(row)
        else:
            outcome = _outcome(row, Status.PENDING)  # never sent: given back, due at once
        self._outcomes.append(outcome)
        self._recorded.set()
        self.delivered += 1

    async def _timed(self, row: Claimed) -> Outcome:
        """Mark the row ``sending``, then send it; a row that could not be marked waits."""
        started = time.monotonic()
        try:
            try:
                await self._attempts.mark(row.id)
            except Exception as exc:
                log.warning("delivery %s could not be marked as sending: %s", row.id, exc)
                return _outcome(row, Status.PENDING)
            return await self._attempt(row)
        except Exception as exc:
            log.exception("delivery %s to %s failed unexpectedly", row.id, row.user_id)
            return _outcome(row, Status.FAILED, error=repr(exc))
        finally:
            self._admission.leave(time.monotonic() - started)

    async def _attempt(self, row: Claimed) -> Outcome:
        """Send one row and say what became of it."""
        try:
            message_id = await self._messenger.send(row)
        except Forbidden as exc:
            return _outcome(row, Status.BLOCKED, error=exc.message)
        except RetryAfter as exc:
            return _retry(row, exc, exc.retry_after)
        except BadRequest as exc:
            return _outcome(row, Status.FAILED, error=exc.message)
        except NotSent as exc:
            return _retry(row, exc, timedelta(seconds=5 * 2**row.attempts))
        except NetworkError as exc:  # it may have arrived: never a second copy unasked
            return _outcome(row, Status.UNKNOWN, error=exc.message)
        except TelegramError as exc:
            return _outcome(row, Status.FAILED, error=exc.message)
        if message_id is None:
            return _outcome(row, Status.FAILED, error="the broadcast no longer exists")
        return _outcome(row, Status.SENT, message_id=message_id)


def _outcome(row: Claimed, status: Status, **values: Any) -> Outcome:
    return Outcome(
        row.id, row.user_id, status, carrier=row.is_digest, attempts=row.attempts, **values
    )


def _retry(row: Claimed, exc: TelegramError, delay: timedelta | int) -> Outcome:
    """Try again later, or give up after ``MAX_ATTEMPTS``."""
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return Outcome(
            row.id,
            row.user_id,
            Status.FAILED,
            carrier=row.is_digest,
            attempts=attempts,
            error=exc.message,
        )
    wait = delay if isinstance(delay, timedelta) else timedelta(seconds=delay)
    return Outcome(
        row.id,
        row.user_id,
        Status.PENDING,
        carrier=row.is_digest,
        attempts=attempts,
        error=exc.message,
        retry_at=utcnow() + min(wait, timedelta(minutes=10)),
    )


async def _wait(event: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(POLL_SECONDS):
            await event.wait()


async def job_start(broadcasts: BroadcastService, job: JobView) -> None:
    """A scheduled broadcast's time has come (or one occurrence of a recurring one)."""
    await broadcasts.start(
        broadcast_id=int(job.payload["broadcast_id"]), late=job.late, occurrence_at=job.due_at
    )


async def job_remind(broadcasts: BroadcastService, job: JobView) -> None:
    """Remind those who have not acknowledged a must-read broadcast."""
    await broadcasts.followups.remind(
        broadcast_id=int(job.payload["broadcast_id"]), round=int(job.payload["round"])
    )


async def job_digest(broadcasts: BroadcastService, job: JobView) -> None:
    """Bundle the digests that are due into one message per user."""
    await broadcasts.followups.promote_digests()


def sender_of(app: AnyApp) -> BroadcastSender:
    """The running application's sender."""
    sender: BroadcastSender = app.bot_data[SENDER_KEY]
    return sender


async def start(
    app: AnyApp, *, read_data: Callable[[int], str], unknown: Unknown | None = None
) -> BroadcastSender:
    """Register the broadcast jobs and start the sender once the application runs."""
    services = services_of(app)
    if app.job_queue is None:
        raise RuntimeError("install python-telegram-bot[job-queue]")
    sender = BroadcastSender(app, read_data=read_data, unknown=unknown)
    app.bot_data[SENDER_KEY] = sender
    broadcasts, scheduler = services.broadcasts, services.scheduler
    broadcasts.on_ready(sender.wake)
    scheduler.handle(START_JOB, partial(job_start, broadcasts), always=True)
    scheduler.handle(REMIND_JOB, partial(job_remind, broadcasts), always=True)
    scheduler.handle(DIGEST_JOB, partial(job_digest, broadcasts), always=True)
    await scheduler.schedule_cron(
        key=DIGEST_KEY, kind=DIGEST_JOB, cron=DIGEST_CRON, timezone=services.settings.timezone
    )
    app.job_queue.run_once(
        sender.launch, when=0, name="broadcasts:sender", job_kwargs={"misfire_grace_time": None}
    )
    return sender
