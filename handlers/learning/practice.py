"""/practice: a short daily review of questions the learner got wrong, spaced out over days.

(/review belongs to the proposal reviewers.) Questions are drawn like quiz questions; each answer
reschedules the question. As in a quiz, the verdict and its explanation stay on screen with
"Next question ▶", which brings the next due one, until none is left for today.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.services.learning.practice import PracticeCard
from handlers.commands import Command
from handlers.features import Feature
from handlers.learning.buttons import (
    PRACTICE_ANSWER,
    PRACTICE_NEXT,
    PRACTICE_START,
    PRACTICE_SUBMIT,
    PRACTICE_TOGGLE,
)
from handlers.learning.quiz import (
    Schemes,
    choices,
    move_on,
    question_keyboard,
    question_text,
    show_verdict,
)
from handlers.parts import data_of, sender_id

PRACTICE = Schemes(PRACTICE_ANSWER, PRACTICE_TOGGLE, PRACTICE_SUBMIT)


def _question(t: Translator, card: PracticeCard) -> tuple[str, InlineKeyboardMarkup | None]:
    text = question_text(t, t("practice.header", due=card.due), card.question)
    return text, question_keyboard(t, card.question, PRACTICE)


async def _ask(update: Update, context: Context, card: PracticeCard | None) -> None:
    if card is None:
        await render.reply(update, context, context.t("practice.nothing"))
        return
    await render.reply(update, context, *_question(context.t, card))


async def cmd_practice(update: Update, context: Context) -> None:
    """Ask the first question due for practice, or say that nothing is due."""
    card = await context.services.practice.next(user_id=sender_id(update), locale=context.t.locale)
    await _ask(update, context, card)


async def btn_practice_start(update: Update, context: Context) -> None:
    """The practice button on /progress."""
    await render.answer(update)
    await cmd_practice(update, context)


async def _submit(
    update: Update, context: Context, question_id: int, chosen: frozenset[int]
) -> None:
    t = context.t
    step = await context.services.practice.answer(
        user_id=sender_id(update), question_id=question_id, chosen=chosen, locale=t.locale
    )
    if step is None:
        await render.answer(update, t("practice.not_due"), alert=True)
        return
    following = PRACTICE_NEXT.build() if step.next is not None else None
    await show_verdict(update, context, t("practice.answered"), step.feedback, following)
    if step.next is None:
        await render.reply(update, context, t("practice.done"))


async def btn_practice_next(update: Update, context: Context) -> None:
    """The learner has read the explanation: the next question due, below it."""
    t = context.t
    card = await context.services.practice.next(user_id=sender_id(update), locale=t.locale)
    if card is None:
        await move_on(update, context, t("practice.done"), None)
        return
    await move_on(update, context, *_question(t, card))


async def btn_practice_answer(update: Update, context: Context) -> None:
    """A single-choice practice answer."""
    question_id, choice = PRACTICE_ANSWER.parse(data_of(update))
    await _submit(update, context, question_id, frozenset({choice}))


async def btn_practice_toggle(update: Update, context: Context) -> None:
    """Tick or untick an option of a multiple-choice practice question."""
    t = context.t
    question_id, mask = PRACTICE_TOGGLE.parse(data_of(update))
    card = await context.services.practice.next(user_id=sender_id(update), locale=t.locale)
    if (
        card is None
        or card.question.id != question_id
        or not 0 <= mask < 1 << len(card.question.options)
    ):
        await render.answer(update, t("practice.not_due"), alert=True)
        return
    await render.answer(update)
    text = question_text(t, t("practice.header", due=card.due), card.question)
    await render.edit(update, context, text, question_keyboard(t, card.question, PRACTICE, mask))


async def btn_practice_submit(update: Update, context: Context) -> None:
    """Submit the ticked options of a practice question."""
    question_id, mask = PRACTICE_SUBMIT.parse(data_of(update))
    if mask <= 0:
        await render.answer(update, context.t("quiz.tick_first"), alert=True)
        return
    await _submit(update, context, question_id, choices(mask))


COMMANDS = [Command("practice", "practice.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/practice and its buttons."""
    return [
        CommandHandler("practice", cmd_practice),
        CallbackQueryHandler(btn_practice_start, pattern=PRACTICE_START.pattern),
        CallbackQueryHandler(btn_practice_answer, pattern=PRACTICE_ANSWER.pattern),
        CallbackQueryHandler(btn_practice_toggle, pattern=PRACTICE_TOGGLE.pattern),
        CallbackQueryHandler(btn_practice_submit, pattern=PRACTICE_SUBMIT.pattern),
        CallbackQueryHandler(btn_practice_next, pattern=PRACTICE_NEXT.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
