"""Broadcasts: one outbox row per recipient, each released at the right time for that person.

Starting a broadcast writes one delivery row per recipient in one transaction, routed by the
recipient's push settings: due now, held until their quiet hours end, kept for their daily
digest, or not written at all. The sender (``bot.sending.sender``) sends what is due; this module
never talks to Telegram. Audiences, push settings, reports and drafts hang off this service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.broadcasts import Broadcast, BroadcastStatus, DeliveryStatus
from bot.services.broadcasts.audience import Audience, AudienceService
from bot.services.broadcasts.followups import DIGEST_JOB, REMIND_JOB, FollowUps, remind_key
from bot.services.broadcasts.outbox import BROADCAST, DELIVERY, Outbox, delivery_row, insert_for
from bot.services.broadcasts.reports import BroadcastReports
from bot.services.core import SchedulerService, UserService, next_cron
from bot.services.settings import PreferenceService, PushSettings, Recipient, next_digest, quiet_end
from bot.text.visible import TEXT_LIMIT, plain_text, visible_length

KINDS = ("announcement", "event", "reminder", "proposal")
TOPIC_OF_KIND = {"announcement": "announcements", "event": "events", "proposal": "proposals"}
START_JOB = "announcement"
INSERT_CHUNK = 2000
Status = DeliveryStatus
__all__ = ["DIGEST_JOB", "REMIND_JOB", "START_JOB", "BroadcastService", "InvalidBroadcast"]


class InvalidBroadcast(ValueError):
    """The broadcast cannot be sent as given (empty text, unknown kind, a bad schedule…)."""


def start_key(broadcast_id: int) -> str:
    """The scheduler key of a broadcast's scheduled or recurring start."""
    return f"broadcast:{broadcast_id}"


def route(
    *, kind: str, urgent: bool, must_read: bool, push: PushSettings, now: datetime
) -> tuple[DeliveryStatus, datetime] | None:
    """When and how one recipient gets a broadcast; ``None`` when they opted out of its kind.

    Urgent and must-read messages ignore opt-outs, digests and quiet hours (as /settings
    promises); so do reminders of events the user said they are going to.
    """
    topic = TOPIC_OF_KIND.get(kind)
    if topic and not (urgent or must_read):
        mode = push.mode(topic)
        if mode == "off":
            return None
        if mode == "digest":
            return Status.DIGEST, next_digest(now, push)
    if urgent or must_read or kind == "reminder":
        return Status.PENDING, now
    return Status.PENDING, quiet_end(now, push) or now


