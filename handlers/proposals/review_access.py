"""Who may press a reviewer's button: checked on the server at every press."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot import render
from bot.context import Context
from bot.services.core import PermissionDenied
from handlers.callbacks import Callback
from handlers.guards import refuse
from handlers.parts import data_of, sender_id

ANY = "any"
PENDING, ACCEPTED = "p", "a"


async def allowed(update: Update, context: Context) -> bool:
    """Whether the presser may review at all; answers the refusal when not."""
    try:
        await context.services.proposal_reviews.scope(user_id=sender_id(update))
    except PermissionDenied:
        await refuse(update, context)
        return False
    return True


async def pressed(update: Update, context: Context, scheme: Callback) -> tuple[Any, ...] | None:
    """A reviewer's button: permission checked, data parsed, the query answered."""
    if not await allowed(update, context):
        return None
    await render.answer(update)
    return scheme.parse(data_of(update))
