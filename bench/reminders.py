"""Reminders: 10,000 due at the same moment, and start-up with 100,000 pending jobs.

Two parts, each printed as a markdown table:

* **Burst.** 10,000 users each have a reminder due at the same second. The bot (in this
  process) fires them through its scheduler tick against the emulator (a child process that
  enforces the chosen overall limit and 1 message/s per chat). The child then counts the
  messages every simulated user received: each must have exactly one.
* **Start-up.** 100,000 future jobs wait in the database. In a fresh process each, measure
  what starting costs: the durable scheduler (recover interrupted jobs, first tick) against
  the classic design where APScheduler holds every timer in memory and all pending rows are
  loaded and scheduled again on start (``AsyncIOScheduler`` with its memory job store).

    python bench/reminders.py [--users 10000] [--rate 1000 [--rate 30]] [--pending 100000]
                              [--only burst|startup] [--database-url URL]

With ``--database-url``, give an empty migrated database and run one part with one rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from bench.common import FIRST_ID, cpu_seconds, header, scratch_database, serve_emulator
from bot.app import build_application, running
from bot.config import load_settings
from bot.context import services_of
from bot.db import Database
from bot.models.reminders import Reminder, ReminderStatus
from bot.models.scheduling import JobStatus, ScheduledJob
from bot.models.users import User
from bot.sandbox.models import BotMessage
from bot.services.reminders.reminders import KIND, job_key

CHUNK = 5_000


@dataclass
class Burst:
    """One measured burst of reminders."""

    rate: float
    users: int
    seconds: float
    cpu: float
    done: int
    exactly_once: int
    duplicates: int
    missing: int
    violations: int

    def row(self) -> str:
        """A markdown table row."""
        floor = self.users / self.rate
        verdict = "✅" if self.exactly_once == self.users else "❌"
        return (
            f"| {self.rate:,.0f}/s | {self.users:,} | {floor:.1f} s | {self.seconds:.1f} s | "
            f"{self.seconds / floor:.2f}x | {self.cpu * 1000 / self.users:.2f} ms | "
            f"{self.exactly_once:,} / {self.duplicates} / {self.missing} {verdict} | "
            f"{self.violations} |"
        )


def _reminders_received(history: list[BotMessage]) -> int:
    """How many reminders (⏰ messages) a simulated user got."""
    return sum("⏰" in message.text for message in history)


async def _rows(url: str, table: Any, rows: list[dict[str, Any]]) -> None:
    db = Database(url)
    async with db.writer() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(table), rows[start : start + CHUNK])
    await db.dispose()


async def _reminders_due(url: str, users: int, due: datetime) -> None:
    """``users`` people, each with one confirmed reminder due at ``due``."""
    people = [
        {"id": FIRST_ID + i, "name": f"u{i}", "locale": "zh", "onboarding_step": None}
        for i in range(users)
    ]
    await _rows(url, User.__table__, people)  # type: ignore[attr-defined]
    reminders = [
        {
            "id": i + 1,
            "user_id": FIRST_ID + i,
            "subject": f"交班记录 {i}",
            "due_at": due,
            "status": ReminderStatus.SET.value,
            "source": "manual",
            "job_key": job_key(i + 1),
        }
        for i in range(users)
    ]
    await _rows(url, Reminder.__table__, reminders)  # type: ignore[attr-defined]
    jobs = [_job(job_key(i + 1), due, i + 1) for i in range(users)]
    await _rows(url, ScheduledJob.__table__, jobs)  # type: ignore[attr-defined]


def _job(key: str, due: datetime, reminder_id: int) -> dict[str, Any]:
    return {
        "key": key,
        "kind": KIND,
        "due_at": due,
        "payload": {"reminder_id": reminder_id, "user_id": FIRST_ID + reminder_id - 1},
        "status": JobStatus.PENDING.value,
    }


async def burst(rate: float, users: int, database_url: str | None) -> Burst:
    """Start the emulator child and the bot, make every reminder due at once, time the last."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", "--rate", str(rate), "--users", str(users),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert child.stdin is not None
    assert child.stdout is not None
    endpoint = json.loads(await child.stdout.readline())
    url = database_url or await scratch_database()
    settings = load_settings(
        database_url=url,
        bot_token=endpoint["token"],
        bot_api_url=endpoint["url"],
        global_rate=rate,
        log_level="WARNING",
    )
    app = build_application(settings)
    async with running(app):
        scheduler = services_of(app).scheduler
        due = datetime.now(UTC) + timedelta(seconds=5)
        await _reminders_due(url, users, due)
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
        cpu = cpu_seconds()
        while (report := await scheduler.report(prefix="reminder:")).get("done", 0) < users:
            if report.get("missed") or report.get("failed"):
                break
            await asyncio.sleep(0.25)
        seconds, cpu = (datetime.now(UTC) - due).total_seconds(), cpu_seconds() - cpu
    child.stdin.write(b"report\n")
    await child.stdin.drain()
    received = json.loads(await child.stdout.readline())
    await child.wait()
    for example in received["examples"]:
        print("violation:", example, file=sys.stderr)
    return Burst(
        rate, users, seconds, cpu, report.get("done", 0), received["exactly_once"],
        received["duplicates"], received["missing"], received["violations"],
    )  # fmt: skip


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _fire(key: str) -> None:
    """What an in-memory timer would run (never reached: every job is in the future)."""


