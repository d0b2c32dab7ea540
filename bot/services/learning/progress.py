"""A learner's progress: lessons completed, points, streak, leaderboards and preferences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, bindparam, func
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Locale
from bot.db import Database
from bot.models.base import table
from bot.models.learning import (
    LearningPreference,
    Lesson,
    LessonProgress,
    QuizAttempt,
)
from bot.models.points import PointsEntry
from bot.models.users import Enterprise, User
from bot.services.core import BoardRow, PointsService, SchedulerService
from bot.services.learning.catalog import Catalog
from bot.services.learning.practice import DUE_COUNT

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

# /progress is the most read screen; its statements are built once, run on a plain connection
# (no ORM session), and everything that is one value per learner comes in one round trip.
_LESSONS = table(Lesson)
_DONE = table(LessonProgress)
_ATTEMPTS = table(QuizAttempt)
_PREFERENCES = table(LearningPreference)
_POINTS = table(PointsEntry)
_USERS = table(User)
_USER_ID = bindparam("user_id", type_=BigInteger())
COMPLETED = (
    core_select(_DONE.c.completed_at, _LESSONS.c.course_id, _LESSONS.c.retired_at)
    .join_from(_DONE, _LESSONS, _LESSONS.c.id == _DONE.c.lesson_id)
    .where(_DONE.c.user_id == _USER_ID, _DONE.c.completed_at.is_not(None))
)
BEST_SCORES = (
    core_select(_ATTEMPTS.c.course_id, func.max(_ATTEMPTS.c.score))
    .where(_ATTEMPTS.c.user_id == _USER_ID, _ATTEMPTS.c.finished_at.is_not(None))
    .group_by(_ATTEMPTS.c.course_id)
)


def _value(column: Any, *where: Any) -> Any:
    """One value of the learner's, as a column of :data:`LEARNER`."""
    return core_select(column).where(*where).scalar_subquery().label(column.name)


LEARNER = core_select(
    core_select(func.coalesce(func.sum(_POINTS.c.points), 0))
    .where(_POINTS.c.user_id == _USER_ID, _POINTS.c.reason.in_(LEARNING_REASONS))
    .scalar_subquery()
    .label("points"),
    _value(_PREFERENCES.c.daily_at, _PREFERENCES.c.user_id == _USER_ID),
    _value(_PREFERENCES.c.leaderboard_hidden, _PREFERENCES.c.user_id == _USER_ID),
    _value(_USERS.c.enterprise_id, _USERS.c.id == _USER_ID),
    _value(_USERS.c.department, _USERS.c.id == _USER_ID),
    DUE_COUNT.scalar_subquery().label("due"),
)


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
class ProgressPage:
    """The whole /progress screen: the learner's summary, their leaderboards, practice due."""

    summary: ProgressSummary
    boards: Boards
    due: int


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

    async def page(self, *, user_id: int, locale: Locale, timezone: str) -> ProgressPage:
        """Everything /progress shows, in one connection and (without an enterprise) three reads."""
        async with self._db.connection() as connection:
            summary, learner = await self._summary(connection, user_id, locale, timezone)
        if learner.enterprise_id is None:
            boards = Boards(None, (), None, (), summary.hidden)
        else:
            boards = await self._boards(
                learner.enterprise_id, learner.department, hidden=summary.hidden
            )
        return ProgressPage(summary, boards, int(learner.due))

    async def summary(self, *, user_id: int, locale: Locale, timezone: str) -> ProgressSummary:
        """Points, streak and per-course progress of one learner."""
        async with self._db.connection() as connection:
            return (await self._summary(connection, user_id, locale, timezone))[0]

    async def _summary(
        self, connection: AsyncConnection, user_id: int, locale: Locale, timezone: str
    ) -> tuple[ProgressSummary, Any]:
        """The summary, and the row of single values (enterprise, department, due) it came with."""
        courses = (await self._catalog.current()).courses
        now = utcnow()
        given = {"user_id": user_id, "now": now}
        completed = (await connection.execute(COMPLETED, given)).all()
        scores = (await connection.execute(BEST_SCORES, given)).all()
        best: dict[int, int] = {course_id: score for course_id, score in scores}
        learner = (await connection.execute(LEARNER, given)).one()
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
        summary = ProgressSummary(
            points=int(learner.points),
            streak=streak(days, now.astimezone(zone).date()),
            done=sum(line.done for line in lines),
            total=sum(line.total for line in lines),
            courses=lines,
            daily_at=learner.daily_at,
            hidden=bool(learner.leaderboard_hidden),
        )
        return summary, learner

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
        return await self._boards(user.enterprise_id, user.department, hidden=hidden_me)

    async def _boards(self, enterprise_id: int, department: str | None, *, hidden: bool) -> Boards:
        async with self._db.reader() as session:
            enterprise = await session.get(Enterprise, enterprise_id)
            opted_out = await self._hidden(session, enterprise_id)
        if enterprise is None:
            return Boards(None, (), None, (), hidden)
        top = partial(
            self._points.board, reasons=LEARNING_REASONS, exclude=opted_out, limit=BOARD_SIZE
        )
        company = await top(enterprise_id=enterprise.id)
        workshop: list[BoardRow] = []
        if department:
            workshop = await top(enterprise_id=enterprise.id, department=department)
        return Boards(enterprise.name, tuple(company), department, tuple(workshop), hidden)

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
