"""/newpair and /pairs: enterprise ↔ model-worker service pairs, their check-ins and reminders.

A model worker names the enterprise, the goals and a rhythm; the enterprise's contact joins
through the invitation link. Both sides are reminded to check in by the durable scheduler,
and every check-in reaches the other side and the pair's history.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import render
from bot.context import Context, services_of
from bot.edge.jobs import job_context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import EXPERTS, JobView, qr
from bot.services.network.pairings import CADENCES, REMIND_KIND, PairError, PairView
from handlers import flows
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import data_of, sender_id, sender_of, text_of

CADENCE = Callback("pair", "cad", int)
CHECKIN = Callback("pair", "in", int)
HISTORY = Callback("pair", "his", int)
STATES = {
    "enterprise": "pair_enterprise",
    "goals": "pair_goals",
    "cadence": "pair_cadence",
    "checkin": "pair_checkin",
}


def _pair_line(t: Translator, pair: PairView) -> str:
    return t.plural(
        "network.pair.line",
        pair.cadence_days,
        enterprise=pair.enterprise or "—",
        expert=pair.expert,
        goals=pair.goals or "—",
        joined=t("network.pair.joined") if pair.joined else t("network.pair.waiting"),
    )


def _pair_buttons(t: Translator, pair: PairView) -> list[Button]:
    return [
        Button(t("network.pair.checkin"), CHECKIN.build(pair.id)),
        Button(t("network.pair.history"), HISTORY.build(pair.id)),
    ]


async def cmd_newpair(update: Update, context: Context) -> str | None:
    """A model worker starts a pair: first the enterprise."""
    t = context.t
    if not await context.services.network.experts.is_expert(user_id=sender_id(update)):
        await render.reply(update, context, t("network.pair.experts_only"))
        return None
    await context.services.network.pairings.start(expert_id=sender_id(update))
    await render.reply(update, context, t("network.pair.ask_enterprise"))
    return STATES["enterprise"]


async def msg_pair_enterprise(update: Update, context: Context) -> str | None:
    """Record the enterprise; ask for the goals."""
    try:
        await context.services.network.pairings.name_enterprise(
            expert_id=sender_id(update), name=text_of(update)
        )
    except PairError:
        await render.reply(update, context, context.t("network.pair.bad_enterprise"))
        return None
    await render.reply(update, context, context.t("network.pair.ask_goals"))
    return STATES["goals"]


async def msg_pair_goals(update: Update, context: Context) -> str | None:
    """Record the goals; ask how often to check in."""
    t = context.t
    try:
        await context.services.network.pairings.set_goals(
            expert_id=sender_id(update), goals=text_of(update)
        )
    except PairError:
        await render.reply(update, context, t("network.pair.bad_goals"))
        return None
    row = [Button(t(f"network.pair.every_{days}"), CADENCE.build(days)) for days in CADENCES]
    await render.reply(update, context, t("network.pair.ask_cadence"), render.inline([row]))
    return STATES["cadence"]


async def btn_pair_cadence(update: Update, context: Context) -> int | None:
    """Start the pair and hand over the invitation for the enterprise's contact."""
    await render.answer(update)
    t = context.t
    try:
        pair = await context.services.network.pairings.set_cadence(
            expert_id=sender_id(update), days=CADENCE.one(data_of(update))
        )
    except PairError:
        return None
    await render.edit(update, context, t("network.pair.started") + "\n\n" + _pair_line(t, pair))
    payload = "pair_" + context.services.network.invites.payload("pair", pair.id)
    link = qr.deep_link(context.bot.username, payload)
    await render.reply(
        update,
        context,
        t("network.pair.invitation", enterprise=pair.enterprise or "", link=link),
        photo=qr.qr_png(link),
    )
    return ConversationHandler.END


async def deep_pair(update: Update, context: Context, rest: str) -> None:
    """The enterprise's contact joins the pair through the invitation; the model worker is told."""
    t, network = context.t, context.services.network
    pairing_id = network.invites.check("pair", rest)
    notice = (
        await network.pairings.join(pairing_id=pairing_id, user_id=sender_id(update))
        if pairing_id
        else None
    )
    if notice is None:
        await render.reply(update, context, t("network.invite.invalid"))
        return
    await render.reply(
        update,
        context,
        t("network.pair.welcome") + "\n\n" + _pair_line(t, notice.pair),
        render.inline([_pair_buttons(t, notice.pair)]),
    )
    for recipient in notice.recipients:
        other = context.translator_for(recipient.locale)
        await render.send(
            context,
            recipient.user_id,
            other("network.pair.contact_joined", enterprise=notice.pair.enterprise or ""),
        )


async def cmd_pairs(update: Update, context: Context) -> None:
    """The pairs one is a side of (admins: every pair), with check-in and history buttons."""
    t = context.t
    pairs = await context.services.network.pairings.pairs(user_id=sender_id(update))
    if not pairs:
        await render.reply(update, context, t("network.pair.none"))
        return
    text = t("network.pair.title") + "\n\n" + "\n\n".join(_pair_line(t, p) for p in pairs)
    await render.reply(
        update, context, text, render.inline([_pair_buttons(t, p) for p in pairs[:10]])
    )


