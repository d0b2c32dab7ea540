"""The outbox's database side: claim due rows, record outcomes in batches, recover after a crash.

Everything here is written for throughput: rows are claimed with one conditional UPDATE
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several senders never share a row) and outcomes
are written with one executemany per batch, keeping the database far below the cost of a
Telegram call.

A claimed row is ``claimed``; it becomes ``sending`` (written before its call, many rows in
one statement) only when its call is about to be made. After a crash, ``claimed`` rows were
never attempted and go back to ``pending``; only ``sending`` ones may or may not have reached
the person, and become ``unknown``: at most the calls the sender had under way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.clock import utcnow
from bot.db import Database
from bot.models.base import TelegramId, UTCDateTime, table
from bot.models.broadcasts import Broadcast, Delivery, DeliveryStatus
from bot.services.core import UserService
from bot.services.settings import Recipient

DELIVERY = table(Delivery)
BROADCAST = table(Broadcast)
Status = DeliveryStatus


def insert_for(db: Database) -> Any:
    """The INSERT of the database's dialect (for ON CONFLICT clauses)."""
    return sqlite_insert if db.is_sqlite else pg_insert


def delivery_row(broadcast_id: int, recipient: Recipient, **values: Any) -> dict[str, Any]:
    """The columns of a new delivery row for ``recipient``."""
    locale = "en" if recipient.locale == "en" else "zh"
    return {
        "broadcast_id": broadcast_id,
        "user_id": recipient.user_id,
        "locale": locale,
        "attempts": 0,
        **values,
    }


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery row this process now owns: it must send it and record what happened."""

    id: int
    broadcast_id: int | None
    user_id: int
    round: int
    locale: str
    reply_to: int | None
    attempts: int

    @property
    def is_digest(self) -> bool:
        """Whether this row carries a user's daily digest."""
        return self.broadcast_id is None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What Telegram said about one claimed row."""

    id: int
    user_id: int
    status: DeliveryStatus
    carrier: bool = False
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    attempts: int = 0


@dataclass(slots=True)
class Content:
    """What a broadcast says and shows, loaded once per sender; ``photo_id`` is learnt on upload."""

    id: int
    kind: str
    html: dict[str, str]
    buttons: list[tuple[str, str, str]]
    photo: bytes | None
    photo_id: str | None
    must_read: bool


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One broadcast inside a digest."""

    broadcast_id: int
    kind: str
    html: dict[str, str]


_RECORD = (
    update(DELIVERY)
    .where(
        DELIVERY.c.id == bindparam("b_id"),
        # Not IN (…): an expanding list cannot be used with executemany.
        or_(
            DELIVERY.c.status == Status.CLAIMED.value,
            DELIVERY.c.status == Status.SENDING.value,
            DELIVERY.c.status == Status.UNKNOWN.value,
        ),
    )
    .values(
        status=bindparam("b_status"),
        sent_at=bindparam("b_sent_at", type_=UTCDateTime()),
        message_id=bindparam("b_message_id", type_=TelegramId()),
        error=bindparam("b_error"),
        attempts=bindparam("b_attempts"),
        due_at=func.coalesce(bindparam("b_due_at", type_=UTCDateTime()), DELIVERY.c.due_at),
    )
)
_MIRROR = (
    update(DELIVERY)
    .where(DELIVERY.c.digest_id == bindparam("b_id"), DELIVERY.c.status == Status.BUNDLED.value)
    .values(
        status=bindparam("b_status"),
        sent_at=bindparam("b_sent_at", type_=UTCDateTime()),
        message_id=bindparam("b_message_id", type_=TelegramId()),
        error=bindparam("b_error"),
    )
)


