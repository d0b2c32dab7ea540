"""Whether content is used and understood: completion per course, right answers per question."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, cast, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Locale
from bot.models.learning import Course, Lesson, LessonProgress, QuizAnswer, QuizQuestion


async def live_counts(
    session: AsyncSession, model: type[Lesson] | type[QuizQuestion]
) -> dict[int, int]:
    """Live lessons (or quiz questions) per course id."""
    query = (
        select(model.course_id, func.count())
        .where(col(model.retired_at).is_(None))
        .group_by(col(model.course_id))
    )
    return dict((await session.exec(query)).all())


@dataclass(frozen=True, slots=True)
class CourseStat:
    """How many learners started a course and how many finished every lesson of it."""

    title: str
    learners: int
    completed: int

    @property
    def rate(self) -> float:
        """Completed over started (0 when nobody started)."""
        return self.completed / self.learners if self.learners else 0.0


@dataclass(frozen=True, slots=True)
class QuestionStat:
    """How often a quiz question was answered right."""

    course: str
    key: str
    text: str
    answers: int
    correct: int

    @property
    def rate(self) -> float:
        """Right answers over all answers."""
        return self.correct / self.answers if self.answers else 0.0


@dataclass(frozen=True, slots=True)
class ContentStats:
    """Everything /content_stats shows: courses in order, questions hardest first."""

    courses: tuple[CourseStat, ...]
    questions: tuple[QuestionStat, ...]


async def _course_stats(
    session: AsyncSession, courses: dict[int, Course], locale: Locale
) -> tuple[CourseStat, ...]:
    live = col(Lesson.retired_at).is_(None)
    sizes = await live_counts(session, Lesson)
    per_learner = (
        await session.exec(
            select(
                Lesson.course_id,
                LessonProgress.user_id,
                func.count(col(LessonProgress.completed_at)),
            )
            .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
            .where(live)
            .group_by(col(Lesson.course_id), col(LessonProgress.user_id))
        )
    ).all()
    learners: dict[int, int] = {}
    completed: dict[int, int] = {}
    for course_id, _, done in per_learner:
        learners[course_id] = learners.get(course_id, 0) + 1
        completed[course_id] = completed.get(course_id, 0) + (done >= sizes.get(course_id, 0) > 0)
    return tuple(
        CourseStat(
            title=course.title_zh if locale == "zh" else course.title_en,
            learners=learners.get(course_id, 0),
            completed=completed.get(course_id, 0),
        )
        for course_id, course in courses.items()
    )


async def _question_stats(
    session: AsyncSession, courses: dict[int, Course], locale: Locale
) -> tuple[QuestionStat, ...]:
    rows = (
        await session.exec(
            select(
                QuizQuestion,
                func.count(col(QuizAnswer.id)),
                func.sum(cast(col(QuizAnswer.correct), Integer)),
            )
            .join(QuizAnswer, col(QuizAnswer.question_id) == QuizQuestion.id)
            .where(
                col(QuizQuestion.retired_at).is_(None),
                col(QuizQuestion.course_id).in_(list(courses)),
            )
            .group_by(col(QuizQuestion.id))
        )
    ).all()
    stats = [
        QuestionStat(
            course=_title(courses[question.course_id], locale),
            key=question.key,
            text=question.text_zh if locale == "zh" else question.text_en,
            answers=int(answers),
            correct=int(correct or 0),
        )
        for question, answers, correct in rows
    ]
    return tuple(sorted(stats, key=lambda s: (s.rate, -s.answers, s.course, s.key)))


def _title(course: Course, locale: Locale) -> str:
    return course.title_zh if locale == "zh" else course.title_en


async def content_stats(session: AsyncSession, locale: Locale) -> ContentStats:
    """Completion of every live course and right-answer rates of every answered question."""
    query = select(Course).where(col(Course.retired_at).is_(None)).order_by(col(Course.position))
    courses = {course.id or 0: course for course in (await session.exec(query)).all()}
    return ContentStats(
        courses=await _course_stats(session, courses, locale),
        questions=await _question_stats(session, courses, locale),
    )
