"""Announcement drafts: what an admin composed in /announce, stored with each answer.

The draft's ``step`` is the question asked next, written in the same transaction as the
answer, so the conversation resumes at the right place after a restart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.broadcasts import AnnouncementDraft
from bot.models.users import Role
from bot.services.broadcasts.audience import Audience
from bot.services.broadcasts.send_times import InvalidTime, parse_clock, parse_moment
from bot.text.visible import TEXT_LIMIT, plain_text, visible_length

if TYPE_CHECKING:
    from bot.services.broadcasts.broadcasts import BroadcastService

T = TypeVar("T")
PICKABLE_ROLES = (Role.MODEL_WORKER, Role.CRAFTSMAN, Role.REVIEWER, Role.ADMIN)
REPEATS = ("daily", "mon-fri", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Step(StrEnum):
    """The question /announce asks next."""

    TEXT = "text"
    ENGLISH = "english"
    PHOTO = "photo"
    AUDIENCE = "audience"
    OPTIONS = "options"
    AT = "at"
    REPEAT = "repeat"
    CONFIRM = "confirm"


class InvalidAnswer(ValueError):
    """An answer /announce cannot use; ``key`` is the catalog key explaining why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class DraftView:
    """A draft as the conversation shows it."""

    admin_id: int
    step: Step
    html_zh: str
    html_en: str
    photo_id: str | None
    audience: Audience
    urgent: bool
    must_read: bool
    send_at: datetime | None
    cron: str | None


def department_key(name: str) -> str:
    """A short, callback-safe stand-in for a department name."""
    return hashlib.blake2s(name.encode(), digest_size=5).hexdigest()


def _view(draft: AnnouncementDraft) -> DraftView:
    return DraftView(
        admin_id=draft.admin_id,
        step=Step(draft.step),
        html_zh=draft.html_zh,
        html_en=draft.html_en or draft.html_zh,
        photo_id=draft.photo_id,
        audience=Audience(
            everyone=draft.everyone,
            enterprise_ids=tuple(draft.enterprise_ids),
            departments=tuple(draft.departments),
            roles=tuple(draft.roles),
        ),
        urgent=draft.urgent,
        must_read=draft.must_read,
        send_at=draft.send_at,
        cron=draft.cron,
    )


def _toggled(values: list[T], value: T) -> list[T]:
    return [v for v in values if v != value] if value in values else [*values, value]


