"""/language: switch between Chinese and English at any time, command menu included."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.config import LOCALES
from bot.context import Context
from bot.render import Button
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.core import roles
from handlers.features import Feature
from handlers.parts import data_of, sender_id

MENU = Callback("lang", "menu")
SET = Callback("lang", "set", str)


def _choices(context: Context) -> InlineKeyboardMarkup | None:
    t = context.t
    return render.inline(
        [[Button(t(f"language.name.{code}"), SET.build(code)) for code in LOCALES]]
    )


async def cmd_language(update: Update, context: Context) -> None:
    """Offer the languages."""
    await render.reply(update, context, context.t("language.choose"), _choices(context))


async def btn_language_menu(update: Update, context: Context) -> None:
    """Offer the languages (from the profile card)."""
    await render.answer(update)
    await cmd_language(update, context)


async def btn_language_set(update: Update, context: Context) -> None:
    """Switch the user's language; show the keyboard and the command menu in it."""
    await render.answer(update)
    locale = SET.one(data_of(update))
    if locale not in LOCALES:
        return
    await context.services.users.set_locale(user_id=sender_id(update), locale=locale)
    context.use_locale(locale)
    await render.edit(update, context, context.t("language.changed"))
    await render.reply(update, context, context.t("menu.ready"), keyboards.main_menu(context.t))
    await roles.refresh_menu(context, sender_id(update))


COMMANDS = [Command("language", "language.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/language and its buttons."""
    return [
        CommandHandler("language", cmd_language),
        CallbackQueryHandler(btn_language_menu, pattern=MENU.pattern),
        CallbackQueryHandler(btn_language_set, pattern=SET.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
