"""Push settings: which kinds of pushes a user wants, quiet hours, and the daily digest.

The timing rules are pure functions of a moment and a user's settings, so the broadcast
engine can apply them to ten thousand recipients at once and tests can check them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.settings import PushPreference
from bot.models.users import User

Mode = Literal["now", "digest", "off"]
MODES: tuple[Mode, ...] = ("now", "digest", "off")
TOPICS = ("announcements", "events", "lessons", "proposals")
QUIET_PRESETS: tuple[tuple[int, int], ...] = (
    (22 * 60, 7 * 60),
    (23 * 60, 7 * 60),
    (21 * 60, 7 * 60),
    (22 * 60, 8 * 60),
    (0, 0),
)
DIGEST_HOURS = (18, 12, 20, 8)


@dataclass(frozen=True, slots=True)
class PushSettings:
    """One user's push settings, with the defaults filled in."""

    modes: dict[str, Mode] = field(default_factory=lambda: dict.fromkeys(TOPICS, "now"))
    quiet_from: int = 22 * 60
    quiet_until: int = 7 * 60
    digest_hour: int = 18
    timezone: str = "Asia/Shanghai"

    @property
    def zone(self) -> ZoneInfo:
        """The user's timezone."""
        return ZoneInfo(self.timezone)

    @property
    def has_quiet_hours(self) -> bool:
        """Whether the user keeps quiet hours at all."""
        return self.quiet_from != self.quiet_until

    def mode(self, topic: str) -> Mode:
        """How pushes of ``topic`` reach this user (unknown topics come at once)."""
        return self.modes.get(topic, "now")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone a broadcast goes to: their id, language and push settings."""

    user_id: int
    locale: str
    push: PushSettings


def quiet_end(moment: datetime, settings: PushSettings) -> datetime | None:
    """When the quiet hours that contain ``moment`` end, or ``None`` outside quiet hours."""
    if not settings.has_quiet_hours:
        return None
    zone = settings.zone
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    start, end = settings.quiet_from, settings.quiet_until
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    release = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
    return release.astimezone(UTC)


def next_digest(moment: datetime, settings: PushSettings) -> datetime:
    """The next digest time after ``moment``, moved out of quiet hours if it falls inside."""
    zone = settings.zone
    local = moment.astimezone(zone)
    at = datetime.combine(local.date(), time(settings.digest_hour), tzinfo=zone)
    if at <= local:
        at = datetime.combine(
            local.date() + timedelta(days=1), time(settings.digest_hour), tzinfo=zone
        )
    due = at.astimezone(UTC)
    return quiet_end(due, settings) or due


def format_minutes(minutes: int) -> str:
    """``1320`` → ``22:00``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class PreferenceService:
    """Read and change push settings; other features ask it before pushing to someone."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings

    def _of(self, row: PushPreference | None, timezone: str | None) -> PushSettings:
        zone = timezone or self._settings.timezone
        if row is None:
            return PushSettings(timezone=zone)
        modes: dict[str, Mode] = {
            topic: value for topic in TOPICS if (value := getattr(row, topic)) in MODES
        }
        return PushSettings(modes, row.quiet_from, row.quiet_until, row.digest_hour, zone)

    async def of(self, *, user_id: int) -> PushSettings:
        """The user's settings (defaults for someone who never changed them)."""
        async with self._db.reader() as session:
            row = await session.get(PushPreference, user_id)
            user = await session.get(User, user_id)
            return self._of(row, user.timezone if user else None)

    async def recipients(self, *, user_ids: list[int]) -> list[Recipient]:
        """Language and settings of many users in a few queries (for a broadcast's audience)."""
        found: list[Recipient] = []
        async with self._db.reader() as session:
            for start in range(0, len(user_ids), 5000):
                chunk = user_ids[start : start + 5000]
                rows = await session.exec(
                    select(User.id, User.locale, User.timezone, PushPreference)
                    .outerjoin(PushPreference, PushPreference.user_id == User.id)  # type: ignore[arg-type]
                    .where(User.id.in_(chunk))  # type: ignore[attr-defined]
                )
                for user_id, locale, timezone, row in rows.all():
                    found.append(Recipient(user_id, locale, self._of(row, timezone)))
        return found

    async def mode(self, *, user_id: int, topic: str) -> Mode:
        """How pushes of ``topic`` should reach the user: now, in the digest, or not at all."""
        return (await self.of(user_id=user_id)).mode(topic)

    async def _save(self, user_id: int, **values: object) -> PushSettings:
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        values["updated_at"] = utcnow()
        statement = insert(PushPreference).values(user_id=user_id, **values)
        statement = statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        async with self._db.writer() as connection:
            await connection.execute(statement)
        return await self.of(user_id=user_id)

    async def set_mode(self, *, user_id: int, topic: str, mode: Mode) -> PushSettings:
        """Choose how one kind of push reaches the user."""
        if topic not in TOPICS or mode not in MODES:
            raise ValueError(f"unknown topic or mode: {topic} {mode}")
        return await self._save(user_id, **{topic: mode})

    async def set_quiet_hours(self, *, user_id: int, start: int, end: int) -> PushSettings:
        """Set quiet hours (minutes after local midnight); equal values switch them off."""
        if (start, end) not in QUIET_PRESETS:
            raise ValueError(f"not an offered quiet-hours choice: {start}-{end}")
        return await self._save(user_id, quiet_from=start, quiet_until=end)

    async def set_digest_hour(self, *, user_id: int, hour: int) -> PushSettings:
        """Choose the local hour at which the daily digest arrives."""
        if hour not in DIGEST_HOURS:
            raise ValueError(f"not an offered digest hour: {hour}")
        return await self._save(user_id, digest_hour=hour)
