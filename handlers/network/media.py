"""What a user's message carries when help requests and their relay pass it on.

Sending it on (photo, voice or document by file id) is ``bot.render.send_file``.
"""

from __future__ import annotations

from telegram import Message


def content_of(message: Message) -> tuple[str, str | None, str | None]:
    """(kind, text or caption, file id) of a user's message: text, photo, voice or document."""
    if message.photo:
        return "photo", message.caption, message.photo[-1].file_id
    if message.voice:
        return "voice", message.caption, message.voice.file_id
    if message.document:
        return "document", message.caption, message.document.file_id
    return "text", message.text, None
