"""Innovation studios: the registry, membership, and coverage against the campaign's target.

Coverage is the share of first-line model workers and craftsmen (expert profiles marked
first-line) who lead or belong to a studio, counted where their enterprise sits in the
organisation tree; the gap is how many more people must join to reach the target.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import Database
from bot.models.network import ExpertProfile
from bot.models.organizations import OrgUnit, Studio, StudioMember
from bot.models.users import Enterprise, User
from bot.services.network.orgtree import OrgTree, UnitView


@dataclass(frozen=True, slots=True)
class StudioView:
    """A studio as the registry shows it."""

    id: int
    name: str
    leader: str | None
    enterprise: str | None
    field: str | None
    founded_on: date | None
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Coverage of one place: people counted, people in a studio, the target in force there."""

    label: str | None
    population: int
    covered: int
    target: float
    unit_id: int | None = None
    direct: bool = False  # the people of enterprises attached to the unit shown itself

    @property
    def known(self) -> bool:
        """Whether anyone is counted here: 0 of 0 is no data, neither short of nor at target."""
        return self.population > 0

    @property
    def share(self) -> float:
        """Covered people as a fraction of everyone counted (0 when nobody is counted)."""
        return self.covered / self.population if self.population else 0.0

    @property
    def gap(self) -> int:
        """How many more people need a studio to reach the target."""
        needed = math.ceil(self.target * self.population - 1e-9)
        return max(0, needed - self.covered)

    @property
    def met(self) -> bool:
        """Whether the target is reached: the one test /coverage's ✅ and /report's words share."""
        return self.known and self.gap == 0


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Coverage at one node of the tree, broken down by the level below and by enterprise."""

    unit: UnitView | None
    total: CoverageRow
    by_area: tuple[CoverageRow, ...]
    by_enterprise: tuple[CoverageRow, ...]


@dataclass(frozen=True, slots=True)
class _Person:
    unit_id: int | None
    enterprise: tuple[int, str] | None
    covered: bool


class StudioService:
    """Read and join studios; measure coverage."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def registry(self, *, offset: int = 0, limit: int = 8) -> tuple[list[StudioView], int]:
        """One page of studios by name, and how many there are."""
        async with self._db.reader() as session:
            total = (await session.exec(select(func.count()).select_from(Studio))).one()
            rows = await session.exec(
                select(Studio).order_by(col(Studio.name)).offset(max(offset, 0)).limit(limit)
            )
            return [await _studio(session, s) for s in rows.all()], int(total)

    async def studio(self, *, studio_id: int) -> StudioView | None:
        """One studio with its members."""
        async with self._db.reader() as session:
            found = await session.get(Studio, studio_id)
            return await _studio(session, found) if found else None

    async def leads(self, *, studio_id: int, user_id: int) -> bool:
        """Whether the user leads this studio."""
        async with self._db.reader() as session:
            found = await session.get(Studio, studio_id)
            return found is not None and found.leader_id == user_id

    async def join(self, *, studio_id: int, user_id: int) -> StudioView | None:
        """Become a member (twice changes nothing); None when the studio does not exist."""
        async with self._db.session() as session:
            found = await session.get(Studio, studio_id)
            if found is None:
                return None
            if await session.get(StudioMember, (studio_id, user_id)) is None:
                session.add(StudioMember(studio_id=studio_id, user_id=user_id))
                await session.flush()
            return await _studio(session, found)

    async def set_target(self, *, unit_id: int, target: float | None) -> UnitView | None:
        """Set (or clear, with None) a unit's own studio coverage target, a fraction from 0 to 1."""
        if target is not None and not 0 < target <= 1:
            raise ValueError("target must be in (0, 1]")
        async with self._db.session() as session:
            unit = await session.get(OrgUnit, unit_id)
            if unit is None:
                return None
            unit.studio_target = target
            session.add(unit)
        async with self._db.reader() as session:
            return (await OrgTree.load(session)).view(unit_id)

    async def coverage(
        self,
        *,
        unit_id: int | None = None,
        top: int | None = None,
        enterprises: frozenset[int] | None = None,
    ) -> CoverageReport:
        """Coverage at ``unit_id`` (``top``, else the province, when None), by area and enterprise.

        With ``enterprises``, only the people of those enterprises are counted (a scope).

        Raises LookupError for a unit that does not exist (an old button, or forged data).
        """
        async with self._db.reader() as session:
            tree = await OrgTree.load(session)
            if unit_id is not None and unit_id not in tree.units:
                raise LookupError(unit_id)
            people = await _first_line(session)
        if enterprises is not None:
            people = [p for p in people if p.enterprise and p.enterprise[0] in enterprises]
        scope = unit_id if unit_id is not None else top if top is not None else tree.root()
        if scope is not None:
            inside = tree.subtree(scope)
            people = [p for p in people if p.unit_id in inside]
        total = _row(None, people, tree.target(scope)[0])
        areas: dict[int | None, list[_Person]] = defaultdict(list)
        firms: dict[tuple[int, str] | None, list[_Person]] = defaultdict(list)
        for person in people:
            areas[tree.child_toward(scope, person.unit_id)].append(person)
            firms[person.enterprise].append(person)
        by_area = [
            _row(_area_name(tree, a, scope), group, tree.target(scope if a is None else a)[0], a)
            for a, group in areas.items()
        ]
        by_area = [replace(r, direct=r.unit_id is None and scope is not None) for r in by_area]
        by_enterprise = [
            _row(e[1] if e else None, group, tree.target(group[0].unit_id if e else scope)[0])
            for e, group in firms.items()
        ]
        by_area.sort(key=lambda r: (r.direct, r.label is None, r.label or ""))
        by_enterprise.sort(key=lambda r: (-r.gap, r.label is None, r.label or ""))
        view = tree.view(scope) if scope is not None else None
        return CoverageReport(view, total, tuple(by_area), tuple(by_enterprise))


