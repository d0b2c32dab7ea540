"""Quiz scoring and spaced repetition, against a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from bot.content import load
from bot.models.learning import QuizAnswer, QuizQuestion, ReviewItem
from bot.services import Services
from bot.services.learning.practice import schedule
from bot.services.learning.questions import QuestionView
from bot.services.learning.quizzes import Outcome
from tests.conftest import CONTENT, make_settings

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Services on a fresh database with the shipped content synced and one learner."""
    built = Services.build(make_settings(database_url))
    await built.learning.sync(catalogue=load(CONTENT))
    await built.users.seen(user_id=1, name="Learner")
    yield built
    await built.close()


async def first_course(services: Services) -> int:
    """The id of the first course."""
    return (await services.learning.courses(user_id=1, locale="en"))[0][0].id


async def right(services: Services, question: QuestionView) -> frozenset[int]:
    """The positions of the correct options, as ``question`` shows them."""
    async with services.db.reader() as session:
        row = await session.get(QuizQuestion, question.id)
    assert row is not None
    return frozenset(
        position for position, index in enumerate(question.order) if row.options[index]["correct"]
    )


async def wrong(services: Services, question: QuestionView) -> frozenset[int]:
    """The position of one wrong option, as ``question`` shows them."""
    correct = await right(services, question)
    return frozenset({next(i for i in range(6) if i not in correct)})


async def run_quiz(services: Services, course_id: int, misses: int = 0) -> list[int]:
    """Answer a whole quiz, the first ``misses`` questions wrongly; the question ids in order."""
    question = await services.quizzes.start(user_id=1, course_id=course_id, locale="en")
    asked: list[int] = []
    while question is not None:
        chosen = await (wrong if len(asked) < misses else right)(services, question)
        step = await services.quizzes.answer(
            user_id=1, question_id=question.id, chosen=chosen, locale="en"
        )
        assert step.outcome == Outcome.ANSWERED
        assert step.feedback is not None
        assert step.feedback.correct == (len(asked) >= misses)
        asked.append(question.id)
        question = step.next
        assert (question is None) == (step.score is not None)
    return asked


async def test_full_marks_earn_answer_points_and_a_bonus_once(services: Services) -> None:
    """A right answer earns 2 points and full marks 10 more, once ever, however often retaken."""
    course_id = await first_course(services)
    await run_quiz(services, course_id)
    count = len(load(CONTENT).courses[0].questions)
    assert await services.points.total(user_id=1, reasons=("quiz",)) == 2 * count + 10
    await run_quiz(services, course_id)
    assert await services.points.total(user_id=1, reasons=("quiz",)) == 2 * count + 10
    assert await services.quizzes.best(user_id=1, course_id=course_id) == count


async def test_best_score_is_kept_when_a_retry_is_worse(services: Services) -> None:
    """A worse retry does not lower the best score."""
    course_id = await first_course(services)
    await run_quiz(services, course_id, misses=1)
    await run_quiz(services, course_id, misses=3)
    count = len(load(CONTENT).courses[0].questions)
    assert await services.quizzes.best(user_id=1, course_id=course_id) == count - 1


async def test_partly_right_multiple_choice_counts_as_wrong(services: Services) -> None:
    """Ticking only some of the right options of a multiple-choice question is not right."""
    course_id = await first_course(services)
    question = await services.quizzes.start(user_id=1, course_id=course_id, locale="en")
    while question is not None and not question.multiple:
        step = await services.quizzes.answer(
            user_id=1,
            question_id=question.id,
            chosen=await right(services, question),
            locale="en",
        )
        question = step.next
    assert question is not None
    correct = await right(services, question)
    assert len(correct) > 1
    step = await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=frozenset({min(correct)}), locale="en"
    )
    assert step.feedback is not None
    assert not step.feedback.correct
    assert step.feedback.right == correct


