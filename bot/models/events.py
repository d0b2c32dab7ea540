"""Events (trainings, ceremonies, service visits), who answered what, and who checked in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime

DEFAULT_REMINDERS = [24 * 60, 60]


class EventStatus(StrEnum):
    """A draft is being written by an organiser; only published events are shown and announced."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    """What someone answered; ``waitlisted`` is "going" when the event was full."""

    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"


class Event(SQLModel, table=True):
    """One event; ``going`` counts the seats taken, changed only by conditional updates."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(default="", max_length=120)
    description: str = Field(default="", sa_type=Text)
    place: str = Field(default="", max_length=200)
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    capacity: int | None = Field(default=None)
    going: int = Field(default=0)
    audience: dict[str, Any] = Field(
        default_factory=lambda: {"everyone": True}, sa_column=Column(JSON, nullable=False)
    )
    remind_before: list[int] = Field(
        default_factory=lambda: list(DEFAULT_REMINDERS), sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=EventStatus.DRAFT, max_length=16)
    step: str | None = Field(default=None, max_length=16)
    checkin_token: str = Field(max_length=32, unique=True)
    created_by: int | None = Field(
        default=None,
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="SET NULL"), index=True),
    )
    broadcast_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Rsvp(SQLModel, table=True):
    """One person's answer to one event, their place on the waitlist and their check-in."""

    __table_args__ = (Index("ix_rsvp_event_answer", "event_id", "answer", "answered_at"),)

    event_id: int = Field(
        sa_column=Column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    answer: str = Field(max_length=16)
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
