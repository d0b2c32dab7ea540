"""Fixtures for flows walked across worker processes: each step of a chat on another worker.

``person`` gives a simulated user whose every action (a message, a photo, a press) is handed
to the next worker first (:meth:`tests.e2e.cluster.Cluster.turn`), so no two consecutive
updates of a chat are handled by the same process, and no process can answer from memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.cluster import Cluster
from tests.e2e.webhook_helpers import webhook_settings

ADMIN_ID = 900001
ENTERPRISE = "宝鸡石油机械有限责任公司"
ACTIONS = (
    "send",
    "press",
    "press_data",
    "send_photo",
    "send_voice",
    "send_document",
    "send_sticker",
    "forward",
)


class Alternating:
    """A simulated user whose every action reaches the next worker."""

    def __init__(self, user: SimUser, cluster: Cluster) -> None:
        self.user = user
        self._cluster = cluster

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.user, name)
        if name not in ACTIONS:
            return found

        async def acted(*args: Any, **kwargs: Any) -> Any:
            await self._cluster.turn()
            return await found(*args, **kwargs)

        return acted


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """The strict emulator with Telegram's overall limit, but no per-chat one.

    Each process paces each chat by itself (docs/deploy.md): two workers that take turns in
    one chat together send faster than either thinks.
    """
    emu = Emulator(chat_rate=None)
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
    return webhook_settings(database_url, emulator, admin_ids=[ADMIN_ID])


@pytest.fixture
async def web(settings: Settings) -> AsyncIterator[BotRunner]:
    """The web role: stores what the emulator posts, handles nothing."""
    runner = BotRunner(settings, role="web")
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
async def cluster(
    web: BotRunner, settings: Settings, services: Services, tmp_path: Path
) -> AsyncIterator[Cluster]:
    """Two worker processes taking turns."""
    workers = Cluster(settings, services, tmp_path)
    try:
        await workers.start()
        yield workers
        await workers.settled()
    finally:
        await workers.stop()


async def person(
    emulator: Emulator,
    services: Services,
    cluster: Cluster,
    name: str,
    *,
    lang: str = "zh",
    role: Role | None = None,
    enterprise: str | None = ENTERPRISE,
    user_id: int | None = None,
    username: str | None = None,
) -> Alternating:
    """Someone registered (onboarded, maybe holding a role) who opens the chat with /start.

    Their quiet hours are off: the workers run on the real clock, whatever hour it is.
    """
    user = emulator.user(name, lang=lang, user_id=user_id, username=username)
    await services.users.seen(user_id=user.id, name=name, language_code=lang)
    await services.preferences.set_quiet_hours(user_id=user.id, start=0, end=0)
    if enterprise:
        await services.onboarding.name_enterprise(
            user_id=user.id, name=enterprise, step="enterprise"
        )
    await services.onboarding.finish(user_id=user.id)
    if role:
        await services.users.grant(user_id=user.id, role=role)
    someone = Alternating(user, cluster)
    await someone.send("/start")
    await someone.reply()
    return someone
