"""/progress: points, streak, lessons per course, and the enterprise and workshop leaderboards.

Anyone can leave the leaderboards with one button (and come back); they keep earning points.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import BoardRow
from bot.services.learning.progress import Boards, ProgressSummary
from handlers.commands import Command
from handlers.features import Feature
from handlers.learning.buttons import DAILY, LEADERBOARD, PRACTICE_START, PROGRESS
from handlers.parts import data_of, sender_id, user_of


def _board(t: Translator, title: str, rows: tuple[BoardRow, ...]) -> list[str]:
    lines = [title]
    if not rows:
        lines.append(t("progress.board_empty"))
    for rank, row in enumerate(rows, 1):
        lines.append(t.plural("progress.board_row", row.points, rank=rank, name=row.name))
    return lines


def _summary_lines(t: Translator, summary: ProgressSummary) -> list[str]:
    lines = [
        t("progress.title"),
        t.plural(
            "progress.stats",
            summary.streak,
            points=summary.points,
            done=summary.done,
            total=summary.total,
        ),
        "",
    ]
    for course in summary.courses:
        line: str = t("progress.course", title=course.title, done=course.done, total=course.total)
        if course.best is not None:
            line += t("progress.course_quiz", best=course.best, total=course.questions)
        lines.append(line)
    return lines


def _board_lines(t: Translator, boards: Boards) -> list[str]:
    if boards.enterprise is None:
        return [t("progress.no_enterprise")]
    lines = _board(
        t, t("progress.board_enterprise", name=boards.enterprise), boards.enterprise_rows
    )
    if boards.department:
        lines += [
            "",
            *_board(
                t, t("progress.board_department", name=boards.department), boards.department_rows
            ),
        ]
    if boards.hidden:
        lines += ["", t("progress.hidden_note")]
    return lines


async def progress_page(context: Context, user_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /progress screen: text and buttons."""
    t, services, user = context.t, context.services, user_of(context)
    page = await services.progress.page(user_id=user_id, locale=t.locale, timezone=user.timezone)
    summary, boards, due = page.summary, page.boards, page.due
    text = "\n".join([*_summary_lines(t, summary), "", *_board_lines(t, boards)])
    rows = []
    if due:
        rows.append([Button(t.plural("progress.practice_button", due), PRACTICE_START.build())])
    toggle = "progress.show_me" if boards.hidden else "progress.hide_me"
    rows.append([Button(t(toggle), LEADERBOARD.build(0 if boards.hidden else 1))])
    rows.append([Button(t("learn.daily_button"), DAILY.build())])
    return text, render.inline(rows)


async def cmd_progress(update: Update, context: Context) -> None:
    """Show the learner's progress and leaderboards."""
    await render.reply(update, context, *await progress_page(context, sender_id(update)))


async def btn_progress_show(update: Update, context: Context) -> None:
    """The progress button under the course list."""
    await render.answer(update)
    await cmd_progress(update, context)


async def btn_progress_board(update: Update, context: Context) -> None:
    """Leave or rejoin the leaderboards."""
    hidden = LEADERBOARD.one(data_of(update)) == 1
    await context.services.progress.set_hidden(user_id=sender_id(update), hidden=hidden)
    toast = context.t("progress.hidden") if hidden else context.t("progress.shown")
    await render.answer(update, toast)
    await render.edit(update, context, *await progress_page(context, sender_id(update)))


COMMANDS = [Command("progress", "progress.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/progress and its buttons."""
    return [
        CommandHandler("progress", cmd_progress),
        CallbackQueryHandler(btn_progress_show, pattern=PROGRESS.pattern),
        CallbackQueryHandler(btn_progress_board, pattern=LEADERBOARD.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
