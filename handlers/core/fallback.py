"""Anything no feature understood gets a short, friendly hint instead of silence."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import render
from bot.context import Context
from bot.services.core import ADMINS, holds
from bot.text.clean import is_blank
from handlers.features import Feature
from handlers.parts import message_of, sender_id


async def msg_unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have."""
    await render.reply(update, context, context.t("fallback.unknown_command"))


async def cmd_cancel_nothing(update: Update, context: Context) -> None:
    """/cancel with no flow open: say so, rather than call a listed command unknown."""
    await render.reply(update, context, context.t("fallback.nothing_to_cancel"))


async def msg_not_understood(update: Update, context: Context) -> None:
    """Text or media outside any conversation; an admin's forward: how to give its sender a role."""
    key = "fallback.not_understood"
    if update.message and message_of(update).forward_origin:
        roles = await context.services.users.roles(user_id=sender_id(update))
        key = "fallback.forwarded_admin" if holds(roles, ADMINS) else key
    await render.reply(update, context, context.t(key))


async def btn_stale(update: Update, context: Context) -> None:
    """A button nobody handles (an old message, or forged data): answer it so it stops spinning."""
    await render.answer(update, context.t("fallback.stale_button"), alert=False)


class Dataless(CallbackQueryHandler):  # type: ignore[type-arg]
    """A press that carries no data (forged, or a game button): stale, before any flow sees it.

    PTB's ``CallbackQueryHandler`` matches such a press whatever its pattern, so without this
    the first flow's entry point would take it.
    """

    def __init__(self) -> None:
        super().__init__(self._refuse)

    def check_update(self, update: object) -> bool:
        """Whether this is a press with no data (or empty data)."""
        query = update.callback_query if isinstance(update, Update) else None
        return query is not None and not query.data

    @staticmethod
    async def _refuse(update: Update, context: Context) -> None:
        await btn_stale(update, context)
        raise ApplicationHandlerStop


class _Blank(filters.MessageFilter):
    """A text message with nothing visible in it (spaces, zero-width characters)."""

    def filter(self, message: Message) -> bool:
        return message.text is not None and is_blank(message.text)


async def msg_blank(update: Update, context: Context) -> None:
    """A blank text answers no question: say so, and leave the step waiting for a real one."""
    await render.reply(update, context, context.t("common.write_something"))
    raise ApplicationHandlerStop


def refusals() -> list[BaseHandler]:  # type: ignore[type-arg]
    """What no feature may take, checked before any flow: dataless presses and blank texts."""
    return [Dataless(), MessageHandler(filters.ChatType.PRIVATE & _Blank(), msg_blank)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Catch-alls; registered last."""
    return [
        CommandHandler("cancel", cmd_cancel_nothing, filters=filters.ChatType.PRIVATE),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, msg_unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, msg_not_understood),
        CallbackQueryHandler(btn_stale),
    ]


FEATURE = Feature(handlers)
