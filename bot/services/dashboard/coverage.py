"""Studio coverage against the target, one level of the tree at a time, by aggregate queries.

The people counted are first-line model workers and craftsmen (as ``/coverage`` counts them);
one query counts them and those in a studio per enterprise, and the tree adds the enterprises
up to every unit above them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, exists, func
from sqlalchemy import select as core_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.network import ExpertProfile
from bot.models.organizations import Studio, StudioMember
from bot.models.users import Enterprise, User
from bot.services.dashboard.common import where, within
from bot.services.dashboard.scopes import Area, OutOfScope
from bot.services.network.orgtree import OrgTree


@dataclass(frozen=True, slots=True)
class CoverageLine:
    """One unit or enterprise: people counted, in a studio, the target in force there."""

    kind: str  # "unit" or "enterprise"
    id: int | None
    name: str | None
    population: int
    covered: int
    target: float
    drillable: bool = False

    @property
    def share(self) -> float | None:
        """Covered people as a fraction of those counted (None: nobody counted)."""
        return self.covered / self.population if self.population else None

    @property
    def passing(self) -> bool | None:
        """Whether the target is met (None: no data)."""
        return None if self.share is None else self.share + 1e-9 >= self.target

    @property
    def gap(self) -> int:
        """How many more people need a studio to reach the target."""
        return max(0, math.ceil(self.target * self.population - 1e-9) - self.covered)


@dataclass(frozen=True, slots=True)
class Crumb:
    """A unit on the way from the scope's top down to the one shown."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CoverageLevel:
    """Coverage at one unit: its total, the units just below, and its enterprises."""

    unit: Crumb | None
    level: str | None
    path: tuple[Crumb, ...]
    total: CoverageLine
    children: tuple[CoverageLine, ...]
    enterprises: tuple[CoverageLine, ...]  # furthest below the target first


async def coverage(session: AsyncSession, area: Area, unit_id: int | None) -> CoverageLevel:
    """Coverage at ``unit_id`` (the scope's top when None), inside ``area``."""
    tree = area.tree
    at = unit_id if unit_id is not None else area.top
    if unit_id is not None and not area.unit_allowed(unit_id):
        raise OutOfScope(unit_id)
    counts = await _per_enterprise(session, area)
    if area.scope.enterprise_id is not None or at is None:
        inside = set(counts)
    else:
        below = tree.subtree(at)
        inside = {e for e, row in counts.items() if row[1] in below}
    lines = [_line(tree, e, counts[e]) for e in inside]
    target = tree.target(at)[0] if at is not None else tree.target(None)[0]
    total = CoverageLine(
        "unit",
        at,
        tree.units[at].name if at is not None else None,
        sum(line.population for line in lines),
        sum(line.covered for line in lines),
        target,
    )
    children = () if area.scope.enterprise_id is not None else _children(tree, at, counts, inside)
    lines.sort(key=_furthest_first)
    return CoverageLevel(
        Crumb(at, tree.units[at].name) if at is not None else None,
        tree.units[at].level if at is not None else None,
        _path(area, at),
        total,
        children,
        tuple(lines),
    )


def _furthest_first(line: CoverageLine) -> tuple[bool, float, str]:
    share = line.share
    return (share is None, (share or 0.0) - line.target, line.name or "")


def _line(tree: OrgTree, enterprise_id: int, row: tuple[str, int | None, int, int]) -> CoverageLine:
    name, unit, population, covered = row
    return CoverageLine(
        "enterprise", enterprise_id, name, population, covered, tree.target(unit)[0]
    )


def _children(
    tree: OrgTree,
    at: int | None,
    counts: dict[int, tuple[str, int | None, int, int]],
    inside: set[int],
) -> tuple[CoverageLine, ...]:
    """The units just below ``at``, each with the enterprises anywhere below it."""
    sums: dict[int, list[int]] = {child: [0, 0] for child in tree.children.get(at, [])}
    for enterprise in inside:
        _, unit, population, covered = counts[enterprise]
        child = tree.child_toward(at, unit)
        if child is not None and child in sums:
            sums[child][0] += population
            sums[child][1] += covered
    return tuple(
        CoverageLine(
            "unit",
            child,
            tree.units[child].name,
            population,
            covered,
            tree.target(child)[0],
            drillable=bool(tree.children.get(child)) or population > 0,
        )
        for child, (population, covered) in sums.items()
    )


def _path(area: Area, at: int | None) -> tuple[Crumb, ...]:
    """From the scope's top down to ``at`` (what the page's "up" goes back through)."""
    chain = list(reversed(area.tree.ancestors(at)))
    if area.top is not None and area.top in chain:
        chain = chain[chain.index(area.top) :]
    return tuple(Crumb(u, area.tree.units[u].name) for u in chain)


async def _per_enterprise(
    session: AsyncSession, area: Area
) -> dict[int, tuple[str, int | None, int, int]]:
    """Per enterprise: name, unit, first-line people counted, those in a studio."""
    in_studio = exists().where(col(StudioMember.user_id) == User.id) | exists().where(
        col(Studio.leader_id) == User.id
    )
    query = where(
        core_select(
            col(Enterprise.id),
            col(Enterprise.name),
            col(Enterprise.org_unit_id),
            func.count(),
            func.sum(case((in_studio, 1), else_=0)),
        )
        .select_from(ExpertProfile)
        .join(User, col(User.id) == ExpertProfile.user_id)
        .join(Enterprise, col(Enterprise.id) == User.enterprise_id)
        .where(col(ExpertProfile.first_line))
        .group_by(col(Enterprise.id), col(Enterprise.name), col(Enterprise.org_unit_id)),
        within(Enterprise.id, area),
    )
    rows = await session.exec(query)
    return {
        eid: (name, unit, int(population), int(covered or 0))
        for eid, name, unit, population, covered in rows.all()
    }
