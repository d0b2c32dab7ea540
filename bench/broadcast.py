"""Broadcast throughput: 10,000 recipients against the emulator, at Telegram's limit and far above.

Two runs, each a fresh database and a fresh emulator:

* the emulator enforces 30 messages/s (Telegram's limit) and the bot paces itself to it: the
  floor is 10,000 / 30 = 333 s and the target is 1.05x;
* the emulator accepts 1,000 messages/s (paid broadcasts) and so does the bot: the floor is
  10 s and the target 1.5x, i.e. the bot's own cost per message (database writes included)
  stays under 0.5 ms. This run is made twice: with PTB's httpx client as the baseline, then
  with the bot's keep-alive client (``ENGAGE_HTTP_CLIENT``, the default).

The emulator runs in a child process (``--serve``) so that its work does not count against
the bot's: the bot's CPU time per message is measured on its own process. At the end the
child reports how many messages each simulated user received: every one must have exactly one.

``--drop 0.01`` makes the emulator carry out 1 % of the calls and then drop the connection
unanswered: none may be sent twice, and each must be reported "unknown" (docs/deploy.md).

    python bench/broadcast.py [--users 10000] [--only 30|1000] [--client httpx|keepalive]
                              [--database-url URL] [--drop 0.01]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bench.common import FIRST_ID, cpu_seconds, header, scratch_database, serve_emulator
from bot.app import build_application, running
from bot.config import load_settings
from bot.context import services_of
from bot.db import Database
from bot.models.users import User
from bot.sending.sender import sender_of
from bot.services.broadcasts.audience import Audience
from bot.services.broadcasts.outbox import Status

TEXT_ZH = "<b>通知</b>：本周五 15:00 在一号车间举行焊接技能比武，欢迎报名。"
TEXT_EN = "<b>Notice</b>: welding skills contest, Friday 15:00, Workshop 1. Sign up now."


@dataclass
class Run:
    """One measured broadcast."""

    rate: float
    client: str
    users: int
    seconds: float
    cpu: float
    emulator_cpu: float
    sent: int
    exactly_once: int
    duplicates: int
    missing: int
    violations: int
    unknown: int = 0
    dropped: int = 0

    @property
    def floor(self) -> float:
        """The time Telegram's limit alone imposes."""
        return self.users / self.rate

    def row(self, target: float) -> str:
        """A markdown table row."""
        ratio = self.seconds / self.floor
        verdict = "✅" if ratio <= target and self.exactly_once == self.users else "❌"
        return (
            f"| {self.rate:,.0f}/s | {self.client} | {self.users:,} | {self.floor:.1f} s | "
            f"{self.seconds:.1f} s | "
            f"{ratio:.3f}x (≤ {target}x) {verdict} | {self.cpu * 1000 / self.users:.3f} ms | "
            f"{self.emulator_cpu * 1000 / self.users:.3f} ms | "
            f"{self.exactly_once:,} / {self.duplicates} / {self.missing} | "
            f"{self.dropped} / {self.unknown} | {self.violations} |"
        )


async def measure(
    rate: float, client: str, users: int, database_url: str | None, drop: float = 0.0
) -> Run:
    """Start an emulator child, broadcast to everyone, and time it until the last row is done."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve",
        "--rate",
        str(rate),
        "--users",
        str(users),
        "--drop",
        str(drop),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    endpoint = json.loads(await child.stdout.readline())
    url = await scratch_database(database_url)
    await _register(url, users)
    settings = load_settings(
        database_url=url,
        bot_token=endpoint["token"],
        bot_api_url=endpoint["url"],
        global_rate=rate,
        http_client=client,
        log_level="WARNING",
    )
    app = build_application(settings)
    async with running(app):
        broadcasts = services_of(app).broadcasts
        cpu, started = cpu_seconds(), time.perf_counter()
        broadcast_id = await broadcasts.create(
            kind="announcement",
            html_zh=TEXT_ZH,
            html_en=TEXT_EN,
            audience=Audience(everyone=True),
            created_by=None,
            urgent=True,
        )
        sender = sender_of(app)
        while sender.delivered < users:  # noqa: ASYNC110 (a counter: watching costs nothing)
            await asyncio.sleep(0.01)
        while (  # noqa: ASYNC110
            report := await broadcasts.reports.one(broadcast_id=broadcast_id)
        ) and report.waiting:
            await asyncio.sleep(0.01)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    child.stdin.write(b"report\n")
    await child.stdin.drain()
    received = json.loads(await child.stdout.readline())
    await child.wait()
    for example in received["examples"]:
        print("violation:", example, file=sys.stderr)
    assert report is not None
    return Run(
        rate,
        client,
        users,
        seconds,
        cpu,
        received["cpu"],
        report.count(Status.SENT),
        received["exactly_once"],
        received["duplicates"],
        received["missing"],
        received["violations"],
        report.count(Status.UNKNOWN),
        received["dropped"],
    )


async def _register(url: str, users: int) -> None:
    """The recipients, as if each had registered with the bot."""
    db = Database(url)
    rows = [
        {
            "id": FIRST_ID + i,
            "name": f"u{i}",
            "locale": "zh",
            "onboarding_step": None,
            "is_active": True,
        }
        for i in range(users)
    ]
    async with db.writer() as connection:
        await connection.execute(insert(User.__table__), rows)  # type: ignore[attr-defined]
    await db.dispose()


async def main(arguments: argparse.Namespace) -> None:
    """Run the chosen scenarios and print the table."""
    scenarios = [(30.0, "keepalive", 1.05), (1000.0, "httpx", 1.5), (1000.0, "keepalive", 1.5)]
    if arguments.only:
        scenarios = [s for s in scenarios if s[0] == arguments.only]
    if arguments.client:
        scenarios = [s for s in scenarios if s[1] == arguments.client]
    runs = [
        (
            await measure(rate, client, arguments.users, arguments.database_url, arguments.drop),
            target,
        )
        for rate, client, target in scenarios
    ]
    backend = (
        "PostgreSQL"
        if (arguments.database_url or "").startswith("postgresql")
        else f"SQLite {sqlite3.sqlite_version}"
    )
    command = " ".join(["python bench/broadcast.py", *sys.argv[1:]])
    print(header(f"Broadcast to {arguments.users:,} users", command))
    load = os.getloadavg()[0]
    print(
        f"Database: {backend}; emulator in a child process; load average at the end: {load:.2f}\n"
    )
    print(
        "| limit | HTTP client | recipients | floor | time | ratio | bot CPU per message "
        "| emulator CPU per message | exactly once / twice / never "
        "| answers dropped / reported unknown | API violations |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for run, target in runs:
        print(run.row(target))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--only", type=float, choices=(30.0, 1000.0))
    parser.add_argument("--client", choices=("httpx", "keepalive"))
    parser.add_argument(
        "--database-url", help="a PostgreSQL server to make a fresh database on (default: SQLite)"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=30.0, help=argparse.SUPPRESS)
    parser.add_argument("--drop", type=float, default=0.0, help="share of answers dropped")
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve_emulator(parsed.rate, parsed.users, len, parsed.drop))
    else:
        asyncio.run(main(parsed))
