"""/help: what this user can do, a short line per kind of thing, and what their roles add."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.models.users import Role
from bot.services.core import EVERYONE
from handlers import keyboards
from handlers.commands import COMMANDS_KEY, Command, MenuButton, visible
from handlers.features import Feature
from handlers.parts import sender_id

# What a worker does, each with its commands; a command not named here that the person's
# roles allow is listed under "your role" (or "more" when everyone may use it).
GROUPS = (
    ("help.group.learn", ("learn", "daily", "practice", "progress")),
    ("help.group.ideas", ("idea", "myideas", "ideas")),
    ("help.group.events", ("events", "remind", "reminders")),
    ("help.group.network", ("ask", "rural", "requests", "experts", "bases", "studios", "pairs")),
    ("help.group.me", ("profile", "settings", "language")),
)
SAID_IN_TIP = {"help", "cancel"}


def _line(t: Translator, key: str, names: list[str]) -> str:
    return f"{t(key)}  " + " ".join(f"/{name}" for name in names)


def help_lines(t: Translator, commands: list[Command], held: frozenset[Role]) -> list[str]:
    """One line per group of commands the person can use, then their roles' extras."""
    shown = {c.name: c for c in commands if c.in_menu and c.name not in SAID_IN_TIP}
    lines, grouped = [], set()
    for key, names in GROUPS:
        present = [name for name in names if name in shown]
        grouped.update(present)
        if present:
            lines.append(_line(t, key, present))
    rest = [c for name, c in shown.items() if name not in grouped]
    more = [c.name for c in rest if c.roles == EVERYONE]
    if more:
        lines.append(_line(t, "help.group.more", more))
    return lines + _role_lines(t, [c for c in rest if c.roles != EVERYONE], held)


def _role_lines(t: Translator, commands: list[Command], held: frozenset[Role]) -> list[str]:
    """What the person's roles add, one line per role (an admin sees every role's, and theirs)."""
    by_roles: dict[frozenset[Role], list[str]] = {}
    for command in commands:
        roles = command.roles - {Role.ADMIN}
        if Role.ADMIN not in held:
            roles &= held
        by_roles.setdefault(roles, []).append(command.name)
    lines = []
    for roles, names in sorted(by_roles.items(), key=lambda item: not item[0]):
        if not roles:
            lines.append(_line(t, "help.group.admin", names))
            continue
        named = "、".join(t(f"role.{r.value}") for r in Role if r in roles)
        lines.append(f"{t('help.group.role', roles=named)}  " + " ".join(f"/{n}" for n in names))
    return lines


async def cmd_help(update: Update, context: Context) -> None:
    """List what the user may do, grouped, with one line each."""
    t = context.t
    roles = frozenset(await context.services.users.roles(user_id=sender_id(update)))
    commands: list[Command] = context.bot_data.get(COMMANDS_KEY, [])
    lines = help_lines(t, visible(commands, roles), roles)
    await render.reply(
        update, context, t("help.text", commands="\n".join(lines)), keyboards.main_menu(t)
    )


COMMANDS = [Command("help", "help.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/help and its menu button."""
    return [CommandHandler("help", cmd_help), MessageHandler(MenuButton("menu.help"), cmd_help)]


FEATURE = Feature(handlers, commands=COMMANDS)