class BroadcastService:
    """Create, start, cancel and resend broadcasts; the rest hangs off it as attributes."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        users: UserService,
        scheduler: SchedulerService,
        preferences: PreferenceService,
    ) -> None:
        self._db = db
        self._settings = settings
        self._scheduler = scheduler
        self._preferences = preferences
        self._listeners: list[Callable[[], None]] = []
        self.audience = AudienceService(db)
        self.reports = BroadcastReports(db)
        self.outbox = Outbox(db, users)
        self.followups = FollowUps(
            db, preferences=preferences, scheduler=scheduler, ready=self._ready
        )

    def on_ready(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever rows become due, so a sender need not wait for its poll."""
        self._listeners.append(listener)

    def _ready(self) -> None:
        for listener in self._listeners:
            listener()

    def _check(
        self, kind: str, texts: Sequence[str], buttons: Sequence[tuple[str, str, str]]
    ) -> None:
        if kind not in KINDS:
            raise InvalidBroadcast(f"unknown kind {kind!r}")
        for text in texts:
            if not plain_text(text).strip() or visible_length(text) > TEXT_LIMIT:
                raise InvalidBroadcast("text must be 1-4096 characters")
        if any(len(button) != 3 or not all(button) for button in buttons):
            raise InvalidBroadcast("buttons are (label_zh, label_en, callback_data)")

    async def create(
        self,
        *,
        kind: str,
        html_zh: str,
        html_en: str,
        audience: Audience,
        created_by: int | None,
        photo_file: bytes | None = None,
        urgent: bool = False,
        must_read: bool = False,
        send_at: datetime | None = None,
        buttons: list[tuple[str, str, str]] | None = None,
        photo_id: str | None = None,
        cron: str | None = None,
        timezone: str | None = None,
        remind_after: timedelta = timedelta(hours=24),
    ) -> int:
        """Save a broadcast and queue it now, at ``send_at``, or at every ``cron`` time; its id."""
        buttons = buttons or []
        self._check(kind, (html_zh, html_en), buttons)
        if send_at is not None and send_at.tzinfo is None:
            raise InvalidBroadcast("send_at must be timezone-aware")
        now, zone = utcnow(), timezone or self._settings.timezone
        if cron:
            try:
                next_cron(cron, zone, now)
            except ValueError as exc:
                raise InvalidBroadcast(f"bad schedule {cron!r}") from exc
        status = (
            BroadcastStatus.RECURRING
            if cron
            else BroadcastStatus.SCHEDULED
            if send_at and send_at > now
            else BroadcastStatus.STARTED
        )
        broadcast = Broadcast(
            kind=kind,
            status=status,
            html_zh=html_zh,
            html_en=html_en,
            audience=audience.to_json(),
            buttons=[list(b) for b in buttons],
            photo=photo_file,
            photo_id=photo_id,
            urgent=urgent,
            must_read=must_read,
            remind_after_minutes=max(1, int(remind_after.total_seconds() // 60)),
            send_at=send_at,
            cron=cron,
            timezone=zone if cron else None,
            created_by=created_by,
            started_at=now if status == BroadcastStatus.STARTED else None,
        )
        if status != BroadcastStatus.STARTED:
            return await self._schedule(broadcast)
        recipients = await self._recipients(audience)
        async with self._db.session() as session:
            session.add(broadcast)
            await session.flush()
            await self._expand(await session.connection(), broadcast, recipients, now)
        await self._after_start(broadcast)
        return broadcast.id or 0

    async def timing(self, *, user_id: int, kind: str) -> Literal["now", "held", "off"]:
        """Whether a push of ``kind`` to one person may go now, must wait, or is not wanted.

        "held" means quiet hours or the daily digest: :meth:`push` hands it to the engine,
        which sends it at the right moment.
        """
        now = utcnow()
        when = await self.release(user_id=user_id, kind=kind, now=now)
        if when is None:
            return "off"
        return "now" if when <= now else "held"

    async def release(
        self, *, user_id: int, kind: str, now: datetime | None = None
    ) -> datetime | None:
        """When a push of ``kind`` made ``now`` reaches one person; ``None`` if it is turned off.

        Later than now during their quiet hours (when those end) or for a digest (its time).
        """
        push = await self._preferences.of(user_id=user_id)
        decision = route(kind=kind, urgent=False, must_read=False, push=push, now=now or utcnow())
        return None if decision is None else decision[1]

    async def push(
        self,
        *,
        user_id: int,
        kind: str,
        html_zh: str,
        html_en: str,
        buttons: list[tuple[str, str, str]] | None = None,
    ) -> int:
        """A push to one person, timed by their settings like any broadcast; its id."""
        return await self.create(
            kind=kind,
            html_zh=html_zh,
            html_en=html_en,
            audience=Audience(user_ids=(user_id,)),
            created_by=None,
            buttons=buttons,
        )

    async def _schedule(self, broadcast: Broadcast) -> int:
        async with self._db.session() as session:
            session.add(broadcast)
        broadcast_id = broadcast.id or 0
        payload = {"broadcast_id": broadcast_id}
        if broadcast.cron and broadcast.timezone:
            await self._scheduler.schedule_cron(
                key=start_key(broadcast_id),
                kind=START_JOB,
                cron=broadcast.cron,
                timezone=broadcast.timezone,
                payload=payload,
            )
        elif broadcast.send_at:
            await self._scheduler.schedule(
                key=start_key(broadcast_id),
                kind=START_JOB,
                due_at=broadcast.send_at,
                payload=payload,
            )
        return broadcast_id

    async def _recipients(self, audience: Audience) -> list[Recipient]:
        return await self._preferences.recipients(user_ids=await self.audience.resolve(audience))

    async def _expand(
        self,
        connection: AsyncConnection,
        broadcast: Broadcast,
        recipients: list[Recipient],
        now: datetime,
    ) -> None:
        lane = 0 if broadcast.urgent else 1 if broadcast.kind == "reminder" else 2
        rows, opted_out = [], 0
        for recipient in recipients:
            routed = route(
                kind=broadcast.kind,
                urgent=broadcast.urgent,
                must_read=broadcast.must_read,
                push=recipient.push,
                now=now,
            )
            if routed is None:
                opted_out += 1
                continue
            status, due_at = routed
            rows.append(
                delivery_row(
                    broadcast.id or 0,
                    recipient,
                    round=0,
                    status=status.value,
                    lane=lane,
                    due_at=due_at,
                )
            )
        for start in range(0, len(rows), INSERT_CHUNK):
            await connection.execute(DELIVERY.insert(), rows[start : start + INSERT_CHUNK])
        await connection.execute(
            update(BROADCAST).where(BROADCAST.c.id == broadcast.id).values(opted_out=opted_out)
        )

    async def _after_start(self, broadcast: Broadcast) -> None:
        if broadcast.must_read and broadcast.id:
            await self.followups.schedule_reminder(
                broadcast_id=broadcast.id, round=1, after_minutes=broadcast.remind_after_minutes
            )
        self._ready()

    async def start(
        self, *, broadcast_id: int, late: bool = False, occurrence_at: datetime | None = None
    ) -> int | None:
        """Queue a scheduled broadcast, or one occurrence of a recurring one; the started id."""
        async with self._db.reader() as session:
            found = await session.get(Broadcast, broadcast_id)
        if found is None or found.status not in (
            BroadcastStatus.SCHEDULED,
            BroadcastStatus.RECURRING,
        ):
            return None
        recipients = await self._recipients(Audience.from_json(found.audience))
        now = utcnow()
        async with self._db.writer() as connection:
            started = await self._begin(
                connection, found, now, late=late, occurrence_at=occurrence_at
            )
            if started is None:
                return None
            await self._expand(connection, started, recipients, now)
        await self._after_start(started)
        return started.id

    async def _begin(
        self,
        connection: AsyncConnection,
        found: Broadcast,
        now: datetime,
        *,
        late: bool,
        occurrence_at: datetime | None,
    ) -> Broadcast | None:
        """Mark a scheduled broadcast started, or insert this occurrence of a recurring one."""
        if found.status == BroadcastStatus.SCHEDULED:
            result = await connection.execute(
                update(BROADCAST)
                .where(
                    BROADCAST.c.id == found.id,
                    BROADCAST.c.status == BroadcastStatus.SCHEDULED.value,
                )
                .values(status=BroadcastStatus.STARTED.value, started_at=now, late=late)
            )
            return found if result.rowcount else None
        values = found.model_dump(exclude={"id", "cron", "timezone", "send_at"})
        values |= {
            "status": BroadcastStatus.STARTED.value,
            "parent_id": found.id,
            "late": late,
            "occurrence_at": occurrence_at or now,
            "started_at": now,
            "created_at": now,
        }
        insert = (
            insert_for(self._db)(BROADCAST)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["parent_id", "occurrence_at"])
        )
        new_id = (await connection.execute(insert.returning(BROADCAST.c.id))).scalar()
        return None if new_id is None else Broadcast.model_validate(values | {"id": new_id})

    async def cancel(self, *, broadcast_id: int) -> bool:
        """Stop a broadcast: nothing more is sent or reminded; False if it was already stopped."""
        async with self._db.writer() as connection:
            result = await connection.execute(
                update(BROADCAST)
                .where(
                    BROADCAST.c.id == broadcast_id,
                    BROADCAST.c.status != BroadcastStatus.CANCELLED.value,
                )
                .values(status=BroadcastStatus.CANCELLED.value)
            )
            if not result.rowcount:
                return False
            await connection.execute(
                update(DELIVERY)
                .where(
                    DELIVERY.c.broadcast_id == broadcast_id,
                    DELIVERY.c.status.in_([Status.PENDING.value, Status.DIGEST.value]),
                )
                .values(status=Status.CANCELLED.value)
            )
        for key in (start_key(broadcast_id), *(remind_key(broadcast_id, r) for r in (1, 2))):
            await self._scheduler.cancel(key=key)
        return True

    async def release_held(self) -> int:
        """Send at once what waits for quiet hours to end (a tester's shortcut); how many."""
        released = await self.outbox.release_held()
        if released:
            self._ready()
        return released

    async def resend_unknown(self, *, broadcast_id: int) -> int:
        """Queue again the rows whose fate a crash hid; the admin accepts possible duplicates."""
        async with self._db.writer() as connection:
            result = await connection.execute(
                update(DELIVERY)
                .where(
                    DELIVERY.c.broadcast_id == broadcast_id,
                    DELIVERY.c.status == Status.UNKNOWN.value,
                )
                .values(
                    status=Status.PENDING.value,
                    due_at=utcnow(),
                    attempts=0,
                    digest_id=None,
                    error=None,
                )
            )
        if result.rowcount:
            self._ready()
        return int(result.rowcount)
