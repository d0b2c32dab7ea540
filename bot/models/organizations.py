"""The campaign's structure: the organisation tree (province → city → county → union), studios."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class OrgLevel(StrEnum):
    """Levels of the tree reports roll up through."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    UNION = "union"


class OrgUnit(SQLModel, table=True):
    """A node of the organisation tree; enterprises hang below a county or city."""

    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    level: str = Field(max_length=16)
    parent_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("orgunit.id", ondelete="RESTRICT"), index=True)
    )
    studio_target: float | None = Field(default=None, description="target studio coverage, 0-1")


class Studio(SQLModel, table=True):
    """An innovation studio of model workers and craftsmen."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    leader_id: int | None = Field(
        default=None,
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="SET NULL"), index=True),
    )
    enterprise_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("enterprise.id", ondelete="SET NULL"), index=True)
    )
    field: str | None = Field(default=None, max_length=64)
    founded_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StudioMember(SQLModel, table=True):
    """A person belonging to a studio (the leader is a member too)."""

    __table_args__ = (Index("ix_studiomember_user", "user_id"),)  # "is this person in one?"

    studio_id: int = Field(
        sa_column=Column(ForeignKey("studio.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
