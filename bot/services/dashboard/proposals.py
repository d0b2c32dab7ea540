"""Proposals: the funnel, time to a decision, the oldest waiting, a filtered list, one opened."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, func, type_coerce
from sqlalchemy import select as core_select
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
T = TypeVar("T")
_MOMENT = DateTime(timezone=True)
_LINE: tuple[Any, ...] = (
    col(Proposal.id),
    col(Proposal.year),
    col(Proposal.seq),
    col(Proposal.title),
    col(Proposal.status),
    col(Enterprise.name).label("enterprise"),
    type_coerce(col(Proposal.submitted_at), _MOMENT).label("submitted_at"),
    type_coerce(col(Proposal.decided_at), _MOMENT).label("decided_at"),
)
"""What a list shows of a proposal: plain rows, not objects (an export lists thousands).

The two moments are read as the driver gives them, without ``UTCDateTime``'s call per value
(35,000 of them for an export of the province): aware UTC on PostgreSQL, naive UTC on SQLite,
made aware by :func:`_utc`.
"""


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


Cells = tuple[str | None, str | None, str, str | None, datetime | None, datetime | None, int | None]
"""A line without its id: number, title, status, enterprise, submitted, decided, days waiting."""


def _utc(moment: datetime | None) -> datetime | None:
    """A moment read raw (:data:`_LINE`) as ``UTCDateTime`` gives it back: aware, in UTC."""
    if moment is None or moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cells(row: Sequence[Any], now: datetime) -> Cells:
    """What a line shows of a row of :data:`_LINE`'s columns."""
    _, year, seq, title, status, enterprise, submitted, decided = row
    submitted, decided = _utc(submitted), _utc(decided)
    number = None if year is None or seq is None else f"{year}-{seq:04d}"  # Proposal.number
    waiting = (now - submitted).days if submitted and status in WAITING else None
    return number, title, status, enterprise, submitted, decided, waiting


def _line(row: Sequence[Any], now: datetime) -> ProposalLine:
    return ProposalLine(row[0] or 0, *_cells(row, now))


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
    rows = await _rows(session, area, unit_id, statuses, oldest_first, limit, offset)
    return tuple(_line(row, window.now) for row in rows)


async def table(
    session: AsyncSession,
    area: Area,
    window: Window,
    each: Callable[[Cells], T],
    *,
    unit_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
    limit: int = PAGE,
) -> list[T]:
    """The listing's lines, newest first, each turned by ``each`` as it is read.

    For an export of thousands: an export's ``each`` makes text, so no object outlives its
    line. Objects that do pile up bring on the garbage collector's full pass, which walks every
    live object of the process (about 45 ms in the web process).
    """
    rows = await _rows(session, area, unit_id, statuses, False, limit, 0)
    return [each(_cells(row, window.now)) for row in rows]


async def _rows(
    session: AsyncSession,
    area: Area,
    unit_id: int | None,
    statuses: tuple[str, ...] | None,
    oldest_first: bool,
    limit: int,
    offset: int,
) -> Iterable[Sequence[Any]]:
    """Rows of :data:`_LINE`'s columns, filtered, ordered and cut to one page."""
    query = (
        core_select(*_LINE)
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
    connection = await session.connection()  # Core rows: no ORM bookkeeping per row
    return await connection.execute(query)


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
    line = (
        proposal.id,
        proposal.year,
        proposal.seq,
        proposal.title,
        proposal.status,
        enterprise.name if enterprise else None,
        proposal.submitted_at,
        proposal.decided_at,
    )  # as a row of _LINE
    return ProposalDetail(
        _line(line, window.now),
        author.name if author else None,
        proposal.problem,
        proposal.solution,
        proposal.benefit_text or proposal.benefit,
        tuple((at, a, b) for at, a, b in moves.all()),
    )
