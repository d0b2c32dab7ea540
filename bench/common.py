"""Shared by the benchmarks: the machine's description, percentiles, a migrated scratch database."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.sandbox.models import BotMessage

# Simulated users of the emulator children get ids from here on.
FIRST_ID = 7_000_000_000


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    python = sys.version.split()[0]
    return f"{cpu}, {os.cpu_count()} cores{memory}; Python {python} on {platform.system()}"


def header(title: str, command: str) -> str:
    """The heading every benchmark prints above its table."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    return f"### {title}\n\nMachine: {machine()}  \nDate: {today}  \nCommand: `{command}`\n"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


async def scratch_database(server: str | None = None) -> str:
    """A fresh migrated database: a SQLite file, or a new database on the PostgreSQL ``server``.

    ``server`` is a PostgreSQL URL; the benchmark's database is created beside the one it
    names (``…/test`` → ``…/engage_bench_<n>``) and left for the next run to replace.
    """
    from bot.db import Database

    if server is None:
        folder = Path(tempfile.mkdtemp(prefix="engage-bench-"))
        url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    else:
        url = await _fresh_postgres(server)
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    return url


_BENCH_DATABASES = iter(range(1, 1000))


async def _fresh_postgres(server: str) -> str:
    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    parsed = make_url(server)
    name = f"engage_bench_{os.getpid()}_{next(_BENCH_DATABASES)}"
    admin = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        # Each process names its own databases, so two benchmarks on one server never drop
        # each other's; what a finished process left behind is dropped here.
        for row in await admin.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'engage\\_bench\\_%'"
        ):
            parts = row["datname"].split("_")  # engage, bench, the process, its number
            if len(parts) != 4 or (parts[2].isdigit() and not _alive(int(parts[2]))):
                await admin.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return parsed.set(database=name).render_as_string(False)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def resident_mib() -> float:
    """This process's resident memory now, in MiB (Linux ``VmRSS``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    """CPU time (user and system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def processes_cpu_seconds(command: str) -> float | None:
    """CPU time used so far by every visible process named ``command`` (``None``: none found).

    For a database server on this machine: its work for the bot runs on the same cores.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition(") ")
        if name.split(" (", 1)[-1] != command:
            continue
        fields = rest.split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15
        found = True
    return total / ticks if found else None


async def serve_emulator(
    rate: float, users: int, received: Callable[[list[BotMessage]], int], drop: float = 0.0
) -> None:
    """Child process: an emulator with ``users`` who started the bot, until told to report.

    Prints the emulator's address as one JSON line, waits for a line on stdin, then prints
    how many users ``received`` the message once, twice or more, or never, the violations and
    its own CPU time, so the bot's process is measured alone. With ``drop``, that share of the
    sending calls is carried out and then left unanswered (the connection dropped).
    """
    from bot.sandbox import Emulator

    emulator = Emulator(global_rate=rate, global_burst=30, chat_rate=1.0, chat_burst=3)
    people = [emulator.user(f"u{i}", lang="zh", user_id=FIRST_ID + i) for i in range(users)]
    for person in people:
        person.started = True
    emulator.drop_connections(drop)
    await emulator.start()
    # The emulator judges flood limits by when it handles a request: a garbage collection over
    # the simulated users' objects held it up for 50-300 ms, after which the requests that had
    # arrived meanwhile were judged as sent all at once. The collector stays off in this child.
    gc.collect()
    gc.freeze()
    gc.disable()
    print(json.dumps({"url": emulator.base_url, "token": emulator.bot_token}), flush=True)
    cpu = cpu_seconds()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    cpu = cpu_seconds() - cpu
    counts = [received(person.history) for person in people]
    violations = [v for v in emulator.violations if v.kind != "conflict"]
    report = {
        "exactly_once": counts.count(1),
        "duplicates": sum(1 for c in counts if c > 1),
        "missing": counts.count(0),
        "violations": len(violations),
        "examples": [str(v) for v in violations[:3]],
        "cpu": cpu,
        "dropped": emulator.faults.dropped,
    }
    print(json.dumps(report), flush=True)
    await emulator.stop()


AIOGRAM = "aiogram==3.31.0"
AIOGRAM_VENV = Path(__file__).with_name(".aiogram-venv")


def aiogram_python() -> str:
    """The interpreter of a virtual environment with aiogram 3, built on first use.

    aiogram pins its own aiohttp and magic-filter, so it lives apart from this bot's
    environment; the baseline it runs (``bench/aiogram_echo.py``) imports nothing of the bot.
    """
    python = AIOGRAM_VENV / "bin" / "python"
    if not python.exists():
        import subprocess

        subprocess.run([sys.executable, "-m", "venv", str(AIOGRAM_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", AIOGRAM], check=True)
    return str(python)
