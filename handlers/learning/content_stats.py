"""/content_stats: for admins, whether lessons are finished and which quiz questions are hardest."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.services.core import ADMINS
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import require_role

QUESTION_LIMIT = 15


def _percent(rate: float) -> str:
    return f"{rate:.0%}"


@require_role(ADMINS)
async def cmd_content_stats(update: Update, context: Context) -> None:
    """Completion rate per course and share of right answers per question, hardest first."""
    t = context.t
    stats = await context.services.learning.stats(locale=t.locale)
    lines = [t("content_stats.title"), "", t("content_stats.courses")]
    for course in stats.courses:
        lines.append(
            t(
                "content_stats.course",
                title=course.title,
                completed=course.completed,
                learners=course.learners,
                rate=_percent(course.rate),
            )
        )
    lines += ["", t("content_stats.questions")]
    if not stats.questions:
        lines.append(t("content_stats.no_answers"))
    for question in stats.questions[:QUESTION_LIMIT]:
        lines.append(
            t(
                "content_stats.question",
                rate=_percent(question.rate),
                correct=question.correct,
                answers=question.answers,
                course=question.course,
                key=question.key,
                text=question.text,
            )
        )
    await render.reply(update, context, "\n".join(lines))


COMMANDS = [Command("content_stats", "content_stats.command", roles=ADMINS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/content_stats."""
    return [CommandHandler("content_stats", cmd_content_stats)]


FEATURE = Feature(handlers, commands=COMMANDS)
