"""/learn: the courses with the learner's progress, a course's lessons, and one lesson at a time.

A lesson arrives as one or more messages (split at paragraphs by ``bot.render``), its picture
first when it has one, with Next / Back / Quiz / Remind me later under the last message.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
)

from bot import render
from bot.context import Context, services_of
from bot.edge.scheduler import job_context
from bot.i18n import Html, Translator
from bot.render import Button
from bot.services.core import JobView
from bot.services.learning.learning import REMIND_KIND, CourseView, LessonView
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command, MenuButton
from handlers.learning import quiz
from handlers.learning.buttons import (
    BACK,
    COURSE,
    COURSES,
    DAILY,
    DONE,
    LATER,
    LESSON,
    LESSON_QUIZ,
    NEXT,
    PROGRESS,
    QUIZ_START,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 5
PHOTOS_KEY = "lesson_photos"


def label(template: str, **values: object) -> str:
    """A button text: buttons show plain text, so values are filled in without HTML escaping."""
    return template.format(**values)


async def course_list(
    context: Context, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The course list page: each course with ✅ done/total, paginated."""
    t = context.t
    cards, total = await context.services.learning.courses(
        user_id=user_id, locale=t.locale, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    if not total:
        return t("learn.no_courses"), None
    template = t("learn.course_button")
    rows = [
        [Button(label(template, done=c.done, total=c.total, title=c.title), COURSE.build(c.id))]
        for c in cards
    ]
    nav = keyboards.pager(t, COURSES, page, math.ceil(total / PAGE_SIZE))
    extra = [
        Button(t("learn.progress_button"), PROGRESS.build()),
        Button(t("learn.daily_button"), DAILY.build()),
    ]
    return t("learn.courses"), render.inline([*rows, nav, extra])


def course_page(t: Translator, view: CourseView) -> tuple[str, InlineKeyboardMarkup]:
    """A course's page: description, progress, lessons and the quiz."""
    best = t("learn.best", best=view.best, total=view.questions) if view.best is not None else ""
    text = t(
        "learn.course",
        title=view.title,
        description=view.description,
        done=view.done,
        total=len(view.lessons),
        best=Html(best),
    )
    marks = {True: t("learn.lesson_done"), False: t("learn.lesson_todo")}
    rows = [
        [Button(label(marks[line.done], n=line.position, title=line.title), LESSON.build(line.id))]
        for line in view.lessons
    ]
    if view.questions:
        rows.append(
            [Button(t("learn.quiz_button", count=view.questions), QUIZ_START.build(view.id))]
        )
    rows.append([Button(t("learn.all_courses"), COURSES.build(0))])
    return text, render.inline(rows)


def _lesson_keyboard(t: Translator, view: LessonView) -> InlineKeyboardMarkup:
    forward = (
        Button(t("learn.next"), NEXT.build(view.id))
        if view.next_id
        else Button(t("learn.finish"), DONE.build(view.id))
    )
    second = [Button(t("learn.remind_later"), LATER.build(view.id))]
    if view.has_quiz:
        second.insert(0, Button(t("learn.quiz"), LESSON_QUIZ.build(view.id)))
    return render.inline([[Button(t("learn.back"), BACK.build(view.course_id)), forward], second])


async def send_lesson(
    context: Context, chat_id: int, t: Translator, view: LessonView, intro: str | None = None
) -> None:
    """Send a lesson (its picture first, if any) with the buttons under the last message."""
    header = t(
        "learn.lesson_header",
        title=view.title,
        course=view.course_title,
        n=view.position,
        count=view.count,
    )
    minutes = f" · {t('learn.minutes', minutes=view.minutes)}" if view.minutes else ""
    text = f"{intro}\n\n" if intro else ""
    text += f"{header}{minutes}\n\n{view.html}"
    if view.image is not None and view.image.is_file():
        photos: dict[str, str] = context.bot_data.setdefault(PHOTOS_KEY, {})
        key = f"{view.image}:{view.image.stat().st_mtime_ns}"  # a replaced picture is sent anew
        cached = photos.get(key)
        caption = t("learn.photo_caption", title=view.title)
        sent = await render.send(context, chat_id, caption, photo=cached or view.image.read_bytes())
        if sent is not None and sent.photo_id and cached is None:
            photos[key] = sent.photo_id
    await render.send(context, chat_id, text, _lesson_keyboard(t, view))


async def cmd_learn(update: Update, context: Context) -> None:
    """Show the courses with the learner's progress."""
    text, keyboard = await course_list(context, update.effective_user.id, 0)
    await render.reply(update, context, text, keyboard)


async def btn_learn_courses(update: Update, context: Context) -> None:
    """Another page of the course list (or back to it)."""
    await render.answer(update)
    page = max(COURSES.one(update.callback_query.data), 0)
    text, keyboard = await course_list(context, update.effective_user.id, page)
    await render.edit(update, context, text, keyboard)


async def show_course(
    update: Update, context: Context, course_id: int, *, note: str | None = None, edit: bool = True
) -> None:
    """Answer the button with the course page, or politely when the course is gone."""
    view = await context.services.learning.course(
        user_id=update.effective_user.id, course_id=course_id, locale=context.t.locale
    )
    if view is None:
        await render.answer(update, context.t("learn.gone"), alert=True)
        return
    await render.answer(update, note)
    text, keyboard = course_page(context.t, view)
    if edit:
        await render.edit(update, context, text, keyboard)
    else:
        await render.reply(update, context, text, keyboard)


def _id(update: Update, scheme: Callback) -> int:
    """The id in the button's data."""
    return int(scheme.one(update.callback_query.data))


async def btn_learn_course(update: Update, context: Context) -> None:
    """Open a course in place of the list."""
    await show_course(update, context, _id(update, COURSE))


async def btn_learn_back(update: Update, context: Context) -> None:
    """From a lesson back to its course, below the lesson (which stays readable)."""
    await show_course(update, context, _id(update, BACK), edit=False)


async def _open(update: Update, context: Context, lesson_id: int) -> LessonView | None:
    """The lesson, noted as started; a polite answer when it does not exist (any more)."""
    view = await context.services.learning.open(
        user_id=update.effective_user.id, lesson_id=lesson_id, locale=context.t.locale
    )
    if view is None:
        await render.answer(update, context.t("learn.gone"), alert=True)
    return view


async def _complete(update: Update, context: Context, lesson_id: int) -> str | None:
    """Mark the lesson completed; the toast to show when that earned points."""
    earned = await context.services.progress.complete(
        user_id=update.effective_user.id, lesson_id=lesson_id
    )
    return context.t("learn.completed") if earned else None


async def btn_learn_lesson(update: Update, context: Context) -> None:
    """Open a lesson."""
    view = await _open(update, context, _id(update, LESSON))
    if view is not None:
        await render.answer(update)
        await send_lesson(context, update.effective_chat.id, context.t, view)


async def btn_learn_next(update: Update, context: Context) -> None:
    """Complete this lesson and open the next one."""
    lesson_id = _id(update, NEXT)
    current = await _open(update, context, lesson_id)
    if current is None:
        return
    note = await _complete(update, context, lesson_id)
    following = await context.services.learning.open(
        user_id=update.effective_user.id, lesson_id=current.next_id or 0, locale=context.t.locale
    )
    if following is None:
        await show_course(update, context, current.course_id, note=note, edit=False)
        return
    await render.answer(update, note)
    await send_lesson(context, update.effective_chat.id, context.t, following)


async def btn_learn_done(update: Update, context: Context) -> None:
    """Complete the last lesson of a course and show the course, quiz button included."""
    lesson_id = _id(update, DONE)
    view = await _open(update, context, lesson_id)
    if view is not None:
        note = await _complete(update, context, lesson_id)
        await show_course(update, context, view.course_id, note=note, edit=False)


async def btn_learn_quiz(update: Update, context: Context) -> None:
    """Complete the lesson and start its course's quiz."""
    lesson_id = _id(update, LESSON_QUIZ)
    view = await _open(update, context, lesson_id)
    if view is not None:
        note = await _complete(update, context, lesson_id)
        await quiz.start_quiz(update, context, view.course_id, note=note)


async def btn_learn_later(update: Update, context: Context) -> None:
    """Bring the lesson back in three hours (pressing again moves the reminder, never doubles)."""
    lesson_id, user = _id(update, LATER), context.user
    if await _open(update, context, lesson_id) is None:
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
    view = await services.learning.open(user_id=user_id, lesson_id=lesson_id, locale=t.locale)
    if view is None:
        return
    keyboard = keyboards.single(Button(t("learn.open_lesson"), LESSON.build(lesson_id)))
    text = t("learn.reminder", title=view.title, course=view.course_title)
    await render.send(context, user_id, text, keyboard)


async def sync_content(app: Application) -> None:  # type: ignore[type-arg]
    """Load content/ into the database on start; broken content is logged, the last sync kept."""
    services = services_of(app)
    synced = await services.learning.sync_folder()
    for problem in synced.catalogue.problems:
        level = logging.ERROR if problem.severity == "error" else logging.WARNING
        log.log(level, "content: %s", problem)
    if synced.report is None:
        errors = len(synced.catalogue.errors)
        log.error("content in %s has %d errors; not synced", synced.folder, errors)
    else:
        log.info("content synced from %s: %s", synced.folder, synced.report)
    handler = partial(job_lesson_reminder, app)
    services.scheduler.handle(REMIND_KIND, handler, grace=timedelta(hours=12))


COMMANDS = [Command("learn", "learn.command")]
ON_START = [sync_content]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/learn, its menu button and the browsing buttons."""
    return [
        CommandHandler("learn", cmd_learn),
        MessageHandler(MenuButton("menu.learn"), cmd_learn),
        CallbackQueryHandler(btn_learn_courses, pattern=COURSES.pattern),
        CallbackQueryHandler(btn_learn_course, pattern=COURSE.pattern),
        CallbackQueryHandler(btn_learn_back, pattern=BACK.pattern),
        CallbackQueryHandler(btn_learn_lesson, pattern=LESSON.pattern),
        CallbackQueryHandler(btn_learn_next, pattern=NEXT.pattern),
        CallbackQueryHandler(btn_learn_done, pattern=DONE.pattern),
        CallbackQueryHandler(btn_learn_quiz, pattern=LESSON_QUIZ.pattern),
        CallbackQueryHandler(btn_learn_later, pattern=LATER.pattern),
    ]
