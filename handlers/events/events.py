"""/events: upcoming events; each card has Going / Maybe / Not going, a reminder, a calendar file.

Someone promoted from the waitlist is told at once. Scanning the organiser's QR code opens
``/start checkin_<token>`` and checks the person in, once. Attendees are reminded 24 hours and
1 hour before (per event) by the scheduler job ``event_reminder``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
)

from bot import render
from bot.clock import utcnow
from bot.context import Context, services_of
from bot.edge.jobs import job_context
from bot.i18n import Html
from bot.models.events import Answer
from bot.models.users import Role
from bot.render import Button
from bot.services.core import JobView
from bot.services.events.ics import event_file
from bot.services.events.views import (
    ANNOUNCE_KIND,
    REMINDER_KIND,
    CheckInOutcome,
    EventClosed,
    EventNotFound,
    RsvpResult,
)
from bot.services.reminders import TooManyReminders
from handlers.callbacks import Callback
from handlers.commands import Command, MenuButton
from handlers.events import admin
from handlers.events.cards import (
    OPEN,
    RSVP,
    announce,
    card_text,
    remind_attendees,
    rsvp_row,
    started,
)
from handlers.features import Feature
from handlers.parts import chat_id_of, data_of, query_of, user_of

REMIND = Callback("ev", "remind", int)
ICS = Callback("ev", "ics", int)
REMIND_BEFORE = timedelta(hours=1)


async def cmd_events(update: Update, context: Context) -> None:
    """List the upcoming events this person is invited to."""
    t, user = context.t, user_of(context)
    found = await context.services.events.upcoming(user_id=user.id)
    if not found:
        await render.reply(update, context, t("events.none"))
        return
    lines = [
        t("events.line", time=t.moment(event.starts_at, user.timezone), title=event.title)
        for event in found
    ]
    rows = [[Button(event.title[:40], OPEN.build(event.id))] for event in found]
    text = t("events.list", lines=Html("\n".join(lines)))
    await render.reply(update, context, text, render.inline(rows))


async def show_card(update: Update, context: Context, event_id: int, *, fresh: bool) -> None:
    """The event card with the reader's answer and the buttons they may use."""
    t, user = context.t, user_of(context)
    card = await context.services.events.card(event_id=event_id, user_id=user.id)
    if card is None:
        await render.reply(update, context, t("events.gone"))
        return
    rows = [] if started(card.event, utcnow()) else [rsvp_row(t, event_id)]
    rows.append(
        [
            Button(t("events.button.remind"), REMIND.build(event_id)),
            Button(t("events.button.calendar"), ICS.build(event_id)),
        ]
    )
    if Role.ADMIN in await context.services.users.roles(user_id=user.id):
        rows.extend(admin.organiser_rows(t, event_id))
    text = card_text(t, card.event, user.timezone, card=card)
    await (render.reply if fresh else render.edit)(update, context, text, render.inline(rows))


def _event_id(update: Update, scheme: Callback) -> int | None:
    value: int = scheme.parse(data_of(update))[0]
    return value


async def btn_event_open(update: Update, context: Context) -> None:
    """Open an event's card as a new message (the list or announcement stays)."""
    await render.answer(update)
    event_id = _event_id(update, OPEN)
    if event_id is not None:
        await show_card(update, context, event_id, fresh=True)


async def btn_event_rsvp(update: Update, context: Context) -> None:
    """Record the answer, redraw the card and tell anyone promoted from the waitlist."""
    t = context.t
    try:
        event_id, raw = RSVP.parse(data_of(update))
        answer = Answer(raw)
        if answer == Answer.WAITLISTED:  # the server puts people on the waitlist, not a button
            raise ValueError(raw)
        result = await context.services.events.respond(
            event_id=event_id, user_id=user_of(context).id, answer=answer
        )
    except (ValueError, EventNotFound):
        await render.answer(update, t("events.gone"), alert=True)
        return
    except EventClosed:
        await render.answer(update, t("events.closed"), alert=True)
        return
    await render.answer(update, _answered(context, result))
    await show_card(update, context, event_id, fresh=_on_announcement(update))
    await _tell_promoted(context, result)


def _on_announcement(update: Update) -> bool:
    """An announcement is the broadcast's message: answer with a fresh card, keep it intact."""
    message = query_of(update).message
    keyboard = getattr(message, "reply_markup", None)
    buttons = [
        b.callback_data for row in (keyboard.inline_keyboard if keyboard else ()) for b in row
    ]
    return not any(isinstance(data, str) and data.startswith(REMIND.prefix) for data in buttons)


