"""``/start <payload>`` links (QR codes, invitations) routed to the feature that owns the prefix.

Features register a prefix in their module's ``DEEP_LINKS`` (``{"checkin_": cmd_checkin}``);
the rest of the payload is passed on as ``context.args[0]`` minus the prefix.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import Context

DeepLink = Callable[[Update, Context, str], Awaitable[object]]
REGISTRY_KEY = "deep_links"
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def payload_filter(prefix: str) -> str:
    """A regex for ``CommandHandler("start", …, filters=filters.Regex(…))`` entry points."""
    return rf"^/start {re.escape(prefix)}[A-Za-z0-9_-]*$"


async def dispatch(update: Update, context: Context, payload: str) -> bool:
    """Run the handler registered for the payload's prefix; False when none matches."""
    if not PAYLOAD.match(payload):
        return False
    registry: dict[str, DeepLink] = context.bot_data.get(REGISTRY_KEY, {})
    for prefix, handler in registry.items():
        if payload.startswith(prefix):
            await handler(update, context, payload.removeprefix(prefix))
            return True
    return False
