"""What follows a broadcast: "✅ Read", must-read reminders (at most two rounds), daily digests.

Reminders and digests are delivery rows like any other, so they are sent, paced, held for
quiet hours and reported by the same outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, delete, exists, func, select, update

from bot.clock import utcnow
from bot.db import Database
from bot.models.base import table
from bot.models.broadcasts import Broadcast, BroadcastStatus, DeliveryStatus
from bot.models.users import User
from bot.services.broadcasts.outbox import DELIVERY, delivery_row, insert_for
from bot.services.core import SchedulerService
from bot.services.settings import PreferenceService, quiet_end

REMIND_JOB, DIGEST_JOB = "broadcast_remind", "broadcast_digest"
MAX_REMINDERS = 2
INSERT_CHUNK = 2000
USERS = table(User)
Status = DeliveryStatus
Acknowledgement = Literal["done", "again", "unknown"]


def remind_key(broadcast_id: int, round: int) -> str:
    """The scheduler key of a must-read reminder round."""
    return f"broadcast:{broadcast_id}:remind:{round}"


class FollowUps:
    """Acknowledgements, reminders to those who have not read, and digests."""

    def __init__(
        self,
        db: Database,
        *,
        preferences: PreferenceService,
        scheduler: SchedulerService,
        ready: Callable[[], None],
    ) -> None:
        self._db = db
        self._preferences = preferences
        self._scheduler = scheduler
        self._ready = ready

    async def schedule_reminder(self, *, broadcast_id: int, round: int, after_minutes: int) -> None:
        """Remind the unread ``after_minutes`` from now."""
        await self._scheduler.schedule(
            key=remind_key(broadcast_id, round),
            kind=REMIND_JOB,
            due_at=utcnow() + timedelta(minutes=after_minutes),
            payload={"broadcast_id": broadcast_id, "round": round},
        )

    async def acknowledge(self, *, broadcast_id: int, user_id: int) -> Acknowledgement:
        """Record "✅ Read"; reminders not yet sent to this user are dropped."""
        mine = (DELIVERY.c.broadcast_id == broadcast_id, DELIVERY.c.user_id == user_id)
        async with self._db.writer() as connection:
            result = await connection.execute(
                update(DELIVERY)
                .where(*mine, DELIVERY.c.round == 0, DELIVERY.c.acknowledged_at.is_(None))
                .values(acknowledged_at=utcnow())
            )
            if result.rowcount:
                await connection.execute(
                    update(DELIVERY)
                    .where(*mine, DELIVERY.c.round > 0, DELIVERY.c.status == Status.PENDING.value)
                    .values(status=Status.CANCELLED.value)
                )
                return "done"
            known = await connection.execute(
                select(DELIVERY.c.id).where(*mine, DELIVERY.c.round == 0)
            )
            return "again" if known.first() else "unknown"

    async def remind(self, *, broadcast_id: int, round: int) -> int:
        """Queue reminder ``round`` to everyone who got a must-read message and has not read it."""
        async with self._db.reader() as session:
            found = await session.get(Broadcast, broadcast_id)
        if found is None or found.status == BroadcastStatus.CANCELLED or not found.must_read:
            return 0
        unread = (
            select(DELIVERY.c.user_id, DELIVERY.c.message_id)
            .join(USERS, USERS.c.id == DELIVERY.c.user_id)
            .where(
                DELIVERY.c.broadcast_id == broadcast_id,
                DELIVERY.c.round == 0,
                DELIVERY.c.status == Status.SENT.value,
                DELIVERY.c.acknowledged_at.is_(None),
                USERS.c.is_active,
            )
        )
        async with self._db.connection() as connection:
            replies = {
                user_id: message_id
                for user_id, message_id in (await connection.execute(unread)).all()
            }
        now = utcnow()
        rows = [
            delivery_row(
                broadcast_id,
                r,
                round=round,
                status=Status.PENDING.value,
                reply_to=replies[r.user_id],
                lane=0 if found.urgent else 1,
                due_at=now if found.urgent else quiet_end(now, r.push) or now,
            )
            for r in await self._preferences.recipients(user_ids=list(replies))
        ]
        statement = insert_for(self._db)(DELIVERY).on_conflict_do_nothing(
            index_elements=["broadcast_id", "user_id", "round"]
        )
        async with self._db.writer() as connection:
            for start in range(0, len(rows), INSERT_CHUNK):
                await connection.execute(statement, rows[start : start + INSERT_CHUNK])
        if round < MAX_REMINDERS:
            await self.schedule_reminder(
                broadcast_id=broadcast_id, round=round + 1, after_minutes=found.remind_after_minutes
            )
        self._ready()
        return len(rows)

    async def promote_digests(self, now: datetime | None = None) -> int:
        """Bundle each user's due digest rows under one new row, sent as one message; how many."""
        now = now or utcnow()
        due = (
            DELIVERY.c.status == Status.DIGEST.value,
            DELIVERY.c.due_at <= now,
            DELIVERY.c.broadcast_id.is_not(None),
        )
        async with self._db.writer() as connection:
            users = (
                await connection.execute(
                    select(DELIVERY.c.user_id, func.max(DELIVERY.c.locale))
                    .where(*due)
                    .group_by(DELIVERY.c.user_id)
                )
            ).all()
            if not users:
                return 0
            carriers = [
                {
                    "user_id": user_id,
                    "locale": locale,
                    "round": 0,
                    "status": Status.PENDING.value,
                    "lane": 2,
                    "due_at": now,
                    "attempts": 0,
                }
                for user_id, locale in users
            ]
            created = (
                await connection.execute(
                    DELIVERY.insert().returning(DELIVERY.c.id, DELIVERY.c.user_id), carriers
                )
            ).all()
            await connection.execute(
                update(DELIVERY)
                .where(DELIVERY.c.user_id == bindparam("b_user"), *due)
                .values(status=Status.BUNDLED.value, digest_id=bindparam("b_carrier")),
                [{"b_user": user_id, "b_carrier": carrier} for carrier, user_id in created],
            )
            bundled = DELIVERY.alias("bundled")
            emptied = await connection.execute(
                delete(DELIVERY).where(
                    DELIVERY.c.id.in_([carrier for carrier, _ in created]),
                    ~exists().where(bundled.c.digest_id == DELIVERY.c.id),
                )
            )
        self._ready()
        return len(created) - int(emptied.rowcount)
