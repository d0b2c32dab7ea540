"""Keyboard builders shared by features: pure functions of data and a translator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.i18n import Translator
from bot.render import Button, inline, reply_keyboard
from handlers.callbacks import Callback

T = TypeVar("T")
MENU_ROWS = (("menu.learn", "menu.idea"), ("menu.events", "menu.profile"), ("menu.help",))


def main_menu(t: Translator) -> ReplyKeyboardMarkup:
    """The reply keyboard under the input field: the main features, one tap away."""
    return reply_keyboard(
        [[t(key) for key in row] for row in MENU_ROWS], placeholder=t("menu.placeholder")
    )


def pager(t: Translator, scheme: Callback, page: int, pages: int, *prefix: object) -> list[Button]:
    """Previous / position / next buttons for a paginated list (empty when one page)."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(Button(t("common.prev"), scheme.build(*prefix, page - 1)))
    row.append(Button(f"{page + 1}/{pages}", scheme.build(*prefix, page)))
    if page + 1 < pages:
        row.append(Button(t("common.next"), scheme.build(*prefix, page + 1)))
    return row


def grid(items: Sequence[T], button: Callable[[T], Button], columns: int = 2) -> list[list[Button]]:
    """Lay buttons out in rows of ``columns``."""
    buttons = [button(item) for item in items]
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


def single(button: Button) -> InlineKeyboardMarkup | None:
    """A keyboard of one button."""
    return inline([[button]])
