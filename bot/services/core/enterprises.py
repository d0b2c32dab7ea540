"""Enterprises users pick in onboarding, find by typing part of the name, or add when missing.

A name a newcomer added waits unverified until an admin confirms it or merges it into an
enterprise that already exists (everything naming it moves there: ``merge``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import bindparam, delete, func
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import Database
from bot.models.base import table
from bot.models.users import Enterprise, User
from bot.services.core.merge import move_audiences, move_rows
from bot.services.core.users import ADMINS, UserService

NAME_MIN, NAME_MAX = 2, 80
# partial_ratio compares characters, so a Chinese fragment ("宝鸡石由") still finds its name.
SIMILAR = 75
_ENTERPRISES = table(Enterprise)
# The picker every newcomer sees: a page and the count in one round trip, built once.
PAGE = (
    core_select(_ENTERPRISES.c.id, _ENTERPRISES.c.name, func.count().over().label("total"))
    .where(_ENTERPRISES.c.verified)
    .order_by(_ENTERPRISES.c.name)
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)


class InvalidName(ValueError):
    """An enterprise name that is empty, too short or too long."""


class EnterpriseGone(LookupError):
    """Not an enterprise waiting to be checked (confirmed or merged since), or no such target."""


@dataclass(frozen=True, slots=True)
class EnterpriseView:
    """An enterprise as a list shows it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Unchecked:
    """An enterprise a newcomer added, waiting for an admin, and how many people work there."""

    id: int
    name: str
    people: int


@dataclass(frozen=True, slots=True)
class Merged:
    """What a merge did: the enterprise gone, the one kept, and how many people moved."""

    source: str
    target: str
    people: int


def normalize(name: str) -> str:
    """Collapse white space so that the same name typed twice is one enterprise."""
    return re.sub(r"\s+", " ", name).strip()


def exact_of(name: str, found: list[EnterpriseView]) -> EnterpriseView | None:
    """The one of ``found`` (a search for ``name``) called exactly ``name``, if any.

    Case and spacing are ignored. Such a name sorts first, so one search answers both "which
    enterprise?" and "is it that one?".
    """
    wanted = normalize(name).casefold()
    return next((e for e in found if e.name.casefold() == wanted), None)


