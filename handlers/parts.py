"""The parts of an update a handler was registered for, as values rather than Optionals.

PTB types every part of an ``Update`` as optional, since an update carries only one kind of
thing. A handler registered for presses always gets a callback query, one for text always a
message with text: these helpers say so once, and raise :class:`MissingPart` (handled like
any other failure, by ``on_error``) if an update ever lacks what its handler was built for.
"""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update, User

from bot.context import Context
from bot.services.core.users import UserView


class MissingPart(LookupError):
    """The update lacks what its handler was registered for (a registration defect)."""


def sender_of(update: Update) -> User:
    """The person the update comes from, as Telegram describes them."""
    if update.effective_user is None:
        raise MissingPart("no sender")
    return update.effective_user


def sender_id(update: Update) -> int:
    """The id of the person the update comes from."""
    return sender_of(update).id


def chat_id_of(update: Update) -> int:
    """The id of the chat the update happened in."""
    if update.effective_chat is None:
        raise MissingPart("no chat")
    return update.effective_chat.id


def query_of(update: Update) -> CallbackQuery:
    """The press a button handler answers."""
    if update.callback_query is None:
        raise MissingPart("no callback query")
    return update.callback_query


def data_of(update: Update) -> str:
    """The data of the press (its scheme already matched it)."""
    data = query_of(update).data
    if data is None:
        raise MissingPart("no callback data")
    return data


def message_of(update: Update) -> Message:
    """The message a message handler reads."""
    if update.message is None:
        raise MissingPart("no message")
    return update.message


def text_of(update: Update) -> str:
    """The text of the message (a text filter matched it)."""
    text = message_of(update).text
    if text is None:
        raise MissingPart("no text")
    return text


def user_of(context: Context) -> UserView:
    """The person as the bot knows them (identity loads them before any feature runs)."""
    if context.user is None:
        raise MissingPart("no user")
    return context.user
