"""Replies per second and reply latency: this bot against a bare PTB echo bot, as a user measures.

The emulator and its simulated users run in a child process, as Telegram runs on other
machines; the bot under test runs alone in this process, so its CPU time per update is its
own. Both bots answer the same sequence with the same number of messages and edits: the
echo bot is told, step by step, how many this bot sent (found by a calibration run), answers
a text with that many messages and a button press by answering the query and editing the
message. Flood limits are lifted on both sides (the emulator's and this bot's own limiter).

Runs:

* ``read``: each user sends /start, then ten commands that read the database
  (/progress, /profile, /learn, /myideas in turn), one at a time;
* ``mixed``: each user answers onboarding, opens a course, starts its quiz and answers,
  begins an /idea draft, cancels it, and asks for /progress: texts, button presses (callback
  queries answered, messages edited) and conversation steps.
* ``--memory``: the bot's resident memory after N users each did /start and opened a lesson,
  against the echo bot's after as many echoes.

    python bench/updates.py [--users 200] [--runs read,mixed] [--rounds 3] [--database-url URL]
    python bench/updates.py --no-freeze ...   # start-up's objects left to the collector
    python bench/updates.py --memory [--users 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.child import Child
from bench.common import (
    cpu_seconds,
    header,
    percentile,
    processes_cpu_seconds,
    scratch_database,
)
from bot.app import build_application, freeze_startup, running
from bot.config import load_settings
from bot.context import services_of


@dataclass
class Result:
    """What one bot achieved in one run."""

    name: str
    updates: int
    replies: int
    seconds: float
    latencies: list[float]
    cpu: float
    queries: int = 0
    sessions: int = 0
    connections: int | None = None
    server_cpu: float | None = None
    by_step: list[list[float]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    full_collections: list[float] = field(default_factory=list)

    def row(self) -> str:
        """A markdown table row."""
        ms = [x * 1000 for x in self.latencies]
        per_update = (
            f"{self.sessions / self.updates:.2f} / {self.queries / self.updates:.2f}"
            if self.queries
            else "—"
        )
        server = (
            f"{self.server_cpu * 1000 / self.updates:.2f}" if self.server_cpu is not None else "—"
        )
        opened = "—" if self.connections is None else f"{self.connections}"
        return (
            f"| {self.name} | {self.updates:,} | {self.replies:,} | "
            f"{self.replies / self.seconds:.0f} | {percentile(ms, 50):.0f} | "
            f"{percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} | "
            f"{self.cpu * 1000 / self.updates:.2f} | {server} | {per_update} | {opened} |"
        )


def bot_settings(child: Child, database_url: str) -> Any:
    """This bot's settings against ``child``'s emulator, every flood limit lifted."""
    return load_settings(
        bot_token=child.token,
        bot_api_url=child.url,
        database_url=database_url,
        global_rate=100_000,
        per_chat_rate=1000,
        per_chat_burst=1000,
        log_level="WARNING",
    )


class QueryCounter:
    """Database round trips, sessions and connections opened, counted as the bot runs.

    Connections opened during the run show a pool that closes and reopens them under bursts
    (and on PostgreSQL, the server CPU of a closed connection's process is lost to the count).
    """

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.queries = self.sessions = self.connections = 0
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._query)
        event.listen(sync, "begin", self._session)
        event.listen(sync.pool, "connect", self._connect)

    def _connect(self, *_: object) -> None:
        self.connections += 1

    def _query(self, *_: object) -> None:
        self.queries += 1

    def _session(self, *_: object) -> None:
        self.sessions += 1


class FullCollections:
    """How long each full (generation 2) garbage collection held the loop while it was on."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def _track(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._track)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._track)


async def measure_engage(
    run: str,
    users: int,
    database_url: str | None,
    counts: list[int] | None,
    *,
    freeze: bool = True,
) -> tuple[Result, list[int]]:
    """This bot, against a fresh emulator child and a fresh database.

    ``freeze`` as `engage run` does; without it (``--no-freeze``) shows what freezing saves.
    """
    child = await Child.start("--serve", run, "--users", str(users))
    url = await scratch_database(database_url)
    app = build_application(bot_settings(child, url))
    async with running(app):
        if freeze:
            freeze_startup()
        counter = QueryCounter(services_of(app).db.engine)
        cpu, server = cpu_seconds(), _server_cpu(url)
        with FullCollections() as collections:
            report = await child.run({"bot": "engage", "counts": counts})
        cpu = cpu_seconds() - cpu
        after = _server_cpu(url)
        server = after - server if after is not None and server is not None else None
    await child.close()
    result = Result(
        "this bot",
        report["updates"],
        report["replies"],
        report["seconds"],
        report["latencies"],
        cpu,
        counter.queries,
        counter.sessions,
        counter.connections,
        server,
        report["by_step"],
        report["steps"],
        collections.pauses,
    )
    return result, report["counts"]


def _server_cpu(url: str) -> float | None:
    """The local PostgreSQL server's CPU time so far (SQLite's work is in the bot's own)."""
    return processes_cpu_seconds("postgres") if url.startswith("postgresql") else None


async def measure_echo(
    run: str, users: int, counts: list[int], *, keep_alive: bool = False
) -> Result:
    """The baseline: a bare PTB bot answering each step with as many messages and edits."""
    from bench.echo import echo_application

    child = await Child.start("--serve", run, "--users", str(users))
    app = echo_application(child.url, child.token, counts, keep_alive=keep_alive)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5, poll_interval=0)
        cpu = cpu_seconds()
        report = await child.run({"bot": "echo", "counts": counts})
        cpu = cpu_seconds() - cpu
        await app.updater.stop()
        await app.stop()
    await child.close()
    return Result(
        "the same on this bot's HTTP client" if keep_alive else "PTB echo bot (baseline)",
        report["updates"],
        report["replies"],
        report["seconds"],
        report["latencies"],
        cpu,
        by_step=report["by_step"],
        steps=report["steps"],
    )


