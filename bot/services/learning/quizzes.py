"""Course quizzes: one question at a time, immediate feedback, a score at the end, retries allowed.

An attempt row holds the learner's place, so a quiz survives a restart; each answer is a row of
its own (one per question and attempt, so a double tap counts once). Points are given once per
question ever answered right, plus a bonus the first time the whole quiz is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Locale
from bot.db import Database
from bot.models.learning import Course, QuizAnswer, QuizAttempt, QuizQuestion
from bot.models.points import PointsEntry
from bot.services.core import PointsService
from bot.services.learning import questions
from bot.services.learning.practice import PracticeService
from bot.services.learning.questions import Feedback, QuestionView

ANSWER_POINTS = 2
PERFECT_POINTS = 10


class Outcome(StrEnum):
    """What became of an answer."""

    ANSWERED = "answered"
    ALREADY = "already"
    CLOSED = "closed"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class QuizScore:
    """The end of an attempt: its score, the learner's best, and the points it earned."""

    course_id: int
    score: int
    total: int
    best: int
    points: int


@dataclass(frozen=True, slots=True)
class QuizStep:
    """The verdict on an answer and what comes next: another question, or the score."""

    outcome: Outcome
    feedback: Feedback | None = None
    next: QuestionView | None = None
    score: QuizScore | None = None


async def _active_questions(session: AsyncSession, course_id: int) -> Sequence[QuizQuestion]:
    query = (
        select(QuizQuestion)
        .where(QuizQuestion.course_id == course_id, col(QuizQuestion.retired_at).is_(None))
        .order_by(col(QuizQuestion.position), col(QuizQuestion.id))
    )
    return (await session.exec(query)).all()


async def _open_attempt(session: AsyncSession, user_id: int, course_id: int) -> QuizAttempt | None:
    """The learner's latest attempt at the quiz, if still open (an older, abandoned one is not)."""
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id)
        .order_by(col(QuizAttempt.id).desc())
        .limit(1)
    )
    latest = (await session.exec(query)).first()
    return latest if latest is not None and latest.finished_at is None else None


def _seed(attempt: QuizAttempt, row: QuizQuestion) -> str:
    """Options in an order of their own per attempt (and so per learner) and question."""
    return f"quiz:{attempt.id}:{row.id}"


def _numbered(
    row: QuizQuestion, rows: Sequence[QuizQuestion], locale: Locale, attempt: QuizAttempt
) -> QuestionView:
    number = next((i for i, other in enumerate(rows, 1) if other.id == row.id), len(rows))
    return questions.view(row, locale, number=number, total=len(rows), seed=_seed(attempt, row))


class QuizService:
    """Start attempts, grade answers, keep the best score."""

    def __init__(self, db: Database, points: PointsService, review: PracticeService) -> None:
        self._db = db
        self._points = points
        self._review = review

    async def start(self, *, user_id: int, course_id: int, locale: Locale) -> QuestionView | None:
        """Begin a fresh attempt at a course's quiz; ``None`` when the course has no (live) quiz."""
        async with self._db.session() as session:
            course = await session.get(Course, course_id)
            rows = (
                await _active_questions(session, course_id)
                if course and not course.retired_at
                else []
            )
            if not rows:
                return None
            attempt = QuizAttempt(user_id=user_id, course_id=course_id, total=len(rows))
            session.add(attempt)
            await session.flush()
        return _numbered(rows[0], rows, locale, attempt)

    async def question(
        self, *, user_id: int, question_id: int, locale: Locale
    ) -> QuestionView | None:
        """A live question of the open attempt, as numbered and ordered there (for a redraw)."""
        async with self._db.reader() as session:
            row = await session.get(QuizQuestion, question_id)
            if row is None or row.retired_at is not None:
                return None
            attempt = await _open_attempt(session, user_id, row.course_id)
            if attempt is None:
                return None
            rows = await _active_questions(session, row.course_id)
        return _numbered(row, rows, locale, attempt)

    async def answer(
        self, *, user_id: int, question_id: int, chosen: frozenset[int], locale: Locale
    ) -> QuizStep:
        """Grade an answer (positions as shown) in the open attempt; then what comes next."""
        async with self._db.session() as session:
            row = await session.get(QuizQuestion, question_id)
            if row is None or row.retired_at is not None or not questions.valid_choice(row, chosen):
                return QuizStep(Outcome.INVALID)
            attempt = await _open_attempt(session, user_id, row.course_id)
            if attempt is None:
                return QuizStep(Outcome.CLOSED)
            query = select(QuizAnswer.question_id).where(QuizAnswer.attempt_id == attempt.id)
            answered = set((await session.exec(query)).all())
            if question_id in answered:
                return QuizStep(Outcome.ALREADY)
            rows = await _active_questions(session, row.course_id)
            shown = _numbered(row, rows, locale, attempt)
            feedback = questions.feedback(row, shown, chosen, locale)
            session.add(
                QuizAnswer(
                    attempt_id=attempt.id or 0,
                    question_id=question_id,
                    user_id=user_id,
                    choices=shown.sources(chosen),
                    shown=list(shown.order),
                    correct=feedback.correct,
                )
            )
            attempt.score += feedback.correct
            answered.add(question_id)
            following = next((other for other in rows if other.id not in answered), None)
            if following is None:
                attempt.finished_at, attempt.total = utcnow(), len(answered)
            session.add(attempt)
        await self._reward(user_id, row, correct=feedback.correct)
        if following is not None:
            following_view = _numbered(following, rows, locale, attempt)
            return QuizStep(Outcome.ANSWERED, feedback, next=following_view)
        return QuizStep(Outcome.ANSWERED, feedback, score=await self._score(user_id, attempt))

    async def _reward(self, user_id: int, row: QuizQuestion, *, correct: bool) -> None:
        if correct:
            ref = f"{row.course_id}/{row.id}"
            await self._points.award(user_id=user_id, reason="quiz", ref=ref, points=ANSWER_POINTS)
        else:
            await self._review.missed(user_id=user_id, question_id=row.id or 0)

    async def _score(self, user_id: int, attempt: QuizAttempt) -> QuizScore:
        """Close an attempt: the perfect-score bonus (once ever), best score, points it earned."""
        if attempt.score == attempt.total:
            ref = f"{attempt.course_id}/perfect"
            await self._points.award(user_id=user_id, reason="quiz", ref=ref, points=PERFECT_POINTS)
        async with self._db.reader() as session:
            earned = (
                await session.exec(
                    select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                        PointsEntry.user_id == user_id,
                        PointsEntry.reason == "quiz",
                        col(PointsEntry.ref).startswith(f"{attempt.course_id}/"),
                        col(PointsEntry.awarded_at) >= attempt.started_at,
                    )
                )
            ).one()
        best = await self.best(user_id=user_id, course_id=attempt.course_id)
        return QuizScore(
            attempt.course_id, attempt.score, attempt.total, best or attempt.score, int(earned)
        )

    async def best(self, *, user_id: int, course_id: int) -> int | None:
        """The learner's best finished score on a course's quiz."""
        async with self._db.reader() as session:
            return (
                await session.exec(
                    select(func.max(QuizAttempt.score)).where(
                        QuizAttempt.user_id == user_id,
                        QuizAttempt.course_id == course_id,
                        col(QuizAttempt.finished_at).is_not(None),
                    )
                )
            ).one()