async def test_double_answers_forged_options_and_closed_quizzes(services: Services) -> None:
    """A second answer, an option that does not exist and an unknown quiz change nothing."""
    course_id = await first_course(services)
    question = await services.quizzes.start(user_id=1, course_id=course_id, locale="en")
    assert question is not None
    forged = await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=frozenset({7}), locale="en"
    )
    assert forged.outcome == Outcome.INVALID
    two = await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=frozenset({0, 1}), locale="en"
    )
    assert question.multiple or two.outcome == Outcome.INVALID
    chosen = await right(services, question)
    first = await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=chosen, locale="en"
    )
    again = await services.quizzes.answer(
        user_id=1, question_id=question.id, chosen=chosen, locale="en"
    )
    assert (first.outcome, again.outcome) == (Outcome.ANSWERED, Outcome.ALREADY)
    missing = await services.quizzes.answer(
        user_id=1, question_id=99_999, chosen=frozenset({0}), locale="en"
    )
    assert missing.outcome == Outcome.INVALID
    assert await services.quizzes.start(user_id=1, course_id=99_999, locale="en") is None


async def test_answer_without_an_open_attempt_is_closed(services: Services) -> None:
    """An old question's button after the quiz finished is refused, abandoned attempts or not."""
    course_id = await first_course(services)
    await services.quizzes.start(user_id=1, course_id=course_id, locale="en")
    asked = await run_quiz(services, course_id)
    step = await services.quizzes.answer(
        user_id=1, question_id=asked[0], chosen=frozenset({0}), locale="en"
    )
    assert step.outcome == Outcome.CLOSED


def test_sm2_spaces_right_answers_out_and_restarts_on_a_miss() -> None:
    """Right answers come back after 1, 6, then 12 days; a miss returns it tomorrow."""
    item = ReviewItem(user_id=1, question_id=1, due_at=T0)
    schedule(item, correct=False, now=T0)
    assert (item.due_at - T0, item.lapses, round(item.ease, 2)) == (timedelta(days=1), 1, 1.96)
    intervals = []
    for _ in range(3):
        schedule(item, correct=True, now=T0)
        intervals.append(item.interval_days)
    assert intervals == [1, 6, 12]
    schedule(item, correct=False, now=T0)
    assert (item.interval_days, item.repetitions, item.lapses) == (1, 0, 2)
    assert item.ease >= 1.3


async def test_missed_questions_come_back_for_practice_a_day_later(services: Services) -> None:
    """Two misses are due the next day, practised in turn; both return a day later (SM-2)."""
    with time_machine.travel(T0, tick=False):
        await run_quiz(services, await first_course(services), misses=2)
        assert await services.practice.due(user_id=1) == 0
        assert await services.practice.next(user_id=1, locale="zh") is None
    with time_machine.travel(T0 + timedelta(days=1, minutes=1), tick=False):
        card = await services.practice.next(user_id=1, locale="zh")
        assert card is not None
        assert card.due == 2
        step = await services.practice.answer(
            user_id=1,
            question_id=card.question.id,
            chosen=await right(services, card.question),
            locale="zh",
        )
        assert step is not None
        assert step.feedback.correct
        assert step.next is not None
        assert step.next.due == 1
        last = await services.practice.answer(
            user_id=1,
            question_id=step.next.question.id,
            chosen=await wrong(services, step.next.question),
            locale="zh",
        )
        assert last is not None
        assert not last.feedback.correct
        assert last.next is None
        assert (
            await services.practice.answer(
                user_id=1, question_id=card.question.id, chosen=frozenset({0}), locale="zh"
            )
            is None
        )
    with time_machine.travel(T0 + timedelta(days=1, hours=23), tick=False):
        assert await services.practice.due(user_id=1) == 0
    with time_machine.travel(T0 + timedelta(days=2, minutes=2), tick=False):
        assert await services.practice.due(user_id=1) == 2


async def test_an_answer_keeps_the_order_shown_and_the_files_indices(services: Services) -> None:
    """The saved answer says which options were chosen in the file, and how they were shown."""
    question = await services.quizzes.start(
        user_id=1, course_id=await first_course(services), locale="en"
    )
    assert question is not None
    chosen = await right(services, question)
    await services.quizzes.answer(user_id=1, question_id=question.id, chosen=chosen, locale="en")
    async with services.db.reader() as session:
        saved = (await session.exec(select(QuizAnswer))).one()
        row = await session.get(QuizQuestion, question.id)
    assert row is not None
    assert saved.shown == list(question.order)
    assert saved.choices == sorted(i for i, option in enumerate(row.options) if option["correct"])
    assert saved.correct
    again = await services.quizzes.question(user_id=1, question_id=question.id, locale="en")
    assert again is not None
    assert again.order == question.order