class Outbox:
    """Claim, record and recover delivery rows; used by the sender at the edge."""

    def __init__(self, db: Database, users: UserService) -> None:
        self._db = db
        self._users = users

    async def claim(self, *, limit: int, worker: str, now: datetime | None = None) -> list[Claimed]:
        """Mark up to ``limit`` due rows ``claimed`` for ``worker``, most urgent first."""
        now = now or utcnow()
        due = (
            select(DELIVERY.c.id)
            .where(DELIVERY.c.status == Status.PENDING.value, DELIVERY.c.due_at <= now)
            .order_by(DELIVERY.c.lane, DELIVERY.c.due_at, DELIVERY.c.id)
            .limit(limit)
        )
        if not self._db.is_sqlite:
            due = due.with_for_update(skip_locked=True)
        # Materialised once: PostgreSQL may rescan an IN (… LIMIT n) subquery and claim more.
        # The chosen rows are locked (PostgreSQL) or the database is (SQLite) until the update,
        # so they are still pending; looking them up by id keeps the claim index out of it.
        chosen = due.cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
        claim = (
            update(DELIVERY)
            .where(DELIVERY.c.id.in_(select(chosen.c.id)))
            .values(status=Status.CLAIMED.value, claimed_by=worker, claimed_at=now)
            .returning(
                DELIVERY.c.id,
                DELIVERY.c.broadcast_id,
                DELIVERY.c.user_id,
                DELIVERY.c.round,
                DELIVERY.c.locale,
                DELIVERY.c.reply_to,
                DELIVERY.c.attempts,
            )
        )
        async with self._db.writer() as connection:
            rows = (await connection.execute(claim)).all()
        return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)

    async def record(self, outcomes: Sequence[Outcome]) -> None:
        """Write a batch of outcomes in one transaction; blocked users are marked inactive."""
        if not outcomes:
            return
        now = utcnow()
        params = [_params(outcome, now) for outcome in outcomes]
        mirrored = [
            p
            for p, o in zip(params, outcomes, strict=True)
            if o.carrier and o.status != Status.PENDING
        ]
        async with self._db.writer() as connection:
            await connection.execute(_RECORD, params)
            if mirrored:
                await connection.execute(_MIRROR, [_mirror_params(p) for p in mirrored])
        for outcome in outcomes:
            if outcome.status == Status.BLOCKED:
                await self._users.deactivate(user_id=outcome.user_id)

    async def status_counts(self) -> dict[str, int]:
        """How many delivery rows are in each status (for the metrics page)."""
        query = select(DELIVERY.c.status, func.count()).group_by(DELIVERY.c.status)
        async with self._db.connection() as connection:
            rows = (await connection.execute(query)).all()
        return {str(status): int(count) for status, count in rows}

    def _held(self, now: datetime) -> tuple[Any, ...]:
        """Rows waiting for a later moment that were never tried: held for quiet hours."""
        return (
            DELIVERY.c.status == Status.PENDING.value,
            DELIVERY.c.due_at > now,
            DELIVERY.c.attempts == 0,
        )

    async def held(self) -> int:
        """How many copies wait for their recipients' quiet hours to end."""
        query = select(func.count()).where(*self._held(utcnow()))
        async with self._db.connection() as connection:
            return int((await connection.execute(query)).scalar() or 0)

    async def release_held(self) -> int:
        """Make every copy held for quiet hours due now (the sandbox's "send now"); how many."""
        now = utcnow()
        async with self._db.writer() as connection:
            result = await connection.execute(
                update(DELIVERY).where(*self._held(now)).values(due_at=now)
            )
        return int(result.rowcount)

    async def attempting(self, *, ids: Sequence[int]) -> None:
        """Mark claimed rows ``sending``: their calls are about to be made."""
        async with self._db.writer() as connection:
            await connection.execute(
                update(DELIVERY)
                .where(DELIVERY.c.id.in_(list(ids)), DELIVERY.c.status == Status.CLAIMED.value)
                .values(status=Status.SENDING.value)
            )

    async def recover(self, *, worker: str) -> dict[int, int]:
        """Rows another process left: never attempted → pending, under way → unknown.

        Returns how many became unknown, per broadcast (a digest counts as broadcast 0).
        """
        return await self._recover(DELIVERY.c.claimed_by.is_distinct_from(worker))

    async def sweep(self, *, claimed_before: datetime) -> dict[int, int]:
        """The same for rows stuck since before ``claimed_before`` (a sender that hung)."""
        return await self._recover(DELIVERY.c.claimed_at < claimed_before)

    async def _recover(self, condition: Any) -> dict[int, int]:
        untried = update(DELIVERY).where(DELIVERY.c.status == Status.CLAIMED.value, condition)
        stuck = update(DELIVERY).where(DELIVERY.c.status == Status.SENDING.value, condition)
        carriers = select(DELIVERY.c.id).where(
            DELIVERY.c.broadcast_id.is_(None), DELIVERY.c.status == Status.UNKNOWN.value
        )
        bundled = update(DELIVERY).where(
            DELIVERY.c.status == Status.BUNDLED.value,
            DELIVERY.c.digest_id.in_(carriers.scalar_subquery()),
        )
        async with self._db.writer() as connection:
            await connection.execute(
                untried.values(status=Status.PENDING.value, claimed_by=None, claimed_at=None)
            )
            result = await connection.execute(
                stuck.values(status=Status.UNKNOWN.value).returning(DELIVERY.c.broadcast_id)
            )
            found = [broadcast_id or 0 for broadcast_id in result.scalars()]
            if found:
                await connection.execute(bundled.values(status=Status.UNKNOWN.value))
        return {broadcast_id: found.count(broadcast_id) for broadcast_id in set(found)}

    async def content(self, *, broadcast_id: int) -> Content | None:
        """What broadcast ``broadcast_id`` says, or ``None`` if it is gone."""
        async with self._db.reader() as session:
            found = await session.get(Broadcast, broadcast_id)
            if found is None:
                return None
            return Content(
                id=broadcast_id,
                kind=found.kind,
                html={"zh": found.html_zh, "en": found.html_en},
                buttons=[(zh, en, data) for zh, en, data in found.buttons],
                photo=found.photo,
                photo_id=found.photo_id,
                must_read=found.must_read,
            )

    async def remember_photo(self, *, broadcast_id: int, photo_id: str) -> None:
        """Keep the file_id Telegram gave the uploaded photo, so it is uploaded only once."""
        async with self._db.writer() as connection:
            await connection.execute(
                update(BROADCAST).where(BROADCAST.c.id == broadcast_id).values(photo_id=photo_id)
            )

    async def digest_items(self, *, carrier_id: int) -> list[DigestItem]:
        """The broadcasts a digest row carries, oldest first."""
        query = (
            select(BROADCAST.c.id, BROADCAST.c.kind, BROADCAST.c.html_zh, BROADCAST.c.html_en)
            .join(DELIVERY, DELIVERY.c.broadcast_id == BROADCAST.c.id)
            .where(DELIVERY.c.digest_id == carrier_id)
            .order_by(BROADCAST.c.created_at, BROADCAST.c.id)
        )
        async with self._db.connection() as connection:
            rows = (await connection.execute(query)).all()
        return [DigestItem(i, kind, {"zh": zh, "en": en}) for i, kind, zh, en in rows]


def _params(outcome: Outcome, now: datetime) -> dict[str, Any]:
    sent = outcome.status == Status.SENT
    return {
        "b_id": outcome.id,
        "b_status": outcome.status.value,
        "b_sent_at": now if sent else None,
        "b_message_id": outcome.message_id,
        "b_error": outcome.error[:200] if outcome.error else None,
        "b_attempts": outcome.attempts,
        "b_due_at": outcome.retry_at,
    }


def _mirror_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: params[k] for k in ("b_id", "b_status", "b_sent_at", "b_message_id", "b_error")}
