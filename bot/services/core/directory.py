"""Finding a person by what an admin can see of them: @username, part of a name, a forward.

An admin never sees a numeric Telegram id in the app, so /grant and /revoke name people this
way. Usernames and names are the ones people had when they last wrote to the bot.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, nulls_last
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.db import Database
from bot.models.users import Enterprise, Role, RoleGrant, User

SEARCH_LIMIT = 8


@dataclass(frozen=True, slots=True)
class Person:
    """Someone to give a role to: how to tell them apart, and what they hold already."""

    id: int
    name: str
    username: str | None
    enterprise: str | None
    roles: frozenset[Role]
    known: bool  # has written to the bot (otherwise only an id, or a forwarded name)


@dataclass(frozen=True, slots=True)
class Found:
    """The people a name matched (at most ``SEARCH_LIMIT``) and whether there were more."""

    people: tuple[Person, ...]
    more: bool


def _username(text: str) -> str:
    return text.strip().removeprefix("@").lower()


class UserDirectory:
    """Look people up for role management; every answer says which roles they hold."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings

    async def _people(self, session: AsyncSession, users: list[User]) -> list[Person]:
        ids = [user.id for user in users]
        grants = await session.exec(
            select(RoleGrant.user_id, RoleGrant.role).where(col(RoleGrant.user_id).in_(ids))
        )
        roles: dict[int, set[Role]] = {}
        for user_id, role in grants.all():
            roles.setdefault(user_id, set()).add(Role(role))
        places = {
            e.id: e.name
            for e in await session.exec(
                select(Enterprise).where(
                    col(Enterprise.id).in_([u.enterprise_id for u in users if u.enterprise_id])
                )
            )
        }
        return [
            Person(
                id=user.id,
                name=user.name,
                username=user.username,
                enterprise=places.get(user.enterprise_id) if user.enterprise_id else None,
                roles=frozenset({Role.WORKER, *roles.get(user.id, ())}),
                known=user.last_seen_at is not None,
            )
            for user in users
        ]

    async def person(self, *, user_id: int) -> Person:
        """The person with this Telegram id; one the bot never met is named by the id alone."""
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            if user is None:
                return Person(user_id, str(user_id), None, None, frozenset({Role.WORKER}), False)
            return (await self._people(session, [user]))[0]

    async def by_username(self, *, username: str) -> Person | None:
        """Whoever last wrote to the bot as ``@username`` (any case), if anyone did."""
        wanted = _username(username)
        if not wanted:
            return None
        async with self._db.reader() as session:
            user = (
                await session.exec(
                    select(User)
                    .where(func.lower(User.username) == wanted)
                    .order_by(nulls_last(col(User.last_seen_at).desc()))
                    .limit(1)
                )
            ).first()
            return (await self._people(session, [user]))[0] if user else None

    async def search(self, *, text: str) -> Found:
        """People whose name or username contains ``text`` (any case), latest writers first."""
        wanted = text.strip()
        if not wanted:
            return Found((), False)
        async with self._db.reader() as session:
            users = list(
                (
                    await session.exec(
                        select(User)
                        .where(
                            col(User.name).icontains(wanted, autoescape=True)
                            | col(User.username).icontains(_username(wanted), autoescape=True)
                        )
                        .order_by(nulls_last(col(User.last_seen_at).desc()), col(User.id))
                        .limit(SEARCH_LIMIT + 1)
                    )
                ).all()
            )
            people = await self._people(session, users[:SEARCH_LIMIT])
        return Found(tuple(people), len(users) > SEARCH_LIMIT)

    async def note(self, *, user_id: int, name: str, username: str | None) -> Person:
        """Someone seen in a forwarded message: kept (inactive until they write) to be named."""
        async with self._db.session() as session:
            if await session.get(User, user_id) is None:
                session.add(
                    User(
                        id=user_id,
                        name=name[:128] or str(user_id),
                        username=username,
                        locale=self._settings.default_locale,
                        is_active=False,
                    )
                )
        return await self.person(user_id=user_id)
