"""Course quizzes: a question at a time, the verdict and explanation at once, the score at the end.

The verdict replaces the question's buttons with "Next question", so the explanation stays on
screen until the learner has read it and asks for the next one (practice does the same, with
:func:`show_verdict` and :func:`move_on`).

Options are listed in the message as A, B, C… and answered with letter buttons. For
multiple-choice questions the buttons tick options on and off (the ticks live in the buttons'
data, so nothing is stored until "Submit"). Practice (``handlers.learning.practice``) draws
questions the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator, escape
from bot.render import Button
from bot.services.learning.questions import Feedback, QuestionView
from bot.services.learning.quizzes import Outcome, QuizScore, QuizStep
from handlers.callbacks import Callback
from handlers.features import Feature
from handlers.learning.buttons import BACK, QUIZ_ANSWER, QUIZ_START, QUIZ_SUBMIT, QUIZ_TOGGLE
from handlers.parts import data_of, sender_id

QUIZ_NEXT = Callback("quiz", "next", int)  # the id of the question to show next
LETTERS = "ABCDEF"
OUTCOME_KEYS = {
    Outcome.ALREADY: "quiz.already",
    Outcome.CLOSED: "quiz.closed",
    Outcome.INVALID: "learn.gone",
}


@dataclass(frozen=True, slots=True)
class Schemes:
    """The three buttons of a question: pick one, tick one, submit the ticks."""

    answer: Callback
    toggle: Callback
    submit: Callback


QUIZ = Schemes(QUIZ_ANSWER, QUIZ_TOGGLE, QUIZ_SUBMIT)


def choices(mask: int) -> frozenset[int]:
    """The options a multiple-choice tick mask selects."""
    return frozenset(index for index in range(len(LETTERS)) if mask >> index & 1)


def question_text(t: Translator, header: str, view: QuestionView) -> str:
    """The question with its lettered options."""
    options = "\n".join(
        f"<b>{LETTERS[i]}.</b> {escape(text)}" for i, text in enumerate(view.options)
    )
    hint = f"\n\n{t('quiz.choose_all')}" if view.multiple else ""
    return f"{header}\n\n{escape(view.text)}\n\n{options}{hint}"


def question_keyboard(
    t: Translator, view: QuestionView, schemes: Schemes, mask: int = 0
) -> InlineKeyboardMarkup | None:
    """Letter buttons; for multiple choice, tick boxes and Submit."""
    letters = LETTERS[: len(view.options)]
    if not view.multiple:
        return render.inline(
            [[Button(letter, schemes.answer.build(view.id, i)) for i, letter in enumerate(letters)]]
        )
    ticks = [
        Button(
            f"{'☑' if mask >> i & 1 else '☐'} {letter}",
            schemes.toggle.build(view.id, mask ^ (1 << i)),
        )
        for i, letter in enumerate(letters)
    ]
    return render.inline([ticks, [Button(t("quiz.submit"), schemes.submit.build(view.id, mask))]])


def feedback_text(t: Translator, header: str, feedback: Feedback) -> str:
    """The answered question with the verdict and the explanation."""
    right = ", ".join(LETTERS[i] for i in sorted(feedback.right))
    verdict = t("quiz.right") if feedback.correct else t("quiz.wrong", answer=right)
    explanation = t("quiz.explanation", text=feedback.explanation)
    return f"{question_text(t, header, feedback.question)}\n\n{verdict}\n{explanation}"


async def show_verdict(
    update: Update, context: Context, head: str, feedback: Feedback, following: str | None
) -> None:
    """Toast right or wrong and turn the question into its verdict and explanation.

    ``following`` is the callback data of "Next question ▶"; without it (nothing follows) the
    verdict has no buttons.
    """
    t = context.t
    await render.answer(
        update, t("quiz.right_toast") if feedback.correct else t("quiz.wrong_toast")
    )
    keyboard = render.inline([[Button(t("quiz.next"), following)]]) if following else None
    await render.edit(update, context, feedback_text(t, head, feedback), keyboard)


async def move_on(
    update: Update, context: Context, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """The learner read the verdict: take "Next question ▶" off it and ask ``text`` below."""
    await render.answer(update)
    await render.edit_keyboard(update, context, None)
    await render.reply(update, context, text, keyboard)


def header(t: Translator, view: QuestionView) -> str:
    """The question's number: “Question 2 of 5”."""
    return t("quiz.header", n=view.number, total=view.total)


