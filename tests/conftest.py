"""Shared fixtures: a migrated database, the strict Bot API emulator and the real bot on top.

Every database test runs on a temporary SQLite file, and on PostgreSQL too when
``ENGAGE_TEST_DATABASE_URL`` names a server (each test gets a fresh database cloned from a
migrated template, so tests never see each other's rows).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.app import build_application, running
from bot.clock import utcnow
from bot.config import Settings, load_settings
from bot.context import services_of
from bot.db import Database
from bot.sandbox import Emulator
from bot.services import Services

PG_URL = os.environ.get("ENGAGE_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "engage.db"
    db = Database(f"sqlite+aiosqlite:///{path}")

    async def migrate() -> None:
        await db.upgrade()
        await db.dispose()

    asyncio.run(migrate())
    return path


def _pg_admin(statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    async def run() -> None:
        connection = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg", "postgresql"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def _pg_url(name: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated once, used as the template of every test's database."""
    name = f"engage_tmpl_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    db = Database(_pg_url(name))

    async def migrate() -> None:
        await db.upgrade()
        await db.dispose()

    asyncio.run(migrate())
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "engage.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"engage_t_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url(name)
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Telegram allows about one message a second per chat, so a lesson-by-lesson journey would take a
# minute. Most tests run the emulator's per-chat limit ten times faster, and the bot paces itself
# to whatever the emulator enforces (``make_settings``), so every test still fails on a flood;
# tests marked ``telegram_limits`` use Telegram's own numbers.
FAST_CHAT_LIMIT = {"chat_rate": 10.0, "chat_burst": 4}


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    """The strict Bot API emulator; a test fails if the bot broke any of Telegram's rules."""
    real = request.node.get_closest_marker("telegram_limits") is not None
    emu = Emulator() if real else Emulator(**FAST_CHAT_LIMIT)
    await emu.start()
    try:
        yield emu
        emu.assert_no_violations()
    finally:
        await emu.stop()


def make_settings(
    database_url: str, emulator: Emulator | None = None, **overrides: Any
) -> Settings:
    """Settings for a test: the emulator as the Bot API, paced to its limits; the test database.

    The bot's bursts stay one below the emulator's, as they stay below Telegram's in production.
    """
    values: dict[str, Any] = {
        "database_url": database_url,
        "content_dir": CONTENT,
        "log_level": "INFO",
    }
    if emulator is not None:
        values |= {"bot_token": emulator.bot_token, "bot_api_url": emulator.base_url}
        limits = emulator.limiter
        if limits.chat_rate:
            values |= {
                "per_chat_rate": limits.chat_rate,
                "per_chat_burst": max(1, limits.chat_burst - 1),
            }
        if limits.global_bucket:
            values["global_rate"] = limits.global_bucket.rate
    return load_settings(**(values | overrides))


@pytest.fixture
def settings(database_url: str, emulator: Emulator) -> Settings:
    """Settings pointing at this test's database and emulator."""
    return make_settings(database_url, emulator, admin_ids=[900001])


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Services of the test itself (separate from the bot's), to look at the database."""
    built = Services.build(settings)
    yield built
    await built.close()


class BotRunner:
    """The real PTB application polling the emulator; can be stopped and started like a process."""

    def __init__(self, settings: Settings, *, role: str = "all") -> None:
        self.settings = settings
        self.role = role
        self.app: Any = None
        self._lifecycle: Any = None

    @property
    def services(self) -> Services:
        """The running bot's own services."""
        return services_of(self.app)

    async def start(self) -> BotRunner:
        """Build a fresh application (a new process, as far as the bot can tell) and poll."""
        self._lifecycle = running(
            build_application(self.settings),
            poll_timeout=5,
            role=self.role,  # type: ignore[arg-type]
        )
        self.app = await self._lifecycle.__aenter__()
        return self

    async def stop(self) -> None:
        """Stop polling and shut down cleanly."""
        if self._lifecycle is None:
            return
        await self._lifecycle.__aexit__(None, None, None)
        self._lifecycle = self.app = None

    async def restart(self) -> None:
        """Stop and start again on the same database.

        A new process cannot know how many messages the previous one just sent to each chat;
        waiting for Telegram's per-chat allowance to refill (as it would across a real restart)
        keeps the new process within the limit.
        """
        await self.stop()
        await asyncio.sleep(self.settings.per_chat_burst / self.settings.per_chat_rate)
        await self.start()


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotRunner]:
    """The bot, running against the emulator for the duration of a test."""
    runner = BotRunner(settings)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
def daytime() -> Iterator[None]:
    """Ten in the morning in Beijing, outside everyone's quiet hours, with the clock running.

    Pushes wait out the default quiet hours (22:00-07:00), so a test that expects one at once
    must not depend on the hour it happens to run at. The clock only moves forward.
    """
    shanghai = ZoneInfo("Asia/Shanghai")
    now = utcnow().astimezone(shanghai)
    morning = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if morning < now:
        morning += timedelta(days=1)
    with time_machine.travel(morning, tick=True):
        yield
