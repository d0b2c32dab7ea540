"""Delivery reports: how far a broadcast got, counted over its recipients, for /broadcasts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import select as select_rows

from bot.clock import utcnow
from bot.db import Database
from bot.models.broadcasts import Broadcast, BroadcastStatus, DeliveryStatus
from bot.services.broadcasts.outbox import BROADCAST, DELIVERY
from bot.text.visible import plain_text

# Kinds staff send, listed in /broadcasts; proposal updates are pushes to one person each.
ANNOUNCED = ("announcement", "event", "reminder")

_TAG = re.compile(r"<[^>]*>")
Status = DeliveryStatus
WAITING = (Status.PENDING, Status.DIGEST, Status.BUNDLED, Status.SENDING)
# A row claimed by a sender is shown as being sent: it is, a moment later.
SHOWN_AS = {Status.CLAIMED.value: Status.SENDING.value}


def excerpt(text: str, limit: int = 48) -> str:
    """The first line of an HTML text, shortened to ``limit`` characters."""
    line = next((part.strip() for part in plain_text(text).splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Progress and outcome of one broadcast; ``counts`` are per delivery status."""

    id: int
    kind: str
    status: str
    titles: dict[str, str]
    created_at: datetime
    send_at: datetime | None
    cron: str | None
    late: bool
    urgent: bool
    must_read: bool
    created_by: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    held: int = 0
    acknowledged: int = 0
    reminded: int = 0
    opted_out: int = 0
    held_until: datetime | None = None  # when the last copy held for quiet hours goes out

    def count(self, status: DeliveryStatus) -> int:
        """Recipients whose message is in ``status``."""
        return self.counts.get(status.value, 0)

    @property
    def total(self) -> int:
        """Every recipient the broadcast was routed to."""
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        """Recipients still to be reached (pending, in a digest, or being sent)."""
        return sum(self.count(status) for status in WAITING)

    @property
    def state(self) -> str:
        """scheduled, recurring, cancelled, sending or finished."""
        if self.status != BroadcastStatus.STARTED:
            return self.status
        return "sending" if self.waiting else "finished"

    @property
    def cancellable(self) -> bool:
        """Whether cancelling still stops something: sending, a schedule, or must-read reminders."""
        return self.state != "cancelled" and (self.state != "finished" or self.must_read)


def _shown(counts: dict[str, int]) -> dict[str, int]:
    shown: dict[str, int] = {}
    for status, count in counts.items():
        key = SHOWN_AS.get(status, status)
        shown[key] = shown.get(key, 0) + count
    return shown


def _report(
    found: Broadcast, counts: dict[str, int], held_until: datetime | None = None, **extra: int
) -> DeliveryReport:
    return DeliveryReport(
        id=found.id or 0,
        kind=found.kind,
        status=found.status,
        titles={"zh": excerpt(found.html_zh), "en": excerpt(found.html_en)},
        created_at=found.created_at,
        send_at=found.send_at,
        cron=found.cron,
        late=found.late,
        urgent=found.urgent,
        must_read=found.must_read,
        created_by=found.created_by,
        counts=_shown(counts),
        opted_out=found.opted_out,
        held_until=held_until,
        **extra,
    )


class BroadcastReports:
    """Counts per broadcast, read with a few grouped queries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def one(self, *, broadcast_id: int) -> DeliveryReport | None:
        """Every count /broadcasts shows for one broadcast, or ``None`` if there is none."""
        async with self._db.reader() as session:
            found = await session.get(Broadcast, broadcast_id)
        if found is None:
            return None
        mine = (DELIVERY.c.broadcast_id == broadcast_id, DELIVERY.c.round == 0)
        later = (  # held for quiet hours: never tried yet (a 429's retry is not a quiet hour)
            DELIVERY.c.status == Status.PENDING.value,
            DELIVERY.c.due_at > utcnow(),
            DELIVERY.c.attempts == 0,
        )
        held = func.count().filter(*later)
        held_until = func.max(DELIVERY.c.due_at).filter(*later)
        reminded = select(func.count()).where(
            DELIVERY.c.broadcast_id == broadcast_id,
            DELIVERY.c.round > 0,
            DELIVERY.c.status == Status.SENT.value,
        )
        async with self._db.connection() as connection:
            counts = await connection.execute(
                select(DELIVERY.c.status, func.count()).where(*mine).group_by(DELIVERY.c.status)
            )
            extra = await connection.execute(
                select(held, func.count(DELIVERY.c.acknowledged_at), held_until).where(*mine)
            )
            waiting, acknowledged, last = extra.one()
            sent_reminders = (await connection.execute(reminded)).scalar() or 0
        return _report(
            found,
            {status: count for status, count in counts.all()},
            held=waiting,
            acknowledged=acknowledged,
            reminded=sent_reminders,
            held_until=last,
        )

    async def recent(self, *, limit: int = 8) -> list[DeliveryReport]:
        """The newest broadcasts with their counts, newest first."""
        async with self._db.reader() as session:
            newest = (
                select_rows(Broadcast)
                .where(BROADCAST.c.kind.in_(ANNOUNCED))
                .order_by(BROADCAST.c.id.desc())
                .limit(limit)
            )
            found = list((await session.exec(newest)).all())
        ids = [b.id for b in found]
        async with self._db.connection() as connection:
            rows = await connection.execute(
                select(DELIVERY.c.broadcast_id, DELIVERY.c.status, func.count())
                .where(DELIVERY.c.broadcast_id.in_(ids), DELIVERY.c.round == 0)
                .group_by(DELIVERY.c.broadcast_id, DELIVERY.c.status)
            )
        counts: dict[int, dict[str, int]] = {}
        for broadcast_id, status, count in rows.all():
            counts.setdefault(broadcast_id, {})[status] = count
        return [_report(b, counts.get(b.id or 0, {})) for b in found]
