"""Offers of a help request: sent to experts, accepted or declined, widened when nobody answers.

Each round of offers is sent with the request's photos and voice messages; the first to accept
gets it (the service makes that safe), the requester hears who it is, and the escalation job
offers the request to the next experts, then to the admins, when nobody takes it in time.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler

from bot import render
from bot.context import Context, services_of
from bot.edge.jobs import job_context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import JobView
from bot.services.network.help_requests import ESCALATE_KIND, Offered, RequestView
from handlers.callbacks import Callback
from handlers.network.experts import card_text
from handlers.network.help_relay import closing_keyboard
from handlers.parts import data_of, sender_id

ACCEPT = Callback("ask", "acc", int)
DECLINE = Callback("ask", "dec", int)


def offer_text(
    t: Translator, request: RequestView, *, admins: bool = False, no_expert: bool = False
) -> str:
    """A request as an expert (or admin) is offered it: no word of who asked."""
    lines = [
        t(
            "network.offer.title",
            number=request.id,
            field=t(f"network.field.{request.field}") if request.field else "—",
        )
    ]
    if request.rural:
        lines.append(t("network.offer.rural"))
    if request.region:
        lines.append(t("network.offer.region", region=request.region))
    if request.text:
        lines.append(t("network.offer.text", text=request.text))
    if request.media:
        lines.append(t.plural("network.offer.files", len(request.media)))
    if admins:
        key = "network.offer.no_expert" if no_expert else "network.offer.to_admins"
        lines.append(t(key))
    return "\n".join(lines)


async def deliver(context: Context, offered: Offered) -> int:
    """Send the request to everyone it was just offered to; returns how many (all active)."""
    request = offered.request
    for recipient in offered.recipients:
        t = context.translator_for(recipient.locale)
        for kind, file_id in request.media:
            await render.send_file(context, recipient.user_id, kind, file_id)
        keyboard = render.inline(
            [
                [
                    Button(t("network.offer.accept"), ACCEPT.build(request.id)),
                    Button(t("network.offer.decline"), DECLINE.build(request.id)),
                ]
            ]
        )
        await render.send(
            context,
            recipient.user_id,
            offer_text(t, request, admins=offered.to_admins, no_expert=offered.no_expert),
            keyboard,
        )
    return len(offered.recipients)


async def btn_ask_accept(update: Update, context: Context) -> None:
    """Take the request if it is still open; the requester hears who took it."""
    t, user_id = context.t, sender_id(update)
    request_id = ACCEPT.one(data_of(update))
    network = context.services.network
    result = await network.help_requests.accept(request_id=request_id, user_id=user_id)
    if result.outcome != "ok" or result.requester is None or result.request is None:
        await render.answer(update, t(f"network.offer.{result.outcome}"), alert=True)
        return
    await render.answer(update)
    await render.edit(update, context, t("network.offer.yours", number=request_id))
    card = await network.experts.card_of(user_id=user_id)
    other = context.translator_for(result.requester.locale)
    who = card_text(other, card) if card else other("network.help.staff_member")
    text = other("network.help.accepted", number=request_id, card=render.Html(who))
    await render.send(context, result.requester.user_id, text, closing_keyboard(other, request_id))


async def btn_ask_decline(update: Update, context: Context) -> None:
    """Pass on the request; if everyone of the round passed, it moves on at once."""
    await render.answer(update)
    request_id = DECLINE.one(data_of(update))
    if await context.services.network.help_requests.decline(
        request_id=request_id, user_id=sender_id(update)
    ):
        await render.edit(update, context, context.t("network.offer.declined", number=request_id))


async def job_help_escalate(app: Application[Any, Any, Any, Any, Any, Any], job: JobView) -> None:
    """Nobody took the request in time: offer it to the next experts, then to the admins."""
    context = job_context(app)
    services = context.services
    offered = await services.network.help_requests.escalate(
        request_id=int(job.payload["request_id"]), round=int(job.payload["round"])
    )
    if offered is None:
        return
    await deliver(context, offered)
    requester = await services.network.help_requests.requester(request_id=offered.request.id)
    if requester is not None:
        t = context.translator_for(requester.locale)
        key = "network.help.escalated_staff" if offered.to_admins else "network.help.escalated"
        await render.send(context, requester.user_id, t(key, number=offered.request.id))


async def register_jobs(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Let the scheduler run escalations."""
    services = services_of(app)
    services.scheduler.handle(
        ESCALATE_KIND, partial(job_help_escalate, app), grace=timedelta(days=2), always=True
    )


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The answers to offers."""
    return [
        CallbackQueryHandler(btn_ask_accept, pattern=ACCEPT.pattern),
        CallbackQueryHandler(btn_ask_decline, pattern=DECLINE.pattern),
    ]
