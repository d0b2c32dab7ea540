"""Shared by the webhook and worker tests: a webhook address, updates as Telegram sends them."""

from __future__ import annotations

import socket
import time
from typing import Any

from bot.config import Settings
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from tests.conftest import make_settings

SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    """A port nobody listens on right now (the webhook's URL must name it before it binds)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(database_url: str, emulator: Emulator, **overrides: Any) -> Settings:
    """Settings of a bot that takes its updates by webhook on a free local port."""
    port = free_port()
    values: dict[str, Any] = {
        "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "webhook_secret": SECRET,
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
    }
    return make_settings(database_url, emulator, **(values | overrides))


def text_update(user: SimUser, text: str, update_id: int) -> dict[str, Any]:
    """An update carrying ``text`` from ``user``, shaped as Telegram posts it."""
    user.started = True  # the user wrote to the bot, so it may answer
    message: dict[str, Any] = {
        "message_id": user.next_message_id(),
        "from": user.user_json,
        "chat": user.chat_json,
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id, "message": message}
