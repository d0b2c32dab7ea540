"""/help: what this user's roles let them do."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot import render
from bot.context import Context
from handlers import keyboards
from handlers.commands import COMMANDS_KEY, Command, MenuButton, visible
from handlers.parts import sender_id


async def cmd_help(update: Update, context: Context) -> None:
    """List the commands the user may use, with one line each."""
    t = context.t
    roles = await context.services.users.roles(user_id=sender_id(update))
    commands: list[Command] = context.bot_data.get(COMMANDS_KEY, [])
    lines = [f"/{c.name} — {t(c.description)}" for c in visible(commands, roles) if c.in_menu]
    await render.reply(
        update, context, t("help.text", commands="\n".join(lines)), keyboards.main_menu(t)
    )


COMMANDS = [Command("help", "help.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/help and its menu button."""
    return [CommandHandler("help", cmd_help), MessageHandler(MenuButton("menu.help"), cmd_help)]
