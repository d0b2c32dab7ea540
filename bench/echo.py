"""The baseline of ``bench/updates.py``: a bare PTB bot that answers like this bot, and no more.

For the n-th update of a user it sends as many messages (each with one button) as this bot
sent for the n-th step of the script; a button press is answered and its message edited,
then any further messages follow. No database, no handlers beyond these two.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("▶", callback_data="echo")]])


class Echo:
    """Answers each user's n-th update with ``counts[n]`` messages and edits."""

    def __init__(self, counts: list[int]) -> None:
        self.counts = counts
        self.steps: dict[int, int] = {}

    def _count(self, update: Update) -> int:
        assert update.effective_user is not None
        step = self.steps.get(update.effective_user.id, 0)
        self.steps[update.effective_user.id] = step + 1
        return self.counts[step % len(self.counts)]

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Echo the text as many times as this bot answered the same step."""
        assert update.message is not None
        assert update.effective_chat is not None
        for _ in range(self._count(update)):
            await context.bot.send_message(
                update.effective_chat.id, update.message.text or "…", reply_markup=KEYBOARD
            )

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer the query, edit its message, then send any further messages."""
        query = update.callback_query
        assert query is not None
        assert query.message is not None
        await query.answer()
        count = self._count(update)
        if count:
            await query.edit_message_text(f"✓ {query.message.message_id}")
        for _ in range(count - 1):
            await context.bot.send_message(query.message.chat.id, "✓", reply_markup=KEYBOARD)


def echo_application(
    base_url: str, token: str, counts: list[int], *, keep_alive: bool = False
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The echo bot against the emulator at ``base_url``, built with PTB's defaults.

    That is how a bare echo bot is written, and it is also PTB's fastest here: with
    ``concurrent_updates(256)`` the same bot answered less than half as fast (147 against 333
    replies/s, 200 users), its requests queueing for httpx's connection pool.

    ``keep_alive`` builds it on this bot's own HTTP client instead (``bot.edge.transport``,
    64 connections, 256 updates at once, as this bot runs): the second baseline, which shows
    how much of a difference is the client rather than the work.
    """
    echo = Echo(counts)
    builder = ApplicationBuilder().token(token).base_url(f"{base_url}/bot")
    if keep_alive:
        from bot.edge.transport import KeepAliveRequest

        builder = (
            builder.request(KeepAliveRequest(pool_size=64, pool_timeout=30))
            .get_updates_request(KeepAliveRequest(pool_size=1))
            .concurrent_updates(256)
        )
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo.text))
    app.add_handler(CallbackQueryHandler(echo.press))
    return app
