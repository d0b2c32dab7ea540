"""Innovation proposals: proposals (drafts too), their media, audit trail, reviews and support."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.models.base import TelegramId, UTCDateTime

TITLE_MAX = 80
TEXT_MAX = 1500
BENEFIT_MAX = 500
PLACE_MAX = 48
COMMENT_MAX = 1000


class ProposalStatus(StrEnum):
    """Where a proposal is in its life; ``bot.services.proposals.rules`` has the moves allowed."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    NEEDS_INFO = "needs_info"
    ACCEPTED = "accepted"
    IMPLEMENTED = "implemented"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class BenefitCategory(StrEnum):
    """What a proposal mainly improves."""

    SAFETY = "safety"
    QUALITY = "quality"
    EFFICIENCY = "efficiency"
    COST = "cost"
    ENVIRONMENT = "environment"
    OTHER = "other"


class MediaKind(StrEnum):
    """The kinds of Telegram files a proposal keeps."""

    PHOTO = "photo"
    VOICE = "voice"
    DOCUMENT = "document"


def _user_fk(*, nullable: bool, index: bool = True) -> Column:  # type: ignore[type-arg]
    ondelete = "SET NULL" if nullable else "CASCADE"
    return Column(
        TelegramId, ForeignKey("user.id", ondelete=ondelete), nullable=nullable, index=index
    )


def _proposal_fk(*, primary_key: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(
        ForeignKey("proposal.id", ondelete="CASCADE"),
        nullable=False,
        index=not primary_key,
        primary_key=primary_key,
    )


class Proposal(SQLModel, table=True):
    """A proposal; in status draft it is its author's draft and ``step`` is the question asked."""

    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_proposal_status_submitted", "status", "submitted_at"),
        Index("ix_proposal_author_status", "author_id", "status"),
        Index("ix_proposal_enterprise_status", "enterprise_id", "status", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int | None = None
    seq: int | None = None
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    problem: str | None = Field(default=None, max_length=TEXT_MAX)
    solution: str | None = Field(default=None, max_length=TEXT_MAX)
    benefit: str | None = Field(default=None, max_length=16)
    benefit_text: str | None = Field(default=None, max_length=BENEFIT_MAX)
    place: str | None = Field(default=None, max_length=PLACE_MAX)
    studio_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("studio.id", ondelete="SET NULL"), index=True)
    )
    anonymous: bool | None = None
    author_id: int = Field(sa_column=_user_fk(nullable=False, index=False))
    enterprise_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("enterprise.id", ondelete="SET NULL"), index=True)
    )
    status: str = Field(default=ProposalStatus.DRAFT, max_length=16)
    step: str | None = Field(default=None, max_length=16)
    paused: bool = Field(default=False)
    version: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def number(self) -> str | None:
        """The number people quote, e.g. 2026-0042; none before submission."""
        if self.year is None or self.seq is None:
            return None
        return f"{self.year}-{self.seq:04d}"


class ProposalMedia(SQLModel, table=True):
    """A photo, voice note or document attached to a proposal, kept as Telegram file ids."""

    __table_args__ = (UniqueConstraint("proposal_id", "file_unique_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(sa_column=_proposal_fk())
    kind: str = Field(max_length=16)
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(max_length=64)
    file_name: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalTransition(SQLModel, table=True):
    """The audit trail: one row per status change, with who did it and why."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(sa_column=_proposal_fk())
    actor_id: int | None = Field(default=None, sa_column=_user_fk(nullable=True, index=False))
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalReview(SQLModel, table=True):
    """One reviewer's scores (1-5) for one proposal; averaged over reviewers."""

    proposal_id: int = Field(sa_column=_proposal_fk(primary_key=True))
    reviewer_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    feasibility: int | None = None
    benefit: int | None = None
    novelty: int | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalSupport(SQLModel, table=True):
    """A 👍 from a peer; the primary key makes it once per person, however fast they tap."""

    proposal_id: int = Field(sa_column=_proposal_fk(primary_key=True))
    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalComment(SQLModel, table=True):
    """A peer's comment on a proposal."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(sa_column=_proposal_fk())
    author_id: int = Field(sa_column=_user_fk(nullable=False))
    text: str = Field(max_length=COMMENT_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalPrompt(SQLModel, table=True):
    """A typed answer someone owes (a reply, a reason, a comment); one per user."""

    user_id: int = Field(
        sa_column=Column(TelegramId, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    proposal_id: int = Field(sa_column=_proposal_fk())
    kind: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
