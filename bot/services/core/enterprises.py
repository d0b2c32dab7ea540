"""Enterprises users pick during onboarding, or type in when theirs is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.db import Database
from bot.models.users import Enterprise

NAME_MIN, NAME_MAX = 2, 80


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
        async with self._db.reader() as session:
            total = (await session.exec(select(func.count()).select_from(Enterprise))).one()
            rows = await session.exec(
                select(Enterprise)
                .order_by(col(Enterprise.name))
                .offset(max(offset, 0))
                .limit(limit)
            )
            return [EnterpriseView(e.id or 0, e.name) for e in rows.all()], int(total)

    async def find(self, *, enterprise_id: int) -> EnterpriseView | None:
        """The enterprise with this id, if it exists."""
        async with self._db.reader() as session:
            found = await session.get(Enterprise, enterprise_id)
            return EnterpriseView(found.id or 0, found.name) if found else None

    async def named(self, *, name: str) -> EnterpriseView:
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
                    created = Enterprise(name=name)
                    session.add(created)
                    await session.flush()
                    return EnterpriseView(created.id or 0, created.name)
            except IntegrityError:
                continue
        raise RuntimeError(f"could not create enterprise {name!r}")
