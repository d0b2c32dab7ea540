"""Broadcast tests: a fast emulator, people the bot already knows, waiting for a broadcast."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from PIL import Image

from bot.clock import utcnow
from bot.config import Settings
from bot.models.users import RoleGrant, User
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from bot.services.broadcasts.reports import DeliveryReport
from tests.conftest import make_settings

ADMIN_ID = 900001
# Midnight UTC after today: tests travel forward from it, never back behind the running JobQueue,
# whose next tick was planned on the real clock.
TOMORROW = (utcnow() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """The strict emulator with Telegram's limits raised: these tests are not about pacing."""
    emu = Emulator(global_rate=1000.0, global_burst=1000, chat_rate=100.0, chat_burst=10, seed=7)
    emu.user("管理员", lang="zh", user_id=ADMIN_ID).started = True  # the admin the bot is told of
    await emu.start()
    try:
        yield emu
        emu.assert_no_violations()
    finally:
        await emu.stop()


@pytest.fixture
def settings(database_url: str, emulator: Emulator) -> Settings:
    """A bot allowed to send as fast as the emulator accepts (``make_settings`` reads it)."""
    return make_settings(database_url, emulator, admin_ids=[ADMIN_ID])


async def known(
    emulator: Emulator,
    services: Services,
    name: str,
    *,
    lang: str = "zh",
    user_id: int | None = None,
    roles: tuple[str, ...] = (),
    **profile: object,
) -> SimUser:
    """Someone who registered with the bot some time ago (onboarding done)."""
    existing = emulator.user_by_id(user_id) if user_id is not None else None
    user = existing or emulator.user(name, lang=lang, user_id=user_id)
    user.started = True  # they wrote /start back then
    async with services.db.session() as session:
        found = await session.get(User, user.id)
        if found is None:
            found = User(id=user.id, name=name)
        found.name, found.locale, found.onboarding_step = name, lang[:2], None
        found.last_seen_at, found.is_active = utcnow(), True
        for field, value in profile.items():
            setattr(found, field, value)
        session.add(found)
        await session.flush()
        for role in roles:
            session.add(RoleGrant(user_id=user.id, role=role))
    return user


async def crowd(emulator: Emulator, services: Services, count: int) -> list[SimUser]:
    """``count`` registered Chinese-speaking workers, written in one transaction."""
    users = [emulator.user(f"工人{i}", lang="zh") for i in range(count)]
    async with services.db.session() as session:
        for user in users:
            user.started = True
            session.add(
                User(id=user.id, name=user.name, onboarding_step=None, last_seen_at=utcnow())
            )
    return users


async def finished(services: Services, broadcast_id: int, timeout: float = 30) -> DeliveryReport:  # noqa: ASYNC109
    """The broadcast's report once nothing is waiting any more."""
    async with asyncio.timeout(timeout):
        while True:
            report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
            assert report is not None
            if report.state == "finished" and report.total:
                return report
            await asyncio.sleep(0.05)


def received(user: SimUser, text: str) -> int:
    """How many of the bot's messages to ``user`` contain ``text``."""
    return sum(text in message.text for message in user.history)


def png() -> bytes:
    """A small valid picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()
