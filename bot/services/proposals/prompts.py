"""The one typed answer a person owes about a proposal: a reply, a reason, a comment.

Accepting asks too: the reviewer confirms, and may add a comment for the author.

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
from bot.services.proposals.rules import (
    PENDING,
    IllegalTransition,
    ProposalLine,
    ProposalNotFound,
)

S = ProposalStatus
PREFIX = "p_"


class PromptKind(StrEnum):
    """What the typed answer will become."""

    REPLY = "reply"
    ACCEPT = "accept"
    REJECT = "reject"
    NEEDS_INFO = "needs_info"
    COMMENT = "comment"

    @property
    def state(self) -> str:
        """The conversation state that waits for this answer."""
        return f"{PREFIX}{self.value}"


STATES = tuple(kind.state for kind in PromptKind)
DECISIONS = (PromptKind.ACCEPT, PromptKind.REJECT, PromptKind.NEEDS_INFO)
REQUIRED_STATUS: dict[PromptKind, tuple[ProposalStatus, ...]] = {
    PromptKind.REPLY: (S.NEEDS_INFO,),
    **dict.fromkeys(DECISIONS, PENDING),
}
TARGET = {
    PromptKind.REPLY: S.UNDER_REVIEW,
    PromptKind.ACCEPT: S.ACCEPTED,
    PromptKind.REJECT: S.REJECTED,
    PromptKind.NEEDS_INFO: S.NEEDS_INFO,
}


class ProposalPromptService:
    """Ask for, find and forget the typed answer a person owes."""

    def __init__(self, db: Database, proposals: ProposalService) -> None:
        self._db = db
        self._proposals = proposals

    async def _check(self, user_id: int, proposal_id: int, kind: PromptKind) -> ProposalLine:
        if kind in DECISIONS:
            await self._proposals.may_review(user_id=user_id)
        proposal = await self._proposals.find(proposal_id=proposal_id)
        if proposal is None or not await self._proposals.visible(
            proposal=proposal, viewer_id=user_id
        ):
            raise ProposalNotFound(proposal_id)
        if kind == PromptKind.REPLY and proposal.author_id != user_id:
            raise ProposalNotFound(proposal_id)
        if kind in DECISIONS:
            await self._proposals.authorize_review(user_id=user_id, proposal=proposal)
        required = REQUIRED_STATUS.get(kind)
        if required is not None and proposal.status not in required:
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

    async def clear(self, *, user_id: int) -> bool:
        """Stop waiting for an answer; whether one was owed."""
        async with self._db.session() as session:
            result = await session.exec(
                delete(ProposalPrompt).where(col(ProposalPrompt.user_id) == user_id)
            )
            return bool(result.rowcount)

    async def states(self) -> dict[int, str]:
        """Everyone owing an answer, with the conversation state that waits for it."""
        async with self._db.reader() as session:
            rows = await session.exec(select(ProposalPrompt.user_id, ProposalPrompt.kind))
            return {user_id: PromptKind(kind).state for user_id, kind in rows.all()}
