"""Personal reminders: understood from a phrase, confirmed by the user, fired once by the scheduler.

A reminder row holds what and for whom; its timer is the scheduled job ``reminder:<id>``, so
whether it fired, was missed while the bot was down or was cancelled is read from that job.
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
from bot.text import timeparse

KIND = "reminder"
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


def _view(reminder: Reminder, status: str | None = None) -> ReminderView:
    return ReminderView(
        id=reminder.id or 0,
        subject=reminder.subject,
        due_at=reminder.due_at or utcnow(),
        status=status or reminder.status,
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
        parsed = await asyncio.to_thread(timeparse.parse, text, now=now, zone=ZoneInfo(timezone))
        async with self._db.session() as session:
            await self._clear(session, user_id, ReminderStatus.ASKING)
            await session.exec(
                delete(Reminder).where(
                    col(Reminder.user_id) == user_id,
                    col(Reminder.status) == ReminderStatus.DRAFT,
                    col(Reminder.created_at) < now - DRAFT_TTL,
                )
            )
            draft = Reminder(user_id=user_id, subject=parsed.subject, due_at=parsed.at)
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
            if draft.status == ReminderStatus.SET:
                raise AlreadySet(_view(draft, JobStatus.PENDING.value))
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

    async def discard(self, *, user_id: int, reminder_id: int) -> bool:
        """Throw away a draft; False when there is none, :class:`AlreadySet` if confirmed."""
        async with self._db.session() as session:
            reminder = await session.get(Reminder, reminder_id)
            if reminder is None or reminder.user_id != user_id:
                return False
            if reminder.status == ReminderStatus.SET:
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
        """Cancel a pending reminder; False when it was not pending (or not the user's)."""
        async with self._db.reader() as session:
            reminder = await session.get(Reminder, reminder_id)
        if reminder is None or reminder.user_id != user_id or not reminder.job_key:
            return False
        return await self._scheduler.cancel(key=reminder.job_key)

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
