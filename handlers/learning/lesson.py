"""One lesson, part by part: its picture and first part, "Next part ▶", and its buttons at the end.

Each part is a message of its own. A part that is not the last carries only "Next part ▶";
the last carries the lesson's buttons (back, next lesson or finish, quiz, remind me later) and
the one-line source. Where the learner is lives in the database
(:class:`bot.services.learning.lessons.LessonService`), so opening a lesson again goes on at the
part they stopped at.
"""

from __future__ import annotations

import html
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler

from bot import render
from bot.context import Context, services_of
from bot.edge.jobs import job_context
from bot.i18n import Html, Translator, escape
from bot.render import Button
from bot.services.core import JobView
from bot.services.learning.learning import REMIND_KIND
from bot.services.learning.lessons import LessonView, SourceLink
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.features import Feature
from handlers.learning import quiz
from handlers.learning.buttons import (
    AGAIN,
    BACK,
    DONE,
    LATER,
    LESSON,
    LESSON_QUIZ,
    NEXT,
    PART,
)
from handlers.learning.learn import show_course
from handlers.parts import chat_id_of, data_of, sender_id, user_of

PHOTOS_KEY = "lesson_photos"


def _lesson_keyboard(t: Translator, view: LessonView) -> InlineKeyboardMarkup | None:
    """Under a part that is not the last: on to the next; under the last: the lesson's buttons."""
    if not view.last:
        row = [Button(t("learn.next_part"), PART.build(view.id, view.part + 1))]
        if view.resumed:
            row.insert(0, Button(t("learn.from_start"), AGAIN.build(view.id)))
        return render.inline([row])
    forward = (
        Button(t("learn.next"), NEXT.build(view.id))
        if view.next_id
        else Button(t("learn.finish"), DONE.build(view.id))
    )
    second = [Button(t("learn.remind_later"), LATER.build(view.id))]
    if view.has_quiz:
        second.insert(0, Button(t("learn.quiz"), LESSON_QUIZ.build(view.id)))
    return render.inline([[Button(t("learn.back"), BACK.build(view.course_id)), forward], second])


def _source_line(t: Translator, sources: tuple[SourceLink, ...]) -> str:
    """The sources in one line, each title a link where it has an address."""
    links = [
        f'<a href="{html.escape(source.url, quote=True)}">{escape(source.title)}</a>'
        if source.url
        else escape(source.title)
        for source in sources
    ]
    key = "learn.source" if len(links) == 1 else "learn.sources"
    return t(key, sources=Html(t("learn.source_join").join(links)))


def _header(t: Translator, view: LessonView, opened: bool) -> str:
    """The lesson's full header when it is opened; its title and the part when it goes on."""
    part = t("learn.part", part=view.part, parts=view.parts) if view.parts > 1 else ""
    if not opened:
        return t("learn.part_header", title=view.title, part=Html(part))
    header = t(
        "learn.lesson_header",
        title=view.title,
        course=view.course_title,
        n=view.position,
        count=view.count,
    )
    details = [t("learn.minutes", minutes=view.minutes)] if view.minutes else []
    return " · ".join([header, *details, *([part] if part else [])])


def lesson_text(t: Translator, view: LessonView, *, opened: bool, intro: str | None) -> str:
    """The message of one part: intro, header, the part, and the source under the last part."""
    lines = [intro] if intro else []
    if view.resumed:
        lines.append(t("learn.resume", part=view.part, parts=view.parts))
    lines += [_header(t, view, opened), view.html]
    if view.last and view.sources:
        lines.append(_source_line(t, view.sources))
    return "\n\n".join(lines)


async def send_lesson(
    context: Context,
    chat_id: int,
    t: Translator,
    view: LessonView,
    intro: str | None = None,
    *,
    opened: bool = True,
) -> None:
    """Send one part of a lesson (the picture first, with the first part) and its buttons."""
    if view.image is not None and view.image.is_file():
        photos: dict[str, str] = context.bot_data.setdefault(PHOTOS_KEY, {})
        key = f"{view.image}:{view.image.stat().st_mtime_ns}"  # a replaced picture is sent anew
        cached = photos.get(key)
        caption = t("learn.photo_caption", title=view.title)
        await render.send(
            context,
            chat_id,
            caption,
            photo=cached or view.image.read_bytes(),
            photo_seen=None if cached else partial(photos.__setitem__, key),
        )
    text = lesson_text(t, view, opened=opened, intro=intro)
    await render.send(context, chat_id, text, _lesson_keyboard(t, view))


def _id(update: Update, scheme: Callback) -> int:
    """The id in the button's data."""
    return int(scheme.one(data_of(update)))


async def _find(update: Update, context: Context, lesson_id: int) -> LessonView | None:
    """The lesson; a polite answer when it does not exist (any more)."""
    view = await context.services.lessons.find(lesson_id=lesson_id, locale=context.t.locale)
    if view is None:
        await render.answer(update, context.t("learn.gone"), alert=True)
    return view


async def _complete(update: Update, context: Context, lesson_id: int) -> str | None:
    """Mark the lesson completed; the toast to show when that earned points."""
    earned = await context.services.progress.complete(
        user_id=sender_id(update), lesson_id=lesson_id
    )
    return context.t("learn.completed") if earned else None


