"""The table of implemented Bot API methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.botstate import BotAccount
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.params import Params

__all__ = ["HANDLERS", "SENDING_METHODS", "Handler", "api_method"]

Handler = Callable[["Emulator", "BotAccount", "Params"], Any]

# Lower-cased method name -> handler. A handler returns the ``result`` value or
# a coroutine producing it (long polling), and raises ApiError to refuse.
HANDLERS: dict[str, Handler] = {}

# Methods that send or edit messages: subject to flood control and injected 429s.
SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvoice",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of Bot API method ``name``."""

    def register(func: Handler) -> Handler:
        HANDLERS[name.lower()] = func
        return func

    return register
