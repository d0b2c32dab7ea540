"""The campaign at a glance: people, lessons, proposals, events and must-read announcements.

Each figure has a value and its trend: what happened in the last 30 days against the 30 before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.broadcasts import Broadcast, Delivery, DeliveryStatus
from bot.models.events import Answer, Event, EventStatus, Rsvp
from bot.models.learning import LessonProgress
from bot.models.proposals import Proposal, ProposalStatus
from bot.models.users import User
from bot.services.dashboard.common import Window, people_within, scalar, share, where, within
from bot.services.dashboard.scopes import Area


@dataclass(frozen=True, slots=True)
class Figure:
    """One number with its trend; ``rate`` figures are shares from 0 to 1 (None: no data)."""

    key: str
    value: float | None
    recent: float | None
    previous: float | None


@dataclass(frozen=True, slots=True)
class Overview:
    """The overview page."""

    figures: tuple[Figure, ...]
    proposals_by_status: dict[str, int]


async def overview(session: AsyncSession, area: Area, window: Window) -> Overview:
    """Every overview figure inside ``area``."""
    figures = [
        *await _people(session, area, window),
        await _lessons(session, area, window),
        await _proposals(session, area, window),
        *await _events(session, area, window),
        await _must_read(session, area, window),
    ]
    return Overview(tuple(figures), await _by_status(session, area))


async def _people(session: AsyncSession, area: Area, window: Window) -> list[Figure]:
    scoped = within(User.enterprise_id, area)
    seen = col(User.last_seen_at).is_not(None)
    count = select(func.count()).select_from(User)
    total = await scalar(session, where(count, scoped, seen))
    joined = await _between(session, where(count, scoped, seen), User.created_at, window)
    active = await scalar(session, where(count, scoped, col(User.last_seen_at) >= window.start))
    return [
        Figure("registered", total, *joined),
        Figure("active", active, active, None),
    ]


async def _lessons(session: AsyncSession, area: Area, window: Window) -> Figure:
    done = col(LessonProgress.completed_at).is_not(None)
    count = where(
        select(func.count()).select_from(LessonProgress),
        done,
        people_within(LessonProgress.user_id, area),
    )
    total = await scalar(session, count)
    return Figure(
        "lessons", total, *await _between(session, count, LessonProgress.completed_at, window)
    )


async def _proposals(session: AsyncSession, area: Area, window: Window) -> Figure:
    count = where(
        select(func.count()).select_from(Proposal),
        col(Proposal.submitted_at).is_not(None),
        within(Proposal.enterprise_id, area),
    )
    total = await scalar(session, count)
    return Figure(
        "proposals", total, *await _between(session, count, Proposal.submitted_at, window)
    )


async def _events(session: AsyncSession, area: Area, window: Window) -> list[Figure]:
    """Events held, and attendance: check-ins of the area's people against their "going"."""
    held = (
        select(func.count()).select_from(Event).where(Event.status == EventStatus.PUBLISHED.value)
    )
    events = await _between(session, held, Event.starts_at, window)
    mine = people_within(Rsvp.user_id, area)
    rates = []
    for start, end in ((window.start, window.now), (window.before, window.start)):
        base = (
            select(func.count())
            .select_from(Rsvp)
            .join(Event, col(Event.id) == Rsvp.event_id)
            .where(Event.status == EventStatus.PUBLISHED.value)  # not those called off
            .where(col(Event.starts_at) >= start, col(Event.starts_at) < end)
        )
        going = await scalar(session, where(base, mine, col(Rsvp.answer) == Answer.GOING.value))
        came = await scalar(session, where(base, mine, col(Rsvp.checked_in_at).is_not(None)))
        rates.append(share(came, max(going, came)))
    return [
        Figure("events", events[0], *events),
        Figure("attendance", rates[0], *rates),
    ]


async def _must_read(session: AsyncSession, area: Area, window: Window) -> Figure:
    """Acknowledged must-read announcements among those delivered to the area's people."""
    total = await _acknowledged(session, area, None, None)
    recent = await _acknowledged(session, area, window.start, window.now)
    previous = await _acknowledged(session, area, window.before, window.start)
    return Figure("must_read", total, recent, previous)


async def _acknowledged(
    session: AsyncSession, area: Area, start: datetime | None, end: datetime | None
) -> float | None:
    base = (
        select(func.count())
        .select_from(Delivery)
        .join(Broadcast, col(Broadcast.id) == Delivery.broadcast_id)
        .where(
            col(Broadcast.must_read),
            Delivery.round == 0,
            Delivery.status == DeliveryStatus.SENT.value,
        )
    )
    if start is not None and end is not None:
        base = base.where(col(Delivery.sent_at) >= start, col(Delivery.sent_at) < end)
    base = where(base, people_within(Delivery.user_id, area))
    sent = await scalar(session, base)
    read = await scalar(session, base.where(col(Delivery.acknowledged_at).is_not(None)))
    return share(read, sent)


async def _by_status(session: AsyncSession, area: Area) -> dict[str, int]:
    rows = await session.exec(
        where(
            select(Proposal.status, func.count()).group_by(col(Proposal.status)),
            col(Proposal.status) != ProposalStatus.DRAFT.value,
            within(Proposal.enterprise_id, area),
        )
    )
    found = dict(rows.all())
    return {
        s.value: int(found.get(s.value, 0)) for s in ProposalStatus if s != ProposalStatus.DRAFT
    }


async def _between(
    session: AsyncSession, count: object, column: object, window: Window
) -> tuple[int, int]:
    """How many of ``count`` fall in the last 30 days, and in the 30 before, by ``column``."""
    recent = await scalar(
        session, where(count, col(column) >= window.start, col(column) < window.now)
    )
    previous = await scalar(
        session, where(count, col(column) >= window.before, col(column) < window.start)
    )
    return recent, previous
