"""Telegram handlers, one module per feature, registered here in one ordered list.

A feature module ends with ``FEATURE = Feature(handlers, commands=…, deep_links=…,
on_start=…)`` (``handlers.features``): ``handlers()`` gives fresh handler objects for one
application; the commands make the menu and /help, the deep links answer ``/start <prefix>…``
payloads, the hooks run once the bot is up.
Order matters: within the group, the first handler that matches an update takes it.
"""

from __future__ import annotations

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
from handlers.features import Feature, StartHook
from handlers.learning import content_stats, daily, learn, lesson, practice, progress, quiz
from handlers.network import experts, help_relay, help_requests, pairings, reports, studios, teams
from handlers.proposals import admin as proposal_admin
from handlers.proposals import browse, mine, prompts, review, scoring, write
from handlers.reminders import reminders
from handlers.settings import preferences

FEATURES: list[Feature] = [
    identity.FEATURE,
    write.FEATURE,  # before onboarding: its conversation owns `/start idea_<place>` (QR codes)
    onboarding.FEATURE,
    enterprises.FEATURE,
    profile.FEATURE,
    language.FEATURE,
    help.FEATURE,
    roles.FEATURE,
    organisers.FEATURE,
    dashboard.FEATURE,
    learn.FEATURE,
    lesson.FEATURE,
    quiz.FEATURE,
    practice.FEATURE,
    progress.FEATURE,
    daily.FEATURE,
    content_stats.FEATURE,
    announce.FEATURE,
    broadcasts.FEATURE,
    preferences.FEATURE,
    experts.FEATURE,
    help_requests.FEATURE,
    teams.FEATURE,
    pairings.FEATURE,
    studios.FEATURE,
    reports.FEATURE,
    review.FEATURE,
    scoring.FEATURE,
    prompts.FEATURE,
    mine.FEATURE,
    browse.FEATURE,
    proposal_admin.FEATURE,
    reminders.FEATURE,
    event_new.FEATURE,
    events.FEATURE,
    event_admin.FEATURE,
    help_relay.FEATURE,  # after every feature: passes free messages of a help request on
    fallback.FEATURE,  # last: catches what nothing else understood
]
PRE_GROUP = -3  # identity: who is talking, before anything else
REFUSE_GROUP = -2  # a press without data, a blank text: refused, whatever flow is open
LEAVE_GROUP = -1  # open flows that this update leaves end before the features see it


def commands() -> list[Command]:
    """Every command of every feature, in menu order."""
    return [command for feature in FEATURES for command in feature.commands]


def command_names() -> frozenset[str]:
    """The names of every command the bot registers (what a lesson may tell people to send)."""
    return frozenset(command.name for command in commands())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> list[StartHook]:
    """Add every feature's handlers to ``app``; return the hooks to run when it starts."""
    app.bot_data[COMMANDS_KEY] = commands()
    links: dict[str, deeplinks.DeepLink] = {}
    hooks: list[StartHook] = []
    for feature in FEATURES:
        if feature.pre_handlers is not None:
            app.add_handlers(feature.pre_handlers(), group=PRE_GROUP)
        app.add_handlers(feature.handlers())
        links.update(feature.deep_links)
        hooks.extend(feature.on_start)
    app.bot_data[deeplinks.REGISTRY_KEY] = links
    features = app.handlers.pop(0, [])
    app.add_handler(dispatch.Dispatch(features))
    open_flows = [h for h in features if isinstance(h, flows.Flow)]
    app.add_handlers(fallback.refusals(), group=REFUSE_GROUP)
    app.add_handler(flows.Leave(open_flows), group=LEAVE_GROUP)
    return hooks
