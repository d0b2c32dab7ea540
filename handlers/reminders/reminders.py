"""/remind and /reminders: personal reminders from a natural phrase, confirmed with a button.

``/remind 明天9点 学习第三课`` shows the time it understood and asks to confirm; ``/remind``
alone asks for the phrase (the question survives a restart). The scheduler job ``reminder``
sends it at the time, with a button to be reminded again ten minutes later.

``/remind 每周五下午4点 交周报`` (or "every Friday at 4pm …") sets a recurring reminder: every
day, every workday (China's holiday calendar), chosen weekdays or a day of the month. Each
occurrence is a ``reminder_repeat`` job that moves the reminder on to the next one; the
message it sends has a button to stop it, and so has ``/reminders``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message, Update
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
from bot.i18n import Html, Translator
from bot.render import Button
from bot.services.core import JobView
from bot.services.reminders.reminders import (
    KIND,
    REPEAT_KIND,
    AlreadySet,
    Firing,
    ReminderNotFound,
    ReminderView,
    TooManyReminders,
)
from bot.text.timeparse import Problem, Repeat, RepeatKind, TimeParseError
from handlers import flows
from handlers.callbacks import Callback
from handlers.commands import Command, menu_buttons
from handlers.features import Feature
from handlers.parts import data_of, query_of, sender_id, text_of, user_of

CONFIRM = Callback("rem", "ok", int)
DISCARD = Callback("rem", "no", int)
CANCEL = Callback("rem", "del", int)
SNOOZE = Callback("rem", "snooze", int)
STOP = Callback("rem", "stop", int)
ASKING = "phrase"
SNOOZE_FOR = timedelta(minutes=10)
LISTED = 10
ANY_MENU = menu_buttons()


def _problem(t: Translator, error: TimeParseError, zone: str) -> str:
    if error.problem == Problem.PAST and error.moment:
        return t("reminders.past", time=t.moment(error.moment, zone))
    return t(f"reminders.{error.problem.value}")


def _describe(t: Translator, repeat: Repeat) -> Html:
    """'每周一、周三 08:30' / 'every Monday, Wednesday at 08:30'."""
    clock = f"{repeat.clock:%H:%M}"
    if repeat.kind == RepeatKind.WEEKLY:
        days = t("reminders.day_joiner").join(t(f"reminders.weekday.{day}") for day in repeat.days)
        return t("reminders.every_week", days=Html(days), clock=clock)
    if repeat.kind == RepeatKind.MONTHLY:
        (day,) = repeat.days
        text = t("reminders.every_month", day=day, clock=clock)
        return Html(text + t("reminders.month_end")) if day > 28 else text
    key = "every_workday" if repeat.kind == RepeatKind.WORKDAYS else "every_day"
    return t(f"reminders.{key}", clock=clock)


def _guessed(t: Translator, views: list[ReminderView], zone: str) -> str:
    """The note that workdays of a year without holiday data are taken as Monday to Friday."""
    years = sorted(
        {view.due_at.astimezone(ZoneInfo(zone)).year for view in views if view.approximate}
    )
    return "\n".join(t("reminders.workdays_guessed", year=year) for year in years)


async def _ask_again(update: Update, context: Context, text: str) -> str:
    await context.services.reminders.ask(user_id=sender_id(update))
    await render.reply(update, context, text)
    return ASKING


async def _understand(update: Update, context: Context, text: str) -> str | int:
    t, user = context.t, user_of(context)
    try:
        draft = await context.services.reminders.understand(
            user_id=user.id, text=text, timezone=user.timezone
        )
    except TimeParseError as error:
        return await _ask_again(update, context, _problem(t, error, user.timezone))
    subject = draft.subject or t("reminders.no_subject")
    moment = t.moment(draft.due_at, user.timezone)
    if draft.repeat:
        repeat = _describe(t, draft.repeat)
        text = t("reminders.understood_repeat", repeat=repeat, time=moment, subject=subject)
    else:
        text = t("reminders.understood", time=moment, subject=subject)
    guessed = _guessed(t, [draft], user.timezone)
    keyboard = render.inline(
        [
            [
                Button(t("common.confirm"), CONFIRM.build(draft.id)),
                Button(t("common.cancel"), DISCARD.build(draft.id)),
            ]
        ]
    )
    await render.reply(update, context, f"{text}\n\n{guessed}" if guessed else text, keyboard)
    return ConversationHandler.END


async def cmd_remind(update: Update, context: Context) -> str | int:
    """Understand '/remind <when> <what>', or ask for it when nothing follows the command."""
    phrase = " ".join(context.args or [])
    if not phrase:
        return await _ask_again(update, context, context.t("reminders.ask"))
    return await _understand(update, context, phrase)


async def msg_reminder_phrase(update: Update, context: Context) -> str | int:
    """The phrase typed after /remind asked for it."""
    return await _understand(update, context, text_of(update))


async def cmd_reminder_stop(update: Update, context: Context) -> int:
    """/cancel while /remind waits for a phrase."""
    await context.services.reminders.stop_asking(user_id=sender_id(update))
    await render.reply(update, context, context.t("reminders.stopped"))
    return ConversationHandler.END


async def btn_reminder_confirm(update: Update, context: Context) -> None:
    """Set the drafted reminder (a second press says it is already set)."""
    t, user = context.t, user_of(context)
    try:
        reminder_id = CONFIRM.one(data_of(update))
        view = await context.services.reminders.confirm(user_id=user.id, reminder_id=reminder_id)
    except ReminderNotFound:
        await render.answer(update, t("reminders.not_found"), alert=True)
        return
    except AlreadySet:
        await render.answer(update, t("reminders.already_set"))
        return
    except TimeParseError as error:
        await render.answer(update)
        await render.edit(update, context, _problem(t, error, user.timezone))
        return
    except TooManyReminders:
        await render.answer(update, t("reminders.too_many"), alert=True)
        return
    await render.answer(update)
    await render.edit(update, context, _set_text(t, view, user.timezone))


def _set_text(t: Translator, view: ReminderView, zone: str) -> str:
    subject = view.subject or t("reminders.no_subject")
    moment = t.moment(view.due_at, zone)
    if view.repeat:
        repeat = _describe(t, view.repeat)
        return t("reminders.set_repeat", repeat=repeat, time=moment, subject=subject)
    return t("reminders.set", time=moment, subject=subject)


def _line(t: Translator, number: int, view: ReminderView, zone: str) -> str:
    time, subject = t.moment(view.due_at, zone), view.subject or "⏰"
    if view.repeat:
        repeat = _describe(t, view.repeat)
        return t("reminders.repeat_line", number=number, repeat=repeat, time=time, subject=subject)
    return t("reminders.line", number=number, time=time, subject=subject)


async def btn_reminder_discard(update: Update, context: Context) -> None:
    """Drop the draft: nothing is set (a draft already confirmed stays set, and says so)."""
    reminder_id = DISCARD.one(data_of(update))
    try:
        await context.services.reminders.discard(
            user_id=user_of(context).id, reminder_id=reminder_id
        )
    except AlreadySet:
        await render.answer(update, context.t("reminders.already_set"), alert=True)
        return
    await render.answer(update)
    await render.edit(update, context, context.t("reminders.discarded"))


async def _list(
    context: Context, user_id: int, zone: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    t, reminders = context.t, context.services.reminders
    upcoming = await reminders.upcoming(user_id=user_id)
    missed = await reminders.missed(user_id=user_id)
    lines = [_line(t, number, r, zone) for number, r in enumerate(upcoming[:LISTED], start=1)]
    text: str = t("reminders.list", lines=Html("\n".join(lines))) if lines else t("reminders.none")
    if guessed := _guessed(t, upcoming[:LISTED], zone):
        text += "\n\n" + guessed
    if len(upcoming) > LISTED:
        text += "\n" + t("reminders.more", count=len(upcoming) - LISTED)
    if missed:
        gone = "\n".join(
            t("reminders.missed_line", time=t.moment(r.due_at, zone), subject=r.subject or "⏰")
            for r in missed
        )
        text += "\n\n" + t("reminders.missed", lines=Html(gone))
    buttons = [
        Button(t("reminders.cancel_button", number=number), CANCEL.build(r.id))
        for number, r in enumerate(upcoming[:LISTED], start=1)
    ]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    return text, render.inline(rows) if rows else None


async def cmd_reminders(update: Update, context: Context) -> None:
    """List the user's reminders, with a button to cancel each."""
    user = user_of(context)
    text, keyboard = await _list(context, user.id, user.timezone)
    await render.reply(update, context, text, keyboard)