def _area_name(tree: OrgTree, area: int | None, scope: int | None) -> str | None:
    """A unit's name; for the people directly under the unit shown, that unit's own name."""
    if area is not None:
        return tree.units[area].name
    return tree.units[scope].name if scope is not None else None


def _row(
    label: str | None, people: list[_Person], target: float, unit_id: int | None = None
) -> CoverageRow:
    return CoverageRow(label, len(people), sum(p.covered for p in people), target, unit_id)


async def _first_line(session: AsyncSession) -> list[_Person]:
    """Every first-line model worker and craftsman: where they work, whether in a studio."""
    leaders = set(
        (
            await session.exec(select(Studio.leader_id).where(col(Studio.leader_id).is_not(None)))
        ).all()
    )
    members = set((await session.exec(select(StudioMember.user_id))).all())
    in_studio = leaders | members
    rows = await session.exec(
        select(ExpertProfile.user_id, Enterprise.id, Enterprise.name, Enterprise.org_unit_id)
        .join(User, col(User.id) == ExpertProfile.user_id)
        .join(Enterprise, col(Enterprise.id) == User.enterprise_id, isouter=True)
        .where(col(ExpertProfile.first_line))
    )
    return [
        _Person(unit_id, (eid, name) if eid is not None else None, user_id in in_studio)
        for user_id, eid, name, unit_id in rows.all()
    ]


async def _studio(session: AsyncSession, studio: Studio) -> StudioView:
    leader = await session.get(User, studio.leader_id) if studio.leader_id else None
    enterprise = (
        await session.get(Enterprise, studio.enterprise_id) if studio.enterprise_id else None
    )
    members = await session.exec(
        select(User.name)
        .join(StudioMember, col(StudioMember.user_id) == User.id)
        .where(StudioMember.studio_id == studio.id)
        .order_by(col(StudioMember.joined_at), col(User.name))
    )
    return StudioView(
        studio.id or 0,
        studio.name,
        leader.name if leader else None,
        enterprise.name if enterprise else None,
        studio.field,
        studio.founded_on,
        tuple(members.all()),
    )
