"""The course catalogue as learners browse it, kept in step with ``content/`` by sync."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import BigInteger, ColumnElement, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Locale, Settings
from bot.content import Catalogue, content_root, load
from bot.db import Database
from bot.models.base import table
from bot.models.learning import Course, Lesson, LessonProgress, QuizAttempt, QuizQuestion
from bot.services.core import SchedulerService
from bot.services.learning.catalog import Catalog
from bot.services.learning.stats import ContentStats, content_stats
from bot.services.learning.sync import SyncReport, sync_catalogue

T = TypeVar("T")
REMIND_KIND = "lesson_reminder"
REMIND_AFTER = timedelta(hours=3)
__all__ = [
    "REMIND_KIND",
    "CourseCard",
    "CourseView",
    "FolderSync",
    "LearningService",
    "LessonLine",
    "SyncReport",
]


@dataclass(frozen=True, slots=True)
class CourseCard:
    """A course in the list, with how far this learner got."""

    id: int
    title: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class LessonLine:
    """A lesson in a course's table of contents."""

    id: int
    position: int
    title: str
    done: bool


@dataclass(frozen=True, slots=True)
class CourseView:
    """A course's page: description, lessons and the learner's best quiz score."""

    id: int
    title: str
    description: str
    lessons: tuple[LessonLine, ...]
    questions: int
    best: int | None

    @property
    def done(self) -> int:
        """Lessons this learner completed."""
        return sum(lesson.done for lesson in self.lessons)


_LESSONS = table(Lesson)
_DONE = table(LessonProgress)
# Lessons completed per live course, for the /learn list: built once, run on a connection.
DONE_PER_COURSE = (
    core_select(_LESSONS.c.course_id, func.count())
    .join_from(_LESSONS, _DONE, _DONE.c.lesson_id == _LESSONS.c.id)
    .where(
        _DONE.c.user_id == bindparam("user_id", type_=BigInteger()),
        _DONE.c.completed_at.is_not(None),
        _LESSONS.c.retired_at.is_(None),
    )
    .group_by(_LESSONS.c.course_id)
)


def _active(model: type[Course] | type[Lesson] | type[QuizQuestion]) -> ColumnElement[bool]:
    return col(model.retired_at).is_(None)


@dataclass(frozen=True, slots=True)
class FolderSync:
    """What loading a content folder found, and what syncing it changed (``None``: not synced)."""

    folder: Path
    catalogue: Catalogue
    report: SyncReport | None


