"""Personal reminders: what to remind whom of, and when; the timer itself is a scheduled job."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class ReminderStatus(StrEnum):
    """The reminder's own life; whether it fired, was missed or cancelled is its job's status."""

    ASKING = "asking"
    DRAFT = "draft"
    SET = "set"
    STOPPED = "stopped"


class Reminder(SQLModel, table=True):
    """One reminder for one person; ``job_key`` names the scheduled job once it is set.

    A recurring reminder has a ``repeat`` rule (``daily``, ``workdays``, ``weekly:0,2``,
    ``monthly:31``), a local ``clock`` time and the ``timezone`` it is read in; ``due_at`` and
    ``job_key`` then follow its next occurrence, and ``stopped`` ends it.

    Reminders made by a button ("Remind me" on an event or lesson) carry ``source`` and ``ref``,
    and are unique per user and thing: pressing the button twice keeps one reminder.
    """

    __table_args__ = (UniqueConstraint("user_id", "source", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    subject: str = Field(default="", max_length=200)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=ReminderStatus.DRAFT, max_length=8)
    source: str = Field(default="manual", max_length=16)
    ref: str | None = Field(default=None, max_length=64)
    job_key: str | None = Field(default=None, max_length=128, unique=True)
    repeat: str | None = Field(default=None, max_length=32)
    clock: str | None = Field(default=None, max_length=5)
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
