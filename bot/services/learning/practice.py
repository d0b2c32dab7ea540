"""Spaced repetition: questions a learner got wrong come back on an SM-2 schedule until they stick.

A wrong answer (in a quiz or in practice) puts the question on the learner's list, due the next
day; each right answer in practice pushes it further out (1 day, 6 days, then the last interval
times the item's ease), and a wrong one starts it over with a lower ease. Only practice moves an
item: answering the quiz again does not skip the review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import col, select

from bot.clock import utcnow
from bot.config import Locale
from bot.db import Database
from bot.models.base import UTCDateTime, table
from bot.models.learning import QuizQuestion, ReviewItem
from bot.services.learning import questions
from bot.services.learning.questions import Feedback, QuestionView

FIRST_INTERVALS = (1, 6)
MIN_EASE = 1.3
RIGHT_QUALITY, WRONG_QUALITY = 4, 1


@dataclass(frozen=True, slots=True)
class PracticeCard:
    """The next question due for practice, and how many are due in all."""

    question: QuestionView
    due: int


@dataclass(frozen=True, slots=True)
class PracticeStep:
    """The verdict on a practice answer and the next due question, if any."""

    feedback: Feedback
    next: PracticeCard | None


def schedule(item: ReviewItem, *, correct: bool, now: datetime) -> None:
    """Apply one SM-2 step to ``item``: a right answer spaces it out, a wrong one starts it over."""
    quality = RIGHT_QUALITY if correct else WRONG_QUALITY
    item.ease = max(MIN_EASE, item.ease + 0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02))
    if correct:
        item.repetitions += 1
        if item.repetitions <= len(FIRST_INTERVALS):
            item.interval_days = FIRST_INTERVALS[item.repetitions - 1]
        else:
            item.interval_days = round(item.interval_days * item.ease)
    else:
        item.repetitions, item.interval_days = 0, FIRST_INTERVALS[0]
        item.lapses += 1
    item.due_at = now + timedelta(days=item.interval_days)
    item.reviewed_at = now


def _seed(item: ReviewItem) -> str:
    """A new order of the options each time the question comes back."""
    return f"practice:{item.user_id}:{item.question_id}:{item.repetitions}:{item.lapses}"


REVIEWS = table(ReviewItem)
QUESTIONS = table(QuizQuestion)
# How many of a learner's live questions are due at ``now``: built once, as it runs on every
# /progress and /daily (an ORM query costs twice as much to build as to run).
DUE_COUNT = (
    core_select(func.count())
    .select_from(REVIEWS.join(QUESTIONS, QUESTIONS.c.id == REVIEWS.c.question_id))
    .where(
        REVIEWS.c.user_id == bindparam("user_id", type_=BigInteger()),
        REVIEWS.c.due_at <= bindparam("now", type_=UTCDateTime()),
        QUESTIONS.c.retired_at.is_(None),
    )
)


class PracticeService:
    """Keep each learner's review list and run their practice."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def missed(self, *, user_id: int, question_id: int) -> None:
        """A quiz answer was wrong: the question comes back in practice tomorrow."""
        now = utcnow()
        async with self._db.session() as session:
            item = await session.get(ReviewItem, (user_id, question_id))
            if item is None:
                item = ReviewItem(user_id=user_id, question_id=question_id, due_at=now, ease=2.5)
            schedule(item, correct=False, now=now)
            session.add(item)

    async def _due(
        self, user_id: int, now: datetime
    ) -> tuple[tuple[QuizQuestion, ReviewItem] | None, int]:
        async with self._db.reader() as session:
            connection = await session.connection()
            found = await connection.execute(DUE_COUNT, {"user_id": user_id, "now": now})
            count = int(found.scalar_one())
            first = (
                await session.exec(
                    select(QuizQuestion, ReviewItem)
                    .join(ReviewItem, col(ReviewItem.question_id) == QuizQuestion.id)
                    .where(
                        ReviewItem.user_id == user_id,
                        col(ReviewItem.due_at) <= now,
                        col(QuizQuestion.retired_at).is_(None),
                    )
                    .order_by(col(ReviewItem.due_at), col(ReviewItem.question_id))
                    .limit(1)
                )
            ).first()
        return first, int(count)

    async def due(self, *, user_id: int) -> int:
        """How many questions are waiting for practice now."""
        async with self._db.connection() as connection:
            found = await connection.execute(DUE_COUNT, {"user_id": user_id, "now": utcnow()})
            return int(found.scalar_one())

    async def next(self, *, user_id: int, locale: Locale) -> PracticeCard | None:
        """The question to practise now, or ``None`` when nothing is due."""
        first, count = await self._due(user_id, utcnow())
        if first is None:
            return None
        row, item = first
        return PracticeCard(
            questions.view(row, locale, number=1, total=count, seed=_seed(item)), count
        )

    async def answer(
        self, *, user_id: int, question_id: int, chosen: frozenset[int], locale: Locale
    ) -> PracticeStep | None:
        """Grade a practice answer and reschedule it; ``None`` if it is not due (or forged)."""
        now = utcnow()
        async with self._db.session() as session:
            item = await session.get(ReviewItem, (user_id, question_id))
            row = await session.get(QuizQuestion, question_id)
            if (
                item is None
                or row is None
                or item.due_at > now
                or not questions.valid_choice(row, chosen)
            ):
                return None
            shown = questions.view(row, locale, seed=_seed(item))
            feedback = questions.feedback(row, shown, chosen, locale)
            schedule(item, correct=feedback.correct, now=now)
            session.add(item)
        return PracticeStep(feedback, await self.next(user_id=user_id, locale=locale))
