"""Learning: the synced catalogue (courses, lessons, quiz questions) and what learners did with it.

Catalogue rows are keyed by their slug (course), ``NN-slug`` (lesson) or id (question) within
their parent, carry the hash of their content so that a sync with nothing new writes nothing,
and are retired (``retired_at``) rather than deleted, so that progress and answers keep
pointing at something.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


def _user_column(primary_key: bool = False) -> Any:
    return Column(
        TelegramId,
        ForeignKey("user.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


class Course(SQLModel, table=True):
    """A course folder of ``content/``, as last synced."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=48, unique=True)
    position: int
    theme: str = Field(max_length=16)
    audience: str = Field(max_length=64)
    title_zh: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    description_zh: str = Field(sa_type=Text)
    description_en: str = Field(sa_type=Text)
    sources: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    content_hash: str = Field(max_length=64)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Lesson(SQLModel, table=True):
    """One lesson in both languages; ``key`` is its file name sans language: ``01-what-is-nqp``."""

    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(
        sa_column=Column(ForeignKey("course.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=64)
    position: int
    title_zh: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    body_zh: str = Field(sa_type=Text)
    body_en: str = Field(sa_type=Text)
    minutes: int | None = None
    image_zh: str | None = Field(default=None, max_length=255)
    image_en: str | None = Field(default=None, max_length=255)
    sources_zh: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    sources_en: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    content_hash: str = Field(max_length=64)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuizQuestion(SQLModel, table=True):
    """A quiz question; options are ``[{"zh", "en", "correct"}]`` in the order they are shown."""

    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(
        sa_column=Column(ForeignKey("course.id", ondelete="CASCADE"), nullable=False)
    )
    lesson_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("lesson.id", ondelete="SET NULL"), nullable=True)
    )
    key: str = Field(max_length=24)
    position: int
    kind: str = Field(max_length=8)
    text_zh: str = Field(sa_type=Text)
    text_en: str = Field(sa_type=Text)
    options: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    explanation_zh: str = Field(sa_type=Text)
    explanation_en: str = Field(sa_type=Text)
    content_hash: str = Field(max_length=64)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LessonProgress(SQLModel, table=True):
    """A learner's progress through one lesson: opened, then completed.

    ``part`` is the part of the lesson (1, 2, 3…) the learner has reached in this reading; a
    lesson read to the end and opened again starts at 1 while staying completed.
    """

    __table_args__ = (
        Index("ix_lessonprogress_lesson", "lesson_id"),
        Index("ix_lessonprogress_completed", "completed_at"),  # the dashboard's trends
    )

    user_id: int = Field(sa_column=_user_column(primary_key=True))
    lesson_id: int = Field(
        sa_column=Column(
            ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    part: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class QuizAttempt(SQLModel, table=True):
    """One run through a course's quiz; the best finished attempt is the learner's score."""

    __table_args__ = (Index("ix_quizattempt_user_course", "user_id", "course_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_column())
    course_id: int = Field(
        sa_column=Column(ForeignKey("course.id", ondelete="CASCADE"), nullable=False)
    )
    total: int
    score: int = 0
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class QuizAnswer(SQLModel, table=True):
    """One answer within an attempt; a second press on the same question is ignored.

    ``choices`` index the question's options as the content file lists them; ``shown`` is the
    order they were shown in (file indices, top to bottom), so "B" can be told afterwards.
    """

    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        Index("ix_quizanswer_question", "question_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(
        sa_column=Column(ForeignKey("quizattempt.id", ondelete="CASCADE"), nullable=False)
    )
    question_id: int = Field(
        sa_column=Column(ForeignKey("quizquestion.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(sa_column=_user_column())
    choices: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shown: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    correct: bool
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReviewItem(SQLModel, table=True):
    """A question a learner got wrong, coming back on an SM-2 schedule until it sticks."""

    __table_args__ = (Index("ix_reviewitem_user_due", "user_id", "due_at"),)

    user_id: int = Field(sa_column=_user_column(primary_key=True))
    question_id: int = Field(
        sa_column=Column(
            ForeignKey("quizquestion.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    repetitions: int = 0
    interval_days: int = 1
    ease: float = 2.5
    lapses: int = 0
    due_at: datetime = Field(sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LearningPreference(SQLModel, table=True):
    """A learner's choices: the daily lesson time (``HH:MM``, local) and leaderboard visibility."""

    user_id: int = Field(sa_column=_user_column(primary_key=True))
    daily_at: str | None = Field(default=None, max_length=5)
    leaderboard_hidden: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
