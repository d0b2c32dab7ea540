"""The questions of a proposal, their order, and the draft as the conversation sees it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.organizations import Studio
from bot.models.proposals import (
    BENEFIT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    BenefitCategory,
    MediaKind,
    Proposal,
    ProposalMedia,
    ProposalStatus,
)
from bot.services.proposals.rules import ProposalLine, ProposalNotFound

EDIT = "e_"


class DraftStep(StrEnum):
    """The questions in order; ``e_<step>`` is the same question asked from the preview."""

    TITLE = "title"
    PROBLEM = "problem"
    SOLUTION = "solution"
    BENEFIT = "benefit"
    BENEFIT_TEXT = "benefit_text"
    PHOTOS = "photos"
    ATTACHMENT = "attachment"
    STUDIO = "studio"
    ANONYMOUS = "anonymous"
    PREVIEW = "preview"

    @classmethod
    def optional(cls) -> frozenset[DraftStep]:
        """Questions that may be skipped."""
        return frozenset({cls.BENEFIT_TEXT, cls.PHOTOS, cls.ATTACHMENT, cls.STUDIO})


ORDER = list(DraftStep)
ASKS_TEXT: dict[DraftStep, tuple[str, int]] = {
    DraftStep.TITLE: ("title", TITLE_MAX),
    DraftStep.PROBLEM: ("problem", TEXT_MAX),
    DraftStep.SOLUTION: ("solution", TEXT_MAX),
    DraftStep.BENEFIT_TEXT: ("benefit_text", BENEFIT_MAX),
}
STATES = (
    *(s.value for s in DraftStep),
    *(f"{EDIT}{s.value}" for s in DraftStep if s != DraftStep.PREVIEW),
)


FOLLOW_UPS = {DraftStep.BENEFIT_TEXT: DraftStep.BENEFIT}


def questions(*, has_studios: bool, skip_solution: bool = False) -> tuple[DraftStep, ...]:
    """The numbered questions a draft asks, in order; the intro and every question count these.

    The expected effect is a follow-up of the benefit question (it shares its number); the
    studio is asked only when there are studios, the solution not when a voice note told it.
    """
    return tuple(
        step
        for step in ORDER
        if step not in FOLLOW_UPS
        and step != DraftStep.PREVIEW
        and (has_studios or step != DraftStep.STUDIO)
        and not (skip_solution and step == DraftStep.SOLUTION)
    )


def base(step: str) -> DraftStep:
    """The question a (possibly editing) step asks."""
    return DraftStep(step.removeprefix(EDIT))


def following(step: str, *, has_studios: bool, skip_solution: bool = False) -> str:
    """The step after ``step``: the next question, or the preview when editing."""
    if step.startswith(EDIT):
        if base(step) == DraftStep.BENEFIT:
            return f"{EDIT}{DraftStep.BENEFIT_TEXT.value}"
        return DraftStep.PREVIEW.value
    for candidate in ORDER[ORDER.index(base(step)) + 1 :]:
        if candidate == DraftStep.STUDIO and not has_studios:
            continue
        if candidate == DraftStep.SOLUTION and skip_solution:
            continue
        return candidate.value
    return DraftStep.PREVIEW.value


@dataclass(frozen=True, slots=True)
class DraftView:
    """A draft: where it is and what it holds."""

    id: int
    step: str
    title: str | None
    problem: str | None
    solution: str | None
    benefit: BenefitCategory | None
    benefit_text: str | None
    place: str | None
    studio: str | None
    anonymous: bool | None
    photos: int
    voices: int
    documents: tuple[str, ...]
    questions: tuple[DraftStep, ...] = ()
    similar: tuple[ProposalLine, ...] = ()

    @property
    def question(self) -> DraftStep:
        """The question to ask now."""
        return base(self.step)

    @property
    def number(self) -> int | None:
        """The current question's place in :attr:`questions` (from 1); ``None`` at the preview."""
        asked = FOLLOW_UPS.get(self.question, self.question)
        return self.questions.index(asked) + 1 if asked in self.questions else None

    @property
    def editing(self) -> bool:
        """Whether this question was reached from the preview (and returns to it)."""
        return self.step.startswith(EDIT)

    @property
    def complete(self) -> bool:
        """Whether it can be submitted: title, problem and solution (or a voice note), category."""
        described = bool(self.problem and self.solution) or self.voices > 0
        return (
            bool(self.title)
            and described
            and self.benefit is not None
            and self.anonymous is not None
        )


# Asked on every step of a draft: built once (building a statement costs more than running it).
DRAFT = select(Proposal).where(
    Proposal.author_id == bindparam("author_id"), Proposal.status == ProposalStatus.DRAFT.value
)
MEDIA = (
    select(ProposalMedia)
    .where(ProposalMedia.proposal_id == bindparam("proposal_id"))
    .order_by(col(ProposalMedia.id))
)


async def draft_of(session: AsyncSession, user_id: int) -> Proposal:
    """The user's draft row; :class:`ProposalNotFound` when there is none."""
    found = (await session.exec(DRAFT, params={"author_id": user_id})).first()
    if found is None:
        raise ProposalNotFound(user_id)
    return found


async def view_of(session: AsyncSession, draft: Proposal) -> DraftView:
    """The draft with its media counted and its studio named."""
    media = (await session.exec(MEDIA, params={"proposal_id": draft.id})).all()
    studio = await session.get(Studio, draft.studio_id) if draft.studio_id else None
    voices = sum(m.kind == MediaKind.VOICE for m in media)
    return DraftView(
        id=draft.id or 0,
        step=draft.step or DraftStep.TITLE.value,
        title=draft.title,
        problem=draft.problem,
        solution=draft.solution,
        benefit=BenefitCategory(draft.benefit) if draft.benefit else None,
        benefit_text=draft.benefit_text,
        place=draft.place,
        studio=studio.name if studio else None,
        anonymous=draft.anonymous,
        photos=sum(m.kind == MediaKind.PHOTO for m in media),
        voices=voices,
        documents=tuple(m.file_name or "" for m in media if m.kind == MediaKind.DOCUMENT),
        questions=questions(
            has_studios=await has_studios(session),
            # a voice note sent for the problem told the solution too: that question was skipped
            skip_solution=voices > 0 and draft.problem is None and draft.solution is None,
        ),
    )


async def has_studios(session: AsyncSession) -> bool:
    """Whether any innovation studio exists (only then is a draft asked for one).

    Asked up to three times in one draft step; read once per session.
    """
    known = session.info.get("has_studios")
    if known is None:
        known = (await session.exec(select(Studio.id).limit(1))).first() is not None
        session.info["has_studios"] = known
    return bool(known)
