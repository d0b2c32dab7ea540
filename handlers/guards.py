"""One permission check for every privileged command, button and message, made on the server.

A modified client can press any button and send any callback data, so the check runs on every
call, not only in the command that showed the button. The role sets are the users service's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.services.core import PermissionDenied
from handlers.parts import sender_id

T = TypeVar("T")
Callback = Callable[[Update, Context], Coroutine[Any, Any, T]]


async def allowed(
    update: Update,
    context: Context,
    any_of: frozenset[Role],
    *,
    refusal: str = "errors.not_allowed",
) -> bool:
    """Whether the sender holds one of ``any_of`` (admins always do); tells them when not.

    A refused button is answered with an alert, so it stops spinning and says why.
    """
    try:
        await context.services.users.require(user_id=sender_id(update), any_of=any_of)
    except PermissionDenied:
        await refuse(update, context, refusal)
        return False
    return True


async def refuse(update: Update, context: Context, refusal: str = "errors.not_allowed") -> None:
    """Say no: an alert on a pressed button (which also stops its spinner), else a message."""
    if update.callback_query:
        await render.answer(update, context.t(refusal), alert=True)
    else:
        await render.reply(update, context, context.t(refusal))


def require_role(
    any_of: frozenset[Role], *, refused: Any = None, refusal: str = "errors.not_allowed"
) -> Callable[[Callback[T]], Callback[T | Any]]:
    """Run the decorated handler only for holders of ``any_of``; return ``refused`` otherwise.

    In a conversation, ``refused=None`` keeps the state and ``ConversationHandler.END`` ends it.
    """

    def decorate(callback: Callback[T]) -> Callback[T | Any]:
        @functools.wraps(callback)
        async def guarded(update: Update, context: Context) -> T | Any:
            if not await allowed(update, context, any_of, refusal=refusal):
                return refused
            return await callback(update, context)

        return guarded

    return decorate
