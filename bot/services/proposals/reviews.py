"""The review queue of model workers, craftsmen, reviewers and studio leaders.

Every method checks the person's roles again in the database: holding a button is never
proof of being allowed to press it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.clock import utcnow
from bot.db import Database
from bot.models.organizations import Studio
from bot.models.proposals import (
    BenefitCategory,
    Proposal,
    ProposalReview,
    ProposalStatus,
)
from bot.models.users import Enterprise, Role
from bot.services.core import REVIEWERS, PermissionDenied, UserService, holds
from bot.services.proposals.proposals import ProposalService, recipient
from bot.services.proposals.rules import (
    DECIDED_WELL,
    PENDING,
    ProposalCard,
    ProposalError,
    ProposalNotFound,
    Recipient,
)
from bot.services.proposals.views import build_card

S = ProposalStatus
CRITERIA = {"f": "feasibility", "b": "benefit", "n": "novelty"}
ASSIGNABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFO, S.ACCEPTED)


@dataclass(frozen=True, slots=True)
class ReviewScope:
    """What a person may review: everything (a reviewing role), or only their studios' proposals."""

    everything: bool
    studios: frozenset[int]
    admin: bool


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which part of the queue to show; ``accepted`` lists proposals waiting to be implemented."""

    category: BenefitCategory | None = None
    enterprise_id: int | None = None
    studio_id: int | None = None
    accepted: bool = False


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One card of the queue and its place in it."""

    card: ProposalCard | None
    position: int
    total: int


class ProposalReviewService:
    """The queue, scores and studio assignment."""

    def __init__(self, db: Database, users: UserService, proposals: ProposalService) -> None:
        self._db = db
        self._users = users
        self._proposals = proposals

    async def scope(self, *, user_id: int) -> ReviewScope:
        """What this person may review; :class:`PermissionDenied` when nothing."""
        roles = await self._users.roles(user_id=user_id)
        studios = await self._proposals.led_studios(user_id=user_id)
        everything = holds(roles, REVIEWERS)
        if not everything and not studios:
            raise PermissionDenied(user_id)
        return ReviewScope(everything=everything, studios=studios, admin=Role.ADMIN in roles)

    def _query(
        self, user_id: int, scope: ReviewScope, where: QueueFilter
    ) -> SelectOfScalar[Proposal]:
        statuses = DECIDED_WELL[:1] if where.accepted else PENDING
        query = select(Proposal).where(
            col(Proposal.status).in_([s.value for s in statuses]), Proposal.author_id != user_id
        )
        if not scope.everything:
            query = query.where(col(Proposal.studio_id).in_(scope.studios))
        if where.category is not None:
            query = query.where(Proposal.benefit == where.category.value)
        if where.enterprise_id is not None:
            query = query.where(Proposal.enterprise_id == where.enterprise_id)
        if where.studio_id is not None:
            query = query.where(Proposal.studio_id == where.studio_id)
        return query

    async def queue(
        self,
        *,
        user_id: int,
        where: QueueFilter | None = None,
        position: int = 0,
        anchor: int | None = None,
    ) -> QueueItem:
        """The proposal at ``position``, oldest first; reading it changes nothing.

        With ``anchor``, that proposal at its own place, found again however the queue moved
        meanwhile (``position`` only when it has left the queue).
        """
        where = where or QueueFilter()
        scope = await self.scope(user_id=user_id)
        query = self._query(user_id, scope, where)
        async with self._db.reader() as session:
            total = int(
                (await session.exec(select(func.count()).select_from(query.subquery()))).one()
            )
            if anchor is not None:
                position = await self._place(session, query, anchor, position)
            position = position if 0 <= position < total else 0
            found = (
                await session.exec(
                    query.order_by(col(Proposal.submitted_at), col(Proposal.id))
                    .offset(position)
                    .limit(1)
                )
            ).first()
        if found is None:
            return QueueItem(None, 0, total)
        return QueueItem(
            await self.card(user_id=user_id, proposal_id=found.id or 0), position, total
        )

    @staticmethod
    async def _place(
        session: AsyncSession, query: SelectOfScalar[Proposal], anchor: int, otherwise: int
    ) -> int:
        """How many proposals of ``query`` come before ``anchor`` (``otherwise`` if not in it)."""
        found = (await session.exec(query.where(Proposal.id == anchor))).first()
        if found is None or found.submitted_at is None:
            return otherwise
        earlier = query.where(
            or_(
                col(Proposal.submitted_at) < found.submitted_at,
                and_(col(Proposal.submitted_at) == found.submitted_at, col(Proposal.id) < anchor),
            )
        )
        return int((await session.exec(select(func.count()).select_from(earlier.subquery()))).one())

    async def card(self, *, user_id: int, proposal_id: int) -> ProposalCard:
        """A proposal as its reviewer sees it (an anonymous author is shown to admins only)."""
        scope = await self.scope(user_id=user_id)
        proposal = await self._proposals.find(proposal_id=proposal_id)
        if proposal is None or proposal.status == S.DRAFT:
            raise ProposalNotFound(proposal_id)
        await self._proposals.authorize_review(user_id=user_id, proposal=proposal)
        async with self._db.reader() as session:
            return await build_card(session, proposal, user_id, reveal=scope.admin)

    async def score(self, *, user_id: int, proposal_id: int, criterion: str, value: int) -> None:
        """Record one 1-5 score of this reviewer (a new score replaces their earlier one)."""
        if criterion not in CRITERIA or not 1 <= value <= 5:
            raise ProposalError("bad score")
        await self.card(user_id=user_id, proposal_id=proposal_id)
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        column = CRITERIA[criterion]
        statement = (
            insert(ProposalReview)
            .values(
                proposal_id=proposal_id, reviewer_id=user_id, updated_at=utcnow(), **{column: value}
            )
            .on_conflict_do_update(
                index_elements=["proposal_id", "reviewer_id"],
                set_={column: value, "updated_at": utcnow()},
            )
        )
        async with self._db.session() as session:
            await session.exec(statement)

    async def my_scores(self, *, user_id: int, proposal_id: int) -> dict[str, int | None]:
        """This reviewer's own scores, by criterion letter."""
        async with self._db.reader() as session:
            review = await session.get(ProposalReview, (proposal_id, user_id))
        return {key: getattr(review, name) if review else None for key, name in CRITERIA.items()}

    async def assign(self, *, user_id: int, proposal_id: int, studio_id: int) -> Recipient | None:
        """Send a proposal to an innovation studio; the studio's leader (to tell) is returned."""
        await self.card(user_id=user_id, proposal_id=proposal_id)
        async with self._db.session() as session:
            proposal = await session.get(Proposal, proposal_id)
            studio = await session.get(Studio, studio_id)
            if proposal is None or studio is None or proposal.status not in ASSIGNABLE:
                raise ProposalNotFound(proposal_id)
            proposal.studio_id = studio_id
            proposal.updated_at = utcnow()
            session.add(proposal)
            if studio.leader_id is None or studio.leader_id == user_id:
                return None
            return await recipient(session, studio.leader_id)

    async def enterprises(self, *, user_id: int) -> list[tuple[int, str]]:
        """Enterprises that have proposals waiting for review, for the filter buttons."""
        await self.scope(user_id=user_id)
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Enterprise.id, Enterprise.name)
                .join(Proposal, col(Proposal.enterprise_id) == Enterprise.id)
                .where(col(Proposal.status).in_([s.value for s in PENDING]))
                .distinct()
                .order_by(col(Enterprise.name))
            )
            return [(i, name) for i, name in rows.all() if i is not None]
