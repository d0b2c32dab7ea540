"""Mini Apps as Telegram opens them: the launch URL with signed initData and theme parameters.

A Telegram client opens a ``web_app`` button (or a ``web_app`` menu button) by loading the URL
with launch parameters in its hash: ``tgWebAppData`` (initData signed with the bot's token for
the person who pressed it), ``tgWebAppVersion``, ``tgWebAppPlatform`` and
``tgWebAppThemeParams``. The sandbox does the same, for URLs the bot really offered that person.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import init_data_py

if TYPE_CHECKING:
    from bot.sandbox.users import SimUser

__all__ = ["THEMES", "VERSION", "launch_url", "menu_button_of", "offered", "web_app_url_ok"]

VERSION = "8.0"
PLATFORM = "weba"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Telegram Web's own colours, light and dark (the keys of ThemeParams).
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#707579",
        "link_color": "#3390ec",
        "button_color": "#3390ec",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#f4f4f5",
        "header_bg_color": "#ffffff",
        "accent_text_color": "#3390ec",
        "section_bg_color": "#ffffff",
        "section_header_text_color": "#3390ec",
        "subtitle_text_color": "#707579",
        "destructive_text_color": "#e53935",
        "bottom_bar_bg_color": "#ffffff",
    },
    "dark": {
        "bg_color": "#212121",
        "text_color": "#ffffff",
        "hint_color": "#aaaaaa",
        "link_color": "#8774e1",
        "button_color": "#8774e1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#0f0f0f",
        "header_bg_color": "#212121",
        "accent_text_color": "#8774e1",
        "section_bg_color": "#212121",
        "section_header_text_color": "#aaaaaa",
        "subtitle_text_color": "#aaaaaa",
        "destructive_text_color": "#e53935",
        "bottom_bar_bg_color": "#212121",
    },
}
_query_ids = itertools.count(1)


def web_app_url_ok(url: object) -> bool:
    """Whether Telegram would open ``url`` as a Mini App.

    Telegram wants https; like its test environment, the sandbox also takes plain http on this
    computer, where the bot's own web process serves the page.
    """
    if not isinstance(url, str) or " " in url:
        return False
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)


def menu_button_of(user: SimUser) -> dict[str, Any]:
    """The menu button the person's chat shows: the chat's own, else the bot's default."""
    buttons = user.bot.menu_buttons
    button = buttons.get(user.id) or buttons.get(None) or {"type": "commands"}
    return {"type": "commands"} if button.get("type") == "default" else button


def _offered_urls(user: SimUser) -> set[str]:
    urls: set[str] = set()
    for message in user.messages.values():
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            urls.update(b["web_app"]["url"] for b in row if isinstance(b.get("web_app"), dict))
    menu = menu_button_of(user)
    if menu.get("type") == "web_app":
        urls.add(menu["web_app"]["url"])
    return urls


def offered(user: SimUser, url: str) -> bool:
    """Whether the bot gave this person a button (inline or menu) that opens ``url``."""
    return url in _offered_urls(user)


def init_data(user: SimUser, token: str, *, now: datetime | None = None) -> str:
    """InitData for ``user``, signed with the bot's token as Telegram signs it."""
    person = {k: v for k, v in user.user_json.items() if k != "is_bot"}
    payload = {
        "query_id": f"AAE{user.id:x}{next(_query_ids):06d}",
        "user": json.dumps(person, ensure_ascii=False, separators=(",", ":")),
    }
    return init_data_py.sign(payload, token, auth_date=now or datetime.now(UTC))


def launch_url(user: SimUser, url: str, *, token: str, theme: str = "light") -> str:
    """``url`` with the launch parameters a Telegram client puts in its hash."""
    colours = THEMES.get(theme, THEMES["light"])
    params = {
        "tgWebAppData": init_data(user, token),
        "tgWebAppVersion": VERSION,
        "tgWebAppPlatform": PLATFORM,
        "tgWebAppThemeParams": json.dumps(colours, separators=(",", ":")),
    }
    base = url.split("#", 1)[0]
    return f"{base}#{urlencode(params)}"
