"""Points earned for learning, proposals and help: an append-only ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class PointsEntry(SQLModel, table=True):
    """Points given once per (user, reason, ref): awarding twice for the same thing does nothing."""

    __table_args__ = (
        UniqueConstraint("user_id", "reason", "ref"),
        Index("ix_pointsentry_user_at", "user_id", "awarded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    )
    reason: str = Field(max_length=32)
    ref: str = Field(max_length=64)
    points: int
    awarded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
