"""Learning: who started and who finished each course, by course and by unit of the tree.

A course is finished by someone who completed every live lesson of it. One aggregate query
counts starters and finishers per course and enterprise; the tree adds enterprises up to units.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.learning import Course, Lesson, LessonProgress
from bot.models.users import User
from bot.services.dashboard.common import share, where, within
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
    lessons = dict(
        (
            await session.exec(
                select(Lesson.course_id, func.count())
                .where(col(Lesson.retired_at).is_(None))
                .group_by(col(Lesson.course_id))
            )
        ).all()
    )
    people = await _people(session, area)
    progress = await _progress(session, area)
    everyone = sum(people.values())
    lines = []
    for course in courses:
        cid = course.id or 0
        started = sum(s for (c, _), (s, _f) in progress.items() if c == cid)
        finished = sum(f for (c, _), (_s, f) in progress.items() if c == cid)
        lines.append(
            CourseLine(
                cid,
                course.slug,
                course.title_zh,
                course.title_en,
                int(lessons.get(cid, 0)),
                started,
                finished,
                everyone,
            )
        )
    chosen = (
        course_id if any(c.id == course_id for c in lines) else (lines[0].id if lines else None)
    )
    at = unit_id if unit_id is not None else area.top
    units = _by_unit(area, at, chosen, people, progress) if area.scope.enterprise_id is None else ()
    return LearningReport(tuple(lines), chosen, at, units)


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
        child = tree.child_toward(at, enterprise_unit.get(enterprise))
        if course == course_id and child in sums:
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
    session: AsyncSession, area: Area
) -> dict[tuple[int, int | None], tuple[int, int]]:
    """Per (course, enterprise): people who completed a lesson of it, and who completed all."""
    totals = (
        select(Lesson.course_id, func.count().label("total"))
        .where(col(Lesson.retired_at).is_(None))
        .group_by(col(Lesson.course_id))
        .subquery()
    )
    done = (
        select(
            LessonProgress.user_id,
            Lesson.course_id,
            func.count().label("done"),
        )
        .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
        .where(col(LessonProgress.completed_at).is_not(None), col(Lesson.retired_at).is_(None))
        .group_by(col(LessonProgress.user_id), col(Lesson.course_id))
        .subquery()
    )
    query = where(
        select(
            done.c.course_id,
            User.enterprise_id,
            func.count(),
            func.sum(case((done.c.done >= totals.c.total, 1), else_=0)),
        )
        .select_from(done)
        .join(totals, totals.c.course_id == done.c.course_id)
        .join(User, col(User.id) == done.c.user_id)
        .group_by(done.c.course_id, col(User.enterprise_id)),
        within(User.enterprise_id, area),
    )
    rows = await session.exec(query)
    return {(c, e): (int(s), int(f or 0)) for c, e, s, f in rows.all()}
