"""The one typed answer a person owes about a proposal: a reply, a reason, a comment.

Stored as a row so that the question survives a restart; asking one pauses the person's
draft, so a user is never in two conversations at once.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.db import Database
from bot.models.proposals import Proposal, ProposalPrompt, ProposalStatus
from bot.services.proposals.proposals import ProposalService
from bot.services.proposals.rules import IllegalTransition, ProposalLine, ProposalNotFound

S = ProposalStatus
PREFIX = "p_"


class PromptKind(StrEnum):
    """What the typed answer will become."""

    REPLY = "reply"
    REJECT = "reject"
    NEEDS_INFO = "needs_info"
    COMMENT = "comment"

    @property
    def state(self) -> str:
        """The conversation state that waits for this answer."""
        return f"{PREFIX}{self.value}"


STATES = tuple(kind.state for kind in PromptKind)
REQUIRED_STATUS = {
    PromptKind.REPLY: S.NEEDS_INFO,
    PromptKind.REJECT: S.UNDER_REVIEW,
    PromptKind.NEEDS_INFO: S.UNDER_REVIEW,
}
TARGET = {
    PromptKind.REPLY: S.UNDER_REVIEW,
    PromptKind.REJECT: S.REJECTED,
    PromptKind.NEEDS_INFO: S.NEEDS_INFO,
}


class ProposalPromptService:
    """Ask for, find and forget the typed answer a person owes."""

    def __init__(self, db: Database, proposals: ProposalService) -> None:
        self._db = db
        self._proposals = proposals

    async def _check(self, user_id: int, proposal_id: int, kind: PromptKind) -> ProposalLine:
        proposal = await self._proposals.find(proposal_id=proposal_id)
        if proposal is None or not await self._proposals.visible(
            proposal=proposal, viewer_id=user_id
        ):
            raise ProposalNotFound(proposal_id)
        if kind == PromptKind.REPLY and proposal.author_id != user_id:
            raise ProposalNotFound(proposal_id)
        if kind in (PromptKind.REJECT, PromptKind.NEEDS_INFO):
            await self._proposals.authorize_review(user_id=user_id, proposal=proposal)
        required = REQUIRED_STATUS.get(kind)
        if required is not None and proposal.status != required:
            raise IllegalTransition(S(proposal.status), TARGET[kind])
        return ProposalLine(
            proposal_id, proposal.number or "", proposal.title or "", S(proposal.status), 0
        )

    async def ask(self, *, user_id: int, proposal_id: int, kind: PromptKind) -> ProposalLine:
        """Wait for an answer the person may give; their draft pauses meanwhile."""
        about = await self._check(user_id, proposal_id, kind)
        async with self._db.session() as session:
            await session.exec(delete(ProposalPrompt).where(col(ProposalPrompt.user_id) == user_id))
            session.add(ProposalPrompt(user_id=user_id, proposal_id=proposal_id, kind=kind.value))
            await session.exec(
                update(Proposal)
                .where(col(Proposal.author_id) == user_id, col(Proposal.status) == S.DRAFT.value)
                .values(paused=True)
            )
        return about

    async def pending(self, *, user_id: int) -> tuple[int, PromptKind] | None:
        """The proposal and kind of answer this person owes, if any."""
        async with self._db.reader() as session:
            prompt = await session.get(ProposalPrompt, user_id)
            return (prompt.proposal_id, PromptKind(prompt.kind)) if prompt else None

    async def clear(self, *, user_id: int) -> None:
        """Stop waiting for an answer."""
        async with self._db.session() as session:
            await session.exec(delete(ProposalPrompt).where(col(ProposalPrompt.user_id) == user_id))

    async def states(self) -> dict[int, str]:
        """Everyone owing an answer, with the conversation state that waits for it."""
        async with self._db.reader() as session:
            rows = await session.exec(select(ProposalPrompt.user_id, ProposalPrompt.kind))
            return {user_id: PromptKind(kind).state for user_id, kind in rows.all()}
