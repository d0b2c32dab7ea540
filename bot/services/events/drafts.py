"""The organiser's guided /event_new: one question per step, each answer saved with the step.

The draft is an unpublished event row whose ``step`` says which question comes next, written
in the same transaction as the answer, so a restart resumes at the right question.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.events import Event, EventStatus
from bot.services.broadcasts import Audience
from bot.services.events.views import (
    DESCRIPTION_MAX,
    PLACE_MAX,
    TITLE_MAX,
    EventView,
    new_token,
    view,
)
from bot.text import timeparse

if TYPE_CHECKING:
    from bot.services.events.events import EventService

CAPACITY_MAX = 100_000
AUDIENCE_KINDS = ("enterprise", "department", "role")


class DraftStep(StrEnum):
    """The questions, in the order they are asked."""

    TITLE = "title"
    DESCRIPTION = "description"
    PLACE = "place"
    START = "start"
    END = "end"
    CAPACITY = "capacity"
    AUDIENCE = "audience"
    PREVIEW = "preview"


ORDER = list(DraftStep)
SKIPPABLE = frozenset({DraftStep.DESCRIPTION, DraftStep.PLACE, DraftStep.END, DraftStep.CAPACITY})


class InvalidAnswer(ValueError):
    """An answer the current question cannot take; ``problem`` names the catalog message."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class NoDraft(LookupError):
    """The organiser has no event draft in progress."""


@dataclass(frozen=True, slots=True)
class DraftView:
    """A draft as the organiser sees it while answering."""

    id: int
    step: DraftStep
    event: EventView
    has_start: bool


def _next(step: DraftStep) -> DraftStep:
    return ORDER[min(ORDER.index(step) + 1, len(ORDER) - 1)]


def _draft_view(event: Event) -> DraftView:
    return DraftView(
        event.id or 0,
        DraftStep(event.step or DraftStep.TITLE),
        view(event),
        event.starts_at is not None,
    )


def _text(value: str, limit: int, problem: str) -> str:
    cleaned = value.strip()
    if not 1 <= len(cleaned) <= limit:
        raise InvalidAnswer(problem)
    return cleaned