async def measure_aiogram(run: str, users: int, counts: list[int]) -> Result:
    """The second framework's baseline: aiogram 3's bare echo bot, in a process of its own."""
    from bench.common import aiogram_python

    python = aiogram_python()
    child = await Child.start("--serve", run, "--users", str(users))
    bot = await asyncio.create_subprocess_exec(
        python,
        str(Path(__file__).with_name("aiogram_echo.py")),
        child.url,
        child.token,
        json.dumps(counts),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert bot.stdin is not None
    assert bot.stdout is not None
    assert (await bot.stdout.readline()).strip() == b"ready"
    report = await child.run({"bot": "echo", "counts": counts})
    bot.stdin.close()
    cpu = json.loads(await bot.stdout.readline())["cpu"]
    await bot.wait()
    await child.close()
    return Result(
        "aiogram 3 echo bot (baseline)",
        report["updates"],
        report["replies"],
        report["seconds"],
        report["latencies"],
        cpu,
        by_step=report["by_step"],
        steps=report["steps"],
    )


def _by_step(engage: Result, echo: Result) -> list[str]:
    """p50 and p99 of each step of the script, this bot beside the echo bot: where the tail is."""
    lines = [
        "| step | echo p50 ms | echo p99 ms | this bot p50 ms | this bot p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for index, step in enumerate(engage.steps):
        theirs = [x * 1000 for x in echo.by_step[index]]
        ours = [x * 1000 for x in engage.by_step[index]]
        lines.append(
            f"| {index + 1}. {step} | {percentile(theirs, 50):.0f} | {percentile(theirs, 99):.0f} "
            f"| {percentile(ours, 50):.0f} | {percentile(ours, 99):.0f} |"
        )
    return lines


def _against_client(engage: Result, client: Result) -> str:
    """This bot against the echo bot on the same HTTP client: the cost of the work alone."""
    ratio = (engage.replies / engage.seconds) / (client.replies / client.seconds)
    tail = percentile(engage.latencies, 99) / percentile(client.latencies, 99)
    extra = (engage.cpu / engage.updates - client.cpu / client.updates) * 1000
    return (
        f"Against the echo bot on this bot's HTTP client: replies/s {ratio:.0%}, p99 {tail:.2f}x, "
        f"{extra:+.2f} ms of CPU per update."
    )


def _verdict(engage: Result, echo: Result, throughput: float, p99: float | None) -> str:
    ratio = (engage.replies / engage.seconds) / (echo.replies / echo.seconds)
    tail = percentile(engage.latencies, 99) / percentile(echo.latencies, 99)
    parts = [f"replies/s {ratio:.0%} of the echo bot's (target ≥ {throughput:.0%})"]
    parts.append(
        f"p99 {tail:.2f}x the echo bot's" + (f" (target ≤ {p99}x)" if p99 is not None else "")
    )
    met = ratio >= throughput and (p99 is None or tail <= p99)
    return "; ".join(parts) + (": met." if met else ": NOT met.")


TARGETS: dict[str, tuple[float, float | None]] = {"read": (0.75, 1.5), "mixed": (0.5, None)}
# Against aiogram's echo bot (docs/benchmarks.md): replies/s and p99 of the read run, and
# replies/s of the mixed run.
AIOGRAM_TARGETS: dict[str, tuple[float, float | None]] = {"read": (1.0, 1.0), "mixed": (0.7, None)}


def _ratio(engage: Result, echo: Result) -> float:
    return (engage.replies / engage.seconds) / (echo.replies / echo.seconds)


async def compare(
    run: str,
    users: int,
    database_url: str | None,
    rounds: int,
    *,
    freeze: bool = True,
    with_aiogram: bool = True,
) -> list[str]:
    """Calibrate; then, ``rounds`` times, the echo bots and this bot, each with a fresh child.

    On a shared machine one round's ratio moved by 20 points from the next; the table shows
    the round with the median ratio, and every round's ratios are listed under it.
    """
    _, counts = await measure_engage(run, 1, None, None)
    played = []
    for _ in range(rounds):
        echo = await measure_echo(run, users, counts)
        client = await measure_echo(run, users, counts, keep_alive=True)
        aiogram = await measure_aiogram(run, users, counts) if with_aiogram else None
        engage, _ = await measure_engage(run, users, database_url, counts, freeze=freeze)
        played.append((echo, client, engage, aiogram))
    played.sort(key=lambda round_: _ratio(round_[2], round_[0]))
    echo, client, engage, aiogram = played[len(played) // 2]
    every = ", ".join(
        f"{_ratio(e, b):.0%} / {percentile(e.latencies, 99) / percentile(b.latencies, 99):.2f}x"
        for b, _, e, _ in played
    )
    against_aiogram: list[str] = []
    if aiogram is not None:
        by_aiogram = sorted(
            (r for r in played if r[3] is not None), key=lambda r: _ratio(r[2], r[3])
        )
        middle = by_aiogram[len(by_aiogram) // 2]
        assert middle[3] is not None
        rounds_aiogram = ", ".join(
            f"{r[3].replies / r[3].seconds:.0f} against {r[2].replies / r[2].seconds:.0f} "
            f"({_ratio(r[2], r[3]):.0%} / "
            f"{percentile(r[2].latencies, 99) / percentile(r[3].latencies, 99):.2f}x)"
            for r in played
            if r[3] is not None
        )
        against_aiogram = [
            "Against aiogram 3's echo bot (median round): "
            + _verdict(middle[2], middle[3], *AIOGRAM_TARGETS[run]).replace(
                "the echo bot's", "aiogram's"
            ),
            "",
            f"Every round, aiogram's replies/s against this bot's (ratio / p99 ratio): "
            f"{rounds_aiogram}.",
            "",
        ]
    throughput, p99 = TARGETS[run]
    return [
        f"**{run}** run: {users} users, {echo.updates // users} updates each; the median of "
        f"{rounds} rounds.\n",
        "| bot | updates | replies and edits | replies/s | p50 ms | p95 ms | p99 ms "
        "| bot CPU ms per update | database server CPU ms per update "
        "| DB sessions / queries per update | DB connections opened |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        echo.row(),
        client.row(),
        *([aiogram.row()] if aiogram is not None else []),
        engage.row(),
        "",
        _verdict(engage, echo, throughput, p99),
        "",
        *against_aiogram,
        f"Every round, replies/s against the echo bot's / p99 against its p99: {every}.",
        "",
        _against_client(engage, client),
        "",
        f"Full garbage collections in this bot during the round: {len(engage.full_collections)}"
        + (
            f", the longest {max(engage.full_collections) * 1000:.0f} ms"
            f" ({sum(engage.full_collections) * 1000:.0f} ms in all)"
            if engage.full_collections
            else ""
        )
        + ("" if freeze else "; start-up's objects not frozen (--no-freeze)")
        + ".",
        "",
        "Latency by step:\n",
        *_by_step(engage, echo),
        "",
    ]


async def memory(users: int, database_url: str | None) -> list[str]:
    """Resident memory of each bot after ``users`` people used it once, each in a fresh process."""
    _, counts = await measure_engage("memory", 1, None, None)
    lines = []
    for bot, name in (("echo", "PTB echo bot (baseline)"), ("engage", "this bot")):
        arguments = [str(Path(__file__).with_name("memory.py")), bot, "--users", str(users)]
        arguments += ["--counts", json.dumps(counts)]
        if database_url:
            arguments += ["--database-url", database_url]
        process = await asyncio.create_subprocess_exec(
            sys.executable, *arguments, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await process.communicate()
        figures = json.loads(out.decode().strip().splitlines()[-1])
        lines.append(
            f"| {name} | {figures['ready']:.0f} MiB | {figures['after']:.0f} MiB | "
            f"{(figures['after'] - figures['ready']) * 1024 / users:.1f} KiB |"
        )
    return lines


def _backend(database_url: str | None) -> str:
    if (database_url or "").startswith("postgresql"):
        return "PostgreSQL"
    return f"SQLite {sqlite3.sqlite_version} (a file, WAL)"


async def main(arguments: argparse.Namespace) -> None:
    """Run what was asked and print the markdown that goes into docs/benchmarks.md."""
    command = " ".join(["python bench/updates.py", *sys.argv[1:]])
    if arguments.memory:
        rows = await memory(arguments.users, arguments.database_url)
        print(header("Memory after first use", command))
        print(
            f"{arguments.users:,} users, 200 at a time, each played: /start, /learn, a course, "
            "a lesson.\n"
        )
        print("| bot | up, before any user | after every user | per user |")
        print("|---|---:|---:|---:|")
        print("\n".join(rows))
        return
    lines: list[str] = []
    for run in arguments.runs.split(","):
        lines += await compare(
            run,
            arguments.users,
            arguments.database_url,
            arguments.rounds,
            freeze=not arguments.no_freeze,
            with_aiogram=not arguments.no_aiogram,
        )
    print(header("Update path: this bot against a bare echo bot", command))
    print(
        f"Database: {_backend(arguments.database_url)}; emulator and users in a child process; "
        f"load average at the end: {os.getloadavg()[0]:.2f}\n"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--runs", default="read,mixed")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to make a scratch database on (default: a scratch SQLite file)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each run (the median)")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave start-up's objects to the collector"
    )
    parser.add_argument("--memory", action="store_true")
    parser.add_argument(
        "--no-aiogram", action="store_true", help="leave out aiogram's echo bot (no venv built)"
    )
    asyncio.run(main(parser.parse_args()))
