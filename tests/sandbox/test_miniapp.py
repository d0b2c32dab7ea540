"""Mini Apps in the emulator: web_app and menu buttons as the Bot API takes them.

And the launch URL the sandbox opens them with (initData signed with the bot's token).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import init_data_py
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo
from telegram.error import BadRequest

from bot.sandbox import Emulator
from bot.sandbox.miniapp import THEMES, launch_url, menu_button_of, offered

LOCAL = "http://127.0.0.1:8080/dashboard/"


def opens(url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("📊", web_app=WebAppInfo(url))]])


async def test_web_app_buttons_need_an_https_url(emu: Emulator, tg: telegram.Bot) -> None:
    """An https URL or this computer's http passes; http elsewhere or no URL is refused."""
    user = emu.user("王师傅")
    await user.send("/start")
    await tg.send_message(user.id, "ok", reply_markup=opens("https://bot.example.org/dashboard/"))
    await tg.send_message(user.id, "ok", reply_markup=opens(LOCAL))
    with emu.expect_violation("BUTTON_URL_INVALID"), pytest.raises(BadRequest):
        await tg.send_message(user.id, "x", reply_markup=opens("http://bot.example.org/"))
    raw = {"inline_keyboard": [[{"text": "x", "web_app": {}}]]}
    with emu.expect_violation('"url"'), pytest.raises(BadRequest):
        await tg.send_message(user.id, "x", reply_markup=raw)  # type: ignore[arg-type]
    assert offered(user, LOCAL)
    assert not offered(user, "https://elsewhere.example.org/")
    emu.assert_no_violations()


async def test_menu_button_web_app_is_checked_and_kept_per_chat(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """A MenuButtonWebApp needs a text and an https URL; the chat shows it, others keep commands."""
    user, other = emu.user("王师傅"), emu.user("李师傅")
    for person in (user, other):
        await person.send("/start")
    button = MenuButtonWebApp("看板", WebAppInfo(LOCAL))
    await tg.set_chat_menu_button(chat_id=user.id, menu_button=button)
    assert menu_button_of(user)["web_app"]["url"] == LOCAL
    assert menu_button_of(other) == {"type": "commands"}
    got = await tg.get_chat_menu_button(chat_id=user.id)
    assert isinstance(got, MenuButtonWebApp)
    assert got.text == "看板"
    with emu.expect_violation("BUTTON_URL_INVALID"), pytest.raises(BadRequest):
        await tg.set_chat_menu_button(
            chat_id=user.id, menu_button=MenuButtonWebApp("看板", WebAppInfo("ftp://x.org/"))
        )
    raw = {"type": "web_app", "web_app": {"url": LOCAL}}
    async with httpx.AsyncClient() as http:
        with emu.expect_violation('"text"'):
            refused = await http.post(
                f"{emu.base_url}/bot{emu.bot.token}/setChatMenuButton",
                json={"chat_id": user.id, "menu_button": raw},
            )
    assert refused.status_code == 400
    emu.assert_no_violations()


async def test_launch_url_carries_init_data_signed_for_the_person_and_the_theme(
    emu: Emulator,
) -> None:
    """The hash has initData that checks out against the bot's token, and the dark colours."""
    user = emu.user("Li Wei", lang="en")
    url = launch_url(user, LOCAL, token=emu.bot.token, theme="dark")
    parts = urlsplit(url)
    assert parts._replace(fragment="").geturl() == LOCAL
    launch = {k: v[0] for k, v in parse_qs(parts.fragment).items()}
    data = init_data_py.validate_by_hash(launch["tgWebAppData"], emu.bot.token, expires_in=60)
    assert data.user is not None
    assert (data.user.id, data.user.language_code) == (user.id, "en")
    assert json.loads(launch["tgWebAppThemeParams"]) == THEMES["dark"]
    with pytest.raises(init_data_py.errors.InvalidInitDataError):
        init_data_py.validate_by_hash(launch["tgWebAppData"], "1:other-bot", expires_in=60)
