"""What one feature module gives the bot: its handlers, commands, deep links and start-up hooks.

Each feature module ends with ``FEATURE = Feature(handlers, …)``; ``handlers/__init__.py`` lists
the features in the order their handlers are tried. A typed record rather than attributes read
by name: a misspelt ``COMMAND`` is a type error, not a command silently missing from the menu.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, BaseHandler

from handlers.commands import Command
from handlers.deeplinks import DeepLink

Handlers = Callable[[], Sequence[BaseHandler[Any, Any, Any]]]
StartHook = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]


@dataclass(frozen=True)
class Feature:
    """One feature module's part in the bot."""

    handlers: Handlers
    # The command menu and /help, in menu order.
    commands: Sequence[Command] = ()
    # ``/start <prefix>…`` payloads and what opens them.
    deep_links: Mapping[str, DeepLink] = field(default_factory=dict)
    # Run once the bot is up (jobs to register, content to sync).
    on_start: Sequence[StartHook] = ()
    # Handlers that see every update first, in a group of their own (who is talking).
    pre_handlers: Handlers | None = None
