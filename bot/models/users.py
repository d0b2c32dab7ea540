"""People and where they work: users, enterprises and role grants."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class Role(StrEnum):
    """What a person may do; a user holds any number of roles besides the implied worker."""

    WORKER = "worker"
    MODEL_WORKER = "model_worker"
    CRAFTSMAN = "craftsman"
    REVIEWER = "reviewer"
    ORGANISER = "organiser"  # sees the campaign's figures of one unit: see OrganiserScope
    ADMIN = "admin"


class OnboardingStep(StrEnum):
    """The question onboarding asks next; stored on the user so a restart resumes there."""

    NEW = "new"  # never asked yet: /start begins; nothing else is taken as an answer
    ENTERPRISE = "enterprise"
    DEPARTMENT = "department"
    OCCUPATION = "occupation"


class Enterprise(SQLModel, table=True):
    """A workplace users belong to; typed in by users or imported by staff."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    org_unit_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("orgunit.id", ondelete="SET NULL"), index=True)
    )
    region: str | None = Field(default=None, max_length=64)
    # False for a name a user typed in onboarding: shown to admins to merge, not in the picker.
    verified: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    """A person who has talked to the bot; the primary key is their Telegram user id."""

    id: int = Field(sa_column=Column(TelegramId, primary_key=True, autoincrement=False))
    name: str = Field(max_length=128)
    username: str | None = Field(default=None, max_length=64)
    locale: str = Field(default="zh", max_length=8)
    timezone: str | None = Field(default=None, max_length=64)
    enterprise_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("enterprise.id", ondelete="SET NULL"), index=True)
    )
    department: str | None = Field(default=None, max_length=64)
    occupation: str | None = Field(default=None, max_length=64)
    onboarding_step: str | None = Field(default=OnboardingStep.NEW, max_length=16)
    # An enterprise name typed in onboarding that matched none, kept until confirmed as new.
    enterprise_draft: str | None = Field(default=None, max_length=80)
    # The step of each flow the user is in ({"ideas": "title"}), read with every update and
    # written in the same transaction as the answer that moved it.
    flows: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    is_active: bool = Field(default=True)
    blocked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class RoleGrant(SQLModel, table=True):
    """One role held by one user, with who granted it."""

    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(primary_key=True, max_length=16)
    granted_by: int | None = Field(default=None, sa_type=TelegramId)
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrganiserScope(SQLModel, table=True):
    """The part of the organisation an organiser sees: one unit of the tree or one enterprise.

    It goes with the organiser's ``RoleGrant``; exactly one of the two columns is set.
    """

    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    org_unit_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("orgunit.id", ondelete="CASCADE"))
    )
    enterprise_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    )
    granted_by: int | None = Field(default=None, sa_type=TelegramId)
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
