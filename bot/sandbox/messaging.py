"""Shared steps of the message methods: formatting, target chat, storing."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.markup import Markup, parse_markup
from bot.sandbox.models import BotMessage
from bot.sandbox.tghtml import EntityParseError, parse_html, utf16_len

if TYPE_CHECKING:
    from bot.sandbox.botstate import BotAccount
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.params import Params
    from bot.sandbox.users import SimUser

__all__ = ["base_message", "commit", "formatted", "reply_markup", "reply_to", "target"]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TRIM = " \t\r\n"
_BLOCKED = "Forbidden: bot was blocked by the user"
_NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace like Telegram, keeping entities aligned."""
    stripped = text.strip(_TRIM)
    if len(stripped) == len(text):
        return text, entities
    if not entities:
        return stripped, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    size = utf16_len(stripped)
    fixed = []
    for ent in entities:
        start = max(0, ent["offset"] - lead)
        end = min(size, ent["offset"] + ent["length"] - lead)
        if end > start:
            fixed.append({**ent, "offset": start, "length": end - start})
    return stripped, fixed


def _given_entities(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    ok = isinstance(value, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in value
    )
    if not ok:
        raise bad_request("can't parse entities JSON object")
    return list(value)


def formatted(
    emu: Emulator, p: Params, field: str, *, caption: bool
) -> tuple[str, list[dict[str, Any]], str | None]:
    """Return (plain text, entities, source) of a text or caption field, validated like Telegram."""
    source = p.string(field)
    raw = source or ""
    prefix = "caption_" if caption else ""
    mode = p.string("parse_mode")
    if mode:
        lowered = mode.lower()
        if lowered == "html":
            try:
                text, entities = parse_html(raw, strict=emu.strict_html)
            except EntityParseError as exc:
                raise bad_request(str(exc)) from None
        elif lowered in ("markdown", "markdownv2"):
            raise bad_request(
                f"parse_mode {mode} is not supported by the emulator (use HTML)", kind="unsupported"
            )
        else:
            raise bad_request(f"unsupported parse_mode {mode!r}")
    else:
        text, entities = raw, _given_entities(p.obj(f"{prefix}entities", "entities"))
    text, entities = _trim(text, entities)
    size = utf16_len(text)
    if caption:
        if size > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
    elif not text:
        raise bad_request("message text is empty")
    elif size > TEXT_LIMIT:
        raise bad_request("message is too long")
    return text, entities, source


def target(emu: Emulator, bot: BotAccount, p: Params, *, field: str = "chat_id") -> SimUser:
    """Return the user whose private chat ``chat_id`` names; Telegram's 400/403 otherwise."""
    user = bot.chats.get(p.chat_id(field))
    if user is None:
        raise bad_request("chat not found")
    if user.blocked:
        if user.got_403:
            raise ApiError(403, _BLOCKED, kind="sent_after_block")
        user.got_403 = True
        raise ApiError(403, _BLOCKED, fault=False)
    if not user.started:
        raise ApiError(403, _NOT_STARTED, kind="forbidden")
    user.touch(time.monotonic())
    return user


def reply_markup(p: Params, *, inline_only: bool = False) -> Markup | None:
    """Return the validated reply_markup parameter."""
    markup = parse_markup(p.obj("reply_markup", "reply keyboard markup"))
    if inline_only and markup is not None and markup.inline is None:
        raise bad_request("inline keyboard expected")
    return markup


def reply_to(user: SimUser, p: Params) -> dict[str, Any] | None:
    """Return the message replied to (reply_parameters or reply_to_message_id)."""
    params = p.obj("reply_parameters")
    allow = False
    if isinstance(params, dict):
        mid = params.get("message_id")
        allow = bool(params.get("allow_sending_without_reply"))
    elif params is not None:
        raise bad_request("can't parse reply parameters JSON object")
    else:
        mid = p.integer("reply_to_message_id")
        allow = p.flag("allow_sending_without_reply")
    if mid is None:
        return None
    msg = user.messages.get(mid) if isinstance(mid, int) else None
    if msg is None and not allow:
        raise bad_request("message to be replied not found")
    return msg


def base_message(bot: BotAccount, user: SimUser) -> dict[str, Any]:
    """Return the common fields of a new bot message in ``user``'s chat."""
    return {
        "message_id": user.next_message_id(),
        "from": bot.user_json,
        "chat": user.chat_json,
        "date": int(time.time()),
    }


def commit(
    emu: Emulator, user: SimUser, msg: dict[str, Any], source: str | None, markup: Markup | None
) -> None:
    """Store a new or edited bot message and notify subscribers."""
    buttons = markup.buttons if markup is not None and markup.inline is not None else []
    keyboard = None
    if markup is not None and markup.keyboard is not None:
        keyboard = [[str(b.get("text")) for b in row] for row in markup.keyboard]
    view = BotMessage.from_message(msg, source, buttons, keyboard)
    user.store_bot_message(view, markup)
    if emu.has_subscribers:
        kind = "edited_message" if view.edited else "new_message"
        emu.publish({"type": kind, "chat_id": user.id, "message": view.to_dict()})


def edit_target(bot: BotAccount, user: SimUser, p: Params) -> dict[str, Any]:
    """Return the bot message an edit method refers to; Telegram's errors otherwise."""
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator", kind="unsupported")
    mid = p.integer("message_id", error="message identifier is not specified")
    if mid is None:
        raise bad_request("message identifier is not specified")
    msg = user.messages.get(mid)
    if msg is None:
        raise bad_request("message to edit not found")
    if msg["from"]["id"] != bot.id:
        raise bad_request("message can't be edited")
    return msg


def edited(msg: dict[str, Any], drop: tuple[str, ...], **fields: Any) -> dict[str, Any]:
    """Return a copy of ``msg`` without ``drop`` keys, with ``fields`` and an edit_date."""
    new = {k: v for k, v in msg.items() if k not in drop}
    new.update({k: v for k, v in fields.items() if v})
    new["edit_date"] = int(time.time())
    return new
