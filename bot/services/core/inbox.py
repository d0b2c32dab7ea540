"""The update inbox: stored before Telegram is answered, claimed per chat in update order.

Telegram hands an update over once it gets a 2xx (webhook) or a higher offset (polling); the
update is in this table first, so a crash after that loses nothing. The primary key is the
update id, so a re-delivery (Telegram retries an unanswered update for up to a day) is dropped.

Workers claim with a lease. In each chat only the lowest undone update is claimable, and only
while no row of that chat holds a live lease: a chat's updates are handled one at a time, in
order, whichever worker takes them. On PostgreSQL the claim locks with ``FOR UPDATE SKIP
LOCKED``, so workers never wait for each other; on SQLite one process holds the write lock.

An update is applied exactly once: its handler's writes commit in one transaction with
:meth:`InboxService.apply`, which marks the row applied (only while the worker still holds the
lease) and stores the Bot API calls the handler made. The calls are sent after the commit, then
the row is done. A worker keeps its leases alive while it runs (:meth:`InboxService.renew`);
one that dies leaves them to expire, and the update is claimed again: handled afresh if nothing
of it was committed, its stored calls sent if it was. A reply sent just before the death may
so come twice; a change is never made twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, and_, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import col

from bot.clock import utcnow
from bot.db import Database
from bot.models.base import UTCDateTime, table
from bot.models.inbox import InboxUpdate
from bot.models.users import User
from bot.services.core.users import VISIT
from bot.text.clean import clean_payload

log = logging.getLogger(__name__)
CHANNEL = "engage_inbox"
MAX_ATTEMPTS = 5  # an update that took a worker down this often is set aside, not retried
Table = InboxUpdate


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A claimed update: its id, the JSON Telegram sent and how often it was claimed.

    ``applied`` updates were handled and committed already: only their ``replies`` (stored
    calls) remain to be sent. ``user`` is the sender's row (the columns of
    ``bot.services.core.users.VISIT``), read with the claim (on SQLite one query for the batch).
    """

    update_id: int
    payload: dict[str, Any]
    attempts: int
    applied: bool = False
    replies: list[dict[str, Any]] | None = None
    user: Any = None


@dataclass(frozen=True, slots=True)
class InboxDepth:
    """Undone updates and when the oldest of them arrived."""

    undone: int
    oldest: datetime | None


CLAIMED = (
    col(Table.update_id),
    col(Table.payload),
    col(Table.attempts),
    col(Table.applied_at),
    col(Table.replies),
    col(Table.chat_key),
)
USERS = table(User)
VISIT_COLUMNS = tuple(column.label(f"user_{column.name}") for column in VISIT.selected_columns)


VISITS = select(*VISIT.selected_columns).where(
    USERS.c.id.in_(bindparam("user_ids", expanding=True))
)
_VISIT_NAMES = [column.name for column in VISIT.selected_columns]


def _item(row: Any, user: Any = None) -> InboxItem:
    """An item from a row of the claim (with the sender's columns after the inbox's own)."""
    if len(row) > len(CLAIMED):
        user = SimpleNamespace(**dict(zip(_VISIT_NAMES, row[len(CLAIMED) :], strict=True)))
    return InboxItem(row[0], row[1], row[2], row[3] is not None, row[4], user)


def chat_key(payload: dict[str, Any]) -> int:
    """Whose turn an update waits for: its sender, else its chat (one at a time, in order)."""
    for kind, body in payload.items():
        if kind == "update_id" or not isinstance(body, dict):
            continue
        sender = body.get("from") or body.get("user")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return 0


