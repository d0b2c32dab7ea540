"""/daily: the lesson of the day, pushed at a time the learner picks, in their own timezone.

The choice is a recurring job of the shared scheduler (one row per learner, moved on after each
push), so it survives restarts and runs in exactly one process.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context, services_of
from bot.edge.jobs import job_context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import JobView
from bot.services.learning.progress import DAILY_KIND
from handlers import keyboards
from handlers.commands import Command
from handlers.features import Feature
from handlers.learning.buttons import DAILY, DAILY_OFF, DAILY_SET, PRACTICE_START
from handlers.learning.lesson import send_lesson
from handlers.parts import data_of, sender_id, user_of

TIMES = (700, 800, 1200, 1800, 2000, 2100)


def _clock(hhmm: int) -> str:
    return f"{hhmm // 100:02d}:{hhmm % 100:02d}"


def _menu(t: Translator, daily_at: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    state = t("daily.on", time=daily_at) if daily_at else t("daily.off_state")
    buttons = [Button(_clock(hhmm), DAILY_SET.build(hhmm)) for hhmm in TIMES]
    off = t("daily.turn_off") if daily_at else t("daily.keep_off")
    rows = [buttons[:3], buttons[3:], [Button(off, DAILY_OFF.build())]]
    return t("daily.menu", state=state), render.inline(rows)


async def cmd_daily(update: Update, context: Context) -> None:
    """Show the lesson-of-the-day setting with the times to choose from."""
    preference = await context.services.progress.preference(user_id=sender_id(update))
    await render.reply(update, context, *_menu(context.t, preference.daily_at))


async def btn_daily_menu(update: Update, context: Context) -> None:
    """The lesson-of-the-day button under the course list or /progress."""
    await render.answer(update)
    await cmd_daily(update, context)


async def btn_daily_set(update: Update, context: Context) -> None:
    """Push the next unread lesson every day at the chosen time."""
    t, user = context.t, user_of(context)
    hhmm = DAILY_SET.one(data_of(update))
    if hhmm not in TIMES:
        await render.answer(update, t("learn.gone"), alert=True)
        return
    at = _clock(hhmm)
    due = await context.services.progress.set_daily(user_id=user.id, at=at, timezone=user.timezone)
    first = t.moment(due, ZoneInfo(user.timezone)) if due else ""
    await render.answer(update)
    off = keyboards.single(Button(t("daily.turn_off"), DAILY_OFF.build()))
    await render.edit(update, context, t("daily.saved", time=at, first=first), off)


async def btn_daily_off(update: Update, context: Context) -> None:
    """Stop the lesson of the day."""
    await context.services.progress.set_daily(
        user_id=sender_id(update), at=None, timezone=user_of(context).timezone
    )
    await render.answer(update)
    await render.edit(update, context, context.t("daily.stopped"))


async def job_lesson_of_day(app: Application, job: JobView) -> None:  # type: ignore[type-arg]
    """Push the learner's next unread lesson; when all are read, point at practice if any is due."""
    context = job_context(app)
    services = context.services
    user_id = int(job.payload["user_id"])
    user = await services.users.find(user_id=user_id)
    if user is None or not user.is_active:
        return
    # "Lesson of the day: off" in /settings silences it without losing the chosen time.
    if await services.preferences.mode(user_id=user_id, topic="lessons") == "off":
        return
    t = context.translator_for(user.locale)
    lesson_id = await services.learning.next_unread(user_id=user_id)
    view = (
        await services.lessons.open(user_id=user_id, lesson_id=lesson_id, locale=t.locale)
        if lesson_id
        else None
    )
    if view is not None:
        await send_lesson(context, user_id, t, view, intro=t("daily.intro"))
        return
    due = await services.practice.due(user_id=user_id)
    if due:
        keyboard = keyboards.single(
            Button(t.plural("progress.practice_button", due), PRACTICE_START.build())
        )
        await render.send(context, user_id, t("daily.all_read"), keyboard)


async def register_jobs(app: Application) -> None:  # type: ignore[type-arg]
    """Let the scheduler run lesson-of-the-day pushes (one over two hours late is skipped)."""
    services = services_of(app)
    services.scheduler.handle(DAILY_KIND, partial(job_lesson_of_day, app), grace=timedelta(hours=2))


COMMANDS = [Command("daily", "daily.command")]
ON_START = [register_jobs]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/daily and its buttons."""
    return [
        CommandHandler("daily", cmd_daily),
        CallbackQueryHandler(btn_daily_menu, pattern=DAILY.pattern),
        CallbackQueryHandler(btn_daily_set, pattern=DAILY_SET.pattern),
        CallbackQueryHandler(btn_daily_off, pattern=DAILY_OFF.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS, on_start=ON_START)
