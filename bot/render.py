"""The one way messages leave the bot: HTML, split to Telegram's limits, blocks noticed.

Every handler and job sends through these functions, so the limits Telegram enforces
(4096 characters of text, 1024 of caption, 64 bytes of callback data) are kept in one place.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.i18n import Html, escape
from bot.text.visible import CAPTION_LIMIT, TEXT_LIMIT, visible_length

if TYPE_CHECKING:
    from bot.context import Context

__all__ = [
    "Button",
    "Html",
    "Sent",
    "edit",
    "edit_keyboard",
    "edit_message",
    "escape",
    "inline",
    "label",
    "reply",
    "reply_keyboard",
    "send",
    "send_album",
    "send_document",
    "send_file",
]

DATA_LIMIT = 64
log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
Photo = str | bytes | InputFile
_TAG = re.compile(r"<[^>]*>")
_OPEN = re.compile(r"<([a-z][a-z0-9-]*)[^>]*>")
_CLOSE = re.compile(r"</([a-z][a-z0-9-]*)>")
_SENTENCE = re.compile(r"(?<=[。！？!?；;.])\s*")


@dataclass(frozen=True, slots=True)
class Sent:
    """Where a sent message is, and the file id Telegram gave a photo uploaded with it."""

    message_id: int
    photo_id: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: callback data for actions, a URL for links."""

    text: str
    data: str | None = None
    url: str | None = None


def _balanced(chunk: str) -> bool:
    return len(_OPEN.findall(chunk)) == len(_CLOSE.findall(chunk))


def _pieces(block: str, limit: int) -> list[str]:
    """Break one over-long paragraph at lines, then sentences, then (last resort) characters."""
    for pattern in ("\n", _SENTENCE):
        parts = block.split(pattern) if isinstance(pattern, str) else pattern.split(block)
        parts = [p for p in parts if p]
        if len(parts) > 1 and all(_balanced(p) for p in parts):
            joiner = "\n" if pattern == "\n" else ""
            return _pack(parts, limit, joiner)
    plain = escape(html.unescape(_TAG.sub("", block)))
    out, current = [], ""
    for char in html.unescape(plain):
        if visible_length(current + char) > limit:
            out.append(current)
            current = ""
        current += char
    return [*out, current] if current else out


