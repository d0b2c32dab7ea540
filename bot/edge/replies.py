"""Send the Bot API calls a handler made, once its unit of work is committed (or at once).

Each call says which of Telegram's refusals mean it is done anyway (``Call.kind``): an edit
that changes nothing, buttons already gone, an answer to a press too old to answer; a chat that
blocked the bot (403) or is gone is marked unreachable. Anything else is a defect of the bot:
it is logged with the call and the remaining calls are still sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.edge.calls import EngageBot
from bot.unit import Call

log = logging.getLogger(__name__)
Unreachable = Callable[[int], Awaitable[None]]
_DONE_ANYWAY = {
    "answer": ("query is too old", "query id is invalid"),
    "edit": ("message is not modified",),
    "markup": ("message is not modified", "message to edit not found"),
    "menu": ("chat not found",),  # a menu for a chat that never started the bot
}
CANNOT_EDIT = ("message to edit not found", "message can't be edited")


async def perform(bot: Bot, call: Call, unreachable: Unreachable) -> Any:
    """Make one call; ``None`` when Telegram refused it in a way that ends it (see above)."""
    try:
        result = await _send(bot, call)
    except Forbidden as exc:
        if call.chat_id is None or call.kind == "answer":
            raise
        await _gone(call.chat_id, exc, unreachable)
        return None
    except BadRequest as exc:
        text = exc.message.lower()
        if any(reason in text for reason in _DONE_ANYWAY.get(call.kind, ())):
            return None
        if call.kind == "edit" and call.fallback and any(r in text for r in CANNOT_EDIT):
            return await perform_all(bot, call.fallback, unreachable)
        if "chat not found" in text and call.chat_id is not None:
            await _gone(call.chat_id, exc, unreachable)
            return None
        raise
    if call.then is not None:
        call.then(result)
    return result


async def _send(bot: Bot, call: Call) -> Any:
    if not call.files and isinstance(bot, EngageBot):
        return await bot.call(call.method, call.params)
    params = dict(call.params)
    for name, (filename, data) in call.files.items():
        params[name] = InputFile(data, filename=filename)
    return await bot.do_api_request(call.method, api_kwargs=params)


async def perform_all(bot: Bot, calls: Sequence[Call], unreachable: Unreachable) -> Any:
    """Make the calls in order; a failing one is logged and the rest still go out."""
    result = None
    for call in calls:
        try:
            result = await perform(bot, call, unreachable)
        except TelegramError:
            log.exception("%s to %s failed: %s", call.method, call.chat_id, _summary(call))
    return result


async def _gone(chat_id: int, exc: TelegramError, unreachable: Unreachable) -> None:
    """A blocked bot (403) or a chat that is gone (400 chat not found): stop sending there."""
    await unreachable(chat_id)
    log.info("user %s cannot be reached (%s); marked inactive", chat_id, exc.message)


def _summary(call: Call) -> str:
    text = str(call.params.get("text") or call.params.get("caption") or "")
    return f"{text[:80]!r} ({len(text)} characters)"
