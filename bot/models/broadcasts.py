"""Broadcasts and their outbox: one row per message, one delivery row per recipient.

A delivery row is claimed (``sending``) before Telegram is called and marked ``sent`` once it
answers, so a crash leaves evidence: rows still ``sending`` become ``unknown`` on the next
start and are reported, never resent blindly.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class BroadcastStatus(StrEnum):
    """Where a broadcast is: waiting for its time, a recurring template, started or cancelled."""

    SCHEDULED = "scheduled"
    RECURRING = "recurring"
    STARTED = "started"
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    """Where one message to one person is; only ``pending`` rows that are due are claimed."""

    PENDING = "pending"
    DIGEST = "digest"
    BUNDLED = "bundled"
    CLAIMED = "claimed"  # taken by a sender, not yet attempted: pending again after a crash
    SENDING = "sending"  # its call may be under way: unknown after a crash
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


class Broadcast(SQLModel, table=True):
    """An announcement, event notice or reminder to an audience, in both languages."""

    __table_args__ = (UniqueConstraint("parent_id", "occurrence_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    status: str = Field(default=BroadcastStatus.STARTED, max_length=16)
    html_zh: str = Field(sa_type=Text)
    html_en: str = Field(sa_type=Text)
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    buttons: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    photo: bytes | None = Field(default=None, sa_type=LargeBinary)
    photo_id: str | None = Field(default=None, max_length=256)
    urgent: bool = Field(default=False)
    must_read: bool = Field(default=False)
    remind_after_minutes: int = Field(default=24 * 60)
    send_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cron: str | None = Field(default=None, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    parent_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("broadcast.id", ondelete="SET NULL"), index=True)
    )
    occurrence_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late: bool = Field(default=False)
    opted_out: int = Field(default=0)
    created_by: int | None = Field(default=None, sa_type=TelegramId)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Delivery(SQLModel, table=True):
    """One message to one person: round 0 is the broadcast, rounds 1-2 must-read reminders.

    A row without a broadcast is a daily digest; the rows it carries point at it by ``digest_id``.
    """

    __table_args__ = (
        UniqueConstraint("broadcast_id", "user_id", "round"),
        Index("ix_delivery_claim", "status", "lane", "due_at", "id"),
        Index("ix_delivery_report", "broadcast_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    )
    user_id: int = Field(
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    round: int = Field(default=0)
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16)
    locale: str = Field(default="zh", max_length=8)
    lane: int = Field(default=2, description="0 urgent, 1 reminders, 2 the rest: lower goes first")
    due_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: int | None = Field(default=None, sa_type=TelegramId)
    reply_to: int | None = Field(default=None, sa_type=TelegramId)
    digest_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("delivery.id", ondelete="SET NULL"), index=True)
    )
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, max_length=200)


class AnnouncementDraft(SQLModel, table=True):
    """What an admin has composed so far in /announce; ``step`` is the question asked next."""

    admin_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    step: str = Field(max_length=16)
    html_zh: str = Field(default="", sa_type=Text)
    html_en: str | None = Field(default=None, sa_type=Text)
    photo_id: str | None = Field(default=None, max_length=256)
    everyone: bool = Field(default=False)
    enterprise_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    departments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    urgent: bool = Field(default=False)
    must_read: bool = Field(default=False)
    send_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cron: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
