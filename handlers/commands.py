"""Commands each feature offers, the command menu Telegram shows, and reply-keyboard buttons."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Message
from telegram.ext import Application, filters

from bot import render
from bot.config import LOCALES, Locale
from bot.i18n import Catalogs, Translator
from bot.models.users import Role
from bot.services.core import EVERYONE, holds
from bot.unit import Call


@dataclass(frozen=True)
class Command:
    """A slash command: its name, the catalog key of its description, who may use it."""

    name: str
    description: str
    roles: frozenset[Role] = field(default=EVERYONE)
    in_menu: bool = True

    def allowed(self, roles: Iterable[Role]) -> bool:
        """Whether someone holding ``roles`` may use this command."""
        return holds(frozenset(roles), self.roles)


# Where the application keeps every command it registered (for /help and the content check).
COMMANDS_KEY = "commands"

# The menu of a client whose language has no menu of its own.
FALLBACK_MENU: Locale = "en"


@functools.cache
def _catalogs() -> Catalogs:
    return Catalogs()


class MenuButton(filters.MessageFilter):
    """Matches the text of a reply-keyboard button in any language (read lazily, not at import)."""

    def __init__(self, key: str) -> None:
        super().__init__(name=f"MenuButton({key})")
        self.key = key

    def filter(self, message: Message) -> bool:
        """Whether the message is a press of this button."""
        return bool(message.text) and message.text in _catalogs().label_variants(self.key)


def menu_buttons(*, but: str | None = None) -> filters.BaseFilter:
    """Any button of the main menu (but one), for flows that must let a menu press through."""
    from handlers.keyboards import MENU_ROWS

    keys = [key for row in MENU_ROWS for key in row if key != but]
    return functools.reduce(operator.or_, (MenuButton(key) for key in keys))


def visible(commands: Iterable[Command], roles: Iterable[Role]) -> list[Command]:
    """The commands someone with ``roles`` can use, in order."""
    held = set(roles)
    return [c for c in commands if c.allowed(held)]


def as_bot_commands(commands: Iterable[Command], t: Translator) -> list[BotCommand]:
    """The command menu in one language."""
    return [BotCommand(c.name, t(c.description)[:256]) for c in commands if c.in_menu]


async def publish(app: Application, commands: list[Command], catalogs: Catalogs) -> None:  # type: ignore[type-arg]
    """Set the worker's command menu per language (English as the default for other languages)."""
    everyone = visible(commands, {Role.WORKER})
    for locale in LOCALES:
        await app.bot.set_my_commands(
            as_bot_commands(everyone, catalogs.translator(locale)),
            scope=BotCommandScopeDefault(),
            language_code=locale,
        )
    await app.bot.set_my_commands(as_bot_commands(everyone, catalogs.translator(FALLBACK_MENU)))


def shared_menu_locale(language_code: str | None) -> Locale:
    """The language of the menu ``publish`` gives a client set to ``language_code``."""
    base = (language_code or "").split("-")[0].lower()
    return next((locale for locale in LOCALES if locale == base), FALLBACK_MENU)


async def publish_for(
    app: Application,  # type: ignore[type-arg]
    commands: list[Command],
    catalogs: Catalogs,
    *,
    user_id: int,
    roles: Iterable[Role],
    locale: str,
) -> None:
    """Give one chat a menu of its own: the commands its roles allow, in its language."""
    own = as_bot_commands(visible(commands, roles), catalogs.translator(locale))
    params = {
        "commands": [command.to_dict() for command in own],
        "scope": BotCommandScopeChat(user_id).to_dict(),
    }
    await render.submit(app.bot, Call("setMyCommands", params, kind="menu"))
