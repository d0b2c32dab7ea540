"""Anything no feature understood gets a short, friendly hint instead of silence."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import render
from bot.context import Context
from bot.services.core import ADMINS, holds


async def msg_unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have."""
    await render.reply(update, context, context.t("fallback.unknown_command"))


async def cmd_cancel_nothing(update: Update, context: Context) -> None:
    """/cancel with no flow open: say so, rather than call a listed command unknown."""
    await render.reply(update, context, context.t("fallback.nothing_to_cancel"))


async def msg_not_understood(update: Update, context: Context) -> None:
    """Text or media outside any conversation; an admin's forward: how to give its sender a role."""
    key = "fallback.not_understood"
    if update.message and update.message.forward_origin:
        roles = await context.services.users.roles(user_id=update.effective_user.id)
        key = "fallback.forwarded_admin" if holds(roles, ADMINS) else key
    await render.reply(update, context, context.t(key))


async def btn_stale(update: Update, context: Context) -> None:
    """A button nobody handles (an old message, or forged data): answer it so it stops spinning."""
    await render.answer(update, context.t("fallback.stale_button"), alert=False)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Catch-alls; registered last."""
    return [
        CommandHandler("cancel", cmd_cancel_nothing, filters=filters.ChatType.PRIVATE),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, msg_unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, msg_not_understood),
        CallbackQueryHandler(btn_stale),
    ]
