"""The durable scheduler: restarts, lateness, two processes on one database, cron and crashes."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.db import Database
from bot.models.scheduling import JobStatus
from bot.services.core.scheduler import JobView, SchedulerService
from tests.conftest import make_settings

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


class Crash(BaseException):
    """What a killed process looks like from inside a job: nothing after it runs."""


class Process:
    """One bot process: its own connection pool and scheduler, jobs it ran recorded."""

    def __init__(self, database_url: str) -> None:
        self.db = Database(database_url)
        self.scheduler = SchedulerService(self.db, make_settings(database_url))
        self.ran: list[JobView] = []
        self.scheduler.handle("reminder", self.record)

    async def record(self, job: JobView) -> None:
        await asyncio.sleep(0)
        self.ran.append(job)


@pytest.fixture
async def processes(database_url: str) -> AsyncIterator[list[Process]]:
    """Two bot processes sharing one database."""
    started = [Process(database_url), Process(database_url)]
    yield started
    for process in started:
        await process.db.dispose()


async def test_restart_fires_pending_jobs_inside_grace_and_records_missed_ones(
    processes: list[Process],
) -> None:
    """Jobs due while the bot was down fire after a restart within the hour; older are missed."""
    before, after = processes
    await before.scheduler.schedule(key="reminder:1", kind="reminder", due_at=T0)
    await before.scheduler.schedule(
        key="reminder:2", kind="reminder", due_at=T0 + timedelta(hours=2)
    )
    await before.db.dispose()

    assert await after.scheduler.run_due(T0 + timedelta(minutes=59)) == 1
    assert [job.key for job in after.ran] == ["reminder:1"]
    assert await after.scheduler.run_due(T0 + timedelta(hours=3, minutes=1)) == 0
    assert [job.key for job in after.ran] == ["reminder:1"]
    missed = await after.scheduler.find(key="reminder:2")
    assert missed is not None
    assert missed.status == JobStatus.MISSED
    assert await after.scheduler.report(prefix="reminder:") == {"done": 1, "missed": 1}


async def test_two_processes_on_one_database_run_each_job_once(processes: list[Process]) -> None:
    """Two schedulers claiming the same 600 due jobs at once run every job exactly once."""
    first, second = processes
    for number in range(600):
        await first.scheduler.schedule(key=f"reminder:{number}", kind="reminder", due_at=T0)

    now = T0 + timedelta(seconds=1)
    ran = await asyncio.gather(first.scheduler.run_due(now), second.scheduler.run_due(now))

    # Which process wins how many depends on timing (SQLite hands its write lock to either),
    # so only the outcome is checked: every job ran, and ran once.
    assert sum(ran) == 600
    counts = Counter(job.key for job in first.ran + second.ran)
    assert len(counts) == 600
    assert set(counts.values()) == {1}
    assert await first.scheduler.report() == {"done": 600}


async def test_scheduling_the_same_key_twice_keeps_one_row_at_the_new_time(
    processes: list[Process],
) -> None:
    """Scheduling a key again moves the job instead of adding a second one."""
    scheduler = processes[0].scheduler
    await scheduler.schedule(key="reminder:7", kind="reminder", due_at=T0)
    await scheduler.schedule(key="reminder:7", kind="reminder", due_at=T0 + timedelta(hours=1))

    assert await scheduler.run_due(T0 + timedelta(minutes=30)) == 0
    assert await scheduler.run_due(T0 + timedelta(hours=1)) == 1
    assert await scheduler.report() == {"done": 1}


async def test_a_job_cancelled_before_it_is_due_never_runs(processes: list[Process]) -> None:
    """Cancelling a pending job stops it; cancelling it again reports nothing to cancel."""
    process = processes[0]
    await process.scheduler.schedule(key="reminder:3", kind="reminder", due_at=T0)

    assert await process.scheduler.cancel(key="reminder:3")
    assert not await process.scheduler.cancel(key="reminder:3")
    assert await process.scheduler.run_due(T0 + timedelta(minutes=1)) == 0
    assert process.ran == []


async def test_cron_job_fires_at_local_time_in_its_timezone(processes: list[Process]) -> None:
    """A 09:00 daily job in New York fires at 14:00 UTC in winter and 13:00 UTC after DST starts."""
    process = processes[0]
    with time_machine.travel(datetime(2026, 3, 6, 12, 0, tzinfo=UTC), tick=False):
        job = await process.scheduler.schedule_cron(
            key="digest:ny", kind="reminder", cron="0 9 * * *", timezone="America/New_York"
        )
    assert job.due_at == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)

    await process.scheduler.run_due(datetime(2026, 3, 8, 20, 0, tzinfo=UTC))
    moved = await process.scheduler.find(key="digest:ny")
    assert moved is not None
    assert moved.status == JobStatus.PENDING
    assert moved.due_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


async def test_cron_in_shanghai_moves_to_the_next_morning_after_running(
    processes: list[Process],
) -> None:
    """A 08:00 Beijing-time job runs once and waits for the next morning (00:00 UTC)."""
    process = processes[0]
    with time_machine.travel(datetime(2026, 11, 30, 23, 0, tzinfo=UTC), tick=False):
        job = await process.scheduler.schedule_cron(
            key="daily:sh", kind="reminder", cron="0 8 * * *", timezone="Asia/Shanghai"
        )
    assert job.due_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)

    assert await process.scheduler.run_due(job.due_at + timedelta(seconds=2)) == 1
    assert await process.scheduler.run_due(job.due_at + timedelta(hours=1)) == 0
    moved = await process.scheduler.find(key="daily:sh")
    assert moved is not None
    assert moved.due_at == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)


async def test_job_interrupted_by_a_crash_is_reported_not_rerun(processes: list[Process]) -> None:
    """A job caught running by a crash is marked interrupted on recovery and never run again."""
    crashed, restarted = processes

    async def die(job: JobView) -> None:
        raise Crash(job.key)

    crashed.scheduler.handle("reminder", die)
    await crashed.scheduler.schedule(key="reminder:9", kind="reminder", due_at=T0)
    with pytest.raises(Crash):
        await crashed.scheduler.run_due(T0)

    assert await restarted.scheduler.recover(T0 + timedelta(minutes=1)) == 0
    assert await restarted.scheduler.recover(T0 + timedelta(minutes=16)) == 1
    assert await restarted.scheduler.run_due(T0 + timedelta(minutes=17)) == 0
    assert restarted.ran == []
    job = await restarted.scheduler.find(key="reminder:9")
    assert job is not None
    assert job.status == JobStatus.INTERRUPTED


async def test_rescheduling_a_running_job_does_not_make_it_run_twice(
    processes: list[Process],
) -> None:
    """Scheduling the key of a job that is running right now leaves it running, once."""
    process = processes[0]
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(job: JobView) -> None:
        started.set()
        await release.wait()
        process.ran.append(job)

    process.scheduler.handle("reminder", slow)
    await process.scheduler.schedule(key="reminder:5", kind="reminder", due_at=T0)
    running = asyncio.create_task(process.scheduler.run_due(T0))
    await started.wait()
    again = await process.scheduler.schedule(key="reminder:5", kind="reminder", due_at=T0)
    release.set()

    assert again.status == JobStatus.RUNNING
    assert await running == 1
    assert await process.scheduler.run_due(T0 + timedelta(minutes=1)) == 0
    assert len(process.ran) == 1


async def test_failing_job_is_retried_with_backoff_then_marked_failed(
    processes: list[Process],
) -> None:
    """A job that raises is retried 30 s and 60 s later, then recorded as failed."""
    process = processes[0]
    attempts: list[datetime] = []

    async def flaky(job: JobView) -> None:
        attempts.append(job.due_at)
        raise RuntimeError("Telegram is unreachable")

    process.scheduler.handle("reminder", flaky)
    await process.scheduler.schedule(key="reminder:4", kind="reminder", due_at=T0)
    for seconds in (0, 30, 90, 200):
        await process.scheduler.run_due(T0 + timedelta(seconds=seconds))

    assert attempts == [T0, T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)]
    job = await process.scheduler.find(key="reminder:4")
    assert job is not None
    assert job.status == JobStatus.FAILED
    assert "unreachable" in (job.error or "")


async def test_kind_that_must_always_run_runs_late_and_is_marked_late(
    processes: list[Process],
) -> None:
    """An announcement found two days late still runs, flagged as late."""
    process = processes[0]
    late: list[bool] = []

    async def announce(job: JobView) -> None:
        late.append(job.late)

    process.scheduler.handle("announcement", announce, grace=timedelta(minutes=5), always=True)
    await process.scheduler.schedule(key="announcement:1", kind="announcement", due_at=T0)

    assert await process.scheduler.run_due(T0 + timedelta(days=2)) == 1
    assert late == [True]
    job = await process.scheduler.find(key="announcement:1")
    assert job is not None
    assert job.late
    assert job.status == JobStatus.DONE


async def test_jobs_claimed_together_are_prepared_together_before_running(
    processes: list[Process],
) -> None:
    """A kind's preparer sees every job of the batch first; if it fails, the jobs still run."""
    process = processes[0]
    seen: list[tuple[str, int]] = []

    async def prepare(jobs: list[JobView]) -> None:
        seen.append(("prepare", len(jobs)))
        raise RuntimeError("cache unavailable")

    async def run(job: JobView) -> None:
        seen.append(("run", 1))

    process.scheduler.handle("reminder", run, prepare=prepare)
    for number in range(5):
        await process.scheduler.schedule(key=f"reminder:{number}", kind="reminder", due_at=T0)

    assert await process.scheduler.run_due(T0) == 5
    assert seen == [("prepare", 5)] + [("run", 1)] * 5