async def _open(update: Update, context: Context, lesson_id: int, *, from_start: bool) -> None:
    view = await context.services.lessons.open(
        user_id=sender_id(update),
        lesson_id=lesson_id,
        locale=context.t.locale,
        from_start=from_start,
    )
    if view is None:
        await render.answer(update, context.t("learn.gone"), alert=True)
        return
    await render.answer(update)
    await send_lesson(context, chat_id_of(update), context.t, view)


async def btn_learn_lesson(update: Update, context: Context) -> None:
    """Open a lesson at the part the learner stopped at."""
    await _open(update, context, _id(update, LESSON), from_start=False)


async def btn_learn_again(update: Update, context: Context) -> None:
    """Read a lesson the learner came back to from its first part."""
    await _open(update, context, _id(update, AGAIN), from_start=True)


async def btn_learn_part(update: Update, context: Context) -> None:
    """Show the next part; a part already shown is not sent twice (its button is taken off)."""
    lesson_id, part = PART.parse(data_of(update))
    t = context.t
    turn = await context.services.lessons.turn(
        user_id=sender_id(update), lesson_id=lesson_id, part=part, locale=t.locale
    )
    if turn is None:
        await render.answer(update, t("learn.gone"), alert=True)
    elif turn.view is None:
        await render.answer(update, t("learn.part_passed"))
        await render.edit_keyboard(update, context, None)
    else:
        await render.answer(update, t("learn.completed") if turn.completed else None)
        await send_lesson(context, chat_id_of(update), t, turn.view, opened=False)


async def btn_learn_next(update: Update, context: Context) -> None:
    """Complete this lesson and open the next one."""
    lesson_id = _id(update, NEXT)
    current = await _find(update, context, lesson_id)
    if current is None:
        return
    note = await _complete(update, context, lesson_id)
    following = await context.services.lessons.open(
        user_id=sender_id(update), lesson_id=current.next_id or 0, locale=context.t.locale
    )
    if following is None:
        await show_course(update, context, current.course_id, note=note, edit=False)
        return
    await render.answer(update, note)
    await send_lesson(context, chat_id_of(update), context.t, following)


async def btn_learn_done(update: Update, context: Context) -> None:
    """Complete the last lesson of a course and show the course, quiz button included."""
    lesson_id = _id(update, DONE)
    view = await _find(update, context, lesson_id)
    if view is not None:
        note = await _complete(update, context, lesson_id)
        await show_course(update, context, view.course_id, note=note, edit=False)


async def btn_learn_quiz(update: Update, context: Context) -> None:
    """Complete the lesson and start its course's quiz."""
    lesson_id = _id(update, LESSON_QUIZ)
    view = await _find(update, context, lesson_id)
    if view is not None:
        note = await _complete(update, context, lesson_id)
        await quiz.start_quiz(update, context, view.course_id, note=note)


async def btn_learn_later(update: Update, context: Context) -> None:
    """Bring the lesson back in three hours (pressing again moves the reminder, never doubles)."""
    lesson_id, user = _id(update, LATER), user_of(context)
    if await _find(update, context, lesson_id) is None:
        return
    due = await context.services.learning.remind_later(user_id=user.id, lesson_id=lesson_id)
    when = context.t.when(due, ZoneInfo(user.timezone), pattern="HH:mm")
    await render.answer(update, context.t("learn.reminder_set", time=when))


async def job_lesson_reminder(app: Application, job: JobView) -> None:  # type: ignore[type-arg]
    """Time to come back to a lesson: say so, with a button that opens it."""
    context = job_context(app)
    services = context.services
    user_id, lesson_id = int(job.payload["user_id"]), int(job.payload["lesson_id"])
    user = await services.users.find(user_id=user_id)
    if user is None or not user.is_active:
        return
    t = context.translator_for(user.locale)
    view = await services.lessons.find(lesson_id=lesson_id, locale=t.locale)
    if view is None:
        return
    keyboard = keyboards.single(Button(t("learn.open_lesson"), LESSON.build(lesson_id)))
    text = t("learn.reminder", title=view.title, course=view.course_title)
    await render.send(context, user_id, text, keyboard)


async def register_jobs(app: Application) -> None:  # type: ignore[type-arg]
    """Let the scheduler bring lessons back (a reminder over twelve hours late is skipped)."""
    handler = partial(job_lesson_reminder, app)
    services_of(app).scheduler.handle(REMIND_KIND, handler, grace=timedelta(hours=12))


ON_START = [register_jobs]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The buttons of a lesson's parts."""
    return [
        CallbackQueryHandler(btn_learn_lesson, pattern=LESSON.pattern),
        CallbackQueryHandler(btn_learn_again, pattern=AGAIN.pattern),
        CallbackQueryHandler(btn_learn_part, pattern=PART.pattern),
        CallbackQueryHandler(btn_learn_next, pattern=NEXT.pattern),
        CallbackQueryHandler(btn_learn_done, pattern=DONE.pattern),
        CallbackQueryHandler(btn_learn_quiz, pattern=LESSON_QUIZ.pattern),
        CallbackQueryHandler(btn_learn_later, pattern=LATER.pattern),
    ]


FEATURE = Feature(handlers, on_start=ON_START)
