"""Who a broadcast goes to: everyone, or users picked by enterprise, department, role or event.

Kinds of criteria combine with AND, values within one kind with OR, and only active users
are ever chosen. An event's audience is the people whose answer is "going".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import col

from bot.db import Database
from bot.models.events import Answer, Rsvp
from bot.models.users import Enterprise, Role, RoleGrant, User


@dataclass(frozen=True)
class Audience:
    """A description of recipients; an audience with no criteria and not ``everyone`` is nobody."""

    everyone: bool = False
    enterprise_ids: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    event_id: int | None = None
    user_ids: tuple[int, ...] = ()  # named people, e.g. the one a proposal update is for

    @property
    def is_empty(self) -> bool:
        """Whether nobody can match (no criteria at all and not everyone)."""
        narrowed = (
            self.enterprise_ids or self.departments or self.roles or self.event_id or self.user_ids
        )
        return not self.everyone and not narrowed

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form, stored with the broadcast."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        """The audience stored with a broadcast."""
        return cls(
            everyone=bool(data.get("everyone")),
            enterprise_ids=tuple(int(i) for i in data.get("enterprise_ids", ())),
            departments=tuple(str(d) for d in data.get("departments", ())),
            roles=tuple(str(r) for r in data.get("roles", ())),
            event_id=data.get("event_id"),
            user_ids=tuple(int(i) for i in data.get("user_ids", ())),
        )


@dataclass(frozen=True, slots=True)
class Choice:
    """Something an admin can pick in the audience picker, with how many active users it has."""

    value: str
    label: str
    users: int


class AudienceService:
    """Resolve audiences to active user ids and offer the choices the picker shows."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _query(self, audience: Audience) -> Select[int] | None:
        if audience.is_empty:
            return None
        query = select(col(User.id)).where(col(User.is_active))
        if audience.enterprise_ids:
            query = query.where(col(User.enterprise_id).in_(audience.enterprise_ids))
        if audience.departments:
            query = query.where(col(User.department).in_(audience.departments))
        if audience.roles and Role.WORKER.value not in audience.roles:
            holders = select(col(RoleGrant.user_id)).where(col(RoleGrant.role).in_(audience.roles))
            query = query.where(col(User.id).in_(holders))
        if audience.user_ids:
            query = query.where(col(User.id).in_(audience.user_ids))
        if audience.event_id is not None:
            going = select(col(Rsvp.user_id)).where(
                col(Rsvp.event_id) == audience.event_id, col(Rsvp.answer) == Answer.GOING.value
            )
            query = query.where(col(User.id).in_(going))
        return query

    async def resolve(self, audience: Audience) -> list[int]:
        """Ids of the active users in ``audience``, in ascending order."""
        query = self._query(audience)
        if query is None:
            return []
        async with self._db.connection() as connection:
            return list((await connection.execute(query.order_by(col(User.id)))).scalars())

    async def count(self, audience: Audience) -> int:
        """How many active users ``audience`` reaches now."""
        query = self._query(audience)
        if query is None:
            return 0
        return await self._count(query)

    async def _count(self, query: Select[*tuple[Any, ...]]) -> int:
        async with self._db.connection() as connection:
            counted = select(func.count()).select_from(query.subquery())
            return int((await connection.execute(counted)).scalar_one())

    async def enterprises(self, *, offset: int = 0, limit: int = 8) -> tuple[list[Choice], int]:
        """A page of enterprises that have active users, largest first, and how many there are."""
        users = func.count(col(User.id)).label("users")
        query = (
            select(col(Enterprise.id), col(Enterprise.name), users)
            .join(User, col(User.enterprise_id) == col(Enterprise.id))
            .where(col(User.is_active))
            .group_by(col(Enterprise.id), col(Enterprise.name))
        )
        page = query.order_by(users.desc(), col(Enterprise.name)).offset(offset).limit(limit)
        async with self._db.connection() as connection:
            rows = (await connection.execute(page)).all()
        return [Choice(str(i), name, n) for i, name, n in rows], await self._count(query)

    async def departments(
        self, *, enterprise_ids: Collection[int] = (), offset: int = 0, limit: int = 8
    ) -> tuple[list[Choice], int]:
        """A page of departments (within the given enterprises, if any), largest first."""
        users = func.count(col(User.id)).label("users")
        query = (
            select(col(User.department), users)
            .where(col(User.is_active), col(User.department).is_not(None))
            .group_by(col(User.department))
        )
        if enterprise_ids:
            query = query.where(col(User.enterprise_id).in_(list(enterprise_ids)))
        page = query.order_by(users.desc(), col(User.department)).offset(offset).limit(limit)
        async with self._db.connection() as connection:
            rows = (await connection.execute(page)).all()
        return [Choice(str(d), str(d), n) for d, n in rows], await self._count(query)

    async def enterprise_names(self, *, ids: Collection[int]) -> dict[int, str]:
        """Names of the given enterprises, for describing an audience."""
        if not ids:
            return {}
        query = select(col(Enterprise.id), col(Enterprise.name)).where(
            col(Enterprise.id).in_(list(ids))
        )
        async with self._db.connection() as connection:
            rows = (await connection.execute(query)).all()
        return {int(i): name for i, name in rows if i is not None}