async def btn_reminder_cancel(update: Update, context: Context) -> None:
    """Cancel one reminder and show the list again."""
    t, user = context.t, user_of(context)
    reminder_id = CANCEL.one(data_of(update))
    cancelled = await context.services.reminders.cancel(user_id=user.id, reminder_id=reminder_id)
    await render.answer(update, t("reminders.cancelled") if cancelled else t("reminders.gone"))
    text, keyboard = await _list(context, user.id, user.timezone)
    await render.edit(update, context, text, keyboard)


async def btn_reminder_stop(update: Update, context: Context) -> None:
    """Stop a recurring reminder from the message it sent: no more occurrences."""
    t = context.t
    reminder_id = STOP.one(data_of(update))
    stopped = await context.services.reminders.cancel(
        user_id=user_of(context).id, reminder_id=reminder_id
    )
    await render.answer(update, t("reminders.stopped_repeat") if stopped else t("reminders.gone"))
    await render.edit_keyboard(update, context, None)


async def btn_reminder_snooze(update: Update, context: Context) -> None:
    """Remind again in ten minutes."""
    t, user = context.t, user_of(context)
    try:
        reminder_id = SNOOZE.one(data_of(update))
        again = await context.services.reminders.snooze(
            user_id=user.id, reminder_id=reminder_id, delay=SNOOZE_FOR
        )
    except ReminderNotFound:
        await render.answer(update, t("reminders.not_found"), alert=True)
        return
    except TooManyReminders:
        await render.answer(update, t("reminders.too_many"), alert=True)
        return
    note = t("reminders.snoozed", time=t.moment(again.due_at, user.timezone))
    await render.answer(update, note)
    message = query_of(update).message
    fired = message.text_html if isinstance(message, Message) and message.text else ""
    await render.edit(update, context, f"{fired}\n\n{note}".strip())


