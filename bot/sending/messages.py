"""How one delivery row becomes Telegram calls.

The text goes in the recipient's language with the broadcast's buttons and "✅ Read"; a photo
is uploaded once and then reused by its file_id; a must-read reminder replies to the original;
a digest row becomes one message with the day's items.

Text and already-uploaded photos are sent with ``Bot.do_api_request``, which returns Telegram's
answer as it came: building PTB's ``Message`` for each of thousands of recipients only to read
its id was a fifth of a broadcast's CPU. Errors are raised exactly as by ``send_message``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode

from bot import render
from bot.i18n import Catalogs
from bot.render import Button
from bot.services.broadcasts.followups import MAX_REMINDERS
from bot.services.broadcasts.outbox import Claimed, Content, Outbox
from bot.services.broadcasts.reports import excerpt
from bot.text.visible import CAPTION_LIMIT, visible_length

ICONS = {"announcement": "📣", "event": "📅", "reminder": "⏰", "proposal": "💡"}


class Messenger:
    """Turns claimed rows into messages; raises Telegram's errors for the sender to classify."""

    def __init__(
        self, bot: Bot, i18n: Catalogs, outbox: Outbox, *, read_data: Callable[[int], str]
    ) -> None:
        self._bot = bot
        self._i18n = i18n
        self._outbox = outbox
        self._read_data = read_data
        self._contents: dict[int, asyncio.Future[Content | None]] = {}
        self._keyboards: dict[tuple[int, str, bool], InlineKeyboardMarkup | None] = {}
        self._uploads: dict[int, asyncio.Lock] = {}

    async def send(self, row: Claimed) -> int | None:
        """Send one row; the id of the (last) message, or None if its broadcast is gone."""
        if row.is_digest:
            return await self._text(row.user_id, await self._digest(row), None)
        content = await self._content(row.broadcast_id or 0)
        if content is None:
            return None
        t = self._i18n.translator(row.locale)
        if row.round:
            title = excerpt(content.html[row.locale])
            reminder = t("broadcasts.reminder", round=row.round, rounds=MAX_REMINDERS, title=title)
            return await self._text(
                row.user_id, reminder, self._keyboard(content, row.locale, True), row.reply_to
            )
        text, keyboard = content.html[row.locale], self._keyboard(content, row.locale, False)
        photo = content.photo_id or content.photo
        if photo is None:
            return await self._text(row.user_id, text, keyboard)
        return await self._photo(row.user_id, content, photo, text, keyboard)

    async def _content(self, broadcast_id: int) -> Content | None:
        """A broadcast's content, loaded once even when many sends ask for it at the same time."""
        loading = self._contents.get(broadcast_id)
        if loading is None:
            loading = asyncio.ensure_future(self._outbox.content(broadcast_id=broadcast_id))
            self._contents[broadcast_id] = loading
        content = await asyncio.shield(loading)
        if content is None:
            self._contents.pop(broadcast_id, None)
        return content

    def _keyboard(
        self, content: Content, locale: str, read_only: bool
    ) -> InlineKeyboardMarkup | None:
        key = (content.id, locale, read_only)
        if key not in self._keyboards:
            own = [Button(zh if locale == "zh" else en, data) for zh, en, data in content.buttons]
            rows = (
                []
                if read_only
                else [own]
                if len(own) <= 3
                else [own[i : i + 2] for i in range(0, len(own), 2)]
            )
            if content.must_read or content.kind == "announcement":
                label = self._i18n.translator(locale)("broadcasts.read")
                rows.append([Button(label, self._read_data(content.id))])
            self._keyboards[key] = render.inline(rows) if rows else None
        return self._keyboards[key]

    async def _text(
        self,
        chat_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        reply_to: int | None = None,
    ) -> int:
        chunks = render.split_text(text)
        message_id = 0
        for index, chunk in enumerate(chunks):
            replying = (
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to and not index
                else None
            )
            message_id = await self._call(
                "sendMessage",
                chat_id=chat_id,
                text=chunk,
                reply_markup=keyboard if index == len(chunks) - 1 else None,
                reply_parameters=replying,
            )
        return message_id

    async def _photo(
        self,
        chat_id: int,
        content: Content,
        photo: str | bytes,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
    ) -> int:
        """Send the photo (uploading it only the first time) with the text as caption if it fits."""
        fits = visible_length(text) <= CAPTION_LIMIT
        caption, markup = (text, keyboard) if fits else (None, None)
        if isinstance(photo, bytes):
            async with self._uploads.setdefault(content.id, asyncio.Lock()):
                if content.photo_id is None:
                    message = await self._bot.send_photo(
                        chat_id,
                        photo,
                        caption=caption,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                    )
                    content.photo_id = message.photo[-1].file_id
                    await self._outbox.remember_photo(
                        broadcast_id=content.id, photo_id=content.photo_id
                    )
                    return message.message_id if fits else await self._text(chat_id, text, keyboard)
        sent = await self._call(
            "sendPhoto",
            chat_id=chat_id,
            photo=content.photo_id or photo,
            caption=caption,
            reply_markup=markup,
        )
        return sent if fits else await self._text(chat_id, text, keyboard)

    async def _call(self, method: str, **params: Any) -> int:
        """Send in HTML and return the new message's id, read from the raw answer."""
        given = {key: value for key, value in params.items() if value is not None}
        result = await self._bot.do_api_request(
            method, api_kwargs={**given, "parse_mode": ParseMode.HTML}
        )
        return int(result["message_id"])

    async def _digest(self, row: Claimed) -> str:
        items = await self._outbox.digest_items(carrier_id=row.id)
        t = self._i18n.translator(row.locale)
        parts: list[str] = [t("broadcasts.digest_title", count=len(items))]
        parts += [f"{ICONS.get(item.kind, '•')} {item.html[row.locale]}" for item in items]
        return "\n\n".join(parts)
