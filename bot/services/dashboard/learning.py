"""Learning: who started and who finished each course, by course and by unit of the tree.

A course is finished by someone who completed every live lesson of it. One aggregate query
counts starters and finishers per course and enterprise, reading each completion once and
grouping by person only (a column per course), not by person and course after a join with the
lessons: on a million completions that halved the query. The tree adds enterprises up to units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.learning import Course, Lesson, LessonProgress
from bot.models.users import User
from bot.services.dashboard.common import people_within, share, where, within
from bot.services.dashboard.scopes import Area, OutOfScope


@dataclass(frozen=True, slots=True)
class CourseLine:
    """One course: its lessons, people who started it and who finished it."""

    id: int
    slug: str
    title_zh: str
    title_en: str
    lessons: int
    started: int
    finished: int
    people: int

    @property
    def completion(self) -> float | None:
        """Finishers among the people registered in the scope."""
        return share(self.finished, self.people)


@dataclass(frozen=True, slots=True)
class UnitLearning:
    """One unit below the one shown: people registered and finishers of the chosen course."""

    id: int
    name: str
    people: int
    finished: int
    drillable: bool

    @property
    def completion(self) -> float | None:
        """Finishers among the unit's people."""
        return share(self.finished, self.people)


@dataclass(frozen=True, slots=True)
class LearningReport:
    """The learning page."""

    courses: tuple[CourseLine, ...]
    course_id: int | None
    unit_id: int | None
    units: tuple[UnitLearning, ...]


async def learning(
    session: AsyncSession, area: Area, *, course_id: int | None = None, unit_id: int | None = None
) -> LearningReport:
    """Completion by course inside ``area``, and of one course by the units below ``unit_id``."""
    if unit_id is not None and not area.unit_allowed(unit_id):
        raise OutOfScope(unit_id)
    courses = (
        await session.exec(
            select(Course).where(col(Course.retired_at).is_(None)).order_by(col(Course.position))
        )
    ).all()
    lessons = await _live_lessons(session)
    people = await _people(session, area)
    progress = await _progress(
        session, area, {c.id or 0: lessons.get(c.id or 0, []) for c in courses}
    )
    totals = _per_course(progress)
    everyone = sum(people.values())
    lines = [
        CourseLine(
            c.id or 0,
            c.slug,
            c.title_zh,
            c.title_en,
            len(lessons.get(c.id or 0, [])),
            *totals.get(c.id or 0, (0, 0)),
            everyone,
        )
        for c in courses
    ]
    chosen = (
        course_id if any(c.id == course_id for c in lines) else (lines[0].id if lines else None)
    )
    at = unit_id if unit_id is not None else area.top
    units = _by_unit(area, at, chosen, people, progress) if area.scope.enterprise_id is None else ()
    return LearningReport(tuple(lines), chosen, at, units)


async def _live_lessons(session: AsyncSession) -> dict[int, list[int]]:
    """Each course's lessons that are not retired."""
    found: dict[int, list[int]] = {}
    rows = await session.exec(
        select(Lesson.id, Lesson.course_id).where(col(Lesson.retired_at).is_(None))
    )
    for lesson_id, course in rows.all():
        found.setdefault(course, []).append(lesson_id or 0)
    return found


def _per_course(
    progress: dict[tuple[int, int | None], tuple[int, int]],
) -> dict[int, tuple[int, int]]:
    """Starters and finishers of each course, every enterprise added up."""
    totals: dict[int, tuple[int, int]] = {}
    for (course, _), (started, finished) in progress.items():
        before = totals.get(course, (0, 0))
        totals[course] = (before[0] + started, before[1] + finished)
    return totals


def _by_unit(
    area: Area,
    at: int | None,
    course_id: int | None,
    people: dict[int | None, int],
    progress: dict[tuple[int, int | None], tuple[int, int]],
) -> tuple[UnitLearning, ...]:
    tree = area.tree
    enterprise_unit = area.enterprise_units
    sums: dict[int, list[int]] = {child: [0, 0] for child in tree.children.get(at, [])}
    for enterprise, count in people.items():
        child = tree.child_toward(at, enterprise_unit.get(enterprise))
        if child in sums:
            sums[child][0] += count
    for (course, enterprise), (_started, finished) in progress.items():
        if course != course_id:
            continue
        child = tree.child_toward(at, enterprise_unit.get(enterprise))
        if child in sums:
            sums[child][1] += finished
    return tuple(
        UnitLearning(u, tree.units[u].name, n, f, bool(tree.children.get(u)))
        for u, (n, f) in sums.items()
    )


async def _people(session: AsyncSession, area: Area) -> dict[int | None, int]:
    """People who have talked to the bot, per enterprise."""
    rows = await session.exec(
        where(
            select(User.enterprise_id, func.count())
            .where(col(User.last_seen_at).is_not(None))
            .group_by(col(User.enterprise_id)),
            within(User.enterprise_id, area),
        )
    )
    return {enterprise: int(n) for enterprise, n in rows.all()}


async def _progress(
    session: AsyncSession, area: Area, lessons: dict[int, list[int]]
) -> dict[tuple[int, int | None], tuple[int, int]]:
    """Per (course, enterprise): people who completed a live lesson of it, and who completed all.

    ``lessons`` holds each live course's live lessons. One pass over the completions counts,
    per person, those of each course (a ``FILTER`` per course); a second counts, per
    enterprise, the people with at least one and with all of them. Grouping by person alone
    keeps the first pass to one row per person, in the primary key's order.
    """
    wanted = {course: ids for course, ids in lessons.items() if ids}
    if not wanted:
        return {}
    done = LessonProgress
    per_person: Any = core_select(
        col(done.user_id).label("user_id"),
        *(
            func.count().filter(col(done.lesson_id).in_(ids)).label(f"c{course}")
            for course, ids in wanted.items()
        ),
    ).where(col(done.completed_at).is_not(None))
    per_person = where(per_person, people_within(done.user_id, area))
    person = per_person.group_by(col(done.user_id)).subquery("person")
    counts = []
    for course, ids in wanted.items():
        lessons_done = person.c[f"c{course}"]
        counts += [
            func.count().filter(lessons_done > 0).label(f"s{course}"),
            func.count().filter(lessons_done >= len(ids)).label(f"f{course}"),
        ]
    query: Any = where(
        core_select(col(User.enterprise_id), *counts)
        .select_from(person)
        .join(User, col(User.id) == person.c.user_id)
        .group_by(col(User.enterprise_id)),
        within(User.enterprise_id, area),
    )
    found: dict[tuple[int, int | None], tuple[int, int]] = {}
    for enterprise, *pairs in (await session.exec(query)).all():
        for index, course in enumerate(wanted):
            started, finished = pairs[2 * index], pairs[2 * index + 1]
            if started:
                found[course, enterprise] = (int(started), int(finished or 0))
    return found
