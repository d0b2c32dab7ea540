"""Events: publishing, who may see them, answers with a capacity and a waitlist, and check-in.

Seats are counted on the event row (``going``) and taken with a conditional UPDATE, so two
people pressing "Going" for the last seat at the same moment cannot both get it, on SQLite
or PostgreSQL. Freeing a seat promotes the longest-waiting person in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.sql.dml import Update
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.events import DEFAULT_REMINDERS, Answer, Event, EventStatus, Rsvp
from bot.models.users import Enterprise, Role, RoleGrant, User
from bot.services.broadcasts import Audience
from bot.services.core import SchedulerService
from bot.services.events.views import (
    ANNOUNCE_KIND,
    CHECKIN_CLOSES,
    CHECKIN_OPENS,
    DEFAULT_LENGTH,
    DESCRIPTION_MAX,
    PLACE_MAX,
    REMINDER_KIND,
    AttendanceRow,
    CheckIn,
    CheckInOutcome,
    EventCard,
    EventClosed,
    EventNotFound,
    EventView,
    Promoted,
    RsvpResult,
    invited,
    new_token,
    reminder_key,
    validate,
    view,
)


def _seats_left(event_id: int) -> Update:
    """Take one seat if any is left (the statement's rowcount says whether it did)."""
    return (
        update(Event)
        .where(
            col(Event.id) == event_id,
            or_(col(Event.capacity).is_(None), col(Event.going) < col(Event.capacity)),
        )
        .values(going=col(Event.going) + 1)
    )


class EventService:
    """Publish events, answer them, check people in, and list who came."""

    def __init__(self, db: Database, scheduler: SchedulerService) -> None:
        self._db = db
        self._scheduler = scheduler

    async def create(
        self,
        *,
        title: str,
        starts_at: datetime,
        ends_at: datetime | None = None,
        description: str = "",
        place: str = "",
        capacity: int | None = None,
        audience: Audience | None = None,
        created_by: int | None = None,
        remind_before: tuple[int, ...] = tuple(DEFAULT_REMINDERS),
    ) -> EventView:
        """Publish an event in one step (the CLI's way); raises :class:`InvalidEvent`."""
        event = Event(
            title=title.strip(),
            description=description.strip()[:DESCRIPTION_MAX],
            place=place.strip()[:PLACE_MAX],
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            audience=(audience or Audience(everyone=True)).to_json(),
            remind_before=sorted(set(remind_before), reverse=True),
            created_by=created_by,
            checkin_token=new_token(),
        )
        async with self._db.session() as session:
            session.add(event)
            await session.flush()
            return await self.publish_in(session=session, event=event)

    async def publish_in(self, *, session: AsyncSession, event: Event) -> EventView:
        """Validate and publish ``event`` and schedule its reminders, all in ``session``."""
        now = utcnow()
        validate(event, now)
        event.ends_at = event.ends_at or (event.starts_at or now) + DEFAULT_LENGTH
        event.status, event.step, event.published_at = EventStatus.PUBLISHED, None, now
        session.add(event)
        await session.flush()
        published = view(event)
        for minutes in published.remind_before:
            due = published.starts_at - timedelta(minutes=minutes)
            if due > now:
                await self._scheduler.schedule(
                    key=reminder_key(published.id, minutes),
                    kind=REMINDER_KIND,
                    due_at=due,
                    payload={"event_id": published.id, "minutes": minutes},
                    session=session,
                )
        return published

    async def request_announcement(self, *, event_id: int) -> None:
        """Have the running bot announce the event (rendered in each language) as soon as it can.

        A durable job, so a command-line tool never renders Telegram messages itself and the
        announcement goes out once even with several bot processes.
        """
        await self._scheduler.schedule(
            key=f"{ANNOUNCE_KIND}:{event_id}",
            kind=ANNOUNCE_KIND,
            due_at=utcnow(),
            payload={"event_id": event_id},
        )

    async def announced(self, *, event_id: int, broadcast_id: int) -> None:
        """Remember which broadcast announced the event (for its delivery report)."""
        async with self._db.session() as session:
            await session.exec(
                update(Event).where(col(Event.id) == event_id).values(broadcast_id=broadcast_id)
            )

    async def find(self, *, event_id: int) -> EventView | None:
        """A published event, or None."""
        async with self._db.reader() as session:
            event = await session.get(Event, event_id)
        if event is None or event.status != EventStatus.PUBLISHED:
            return None
        return view(event)

    async def upcoming(
        self, *, user_id: int, now: datetime | None = None, limit: int = 10
    ) -> list[EventView]:
        """Events not yet over that this user is invited to (or answered), soonest first."""
        now = now or utcnow()
        async with self._db.reader() as session:
            user = await session.get(User, user_id)
            roles = set(
                (
                    await session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user_id))
                ).all()
            )
            answered = set(
                (await session.exec(select(Rsvp.event_id).where(Rsvp.user_id == user_id))).all()
            )
            rows = await session.exec(
                select(Event)
                .where(Event.status == EventStatus.PUBLISHED, col(Event.ends_at) > now)
                .order_by(col(Event.starts_at))
            )
            events = [view(event) for event in rows.all()]
        admin = Role.ADMIN.value in roles
        shown = [
            event
            for event in events
            if admin or event.id in answered or invited(event.audience, user, roles)
        ]
        return shown[:limit]

    async def card(self, *, event_id: int, user_id: int) -> EventCard | None:
        """The event with this person's answer and waitlist position; None if not published."""
        async with self._db.reader() as session:
            event = await session.get(Event, event_id)
            if event is None or event.status != EventStatus.PUBLISHED:
                return None
            rsvp = await session.get(Rsvp, (event_id, user_id))
            waiting = await self._waiting(session, event_id)
            position = await self._position(session, rsvp) if rsvp else None
        return EventCard(
            event=view(event),
            answer=Answer(rsvp.answer) if rsvp else None,
            position=position,
            waiting=waiting,
            checked_in_at=rsvp.checked_in_at if rsvp else None,
        )

    async def respond(self, *, event_id: int, user_id: int, answer: Answer) -> RsvpResult:
        """Record Going / Maybe / Not going; Going on a full event joins the waitlist."""
        if answer == Answer.WAITLISTED:
            raise ValueError("join the waitlist by answering 'going'")
        now = utcnow()
        async with self._db.session() as session:
            # One answer at a time per event (PostgreSQL; SQLite has one writer anyway), so
            # waitlist positions are handed out in the order people pressed.
            locked = select(Event).where(Event.id == event_id).with_for_update()
            event = (await session.exec(locked)).first()
            if event is None or event.status != EventStatus.PUBLISHED or event.starts_at is None:
                raise EventNotFound(event_id)
            if event.starts_at <= now:
                raise EventClosed(event_id)
            rsvp = await session.get(Rsvp, (event_id, user_id))
            previous = Answer(rsvp.answer) if rsvp else None
            promoted: list[Promoted] = []
            new: Answer = answer
            if answer == Answer.GOING and previous in (Answer.GOING, Answer.WAITLISTED):
                new = previous or answer
            elif answer == Answer.GOING:
                took = await session.exec(_seats_left(event_id))
                new = Answer.GOING if took.rowcount else Answer.WAITLISTED
            if new != previous:
                rsvp = rsvp or Rsvp(event_id=event_id, user_id=user_id, answer=new)
                rsvp.answer, rsvp.answered_at = new, utcnow()
                session.add(rsvp)
                await session.flush()
            if previous == Answer.GOING and new != Answer.GOING:
                await session.exec(
                    update(Event)
                    .where(col(Event.id) == event_id)
                    .values(going=col(Event.going) - 1)
                )
                promoted = await self._promote(session, event_id, now)
            position = await self._position(session, rsvp) if rsvp else None
            await session.refresh(event)
            return RsvpResult(new, position, view(event), promoted)

    async def _promote(self, session: AsyncSession, event_id: int, now: datetime) -> list[Promoted]:
        """Give free seats to the longest-waiting people, in the caller's transaction."""
        promoted: list[Promoted] = []
        while (await session.exec(_seats_left(event_id))).rowcount:
            first = (
                await session.exec(
                    select(Rsvp.user_id, User.locale)
                    .join(User, col(User.id) == Rsvp.user_id)
                    .where(Rsvp.event_id == event_id, Rsvp.answer == Answer.WAITLISTED)
                    .order_by(col(Rsvp.answered_at), col(Rsvp.user_id))
                    .limit(1)
                )
            ).first()
            if first is None:
                await session.exec(
                    update(Event)
                    .where(col(Event.id) == event_id)
                    .values(going=col(Event.going) - 1)
                )
                break
            user_id, locale = first
            await session.exec(
                update(Rsvp)
                .where(col(Rsvp.event_id) == event_id, col(Rsvp.user_id) == user_id)
                .values(answer=Answer.GOING.value, answered_at=now)
            )
            promoted.append(Promoted(user_id, locale))
        return promoted

    async def _waiting(self, session: AsyncSession, event_id: int) -> int:
        query = (
            select(func.count())
            .select_from(Rsvp)
            .where(Rsvp.event_id == event_id, Rsvp.answer == Answer.WAITLISTED)
        )
        return int((await session.exec(query)).one())

    async def _position(self, session: AsyncSession, rsvp: Rsvp) -> int | None:
        if rsvp.answer != Answer.WAITLISTED:
            return None
        ahead = (
            select(func.count())
            .select_from(Rsvp)
            .where(
                Rsvp.event_id == rsvp.event_id,
                Rsvp.answer == Answer.WAITLISTED,
                or_(
                    col(Rsvp.answered_at) < rsvp.answered_at,
                    (col(Rsvp.answered_at) == rsvp.answered_at)
                    & (col(Rsvp.user_id) < rsvp.user_id),
                ),
            )
        )
        return int((await session.exec(ahead)).one()) + 1

    async def check_in(self, *, token: str, user_id: int, now: datetime | None = None) -> CheckIn:
        """Check someone in once, from 2 hours before the start until 2 hours after the end.

        A person who had not said "Going" (a walk-in) is counted as going from now on.
        """
        now = now or utcnow()
        async with self._db.session() as session:
            event = (await session.exec(select(Event).where(Event.checkin_token == token))).first()
            if event is None or event.status != EventStatus.PUBLISHED:
                return CheckIn(CheckInOutcome.UNKNOWN)
            shown = view(event)
            if now < shown.starts_at - CHECKIN_OPENS:
                return CheckIn(CheckInOutcome.NOT_OPEN, shown)
            if now > shown.ends_at + CHECKIN_CLOSES:
                return CheckIn(CheckInOutcome.CLOSED, shown)
            rsvp = await session.get(Rsvp, (shown.id, user_id))
            if rsvp is not None and rsvp.checked_in_at is not None:
                return CheckIn(CheckInOutcome.ALREADY, shown, rsvp.checked_in_at)
            if rsvp is None or rsvp.answer != Answer.GOING:
                await session.exec(
                    update(Event)
                    .where(col(Event.id) == shown.id)
                    .values(going=col(Event.going) + 1)
                )
            rsvp = rsvp or Rsvp(event_id=shown.id, user_id=user_id, answer=Answer.GOING)
            rsvp.answer, rsvp.checked_in_at = Answer.GOING, now
            session.add(rsvp)
            return CheckIn(CheckInOutcome.DONE, shown, now)

    async def attendance(self, *, event_id: int) -> list[AttendanceRow]:
        """Everyone who answered or checked in, seated first, for the organiser's export."""
        order = {Answer.GOING: 0, Answer.WAITLISTED: 1, Answer.MAYBE: 2, Answer.DECLINED: 3}
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Rsvp, User, Enterprise.name)
                .join(User, col(User.id) == Rsvp.user_id)
                .outerjoin(Enterprise, col(Enterprise.id) == User.enterprise_id)
                .where(Rsvp.event_id == event_id)
                .order_by(col(Rsvp.answered_at))
            )
            found = [
                AttendanceRow(
                    user_id=user.id,
                    name=user.name,
                    enterprise=enterprise or "",
                    department=user.department or "",
                    answer=Answer(rsvp.answer),
                    answered_at=rsvp.answered_at,
                    checked_in_at=rsvp.checked_in_at,
                )
                for rsvp, user, enterprise in rows.all()
            ]
        return sorted(found, key=lambda row: (order[row.answer], row.answered_at))
