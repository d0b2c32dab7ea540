"""The campaign's network: expert profiles, service teams, pairings, help requests, bases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime


class Honour(StrEnum):
    """The title that makes someone a model worker or craftsman."""

    NATIONAL_MODEL_WORKER = "national_model_worker"
    PROVINCIAL_MODEL_WORKER = "provincial_model_worker"
    CITY_MODEL_WORKER = "city_model_worker"
    GREAT_CRAFTSMAN = "great_craftsman"
    SANQIN_CRAFTSMAN = "sanqin_craftsman"
    OTHER = "other"


class Speciality(StrEnum):
    """The fields experts work in and help requests are filed under."""

    MACHINING = "machining"
    WELDING = "welding"
    ELECTRICAL = "electrical"
    AUTOMATION = "automation"
    CHEMICAL = "chemical"
    ENERGY = "energy"
    CONSTRUCTION = "construction"
    MATERIALS = "materials"
    DIGITAL = "digital"
    QUALITY = "quality"
    AGRICULTURE = "agriculture"
    MANAGEMENT = "management"


class ActivityKind(StrEnum):
    """What a service-team member did for an enterprise."""

    VISIT = "visit"
    TRAINING = "training"
    SOLVED = "solved"


class HelpStatus(StrEnum):
    """Where a help request is: drafted, waiting for an expert, in conversation, closed."""

    DRAFT = "draft"
    OPEN = "open"
    ACCEPTED = "accepted"
    SOLVED = "solved"
    CANCELLED = "cancelled"


def _user_fk(*, nullable: bool = False, index: bool = True, ondelete: str = "CASCADE") -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete=ondelete), nullable=nullable, index=index
        ),
    )


class ExpertProfile(SQLModel, table=True):
    """A model worker's or craftsman's public card; they choose what of it others see."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    honour: str = Field(default=Honour.OTHER, max_length=32)
    field: str = Field(max_length=24, index=True)
    skills: str = Field(default="", max_length=255)
    region: str | None = Field(default=None, max_length=64)
    story: str | None = Field(default=None, max_length=600)
    show_name: bool = Field(default=True)
    show_enterprise: bool = Field(default=True)
    show_region: bool = Field(default=True)
    show_story: bool = Field(default=True)
    listed: bool = Field(default=True)
    first_line: bool = Field(default=True)
    available: bool = Field(default=True)
    step: str | None = Field(default=None, max_length=16)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceTeam(SQLModel, table=True):
    """A model-worker service team bringing technology, training and services to enterprises."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    created_by: int | None = Field(default=None, sa_type=TelegramId)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceTeamMember(SQLModel, table=True):
    """A person on a service team."""

    team_id: int = Field(
        sa_column=Column(ForeignKey("serviceteam.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServedEnterprise(SQLModel, table=True):
    """An enterprise a service team serves."""

    team_id: int = Field(
        sa_column=Column(ForeignKey("serviceteam.id", ondelete="CASCADE"), primary_key=True)
    )
    enterprise_id: int = Field(
        sa_column=Column(ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True)
    )
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Activity(SQLModel, table=True):
    """One entry of a team's log; ``step`` is set while its author is still writing it."""

    __table_args__ = (Index("ix_activity_author_logged", "author_id", "logged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(
            ForeignKey("serviceteam.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    author_id: int = _user_fk(index=False)
    kind: str = Field(max_length=16)
    enterprise_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("enterprise.id", ondelete="SET NULL"))
    )
    note: str | None = Field(default=None, max_length=1000)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    step: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    logged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Pairing(SQLModel, table=True):
    """An enterprise paired with a model worker, with goals and a check-in rhythm."""

    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = _user_fk()
    enterprise_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    )
    contact_id: int | None = _user_fk(nullable=True, ondelete="SET NULL")
    goals: str | None = Field(default=None, max_length=500)
    cadence_days: int = Field(default=14)
    step: str | None = Field(default=None, max_length=16)
    active: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PairCheckin(SQLModel, table=True):
    """A progress note from either side of a pair; ``step`` is set while it is being written."""

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(
        sa_column=Column(ForeignKey("pairing.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    author_id: int = _user_fk(index=False)
    note: str | None = Field(default=None, max_length=1000)
    step: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class HelpRequest(SQLModel, table=True):
    """A worker's technical problem on its way to an expert who takes it on."""

    __table_args__ = (Index("ix_helprequest_status_expert", "status", "expert_id"),)

    id: int | None = Field(default=None, primary_key=True)
    requester_id: int = _user_fk()
    field: str | None = Field(default=None, max_length=24)
    text: str | None = Field(default=None, max_length=2000)
    media: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    rural: bool = Field(default=False)
    region: str | None = Field(default=None, max_length=64)
    status: str = Field(default=HelpStatus.DRAFT, max_length=16)
    step: str | None = Field(default=None, max_length=16)
    preferred_expert_id: int | None = Field(default=None, sa_type=TelegramId)
    expert_id: int | None = Field(default=None, sa_type=TelegramId)
    round: int = Field(default=0)
    rating: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HelpOffer(SQLModel, table=True):
    """One person a request was offered to, in which round and order, and what they answered."""

    request_id: int = Field(
        sa_column=Column(ForeignKey("helprequest.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(
            TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    round: int
    position: int
    offered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    response: str | None = Field(default=None, max_length=16)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RelayMessage(SQLModel, table=True):
    """A message passed between requester and expert, kept as the request's conversation."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(
        sa_column=Column(
            ForeignKey("helprequest.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    sender_id: int = _user_fk(index=False)
    kind: str = Field(max_length=16)
    text: str | None = Field(default=None, max_length=4096)
    file_id: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RelayFocus(SQLModel, table=True):
    """Which request a person's next free message is passed on to."""

    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    request_id: int = Field(
        sa_column=Column(ForeignKey("helprequest.id", ondelete="CASCADE"), nullable=False)
    )
    set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DemoBase(SQLModel, table=True):
    """A model worker's demonstration base for rural revitalization."""

    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    region: str = Field(max_length=64)
    specialities: str = Field(default="", max_length=255)
    leader_id: int | None = _user_fk(nullable=True, ondelete="SET NULL")
    description: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
