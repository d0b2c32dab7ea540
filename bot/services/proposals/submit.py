"""Submitting a draft: checking it is complete, numbering it within the year, counting today's."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import take_turn
from bot.models.organizations import Studio
from bot.models.proposals import Proposal, ProposalStatus
from bot.models.users import User
from bot.services.proposals.answers import InvalidAnswer
from bot.services.proposals.proposals import apply_move, recipient
from bot.services.proposals.rules import Moved, Recipient
from bot.services.proposals.steps import view_of

S = ProposalStatus


async def submitted_today(session: AsyncSession, user_id: int, *, zone: ZoneInfo) -> int:
    """How many proposals the user submitted since midnight in ``zone``."""
    midnight = datetime.combine(utcnow().astimezone(zone).date(), time(), tzinfo=zone)
    query = select(func.count()).where(
        Proposal.author_id == user_id, col(Proposal.submitted_at) >= midnight
    )
    return int((await session.exec(query)).one())


async def number_and_submit(session: AsyncSession, draft: Proposal, *, zone: ZoneInfo) -> Moved:
    """Give a complete draft the next number of the year and submit it.

    Numbers are taken in turn (on PostgreSQL an advisory lock held to the commit; SQLite has one
    writer), so two drafts submitted at once never reach for the same (year, seq).
    """
    if not (await view_of(session, draft)).complete:
        raise InvalidAnswer("incomplete")
    year = utcnow().astimezone(zone).year
    await take_turn(session, f"proposal-number:{year}")
    last = await session.exec(select(func.max(Proposal.seq)).where(Proposal.year == year))
    seq = (last.one() or 0) + 1
    author = await session.get(User, draft.author_id)
    await apply_move(
        session,
        draft,
        S.SUBMITTED,
        actor_id=draft.author_id,
        year=year,
        seq=seq,
        submitted_at=utcnow(),
        step=None,
        paused=False,
        enterprise_id=author.enterprise_id if author else None,
    )
    return Moved(
        proposal_id=draft.id or 0,
        number=f"{year}-{seq:04d}",
        title=draft.title or "",
        from_status=S.DRAFT,
        to_status=S.SUBMITTED,
        comment=None,
        actor_id=draft.author_id,
        author=await recipient(session, draft.author_id),
        studio_lead=await _studio_lead(session, draft),
    )


async def _studio_lead(session: AsyncSession, draft: Proposal) -> Recipient | None:
    """The active leader of the studio a proposal is addressed to, unless it is the author."""
    studio = await session.get(Studio, draft.studio_id) if draft.studio_id else None
    if studio is None or studio.leader_id in (None, draft.author_id):
        return None
    leader = await session.get(User, studio.leader_id)
    if leader is None or not leader.is_active:
        return None
    return Recipient(leader.id, leader.locale)
