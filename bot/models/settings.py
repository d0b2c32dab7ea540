"""Which pushes a person wants, when they want silence, and when their daily digest comes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class PushPreference(SQLModel, table=True):
    """A user's push settings; users without a row get the defaults.

    Each topic is ``now``, ``digest`` or ``off``. Quiet hours are minutes after local midnight;
    equal ``quiet_from`` and ``quiet_until`` mean no quiet hours.
    """

    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    announcements: str = Field(default="now", max_length=8)
    events: str = Field(default="now", max_length=8)
    lessons: str = Field(default="now", max_length=8)
    proposals: str = Field(default="now", max_length=8)
    quiet_from: int = Field(default=22 * 60)
    quiet_until: int = Field(default=7 * 60)
    digest_hour: int = Field(default=18)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
