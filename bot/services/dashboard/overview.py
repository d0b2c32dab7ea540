"""The campaign at a glance: people, lessons, proposals, events and must-read announcements.

Each figure has a value and its trend: what happened in the last 30 days against the 30 before.
One statement counts them all: a derived table per table counted (people, lessons, proposals,
events, answers, deliveries), each read once with a ``FILTER`` per figure, the six joined into
one row. Fifteen counts one after another read the largest tables up to six times each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, true
from sqlalchemy import select as core_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.broadcasts import Broadcast, Delivery, DeliveryStatus
from bot.models.events import Answer, Event, EventStatus, Rsvp
from bot.models.learning import LessonProgress
from bot.models.proposals import Proposal, ProposalStatus
from bot.models.users import User
from bot.services.dashboard.common import Window, people_within, share, where, within
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
    """Every overview figure inside ``area``, counted by one statement."""
    parts = [
        _people(area, window),
        _lessons(area, window),
        _proposals(area, window),
        _events(window),
        _attendance(area, window),
        _must_read(area, window),
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, true())
    query: Any = core_select(*(c for part in parts for c in part.c)).select_from(joined)
    found = (await session.exec(query)).one()
    n = {key: int(value or 0) for key, value in found._mapping.items()}
    attendance = [share(n[f"came_{p}"], max(n[f"going_{p}"], n[f"came_{p}"])) for p in _PERIODS]
    figures = (
        Figure("registered", n["registered"], n["joined_recent"], n["joined_previous"]),
        Figure("active", n["active"], n["active"], None),
        Figure("lessons", n["lessons"], n["lessons_recent"], n["lessons_previous"]),
        Figure("proposals", n["proposals"], n["proposals_recent"], n["proposals_previous"]),
        Figure("events", n["events_recent"], n["events_recent"], n["events_previous"]),
        Figure("attendance", attendance[0], *attendance),
        Figure(
            "must_read",
            *(share(n[f"read_{p}"], n[f"sent_{p}"]) for p in ("all", *_PERIODS)),
        ),
    )
    statuses = {
        s.value: n[f"status_{s.value}"] for s in ProposalStatus if s != ProposalStatus.DRAFT
    }
    return Overview(figures, statuses)


_PERIODS = ("recent", "previous")


def _periods(column: Any, window: Window) -> dict[str, Any]:
    """Whether ``column`` falls in the last 30 days, and in the 30 before, by name."""
    at = col(column)
    return {
        "recent": (at >= window.start) & (at < window.now),
        "previous": (at >= window.before) & (at < window.start),
    }


def _counts(**conditions: Any) -> list[Any]:
    """``count(*) FILTER (WHERE condition) AS name`` for each one."""
    return [func.count().filter(cond).label(name) for name, cond in conditions.items()]


def _people(area: Area, window: Window) -> Any:
    seen = col(User.last_seen_at).is_not(None)
    joined = _periods(User.created_at, window)
    query = core_select(
        *_counts(
            registered=seen,
            joined_recent=seen & joined["recent"],
            joined_previous=seen & joined["previous"],
            active=col(User.last_seen_at) >= window.start,
        )
    ).select_from(User)
    return where(query, within(User.enterprise_id, area)).subquery("people")


def _lessons(area: Area, window: Window) -> Any:
    done = _periods(LessonProgress.completed_at, window)
    query = core_select(
        func.count().label("lessons"),
        *_counts(lessons_recent=done["recent"], lessons_previous=done["previous"]),
    ).where(col(LessonProgress.completed_at).is_not(None))
    return where(query, people_within(LessonProgress.user_id, area)).subquery("lessons")


def _proposals(area: Area, window: Window) -> Any:
    """Submitted proposals with their trend, and every state's count but the drafts'."""
    sent = col(Proposal.submitted_at).is_not(None)
    when = _periods(Proposal.submitted_at, window)
    statuses = {
        f"status_{s.value}": col(Proposal.status) == s.value
        for s in ProposalStatus
        if s != ProposalStatus.DRAFT
    }
    query = core_select(
        *_counts(
            proposals=sent,
            proposals_recent=sent & when["recent"],
            proposals_previous=sent & when["previous"],
            **statuses,
        )
    ).select_from(Proposal)
    return where(query, within(Proposal.enterprise_id, area)).subquery("proposals")


def _events(window: Window) -> Any:
    """Events held in each period (the whole campaign's: an event has no enterprise)."""
    when = _periods(Event.starts_at, window)
    return (
        core_select(*_counts(events_recent=when["recent"], events_previous=when["previous"]))
        .select_from(Event)
        .where(col(Event.status) == EventStatus.PUBLISHED.value)
        .subquery("events")
    )


def _attendance(area: Area, window: Window) -> Any:
    """Check-ins of the area's people against their "going", at events held in each period."""
    when = _periods(Event.starts_at, window)
    going = col(Rsvp.answer) == Answer.GOING.value
    came = col(Rsvp.checked_in_at).is_not(None)
    query = (
        core_select(
            *_counts(
                **{f"going_{p}": when[p] & going for p in _PERIODS},
                **{f"came_{p}": when[p] & came for p in _PERIODS},
            )
        )
        .select_from(Rsvp)
        .join(Event, col(Event.id) == Rsvp.event_id)
        .where(col(Event.status) == EventStatus.PUBLISHED.value)  # not those called off
        .where(col(Event.starts_at) >= window.before, col(Event.starts_at) < window.now)
    )
    return where(query, people_within(Rsvp.user_id, area)).subquery("attendance")


def _must_read(area: Area, window: Window) -> Any:
    """Must-read announcements delivered to the area's people, and those acknowledged."""
    when = _periods(Delivery.sent_at, window)
    read = col(Delivery.acknowledged_at).is_not(None)
    query = (
        core_select(
            func.count().label("sent_all"),
            *_counts(
                read_all=read,
                **{f"sent_{p}": when[p] for p in _PERIODS},
                **{f"read_{p}": when[p] & read for p in _PERIODS},
            ),
        )
        .select_from(Delivery)
        .join(Broadcast, col(Broadcast.id) == Delivery.broadcast_id)
        .where(
            col(Broadcast.must_read),
            col(Delivery.round) == 0,
            col(Delivery.status) == DeliveryStatus.SENT.value,
        )
    )
    return where(query, people_within(Delivery.user_id, area)).subquery("must_read")