class EventDraftService:
    """Walk an organiser through an event's fields, then publish it."""

    def __init__(self, db: Database, events: EventService) -> None:
        self._db = db
        self._events = events

    async def begin(self, *, user_id: int) -> DraftView:
        """Start a new draft (an unfinished earlier one is dropped)."""
        async with self._db.session() as session:
            await self._drop(session, user_id)
            draft = Event(
                created_by=user_id,
                step=DraftStep.TITLE,
                status=EventStatus.DRAFT,
                checkin_token=new_token(),
            )
            session.add(draft)
            await session.flush()
            return _draft_view(draft)

    async def current(self, *, user_id: int) -> DraftView | None:
        """The organiser's draft in progress, if any."""
        async with self._db.reader() as session:
            draft = await self._find(session, user_id)
            return _draft_view(draft) if draft else None

    async def pending(self) -> dict[int, str]:
        """Organisers in the middle of /event_new and the step each is on (for restarts)."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Event.created_by, Event.step).where(
                    Event.status == EventStatus.DRAFT, col(Event.step).is_not(None)
                )
            )
            return {user: step for user, step in rows.all() if user is not None and step}

    async def answer(
        self, *, user_id: int, text: str, timezone: str, now: datetime | None = None
    ) -> DraftView:
        """Record a typed answer to the current question and move to the next one.

        Raises :class:`InvalidAnswer`, or :class:`bot.text.timeparse.TimeParseError` for a time.
        """
        now = now or utcnow()
        async with self._db.session() as session:
            draft = await self._require(session, user_id)
            step = DraftStep(draft.step or DraftStep.TITLE)
            if step == DraftStep.TITLE:
                draft.title = _text(text, TITLE_MAX, "title")
            elif step == DraftStep.DESCRIPTION:
                draft.description = _text(text, DESCRIPTION_MAX, "description")
            elif step == DraftStep.PLACE:
                draft.place = _text(text, PLACE_MAX, "place")
            elif step == DraftStep.START:
                draft.starts_at = (await _moment(text, now, timezone)).at
                draft.ends_at = None
            elif step == DraftStep.END:
                draft.ends_at = await self._end(text, draft, timezone)
            elif step == DraftStep.CAPACITY:
                draft.capacity = _capacity(text)
            elif step == DraftStep.AUDIENCE:
                return await self._toggle(session, draft, "department", text.strip()[:64])
            else:
                raise InvalidAnswer("buttons")
            return await self._advance(session, draft, step)

    async def skip(self, *, user_id: int, step: str | None = None) -> DraftView:
        """Skip an optional question (description, place, end, capacity).

        ``step`` is the question the button was under: a skip button left in an earlier message
        raises ``InvalidAnswer("passed")`` rather than skip the question asked now.
        """
        async with self._db.session() as session:
            draft = await self._require(session, user_id)
            current = DraftStep(draft.step or DraftStep.TITLE)
            if step is not None and current != step:
                raise InvalidAnswer("passed")
            if current not in SKIPPABLE:
                raise InvalidAnswer("required")
            return await self._advance(session, draft, current)

    async def toggle(self, *, user_id: int, kind: str, value: str) -> DraftView:
        """Add or remove an enterprise, department or role from the audience."""
        async with self._db.session() as session:
            draft = await self._require(session, user_id)
            if draft.step != DraftStep.AUDIENCE:
                raise InvalidAnswer("buttons")
            return await self._toggle(session, draft, kind, value)

    async def everyone(self, *, user_id: int) -> DraftView:
        """Invite everyone (clears any narrower choice)."""
        async with self._db.session() as session:
            draft = await self._require(session, user_id)
            if draft.step != DraftStep.AUDIENCE:
                raise InvalidAnswer("buttons")
            draft.audience = Audience(everyone=True).to_json()
            session.add(draft)
            return _draft_view(draft)

    async def audience_done(self, *, user_id: int) -> DraftView:
        """Close the audience question and show the preview."""
        async with self._db.session() as session:
            draft = await self._require(session, user_id)
            if draft.step != DraftStep.AUDIENCE:
                raise InvalidAnswer("buttons")
            return await self._advance(session, draft, DraftStep.AUDIENCE)

    async def publish(self, *, user_id: int) -> EventView:
        """Publish the previewed draft; raises :class:`bot.services.events.views.InvalidEvent`."""
        async with self._db.session() as session:
            draft = await self._require(session, user_id)
            return await self._events.publish_in(session=session, event=draft)

    async def discard(self, *, user_id: int) -> bool:
        """Throw the draft away; False when there was none."""
        async with self._db.session() as session:
            return await self._drop(session, user_id) > 0

    async def _toggle(
        self, session: AsyncSession, draft: Event, kind: str, value: str
    ) -> DraftView:
        if kind not in AUDIENCE_KINDS or not value:
            raise InvalidAnswer("audience")
        chosen = Audience.from_json(draft.audience)
        field, item = {
            "enterprise": ("enterprise_ids", int(value) if value.isdigit() else None),
            "department": ("departments", value),
            "role": ("roles", value),
        }[kind]
        if item is None:
            raise InvalidAnswer("audience")
        values = list(getattr(chosen, field))
        values = [v for v in values if v != item] if item in values else [*values, item]
        updated = chosen.to_json() | {field: values, "everyone": False}
        if Audience.from_json(updated).is_empty:
            updated = Audience(everyone=True).to_json()
        draft.audience = updated
        session.add(draft)
        return _draft_view(draft)

    async def _end(self, text: str, draft: Event, timezone: str) -> datetime:
        if draft.starts_at is None:
            raise InvalidAnswer("start_first")
        try:
            end = (await _moment(text, draft.starts_at, timezone)).at
        except timeparse.TimeParseError as exc:
            if exc.problem == timeparse.Problem.PAST:
                raise InvalidAnswer("end_before_start") from exc
            raise
        return end

    async def _advance(self, session: AsyncSession, draft: Event, step: DraftStep) -> DraftView:
        draft.step = _next(step)
        session.add(draft)
        await session.flush()
        return _draft_view(draft)

    async def _find(self, session: AsyncSession, user_id: int) -> Event | None:
        rows = await session.exec(
            select(Event)
            .where(Event.created_by == user_id, Event.status == EventStatus.DRAFT)
            .order_by(col(Event.id).desc())
        )
        return rows.first()

    async def _require(self, session: AsyncSession, user_id: int) -> Event:
        draft = await self._find(session, user_id)
        if draft is None:
            raise NoDraft(user_id)
        return draft

    async def _drop(self, session: AsyncSession, user_id: int) -> int:
        result = await session.exec(
            delete(Event).where(
                col(Event.created_by) == user_id, col(Event.status) == EventStatus.DRAFT
            )
        )
        return int(result.rowcount)


async def _moment(text: str, now: datetime, timezone: str) -> timeparse.ParsedTime:
    return await asyncio.to_thread(timeparse.parse, text, now=now, zone=ZoneInfo(timezone))


def _capacity(text: str) -> int:
    digits = text.strip().replace(",", "").replace("，", "")
    if not digits.isdigit() or not 1 <= int(digits) <= CAPACITY_MAX:
        raise InvalidAnswer("capacity")
    return int(digits)
