"""The live catalogue in memory: courses, their lessons and quiz sizes, read once per sync.

Every /learn, course page, lesson and /progress needs the list of live courses and lessons,
which changes only when content is synced. The bot reads it once, again after each sync in
this process, and at most ``MAX_AGE`` after another process synced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from bot.clock import utcnow
from bot.db import Database
from bot.models.learning import Course, Lesson, QuizQuestion

MAX_AGE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class LessonEntry:
    """A live lesson as lists show it."""

    id: int
    course_id: int
    position: int
    title_zh: str
    title_en: str


@dataclass(frozen=True, slots=True)
class CourseEntry:
    """A live course with its live lessons in order and the size of its quiz."""

    id: int
    position: int
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    lessons: tuple[LessonEntry, ...]
    questions: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The whole live catalogue at one moment."""

    courses: tuple[CourseEntry, ...] = ()
    read_at: datetime = field(default_factory=utcnow)

    def course(self, course_id: int) -> CourseEntry | None:
        """The live course with this id."""
        return next((c for c in self.courses if c.id == course_id), None)


class Catalog:
    """Keeps one snapshot of the live catalogue and reads it again when it may be stale."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._snapshot: Snapshot | None = None

    def invalidate(self) -> None:
        """Content was synced: read the catalogue again next time."""
        self._snapshot = None

    async def current(self) -> Snapshot:
        """The live catalogue, read from the database when older than ``MAX_AGE``."""
        found = self._snapshot
        if found is None or utcnow() - found.read_at > MAX_AGE:
            found = self._snapshot = await self._read()
        return found

    async def _read(self) -> Snapshot:
        async with self._db.reader() as session:
            courses = (
                await session.exec(
                    select(Course)
                    .where(col(Course.retired_at).is_(None))
                    .order_by(col(Course.position), col(Course.id))
                )
            ).all()
            lessons = (
                await session.exec(
                    select(Lesson)
                    .where(col(Lesson.retired_at).is_(None))
                    .order_by(col(Lesson.course_id), col(Lesson.position), col(Lesson.id))
                )
            ).all()
            sizes = dict(
                (
                    await session.exec(
                        select(QuizQuestion.course_id, func.count())
                        .where(col(QuizQuestion.retired_at).is_(None))
                        .group_by(col(QuizQuestion.course_id))
                    )
                ).all()
            )
        by_course: dict[int, list[LessonEntry]] = {}
        for lesson in lessons:
            by_course.setdefault(lesson.course_id, []).append(
                LessonEntry(
                    lesson.id or 0,
                    lesson.course_id,
                    lesson.position,
                    lesson.title_zh,
                    lesson.title_en,
                )
            )
        return Snapshot(
            tuple(
                CourseEntry(
                    id=course.id or 0,
                    position=course.position,
                    title_zh=course.title_zh,
                    title_en=course.title_en,
                    description_zh=course.description_zh,
                    description_en=course.description_en,
                    lessons=tuple(by_course.get(course.id or 0, ())),
                    questions=sizes.get(course.id or 0, 0),
                )
                for course in courses
            )
        )
