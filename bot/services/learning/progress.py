"""A learner's progress: lessons completed, points, streak, leaderboards and preferences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Locale
from bot.db import Database
from bot.models.learning import (
    LearningPreference,
    Lesson,
    LessonProgress,
    QuizAttempt,
)
from bot.models.users import Enterprise, User
from bot.services.core import BoardRow, PointsService, SchedulerService
from bot.services.learning.catalog import Catalog

LESSON_POINTS = 10
LEARNING_REASONS = ("lesson", "quiz")
BOARD_SIZE = 5


def streak(days: set[date], today: date) -> int:
    """Days in a row with a completed lesson, ending today (or yesterday, while today is open)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


DAILY_KIND = "lesson_of_day"


def daily_key(user_id: int) -> str:
    """The one scheduler row of a learner's lesson of the day."""
    return f"lesson_of_day:{user_id}"


@dataclass(frozen=True, slots=True)
class Preference:
    """A learner's choices: the lesson-of-the-day time (``HH:MM``) and leaving the leaderboards."""

    daily_at: str | None
    hidden: bool


@dataclass(frozen=True, slots=True)
class CourseProgress:
    """One course in /progress."""

    title: str
    done: int
    total: int
    best: int | None
    questions: int


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    """Everything /progress shows about the learner themself."""

    points: int
    streak: int
    done: int
    total: int
    courses: tuple[CourseProgress, ...]
    daily_at: str | None
    hidden: bool


@dataclass(frozen=True, slots=True)
class Boards:
    """The learner's enterprise and workshop leaderboards (empty when they belong to neither)."""

    enterprise: str | None
    enterprise_rows: tuple[BoardRow, ...]
    department: str | None
    department_rows: tuple[BoardRow, ...]
    hidden: bool


class ProgressService:
    """Complete lessons, summarise progress, rank learners and keep their choices."""

    def __init__(
        self, db: Database, points: PointsService, scheduler: SchedulerService, catalog: Catalog
    ) -> None:
        self._db = db
        self._points = points
        self._scheduler = scheduler
        self._catalog = catalog

    async def complete(self, *, user_id: int, lesson_id: int) -> bool:
        """Mark a lesson completed and award its points once; False if already done or unknown."""
        now = utcnow()
        async with self._db.session() as session:
            lesson = await session.get(Lesson, lesson_id)
            if lesson is None:
                return False
            progress = await session.get(LessonProgress, (user_id, lesson_id))
            if progress is not None and progress.completed_at is not None:
                return False
            progress = progress or LessonProgress(
                user_id=user_id, lesson_id=lesson_id, started_at=now
            )
            progress.completed_at = now
            session.add(progress)
        ref = f"{lesson.course_id}/{lesson_id}"
        await self._points.award(user_id=user_id, reason="lesson", ref=ref, points=LESSON_POINTS)
        return True

    async def preference(self, *, user_id: int) -> Preference:
        """The learner's lesson-of-the-day time and leaderboard choice."""
        async with self._db.reader() as session:
            found = await session.get(LearningPreference, user_id)
        return (
            Preference(found.daily_at, found.leaderboard_hidden)
            if found
            else Preference(None, False)
        )

    async def summary(self, *, user_id: int, locale: Locale, timezone: str) -> ProgressSummary:
        """Points, streak and per-course progress of one learner."""
        courses = (await self._catalog.current()).courses
        async with self._db.reader() as session:
            completed = (
                await session.exec(
                    select(LessonProgress.completed_at, Lesson.course_id, Lesson.retired_at)
                    .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
                    .where(
                        LessonProgress.user_id == user_id,
                        col(LessonProgress.completed_at).is_not(None),
                    )
                )
            ).all()
            best = await self._best_scores(session, user_id)
            preference = await session.get(LearningPreference, user_id)
            points = await self._points.total_in(session, user_id=user_id, reasons=LEARNING_REASONS)
        zone = ZoneInfo(timezone)
        days = {moment.astimezone(zone).date() for moment, _, _ in completed if moment}
        done = Counter(course_id for _, course_id, retired in completed if retired is None)
        lines = tuple(
            CourseProgress(
                title=course.title_zh if locale == "zh" else course.title_en,
                done=done[course.id],
                total=len(course.lessons),
                best=best.get(course.id),
                questions=course.questions,
            )
            for course in courses
        )
        return ProgressSummary(
            points=points,
            streak=streak(days, utcnow().astimezone(zone).date()),
            done=sum(line.done for line in lines),
            total=sum(line.total for line in lines),
            courses=lines,
            daily_at=preference.daily_at if preference else None,
            hidden=preference.leaderboard_hidden if preference else False,
        )

    async def _best_scores(self, session: AsyncSession, user_id: int) -> dict[int, int]:
        query = (
            select(QuizAttempt.course_id, func.max(QuizAttempt.score))
            .where(QuizAttempt.user_id == user_id, col(QuizAttempt.finished_at).is_not(None))
            .group_by(col(QuizAttempt.course_id))
        )
        return dict((await session.exec(query)).all())

    async def _hidden(self, session: AsyncSession, enterprise_id: int) -> set[int]:
        query = (
            select(LearningPreference.user_id)
            .join(User, col(User.id) == LearningPreference.user_id)
            .where(col(LearningPreference.leaderboard_hidden), User.enterprise_id == enterprise_id)
        )
        return set((await session.exec(query)).all())

    async def boards(self, *, user_id: int, hidden: bool | None = None) -> Boards:
        """Leaderboards of the learner's enterprise and workshop, minus those who opted out.

        ``hidden`` is the learner's own choice when the caller has just read it.
        """
        hidden_me = (await self.preference(user_id=user_id)).hidden if hidden is None else hidden
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            if user is None or user.enterprise_id is None:
                return Boards(None, (), None, (), hidden_me)
            enterprise = await session.get(Enterprise, user.enterprise_id)
            opted_out = await self._hidden(session, user.enterprise_id)
        if enterprise is None:
            return Boards(None, (), None, (), hidden_me)
        top = partial(
            self._points.board, reasons=LEARNING_REASONS, exclude=opted_out, limit=BOARD_SIZE
        )
        company = await top(enterprise_id=enterprise.id)
        workshop: list[BoardRow] = []
        if user.department:
            workshop = await top(enterprise_id=enterprise.id, department=user.department)
        return Boards(enterprise.name, tuple(company), user.department, tuple(workshop), hidden_me)

    async def _save(self, user_id: int, **values: object) -> None:
        async with self._db.session() as session:
            preference = await session.get(LearningPreference, user_id) or LearningPreference(
                user_id=user_id
            )
            for name, value in values.items():
                setattr(preference, name, value)
            preference.updated_at = utcnow()
            session.add(preference)

    async def set_hidden(self, *, user_id: int, hidden: bool) -> None:
        """Leave (or rejoin) the leaderboards; points are still earned either way."""
        await self._save(user_id, leaderboard_hidden=hidden)

    async def set_daily(self, *, user_id: int, at: str | None, timezone: str) -> datetime | None:
        """Push the lesson of the day at ``at`` (``HH:MM``, the learner's time), or stop (``None``).

        Returns when the first one comes. One scheduler row per learner, moved on each change.
        """
        await self._save(user_id, daily_at=at)
        if at is None:
            await self._scheduler.cancel(key=daily_key(user_id))
            return None
        hour, minute = (int(part) for part in at.split(":"))
        job = await self._scheduler.schedule_cron(
            key=daily_key(user_id),
            kind=DAILY_KIND,
            cron=f"{minute} {hour} * * *",
            timezone=timezone,
            payload={"user_id": user_id},
        )
        return job.due_at