def score_message(t: Translator, score: QuizScore) -> tuple[str, InlineKeyboardMarkup | None]:
    """The end of an attempt, with Try again and Back to the course."""
    lines = [t("quiz.score", score=score.score, total=score.total, best=score.best)]
    if score.points:
        lines.append(t.plural("quiz.points", score.points))
    if score.score < score.total:
        lines.append(t("quiz.missed_hint"))
    keyboard = render.inline(
        [
            [
                Button(t("quiz.retry"), QUIZ_START.build(score.course_id)),
                Button(t("quiz.back"), BACK.build(score.course_id)),
            ]
        ]
    )
    return "\n".join(lines), keyboard


async def start_quiz(
    update: Update, context: Context, course_id: int, note: str | None = None
) -> None:
    """Begin a fresh attempt and ask the first question (or say politely there is no quiz)."""
    t = context.t
    view = await context.services.quizzes.start(
        user_id=sender_id(update), course_id=course_id, locale=t.locale
    )
    if view is None:
        await render.answer(update, t("learn.gone"), alert=True)
        return
    await render.answer(update, note)
    await render.reply(
        update, context, question_text(t, header(t, view), view), question_keyboard(t, view, QUIZ)
    )


async def btn_quiz_start(update: Update, context: Context) -> None:
    """Start (or retry) a course's quiz."""
    course_id = QUIZ_START.one(data_of(update))
    await start_quiz(update, context, course_id)


async def _submit(
    update: Update, context: Context, question_id: int, chosen: frozenset[int]
) -> None:
    t = context.t
    step: QuizStep = await context.services.quizzes.answer(
        user_id=sender_id(update), question_id=question_id, chosen=chosen, locale=t.locale
    )
    if step.outcome in OUTCOME_KEYS or step.feedback is None:
        await render.answer(update, t(OUTCOME_KEYS.get(step.outcome, "learn.gone")), alert=True)
        return
    following = QUIZ_NEXT.build(step.next.id) if step.next is not None else None
    await show_verdict(update, context, header(t, step.feedback.question), step.feedback, following)
    if step.next is None and step.score is not None:
        await render.reply(update, context, *score_message(t, step.score))


async def btn_quiz_next(update: Update, context: Context) -> None:
    """The learner has read the explanation: show the next question below it."""
    t = context.t
    view = await context.services.quizzes.question(
        user_id=sender_id(update), question_id=QUIZ_NEXT.one(data_of(update)), locale=t.locale
    )
    if view is None:
        await render.answer(update, t("learn.gone"), alert=True)
        return
    await move_on(
        update, context, question_text(t, header(t, view), view), question_keyboard(t, view, QUIZ)
    )


async def btn_quiz_answer(update: Update, context: Context) -> None:
    """A single-choice answer."""
    question_id, choice = QUIZ_ANSWER.parse(data_of(update))
    await _submit(update, context, question_id, frozenset({choice}))


async def btn_quiz_toggle(update: Update, context: Context) -> None:
    """Tick or untick an option of a multiple-choice question."""
    t = context.t
    question_id, mask = QUIZ_TOGGLE.parse(data_of(update))
    view = await context.services.quizzes.question(
        user_id=sender_id(update), question_id=question_id, locale=t.locale
    )
    if view is None or not 0 <= mask < 1 << len(view.options):
        await render.answer(update, t("learn.gone"), alert=True)
        return
    await render.answer(update)
    await render.edit(
        update,
        context,
        question_text(t, header(t, view), view),
        question_keyboard(t, view, QUIZ, mask),
    )


async def btn_quiz_submit(update: Update, context: Context) -> None:
    """Submit the ticked options of a multiple-choice question."""
    question_id, mask = QUIZ_SUBMIT.parse(data_of(update))
    if mask <= 0:
        await render.answer(update, context.t("quiz.tick_first"), alert=True)
        return
    await _submit(update, context, question_id, choices(mask))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Quiz buttons."""
    return [
        CallbackQueryHandler(btn_quiz_start, pattern=QUIZ_START.pattern),
        CallbackQueryHandler(btn_quiz_answer, pattern=QUIZ_ANSWER.pattern),
        CallbackQueryHandler(btn_quiz_toggle, pattern=QUIZ_TOGGLE.pattern),
        CallbackQueryHandler(btn_quiz_submit, pattern=QUIZ_SUBMIT.pattern),
        CallbackQueryHandler(btn_quiz_next, pattern=QUIZ_NEXT.pattern),
    ]


FEATURE = Feature(handlers)
