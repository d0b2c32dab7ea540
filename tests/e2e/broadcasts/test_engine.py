"""Broadcasts through the real bot and the strict emulator: exactly once, blocks, 429s, crashes."""

from __future__ import annotations

import asyncio
import os
import sys

from sqlmodel import select

from bot.config import Settings
from bot.models.broadcasts import Delivery
from bot.sandbox import Emulator
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from bot.services.broadcasts.outbox import Status
from tests.conftest import BotRunner
from tests.e2e.broadcasts.conftest import ADMIN_ID, crowd, finished, known, received


async def test_broadcast_reaches_every_active_user_once_despite_blocks_and_429s(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """500 users, 5% of whom blocked the bot long ago, and 429s: each active one gets it once."""
    users = await crowd(emulator, services, 500)
    await known(emulator, services, "管理员", user_id=ADMIN_ID)
    blocked = users[::20]
    for user in blocked:
        user.blocked = True  # blocked while the bot was not listening: only a 403 tells
    emulator.inject_429(count=3)
    broadcast_id = await services.broadcasts.create(
        kind="announcement",
        html_zh="<b>通知</b>：周五下午三点安全培训",
        html_en="<b>Notice</b>: safety training Friday 3 pm",
        audience=Audience(everyone=True),
        created_by=ADMIN_ID,
        urgent=True,
    )
    report = await finished(services, broadcast_id)

    assert (report.count(Status.SENT), report.count(Status.BLOCKED)) == (
        475 + 1,
        25,
    )  # and the admin
    for user in users:
        assert received(user, "安全培训") == (0 if user in blocked else 1), user
    for user in blocked:
        found = await services.users.find(user_id=user.id)
        assert found is not None
        assert not found.is_active


def environment(settings: Settings, **overrides: object) -> dict[str, str]:
    """The environment that makes ``python -m bot run`` use these settings."""
    values = {
        "database_url": settings.database_url,
        "bot_token": settings.token,
        "bot_api_url": settings.bot_api_url,
        "admin_ids": ",".join(str(i) for i in settings.admin_ids),
        "content_dir": settings.content_dir,
        "log_level": "WARNING",
        "per_chat_rate": settings.per_chat_rate,
        "per_chat_burst": settings.per_chat_burst,
        "global_rate": settings.global_rate,
    } | overrides
    return os.environ | {f"ENGAGE_{k.upper()}": str(v) for k, v in values.items()}


async def test_a_kill_mid_broadcast_leaves_no_duplicate_and_no_silent_gap(
    emulator: Emulator, settings: Settings, services: Services
) -> None:
    """The bot process is killed mid-send; after a restart each recipient is sent or unknown."""
    users = await crowd(emulator, services, 300)
    broadcast_id = await services.broadcasts.create(
        kind="announcement",
        html_zh="停电通知：明天 8 点至 12 点",
        html_en="Power cut tomorrow 8-12",
        audience=Audience(everyone=True),
        created_by=ADMIN_ID,
        urgent=True,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment(settings, global_rate=150)
    )
    try:
        async with asyncio.timeout(60):
            while sum(received(user, "停电通知") for user in users) < 60:  # noqa: ASYNC110
                await asyncio.sleep(0.002)
    finally:
        process.kill()
        await process.wait()
    before = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    assert before is not None
    assert before.count(Status.SENDING) > 0

    # The dead process's long poll is still open: Telegram ends it with a 409 nobody reads.
    with emulator.expect_violation("conflict"):
        restarted = await BotRunner(settings).start()
        try:
            report = await finished(services, broadcast_id)
        finally:
            await restarted.stop()
    assert report.count(Status.SENT) + report.count(Status.UNKNOWN) == 300
    assert report.count(Status.UNKNOWN) > 0
    statuses = await _statuses(services, broadcast_id)
    for user in users:
        got = received(user, "停电通知")
        assert got <= 1, user
        if statuses[user.id] == Status.SENT:
            assert got == 1, user
        else:
            assert statuses[user.id] == Status.UNKNOWN, user


async def _statuses(services: Services, broadcast_id: int) -> dict[int, str]:
    async with services.db.reader() as session:
        rows = await session.exec(
            select(Delivery.user_id, Delivery.status).where(Delivery.broadcast_id == broadcast_id)
        )
        return dict(rows.all())