def _pack(parts: Sequence[str], limit: int, joiner: str) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if visible_length(candidate) <= limit and _balanced(candidate) == _balanced(part):
            current = candidate
            continue
        if current:
            chunks.append(current)
        if visible_length(part) > limit:
            chunks.extend(_pieces(part, limit))
            current = ""
        else:
            current = part
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split HTML text into messages at paragraph boundaries, each within ``limit``."""
    if visible_length(text) <= limit:
        return [text]
    return _pack([p for p in text.split("\n\n") if p.strip()], limit, "\n\n")


def label(text: str) -> str:
    """A button label: Telegram shows it as is, so catalog HTML (``&amp;``) is turned back.

    Only :class:`Html` is unescaped; a plain ``str`` is taken literally, so a user's own
    ``&lt;`` in a label stays as they typed it.
    """
    return html.unescape(text) if isinstance(text, Html) else text


def inline(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Build an inline keyboard, refusing callback data Telegram would reject.

    No buttons at all is no keyboard (``None``): Telegram refuses an empty markup object, which
    would lose the whole message.
    """
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            if button.url:
                buttons.append(InlineKeyboardButton(label(button.text), url=button.url))
                continue
            data = button.data or ""
            if not 1 <= len(data.encode()) <= DATA_LIMIT:
                raise ValueError(f"callback data must be 1-{DATA_LIMIT} bytes: {data!r}")
            buttons.append(InlineKeyboardButton(label(button.text), callback_data=data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def reply_keyboard(
    rows: Sequence[Sequence[str]], *, placeholder: str | None = None
) -> ReplyKeyboardMarkup:
    """A persistent reply keyboard of plain-text buttons."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(label(text)) for text in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=placeholder,
    )


async def send(
    context: Context,
    chat_id: int,
    text: str,
    keyboard: Markup = None,
    *,
    photo: Photo | None = None,
    protect: bool = False,
) -> Sent | None:
    """Send HTML text (and an optional photo) to a chat; ``None`` if the user blocked the bot.

    Text goes out as a raw ``sendMessage``: building PTB's ``Message`` from every answer cost
    a tenth of the bot's CPU per update, and callers only need where the message is.
    """
    try:
        if photo is not None:
            return await _send_photo(context, chat_id, text, keyboard, photo)
        chunks = split_text(text)
        sent = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await _send_text(context, chat_id, chunk, keyboard if last else None, protect)
        return sent
    except (Forbidden, BadRequest) as exc:
        await _unreachable(context, chat_id, exc)
        return None


async def _send_text(
    context: Context, chat_id: int, text: str, keyboard: Markup, protect: bool
) -> Sent:
    params: dict[str, object] = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML}
    if keyboard is not None:
        params["reply_markup"] = keyboard
    if protect:
        params["protect_content"] = True
    result = await context.bot.do_api_request("sendMessage", api_kwargs=params)
    return Sent(int(result["message_id"]))


async def _unreachable(context: Context, chat_id: int, exc: Forbidden | BadRequest) -> None:
    """A blocked bot (403) or a chat that is gone (400 chat not found): stop sending there."""
    if isinstance(exc, BadRequest) and "chat not found" not in str(exc).lower():
        raise exc
    await context.unreachable(chat_id)
    log.info("user %s cannot be reached (%s); marked inactive", chat_id, exc.message)


async def send_file(
    context: Context, chat_id: int, kind: str, file_id: str, caption: str = ""
) -> Sent | None:
    """Send a photo, voice message or document by file id; a long caption goes as text first."""
    if kind == "photo":
        return await send(context, chat_id, caption, photo=file_id)
    if visible_length(caption) > CAPTION_LIMIT:
        await send(context, chat_id, caption)
        caption = ""
    sender = context.bot.send_voice if kind == "voice" else context.bot.send_document
    try:
        message = await sender(chat_id, file_id, caption=caption or None, parse_mode=ParseMode.HTML)
        return Sent(message.message_id)
    except (Forbidden, BadRequest) as exc:
        await _unreachable(context, chat_id, exc)
        return None


async def send_document(
    context: Context, chat_id: int, data: bytes, filename: str, caption: str = ""
) -> Message | None:
    """Send a file the bot made (a spreadsheet, an .ics); ``None`` if the chat is unreachable."""
    if visible_length(caption) > CAPTION_LIMIT:
        await send(context, chat_id, caption)
        caption = ""
    try:
        return await context.bot.send_document(
            chat_id,
            InputFile(data, filename=filename),
            caption=caption or None,
            parse_mode=ParseMode.HTML,
        )
    except (Forbidden, BadRequest) as exc:
        await _unreachable(context, chat_id, exc)
        return None


async def send_album(context: Context, chat_id: int, photos: Sequence[str]) -> None:
    """Photos by file id: one photo alone, two to ten as an album (Telegram's limits)."""
    try:
        if len(photos) == 1:
            await context.bot.send_photo(chat_id, photos[0])
        for start in range(0, len(photos) if len(photos) > 1 else 0, 10):
            group = photos[start : start + 10]
            if len(group) == 1:
                await context.bot.send_photo(chat_id, group[0])
            else:
                await context.bot.send_media_group(chat_id, [InputMediaPhoto(p) for p in group])
    except (Forbidden, BadRequest) as exc:
        await _unreachable(context, chat_id, exc)


async def edit_keyboard(update: Update, keyboard: InlineKeyboardMarkup | None) -> None:
    """Change only the buttons under the message a button was pressed on."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc) and "not found" not in str(exc):
            raise


async def _send_photo(
    context: Context, chat_id: int, text: str, keyboard: Markup, photo: Photo
) -> Sent | None:
    if visible_length(text) <= CAPTION_LIMIT:
        message = await context.bot.send_photo(
            chat_id, photo, caption=text or None, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        return Sent(message.message_id, message.photo[-1].file_id if message.photo else None)
    message = await context.bot.send_photo(chat_id, photo)
    sent = await send(context, chat_id, text, keyboard)
    photo_id = message.photo[-1].file_id if message.photo else None
    return Sent(sent.message_id, photo_id) if sent else None


async def reply(
    update: Update, context: Context, text: str, keyboard: Markup = None, **kwargs: object
) -> Sent | None:
    """Answer the chat an update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await send(context, chat.id, text, keyboard, **kwargs)  # type: ignore[arg-type]


async def edit(
    update: Update, context: Context, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message a button was pressed on; send anew when it cannot be edited."""
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or message.photo or visible_length(text) > TEXT_LIMIT:
        await reply(update, context, text, keyboard)
        return
    if message.text_html == text and message.reply_markup == keyboard:
        return
    if not await edit_message(context, message.chat.id, message.message_id, text, keyboard):
        await reply(update, context, text, keyboard)


async def edit_message(
    context: Context,
    chat_id: int,
    message_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> bool:
    """Replace a text message the bot sent earlier (from a job, say); False if it is gone.

    Unchanged text counts as done; a message deleted or too old to edit is not.
    """
    params: dict[str, object] = {
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
    }
    if keyboard is not None:
        params["reply_markup"] = keyboard
    try:
        await context.bot.do_api_request("editMessageText", api_kwargs=params)
    except BadRequest as exc:
        if "not modified" in str(exc):
            return True
        if "not found" in str(exc) or "can't be edited" in str(exc):
            return False
        raise
    return True


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a callback query (every one must be answered, or the button spins)."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=alert)
