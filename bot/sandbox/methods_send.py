"""Bot API methods that send, copy, edit and delete messages."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import NOT_MODIFIED, bad_request
from bot.sandbox.messaging import (
    base_message,
    commit,
    edit_target,
    edited,
    formatted,
    reply_markup,
    reply_to,
    target,
)
from bot.sandbox.params import Upload
from bot.sandbox.registry import api_method

if TYPE_CHECKING:
    from bot.sandbox.botstate import BotAccount
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.markup import Markup
    from bot.sandbox.models import StoredFile
    from bot.sandbox.params import Params
    from bot.sandbox.users import SimUser

_CONTENT_KEYS = (
    "text",
    "entities",
    "photo",
    "voice",
    "document",
    "video",
    "audio",
    "sticker",
    "caption",
    "caption_entities",
    "contact",
    "location",
)
_MEDIA_KEYS = ("photo", "voice", "document", "video", "audio", "animation")


def _finish(
    emu: Emulator,
    user: SimUser,
    msg: dict[str, Any],
    source: str | None,
    markup: Markup | None,
    reply: dict[str, Any] | None,
) -> dict[str, Any]:
    if reply is not None:
        msg["reply_to_message"] = reply
    if markup is not None and markup.inline is not None:
        msg["reply_markup"] = markup.inline
    commit(emu, user, msg, source, markup)
    return msg


def _caption(msg: dict[str, Any], caption: str, entities: list[dict[str, Any]]) -> None:
    if caption:
        msg["caption"] = caption
        if entities:
            msg["caption_entities"] = entities


@api_method("sendMessage")
def send_message(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Send a text message."""
    text, entities, source = formatted(emu, p, "text", caption=False)
    markup = reply_markup(p)
    user = target(emu, bot, p)
    reply = reply_to(user, p)
    emu.limiter.consume(user.id)
    msg = base_message(bot, user)
    msg["text"] = text
    if entities:
        msg["entities"] = entities
    preview = p.obj("link_preview_options")
    if isinstance(preview, dict) and preview:
        msg["link_preview_options"] = preview
    return _finish(emu, user, msg, source, markup, reply)


def _stored(emu: Emulator, value: Upload | str | None, kind: str) -> StoredFile:
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, str):
        return emu.files.require(value, kind)
    if not value.body:
        raise bad_request("file must be non-empty")
    if kind == "photo":
        return emu.files.add_photo(value.body, strict=True)
    mime = value.content_type if value.content_type != "application/octet-stream" else None
    if kind == "voice":
        mime = mime or "audio/ogg"
    return emu.files.add(kind, value.body, file_name=value.filename or None, mime_type=mime)


def _media_json(stored: StoredFile, kind: str, p: Params | None) -> Any:
    if kind == "photo":
        return stored.sizes
    if kind == "voice":
        return stored.as_json(duration=(p.integer("duration", 0) if p else 0) or 0)
    if kind == "video":
        return stored.as_json(width=stored.width, height=stored.height, duration=0)
    if kind == "audio":
        return stored.as_json(duration=0)
    return stored.as_json()


def _send_media(emu: Emulator, bot: BotAccount, p: Params, kind: str) -> dict[str, Any]:
    caption, entities, source = formatted(emu, p, "caption", caption=True)
    markup = reply_markup(p)
    user = target(emu, bot, p)
    reply = reply_to(user, p)
    stored = _stored(emu, p.file(kind), kind)
    emu.limiter.consume(user.id)
    msg = base_message(bot, user)
    msg[kind] = _media_json(stored, kind, p)
    _caption(msg, caption, entities)
    if kind == "photo" and p.flag("has_spoiler"):
        msg["has_media_spoiler"] = True
    return _finish(emu, user, msg, source, markup, reply)


