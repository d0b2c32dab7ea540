"""Files passed between people by Telegram file id (photos, voice, documents), and files made here.

``bot.render`` sends text and photos; help requests and their relay also carry voice messages
and documents, which are sent here with the same care: HTML captions within Telegram's limit,
and a user who blocked the bot marked inactive instead of failing the update.
"""

from __future__ import annotations

import logging

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden

from bot import render
from bot.context import Context

log = logging.getLogger(__name__)


def content_of(message: Message) -> tuple[str, str | None, str | None]:
    """(kind, text or caption, file id) of a user's message: text, photo, voice or document."""
    if message.photo:
        return "photo", message.caption, message.photo[-1].file_id
    if message.voice:
        return "voice", message.caption, message.voice.file_id
    if message.document:
        return "document", message.caption, message.document.file_id
    return "text", message.text, None


async def send_file(
    context: Context, chat_id: int, kind: str, file_id: str, caption: str = ""
) -> Message | None:
    """Send a photo, voice message or document the bot has seen before; None if blocked."""
    if kind == "photo":
        return await render.send(context, chat_id, caption, photo=file_id)
    if render.visible_length(caption) > render.CAPTION_LIMIT:
        await render.send(context, chat_id, caption)
        caption = ""
    sender = context.bot.send_voice if kind == "voice" else context.bot.send_document
    try:
        return await sender(chat_id, file_id, caption=caption or None, parse_mode=ParseMode.HTML)
    except Forbidden:
        await context.services.users.deactivate(user_id=chat_id)
        log.info("user %s blocked the bot; marked inactive", chat_id)
        return None


async def send_document(
    context: Context, chat_id: int, data: bytes, filename: str, caption: str = ""
) -> Message | None:
    """Send a file the bot made (a spreadsheet); None if the user blocked the bot."""
    try:
        return await context.bot.send_document(
            chat_id,
            InputFile(data, filename=filename),
            caption=caption or None,
            parse_mode=ParseMode.HTML,
        )
    except Forbidden:
        await context.services.users.deactivate(user_id=chat_id)
        return None
