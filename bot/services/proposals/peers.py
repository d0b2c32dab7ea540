"""What colleagues do with proposals: browse, support once, comment, see this month's stars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.proposals import Proposal, ProposalComment, ProposalSupport
from bot.models.users import User
from bot.services.core import BoardRow, PointsService
from bot.services.proposals.answers import clean_comment
from bot.services.proposals.proposals import ProposalService, recipient
from bot.services.proposals.rules import (
    DECIDED_WELL,
    IN_REVIEW,
    POINT_REASONS,
    OwnProposal,
    ProposalLine,
    ProposalNotFound,
    Recipient,
)
from bot.services.proposals.views import lines, support_counts


@dataclass(frozen=True, slots=True)
class Supported:
    """The outcome of a 👍: whether it was new, and how many supporters there are now."""

    added: bool
    count: int


@dataclass(frozen=True, slots=True)
class Commented:
    """A comment that was kept, and the author to tell about it."""

    number: str
    title: str
    text: str
    author: Recipient | None


class ProposalPeerService:
    """Browsing, support and comments between colleagues."""

    def __init__(
        self, db: Database, settings: Settings, proposals: ProposalService, points: PointsService
    ) -> None:
        self._db = db
        self._settings = settings
        self._proposals = proposals
        self._points = points

    async def browse(
        self, *, user_id: int, ours: bool, offset: int = 0, limit: int = 8
    ) -> tuple[list[ProposalLine], int]:
        """Under review or accepted in the user's enterprise (``ours``), or accepted anywhere."""
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            well = [s.value for s in DECIDED_WELL]
            if ours:
                if user is None or user.enterprise_id is None:
                    return [], 0
                query = select(Proposal).where(
                    Proposal.enterprise_id == user.enterprise_id,
                    col(Proposal.status).in_([*well, *(s.value for s in IN_REVIEW)]),
                )
            else:
                query = select(Proposal).where(col(Proposal.status).in_(well))
            total = int(
                (await session.exec(select(func.count()).select_from(query.subquery()))).one()
            )
            rows = await session.exec(
                query.order_by(col(Proposal.submitted_at).desc(), col(Proposal.id).desc())
                .offset(max(offset, 0))
                .limit(limit)
            )
            return await lines(session, rows.all()), total

    async def _visible(self, user_id: int, proposal_id: int) -> Proposal:
        proposal = await self._proposals.find(proposal_id=proposal_id)
        if proposal is None or not await self._proposals.visible(
            proposal=proposal, viewer_id=user_id
        ):
            raise ProposalNotFound(proposal_id)
        return proposal

    async def support(self, *, user_id: int, proposal_id: int) -> Supported:
        """Add the user's 👍 once; tapping again (or twenty people at once) is counted exactly."""
        proposal = await self._visible(user_id, proposal_id)
        if proposal.author_id == user_id:
            raise OwnProposal(user_id)
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        statement = (
            insert(ProposalSupport)
            .values(proposal_id=proposal_id, user_id=user_id, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["proposal_id", "user_id"])
        )
        async with self._db.session() as session:
            result = await session.exec(statement)
        async with self._db.reader() as session:
            count = (await support_counts(session, [proposal_id])).get(proposal_id, 0)
        return Supported(added=bool(result.rowcount), count=count)

    async def supporters(self, *, proposal_id: int) -> int:
        """How many people support a proposal."""
        async with self._db.reader() as session:
            return (await support_counts(session, [proposal_id])).get(proposal_id, 0)

    async def comment(self, *, user_id: int, proposal_id: int, text: str | None) -> Commented:
        """Keep a colleague's comment; the author is to be told unless they wrote it."""
        value = clean_comment(text)
        proposal = await self._visible(user_id, proposal_id)
        async with self._db.session() as session:
            session.add(ProposalComment(proposal_id=proposal_id, author_id=user_id, text=value))
            author = None
            if proposal.author_id != user_id:
                author = await recipient(session, proposal.author_id)
            return Commented(proposal.number or "", proposal.title or "", value, author)

    async def stars(self, *, user_id: int, limit: int = 10) -> list[BoardRow]:
        """This month's innovation stars of the user's enterprise (of everyone without one)."""
        zone = self._settings.zone
        today = utcnow().astimezone(zone).date()
        since = datetime.combine(today.replace(day=1), time(), tzinfo=zone)
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
        return await self._points.board(
            enterprise_id=user.enterprise_id if user else None,
            reasons=POINT_REASONS,
            since=since,
            limit=limit,
        )
