"""Who sees which part of the campaign: admins everything, an organiser one unit's subtree.

An organiser holds the ``organiser`` role and one :class:`~bot.models.users.OrganiserScope` row
naming a unit of the organisation tree (province, city, county, union) or one enterprise. Every
figure, table and export is limited to the enterprises inside that part, and a unit asked for
outside it is refused (:class:`OutOfScope`), never silently widened.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import Database
from bot.models.organizations import OrgUnit
from bot.models.users import Enterprise, OrganiserScope, Role, RoleGrant, User
from bot.services.network.orgtree import OrgTree


class OutOfScope(Exception):
    """The unit or record asked for lies outside the viewer's part of the organisation."""


class NotAllowed(Exception):
    """The viewer is neither an admin nor an organiser."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The part of the organisation one viewer sees.

    ``unit_id`` and ``enterprise_id`` are both None for an admin (everything, people without an
    enterprise included); otherwise exactly one is set.
    """

    user_id: int
    admin: bool
    unit_id: int | None = None
    enterprise_id: int | None = None

    @property
    def everything(self) -> bool:
        """Whether nothing is left out."""
        return self.unit_id is None and self.enterprise_id is None


@dataclass(frozen=True, slots=True)
class Area:
    """A scope resolved against the tree: the units and enterprises inside it."""

    scope: Scope
    tree: OrgTree
    units: frozenset[int] | None  # None: every unit
    enterprises: frozenset[int] | None  # None: every enterprise, and people without one
    top: int | None  # the unit the scope starts at (the root for admins)
    enterprise_units: dict[int | None, int | None]  # every enterprise's unit, inside or not

    def unit_allowed(self, unit_id: int) -> bool:
        """Whether a unit of the tree lies inside the scope."""
        return unit_id in self.tree.units and (self.units is None or unit_id in self.units)

    def enterprise_allowed(self, enterprise_id: int | None) -> bool:
        """Whether an enterprise (None: none given) lies inside the scope."""
        if self.enterprises is None:
            return True
        return enterprise_id is not None and enterprise_id in self.enterprises


class ScopeService:
    """Read, grant and withdraw organisers' scopes."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def of(self, *, user_id: int) -> Scope:
        """The viewer's scope, or :class:`NotAllowed` for a worker (or a scope-less organiser)."""
        async with self._db.reader() as session:
            roles = set(
                await session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user_id))
            )
            if Role.ADMIN.value in roles:
                return Scope(user_id, admin=True)
            bound = await session.get(OrganiserScope, user_id)
        if Role.ORGANISER.value not in roles or bound is None:
            raise NotAllowed(user_id)
        return Scope(user_id, False, bound.org_unit_id, bound.enterprise_id)

    async def area(self, scope: Scope) -> Area:
        """The units and enterprises inside ``scope``."""
        async with self._db.reader() as session:
            tree = await OrgTree.load(session)
            return await resolve(session, tree, scope)

    async def assign(
        self,
        *,
        user_id: int,
        unit_id: int | None = None,
        enterprise_id: int | None = None,
        by: int | None = None,
    ) -> bool:
        """Make someone an organiser of one unit or enterprise (moving an earlier scope).

        False when the unit or enterprise does not exist. A user not seen yet gets a placeholder
        row, as with any other role.
        """
        if (unit_id is None) == (enterprise_id is None):
            raise ValueError("give exactly one of unit_id and enterprise_id")
        async with self._db.session() as session:
            if not await _exists(session, unit_id, enterprise_id):
                return False
            if await session.get(User, user_id) is None:
                session.add(User(id=user_id, name=str(user_id), is_active=False))
                await session.flush()
            if await session.get(RoleGrant, (user_id, Role.ORGANISER.value)) is None:
                session.add(RoleGrant(user_id=user_id, role=Role.ORGANISER.value, granted_by=by))
            bound = await session.get(OrganiserScope, user_id) or OrganiserScope(user_id=user_id)
            bound.org_unit_id, bound.enterprise_id, bound.granted_by = unit_id, enterprise_id, by
            session.add(bound)
        return True

    async def withdraw(self, *, user_id: int) -> bool:
        """Take the organiser role and its scope away; False if they were not an organiser."""
        async with self._db.session() as session:
            await session.exec(delete(OrganiserScope).where(col(OrganiserScope.user_id) == user_id))
            result = await session.exec(
                delete(RoleGrant).where(
                    col(RoleGrant.user_id) == user_id, col(RoleGrant.role) == Role.ORGANISER.value
                )
            )
        return bool(result.rowcount)

    async def place(self, *, text: str) -> Place | None:
        """A unit by its path of names, or an enterprise by its name."""
        async with self._db.reader() as session:
            return await find_place(session, text)

    async def label(self, scope: Scope) -> str | None:
        """The scope's name as people read it (``陕西省 / 西安市``), None for everything."""
        async with self._db.reader() as session:
            if scope.enterprise_id is not None:
                found = await session.get(Enterprise, scope.enterprise_id)
                return found.name if found else None
            if scope.unit_id is None:
                return None
            tree = await OrgTree.load(session)
        return tree.path(scope.unit_id) if scope.unit_id in tree.units else None


async def resolve(session: AsyncSession, tree: OrgTree, scope: Scope) -> Area:
    """Resolve ``scope`` against ``tree``: which units and enterprises it holds."""
    rows = await session.exec(select(Enterprise.id, Enterprise.org_unit_id))
    placed: dict[int | None, int | None] = dict(rows.all())
    if scope.everything:
        return Area(scope, tree, None, None, tree.root(), placed)
    if scope.enterprise_id is not None:
        unit = placed.get(scope.enterprise_id)
        return Area(scope, tree, frozenset(), frozenset({scope.enterprise_id}), unit, placed)
    assert scope.unit_id is not None
    units = frozenset(tree.subtree(scope.unit_id)) if scope.unit_id in tree.units else frozenset()
    enterprises = frozenset(e for e, u in placed.items() if e is not None and u in units)
    return Area(scope, tree, units, enterprises, scope.unit_id, placed)


async def _exists(session: AsyncSession, unit_id: int | None, enterprise_id: int | None) -> bool:
    if unit_id is not None:
        return await session.get(OrgUnit, unit_id) is not None
    return await session.get(Enterprise, enterprise_id) is not None


@dataclass(frozen=True, slots=True)
class Place:
    """A unit of the tree or an enterprise, found by what an admin typed."""

    kind: str  # "unit" or "enterprise"
    id: int
    label: str


async def find_place(session: AsyncSession, text: str) -> Place | None:
    """The unit at a path of names (``陕西省/西安市``), else the enterprise of that exact name."""
    tree = await OrgTree.load(session)
    unit = tree.find(text)
    if unit is not None:
        return Place("unit", unit, tree.path(unit))
    found = (await session.exec(select(Enterprise).where(Enterprise.name == text.strip()))).first()
    return Place("enterprise", found.id, found.name) if found and found.id else None
