"""A strict Telegram Bot API emulator with simulated users (see README.md)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.errors import ApiViolation
    from bot.sandbox.models import BotMessage, CallbackAnswer
    from bot.sandbox.users import SimUser

__all__ = ["ApiViolation", "BotMessage", "CallbackAnswer", "Emulator", "SimUser"]

_HOMES = {
    "Emulator": "bot.sandbox.emulator",
    "ApiViolation": "bot.sandbox.errors",
    "BotMessage": "bot.sandbox.models",
    "CallbackAnswer": "bot.sandbox.models",
    "SimUser": "bot.sandbox.users",
}


def __getattr__(name: str) -> Any:
    """Import the public classes on first use (keeps ``python -m bot.sandbox.emulator`` clean)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'bot.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
