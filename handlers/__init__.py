"""Telegram handlers, one module per feature, registered here in one ordered list.

A feature module provides ``handlers()`` (fresh handler objects for one application;
conversations keep per-application state) and may provide ``COMMANDS`` (the command menu
and /help), ``DEEP_LINKS`` (``/start <prefix>…`` payloads), ``RESTORERS`` (conversation
states rebuilt from the database) and ``ON_START`` (coroutines run once the bot is up).
Order matters: within the group, the first handler that matches an update takes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from telegram.ext import Application

from bot.persistence import DatabasePersistence
from bot.services import Services
from handlers import (
    admin,
    announcements,
    asks,
    asks_relay,
    broadcasts,
    content_stats,
    daily,
    deeplinks,
    event_admin,
    event_new,
    events,
    experts,
    fallback,
    help,
    ideas,
    ideas_admin,
    ideas_browse,
    identity,
    language,
    learn,
    myideas,
    onboarding,
    pairings,
    profile,
    progress,
    quiz,
    reminders,
    reports,
    review,
    revision,
    settings,
    studios,
    teams,
)
from handlers.commands import Command

MODULES: list[ModuleType] = [
    identity,
    ideas,  # before onboarding: its conversation owns `/start idea_<place>` (QR codes)
    onboarding,
    profile,
    language,
    help,
    admin,
    learn,
    quiz,
    revision,
    progress,
    daily,
    content_stats,
    announcements,
    broadcasts,
    settings,
    experts,
    asks,
    teams,
    pairings,
    studios,
    reports,
    review,
    myideas,
    ideas_browse,
    ideas_admin,
    reminders,
    event_new,
    events,
    event_admin,
    asks_relay,  # after every feature: passes free messages of a help request on
    fallback,  # last: catches what nothing else understood
]
StartHook = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]


def commands() -> list[Command]:
    """Every command of every feature, in menu order."""
    return [command for module in MODULES for command in getattr(module, "COMMANDS", [])]


def register(app: Application[Any, Any, Any, Any, Any, Any], services: Services) -> list[StartHook]:
    """Add every feature's handlers to ``app``; return the hooks to run when it starts."""
    app.bot_data[help.COMMANDS_KEY] = commands()
    links: dict[str, deeplinks.DeepLink] = {}
    hooks: list[StartHook] = []
    persistence = app.persistence
    for module in MODULES:
        if hasattr(module, "pre_handlers"):
            app.add_handlers(module.pre_handlers(), group=-1)
        app.add_handlers(module.handlers())
        links.update(getattr(module, "DEEP_LINKS", {}))
        hooks.extend(getattr(module, "ON_START", []))
        if isinstance(persistence, DatabasePersistence):
            for name, restorer in getattr(module, "RESTORERS", {}).items():
                persistence.restorers[name] = _bind(restorer, services)
    app.bot_data[deeplinks.REGISTRY_KEY] = links
    return hooks


def _bind(
    restorer: Callable[[Services], Awaitable[Any]], services: Services
) -> Callable[[], Awaitable[Any]]:
    async def restore() -> Any:
        return await restorer(services)

    return restore
