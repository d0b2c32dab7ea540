"""Personal reminders: understood from a phrase, confirmed by the user, fired once by the scheduler.

A reminder row holds what and for whom; its timer is the scheduled job ``reminder:<id>``, so
whether it fired, was missed while the bot was down or was cancelled is read from that job.

A recurring reminder has one job per occurrence, ``reminder:<id>:<local date>`` (kind
``reminder_repeat``); ``job_key`` names the pending one. Firing an occurrence moves the
reminder on to the next one, and schedules its job, in one transaction conditional on
``job_key`` still naming the occurrence: whichever worker claimed it, it is sent once and
followed by exactly one next occurrence. Stopping sets ``stopped`` and cancels the pending job
in one transaction, so an occurrence firing at that moment cannot bring it back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.reminders import Reminder, ReminderStatus
from bot.models.scheduling import JobStatus, ScheduledJob
from bot.models.users import User
from bot.services.core import SchedulerService
from bot.services.reminders.recurrence import holidays_known, next_occurrence
from bot.text import timeparse
from bot.text.timeparse import Repeat, RepeatKind

KIND = "reminder"
REPEAT_KIND = "reminder_repeat"
MAX_PENDING = 50
DRAFT_TTL = timedelta(days=1)
MISSED_SHOWN_FOR = timedelta(days=7)


class ReminderNotFound(LookupError):
    """No such reminder for this user (never was, or someone else's)."""


class AlreadySet(Exception):
    """The draft was confirmed before (a second press of the same button)."""

    def __init__(self, view: ReminderView) -> None:
        super().__init__(view.id)
        self.view = view


class TooManyReminders(Exception):
    """The user already has the most pending reminders allowed."""


@dataclass(frozen=True, slots=True)
class ReminderView:
    """A reminder as the user sees it; ``status`` is ``draft`` or its job's status."""

    id: int
    subject: str
    due_at: datetime
    status: str
    repeat: Repeat | None = None
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Firing:
    """What the job needs to send a reminder: to whom, in which language, about what."""

    reminder_id: int
    user_id: int
    subject: str
    locale: str
    timezone: str | None


def job_key(reminder_id: int) -> str:
    """The scheduled job that holds a reminder's timer."""
    return f"{KIND}:{reminder_id}"


def occurrence_key(reminder_id: int, at: datetime, zone: ZoneInfo) -> str:
    """The scheduled job of one occurrence of a recurring reminder (one per local day)."""
    return f"{KIND}:{reminder_id}:{at.astimezone(zone):%Y%m%d}"


def _repeat(reminder: Reminder) -> Repeat | None:
    if not reminder.repeat:
        return None
    return Repeat.from_rule(reminder.repeat, reminder.clock or "09:00")


def _view(reminder: Reminder, status: str | None = None) -> ReminderView:
    due_at = reminder.due_at or utcnow()
    repeat = _repeat(reminder)
    zone = ZoneInfo(reminder.timezone or "UTC")
    guessed = repeat is not None and repeat.kind == RepeatKind.WORKDAYS
    return ReminderView(
        id=reminder.id or 0,
        subject=reminder.subject,
        due_at=due_at,
        status=status or reminder.status,
        repeat=repeat,
        approximate=guessed and not holidays_known(due_at.astimezone(zone).date()),
    )


class ReminderService:
    """Draft, confirm, list, cancel and snooze reminders; the scheduler fires them."""

    def __init__(self, db: Database, scheduler: SchedulerService) -> None:
        self._db = db
        self._scheduler = scheduler
        self._preloaded: dict[int, Firing] = {}
        self._expected: set[int] = set()

    async def ask(self, *, user_id: int) -> None:
        """Remember that /remind is waiting for this user's phrase (it survives a restart)."""
        async with self._db.session() as session:
            await self._clear(session, user_id, ReminderStatus.ASKING)
            session.add(Reminder(user_id=user_id, status=ReminderStatus.ASKING))

    async def stop_asking(self, *, user_id: int) -> None:
        """The user cancelled or answered: /remind no longer waits."""
        async with self._db.session() as session:
            await self._clear(session, user_id, ReminderStatus.ASKING)

    async def asking(self) -> list[int]:
        """Users /remind is waiting for, to restore their conversations after a restart."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Reminder.user_id).where(Reminder.status == ReminderStatus.ASKING)
            )
            return sorted(set(rows.all()))

    async def understand(
        self, *, user_id: int, text: str, timezone: str, now: datetime | None = None
    ) -> ReminderView:
        """Read the time and subject from ``text`` and keep them as a draft to confirm.

        Raises :class:`bot.text.timeparse.TimeParseError` when no future time can be read.
        """
        now = now or utcnow()
        zone = ZoneInfo(timezone)
        draft = Reminder(user_id=user_id, timezone=timezone)
        if recurring := timeparse.parse_repeat(text):
            draft.subject, draft.repeat = recurring.subject, recurring.repeat.rule
            draft.clock = f"{recurring.repeat.clock:%H:%M}"
            draft.due_at = next_occurrence(recurring.repeat, zone, now).at
        else:
            parsed = await asyncio.to_thread(timeparse.parse, text, now=now, zone=zone)
            draft.subject, draft.due_at = parsed.subject, parsed.at
        async with self._db.session() as session:
            await self._clear(session, user_id, ReminderStatus.ASKING)
            await session.exec(
                delete(Reminder).where(
                    col(Reminder.user_id) == user_id,
                    col(Reminder.status) == ReminderStatus.DRAFT,
                    col(Reminder.created_at) < now - DRAFT_TTL,
                )
            )
            session.add(draft)
            await session.flush()
            return _view(draft)

    async def confirm(self, *, user_id: int, reminder_id: int) -> ReminderView:
        """Set a drafted reminder; a second confirmation raises :class:`AlreadySet`."""
        now = utcnow()
        async with self._db.session() as session:
            draft = await session.get(Reminder, reminder_id)
            if draft is None or draft.user_id != user_id or draft.due_at is None:
                raise ReminderNotFound(reminder_id)
            if draft.status != ReminderStatus.DRAFT:
                raise AlreadySet(_view(draft, JobStatus.PENDING.value))
            if repeat := _repeat(draft):
                return await self._start(session, draft, repeat, now)
            if draft.due_at <= now:
                raise timeparse.TimeParseError(timeparse.Problem.PAST, draft.due_at)
            await self._check_room(session, user_id)
            claimed = await session.exec(
                update(Reminder)
                .where(col(Reminder.id) == reminder_id, col(Reminder.status) == draft.status)
                .values(status=ReminderStatus.SET, job_key=job_key(reminder_id))
            )
            if not claimed.rowcount:
                raise AlreadySet(_view(draft, JobStatus.PENDING.value))
        await self._schedule(reminder_id, user_id, draft.due_at)
        return _view(draft, JobStatus.PENDING.value)

    async def _start(
        self, session: AsyncSession, draft: Reminder, repeat: Repeat, now: datetime
    ) -> ReminderView:
        """Set a recurring draft: its first occurrence from now, scheduled in this transaction."""
        reminder_id, zone = draft.id or 0, ZoneInfo(draft.timezone or "UTC")
        await self._check_room(session, draft.user_id)
        first = next_occurrence(repeat, zone, now).at
        key = occurrence_key(reminder_id, first, zone)
        claimed = await session.exec(
            update(Reminder)
            .where(col(Reminder.id) == reminder_id, col(Reminder.status) == ReminderStatus.DRAFT)
            .values(status=ReminderStatus.SET, job_key=key, due_at=first)
        )
        if not claimed.rowcount:
            raise AlreadySet(_view(draft, JobStatus.PENDING.value))
        await self._schedule_occurrence(session, reminder_id, draft.user_id, key, first)
        draft.due_at = first
        return _view(draft, JobStatus.PENDING.value)

    async def advance(self, *, reminder_id: int, key: str) -> Firing | None:
        """Fire occurrence ``key``: move the reminder on to its next one, in one transaction.

        None when there is nothing to send: the reminder was stopped, this occurrence was
        already moved past (by another worker), or its person is gone or blocked the bot.
        Occurrences follow the person's timezone as it is now.
        """
        async with self._db.session() as session:
            reminder = await session.get(Reminder, reminder_id)
            repeat = _repeat(reminder) if reminder is not None else None
            if reminder is None or repeat is None or reminder.job_key != key:
                return None
            user = await session.get(User, reminder.user_id)
            timezone = (user.timezone if user else None) or reminder.timezone or "UTC"
            zone = ZoneInfo(timezone)
            after = max(reminder.due_at or utcnow(), utcnow())
            upcoming = next_occurrence(repeat, zone, after).at
            following = occurrence_key(reminder_id, upcoming, zone)
            moved = await session.exec(
                update(Reminder)
                .where(
                    col(Reminder.id) == reminder_id,
                    col(Reminder.status) == ReminderStatus.SET,
                    col(Reminder.job_key) == key,
                )
                .values(job_key=following, due_at=upcoming, timezone=timezone)
            )
            if not moved.rowcount:
                return None
            await self._schedule_occurrence(
                session, reminder_id, reminder.user_id, following, upcoming
            )
            if user is None or not user.is_active:
                return None
            return Firing(reminder_id, user.id, reminder.subject, user.locale, user.timezone)

    async def _schedule_occurrence(
        self, session: AsyncSession, reminder_id: int, user_id: int, key: str, at: datetime
    ) -> None:
        payload = {"reminder_id": reminder_id, "user_id": user_id}
        await self._scheduler.schedule(
            key=key, kind=REPEAT_KIND, due_at=at, payload=payload, session=session
        )

    async def discard(self, *, user_id: int, reminder_id: int) -> bool:
        """Throw away a draft; False when there is none, :class:`AlreadySet` if confirmed."""
        async with self._db.session() as session:
            reminder = await session.get(Reminder, reminder_id)
            if reminder is None or reminder.user_id != user_id:
                return False
            if reminder.status in (ReminderStatus.SET, ReminderStatus.STOPPED):
                raise AlreadySet(_view(reminder, JobStatus.PENDING.value))
            await session.delete(reminder)
        return True

    async def remind(
        self, *, user_id: int, subject: str, at: datetime, source: str, ref: str
    ) -> ReminderView:
        """Set a reminder from a button ("Remind me"); pressing it again keeps one reminder."""
        async with self._db.session() as session:
            found = await session.exec(
                select(Reminder).where(
                    Reminder.user_id == user_id, Reminder.source == source, Reminder.ref == ref
                )
            )
            reminder = found.first()
            if reminder is None:
                await self._check_room(session, user_id)
                reminder = Reminder(user_id=user_id, source=source, ref=ref)
            reminder.subject, reminder.due_at = subject[: timeparse.SUBJECT_MAX], at
            reminder.status = ReminderStatus.SET
            session.add(reminder)
            await session.flush()
            reminder.job_key = job_key(reminder.id or 0)
        await self._schedule(reminder.id or 0, user_id, at)
        return _view(reminder, JobStatus.PENDING.value)

    async def snooze(self, *, user_id: int, reminder_id: int, delay: timedelta) -> ReminderView:
        """The same reminder again after ``delay``, as a new reminder."""
        async with self._db.session() as session:
            fired = await session.get(Reminder, reminder_id)
            if fired is None or fired.user_id != user_id:
                raise ReminderNotFound(reminder_id)
            await self._check_room(session, user_id)
            again = Reminder(
                user_id=user_id,
                subject=fired.subject,
                due_at=utcnow() + delay,
                status=ReminderStatus.SET,
            )
            session.add(again)
            await session.flush()
            again.job_key = job_key(again.id or 0)
        await self._schedule(again.id or 0, user_id, again.due_at or utcnow())
        return _view(again, JobStatus.PENDING.value)

    async def upcoming(self, *, user_id: int) -> list[ReminderView]:
        """The user's reminders that have not fired yet, soonest first."""
        return await self._with_jobs(user_id, [JobStatus.PENDING, JobStatus.RUNNING])

    async def missed(self, *, user_id: int) -> list[ReminderView]:
        """Reminders of the last week that could not be sent because the bot was down."""
        since = utcnow() - MISSED_SHOWN_FOR
        found = await self._with_jobs(user_id, [JobStatus.MISSED, JobStatus.INTERRUPTED])
        return [view for view in found if view.due_at >= since]

    async def cancel(self, *, user_id: int, reminder_id: int) -> bool:
        """Cancel a pending reminder, or stop a recurring one and all its future occurrences.

        False when there was nothing left to cancel, or the reminder is not the user's: the
        owner is checked here, since a button's data can be forged.
        """
        async with self._db.session() as session:
            reminder = await session.get(Reminder, reminder_id)
            if reminder is None or reminder.user_id != user_id or not reminder.job_key:
                return False
            key: str | None = reminder.job_key
            if reminder.repeat:
                # The job_key as it is once this row is ours: an occurrence firing right now
                # may just have moved it on.
                stopped = await session.exec(
                    update(Reminder)
                    .where(
                        col(Reminder.id) == reminder_id,
                        col(Reminder.status) == ReminderStatus.SET,
                    )
                    .values(status=ReminderStatus.STOPPED)
                    .returning(col(Reminder.job_key))
                )
                row = stopped.first()
                if row is None:
                    return False
                key = row[0]
            cancelled = await session.exec(
                update(ScheduledJob)
                .where(col(ScheduledJob.key) == key, col(ScheduledJob.status) == JobStatus.PENDING)
                .values(status=JobStatus.CANCELLED.value, finished_at=utcnow())
            )
            return bool(cancelled.rowcount) or bool(reminder.repeat)

    async def preload(self, *, reminder_ids: list[int]) -> None:
        """Look up the people of many reminders falling due together, in one query."""
        self._preloaded = await self._firings(reminder_ids)
        self._expected = set(reminder_ids)

    async def firing(self, *, reminder_id: int) -> Firing | None:
        """Who gets reminder ``reminder_id`` and in which language; None if gone or blocked."""
        if reminder_id in self._expected:
            self._expected.discard(reminder_id)
            return self._preloaded.pop(reminder_id, None)
        return (await self._firings([reminder_id])).get(reminder_id)

    async def _firings(self, reminder_ids: list[int]) -> dict[int, Firing]:
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Reminder, User)
                .join(User, col(User.id) == Reminder.user_id)
                .where(col(Reminder.id).in_(reminder_ids), col(User.is_active))
            )
            return {
                reminder.id or 0: Firing(
                    reminder.id or 0, user.id, reminder.subject, user.locale, user.timezone
                )
                for reminder, user in rows.all()
            }

    async def _with_jobs(self, user_id: int, statuses: list[JobStatus]) -> list[ReminderView]:
        wanted = [status.value for status in statuses]
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Reminder, ScheduledJob.status)
                .join(ScheduledJob, col(ScheduledJob.key) == Reminder.job_key)
                .where(Reminder.user_id == user_id, col(ScheduledJob.status).in_(wanted))
                .order_by(col(Reminder.due_at))
            )
            return [_view(reminder, status) for reminder, status in rows.all()]

    async def _check_room(self, session: AsyncSession, user_id: int) -> None:
        query = (
            select(func.count())
            .select_from(Reminder)
            .join(ScheduledJob, col(ScheduledJob.key) == Reminder.job_key)
            .where(Reminder.user_id == user_id, ScheduledJob.status == JobStatus.PENDING.value)
        )
        if int((await session.exec(query)).one()) >= MAX_PENDING:
            raise TooManyReminders(user_id)

    async def _schedule(self, reminder_id: int, user_id: int, at: datetime) -> None:
        payload = {"reminder_id": reminder_id, "user_id": user_id}
        await self._scheduler.schedule(
            key=job_key(reminder_id), kind=KIND, due_at=at, payload=payload
        )

    @staticmethod
    async def _clear(session: AsyncSession, user_id: int, status: ReminderStatus) -> None:
        await session.exec(
            delete(Reminder).where(col(Reminder.user_id) == user_id, col(Reminder.status) == status)
        )
