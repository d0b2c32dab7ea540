"""A real PTB Application polling the emulator, and the HTTP control API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox import Emulator


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("跳过", callback_data="skip")]])
    await update.effective_message.reply_html("<b>欢迎</b> 😀", reply_markup=markup)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("已跳过")
    await query.edit_message_text(f"选择了 {query.data}")


@pytest.fixture
async def app(emu: Emulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A polling PTB application with two handlers."""
    application = (
        Application.builder()
        .token(emu.bot_token)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=5, poll_interval=0)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_application_conversation(emu: Emulator, app: Application) -> None:  # type: ignore[type-arg]
    """/start, a button press and the edit round-trip through PTB without violations."""
    worker = emu.user("王师傅", lang="zh")
    await worker.send("/start")
    welcome = await worker.reply()
    assert (welcome.text, welcome.buttons) == ("欢迎 😀", [[("跳过", "skip")]])
    await worker.press("跳过")
    edited = await worker.reply()
    assert edited.edited
    assert edited.text == "选择了 skip"
    assert edited.buttons == []
    assert worker.callback_answers[0].text == "已跳过"
    await emu.check()


async def test_control_api(emu: Emulator, app: Application) -> None:  # type: ignore[type-arg]
    """Users created and driven over /sandbox/api see the bot's answers and events."""
    events = emu.subscribe()
    async with httpx.AsyncClient(base_url=f"{emu.base_url}/sandbox/api") as http:
        user = (await http.post("/users", json={"name": "Ann", "lang": "en"})).json()
        assert (await http.get("/users")).json()[0]["id"] == user["id"]
        await http.post(f"/users/{user['id']}/send", json={"text": "/start"})
        event = await asyncio.wait_for(_next_of(events, "new_message"), 5)
        assert event["message"]["buttons"] == [[["跳过", "skip"]]]
        mid = event["message"]["message_id"]
        press = await http.post(
            f"/users/{user['id']}/press", json={"message_id": mid, "callback_data": "x"}
        )
        assert press.json()["callback_query_id"]
        answer = await asyncio.wait_for(_next_of(events, "callback_answer"), 5)
        assert answer["text"] == "已跳过"
        await emu.idle()
        messages = (await http.get(f"/users/{user['id']}/messages")).json()
        assert [m.get("text") for m in messages] == ["/start", "选择了 x"]
        upload = await http.post(
            f"/users/{user['id']}/upload",
            data={"kind": "document", "caption": "报告"},
            files={"file": ("r.txt", b"hello", "text/plain")},
        )
        file_id = (await http.get(f"/users/{user['id']}/messages")).json()[-1]["document"][
            "file_id"
        ]
        assert upload.status_code == 200
        assert (await http.get(f"/files/{file_id}")).content == b"hello"
        blocked = (await http.post(f"/users/{user['id']}/block")).json()
        assert blocked["blocked"] is True
        assert (await http.get("/commands", params={"lang": "en"})).json() == []
        missing = await http.post("/users/1/send", json={"text": "x"})
        assert missing.status_code == 404
        assert "no user" in json.loads(missing.text)["error"]
    emu.unsubscribe(events)
    await emu.check()


async def test_event_stream(emu: Emulator) -> None:
    """GET /sandbox/api/events streams subscription events as server-sent events."""
    event = {"type": "commands_changed", "scope": {"type": "default"}, "language_code": ""}
    async with (
        httpx.AsyncClient(base_url=f"{emu.base_url}/sandbox/api") as http,
        http.stream("GET", "/events") as stream,
    ):
        lines = stream.aiter_lines()
        assert (await anext(lines)).startswith(": connected")
        emu.publish(event)
        assert await anext(lines) == ""
        assert await anext(lines) == "event: commands_changed"
        assert (await anext(lines)).startswith("data: {")


async def _next_of(queue: asyncio.Queue[dict | None], kind: str) -> dict:  # type: ignore[type-arg]
    while True:
        event = await queue.get()
        if event is not None and event["type"] == kind:
            return event