class EnterpriseService:
    """Listing and naming enterprises."""

    def __init__(self, db: Database, users: UserService) -> None:
        self._db = db
        self._users = users

    async def page(self, *, offset: int, limit: int) -> tuple[list[EnterpriseView], int]:
        """One page of enterprises by name, and how many there are in all."""
        offset = max(offset, 0)
        async with self._db.connection() as connection:
            rows = (await connection.execute(PAGE, {"offset": offset, "limit": limit})).all()
            if rows:
                return [EnterpriseView(row.id, row.name) for row in rows], int(rows[0].total)
            if not offset:
                return [], 0
            count = (  # past the last page
                core_select(func.count()).select_from(_ENTERPRISES).where(_ENTERPRISES.c.verified)
            )
            return [], int((await connection.execute(count)).scalar_one())

    async def find(self, *, enterprise_id: int) -> EnterpriseView | None:
        """The enterprise with this id, if it exists."""
        async with self._db.reader() as session:
            found = await session.get(Enterprise, enterprise_id)
            return EnterpriseView(found.id or 0, found.name) if found else None

    async def search(self, *, text: str, limit: int = 8) -> list[EnterpriseView]:
        """Enterprises whose name contains ``text`` or comes close to it, best first."""
        wanted = normalize(text).casefold()
        async with self._db.reader() as session:
            rows = (await session.exec(select(Enterprise.id, Enterprise.name))).all()
        names = {row[0] or 0: row[1] for row in rows}
        found = process.extract(
            wanted,
            {key: name.casefold() for key, name in names.items()},
            scorer=fuzz.partial_ratio,
            score_cutoff=SIMILAR,
            limit=None,
        )
        found.sort(key=lambda hit: (wanted not in hit[0], -hit[1], len(hit[0])))
        return [EnterpriseView(key, names[key]) for _, _, key in found[:limit]]

    async def exact(self, *, name: str) -> EnterpriseView | None:
        """The enterprise called exactly ``name`` (ignoring case and spacing), if any."""
        return exact_of(name, await self.search(text=name))

    async def unverified(self) -> list[EnterpriseView]:
        """Enterprises users added themselves, oldest first, for an admin to check or merge."""
        query = select(Enterprise).where(col(Enterprise.verified).is_(False))
        async with self._db.reader() as session:
            found = (await session.exec(query.order_by(col(Enterprise.created_at)))).all()
        return [EnterpriseView(e.id or 0, e.name) for e in found]

    async def unchecked(self, *, admin_id: int, enterprise_id: int) -> Unchecked:
        """One enterprise waiting to be checked; :class:`EnterpriseGone` if it is not (any more)."""
        await self._users.require(user_id=admin_id, any_of=ADMINS)
        async with self._db.reader() as session:
            found = await session.get(Enterprise, enterprise_id)
            if found is None or found.verified:
                raise EnterpriseGone(enterprise_id)
            people = select(func.count()).where(col(User.enterprise_id) == enterprise_id)
            return Unchecked(enterprise_id, found.name, int((await session.exec(people)).one()))

    async def candidates(
        self, *, admin_id: int, enterprise_id: int, offset: int, limit: int
    ) -> tuple[list[EnterpriseView], int]:
        """Verified enterprises to merge an unchecked one into, the likest names first; a page."""
        wanted = (await self.unchecked(admin_id=admin_id, enterprise_id=enterprise_id)).name
        query = select(Enterprise.id, Enterprise.name).where(col(Enterprise.verified))
        async with self._db.reader() as session:
            rows = [EnterpriseView(i or 0, name) for i, name in (await session.exec(query)).all()]
        rows.sort(key=lambda e: (-fuzz.partial_ratio(wanted.casefold(), e.name.casefold()), e.name))
        offset = max(offset, 0)
        return rows[offset : offset + limit], len(rows)

    async def verify(self, *, admin_id: int, enterprise_id: int) -> EnterpriseView:
        """Confirm an enterprise a newcomer added: from now on newcomers find it in the list."""
        await self._users.require(user_id=admin_id, any_of=ADMINS)
        async with self._db.session() as session:
            found = await self._unchecked(session, enterprise_id)
            found.verified = True
            session.add(found)
            return EnterpriseView(enterprise_id, found.name)

    async def merge(self, *, admin_id: int, source_id: int, target_id: int) -> Merged:
        """Move every person and row naming an unchecked enterprise to a verified one; delete it.

        One transaction: either everything has moved and the unchecked enterprise is gone, or
        nothing changed (:class:`EnterpriseGone` when either side is not what it must be).
        """
        await self._users.require(user_id=admin_id, any_of=ADMINS)
        async with self._db.session() as session:
            source = await self._unchecked(session, source_id)
            target = await session.get(Enterprise, target_id)
            if target is None or not target.verified:
                raise EnterpriseGone(target_id)
            connection = await session.connection()
            people = await move_rows(connection, source=source_id, target=target_id)
            await move_audiences(connection, source=source_id, target=target_id)
            await connection.execute(delete(_ENTERPRISES).where(_ENTERPRISES.c.id == source_id))
            return Merged(source.name, target.name, people)

    @staticmethod
    async def _unchecked(session: AsyncSession, enterprise_id: int) -> Enterprise:
        """The unchecked enterprise, locked until the transaction ends (two admins, one press)."""
        query = select(Enterprise).where(Enterprise.id == enterprise_id).with_for_update()
        found = (await session.exec(query)).first()
        if found is None or found.verified:
            raise EnterpriseGone(enterprise_id)
        return found

    async def named(self, *, name: str, verified: bool = True) -> EnterpriseView:
        """The enterprise called ``name``, created if new; safe when two people type it at once."""
        name = normalize(name)
        if not NAME_MIN <= len(name) <= NAME_MAX:
            raise InvalidName(name)
        for _ in range(2):
            async with self._db.reader() as session:
                found = (
                    await session.exec(select(Enterprise).where(Enterprise.name == name))
                ).first()
                if found:
                    return EnterpriseView(found.id or 0, found.name)
            try:
                async with self._db.session() as session:
                    created = Enterprise(name=name, verified=verified)
                    session.add(created)
                    await session.flush()
                    return EnterpriseView(created.id or 0, created.name)
            except IntegrityError:
                continue
        raise RuntimeError(f"could not create enterprise {name!r}")