class AnnouncementService:
    """The /announce drafts: one per admin, moved on one answer at a time."""

    def __init__(self, db: Database, settings: Settings, broadcasts: BroadcastService) -> None:
        self._db = db
        self._settings = settings
        self._broadcasts = broadcasts

    async def _change(
        self, admin_id: int, change: Callable[[AnnouncementDraft], None]
    ) -> DraftView:
        async with self._db.session() as session:
            draft = await session.get(AnnouncementDraft, admin_id)
            if draft is None:
                raise InvalidAnswer("broadcasts.no_draft")
            change(draft)
            draft.updated_at = utcnow()
            session.add(draft)
            return _view(draft)

    async def begin(self, *, admin_id: int) -> DraftView:
        """Start a new draft, dropping any unfinished one."""
        async with self._db.session() as session:
            old = await session.get(AnnouncementDraft, admin_id)
            if old is not None:
                await session.delete(old)
                await session.flush()
            draft = AnnouncementDraft(admin_id=admin_id, step=Step.TEXT)
            session.add(draft)
            return _view(draft)

    async def draft(self, *, admin_id: int) -> DraftView | None:
        """The admin's unfinished draft, if any."""
        async with self._db.reader() as session:
            found = await session.get(AnnouncementDraft, admin_id)
            return _view(found) if found else None

    async def pending(self) -> dict[int, str]:
        """Every unfinished draft's step, to restore the conversations after a restart."""
        async with self._db.reader() as session:
            rows = await session.exec(select(AnnouncementDraft.admin_id, AnnouncementDraft.step))
            return dict(rows.all())

    @staticmethod
    def _text(html: str | None) -> str:
        if not html or not plain_text(html).strip():
            raise InvalidAnswer("broadcasts.text_please")
        if visible_length(html) > TEXT_LIMIT:
            raise InvalidAnswer("broadcasts.too_long")
        return html

    async def write(
        self, *, admin_id: int, html: str | None, photo_id: str | None = None
    ) -> DraftView:
        """The Chinese text (a photo's caption counts); next: the English text."""
        text = self._text(html)

        def change(draft: AnnouncementDraft) -> None:
            draft.html_zh, draft.step = text, Step.ENGLISH
            draft.photo_id = photo_id or draft.photo_id

        return await self._change(admin_id, change)

    async def translate(self, *, admin_id: int, html: str | None) -> DraftView:
        """The English text, or ``None`` to send the Chinese text to everyone; next: a photo."""
        text = None if html is None else self._text(html)

        def change(draft: AnnouncementDraft) -> None:
            draft.html_en = text
            draft.step = Step.AUDIENCE if draft.photo_id else Step.PHOTO

        return await self._change(admin_id, change)

    async def attach(self, *, admin_id: int, photo_id: str | None) -> DraftView:
        """A photo to send with the text, or none; next: the audience."""

        def change(draft: AnnouncementDraft) -> None:
            draft.photo_id, draft.step = photo_id, Step.AUDIENCE

        return await self._change(admin_id, change)

    async def toggle(
        self, *, admin_id: int, kind: str, value: str | int | None = None
    ) -> DraftView:
        """Add or remove one criterion: ``everyone``, ``enterprise``, ``department`` or ``role``."""

        def change(draft: AnnouncementDraft) -> None:
            if kind == "everyone":
                draft.everyone = not draft.everyone
            elif kind == "enterprise":
                draft.enterprise_ids = _toggled(draft.enterprise_ids, int(value or 0))
            elif kind == "department":
                draft.departments = _toggled(draft.departments, str(value))
            elif kind == "role" and value in {r.value for r in PICKABLE_ROLES}:
                draft.roles = _toggled(draft.roles, str(value))
            draft.step = Step.AUDIENCE

        return await self._change(admin_id, change)

    async def clear_audience(self, *, admin_id: int) -> DraftView:
        """Start picking the audience again."""

        def change(draft: AnnouncementDraft) -> None:
            draft.everyone, draft.enterprise_ids, draft.departments, draft.roles = False, [], [], []
            draft.step = Step.AUDIENCE

        return await self._change(admin_id, change)

    async def department_named(self, *, admin_id: int, key: str) -> str | None:
        """The department behind a picker button (names are too long for callback data)."""
        current = await self.draft(admin_id=admin_id)
        chosen = current.audience.enterprise_ids if current else ()
        page, _ = await self._broadcasts.audience.departments(enterprise_ids=chosen, limit=10_000)
        selected = current.audience.departments if current else ()
        names = [choice.value for choice in page] + list(selected)
        return next((name for name in names if department_key(name) == key), None)

    async def audience_chosen(self, *, admin_id: int) -> DraftView:
        """Leave the audience picker; refused while the audience is nobody."""
        current = await self.draft(admin_id=admin_id)
        if current is None:
            raise InvalidAnswer("broadcasts.no_draft")
        if not await self._broadcasts.audience.count(current.audience):
            raise InvalidAnswer("broadcasts.audience_empty")
        return await self._step(admin_id, Step.OPTIONS)

    async def _step(self, admin_id: int, step: Step) -> DraftView:
        def change(draft: AnnouncementDraft) -> None:
            draft.step = step

        return await self._change(admin_id, change)

    async def flip(self, *, admin_id: int, flag: str) -> DraftView:
        """Switch ``urgent`` or ``must_read``."""

        def change(draft: AnnouncementDraft) -> None:
            if flag == "urgent":
                draft.urgent = not draft.urgent
            elif flag == "must_read":
                draft.must_read = not draft.must_read
            draft.step = Step.OPTIONS

        return await self._change(admin_id, change)

    async def send_now(self, *, admin_id: int) -> DraftView:
        """Send as soon as confirmed."""

        def change(draft: AnnouncementDraft) -> None:
            draft.send_at, draft.cron, draft.step = None, None, Step.CONFIRM

        return await self._change(admin_id, change)

    async def ask_time(self, *, admin_id: int) -> DraftView:
        """Schedule once: the next answer is a date and time."""
        return await self._step(admin_id, Step.AT)

    async def send_at(self, *, admin_id: int, text: str, timezone: str) -> DraftView:
        """The typed moment to send at (in the admin's timezone)."""
        try:
            moment = parse_moment(text, ZoneInfo(timezone), utcnow())
        except InvalidTime as exc:
            raise InvalidAnswer(exc.key) from None

        def change(draft: AnnouncementDraft) -> None:
            draft.send_at, draft.cron, draft.step = moment, None, Step.CONFIRM

        return await self._change(admin_id, change)

    async def repeat_on(self, *, admin_id: int, days: str) -> DraftView:
        """Repeat on ``days`` (``daily``, ``mon-fri`` or a weekday); the next answer is the time."""
        if days not in REPEATS:
            raise InvalidAnswer("broadcasts.bad_time")
        weekdays = "*" if days == "daily" else days

        def change(draft: AnnouncementDraft) -> None:
            draft.send_at, draft.cron, draft.step = None, f"0 8 * * {weekdays}", Step.REPEAT

        return await self._change(admin_id, change)

    async def repeat_at(self, *, admin_id: int, text: str) -> DraftView:
        """The time of day a recurring announcement goes out."""
        try:
            clock = parse_clock(text)
        except InvalidTime as exc:
            raise InvalidAnswer(exc.key) from None

        def change(draft: AnnouncementDraft) -> None:
            weekdays = (draft.cron or "0 8 * * *").split()[-1]
            draft.cron, draft.step = f"{clock.minute} {clock.hour} * * {weekdays}", Step.CONFIRM

        return await self._change(admin_id, change)

    async def submit(self, *, admin_id: int, timezone: str) -> int:
        """Create the broadcast from the confirmed draft and drop the draft; the broadcast id."""
        current = await self.draft(admin_id=admin_id)
        if current is None or current.step != Step.CONFIRM:
            raise InvalidAnswer("broadcasts.no_draft")
        broadcast_id = await self._broadcasts.create(
            kind="announcement",
            html_zh=current.html_zh,
            html_en=current.html_en,
            audience=current.audience,
            created_by=admin_id,
            photo_id=current.photo_id,
            urgent=current.urgent,
            must_read=current.must_read,
            send_at=current.send_at,
            cron=current.cron,
            timezone=timezone,
        )
        await self.discard(admin_id=admin_id)
        return broadcast_id

    async def discard(self, *, admin_id: int) -> bool:
        """Drop the draft; False when there was none."""
        async with self._db.session() as session:
            found = await session.get(AnnouncementDraft, admin_id)
            if found is None:
                return False
            await session.delete(found)
            return True