class LearningService:
    """Browse courses and lessons; sync the catalogue from files; bring a lesson back later."""

    def __init__(
        self, db: Database, settings: Settings, scheduler: SchedulerService, catalog: Catalog
    ) -> None:
        self._db = db
        self._settings = settings
        self._scheduler = scheduler
        self._catalog = catalog

    @property
    def root(self) -> Path:
        """Where lesson images are read from: the configured content folder or the shipped copy."""
        return content_root(self._settings.content_dir)

    async def sync_folder(
        self, *, folder: Path | None = None, commands: Collection[str] | None = None
    ) -> FolderSync:
        """Load ``folder`` (the configured content by default) and sync it unless it has errors.

        ``commands`` are the bot's commands, which lessons and quizzes may name (no check
        without them). Broken content never replaces what was loaded last: learners keep the
        lessons they had.
        """
        folder = folder or self.root
        catalogue = await asyncio.to_thread(partial(load, folder, commands=commands))
        report = None if catalogue.errors else await self.sync(catalogue=catalogue)
        return FolderSync(folder, catalogue, report)

    async def remind_later(self, *, user_id: int, lesson_id: int) -> datetime:
        """Bring the lesson back later; pressing again moves the reminder, never adds one."""
        job = await self._scheduler.schedule(
            key=f"lesson_remind:{user_id}:{lesson_id}",
            kind=REMIND_KIND,
            due_at=utcnow() + REMIND_AFTER,
            payload={"user_id": user_id, "lesson_id": lesson_id},
        )
        return job.due_at

    async def sync(self, *, catalogue: Catalogue) -> SyncReport:
        """Upsert ``catalogue`` (which must have no errors); running it twice changes nothing."""
        if catalogue.errors:
            raise ValueError(
                f"{len(catalogue.errors)} content errors; run `engage content validate`"
            )
        async with self._db.session() as session:
            report = await sync_catalogue(session, catalogue)
        self._catalog.invalidate()
        return report

    async def courses(
        self, *, user_id: int, locale: Locale, offset: int = 0, limit: int = 5
    ) -> tuple[list[CourseCard], int]:
        """A page of live courses with the learner's ``done/total``; and the number of courses."""
        courses = (await self._catalog.current()).courses
        async with self._db.connection() as connection:
            rows = await connection.execute(DONE_PER_COURSE, {"user_id": user_id})
            done: dict[int, int] = {course_id: count for course_id, count in rows}
        return [
            CourseCard(
                c.id, _pick(locale, c.title_zh, c.title_en), done.get(c.id, 0), len(c.lessons)
            )
            for c in courses[offset : offset + limit]
        ], len(courses)

    async def course(self, *, user_id: int, course_id: int, locale: Locale) -> CourseView | None:
        """A live course's page, or ``None`` when there is no such course (any more)."""
        course = (await self._catalog.current()).course(course_id)
        if course is None:
            return None
        lessons = course.lessons
        async with self._db.reader() as session:
            done = set(
                (
                    await session.exec(
                        select(LessonProgress.lesson_id).where(
                            LessonProgress.user_id == user_id,
                            col(LessonProgress.lesson_id).in_([lesson.id for lesson in lessons]),
                            col(LessonProgress.completed_at).is_not(None),
                        )
                    )
                ).all()
            )
            best = (
                await session.exec(
                    select(func.max(QuizAttempt.score)).where(
                        QuizAttempt.user_id == user_id,
                        QuizAttempt.course_id == course_id,
                        col(QuizAttempt.finished_at).is_not(None),
                    )
                )
            ).one()
        lines = tuple(
            LessonLine(
                lesson.id or 0,
                lesson.position,
                _pick(locale, lesson.title_zh, lesson.title_en),
                lesson.id in done,
            )
            for lesson in lessons
        )
        return CourseView(
            id=course_id,
            title=_pick(locale, course.title_zh, course.title_en),
            description=_pick(locale, course.description_zh, course.description_en),
            lessons=lines,
            questions=course.questions,
            best=best,
        )

    async def _lessons(self, session: AsyncSession, course_id: int) -> Sequence[Lesson]:
        query = (
            select(Lesson)
            .where(Lesson.course_id == course_id, _active(Lesson))
            .order_by(col(Lesson.position), col(Lesson.id))
        )
        return (await session.exec(query)).all()

    async def stats(self, *, locale: Locale) -> ContentStats:
        """Completion per course and right answers per question, for those who run the campaign."""
        async with self._db.reader() as session:
            return await content_stats(session, locale)

    async def next_unread(self, *, user_id: int) -> int | None:
        """The first unfinished lesson of the course last studied, else of the whole catalogue."""
        async with self._db.reader() as session:
            rows = (
                await session.exec(
                    select(
                        Lesson.id,
                        Lesson.course_id,
                        LessonProgress.completed_at,
                        LessonProgress.started_at,
                    )
                    .join(Course, col(Course.id) == Lesson.course_id)
                    .outerjoin(
                        LessonProgress,
                        (col(LessonProgress.lesson_id) == Lesson.id)
                        & (col(LessonProgress.user_id) == user_id),
                    )
                    .where(_active(Lesson), _active(Course))
                    .order_by(
                        col(Course.position), col(Course.id), col(Lesson.position), col(Lesson.id)
                    )
                )
            ).all()
        unread = [
            (lesson_id, course_id)
            for lesson_id, course_id, completed, _ in rows
            if completed is None
        ]
        if not unread:
            return None
        touched = [(started, course_id) for _, course_id, _, started in rows if started is not None]
        if touched:
            recent_course = max(touched)[1]
            in_course = [lesson_id for lesson_id, course_id in unread if course_id == recent_course]
            if in_course:
                return in_course[0]
        return unread[0][0]


def _pick(locale: Locale, zh: T, en: T) -> T:
    return zh if locale == "zh" else en
