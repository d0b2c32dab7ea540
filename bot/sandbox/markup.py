"""Validation of ``reply_markup`` objects with Telegram's error texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.miniapp import web_app_url_ok

__all__ = ["Markup", "parse_markup"]

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")
_MAX_BUTTONS = 100

Button = tuple[str, str | None]


@dataclass(slots=True)
class Markup:
    """A validated reply markup, split into what the emulator needs."""

    inline: dict[str, Any] | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    keyboard: list[list[dict[str, Any]]] | None = None
    remove: bool = False
    force_reply: dict[str, Any] | None = None
    source: dict[str, Any] = field(default_factory=dict)


def _markup_error() -> Exception:
    return bad_request("can't parse reply keyboard markup JSON object")


def _inline_button(button: Any) -> Button:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [a for a in _INLINE_ACTIONS if button.get(a) is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: "
            f"exactly one of the optional fields must be used, got {actions}"
        )
    data = button.get("callback_data")
    if data is not None:
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
        return text, data
    if button.get("web_app") is not None:
        return text, _web_app_url(button["web_app"])
    url = button.get("url")
    if url is not None:
        if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES) or " " in url:
            raise bad_request("BUTTON_URL_INVALID")
        return text, url
    return text, None


def _web_app_url(web_app: Any) -> str:
    """The URL of a ``WebAppInfo``: an object with an https ``url`` (loopback http too)."""
    if not isinstance(web_app, dict) or not isinstance(web_app.get("url"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "url" must be of type String')
    if not web_app_url_ok(web_app["url"]):
        raise bad_request("BUTTON_URL_INVALID")
    return str(web_app["url"])


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise _markup_error()
    if sum(len(row) for row in value) > _MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return value


def _keyboard_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        return {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    return button


def parse_markup(value: Any) -> Markup | None:
    """Validate a reply_markup object; return None when it is absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _markup_error()
    if "inline_keyboard" in value:
        rows = _rows(value["inline_keyboard"])
        buttons = [[_inline_button(b) for b in row] for row in rows]
        return Markup(inline=value, buttons=buttons, source=value)
    if "keyboard" in value:
        rows = _rows(value["keyboard"])
        if not any(rows):
            raise _markup_error()
        return Markup(keyboard=[[_keyboard_button(b) for b in row] for row in rows], source=value)
    if value.get("remove_keyboard") is True:
        return Markup(remove=True, source=value)
    if value.get("force_reply") is True:
        return Markup(force_reply=value, source=value)
    raise _markup_error()
