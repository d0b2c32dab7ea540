"""Telegram handlers, one module per feature, registered here in one ordered list.

A feature module provides ``handlers()`` (fresh handler objects for one application) and may
provide ``COMMANDS`` (the command menu and /help), ``DEEP_LINKS`` (``/start <prefix>…``
payloads) and ``ON_START`` (coroutines run once the bot is up).
Order matters: within the group, the first handler that matches an update takes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from telegram.ext import Application

from handlers import deeplinks, dispatch, flows
from handlers.broadcasts import announce, broadcasts
from handlers.commands import COMMANDS_KEY, Command
from handlers.core import (
    enterprises,
    fallback,
    help,
    identity,
    language,
    onboarding,
    profile,
    roles,
)
from handlers.dashboard import dashboard, organisers
from handlers.events import admin as event_admin
from handlers.events import events
from handlers.events import new as event_new
from handlers.learning import content_stats, daily, learn, lesson, practice, progress, quiz
from handlers.network import experts, help_relay, help_requests, pairings, reports, studios, teams
from handlers.proposals import admin as proposal_admin
from handlers.proposals import browse, mine, prompts, review, scoring, write
from handlers.reminders import reminders
from handlers.settings import preferences

MODULES: list[ModuleType] = [
    identity,
    write,  # before onboarding: its conversation owns `/start idea_<place>` (QR codes)
    onboarding,
    enterprises,
    profile,
    language,
    help,
    roles,
    organisers,
    dashboard,
    learn,
    lesson,
    quiz,
    practice,
    progress,
    daily,
    content_stats,
    announce,
    broadcasts,
    preferences,
    experts,
    help_requests,
    teams,
    pairings,
    studios,
    reports,
    review,
    scoring,
    prompts,
    mine,
    browse,
    proposal_admin,
    reminders,
    event_new,
    events,
    event_admin,
    help_relay,  # after every feature: passes free messages of a help request on
    fallback,  # last: catches what nothing else understood
]
PRE_GROUP = -3  # identity: who is talking, before anything else
REFUSE_GROUP = -2  # a press without data, a blank text: refused, whatever flow is open
LEAVE_GROUP = -1  # open flows that this update leaves end before the features see it
StartHook = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]


def commands() -> list[Command]:
    """Every command of every feature, in menu order."""
    return [command for module in MODULES for command in getattr(module, "COMMANDS", [])]


def command_names() -> frozenset[str]:
    """The names of every command the bot registers (what a lesson may tell people to send)."""
    return frozenset(command.name for command in commands())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> list[StartHook]:
    """Add every feature's handlers to ``app``; return the hooks to run when it starts."""
    app.bot_data[COMMANDS_KEY] = commands()
    links: dict[str, deeplinks.DeepLink] = {}
    hooks: list[StartHook] = []
    for module in MODULES:
        if hasattr(module, "pre_handlers"):
            app.add_handlers(module.pre_handlers(), group=PRE_GROUP)
        app.add_handlers(module.handlers())
        links.update(getattr(module, "DEEP_LINKS", {}))
        hooks.extend(getattr(module, "ON_START", []))
    app.bot_data[deeplinks.REGISTRY_KEY] = links
    features = app.handlers.pop(0, [])
    app.add_handler(dispatch.Dispatch(features))
    open_flows = [h for h in features if isinstance(h, flows.Flow)]
    app.add_handlers(fallback.refusals(), group=REFUSE_GROUP)
    app.add_handler(flows.Leave(open_flows), group=LEAVE_GROUP)
    return hooks
