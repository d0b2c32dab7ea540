"""/profile: what the bot knows about you, with buttons to change it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.render import Button
from handlers.callbacks import Callback
from handlers.commands import Command, MenuButton
from handlers.core import language
from handlers.features import Feature
from handlers.parts import sender_id

EDIT = Callback("profile", "edit", str)
FIELDS = ("enterprise", "department", "occupation")


async def show_profile(update: Update, context: Context) -> None:
    """Send the profile card."""
    t = context.t
    profile = await context.services.users.profile(user_id=sender_id(update))
    if profile is None:
        await render.reply(update, context, t("errors.start_first"))
        return
    dash = t("profile.empty")
    roles = ", ".join(t(f"role.{r.value}") for r in sorted(profile.roles) if r != Role.WORKER)
    text = t(
        "profile.card",
        name=profile.name,
        enterprise=profile.enterprise or dash,
        department=profile.department or dash,
        occupation=profile.occupation or dash,
        language=t(f"language.name.{profile.locale}"),
        roles=roles or t("role.worker"),
    )
    keyboard = render.inline(
        [[Button(t(f"profile.edit_{field}"), EDIT.build(field))] for field in FIELDS]
        + [[Button(t("profile.edit_language"), language.MENU.build())]]
    )
    await render.reply(update, context, text, keyboard)


async def cmd_profile(update: Update, context: Context) -> None:
    """Show the user's profile."""
    await show_profile(update, context)


COMMANDS = [Command("profile", "profile.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/profile and its menu button."""
    return [
        CommandHandler("profile", cmd_profile),
        MessageHandler(MenuButton("menu.profile"), cmd_profile),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
