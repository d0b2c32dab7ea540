"""Service teams and expert pairings: what each did in the last 30 days, the quiet ones first.

A team is inside a scope when it serves an enterprise there; only its activities at the scope's
enterprises are counted. A pairing is inside when its enterprise is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.network import Activity, PairCheckin, Pairing, ServedEnterprise, ServiceTeam
from bot.models.network import ServiceTeamMember as Member
from bot.models.users import Enterprise, User
from bot.services.dashboard.common import Window, where, within
from bot.services.dashboard.scopes import Area


@dataclass(frozen=True, slots=True)
class TeamLine:
    """One service team: members, enterprises served, activities in 30 days, the last one."""

    id: int
    name: str
    members: int
    enterprises: int
    recent: int
    last: datetime | None


@dataclass(frozen=True, slots=True)
class PairLine:
    """One active pairing: expert, enterprise, check-ins in 30 days, the last, whether overdue."""

    id: int
    expert: str
    enterprise: str | None
    recent: int
    last: datetime | None
    cadence_days: int
    overdue: bool


@dataclass(frozen=True, slots=True)
class Activity30:
    """The teams-and-pairings page."""

    teams: tuple[TeamLine, ...]
    pairings: tuple[PairLine, ...]


async def activity(session: AsyncSession, area: Area, window: Window) -> Activity30:
    """Teams and pairings inside ``area``, the quiet ones first."""
    return Activity30(await _teams(session, area, window), await _pairings(session, area, window))


async def _teams(session: AsyncSession, area: Area, window: Window) -> tuple[TeamLine, ...]:
    served = where(
        select(ServedEnterprise.team_id, func.count()).group_by(col(ServedEnterprise.team_id)),
        within(ServedEnterprise.enterprise_id, area),
    )
    enterprises = dict((await session.exec(served)).all())
    teams = select(ServiceTeam.id, ServiceTeam.name)
    if area.enterprises is not None:
        teams = teams.where(col(ServiceTeam.id).in_(sorted(enterprises)))
    named = dict((await session.exec(teams)).all())
    members = dict(
        (
            await session.exec(select(Member.team_id, func.count()).group_by(col(Member.team_id)))
        ).all()
    )
    done = col(Activity.step).is_(None)
    recent = dict(
        (
            await session.exec(
                where(
                    select(Activity.team_id, func.count())
                    .where(done, col(Activity.logged_at) >= window.start)
                    .group_by(col(Activity.team_id)),
                    within(Activity.enterprise_id, area),
                )
            )
        ).all()
    )
    last = dict(
        (
            await session.exec(
                where(
                    select(Activity.team_id, func.max(Activity.logged_at))
                    .where(done)
                    .group_by(col(Activity.team_id)),
                    within(Activity.enterprise_id, area),
                )
            )
        ).all()
    )
    lines = [
        TeamLine(
            tid,
            name,
            int(members.get(tid, 0)),
            int(enterprises.get(tid, 0)),
            int(recent.get(tid, 0)),
            last.get(tid),
        )
        for tid, name in named.items()
        if tid is not None
    ]
    lines.sort(key=lambda t: (t.recent, t.last is not None, t.last or window.now, t.name))
    return tuple(lines)


async def _pairings(session: AsyncSession, area: Area, window: Window) -> tuple[PairLine, ...]:
    done = col(PairCheckin.step).is_(None)
    recent = (
        select(func.count())
        .where(
            col(PairCheckin.pairing_id) == Pairing.id,
            done,
            col(PairCheckin.created_at) >= window.start,
        )
        .scalar_subquery()
    )
    last = (
        select(func.max(PairCheckin.created_at))
        .where(col(PairCheckin.pairing_id) == Pairing.id, done)
        .scalar_subquery()
    )
    query = where(
        core_select(
            col(Pairing.id),
            col(User.name),
            col(Enterprise.name),
            recent,
            last,
            col(Pairing.cadence_days),
            col(Pairing.created_at),
        )
        .join(User, col(User.id) == Pairing.expert_id)
        .join(Enterprise, col(Enterprise.id) == Pairing.enterprise_id, isouter=True)
        .where(col(Pairing.active)),
        within(Pairing.enterprise_id, area),
    )
    lines = []
    for pid, expert, enterprise, count, latest, cadence, created in (
        await session.exec(query)
    ).all():
        since = latest or created
        overdue = (window.now - since).days > cadence
        lines.append(PairLine(pid, expert, enterprise, int(count or 0), latest, cadence, overdue))
    lines.sort(key=lambda p: (p.recent, not p.overdue, p.last or window.now, p.expert))
    return tuple(lines)
