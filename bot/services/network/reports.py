"""Reports that roll up the organisation tree, and a person's record for award nominations.

Everything counted is attributed to the enterprise of the person who did it (the member who
logged an activity, the expert who solved a request, the studio's enterprise, the enterprise a
proposal came from), and so to that enterprise's place in the tree and every node above it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import Database
from bot.models.events import Event, Rsvp
from bot.models.network import (
    Activity,
    ActivityKind,
    ExpertProfile,
    HelpRequest,
    HelpStatus,
    PairCheckin,
    Pairing,
)
from bot.models.organizations import Studio, StudioMember
from bot.models.proposals import Proposal, ProposalStatus
from bot.models.users import Enterprise, Role, RoleGrant, User
from bot.services.network.orgtree import OrgTree, UnitView
from bot.services.network.studios import CoverageRow, StudioService

COUNTED = ("visit", "training", "solved", "help", "studios", "proposals")
DOSSIER = (
    "proposals",
    "visit",
    "training",
    "solved",
    "help",
    "pairs",
    "checkins",
    "studios",
    "mentees",
    "events",
)
ACCEPTED = (ProposalStatus.ACCEPTED.value, ProposalStatus.IMPLEMENTED.value)


@dataclass(frozen=True, slots=True)
class Tally:
    """What was done at one node: activities by kind, help solved, studios."""

    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class AreaReport:
    """One node's figures: its tally and its studio coverage against its target."""

    unit: UnitView | None
    tally: Tally
    coverage: CoverageRow


@dataclass(frozen=True, slots=True)
class LevelReport:
    """A node of the tree with the nodes just below it, each with their own figures."""

    area: AreaReport
    children: tuple[AreaReport, ...]
    since: datetime | None


@dataclass(frozen=True, slots=True)
class RecordEntry:
    """One line of a person's record."""

    when: datetime
    kind: str
    detail: str | None
    place: str | None


@dataclass(frozen=True, slots=True)
class Dossier:
    """A person's record: who they are, what they did, in numbers and line by line."""

    name: str
    enterprise: str | None
    honour: str | None
    field: str | None
    roles: tuple[str, ...]
    counts: dict[str, int]
    rating: float | None
    entries: tuple[RecordEntry, ...]


