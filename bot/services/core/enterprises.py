"""Enterprises users pick in onboarding, find by typing part of the name, or add when missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.db import Database
from bot.models.base import table
from bot.models.users import Enterprise

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


@dataclass(frozen=True, slots=True)
class EnterpriseView:
    """An enterprise as a list shows it."""

    id: int
    name: str


def normalize(name: str) -> str:
    """Collapse white space so that the same name typed twice is one enterprise."""
    return re.sub(r"\s+", " ", name).strip()


class EnterpriseService:
    """Listing and naming enterprises."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
        wanted = normalize(name).casefold()
        return next((e for e in await self.search(text=name) if e.name.casefold() == wanted), None)

    async def unverified(self) -> list[EnterpriseView]:
        """Enterprises users added themselves, oldest first, for an admin to check or merge."""
        query = select(Enterprise).where(col(Enterprise.verified).is_(False))
        async with self._db.reader() as session:
            found = (await session.exec(query.order_by(col(Enterprise.created_at)))).all()
        return [EnterpriseView(e.id or 0, e.name) for e in found]

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