async def job_reminder(app: Application, job: JobView) -> None:  # type: ignore[type-arg]
    """Time's up: remind the person, in their language, with a snooze button."""
    context = job_context(app)
    firing = await context.services.reminders.firing(reminder_id=int(job.payload["reminder_id"]))
    if firing is not None:
        await _fire(context, firing, job)


async def job_reminder_repeat(app: Application, job: JobView) -> None:  # type: ignore[type-arg]
    """An occurrence of a recurring reminder: move on to the next, then remind (unless late)."""
    context = job_context(app)
    reminders = context.services.reminders
    firing = await reminders.advance(reminder_id=int(job.payload["reminder_id"]), key=job.key)
    if firing is not None and not job.late:
        await _fire(context, firing, job, repeating=True)


async def _fire(context: Context, firing: Firing, job: JobView, *, repeating: bool = False) -> None:
    t = context.translator_for(firing.locale)
    zone = firing.timezone or context.services.settings.timezone
    text = t(
        "reminders.fire",
        subject=firing.subject or t("reminders.no_subject"),
        time=t.moment(job.due_at, zone),
    )
    buttons = [Button(t("reminders.snooze"), SNOOZE.build(firing.reminder_id))]
    if repeating:
        buttons.append(Button(t("reminders.stop_button"), STOP.build(firing.reminder_id)))
    await render.send(context, firing.user_id, text, render.inline([buttons]))


async def register_jobs(app: Application) -> None:  # type: ignore[type-arg]
    """Personal reminders fire within the reminder grace (default an hour), else are missed."""
    services = services_of(app)

    async def prepare(jobs: list[JobView]) -> None:
        ids = [int(job.payload["reminder_id"]) for job in jobs]
        await services.reminders.preload(reminder_ids=ids)

    services.scheduler.handle(KIND, partial(job_reminder, app), prepare=prepare)
    # Every occurrence runs, late or not, so that the next one is always scheduled; one found
    # later than the reminder grace moves on without being sent.
    services.scheduler.handle(REPEAT_KIND, partial(job_reminder_repeat, app), always=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/remind (a persistent one-question conversation), /reminders and the buttons."""
    conversation = flows.conversation(
        entry_points=[CommandHandler("remind", cmd_remind)],
        states={
            ASKING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND & ~ANY_MENU, msg_reminder_phrase)
            ]
        },
        fallbacks=[CommandHandler("cancel", cmd_reminder_stop)],
        name="reminders",
        stop=cmd_reminder_stop,
    )
    return [
        conversation,
        CommandHandler("reminders", cmd_reminders),
        CallbackQueryHandler(btn_reminder_confirm, pattern=CONFIRM.pattern),
        CallbackQueryHandler(btn_reminder_discard, pattern=DISCARD.pattern),
        CallbackQueryHandler(btn_reminder_cancel, pattern=CANCEL.pattern),
        CallbackQueryHandler(btn_reminder_snooze, pattern=SNOOZE.pattern),
        CallbackQueryHandler(btn_reminder_stop, pattern=STOP.pattern),
    ]


COMMANDS = [
    Command("remind", "reminders.remind_command"),
    Command("reminders", "reminders.list_command"),
]
ON_START = [register_jobs]


FEATURE = Feature(handlers, commands=COMMANDS, on_start=ON_START)
