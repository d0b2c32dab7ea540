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


# The longest label that still shows whole in half the width of a phone's chat (390 px).
HALF_ROW = 7


def by_length(
    items: Sequence[T], button: Callable[[T], Button], half: int = HALF_ROW
) -> list[list[Button]]:
    """Short labels two to a row, a long one alone on its row, so the client never cuts it."""
    rows: list[list[Button]] = []
    for item in items:
        made = button(item)
        last = rows[-1] if rows else None
        if len(made.text) <= half and last and len(last) == 1 and len(last[0].text) <= half:
            last.append(made)
        else:
            rows.append([made])
    return rows


def single(button: Button) -> InlineKeyboardMarkup | None:
    """A keyboard of one button."""
    return inline([[button]])