async def btn_pair_history(update: Update, context: Context) -> None:
    """A pair's check-ins, oldest first."""
    await render.answer(update)
    t = context.t
    pairing_id = HISTORY.one(data_of(update))
    found = await context.services.network.pairings.history(
        pairing_id=pairing_id, user_id=sender_id(update)
    )
    if found is None:
        await render.reply(update, context, t("network.pair.not_yours"))
        return
    pair, checkins = found
    zone = context.services.settings.zone
    lines = [
        t(
            "network.pair.history_item",
            when=t.when(c.created_at, zone, pattern="short"),
            side=t("network.pair.side_expert")
            if c.by_expert
            else t("network.pair.side_enterprise"),
            author=c.author,
            note=c.note,
        )
        for c in checkins
    ]
    body = "\n\n".join(lines) if lines else t("network.pair.history_empty")
    await render.reply(
        update,
        context,
        t("network.pair.history_title", enterprise=pair.enterprise or "—") + "\n\n" + body,
    )


async def btn_pair_checkin(update: Update, context: Context) -> str | None:
    """Ask for a short note on how the pair's goals are going."""
    await render.answer(update)
    pairing_id = CHECKIN.one(data_of(update))
    pair = await context.services.network.pairings.begin_checkin(
        pairing_id=pairing_id, user_id=sender_id(update)
    )
    if pair is None:
        await render.reply(update, context, context.t("network.pair.not_yours"))
        return None
    await render.reply(
        update,
        context,
        context.t(
            "network.pair.ask_note", enterprise=pair.enterprise or "", goals=pair.goals or "—"
        ),
    )
    return STATES["checkin"]


async def msg_pair_checkin(update: Update, context: Context) -> int | None:
    """Record the check-in and tell the other side."""
    t = context.t
    try:
        notice = await context.services.network.pairings.checkin(
            user_id=sender_id(update), note=text_of(update)
        )
    except PairError:
        await render.reply(update, context, t("network.pair.bad_note"))
        return None
    enterprise = notice.pair.enterprise or ""
    await render.reply(update, context, t("network.pair.checked_in", enterprise=enterprise))
    for recipient in notice.recipients:
        other = context.translator_for(recipient.locale)
        text = other(
            "network.pair.partner_checked_in",
            enterprise=notice.pair.enterprise or "",
            name=sender_of(update).full_name,
            note=text_of(update),
        )
        await render.send(
            context, recipient.user_id, text, render.inline([_pair_buttons(other, notice.pair)])
        )
    return ConversationHandler.END


async def cmd_pair_cancel(update: Update, context: Context) -> int:
    """Stop setting up a pair or writing a check-in."""
    await context.services.network.pairings.abandon(user_id=sender_id(update))
    await render.reply(update, context, context.t("network.pair.cancelled"))
    return ConversationHandler.END


async def job_pair_reminder(app: Application[Any, Any, Any, Any, Any, Any], job: JobView) -> None:
    """Remind both sides of a pair to check in; the next reminder is set by the service."""
    context = job_context(app)
    notice = await context.services.network.pairings.remind(
        pairing_id=int(job.payload["pairing_id"]), due_at=job.due_at
    )
    if notice is None:
        return
    for recipient in notice.recipients:
        t = context.translator_for(recipient.locale)
        text = t(
            "network.pair.reminder",
            enterprise=notice.pair.enterprise or "",
            goals=notice.pair.goals or "—",
        )
        await render.send(
            context, recipient.user_id, text, render.inline([_pair_buttons(t, notice.pair)])
        )


async def register_jobs(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Let the scheduler send check-in reminders."""
    services = services_of(app)
    # always: a reminder the bot was down for is sent late rather than breaking the chain
    services.scheduler.handle(
        REMIND_KIND, partial(job_pair_reminder, app), grace=timedelta(hours=12), always=True
    )


COMMANDS = [
    Command("pairs", "network.pair.command"),
    Command("newpair", "network.pair.newpair_command", roles=EXPERTS),
]
DEEP_LINKS = {"pair_": deep_pair}
ON_START = [register_jobs]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Setting up a pair and checking in (one conversation), /pairs and history."""
    text = filters.TEXT & ~filters.COMMAND
    conversation = flows.conversation(
        entry_points=[
            CommandHandler("newpair", cmd_newpair),
            CallbackQueryHandler(btn_pair_checkin, pattern=CHECKIN.pattern),
        ],
        states={
            STATES["enterprise"]: [MessageHandler(text, msg_pair_enterprise)],
            STATES["goals"]: [MessageHandler(text, msg_pair_goals)],
            STATES["cadence"]: [CallbackQueryHandler(btn_pair_cadence, pattern=CADENCE.pattern)],
            STATES["checkin"]: [MessageHandler(text, msg_pair_checkin)],
        },
        fallbacks=[CommandHandler("cancel", cmd_pair_cancel)],
        name="pairings",
        stop=cmd_pair_cancel,
    )
    return [
        conversation,
        CommandHandler("pairs", cmd_pairs),
        CallbackQueryHandler(btn_pair_history, pattern=HISTORY.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS, deep_links=DEEP_LINKS, on_start=ON_START)
