"""Webhook mode: updates are stored before Telegram is answered, forged ones are refused."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.db import sqlite_file
from bot.edge.updates import ALLOWED_UPDATES
from bot.edge.web import SECRET_HEADER
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.webhook_helpers import SECRET, text_update, webhook_settings


@pytest.fixture
def settings(database_url: str, emulator: Emulator) -> Settings:
    """The bot behind a webhook on a free local port."""
    return webhook_settings(database_url, emulator)


def _url(settings: Settings, path: str = "") -> str:
    return f"http://127.0.0.1:{settings.webhook_port}{path or settings.webhook_path}"


async def test_updates_arrive_by_webhook_with_the_secret(
    emulator: Emulator, bot: BotRunner, settings: Settings
) -> None:
    """The webhook is set with the secret and the kinds of update handled; /start works."""
    hook = emulator.bot.webhook
    assert hook is not None
    assert hook.url == settings.webhook_url
    assert hook.secret_token == SECRET
    assert sorted(emulator.bot.allowed) == sorted(ALLOWED_UPDATES)
    worker = emulator.user("王师傅", lang="zh")
    await worker.send("/start")
    assert "王师傅" in (await worker.reply(timeout=10)).text


@pytest.mark.parametrize("given", [None, "wrong-secret", SECRET[:-1]])
async def test_a_forged_or_missing_secret_is_refused_and_nothing_is_stored(
    emulator: Emulator, bot: BotRunner, settings: Settings, services: Services, given: str | None
) -> None:
    """Without the right secret token the webhook answers 403, stores nothing, answers no one."""
    worker = emulator.user("赵师傅", lang="zh")
    headers = {SECRET_HEADER: given} if given is not None else {}
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            _url(settings), json=text_update(worker, "/start", 555), headers=headers
        )
    assert answer.status_code == 403
    await asyncio.sleep(0.5)
    assert await services.inbox.count() == 0
    assert worker.pending_replies() == []


async def test_the_same_update_delivered_twice_is_answered_once(
    emulator: Emulator, bot: BotRunner, settings: Settings, services: Services
) -> None:
    """A re-delivery of an update already stored gets 200 and is dropped, not answered again."""
    worker = emulator.user("钱师傅", lang="zh")
    update = text_update(worker, "/experts 焊接机器人", 777)
    async with httpx.AsyncClient() as client:
        for _ in range(2):
            answer = await client.post(_url(settings), json=update, headers={SECRET_HEADER: SECRET})
            assert answer.status_code == 200
    assert "焊接机器人" in (await worker.reply(timeout=10)).text
    await asyncio.sleep(1.0)
    assert worker.pending_replies() == []
    stored = await services.inbox.find(update_id=777)
    assert stored is not None
    assert stored.done_at is not None
    assert stored.attempts == 1


async def test_health_readiness_and_metrics_answer(
    emulator: Emulator, bot: BotRunner, settings: Settings
) -> None:
    """/healthz and /readyz say ok; /metrics counts the update received and handled."""
    worker = emulator.user("孙师傅", lang="zh")
    await worker.send("/experts 数控")
    await worker.reply(timeout=10)
    async with httpx.AsyncClient() as client:
        assert (await client.get(_url(settings, "/healthz"))).status_code == 200
        ready = await client.get(_url(settings, "/readyz"))
        page = (await client.get(_url(settings, "/metrics"))).text
    assert ready.status_code == 200, ready.text
    assert "engage_updates_received_total 1.0" in page
    assert "engage_updates_processed_total 1.0" in page
    assert "engage_inbox_depth 0.0" in page
    assert "engage_handler_seconds_bucket" in page
    assert "engage_scheduler_lag_seconds" in page


async def _take_database_away(url: str) -> None:
    path = sqlite_file(url)
    if path is not None:
        shutil.move(path, path + ".away")
        return
    await _pg_connections(url, allow=False)


async def _bring_database_back(url: str) -> None:
    path = sqlite_file(url)
    if path is not None:
        shutil.move(path + ".away", path)
        return
    await _pg_connections(url, allow=True)


async def _pg_connections(url: str, *, allow: bool) -> None:
    """Let the database take connections or not, closing those it has (a server going down)."""
    import asyncpg  # type: ignore[import-untyped]

    parsed = make_url(url)
    admin = await asyncpg.connect(
        parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    )
    try:
        flag = "true" if allow else "false"
        await admin.execute(f'ALTER DATABASE "{parsed.database}" ALLOW_CONNECTIONS {flag}')
        if not allow:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                parsed.database,
            )
    finally:
        await admin.close()


async def test_readyz_fails_while_the_database_is_away_and_recovers(
    emulator: Emulator, bot: BotRunner, settings: Settings, database_url: str
) -> None:
    """With the database gone (file moved, connections refused) /readyz is 503, then 200."""
    async with httpx.AsyncClient() as client:
        assert (await client.get(_url(settings, "/readyz"))).status_code == 200
        await _take_database_away(database_url)
        try:
            down = await client.get(_url(settings, "/readyz"))
            assert (await client.get(_url(settings, "/healthz"))).status_code == 200
        finally:
            await _bring_database_back(database_url)
        assert down.status_code == 503, down.text
        for _ in range(20):
            up = await client.get(_url(settings, "/readyz"))
            if up.status_code == 200:
                break
            await asyncio.sleep(0.25)
        assert up.status_code == 200, up.text


def test_the_path_of_the_webhook_url_is_served(tmp_path: Path) -> None:
    """The webhook is served on the path of ENGAGE_WEBHOOK_URL, /telegram when it has none."""
    base = {"webhook_secret": SECRET, "database_url": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    assert Settings(webhook_url="https://bot.example.org/tg/abc", **base).webhook_path == "/tg/abc"
    assert Settings(webhook_url="https://bot.example.org", **base).webhook_path == "/telegram"
