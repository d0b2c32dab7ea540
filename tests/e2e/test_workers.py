"""Several `engage run --role worker` processes share the inbox: each update answered once.

The emulator and the web role run in the test's process; the workers are real subprocesses
that reach the emulator over HTTP, as separate machines would. PostgreSQL only: several
processes writing one SQLite file is what SQLite's single writer rules out.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.webhook_helpers import webhook_settings

pytestmark = pytest.mark.slow
USERS, MESSAGES = 50, 10
LEASE_SECONDS = 3


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """The strict emulator without flood limits: the workers pace themselves separately.

    Each process keeps its own flood limits, so several workers together may exceed one
    chat's or the bot's rate; docs/deploy.md says how to share the rate between them.
    """
    emu = Emulator(global_rate=None, chat_rate=None)
    await emu.start()
    try:
        yield emu
        emu.assert_no_violations()
    finally:
        await emu.stop()


@pytest.fixture
def settings(database_url: str, emulator: Emulator) -> Settings:
    """The web role's settings; the workers get the same through their environment."""
    if database_url.startswith("sqlite"):
        pytest.skip("several worker processes need PostgreSQL")
    return webhook_settings(database_url, emulator, global_rate=1000.0, per_chat_rate=1000.0)


@pytest.fixture
async def web(settings: Settings) -> AsyncIterator[BotRunner]:
    """The web role: stores what the emulator posts, handles nothing."""
    runner = BotRunner(settings, role="web")
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def _worker(settings: Settings, log: Path) -> asyncio.subprocess.Process:
    """Start `engage run --role worker` and return once its application has started."""
    env = {
        **os.environ,
        "ENGAGE_BOT_TOKEN": settings.token or "",
        "ENGAGE_BOT_API_URL": settings.bot_api_url,
        "ENGAGE_DATABASE_URL": settings.database_url,
        "ENGAGE_CONTENT_DIR": str(settings.content_dir),
        "ENGAGE_GLOBAL_RATE": "1000",
        "ENGAGE_PER_CHAT_RATE": "1000",
        "ENGAGE_INBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "ENGAGE_LOG_LEVEL": "DEBUG",  # a line per update: which worker handled what
    }
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--role", "worker", env=env, stderr=sink
        )
    for _ in range(300):
        if b"Application started" in log.read_bytes():  # noqa: ASYNC240 (a small local file)
            return process
        if process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    raise AssertionError(f"the worker did not start:\n{log.read_text()[-2000:]}")  # noqa: ASYNC240


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)


def _load(emulator: Emulator) -> list[SimUser]:
    return [emulator.user(f"工人{i}", lang="zh") for i in range(USERS)]


async def _send_all(people: list[SimUser]) -> None:
    """Every user sends their ten searches at once, without waiting for replies."""
    for person in people:
        for n in range(MESSAGES):
            await person.send(f"/experts u{person.id % 1000}m{n}")


def _sequence(person: SimUser) -> list[int]:
    """Which of the user's messages each reply answers, in the order the replies came."""
    marker = re.compile(rf"u{person.id % 1000}m(\d+)")
    found = []
    for reply in person.history:
        match = marker.search(reply.text)
        assert match is not None, reply.text
        found.append(int(match.group(1)))
    return found


async def _wait_for_replies(people: list[SimUser], total: int, timeout: float) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while sum(len(p.history) for p in people) < total:
        if loop.time() > deadline:
            counts = [len(p.history) for p in people]
            raise AssertionError(f"replies after {timeout}s: {sum(counts)} of {total}")
        await asyncio.sleep(0.1)


async def test_two_workers_answer_every_message_once_and_in_order(
    emulator: Emulator, web: BotRunner, settings: Settings, tmp_path: Path
) -> None:
    """50 users × 10 messages through two worker processes: 500 replies, each user's in order."""
    workers = [await _worker(settings, tmp_path / f"w{i}.log") for i in range(2)]
    try:
        people = _load(emulator)
        await _send_all(people)
        await _wait_for_replies(people, USERS * MESSAGES, timeout=120)
        await asyncio.sleep(1.0)  # a duplicate would come now
        for person in people:
            assert _sequence(person) == list(range(MESSAGES)), person.name
        logs = [(tmp_path / f"w{i}.log").read_text() for i in range(2)]
        assert all("from user" in log for log in logs), "both workers handled updates"
    finally:
        for process in workers:
            await _stop(process)


async def test_killing_one_of_two_workers_mid_load_loses_nothing(
    emulator: Emulator, web: BotRunner, settings: Settings, services: Services, tmp_path: Path
) -> None:
    """SIGKILL one worker mid-load: every message is answered, and only a leased one twice."""
    workers = [await _worker(settings, tmp_path / f"w{i}.log") for i in range(2)]
    try:
        people = _load(emulator)
        await _send_all(people)
        await _wait_for_replies(people, USERS * MESSAGES // 4, timeout=120)
        workers[0].send_signal(signal.SIGKILL)
        await workers[0].wait()
        await _wait_for_replies(people, USERS * MESSAGES, timeout=120)
        await asyncio.sleep(LEASE_SECONDS + 1.0)  # any lease of the dead worker ran out
        repeated = 0
        for person in people:
            sequence = _sequence(person)
            # A reply sent just before the kill, whose row was not yet marked done, comes
            # again once the lease runs out: the same message twice in a row, nothing else.
            unique = [n for i, n in enumerate(sequence) if i == 0 or sequence[i - 1] != n]
            assert unique == list(range(MESSAGES)), (person.name, sequence)
            repeated += len(sequence) - len(unique)
        depth = await services.inbox.depth()
        assert depth.undone == 0
        # Only updates the killed worker held can repeat: at most one per chat.
        assert repeated <= USERS
    finally:
        for process in workers:
            await _stop(process)
