"""Who people are, which language they read and what they may do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, func, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.clock import utcnow
from bot.config import Locale, Settings
from bot.db import Database
from bot.i18n import locale_from_language_code
from bot.models.base import UTCDateTime, table
from bot.models.users import Enterprise, Role, RoleGrant, User

SEEN_WRITE_INTERVAL = timedelta(minutes=5)
# Who may do what, defined once; an admin may do everything (see :func:`holds`).
ADMINS = frozenset({Role.ADMIN})
EXPERTS = frozenset({Role.MODEL_WORKER, Role.CRAFTSMAN})
REVIEWERS = frozenset({Role.REVIEWER, *EXPERTS})
EVERYONE = frozenset({Role.WORKER})

# Roles are read on every permission check and /profile on every visit: both statements are
# built once and run on a plain connection.
_USERS = table(User)
_GRANTS = table(RoleGrant)
_ENTERPRISES = table(Enterprise)
_USER_ID = bindparam("user_id", type_=BigInteger())
ROLES = core_select(_GRANTS.c.role).where(_GRANTS.c.user_id == _USER_ID)
PROFILE = (
    core_select(
        _USERS.c.id,
        _USERS.c.name,
        _USERS.c.locale,
        _USERS.c.department,
        _USERS.c.occupation,
        _ENTERPRISES.c.name.label("enterprise"),
        core_select(func.aggregate_strings(_GRANTS.c.role, ","))
        .where(_GRANTS.c.user_id == _USERS.c.id)
        .scalar_subquery()
        .label("roles"),
    )
    .outerjoin_from(_USERS, _ENTERPRISES, _ENTERPRISES.c.id == _USERS.c.enterprise_id)
    .where(_USERS.c.id == _USER_ID)
)


_VIEW_COLUMNS = (
    _USERS.c.id,
    _USERS.c.name,
    _USERS.c.username,
    _USERS.c.locale,
    _USERS.c.timezone,
    _USERS.c.onboarding_step,
    _USERS.c.is_active,
    _USERS.c.flows,
    _USERS.c.last_seen_at,
)
# What a visit reads; the inbox's claim reads the same columns with the update on PostgreSQL.
VISIT = core_select(*_VIEW_COLUMNS).where(_USERS.c.id == _USER_ID)
# Someone who wrote before, last noted a while ago or blocked since: note the visit and read
# their view in one statement.
SEEN_AGAIN = (
    update(_USERS)
    .where(_USERS.c.id == _USER_ID, _USERS.c.last_seen_at.is_not(None))
    .values(
        name=bindparam("b_name"),
        username=bindparam("b_username"),
        last_seen_at=bindparam("b_now", type_=UTCDateTime()),
        is_active=True,
        blocked_at=None,
    )
    .returning(*_VIEW_COLUMNS)
)


def _register(insert: Any) -> Any:
    """A first-time user's row, unless one exists already (then nothing, and no row returned)."""
    return (
        insert(_USERS)
        .values(
            id=_USER_ID,
            name=bindparam("b_name"),
            username=bindparam("b_username"),
            locale=bindparam("b_locale"),
            created_at=bindparam("b_now", type_=UTCDateTime()),
            last_seen_at=bindparam("b_now", type_=UTCDateTime()),
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(*_VIEW_COLUMNS)
    )


def _held(roles: Iterable[str]) -> frozenset[Role]:
    return frozenset({Role.WORKER, *(Role(r) for r in roles)})


def holds(roles: frozenset[Role] | set[Role], any_of: frozenset[Role] | set[Role]) -> bool:
    """Whether someone holding ``roles`` may do what needs one of ``any_of``."""
    return Role.ADMIN in roles or bool(roles & any_of)


class PermissionDenied(Exception):
    """The user lacks every role the action needs."""


@dataclass(frozen=True, slots=True)
class UserView:
    """What handlers need of a user on every update, cheap to cache."""

    id: int
    name: str
    locale: Locale
    timezone: str
    is_new: bool
    onboarding_step: str | None
    is_active: bool
    # The step of each flow they are in, as the database held it when the update arrived.
    flows: dict[str, Any] = field(default_factory=dict)
    # Made before they first wrote (a role granted, an import): only such a newcomer can
    # already hold roles.
    placeholder: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """A user's profile as shown in /profile."""

    id: int
    name: str
    locale: Locale
    enterprise: str | None
    department: str | None
    occupation: str | None
    roles: frozenset[Role]


class UserService:
    """Registration, language, activity and roles."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self._register = _register(sqlite_insert if db.is_sqlite else pg_insert)

    def _view(self, user: Any, *, is_new: bool = False, placeholder: bool = False) -> UserView:
        """The view of ``user``: a ``User``, or a row with the same columns."""
        return UserView(
            id=user.id,
            name=user.name,
            locale="en" if user.locale == "en" else "zh",
            timezone=user.timezone or self._settings.timezone,
            is_new=is_new,
            onboarding_step=user.onboarding_step,
            is_active=user.is_active,
            flows=dict(user.flows or {}),
            placeholder=placeholder,
        )

    async def seen(
        self,
        *,
        user_id: int,
        name: str,
        username: str | None = None,
        language_code: str | None = None,
        known: Any = None,
    ) -> UserView:
        """Register a first-time user or note activity; a returning blocked user is active again.

        The user's row is read on every update (``known`` when the caller has it already: the
        inbox's claim reads it with the update on PostgreSQL), because any process may have
        moved them on since; it is written only every few minutes, when they come back, or when
        their name or @username changed (an admin finds people by them).
        """
        now = utcnow()
        given = {"user_id": user_id, "b_name": name[:128], "b_username": username, "b_now": now}
        row = known if known is not None and known.id is not None else await self._visit(user_id)
        if row is not None and row.last_seen_at is not None:
            fresh = now - row.last_seen_at < SEEN_WRITE_INTERVAL
            same = (row.name, row.username) == (name[:128], username)
            if row.is_active and fresh and same:
                return self._view(row)
            async with self._db.statement() as connection:
                again = (await connection.execute(SEEN_AGAIN, given)).first()
            return self._view(again or row)
        locale = locale_from_language_code(language_code, self._settings.default_locale)
        async with self._db.statement() as connection:
            created = await connection.execute(self._register, {**given, "b_locale": locale})
            first = created.first()
        if first is not None:
            return self._view(first, is_new=True)
        return await self._fill_placeholder(user_id, name, username, language_code, now)

    async def _visit(self, user_id: int) -> Any:
        async with self._db.connection() as connection:
            return (await connection.execute(VISIT, {"user_id": user_id})).first()

    async def _fill_placeholder(
        self,
        user_id: int,
        name: str,
        username: str | None,
        language_code: str | None,
        now: datetime,
    ) -> UserView:
        """A row made before they first wrote (a role granted, an import): fill it in."""
        async with self._db.session() as session:
            user = await session.get(User, user_id)
            is_new = user is None or user.last_seen_at is None
            placeholder = user is not None and is_new
            if user is None:
                user = User(id=user_id, name=name[:128])
            if is_new:
                user.locale = locale_from_language_code(
                    language_code, self._settings.default_locale
                )
            user.name, user.username = name[:128], username
            user.last_seen_at, user.is_active, user.blocked_at = now, True, None
            session.add(user)
            return self._view(user, is_new=is_new, placeholder=placeholder)

    async def find(self, *, user_id: int) -> UserView | None:
        """The user's view, or ``None`` for someone who never wrote to the bot."""
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            return self._view(user) if user else None

    async def set_locale(self, *, user_id: int, locale: Locale) -> None:
        """Switch the language the bot speaks to this user."""
        async with self._db.session() as session:
            await session.exec(update(User).where(User.id == user_id).values(locale=locale))  # type: ignore[arg-type]

    async def deactivate(self, *, user_id: int) -> None:
        """Mark a user who blocked the bot, so that nothing more is sent to them."""
        async with self._db.session() as session:
            await session.exec(
                update(User)
                .where(col(User.id) == user_id, col(User.is_active))
                .values(is_active=False, blocked_at=utcnow())
            )

    async def reactivate(self, *, user_id: int) -> None:
        """Mark a user who unblocked the bot as reachable again."""
        async with self._db.session() as session:
            await session.exec(
                update(User).where(User.id == user_id).values(is_active=True, blocked_at=None)  # type: ignore[arg-type]
            )

    async def profile(self, *, user_id: int) -> Profile | None:
        """Everything /profile shows, in one round trip."""
        async with self._db.connection() as connection:
            found = (await connection.execute(PROFILE, {"user_id": user_id})).first()
        if found is None:
            return None
        return Profile(
            id=found.id,
            name=found.name,
            locale="en" if found.locale == "en" else "zh",
            enterprise=found.enterprise,
            department=found.department,
            occupation=found.occupation,
            roles=_held(found.roles.split(",") if found.roles else ()),
        )

    async def roles(self, *, user_id: int) -> frozenset[Role]:
        """Every role the user holds, read from the database each time (never cached)."""
        async with self._db.connection() as connection:
            return _held((await connection.execute(ROLES, {"user_id": user_id})).scalars())

    async def require(
        self, *, user_id: int, any_of: frozenset[Role] | set[Role]
    ) -> frozenset[Role]:
        """The user's roles, or :class:`PermissionDenied` when none of ``any_of`` is among them."""
        roles = await self.roles(user_id=user_id)
        if not holds(roles, any_of):
            raise PermissionDenied(user_id)
        return roles

    async def grant(self, *, user_id: int, role: Role, by: int | None = None) -> bool:
        """Give a role (making a placeholder user for an id not seen yet); False if already held."""
        async with self._db.session() as session:
            if await session.get(User, user_id) is None:
                # Inactive until they write: nothing is sent to a chat that may not exist yet.
                session.add(
                    User(
                        id=user_id,
                        name=str(user_id),
                        locale=self._settings.default_locale,
                        is_active=False,
                    )
                )
                await session.flush()
            held = await session.get(RoleGrant, (user_id, role.value))
            if role == Role.WORKER or held is not None:
                return False
            session.add(RoleGrant(user_id=user_id, role=role.value, granted_by=by))
        return True

    async def revoke(self, *, user_id: int, role: Role) -> bool:
        """Take a role away; False if the user did not hold it."""
        async with self._db.session() as session:
            result = await session.exec(
                delete(RoleGrant).where(
                    col(RoleGrant.user_id) == user_id, col(RoleGrant.role) == role.value
                )
            )
        return bool(result.rowcount)

    async def privileged(self) -> list[tuple[int, Locale, frozenset[Role]]]:
        """Active users holding any role beyond worker, with their language (for their menus)."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(User.id, User.locale, RoleGrant.role)
                .join(RoleGrant)
                .where(col(User.is_active))
            )
            found: dict[int, tuple[Locale, set[Role]]] = {}
            for user_id, locale, role in rows.all():
                found.setdefault(user_id, ("en" if locale == "en" else "zh", set()))[1].add(
                    Role(role)
                )
        return [(uid, loc, frozenset({Role.WORKER, *roles})) for uid, (loc, roles) in found.items()]

    async def holders(self, *, role: Role) -> list[int]:
        """Ids of active users holding ``role``."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(RoleGrant.user_id)
                .join(User)
                .where(RoleGrant.role == role.value, col(User.is_active))
            )
            return list(rows.all())

    async def count(self, *, active_only: bool = True) -> int:
        """How many users there are."""
        async with self._db.reader() as session:
            query = select(func.count()).select_from(User)
            if active_only:
                query = query.where(col(User.is_active))
            return int((await session.exec(query)).one())
