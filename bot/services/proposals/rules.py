"""The proposal state machine, its errors and the shapes services hand to handlers.

Kept free of the database so the rules can be read, and tested, on one page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.models.proposals import BenefitCategory, MediaKind, ProposalMedia, ProposalStatus
from bot.services.core import PermissionDenied

S = ProposalStatus
SUBMIT_POINTS, ACCEPT_POINTS, IMPLEMENT_POINTS = 5, 20, 50
POINT_REASONS = ("proposal_submitted", "proposal_accepted", "proposal_implemented")
PENDING = (S.SUBMITTED, S.UNDER_REVIEW)
IN_REVIEW = (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFO)
DECIDED_WELL = (S.ACCEPTED, S.IMPLEMENTED)
CATEGORIES = tuple(BenefitCategory)


class Actor(StrEnum):
    """Who may make a move: the proposal's author or someone allowed to review it."""

    AUTHOR = "author"
    REVIEWER = "reviewer"


# Reading a proposal is not a decision: a reviewer decides from "submitted" straight away;
# "under review" is where the author's answer to "needs info" puts it back.
TRANSITIONS: dict[tuple[ProposalStatus, ProposalStatus], Actor] = {
    (S.DRAFT, S.SUBMITTED): Actor.AUTHOR,
    (S.SUBMITTED, S.ACCEPTED): Actor.REVIEWER,
    (S.SUBMITTED, S.REJECTED): Actor.REVIEWER,
    (S.SUBMITTED, S.NEEDS_INFO): Actor.REVIEWER,
    (S.SUBMITTED, S.WITHDRAWN): Actor.AUTHOR,
    (S.UNDER_REVIEW, S.ACCEPTED): Actor.REVIEWER,
    (S.UNDER_REVIEW, S.REJECTED): Actor.REVIEWER,
    (S.UNDER_REVIEW, S.NEEDS_INFO): Actor.REVIEWER,
    (S.UNDER_REVIEW, S.WITHDRAWN): Actor.AUTHOR,
    (S.NEEDS_INFO, S.UNDER_REVIEW): Actor.AUTHOR,
    (S.NEEDS_INFO, S.WITHDRAWN): Actor.AUTHOR,
    (S.ACCEPTED, S.IMPLEMENTED): Actor.REVIEWER,
}
NEEDS_COMMENT = frozenset({S.REJECTED, S.NEEDS_INFO})
POINTS = {
    S.SUBMITTED: ("proposal_submitted", SUBMIT_POINTS),
    S.ACCEPTED: ("proposal_accepted", ACCEPT_POINTS),
    S.IMPLEMENTED: ("proposal_implemented", IMPLEMENT_POINTS),
}


def actor_for(current: ProposalStatus, to: ProposalStatus) -> Actor | None:
    """Who may move a proposal from ``current`` to ``to``; ``None`` when nobody may."""
    return TRANSITIONS.get((current, to))


def earned(status: ProposalStatus) -> list[tuple[str, int]]:
    """Every (reason, points) an author has earned once a proposal reached ``status``."""
    reached = {
        S.SUBMITTED: [S.SUBMITTED],
        S.ACCEPTED: [S.SUBMITTED, S.ACCEPTED],
        S.IMPLEMENTED: [S.SUBMITTED, S.ACCEPTED, S.IMPLEMENTED],
    }
    steps = reached.get(status, [S.SUBMITTED] if status != S.DRAFT else [])
    return [POINTS[step] for step in steps]


class ProposalError(Exception):
    """Something the user asked cannot be done to this proposal."""


class ProposalNotFound(ProposalError):
    """No such proposal, or not one this person may see."""


class IllegalTransition(ProposalError):
    """The state machine has no such move from the current status."""

    def __init__(self, current: ProposalStatus, to: ProposalStatus) -> None:
        super().__init__(f"{current} -> {to}")
        self.current, self.to = current, to


class Conflict(ProposalError):
    """Someone else changed the proposal first; ``status`` is what it is now."""

    def __init__(self, status: ProposalStatus) -> None:
        super().__init__(status)
        self.status = status


class CommentRequired(ProposalError):
    """Rejecting or asking for more information needs a reason for the author."""


class OwnProposal(PermissionDenied):
    """Nobody reviews (or supports) their own proposal."""


class DailyLimit(ProposalError):
    """The author already submitted as many proposals today as allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to tell about a change, in their own language."""

    user_id: int
    locale: str


@dataclass(frozen=True, slots=True)
class ReviewScores:
    """One reviewer's own 1-5 scores (``None`` for a criterion they did not score)."""

    feasibility: int | None = None
    benefit: int | None = None
    novelty: int | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    """A transition that happened, with everyone who should hear about it."""

    proposal_id: int
    number: str
    title: str
    from_status: ProposalStatus
    to_status: ProposalStatus
    comment: str | None
    actor_id: int | None
    author: Recipient
    supporters: tuple[Recipient, ...] = ()
    asked_by: Recipient | None = None
    studio_lead: Recipient | None = None  # on submission to a studio, its leader
    review: ReviewScores | None = None  # the deciding reviewer's scores, if they gave any


@dataclass(frozen=True, slots=True)
class Scores:
    """Average scores over reviewers (``None`` when nobody scored that criterion)."""

    feasibility: float | None = None
    benefit: float | None = None
    novelty: float | None = None
    reviewers: int = 0


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a proposal's status history."""

    from_status: ProposalStatus
    to_status: ProposalStatus
    comment: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ProposalCard:
    """Everything a card shows; ``author_name`` is ``None`` when hidden from the viewer."""

    id: int
    number: str
    title: str
    problem: str | None
    solution: str | None
    benefit: BenefitCategory | None
    benefit_text: str | None
    place: str | None
    studio: str | None
    enterprise: str | None
    status: ProposalStatus
    anonymous: bool
    is_author: bool
    author_name: str | None
    submitted_at: datetime | None
    supporters: int
    supported: bool
    scores: Scores
    photos: tuple[str, ...] = ()
    voices: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    comments: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ProposalLine:
    """A proposal in a list."""

    id: int
    number: str
    title: str
    status: ProposalStatus
    supporters: int


@dataclass(frozen=True, slots=True)
class Mine:
    """One's own proposals, and the title of an unfinished draft ("" untitled, None: no draft)."""

    proposals: list[ProposalLine]
    draft: str | None


@dataclass(frozen=True, slots=True)
class NewMedia:
    """A file someone sent, to keep with a proposal."""

    kind: MediaKind
    file_id: str
    file_unique_id: str
    file_name: str | None = None

    def row(self, proposal_id: int) -> ProposalMedia:
        """The table row for this file."""
        return ProposalMedia(
            proposal_id=proposal_id,
            kind=self.kind.value,
            file_id=self.file_id,
            file_unique_id=self.file_unique_id,
            file_name=self.file_name,
        )