class ReportService:
    """Roll figures up the tree and assemble dossiers."""

    def __init__(self, db: Database, studios: StudioService) -> None:
        self._db = db
        self._studios = studios

    async def level(
        self,
        *,
        unit_id: int | None = None,
        since: datetime | None = None,
        top: int | None = None,
        enterprises: frozenset[int] | None = None,
    ) -> LevelReport:
        """The figures at ``unit_id`` (``top``, else the province, when None) and just below it.

        With ``enterprises`` (an organiser's scope), only what those enterprises did counts.
        """
        async with self._db.reader() as session:
            tree = await OrgTree.load(session)
            items = await _items(session, since)
        if enterprises is not None:
            items = [item for item in items if item[2] in enterprises]
        scope = unit_id if unit_id is not None else top if top is not None else tree.root()
        coverage = await self._studios.coverage(unit_id=scope, enterprises=enterprises)
        by_unit = {row.unit_id: row for row in coverage.by_area if row.unit_id is not None}
        area = AreaReport(coverage.unit, _tally(items, tree, scope), coverage.total)
        children = []
        for child in tree.children.get(scope, []) if scope is not None else []:
            view = tree.view(child)
            row = by_unit.get(child, CoverageRow(view.name, 0, 0, view.target, child))
            children.append(AreaReport(view, _tally(items, tree, child), row))
        return LevelReport(area, tuple(children), since)

    async def units(self, *, parent_id: int | None) -> list[UnitView]:
        """The units directly below ``parent_id`` (the roots when None)."""
        async with self._db.reader() as session:
            tree = await OrgTree.load(session)
        return [tree.view(u) for u in tree.children.get(parent_id, [])]

    async def find_unit(self, *, path: str) -> UnitView | None:
        """A unit by its path of names, e.g. ``陕西省/西安市``."""
        async with self._db.reader() as session:
            tree = await OrgTree.load(session)
        found = tree.find(path)
        return tree.view(found) if found is not None else None

    async def people(self, *, query: str, limit: int = 8) -> list[tuple[int, str, str | None]]:
        """People whose name contains ``query``, as (user id, name, enterprise), for dossiers."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(User.id, User.name, Enterprise.name)
                .join(Enterprise, col(Enterprise.id) == User.enterprise_id, isouter=True)
                .where(col(User.name).contains(query.strip()))
                .order_by(col(User.name), col(User.id))
                .limit(limit)
            )
            return [(uid, name, enterprise) for uid, name, enterprise in rows.all()]

    async def dossier(self, *, user_id: int) -> Dossier | None:
        """Everything a person did that the bot knows of, for nominations and annual reviews."""
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            if user is None:
                return None
            enterprise = (
                await session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
            )
            profile = (
                await session.exec(select(ExpertProfile).where(ExpertProfile.user_id == user_id))
            ).first()
            roles = (
                await session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user_id))
            ).all()
            entries = [
                *await _activities(session, user_id),
                *await _help(session, user_id),
                *await _proposals(session, user_id),
                *await _events(session, user_id),
            ]
            counts: Counter[str] = Counter(entry.kind for entry in entries)
            counts["pairs"] = await _count(
                session,
                select(func.count())
                .select_from(Pairing)
                .where(Pairing.expert_id == user_id, col(Pairing.active)),
            )
            counts["checkins"] = await _count(
                session,
                select(func.count())
                .select_from(PairCheckin)
                .where(PairCheckin.author_id == user_id, col(PairCheckin.step).is_(None)),
            )
            counts["studios"] = await _count(
                session,
                select(func.count())
                .select_from(StudioMember)
                .where(StudioMember.user_id == user_id),
            )
            counts["mentees"] = len(await _mentees(session, user_id))
            rating = (
                await session.exec(
                    select(func.avg(HelpRequest.rating)).where(
                        HelpRequest.expert_id == user_id, col(HelpRequest.rating).is_not(None)
                    )
                )
            ).one()
        entries.sort(key=lambda e: e.when)
        return Dossier(
            name=user.name,
            enterprise=enterprise.name if enterprise else None,
            honour=profile.honour if profile else None,
            field=profile.field if profile else None,
            roles=tuple(sorted(r for r in roles if r != Role.WORKER.value)),
            counts={key: counts.get(key, 0) for key in DOSSIER},
            rating=round(float(rating), 1) if rating is not None else None,
            entries=tuple(entries),
        )


Item = tuple[str, int | None, int | None]
"""A counted thing: its kind, the org unit and the enterprise it is attributed to."""


def _tally(items: list[Item], tree: OrgTree, unit_id: int | None) -> Tally:
    inside = tree.subtree(unit_id) if unit_id is not None else None
    counts = Counter(kind for kind, unit, _ in items if inside is None or unit in inside)
    return Tally({kind: counts.get(kind, 0) for kind in COUNTED})


async def _items(session: AsyncSession, since: datetime | None) -> list[Item]:
    """Every counted thing as (kind, org unit and enterprise it is attributed to)."""
    activities = (
        select(Activity.kind, Enterprise.org_unit_id, Enterprise.id)
        .join(User, col(User.id) == Activity.author_id)
        .join(Enterprise, col(Enterprise.id) == User.enterprise_id, isouter=True)
        .where(col(Activity.step).is_(None))
    )
    helped = (
        select(Enterprise.org_unit_id, Enterprise.id)
        .select_from(HelpRequest)
        .join(User, col(User.id) == HelpRequest.expert_id)
        .join(Enterprise, col(Enterprise.id) == User.enterprise_id, isouter=True)
        .where(HelpRequest.status == HelpStatus.SOLVED.value)
    )
    studios = (
        select(Enterprise.org_unit_id, Enterprise.id)
        .select_from(Studio)
        .join(Enterprise, col(Enterprise.id) == Studio.enterprise_id, isouter=True)
    )
    proposals = (
        select(Enterprise.org_unit_id, Enterprise.id)
        .select_from(Proposal)
        .join(Enterprise, col(Enterprise.id) == Proposal.enterprise_id, isouter=True)
        .where(col(Proposal.status).in_(ACCEPTED))
    )
    if since is not None:
        activities = activities.where(col(Activity.logged_at) >= since)
        helped = helped.where(col(HelpRequest.closed_at) >= since)
        proposals = proposals.where(col(Proposal.decided_at) >= since)
    items: list[Item] = [(k, u, e) for k, u, e in (await session.exec(activities)).all()]
    items += [("help", u, e) for u, e in (await session.exec(helped)).all()]
    items += [("studios", u, e) for u, e in (await session.exec(studios)).all()]
    items += [("proposals", u, e) for u, e in (await session.exec(proposals)).all()]
    return items


async def _activities(session: AsyncSession, user_id: int) -> list[RecordEntry]:
    rows = await session.exec(
        select(Activity, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == Activity.enterprise_id, isouter=True)
        .where(Activity.author_id == user_id, col(Activity.step).is_(None))
    )
    return [
        RecordEntry(a.logged_at or a.created_at, a.kind, a.note, name)
        for a, name in rows.all()
        if a.kind in set(ActivityKind)
    ]


async def _help(session: AsyncSession, user_id: int) -> list[RecordEntry]:
    rows = await session.exec(
        select(HelpRequest).where(
            HelpRequest.expert_id == user_id, HelpRequest.status == HelpStatus.SOLVED.value
        )
    )
    return [RecordEntry(r.closed_at or r.created_at, "help", r.field, r.region) for r in rows.all()]


async def _proposals(session: AsyncSession, user_id: int) -> list[RecordEntry]:
    rows = await session.exec(
        select(Proposal).where(Proposal.author_id == user_id, col(Proposal.status).in_(ACCEPTED))
    )
    return [
        RecordEntry(
            p.decided_at or p.updated_at,
            "proposals",
            " ".join(part for part in (p.number, p.title) if part),
            None,
        )
        for p in rows.all()
    ]


async def _events(session: AsyncSession, user_id: int) -> list[RecordEntry]:
    """Events the person checked in at (an answer alone is not attendance)."""
    rows = await session.exec(
        select(Rsvp.checked_in_at, Event.title, Event.place)
        .join(Event, col(Event.id) == Rsvp.event_id)
        .where(Rsvp.user_id == user_id, col(Rsvp.checked_in_at).is_not(None))
    )
    return [RecordEntry(when, "events", title, place) for when, title, place in rows.all() if when]


async def _mentees(session: AsyncSession, user_id: int) -> set[int]:
    """Everyone the person mentored, each counted once.

    That is whom they solved a help request for, the members of the studios they lead, and the
    contacts of the enterprises they are paired with.
    """
    helped = select(HelpRequest.requester_id).where(
        HelpRequest.expert_id == user_id, HelpRequest.status == HelpStatus.SOLVED.value
    )
    members = (
        select(StudioMember.user_id)
        .join(Studio, col(Studio.id) == StudioMember.studio_id)
        .where(Studio.leader_id == user_id)
    )
    contacts = select(Pairing.contact_id).where(
        Pairing.expert_id == user_id, col(Pairing.active), col(Pairing.contact_id).is_not(None)
    )
    found: set[int] = set()
    for query in (helped, members, contacts):
        found.update(person for person in (await session.exec(query)).all() if person)
    found.discard(user_id)
    return found


async def _count(session: AsyncSession, query: object) -> int:
    return int((await session.exec(query)).one())  # type: ignore[call-overload]
