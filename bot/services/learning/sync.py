"""Upsert a loaded catalogue into the database by key, skipping rows whose content is unchanged.

A second sync of the same files writes nothing; an edited lesson keeps its row (and so every
learner's progress); anything no longer in the files is retired, never deleted. Processes
that start together sync one after the other (an advisory lock on PostgreSQL), so the second
finds the first one's rows instead of inserting them again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.content import Catalogue
from bot.content import Course as CourseFile
from bot.content import Lesson as LessonFile
from bot.content import Question as QuestionFile
from bot.db import take_turn
from bot.models.learning import Course, Lesson, QuizQuestion

Row = TypeVar("Row", Course, Lesson, QuizQuestion)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync changed, counting courses, lessons and questions together."""

    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        """Rows written."""
        return self.created + self.updated + self.retired


def _sources(sources: Any) -> list[dict[str, Any]]:
    return [source.model_dump(mode="json", exclude_none=True) for source in sources]


def _course_values(course: CourseFile) -> dict[str, Any]:
    return {
        "slug": course.slug,
        "position": course.position,
        "theme": course.theme,
        "audience": ",".join(course.audience),
        "title_zh": course.title.zh,
        "title_en": course.title.en,
        "description_zh": course.description.zh,
        "description_en": course.description.en,
        "sources": _sources(course.sources),
        "content_hash": course.content_hash(),
    }


def _lesson_values(lesson: LessonFile, course_id: int) -> dict[str, Any]:
    return {
        "course_id": course_id,
        "key": lesson.key,
        "position": lesson.position,
        "title_zh": lesson.zh.title,
        "title_en": lesson.en.title,
        "body_zh": lesson.zh.body,
        "body_en": lesson.en.body,
        "minutes": lesson.zh.minutes or lesson.en.minutes,
        "image_zh": lesson.zh.image,
        "image_en": lesson.en.image,
        "sources_zh": _sources(lesson.zh.sources),
        "sources_en": _sources(lesson.en.sources),
        "content_hash": lesson.content_hash(),
    }


def _question_values(
    question: QuestionFile, course_id: int, lesson_id: int | None
) -> dict[str, Any]:
    return {
        "course_id": course_id,
        "lesson_id": lesson_id,
        "key": question.key,
        "position": question.position,
        "kind": question.kind,
        "text_zh": question.text.zh,
        "text_en": question.text.en,
        "options": [option.model_dump() for option in question.options],
        "explanation_zh": question.explanation.zh,
        "explanation_en": question.explanation.en,
        "content_hash": question.content_hash(),
    }


class _Upserter:
    """Applies values to existing rows or new ones, counting what happened."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.counts: Counter[str] = Counter()

    def apply(self, model: type[Row], existing: Row | None, values: dict[str, Any]) -> Row:
        if existing is None:
            row = model(**values, updated_at=self.now)
            self.session.add(row)
            self.counts["created"] += 1
            return row
        if (
            existing.content_hash == values["content_hash"]
            and existing.retired_at is None
            and _same_parent(existing, values)
        ):
            self.counts["unchanged"] += 1
            return existing
        for name, value in values.items():
            setattr(existing, name, value)
        existing.retired_at, existing.updated_at = None, self.now
        self.session.add(existing)
        self.counts["updated"] += 1
        return existing

    def retire(self, rows: list[Any], seen: set[int]) -> None:
        for row in rows:
            if row.id not in seen and row.retired_at is None:
                row.retired_at = self.now
                self.session.add(row)
                self.counts["retired"] += 1


def _same_parent(existing: SQLModel, values: dict[str, Any]) -> bool:
    return getattr(existing, "lesson_id", None) == values.get("lesson_id")


async def _all(session: AsyncSession, model: type[Row]) -> list[Row]:
    return list((await session.exec(select(model))).all())


async def sync_catalogue(session: AsyncSession, catalogue: Catalogue) -> SyncReport:
    """Bring the catalogue tables in line with ``catalogue`` within one transaction."""
    await take_turn(session, "content sync")
    upsert = _Upserter(session, utcnow())
    courses, lessons, questions = (
        await _all(session, Course),
        await _all(session, Lesson),
        await _all(session, QuizQuestion),
    )
    by_slug = {row.slug: row for row in courses}
    course_rows = [
        (course, upsert.apply(Course, by_slug.get(course.slug), _course_values(course)))
        for course in catalogue.courses
    ]
    await session.flush()
    by_key = {(row.course_id, row.key): row for row in lessons}
    lesson_rows = []
    for course, course_row in course_rows:
        course_id = course_row.id or 0
        for lesson in course.lessons:
            values = _lesson_values(lesson, course_id)
            lesson_rows.append(upsert.apply(Lesson, by_key.get((course_id, lesson.key)), values))
    await session.flush()
    lesson_ids = {(row.course_id, row.key): row.id or 0 for row in lesson_rows}
    by_question = {(row.course_id, row.key): row for row in questions}
    question_rows = []
    for course, course_row in course_rows:
        course_id = course_row.id or 0
        for question in course.questions:
            values = _question_values(
                question, course_id, lesson_ids.get((course_id, question.lesson))
            )
            question_rows.append(
                upsert.apply(QuizQuestion, by_question.get((course_id, question.key)), values)
            )
    await session.flush()
    upsert.retire(courses, {row.id or 0 for _, row in course_rows})
    upsert.retire(lessons, {row.id or 0 for row in lesson_rows})
    upsert.retire(questions, {row.id or 0 for row in question_rows})
    return SyncReport(**upsert.counts)
