"""Shared by the benchmarks: the machine's description, percentiles, a migrated scratch database."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from bot.db import Database


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


async def scratch_database() -> str:
    """A migrated SQLite database in a temporary folder; returns its URL."""
    folder = Path(tempfile.mkdtemp(prefix="engage-bench-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    return url
