"""Know who is talking before any feature runs, and notice when someone blocks the bot."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import BaseHandler, ChatMemberHandler, TypeHandler

from bot import unit
from bot.context import Context
from bot.models.users import Role
from handlers.commands import shared_menu_locale
from handlers.core import roles
from handlers.features import Feature
from handlers.parts import MissingPart, user_of

log = logging.getLogger("bot.updates")


def _kind(update: Update) -> str:
    for kind in ("callback_query", "message", "edited_message", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


async def identify(update: Update, context: Context) -> None:
    """Register or recognise the sender so every handler knows their language and their steps.

    The visit is noted on its own (it is no part of what the update changes); the steps of
    the flows they are in go to the update's unit of work, where the flows read them.
    """
    sender = update.effective_user
    log.debug(
        "update %s from user %s: %s", update.update_id, sender.id if sender else "-", _kind(update)
    )
    if sender is None or sender.is_bot or update.my_chat_member is not None:
        return
    work = unit.current()
    with unit.outside():
        context.user = await context.services.users.seen(
            user_id=sender.id,
            name=sender.full_name,
            username=sender.username,
            language_code=sender.language_code,
            known=work.sender if work else None,
        )
    if work is not None:
        work.load_flows(user_of(context).flows)
    if user_of(context).is_new and await _needs_own_menu(context, sender.language_code):
        await roles.refresh_menu(context, sender.id)


async def _needs_own_menu(context: Context, language_code: str | None) -> bool:
    """Whether the shared command menu is wrong for a newcomer.

    A reviewer or admin named before they ever wrote needs their commands; someone the bot
    speaks to in another language than their client's shared menu needs it in theirs.
    """
    if user_of(context).locale != shared_menu_locale(language_code):
        return True
    if not user_of(context).placeholder:  # a row made just now holds no role
        return False
    held = await context.services.users.roles(user_id=user_of(context).id)
    return bool(held - {Role.WORKER})


async def on_my_chat_member(update: Update, context: Context) -> None:
    """A user blocked or unblocked the bot: stop or resume sending to them."""
    change = update.my_chat_member
    if change is None:
        raise MissingPart("no membership change")
    if change.chat.type != "private":
        return
    if change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT):
        await context.services.users.deactivate(user_id=change.from_user.id)
    else:
        await context.services.users.reactivate(user_id=change.from_user.id)


def pre_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Run before every feature, in a group of their own."""
    return [TypeHandler(Update, identify)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Membership changes of the bot in private chats."""
    return [ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)]


FEATURE = Feature(handlers, pre_handlers=pre_handlers)