async def _start(kind: str, db: Database, url: str) -> int:
    """Do what starting costs in one design; how many timers it keeps in memory."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

    from bot.services.core.scheduler import SchedulerService

    if kind == "db":
        scheduler = SchedulerService(db, load_settings(database_url=url, log_level="WARNING"))
        await scheduler.recover()
        await scheduler.run_due()
        return 1  # the one repeating tick that drives it
    memory = AsyncIOScheduler(timezone=UTC)
    async with db.reader() as session:
        rows = await session.exec(
            select(ScheduledJob.key, ScheduledJob.due_at)  # type: ignore[call-overload]
            .where(ScheduledJob.status == JobStatus.PENDING.value)
            .order_by(ScheduledJob.due_at)  # in time order: each timer goes last in its list
        )
        for key, due_at in rows.all():
            memory.add_job(
                _fire, "date", run_date=due_at, id=key, kwargs={"key": key},
                misfire_grace_time=3600, coalesce=True,
            )  # fmt: skip
    memory.start()
    return len(memory.get_jobs())


async def startup(kind: str, url: str, *, traced: bool) -> dict[str, float]:
    """Child process: the cost of starting with the database full of pending jobs.

    Time and RSS are measured in one process, Python's peak allocation (tracemalloc, which
    slows allocation-heavy code several times) in another.
    """
    db = Database(url)
    async with db.reader() as session:  # warm the engine and the imports, not counted
        await session.exec(select(ScheduledJob.id).limit(1))  # type: ignore[call-overload]
    if traced:
        tracemalloc.start()
    rss, started = _rss_kib(), time.perf_counter()
    timers = await _start(kind, db, url)
    seconds, grown = time.perf_counter() - started, (_rss_kib() - rss) / 1024
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
    await db.dispose()
    return {"seconds": seconds, "rss_mib": grown, "peak_mib": peak, "timers": timers}


async def startups(pending: int, database_url: str | None) -> dict[str, dict[str, float]]:
    """Fill a database with ``pending`` future jobs and measure both designs, each fresh."""
    url = database_url or await scratch_database()
    later = datetime.now(UTC) + timedelta(days=30)
    jobs = [_job(f"bench:{i}", later + timedelta(seconds=i), i + 1) for i in range(pending)]
    await _rows(url, ScheduledJob.__table__, jobs)  # type: ignore[attr-defined]
    results = {}
    for kind in ("db", "apscheduler"):
        measured = {}
        for traced in (False, True):
            flags = ["--traced"] if traced else []
            child = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--startup", kind, "--database-url", url, *flags,
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, _ = await child.communicate()
            measured[traced] = json.loads(out.decode().strip().splitlines()[-1])
        results[kind] = measured[False] | {"peak_mib": measured[True]["peak_mib"]}
    return results


NAMES = {
    "db": "durable scheduler (database holds the timers; recover + first tick)",
    "apscheduler": "APScheduler holds every timer (load rows in time order, `add_job` each, start)",
}


def burst_table(users: int, runs: list[Burst]) -> str:
    """The burst part as markdown."""
    lines = [
        f"#### {users:,} reminders due at the same second\n",
        "| overall limit | reminders | floor | time to the last | ratio | bot CPU per reminder "
        "| exactly once / twice / never | API violations |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    return "\n".join([*lines, *(run.row() for run in runs)]) + "\n"


def startup_table(pending: int, started: dict[str, dict[str, float]]) -> str:
    """The start-up part as markdown."""
    lines = [
        f"#### Start-up with {pending:,} pending jobs in the database\n",
        "| design | timers in memory | start-up time | Python memory (peak) | RSS growth |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, result in started.items():
        lines.append(
            f"| {NAMES[kind]} | {int(result['timers']):,} | {result['seconds'] * 1000:,.0f} ms | "
            f"{result['peak_mib']:,.1f} MiB | {result['rss_mib']:,.1f} MiB |"
        )
    return "\n".join(lines) + "\n"


async def main(arguments: argparse.Namespace) -> None:
    """Run the chosen parts and print their tables."""
    load = os.getloadavg()[0]
    tables = []
    if arguments.only in (None, "burst"):
        runs = [await burst(r, arguments.users, arguments.database_url) for r in arguments.rate]
        tables.append(burst_table(arguments.users, runs))
    if arguments.only in (None, "startup"):
        started = await startups(arguments.pending, arguments.database_url)
        tables.append(startup_table(arguments.pending, started))
    url = arguments.database_url or ""
    backend = "PostgreSQL" if url.startswith("postgresql") else f"SQLite {sqlite3.sqlite_version}"
    print(header("Reminders", " ".join(["python bench/reminders.py", *sys.argv[1:]])))
    print(f"Database: {backend}; emulator in a child process; load average before: {load:.2f}\n")
    print("\n".join(tables))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument(
        "--rate", type=float, action="append", help="overall limit(s), default 1000 (repeatable)"
    )
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--only", choices=("burst", "startup"), help="run one part")
    parser.add_argument("--database-url", help="default: a scratch SQLite file per part")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--startup", choices=("db", "apscheduler"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve_emulator(parsed.rate[0], parsed.users, _reminders_received))
    elif parsed.startup:
        measured = startup(parsed.startup, parsed.database_url, traced=parsed.traced)
        print(json.dumps(asyncio.run(measured)))
    else:
        parsed.rate = parsed.rate or [1000.0]
        asyncio.run(main(parsed))
