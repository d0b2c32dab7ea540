"""Proposals: the funnel, time to a decision, the oldest waiting, a filtered list, one opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.proposals import Proposal, ProposalStatus, ProposalTransition
from bot.models.users import Enterprise, User
from bot.services.dashboard.common import Window, where, within
from bot.services.dashboard.scopes import Area, OutOfScope

WAITING = (
    ProposalStatus.SUBMITTED.value,
    ProposalStatus.UNDER_REVIEW.value,
    ProposalStatus.NEEDS_INFO.value,
)
REVIEWED = (
    ProposalStatus.UNDER_REVIEW.value,
    ProposalStatus.NEEDS_INFO.value,
    ProposalStatus.ACCEPTED.value,
    ProposalStatus.IMPLEMENTED.value,
    ProposalStatus.REJECTED.value,
)
ACCEPTED = (ProposalStatus.ACCEPTED.value, ProposalStatus.IMPLEMENTED.value)
DECIDED = (*ACCEPTED, ProposalStatus.REJECTED.value)
PAGE = 50


@dataclass(frozen=True, slots=True)
class ProposalLine:
    """A proposal in a list."""

    id: int
    number: str | None
    title: str | None
    status: str
    enterprise: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    waiting_days: int | None


@dataclass(frozen=True, slots=True)
class Funnel:
    """The proposals page's summary."""

    submitted: int
    reviewed: int
    accepted: int
    implemented: int
    decided: int
    median_days: float | None
    p90_days: float | None
    oldest: tuple[ProposalLine, ...]


@dataclass(frozen=True, slots=True)
class ProposalDetail:
    """One proposal opened: its text and its history."""

    line: ProposalLine
    author: str | None
    problem: str | None
    solution: str | None
    benefit: str | None
    history: tuple[tuple[datetime, str, str], ...]


def _line(proposal: Proposal, enterprise: str | None, window: Window) -> ProposalLine:
    waiting = (
        (window.now - proposal.submitted_at).days
        if proposal.submitted_at and proposal.status in WAITING
        else None
    )
    return ProposalLine(
        proposal.id or 0,
        proposal.number,
        proposal.title,
        proposal.status,
        enterprise,
        proposal.submitted_at,
        proposal.decided_at,
        waiting,
    )


def percentile(values: list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of ``values`` by linear interpolation (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    index = fraction * (len(ordered) - 1)
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (index - low), 1)


async def funnel(session: AsyncSession, area: Area, window: Window) -> Funnel:
    """How far the area's proposals got, how long decisions took, and who waits longest."""
    scoped = within(Proposal.enterprise_id, area)
    rows = await session.exec(
        where(
            select(Proposal.status, func.count())
            .where(col(Proposal.submitted_at).is_not(None))
            .group_by(col(Proposal.status)),
            scoped,
        )
    )
    counts = {status: int(n) for status, n in rows.all()}
    durations = await session.exec(
        where(
            select(Proposal.submitted_at, Proposal.decided_at).where(
                col(Proposal.status).in_(DECIDED),
                col(Proposal.submitted_at).is_not(None),
                col(Proposal.decided_at).is_not(None),
            ),
            scoped,
        )
    )
    days = [
        (decided - submitted).total_seconds() / 86400
        for submitted, decided in durations.all()
        if submitted and decided
    ]
    oldest = await listing(session, area, window, statuses=WAITING, oldest_first=True, limit=10)
    return Funnel(
        submitted=sum(counts.values()),
        reviewed=sum(counts.get(s, 0) for s in REVIEWED),
        accepted=sum(counts.get(s, 0) for s in ACCEPTED),
        implemented=counts.get(ProposalStatus.IMPLEMENTED.value, 0),
        decided=len(days),
        median_days=percentile(days, 0.5),
        p90_days=percentile(days, 0.9),
        oldest=oldest,
    )


async def listing(
    session: AsyncSession,
    area: Area,
    window: Window,
    *,
    unit_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
    oldest_first: bool = False,
    limit: int = PAGE,
    offset: int = 0,
) -> tuple[ProposalLine, ...]:
    """Submitted proposals inside ``area`` (and below ``unit_id``), newest first by default."""
    query = (
        select(Proposal, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == Proposal.enterprise_id, isouter=True)
        .where(col(Proposal.submitted_at).is_not(None))
    )
    query = where(query, within(Proposal.enterprise_id, area))
    if unit_id is not None:
        if not area.unit_allowed(unit_id):
            raise OutOfScope(unit_id)
        query = query.where(col(Enterprise.org_unit_id).in_(sorted(area.tree.subtree(unit_id))))
    if statuses:
        query = query.where(col(Proposal.status).in_(statuses))
    order = col(Proposal.submitted_at) if oldest_first else col(Proposal.submitted_at).desc()
    query = query.order_by(order, col(Proposal.id)).offset(max(0, offset)).limit(limit)
    return tuple(_line(p, name, window) for p, name in (await session.exec(query)).all())


async def detail(
    session: AsyncSession, area: Area, window: Window, proposal_id: int
) -> ProposalDetail | None:
    """One submitted proposal inside ``area``; :class:`OutOfScope` for one outside it."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.submitted_at is None:
        return None
    if not area.enterprise_allowed(proposal.enterprise_id):
        raise OutOfScope(proposal_id)
    enterprise = (
        await session.get(Enterprise, proposal.enterprise_id) if proposal.enterprise_id else None
    )
    author = None if proposal.anonymous else await session.get(User, proposal.author_id)
    moves = await session.exec(
        select(ProposalTransition.at, ProposalTransition.from_status, ProposalTransition.to_status)
        .where(ProposalTransition.proposal_id == proposal_id)
        .order_by(col(ProposalTransition.at), col(ProposalTransition.id))
    )
    return ProposalDetail(
        _line(proposal, enterprise.name if enterprise else None, window),
        author.name if author else None,
        proposal.problem,
        proposal.solution,
        proposal.benefit_text or proposal.benefit,
        tuple((at, a, b) for at, a, b in moves.all()),
    )
