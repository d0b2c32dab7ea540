"""Reading a lesson part by part, with the part a learner reached kept in the database.

A lesson body is broken into parts at its ``---`` lines (:func:`bot.text.markdown.parts`).
Opening a lesson shows the part the learner stopped at, or the first one when they had not
started it or had read it to the end; a "next part" button shows the part it names, and only
ever moves the learner forward. Reaching the last part completes the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Locale, Settings
from bot.content import content_root
from bot.db import Database
from bot.models.learning import Lesson, LessonProgress
from bot.services.learning.catalog import Catalog, CourseEntry, Snapshot
from bot.services.learning.progress import ProgressService
from bot.text import markdown

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SourceLink:
    """Where a lesson's facts come from, as its front matter names it."""

    title: str
    url: str | None


@dataclass(frozen=True, slots=True)
class LessonView:
    """One part of a lesson ready to send: Telegram HTML, its place in the lesson and course.

    ``image`` is set on the first part only, ``sources`` on the last part only; ``resumed``
    says the learner came back to the part they had stopped at.
    """

    id: int
    course_id: int
    course_title: str
    position: int
    count: int
    title: str
    html: str
    part: int
    parts: int
    minutes: int | None
    image: Path | None
    sources: tuple[SourceLink, ...]
    prev_id: int | None
    next_id: int | None
    has_quiz: bool
    resumed: bool = False

    @property
    def last(self) -> bool:
        """Whether this is the lesson's last part, the one with the lesson's buttons."""
        return self.part >= self.parts


@dataclass(frozen=True, slots=True)
class PartTurn:
    """What a "next part" button did: the part to send (``None``: it was sent already)."""

    view: LessonView | None
    completed: bool


class LessonService:
    """Open lessons where the learner left off and move them on part by part."""

    def __init__(
        self, db: Database, settings: Settings, catalog: Catalog, progress: ProgressService
    ) -> None:
        self._db = db
        self._settings = settings
        self._catalog = catalog
        self._progress = progress

    @property
    def root(self) -> Path:
        """Where lesson images are read from: the configured content folder or the shipped copy."""
        return content_root(self._settings.content_dir)

    async def _live(
        self, session: AsyncSession, snapshot: Snapshot, lesson_id: int
    ) -> tuple[Lesson, CourseEntry] | None:
        lesson = await session.get(Lesson, lesson_id)
        course = snapshot.course(lesson.course_id) if lesson else None
        if lesson is None or course is None or lesson.retired_at is not None:
            return None
        return lesson, course

    async def find(self, *, lesson_id: int, locale: Locale) -> LessonView | None:
        """A live lesson's first part, touching no progress; ``None`` if there is none."""
        snapshot = await self._catalog.current()
        async with self._db.reader() as session:
            found = await self._live(session, snapshot, lesson_id)
        return self._view(*found, locale, part=1) if found else None

    async def open(
        self, *, user_id: int, lesson_id: int, locale: Locale, from_start: bool = False
    ) -> LessonView | None:
        """The part to show of a live lesson, noted as started; ``None`` if there is none.

        That is the part the learner stopped at, unless they ask ``from_start`` or had read
        to the end (reading it again starts at the beginning).
        """
        snapshot = await self._catalog.current()
        async with self._db.session() as session:
            found = await self._live(session, snapshot, lesson_id)
            if found is None:
                return None
            progress = await self._row(session, user_id, lesson_id)
            parts = len(self._parts(found[0], locale))
            resume = not from_start and 1 < progress.part < parts
            part = progress.part if resume else 1
            if progress.part != part:
                progress.part = part
                session.add(progress)
        return self._view(*found, locale, part=part, resumed=resume)

    async def turn(
        self, *, user_id: int, lesson_id: int, part: int, locale: Locale
    ) -> PartTurn | None:
        """Show ``part`` (2…) if the learner has not reached it yet; ``None`` if no such part.

        A part already reached is not shown again (the button was pressed twice, or late), and
        the learner's place never moves back. Reaching the last part completes the lesson.
        """
        snapshot = await self._catalog.current()
        async with self._db.session() as session:
            found = await self._live(session, snapshot, lesson_id)
            if found is None or not 2 <= part <= len(self._parts(found[0], locale)):
                return None
            progress = await self._row(session, user_id, lesson_id)
            if part <= progress.part:
                return PartTurn(None, completed=False)
            progress.part = part
            session.add(progress)
            finishing = part == len(self._parts(found[0], locale))
        completed = finishing and await self._progress.complete(
            user_id=user_id, lesson_id=lesson_id
        )
        return PartTurn(self._view(*found, locale, part=part), completed=completed)

    async def _row(self, session: AsyncSession, user_id: int, lesson_id: int) -> LessonProgress:
        """The learner's progress row, written as started at part 1 if there was none."""
        key = (user_id, lesson_id)
        progress = await session.get(LessonProgress, key)
        if progress is not None:
            return progress
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        await session.exec(
            insert(LessonProgress)
            .values(user_id=user_id, lesson_id=lesson_id, started_at=utcnow(), part=1)
            .on_conflict_do_nothing(index_elements=["user_id", "lesson_id"])
        )
        query = select(LessonProgress).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id
        )
        return (await session.exec(query)).one()

    @staticmethod
    def _parts(lesson: Lesson, locale: Locale) -> tuple[str, ...]:
        return markdown.parts(_pick(locale, lesson.body_zh, lesson.body_en)) or ("",)

    def _view(
        self,
        lesson: Lesson,
        course: CourseEntry,
        locale: Locale,
        *,
        part: int,
        resumed: bool = False,
    ) -> LessonView:
        siblings = course.lessons
        index = next(i for i, sibling in enumerate(siblings) if sibling.id == lesson.id)
        parts = self._parts(lesson, locale)
        image = _pick(locale, lesson.image_zh, lesson.image_en) if part == 1 else None
        sources = _pick(locale, lesson.sources_zh, lesson.sources_en) if part == len(parts) else []
        return LessonView(
            id=lesson.id or 0,
            course_id=course.id,
            course_title=_pick(locale, course.title_zh, course.title_en),
            position=index + 1,
            count=len(siblings),
            title=_pick(locale, lesson.title_zh, lesson.title_en),
            html=parts[part - 1],
            part=part,
            parts=len(parts),
            minutes=lesson.minutes,
            image=self.root / image if image else None,
            sources=tuple(_source(source) for source in sources),
            prev_id=siblings[index - 1].id if index > 0 else None,
            next_id=siblings[index + 1].id if index + 1 < len(siblings) else None,
            has_quiz=course.questions > 0,
            resumed=resumed,
        )


def _source(data: dict[str, Any]) -> SourceLink:
    return SourceLink(title=str(data["title"]), url=data.get("url"))


def _pick(locale: Locale, zh: T, en: T) -> T:
    return zh if locale == "zh" else en