class InboxService:
    """Store updates once, hand them to workers in order, remember them long enough to dedup."""

    def __init__(self, db: Database, *, keep: timedelta) -> None:
        self._db = db
        self._keep = keep
        self._listeners: list[Callable[[], None]] = []
        # Sent with each NOTIFY, so this process's own workers, woken already, can ignore it.
        self.token = uuid.uuid4().hex
        # Every batch claims and finishes: both statements are built once, with parameters.
        self._claim = self._claim_statement()
        held = (col(Table.lease_owner) == bindparam("owner"), col(Table.done_at).is_(None))
        self._finished = (
            update(Table)
            .where(col(Table.update_id).in_(bindparam("ids", expanding=True)), *held)
            .values(
                done_at=bindparam("now", type_=UTCDateTime()),
                lease_owner=None,
                lease_until=None,
                replies=None,
                error=bindparam("error"),
            )
        )
        self._applied = (
            update(Table)
            .where(
                col(Table.update_id) == bindparam("b_update_id"),
                col(Table.applied_at).is_(None),
                *held,
            )
            .values(
                applied_at=bindparam("now", type_=UTCDateTime()),
                replies=bindparam("b_replies", type_=JSON()),
            )
        )
        self._steps = (
            update(USERS)
            .where(USERS.c.id == bindparam("b_user_id"))
            .values(flows=bindparam("b_flows", type_=JSON(none_as_null=True)))
        )
        # On PostgreSQL the steps are written by the mark's own statement: one round trip.
        self._applied_with_steps = self._applied.add_cte(self._steps.cte("steps"))
        self._renewed = update(Table).where(*held).values(lease_until=bindparam("until"))

    def on_arrival(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever this process stores a new update (no waiting on a poll)."""
        self._listeners.append(callback)

    def _arrived(self) -> None:
        for callback in self._listeners:
            callback()

    def _insert(self) -> Any:
        return sqlite_insert if self._db.is_sqlite else pg_insert

    async def store(self, payload: dict[str, Any]) -> bool:
        """Keep one update; False when it was there already (a re-delivery)."""
        return await self.store_many([payload]) == 1

    async def store_many(self, payloads: Sequence[dict[str, Any]]) -> int:
        """Keep updates, dropping those already stored; returns how many were new.

        Every string is cleaned here, where each update enters (webhook or polling), so
        neither the database nor a handler ever sees a character they would refuse.
        """
        if not payloads:
            return 0
        now = utcnow()
        rows = [
            {
                "update_id": int(p["update_id"]),
                "chat_key": chat_key(p),
                "payload": clean_payload(p),
                "received_at": now,
                "attempts": 0,
            }
            for p in payloads
        ]
        insert = (
            self._insert()(Table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(col(Table.update_id))
        )
        async with self._db.statement() as connection:
            if self._db.is_sqlite:
                fresh = len((await connection.execute(insert)).all())
            else:
                fresh = int(
                    (await connection.execute(self._insert_and_notify(insert))).scalar() or 0
                )
        if fresh:
            self._arrived()
        return fresh

    def _insert_and_notify(self, insert: Any) -> Any:
        """The INSERT and, only if it stored something, the NOTIFY: one round trip.

        The notification reaches listeners when the statement commits, with the update.
        """
        stored = insert.cte("stored")
        notify = (
            select(func.pg_notify(CHANNEL, self.token)).select_from(stored).limit(1)
        ).scalar_subquery()
        return select(func.count(), notify.is_(None)).select_from(stored)

    def _claim_statement(self) -> Any:
        """Lease the next ``:limit`` claimable updates to ``:owner`` until ``:until``.

        Claimable: not done, not leased (or the lease ran out before ``:now``), the lowest undone
        update of its chat, and no other update of that chat under a live lease.
        """
        now = bindparam("now", type_=UTCDateTime())
        earlier, held = aliased(Table), aliased(Table)
        heads = (
            select(col(Table.update_id))
            .where(
                col(Table.done_at).is_(None),
                or_(col(Table.lease_until).is_(None), col(Table.lease_until) < now),
                ~exists().where(
                    col(earlier.chat_key) == col(Table.chat_key),
                    col(earlier.done_at).is_(None),
                    col(earlier.update_id) < col(Table.update_id),
                ),
                # A lower update that arrived late must not overtake one being handled.
                ~exists().where(
                    col(held.chat_key) == col(Table.chat_key),
                    col(held.done_at).is_(None),
                    col(held.lease_until) >= now,
                ),
            )
            .order_by(col(Table.update_id))
            .limit(bindparam("limit"))
        )
        if not self._db.is_sqlite:
            heads = heads.with_for_update(skip_locked=True, of=Table)
        claimable = heads.cte("heads").prefix_with("MATERIALIZED", dialect="postgresql")
        claim = (
            update(Table)
            .where(
                col(Table.update_id).in_(select(claimable.c.update_id)),
                col(Table.done_at).is_(None),
                or_(col(Table.lease_until).is_(None), col(Table.lease_until) < now),
            )
            .values(
                lease_owner=bindparam("owner"),
                lease_until=bindparam("until", type_=UTCDateTime()),
                attempts=col(Table.attempts) + 1,
            )
            .returning(*CLAIMED)
        )
        if self._db.is_sqlite:
            return claim
        # The sender's row comes with the update: the visit needs no round trip of its own.
        claimed = claim.cte("claimed")
        return select(*claimed.c, *VISIT_COLUMNS).outerjoin_from(
            claimed, USERS, USERS.c.id == claimed.c.chat_key
        )

    async def claim(
        self, *, owner: str, limit: int, lease: timedelta, done: Iterable[int] = ()
    ) -> list[InboxItem]:
        """Mark ``done`` handled, then lease up to ``limit`` updates that are next in their chat.

        The claim follows the finish, so the next update of a chat just finished is claimable
        at once. Each statement is atomic on its own (the claim locks what it takes with
        ``SKIP LOCKED``), so on PostgreSQL they run without a transaction around them: two
        round trips instead of four, on every batch.
        """
        now = utcnow()
        finished = list(done)
        given = {"now": now, "limit": limit, "owner": owner, "until": now + lease}
        if finished:
            async with self._db.statement() as connection:
                done_now = {"ids": finished, "now": now, "error": None, "owner": owner}
                await connection.execute(self._finished, done_now)
        async with self._db.statement() as connection:
            rows = (await connection.execute(self._claim, given)).all()
            senders: dict[int, Any] = {}
            if self._db.is_sqlite and rows:  # no UPDATE in a WITH: the senders in one query
                found = await connection.execute(VISITS, {"user_ids": [r[5] for r in rows]})
                senders = {sender.id: sender for sender in found}
            items = sorted(
                (_item(row, senders.get(row[5])) for row in rows), key=lambda i: i.update_id
            )
            given_up = [i.update_id for i in items if i.attempts > MAX_ATTEMPTS]
            if given_up:
                log.error("updates %s were claimed %d times; set aside", given_up, MAX_ATTEMPTS)
                error = f"set aside after {MAX_ATTEMPTS} claims"
                await connection.execute(
                    self._finished, {"ids": given_up, "now": now, "error": error, "owner": owner}
                )
        return [i for i in items if i.attempts <= MAX_ATTEMPTS]

    async def apply(
        self,
        connection: Any,
        *,
        update_id: int,
        owner: str,
        replies: list[dict[str, Any]],
        steps: tuple[int, dict[str, Any]] | None = None,
    ) -> bool:
        """Mark an update applied on ``connection``, in the transaction of its own writes.

        ``steps`` (a user and the step of each flow they are in) are stored with the mark.
        False when ``owner`` no longer holds its lease (it ran out, and another worker may be
        handling the update): the caller must roll back.
        """
        given = {"b_update_id": update_id, "owner": owner, "now": utcnow(), "b_replies": replies}
        if steps is None:
            return bool((await connection.execute(self._applied, given)).rowcount)
        stored = {"b_user_id": steps[0], "b_flows": steps[1] or None}
        if self._db.is_sqlite:
            await connection.execute(self._steps, stored)
            return bool((await connection.execute(self._applied, given)).rowcount)
        marked = await connection.execute(self._applied_with_steps, given | stored)
        return bool(marked.rowcount)

    async def finish(
        self, *, owner: str, update_ids: Sequence[int], error: str | None = None
    ) -> None:
        """Mark updates ``owner`` holds handled (``error`` says why one was given up)."""
        if update_ids:
            given = {"ids": list(update_ids), "now": utcnow(), "error": error, "owner": owner}
            async with self._db.statement() as connection:
                await connection.execute(self._finished, given)

    async def renew(self, *, owner: str, lease: timedelta) -> int:
        """Extend every lease ``owner`` holds by ``lease`` from now; how many it holds."""
        async with self._db.statement() as connection:
            result = await connection.execute(
                self._renewed, {"owner": owner, "until": utcnow() + lease}
            )
        return int(result.rowcount)

    async def holders(self) -> list[str]:
        """Every worker holding a lease on an undone update."""
        query = (
            select(col(Table.lease_owner))
            .where(col(Table.done_at).is_(None), col(Table.lease_owner).is_not(None))
            .distinct()
        )
        async with self._db.connection() as connection:
            return [str(owner) for owner in (await connection.execute(query)).scalars()]

    async def reclaim(self, *, owners: Sequence[str]) -> int:
        """Free the leases of workers known to be dead, so their updates are claimed at once."""
        if not owners:
            return 0
        async with self._db.statement() as connection:
            result = await connection.execute(
                update(Table)
                .where(col(Table.lease_owner).in_(list(owners)), col(Table.done_at).is_(None))
                .values(lease_owner=None, lease_until=None)
            )
        return int(result.rowcount)

    async def release(self, *, owner: str, update_ids: Sequence[int]) -> None:
        """Give back leases not worked on (a clean stop), so another worker need not wait."""
        if not update_ids:
            return
        async with self._db.writer() as connection:
            await connection.execute(
                update(Table)
                .where(
                    col(Table.update_id).in_(list(update_ids)),
                    col(Table.lease_owner) == owner,
                    col(Table.done_at).is_(None),
                )
                .values(lease_owner=None, lease_until=None, attempts=col(Table.attempts) - 1)
            )

    async def purge(self) -> int:
        """Forget handled updates older than the dedup window; returns how many."""
        cutoff = utcnow() - self._keep
        async with self._db.writer() as connection:
            result = await connection.execute(
                delete(Table).where(
                    and_(col(Table.done_at).is_not(None), col(Table.done_at) < cutoff)
                )
            )
        return int(result.rowcount)

    async def depth(self) -> InboxDepth:
        """How many updates wait or are being handled, and the arrival of the oldest."""
        query = select(func.count(), func.min(col(Table.received_at))).where(
            col(Table.done_at).is_(None)
        )
        async with self._db.connection() as connection:
            count, oldest = (await connection.execute(query)).one()
        return InboxDepth(int(count), oldest)

    async def find(self, *, update_id: int) -> InboxUpdate | None:
        """One stored update, whatever its state (for reports and tests)."""
        async with self._db.reader() as session:
            return await session.get(InboxUpdate, update_id)

    async def count(self) -> int:
        """Every stored update, done or not (for reports and tests)."""
        async with self._db.reader() as session:
            return int(await session.scalar(select(func.count()).select_from(Table)) or 0)