def _answered(context: Context, result: RsvpResult) -> str:
    t = context.t
    if result.answer == Answer.WAITLISTED:
        return t("events.waitlisted", position=result.position or 1)
    return t(f"events.answered.{result.answer.value}")


async def _tell_promoted(context: Context, result: RsvpResult) -> None:
    for person in result.promoted:
        t = context.translator_for(person.locale)
        zone = context.services.settings.timezone
        text = t(
            "events.promoted",
            title=result.event.title,
            time=t.moment(result.event.starts_at, zone),
        )
        keyboard = render.inline(
            [[Button(t("events.button.details"), OPEN.build(result.event.id))]]
        )
        await render.send(context, person.user_id, text, keyboard)


async def btn_event_remind(update: Update, context: Context) -> None:
    """A personal reminder an hour before the event (pressing again keeps one)."""
    t, user = context.t, user_of(context)
    event_id = _event_id(update, REMIND)
    event = await context.services.events.find(event_id=event_id) if event_id else None
    if event is None:
        await render.answer(update, t("events.gone"), alert=True)
        return
    at = event.starts_at - REMIND_BEFORE
    if at <= utcnow():
        await render.answer(update, t("events.starting_soon"), alert=True)
        return
    try:
        await context.services.reminders.remind(
            user_id=user.id, subject=event.title, at=at, source="event", ref=str(event.id)
        )
    except TooManyReminders:
        await render.answer(update, t("reminders.too_many"), alert=True)
        return
    await render.answer(
        update, t("events.remind_set", time=t.moment(at, user.timezone)), alert=True
    )


async def btn_event_ics(update: Update, context: Context) -> None:
    """Send the event as an .ics file for the phone's calendar."""
    event_id = _event_id(update, ICS)
    event = await context.services.events.find(event_id=event_id) if event_id else None
    if event is None:
        await render.answer(update, context.t("events.gone"), alert=True)
        return
    await render.answer(update)
    data = event_file(
        uid=f"event-{event.id}@{context.bot.username}",
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        description=event.description,
        stamp=utcnow(),
    )
    await render.send_document(
        context,
        chat_id_of(update),
        data,
        f"event-{event.id}.ics",
        context.t("events.ics_caption", title=event.title),
    )


async def deep_checkin(update: Update, context: Context, token: str) -> None:
    """``/start checkin_<token>``: check the person in, once."""
    t, user = context.t, user_of(context)
    result = await context.services.events.check_in(token=token, user_id=user.id)
    title = result.event.title if result.event else ""
    moment = t.moment(result.at, user.timezone) if result.at else ""
    if result.outcome == CheckInOutcome.NOT_OPEN and result.event:
        moment = t.moment(result.event.starts_at - timedelta(hours=2), user.timezone)
    text = t(f"events.checkin.{result.outcome.value}", title=title, time=moment)
    await render.reply(update, context, text)


async def job_event_reminder(app: Application, job: JobView) -> None:  # type: ignore[type-arg]
    """24 h / 1 h before: remind everyone going (skipped if the event is gone or has begun)."""
    services = job_context(app).services
    event = await services.events.find(event_id=int(job.payload["event_id"]))
    if event is None or started(event, utcnow()):
        return
    await remind_attendees(services, event, minutes=int(job.payload["minutes"]))


async def job_event_announce(app: Application, job: JobView) -> None:  # type: ignore[type-arg]
    """An event published from the command line: announce it to its audience now."""
    services = job_context(app).services
    event = await services.events.find(event_id=int(job.payload["event_id"]))
    if event is not None and not started(event, utcnow()):
        await announce(services, event, created_by=None)


async def register_jobs(app: Application) -> None:  # type: ignore[type-arg]
    """Attendee reminders (one job per event and lead time) and announcements asked for."""
    services = services_of(app)
    services.scheduler.handle(REMINDER_KIND, partial(job_event_reminder, app))
    services.scheduler.handle(ANNOUNCE_KIND, partial(job_event_announce, app))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/events, its menu button, and the card's buttons."""
    return [
        CommandHandler("events", cmd_events),
        MessageHandler(MenuButton("menu.events"), cmd_events),
        CallbackQueryHandler(btn_event_open, pattern=OPEN.pattern),
        CallbackQueryHandler(btn_event_rsvp, pattern=RSVP.pattern),
        CallbackQueryHandler(btn_event_remind, pattern=REMIND.pattern),
        CallbackQueryHandler(btn_event_ics, pattern=ICS.pattern),
    ]


COMMANDS = [Command("events", "events.command")]
DEEP_LINKS = {"checkin_": deep_checkin}
ON_START = [register_jobs]


FEATURE = Feature(handlers, commands=COMMANDS, deep_links=DEEP_LINKS, on_start=ON_START)
