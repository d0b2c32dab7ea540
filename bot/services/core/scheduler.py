"""Durable jobs: the database is the list of timers; firing claims a row before running it.

Any number of bot processes may share one database: a job is claimed with a conditional
UPDATE (``pending`` → ``running``), with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so only
one process ever runs it. A job found overdue is run if it is within its kind's grace period,
otherwise recorded as missed; kinds that must always be delivered run late, marked ``late``.
A job caught ``running`` by a crash is marked ``interrupted`` and reported, never rerun blindly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.scheduling import JobStatus, ScheduledJob

log = logging.getLogger(__name__)
CLAIM_BATCH = 500
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=15)
FLUSH_SECONDS = 0.05
PENDING, RUNNING = JobStatus.PENDING.value, JobStatus.RUNNING.value


@dataclass(frozen=True, slots=True)
class JobView:
    """What a job handler is given."""

    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    late: bool
    status: str = PENDING


@dataclass(frozen=True, slots=True)
class Policy:
    """How a kind of job treats lateness: run within ``grace``, or always (marked late)."""

    grace: timedelta
    always: bool = False
    prepare: JobsPreparer | None = None


JobHandler = Callable[[JobView], Awaitable[None]]
JobsPreparer = Callable[[list[JobView]], Awaitable[None]]


def next_cron(cron: str, timezone: str, after: datetime) -> datetime:
    """The next time a crontab expression, read in ``timezone``, fires after ``after``."""
    zone = ZoneInfo(timezone)
    trigger = CronTrigger.from_crontab(cron, timezone=zone)
    fire = trigger.get_next_fire_time(None, after.astimezone(zone) + timedelta(seconds=1))
    if fire is None:
        raise ValueError(f"{cron!r} never fires again")
    return cast(datetime, fire).astimezone(after.tzinfo)


def _view(job: ScheduledJob, *, late: bool = False) -> JobView:
    return JobView(
        job.id or 0, job.key, job.kind, dict(job.payload), job.due_at, late, str(job.status)
    )


class SchedulerService:
    """Schedule, cancel and run jobs; handlers are registered per kind by the features."""

    def __init__(self, db: Database, settings: Settings, *, concurrency: int = 16) -> None:
        self._db = db
        self._settings = settings
        self._handlers: dict[str, tuple[JobHandler, Policy]] = {}
        self._concurrency = concurrency
        self._finished: defaultdict[tuple[str, bool], list[int]] = defaultdict(list)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]

    def handle(
        self,
        kind: str,
        handler: JobHandler,
        *,
        grace: timedelta | None = None,
        always: bool = False,
        prepare: JobsPreparer | None = None,
    ) -> None:
        """Register the coroutine that runs jobs of ``kind`` (default grace: the reminder grace).

        ``prepare``, if given, is handed every job of the kind claimed together before any of
        them runs, so that it can load what they need in one query instead of one each.
        """
        default = timedelta(minutes=self._settings.reminder_grace_minutes)
        policy = Policy(grace if grace is not None else default, always, prepare)
        self._handlers[kind] = (handler, policy)

    async def schedule(
        self,
        *,
        key: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        cron: str | None = None,
        timezone: str | None = None,
        session: AsyncSession | None = None,
    ) -> JobView:
        """Create the job ``key``, or move it to a new time; scheduling twice keeps one row.

        A job that is running right now is left alone (and returned as it is): moving it
        back to ``pending`` could run it a second time. Pass ``session`` to schedule inside
        the caller's transaction, so the job exists exactly when the caller's change does.
        """
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        changes = {
            "kind": kind,
            "due_at": due_at,
            "payload": payload or {},
            "status": PENDING,
            "cron": cron,
            "timezone": timezone,
            "attempts": 0,
            "late": False,
            "error": None,
            "claimed_by": None,
            "claimed_at": None,
            "finished_at": None,
        }
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        statement = (
            insert(ScheduledJob)
            .values(key=key, created_at=utcnow(), **changes)
            .on_conflict_do_update(
                index_elements=["key"], set_=changes, where=col(ScheduledJob.status) != RUNNING
            )
        )
        if session is not None:
            return await self._upsert(session, statement, key)
        async with self._db.session() as own:
            return await self._upsert(own, statement, key)

    @staticmethod
    async def _upsert(session: AsyncSession, statement: Any, key: str) -> JobView:
        await session.exec(statement)
        job = (await session.exec(select(ScheduledJob).where(ScheduledJob.key == key))).one()
        return _view(job)

    async def schedule_cron(
        self,
        *,
        key: str,
        kind: str,
        cron: str,
        timezone: str,
        payload: dict[str, Any] | None = None,
    ) -> JobView:
        """A recurring job (crontab syntax, in ``timezone``): one row, moved on after each run."""
        first = next_cron(cron, timezone, utcnow())
        return await self.schedule(
            key=key, kind=kind, due_at=first, payload=payload, cron=cron, timezone=timezone
        )

    async def cancel(self, *, key: str) -> bool:
        """Cancel a pending job; False when there was none (already run, running or unknown)."""
        async with self._db.session() as session:
            result = await session.exec(
                update(ScheduledJob)
                .where(col(ScheduledJob.key) == key, col(ScheduledJob.status) == PENDING)
                .values(status=JobStatus.CANCELLED.value, finished_at=utcnow())
            )
        return bool(result.rowcount)

    async def find(self, *, key: str) -> ScheduledJob | None:
        """The row of job ``key``, whatever its status (for reports and tests)."""
        async with self._db.reader() as session:
            return (await session.exec(select(ScheduledJob).where(ScheduledJob.key == key))).first()

    async def pending(self, *, prefix: str) -> list[JobView]:
        """Pending jobs whose key starts with ``prefix``, soonest first."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(ScheduledJob)
                .where(
                    col(ScheduledJob.key).startswith(prefix), col(ScheduledJob.status) == PENDING
                )
                .order_by(col(ScheduledJob.due_at))
            )
            return [_view(job) for job in rows.all()]

    async def report(self, *, prefix: str = "") -> dict[str, int]:
        """How many jobs (whose key starts with ``prefix``) are in each status: missed ones too."""
        query = select(ScheduledJob.status, func.count()).group_by(col(ScheduledJob.status))
        if prefix:
            query = query.where(col(ScheduledJob.key).startswith(prefix))
        async with self._db.reader() as session:
            return {str(status): int(count) for status, count in (await session.exec(query)).all()}

    async def _claim(self, now: datetime) -> list[ScheduledJob]:
        due = (
            select(ScheduledJob.id)
            .where(ScheduledJob.status == PENDING, col(ScheduledJob.due_at) <= now)
            .order_by(col(ScheduledJob.due_at))
            .limit(CLAIM_BATCH)
        )
        if not self._db.is_sqlite:
            due = due.with_for_update(skip_locked=True)
        # Materialised once, as in the outbox: PostgreSQL may otherwise rescan an
        # IN (… LIMIT n) subquery and lock more rows than it claims; the status check makes a
        # row another worker took in between stay with that worker.
        chosen = due.cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
        claim = (
            update(ScheduledJob)
            .where(
                col(ScheduledJob.id).in_(select(chosen.c.id)),
                col(ScheduledJob.status) == PENDING,
            )
            .values(status=RUNNING, claimed_by=self.worker, claimed_at=now)
            .returning(ScheduledJob)
        )
        async with self._db.session() as session:
            return list((await session.exec(claim)).scalars().all())

    async def run_due(self, now: datetime | None = None) -> int:
        """Claim and run every job that is due; returns how many ran."""
        now = now or utcnow()
        gate = asyncio.Semaphore(self._concurrency)

        async def run(job: ScheduledJob) -> bool:
            async with gate:
                return await self._run(job, now)

        ran = 0
        stop = asyncio.Event()
        flusher = asyncio.create_task(self._flush_until(stop))
        try:
            while claimed := await self._claim(now):
                await self._prepare(claimed)
                ran += sum(await asyncio.gather(*(run(job) for job in claimed)))
                if len(claimed) < CLAIM_BATCH:
                    break
        finally:
            stop.set()
            await flusher
        return ran

    async def _prepare(self, claimed: list[ScheduledJob]) -> None:
        by_kind: defaultdict[str, list[JobView]] = defaultdict(list)
        for job in claimed:
            by_kind[job.kind].append(_view(job))
        for kind, views in by_kind.items():
            registered = self._handlers.get(kind)
            if registered is None or registered[1].prepare is None:
                continue
            try:
                await registered[1].prepare(views)
            except Exception:
                log.exception("preparing %d %s jobs failed; each runs on its own", len(views), kind)

    async def _run(self, job: ScheduledJob, now: datetime) -> bool:
        registered = self._handlers.get(job.kind)
        if registered is None:
            await self._finish(job, JobStatus.FAILED, error=f"no handler for {job.kind}")
            return False
        handler, policy = registered
        late = now - job.due_at > policy.grace
        if late and not policy.always:
            log.warning("job %s missed: due %s, found at %s", job.key, job.due_at, now)
            await self._finish(job, JobStatus.MISSED, now=now)
            return False
        try:
            await handler(_view(job, late=late))
        except Exception as exc:
            log.exception("job %s (%s) failed", job.key, job.kind)
            await self._failed(job, now, exc)
            return False
        await self._finish(job, JobStatus.DONE, late=late, now=now)
        return True

    async def _finish(
        self,
        job: ScheduledJob,
        status: JobStatus,
        *,
        error: str | None = None,
        late: bool = False,
        now: datetime | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status.value,
            "finished_at": utcnow(),
            "error": error,
            "late": late,
        }
        if job.cron and job.timezone and status in (JobStatus.DONE, JobStatus.MISSED):
            values |= {
                "status": PENDING,
                "due_at": next_cron(job.cron, job.timezone, max(now or utcnow(), job.due_at)),
                "claimed_by": None,
                "attempts": 0,
            }
        elif status in (JobStatus.DONE, JobStatus.MISSED) and error is None:
            self._finished[(status.value, late)].append(job.id or 0)
            return
        await self._update(job.id, values)

    async def _flush_until(self, stop: asyncio.Event) -> None:
        """Write finished jobs in groups every ``FLUSH_SECONDS``, and once more at the end."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), FLUSH_SECONDS)
            await self._flush()
        await self._flush()

    async def _flush(self) -> None:
        finished, self._finished = self._finished, defaultdict(list)
        for (status, late), ids in finished.items():
            for start in range(0, len(ids), CLAIM_BATCH):
                async with self._db.session() as session:
                    await session.exec(
                        update(ScheduledJob)
                        .where(col(ScheduledJob.id).in_(ids[start : start + CLAIM_BATCH]))
                        .values(status=status, late=late, finished_at=utcnow(), error=None)
                    )

    async def _failed(self, job: ScheduledJob, now: datetime, exc: Exception) -> None:
        attempts = job.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "error": repr(exc)[:500]}
        if attempts < MAX_ATTEMPTS:
            retry_at = now + timedelta(seconds=30 * attempts)
            values |= {"status": PENDING, "due_at": retry_at, "claimed_by": None}
        else:
            values |= {"status": JobStatus.FAILED.value, "finished_at": utcnow()}
        await self._update(job.id, values)

    async def _update(self, job_id: int | None, values: dict[str, Any]) -> None:
        async with self._db.session() as session:
            await session.exec(
                update(ScheduledJob).where(col(ScheduledJob.id) == job_id).values(**values)
            )

    async def lag(self, now: datetime | None = None) -> float:
        """Seconds the most overdue pending job is past due (0 when none is): the tick's lag."""
        now = now or utcnow()
        query = select(func.min(col(ScheduledJob.due_at))).where(
            col(ScheduledJob.status) == PENDING, col(ScheduledJob.due_at) <= now
        )
        async with self._db.reader() as session:
            oldest = (await session.exec(query)).one()
        return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0

    async def recover(self, now: datetime | None = None) -> int:
        """Mark jobs left ``running`` by a process that died; they are reported, not run twice."""
        now = now or utcnow()
        async with self._db.session() as session:
            result = await session.exec(
                update(ScheduledJob)
                .where(
                    col(ScheduledJob.status) == RUNNING,
                    col(ScheduledJob.claimed_at) < now - STALE_AFTER,
                )
                .values(status=JobStatus.INTERRUPTED.value, finished_at=now)
            )
        return int(result.rowcount)
