"""The organisation tree in memory: paths, subtrees and the studio target that applies at a node.

The tree is small (a province's cities, counties and enterprise unions), so reports load it
whole once per call instead of walking it with recursive queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.organizations import OrgLevel, OrgUnit

DEFAULT_TARGET = 0.8
"""The campaign's goal: about 80% of first-line model workers and craftsmen in a studio."""


@dataclass(frozen=True, slots=True)
class UnitView:
    """A node as reports name it."""

    id: int
    name: str
    level: str
    path: str
    target: float
    own_target: bool
    parent_id: int | None


class OrgTree:
    """Every unit with its parent, for walking up and down."""

    def __init__(self, units: list[OrgUnit]) -> None:
        self.units = {u.id: u for u in units if u.id is not None}
        self.children: dict[int | None, list[int]] = {}
        for unit in sorted(self.units.values(), key=lambda u: u.name):
            self.children.setdefault(unit.parent_id, []).append(unit.id or 0)

    @classmethod
    async def load(cls, session: AsyncSession) -> OrgTree:
        """Read the whole tree."""
        return cls(list((await session.exec(select(OrgUnit).order_by(col(OrgUnit.id)))).all()))

    def ancestors(self, unit_id: int | None) -> list[int]:
        """The unit and every unit above it, nearest first."""
        chain = []
        while unit_id is not None and unit_id in self.units:
            chain.append(unit_id)
            unit_id = self.units[unit_id].parent_id
        return chain

    def subtree(self, unit_id: int) -> set[int]:
        """The unit and everything below it."""
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(self.children.get(current, []))
        return found

    def at_level(self, unit_id: int | None, level: OrgLevel) -> int | None:
        """The ancestor of a unit at ``level`` (the unit itself when it is at that level)."""
        return next((u for u in self.ancestors(unit_id) if self.units[u].level == level), None)

    def child_toward(self, parent_id: int | None, unit_id: int | None) -> int | None:
        """The child of ``parent_id`` on the way down to ``unit_id`` (roots when parent is None)."""
        chain = self.ancestors(unit_id)
        if parent_id is None:
            return chain[-1] if chain else None
        if parent_id not in chain:
            return None
        index = chain.index(parent_id)
        return chain[index - 1] if index > 0 else None

    def target(self, unit_id: int | None) -> tuple[float, bool]:
        """The studio target in force at a unit (its own, else the nearest above); whether own."""
        for index, current in enumerate(self.ancestors(unit_id)):
            target = self.units[current].studio_target
            if target is not None:
                return target, index == 0
        return DEFAULT_TARGET, False

    def path(self, unit_id: int) -> str:
        """``陕西省 / 西安市 / 雁塔区`` from the root down."""
        return " / ".join(self.units[u].name for u in reversed(self.ancestors(unit_id)))

    def view(self, unit_id: int) -> UnitView:
        """A unit as reports show it."""
        unit = self.units[unit_id]
        target, own = self.target(unit_id)
        return UnitView(
            unit_id, unit.name, unit.level, self.path(unit_id), target, own, unit.parent_id
        )

    def find(self, path: str) -> int | None:
        """The unit at a ``/``-separated path of names (``陕西省/西安市``)."""
        parent: int | None = None
        for name in (part.strip() for part in path.split("/") if part.strip()):
            parent = next(
                (c for c in self.children.get(parent, []) if self.units[c].name == name), None
            )
            if parent is None:
                return None
        return parent

    def root(self) -> int | None:
        """The single top unit (the province), when there is exactly one."""
        roots = self.children.get(None, [])
        return roots[0] if len(roots) == 1 else None
