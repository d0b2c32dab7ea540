"""/learn: the courses with the learner's progress and a course's lessons.

A lesson itself, part by part, is ``handlers.learning.lesson``'s. Content is synced from
``content/`` when the bot starts, checked against the commands the bot registers.
"""

from __future__ import annotations

import logging
import math

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
from bot.i18n import N_, Html, Translator
from bot.render import Button
from bot.services.learning.learning import CourseView
from handlers import keyboards
from handlers.commands import COMMANDS_KEY, Command, MenuButton
from handlers.features import Feature
from handlers.learning.buttons import (
    BACK,
    COURSE,
    COURSES,
    DAILY,
    LESSON,
    PROGRESS,
    QUIZ_START,
)
from handlers.parts import data_of, sender_id

log = logging.getLogger(__name__)
PAGE_SIZE = 5


def label(template: str, **values: object) -> str:
    """A button text: buttons show plain text, so values are filled in without HTML escaping."""
    return template.format(**values)


def _course_mark(done: int, total: int) -> str:
    """The key of a course button: ▫️ not started, 📖 in progress, ✅ every lesson finished."""
    if done <= 0:
        return N_("learn.course_new")
    return N_("learn.course_finished") if done >= total else N_("learn.course_started")


async def course_list(
    context: Context, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The course list page: each course marked not started, in progress or finished, paginated."""
    t = context.t
    cards, total = await context.services.learning.courses(
        user_id=user_id, locale=t.locale, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    if not total:
        return t("learn.no_courses"), None
    rows = [
        [
            Button(
                label(t(_course_mark(c.done, c.total)), done=c.done, total=c.total, title=c.title),
                COURSE.build(c.id),
            )
        ]
        for c in cards
    ]
    nav = keyboards.pager(t, COURSES, page, math.ceil(total / PAGE_SIZE))
    extra = [
        Button(t("learn.progress_button"), PROGRESS.build()),
        Button(t("learn.daily_button"), DAILY.build()),
    ]
    return t("learn.courses"), render.inline([*rows, nav, extra])


def course_page(t: Translator, view: CourseView) -> tuple[str, InlineKeyboardMarkup | None]:
    """A course's page: description, progress, lessons and the quiz."""
    best = t("learn.best", best=view.best, total=view.questions) if view.best is not None else ""
    text = t.plural(
        "learn.course",
        len(view.lessons),
        title=view.title,
        description=view.description,
        done=view.done,
        best=Html(best),
    )
    marks = {True: t("learn.lesson_done"), False: t("learn.lesson_todo")}
    rows = [
        [Button(label(marks[line.done], n=line.position, title=line.title), LESSON.build(line.id))]
        for line in view.lessons
    ]
    if view.questions:
        rows.append(
            [Button(t.plural("learn.quiz_button", view.questions), QUIZ_START.build(view.id))]
        )
    rows.append([Button(t("learn.all_courses"), COURSES.build(0))])
    return text, render.inline(rows)


async def cmd_learn(update: Update, context: Context) -> None:
    """Show the courses with the learner's progress."""
    text, keyboard = await course_list(context, sender_id(update), 0)
    await render.reply(update, context, text, keyboard)


async def btn_learn_courses(update: Update, context: Context) -> None:
    """Another page of the course list (or back to it)."""
    await render.answer(update)
    page = max(COURSES.one(data_of(update)), 0)
    text, keyboard = await course_list(context, sender_id(update), page)
    await render.edit(update, context, text, keyboard)


async def show_course(
    update: Update, context: Context, course_id: int, *, note: str | None = None, edit: bool = True
) -> None:
    """Answer the button with the course page, or politely when the course is gone."""
    view = await context.services.learning.course(
        user_id=sender_id(update), course_id=course_id, locale=context.t.locale
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


async def btn_learn_course(update: Update, context: Context) -> None:
    """Open a course in place of the list."""
    await show_course(update, context, int(COURSE.one(data_of(update))))


async def btn_learn_back(update: Update, context: Context) -> None:
    """From a lesson back to its course, below the lesson (which stays readable)."""
    await show_course(update, context, int(BACK.one(data_of(update))), edit=False)


async def sync_content(app: Application) -> None:  # type: ignore[type-arg]
    """Load content/ into the database on start; broken content is logged, the last sync kept."""
    services = services_of(app)
    commands = [command.name for command in app.bot_data.get(COMMANDS_KEY, [])]
    synced = await services.learning.sync_folder(commands=commands)
    for problem in synced.catalogue.problems:
        level = logging.ERROR if problem.severity == "error" else logging.WARNING
        log.log(level, "content: %s", problem)
    if synced.report is None:
        errors = len(synced.catalogue.errors)
        log.error("content in %s has %d errors; not synced", synced.folder, errors)
    else:
        log.info("content synced from %s: %s", synced.folder, synced.report)


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
    ]


FEATURE = Feature(handlers, commands=COMMANDS, on_start=ON_START)
