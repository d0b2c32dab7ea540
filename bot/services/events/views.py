"""What the events feature hands out: event cards, answers, check-ins and attendance rows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import utcnow
from bot.models.events import Answer, Event
from bot.models.users import Role, User
from bot.services.broadcasts import Audience

REMINDER_KIND = "event_reminder"
ANNOUNCE_KIND = "event_announce"
CHECKIN_OPENS = timedelta(hours=2)
CHECKIN_CLOSES = timedelta(hours=2)
DEFAULT_LENGTH = timedelta(hours=2)
TITLE_MAX, PLACE_MAX, DESCRIPTION_MAX = 120, 200, 2000


class EventNotFound(LookupError):
    """No published event with this id (never was, a draft, or cancelled)."""


class EventClosed(Exception):
    """The event has started: answers are closed."""


class InvalidEvent(ValueError):
    """An event that cannot be published as given; ``field`` names the problem."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class CheckInOutcome(StrEnum):
    """What scanning the check-in code did."""

    DONE = "done"
    ALREADY = "already"
    UNKNOWN = "unknown"
    NOT_OPEN = "not_open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class EventView:
    """An event as shown on its card and in lists."""

    id: int
    title: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    going: int
    status: str
    checkin_token: str
    audience: Audience
    remind_before: tuple[int, ...]

    @property
    def full(self) -> bool:
        """Whether every seat is taken."""
        return self.capacity is not None and self.going >= self.capacity


@dataclass(frozen=True, slots=True)
class EventCard:
    """An event seen by one person: their answer, their place on the waitlist, the queue."""

    event: EventView
    answer: Answer | None
    position: int | None
    waiting: int
    checked_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class Promoted:
    """Someone moved from the waitlist to a seat, to be told in their language."""

    user_id: int
    locale: str


@dataclass(frozen=True, slots=True)
class RsvpResult:
    """The answer recorded (``waitlisted`` when full) and anyone promoted by it."""

    answer: Answer
    position: int | None
    event: EventView
    promoted: list[Promoted] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """One line of the attendance list."""

    user_id: int
    name: str
    enterprise: str
    department: str
    answer: Answer
    answered_at: datetime
    checked_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class CheckIn:
    """The outcome of a scan, with the event and the time of the (first) check-in."""

    outcome: CheckInOutcome
    event: EventView | None = None
    at: datetime | None = None


def reminder_key(event_id: int, minutes: int) -> str:
    """The scheduled job reminding attendees ``minutes`` before an event."""
    return f"event:{event_id}:remind:{minutes}"


def view(event: Event) -> EventView:
    """The public shape of an event row (a draft gets placeholder times)."""
    starts = event.starts_at or utcnow()
    return EventView(
        id=event.id or 0,
        title=event.title,
        description=event.description,
        place=event.place,
        starts_at=starts,
        ends_at=event.ends_at or starts + DEFAULT_LENGTH,
        capacity=event.capacity,
        going=event.going,
        status=event.status,
        checkin_token=event.checkin_token,
        audience=Audience.from_json(event.audience),
        remind_before=tuple(event.remind_before),
    )


def new_token() -> str:
    """An unguessable check-in token that fits a deep link (``checkin_<token>``)."""
    return secrets.token_urlsafe(12)


def validate(event: Event, now: datetime) -> None:
    """Raise :class:`InvalidEvent` for anything that would make a broken event."""
    if not 1 <= len(event.title.strip()) <= TITLE_MAX:
        raise InvalidEvent("title")
    if event.starts_at is None or event.starts_at <= now:
        raise InvalidEvent("start")
    if event.ends_at is not None and event.ends_at <= event.starts_at:
        raise InvalidEvent("end")
    if event.capacity is not None and event.capacity < 1:
        raise InvalidEvent("capacity")
    if Audience.from_json(event.audience).is_empty:
        raise InvalidEvent("audience")


def invited(audience: Audience, user: User | None, roles: set[str]) -> bool:
    """Whether a user falls in an audience: kinds combine with AND, values within one with OR."""
    if user is None or audience.is_empty:
        return False
    if audience.enterprise_ids and user.enterprise_id not in audience.enterprise_ids:
        return False
    if audience.departments and user.department not in audience.departments:
        return False
    wanted = set(audience.roles) - {Role.WORKER.value}
    return not (wanted and not wanted & roles)