@api_method("sendPhoto")
def send_photo(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Send a photo (upload or file_id)."""
    return _send_media(emu, bot, p, "photo")


@api_method("sendDocument")
def send_document(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Send a document (upload or file_id)."""
    return _send_media(emu, bot, p, "document")


@api_method("sendVoice")
def send_voice(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Send a voice message (upload or file_id)."""
    return _send_media(emu, bot, p, "voice")


@api_method("sendMediaGroup")
def send_media_group(emu: Emulator, bot: BotAccount, p: Params) -> list[dict[str, Any]]:
    """Send an album of 2-10 photos/videos/documents/audios."""
    media = p.obj("media")
    if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
        raise bad_request("can't parse media JSON object")
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the album; must be 2-10")
    kinds = [m.get("type") for m in media]
    if any(k not in ("photo", "video", "document", "audio") for k in kinds):
        raise bad_request("unsupported media type in the album")
    if ("document" in kinds or "audio" in kinds) and len(set(kinds)) > 1:
        raise bad_request(
            f"{'document' if 'document' in kinds else 'audio'} "
            "can't be mixed with other media types"
        )
    user = target(emu, bot, p)
    reply = reply_to(user, p)
    items = []
    for item, kind in zip(media, kinds, strict=True):
        sub = _item_params(p, item)
        caption, entities, source = formatted(emu, sub, "caption", caption=True)
        items.append(
            (
                _stored(emu, p.attached(item.get("media")), str(kind)),
                str(kind),
                caption,
                entities,
                source,
            )
        )
    emu.limiter.consume(user.id, len(items))
    group_id = str(int(time.time() * 1000))
    out = []
    for stored, kind, caption, entities, source in items:
        msg = base_message(bot, user)
        msg["media_group_id"] = group_id
        msg[kind] = _media_json(stored, kind, None)
        _caption(msg, caption, entities)
        out.append(_finish(emu, user, msg, source, None, reply))
    return out


def _item_params(p: Params, item: dict[str, Any]) -> Params:
    return type(p)(p.method, item, p.files)


def _source(bot: BotAccount, p: Params, missing: str) -> dict[str, Any]:
    source_user = bot.chats.get(p.chat_id("from_chat_id"))
    if source_user is None:
        raise bad_request("chat not found")
    mid = p.integer("message_id")
    msg = source_user.messages.get(mid) if mid is not None else None
    if msg is None:
        raise bad_request(missing)
    return msg


@api_method("copyMessage")
def copy_message(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Copy a message without a link to the original; returns its MessageId."""
    original = _source(bot, p, "message to copy not found")
    markup = reply_markup(p)
    user = target(emu, bot, p)
    reply = reply_to(user, p)
    msg = base_message(bot, user)
    msg.update({k: original[k] for k in _CONTENT_KEYS if k in original})
    source = original.get("text") or original.get("caption")
    if p.has("caption") and any(k in original for k in _MEDIA_KEYS):
        caption, entities, source = formatted(emu, p, "caption", caption=True)
        msg.pop("caption", None)
        msg.pop("caption_entities", None)
        _caption(msg, caption, entities)
    emu.limiter.consume(user.id)
    _finish(emu, user, msg, source, markup, reply)
    return {"message_id": msg["message_id"]}


@api_method("forwardMessage")
def forward_message(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Forward a message (keeps the original sender in forward_origin)."""
    original = _source(bot, p, "message to forward not found")
    user = target(emu, bot, p)
    msg = base_message(bot, user)
    msg["forward_origin"] = {
        "type": "user",
        "sender_user": original["from"],
        "date": original["date"],
    }
    msg.update({k: original[k] for k in _CONTENT_KEYS if k in original})
    emu.limiter.consume(user.id)
    return _finish(emu, user, msg, original.get("text") or original.get("caption"), None, None)


def _edit_chat(emu: Emulator, bot: BotAccount, p: Params) -> SimUser:
    if not p.has("chat_id") and p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator", kind="unsupported")
    return target(emu, bot, p)


@api_method("editMessageText")
def edit_message_text(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Edit the text (and inline keyboard) of a bot message."""
    text, entities, source = formatted(emu, p, "text", caption=False)
    markup = reply_markup(p, inline_only=True)
    user = _edit_chat(emu, bot, p)
    msg = edit_target(bot, user, p)
    if "text" not in msg:
        raise bad_request("there is no text in the message to edit")
    inline = markup.inline if markup is not None else None
    same = (
        msg["text"] == text
        and msg.get("entities", []) == entities
        and msg.get("reply_markup") == inline
    )
    if same:
        raise bad_request(NOT_MODIFIED)
    emu.limiter.consume(user.id)
    new = edited(
        msg, ("entities", "reply_markup"), text=text, entities=entities, reply_markup=inline
    )
    commit(emu, user, new, source, markup)
    return new


@api_method("editMessageCaption")
def edit_message_caption(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Edit the caption (and inline keyboard) of a bot media message."""
    caption, entities, source = formatted(emu, p, "caption", caption=True)
    markup = reply_markup(p, inline_only=True)
    user = _edit_chat(emu, bot, p)
    msg = edit_target(bot, user, p)
    if not any(k in msg for k in _MEDIA_KEYS):
        raise bad_request("there is no caption in the message to edit")
    inline = markup.inline if markup is not None else None
    same = (
        msg.get("caption", "") == caption
        and msg.get("caption_entities", []) == entities
        and msg.get("reply_markup") == inline
    )
    if same:
        raise bad_request(NOT_MODIFIED)
    emu.limiter.consume(user.id)
    drop = ("caption", "caption_entities", "reply_markup")
    new = edited(msg, drop, caption=caption, caption_entities=entities, reply_markup=inline)
    commit(emu, user, new, source, markup)
    return new


@api_method("editMessageReplyMarkup")
def edit_message_reply_markup(emu: Emulator, bot: BotAccount, p: Params) -> dict[str, Any]:
    """Replace (or remove) the inline keyboard of a bot message."""
    markup = reply_markup(p, inline_only=True)
    user = _edit_chat(emu, bot, p)
    msg = edit_target(bot, user, p)
    inline = markup.inline if markup is not None else None
    if msg.get("reply_markup") == inline:
        raise bad_request(NOT_MODIFIED)
    emu.limiter.consume(user.id)
    new = edited(msg, ("reply_markup",), reply_markup=inline)
    view = user.bot_message(msg["message_id"])
    commit(emu, user, new, view.html if view else None, markup)
    return new


@api_method("deleteMessage")
def delete_message(emu: Emulator, bot: BotAccount, p: Params) -> bool:
    """Delete a message (the bot's or the user's) from a private chat."""
    user = bot.chats.get(p.chat_id())
    if user is None:
        raise bad_request("chat not found")
    mid = p.integer("message_id", error="message identifier is not specified")
    if mid is None or mid not in user.messages:
        raise bad_request("message to delete not found")
    view = user.remove_message(mid)
    user.touch(time.monotonic())
    if emu.has_subscribers:
        emu.publish(
            {
                "type": "deleted_message",
                "chat_id": user.id,
                "message_id": mid,
                "by_bot": view is not None,
            }
        )
    return True
