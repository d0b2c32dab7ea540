"""The directory of model workers and craftsmen: profiles they control, and search over them.

A card carries only what its expert chose to show and never a Telegram id, username or phone
number; callers refer to an expert by the profile's own id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from bot.clock import utcnow
from bot.db import Database
from bot.models.network import DemoBase, ExpertProfile, Honour, Speciality
from bot.models.users import Enterprise, Role, RoleGrant, User
from bot.services.network import regions

SETTINGS = ("show_name", "show_enterprise", "show_region", "show_story", "listed", "available")
EDITABLE = {"skills": 255, "region": 64, "story": 600}
EXPERT_ROLES = (Role.MODEL_WORKER.value, Role.CRAFTSMAN.value)


class InvalidProfile(ValueError):
    """A profile value the directory cannot take (unknown field, text too long)."""


@dataclass(frozen=True, slots=True)
class ExpertCard:
    """An expert as others see them: only what they chose to show."""

    id: int
    name: str | None
    honour: str
    field: str
    skills: tuple[str, ...]
    enterprise: str | None
    region: str | None
    story: str | None
    available: bool


@dataclass(frozen=True, slots=True)
class OwnProfile:
    """An expert's own profile with every setting, as /expert shows it to them."""

    card: ExpertCard
    settings: dict[str, bool]
    first_line: bool
    step: str | None


@dataclass(frozen=True, slots=True)
class BaseView:
    """A demonstration base for rural revitalization as the list shows it."""

    name: str
    region: str
    specialities: str
    description: str | None


# Skills experts commonly name, by a code the catalogs translate (network.skill.<code>), so a
# card typed in one language reads in the other; any other skill is shown as typed.
SKILL_CODES = {
    "cnc": ("cnc", "数控"),
    "cnc_turning": ("cnc turning", "数控车削", "数控车"),
    "lathe": ("lathe", "lathe work", "车床", "车工"),
    "milling": ("milling", "铣削", "铣工"),
    "five_axis": ("five-axis machining", "5-axis machining", "五轴数控", "五轴加工"),
    "precision_milling": ("precision milling", "精密铣削"),
    "welding": ("welding", "焊接"),
    "tig_welding": ("tig welding", "氩弧焊"),
    "fitting": ("fitting", "钳工"),
    "plc": ("plc", "plc 编程", "plc programming"),
}
_SKILL_WORDS = {word: code for code, words in SKILL_CODES.items() for word in words}


def skill_code(skill: str) -> str | None:
    """The code of a known skill, however it was typed (CNC, cnc, 数控), else None."""
    return _SKILL_WORDS.get(" ".join(skill.split()).casefold())


def split_skills(text: str | None) -> tuple[str, ...]:
    """Skills typed with any separator (comma, 、, ；, new line) as a clean tuple."""
    parts = re.split(r"[,，、;；\n/]+", text or "")
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _card(profile: ExpertProfile, user: User, enterprise: Enterprise | None) -> ExpertCard:
    return ExpertCard(
        id=profile.id or 0,
        name=user.name if profile.show_name else None,
        honour=profile.honour,
        field=profile.field,
        skills=split_skills(profile.skills),
        enterprise=enterprise.name if enterprise and profile.show_enterprise else None,
        region=profile.region if profile.show_region else None,
        story=profile.story if profile.show_story else None,
        available=profile.available,
    )


def _joined() -> object:
    return (
        select(ExpertProfile, User, Enterprise)
        .join(User, col(User.id) == ExpertProfile.user_id)
        .join(Enterprise, col(Enterprise.id) == User.enterprise_id, isouter=True)
    )


class ExpertService:
    """Profiles of experts and the directory search."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def is_expert(self, *, user_id: int) -> bool:
        """Whether the user holds the model-worker or craftsman role."""
        async with self._db.reader() as session:
            found = await session.exec(
                select(RoleGrant.role).where(
                    RoleGrant.user_id == user_id, col(RoleGrant.role).in_(EXPERT_ROLES)
                )
            )
            return found.first() is not None

    async def save(
        self,
        *,
        user_id: int,
        field: str,
        honour: str | None = None,
        skills: str | None = None,
        region: str | None = None,
        story: str | None = None,
        first_line: bool | None = None,
    ) -> OwnProfile:
        """Create or update a profile; values left ``None`` keep what was there."""
        if field not in set(Speciality):
            raise InvalidProfile("field")
        if honour is not None and honour not in set(Honour):
            raise InvalidProfile("honour")
        async with self._db.session() as session:
            profile = (
                await session.exec(select(ExpertProfile).where(ExpertProfile.user_id == user_id))
            ).first() or ExpertProfile(user_id=user_id, field=field)
            profile.field = field
            values = {"honour": honour, "skills": skills, "region": region, "story": story}
            for name, value in values.items():
                if value is not None:
                    setattr(profile, name, _checked(name, value))
            if first_line is not None:
                profile.first_line = first_line
            profile.updated_at = utcnow()
            session.add(profile)
        found = await self.own(user_id=user_id)
        assert found is not None
        return found

    async def own(self, *, user_id: int) -> OwnProfile | None:
        """The expert's own profile with its settings, or ``None`` before they create one."""
        async with self._db.reader() as session:
            row = (await session.exec(_joined().where(ExpertProfile.user_id == user_id))).first()  # type: ignore[attr-defined]
        if row is None:
            return None
        profile, user, enterprise = row
        full = ExpertCard(
            id=profile.id or 0,
            name=user.name,
            honour=profile.honour,
            field=profile.field,
            skills=split_skills(profile.skills),
            enterprise=enterprise.name if enterprise else None,
            region=profile.region,
            story=profile.story,
            available=profile.available,
        )
        settings = {name: bool(getattr(profile, name)) for name in SETTINGS}
        return OwnProfile(full, settings, profile.first_line, profile.step)

    async def toggle(self, *, user_id: int, setting: str) -> OwnProfile | None:
        """Flip one visibility or availability switch of the expert's own profile."""
        if setting not in SETTINGS:
            raise InvalidProfile(setting)
        async with self._db.session() as session:
            profile = (
                await session.exec(select(ExpertProfile).where(ExpertProfile.user_id == user_id))
            ).first()
            if profile is None:
                return None
            setattr(profile, setting, not getattr(profile, setting))
            session.add(profile)
        return await self.own(user_id=user_id)

    async def begin_edit(self, *, user_id: int, what: str) -> str | None:
        """Start typing a new value for skills, region or story; the step is kept on the profile."""
        if what not in EDITABLE:
            raise InvalidProfile(what)
        return await self._set_step(user_id, what)

    async def edit(self, *, user_id: int, text: str) -> OwnProfile | None:
        """Store the typed value for the field being edited and end the edit."""
        own = await self.own(user_id=user_id)
        if own is None or own.step not in EDITABLE:
            return own
        value = _checked(own.step, text)
        async with self._db.session() as session:
            profile = (
                await session.exec(select(ExpertProfile).where(ExpertProfile.user_id == user_id))
            ).one()
            setattr(profile, own.step, value)
            profile.step, profile.updated_at = None, utcnow()
            session.add(profile)
        return await self.own(user_id=user_id)

    async def cancel_edit(self, *, user_id: int) -> None:
        """Stop an edit; the old value stays."""
        await self._set_step(user_id, None)

    async def editing(self) -> dict[int, str]:
        """Experts in the middle of an edit, with what they are editing (for restarts)."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(ExpertProfile.user_id, ExpertProfile.step).where(
                    col(ExpertProfile.step).is_not(None)
                )
            )
            return {user_id: step for user_id, step in rows.all() if step}

    async def _set_step(self, user_id: int, step: str | None) -> str | None:
        async with self._db.session() as session:
            profile = (
                await session.exec(select(ExpertProfile).where(ExpertProfile.user_id == user_id))
            ).first()
            if profile is None:
                return None
            profile.step = step
            session.add(profile)
            return step

    async def search(
        self, *, query: str, fields: Iterable[str] = (), offset: int = 0, limit: int = 5
    ) -> tuple[list[ExpertCard], int]:
        """Listed experts matching every word of ``query`` by field, skill or region."""
        words = [w for w in re.split(r"\s+", query.strip().lower()) if w]
        matching_fields = set(fields)
        conditions = [
            or_(
                col(ExpertProfile.field).in_(matching_fields),
                func.lower(ExpertProfile.skills).contains(word),
                and_(
                    col(ExpertProfile.show_region),
                    func.lower(ExpertProfile.region).contains(regions.normalize(word)),
                ),
            )
            for word in words
        ]
        if not words:
            conditions = [col(ExpertProfile.field).in_(matching_fields)]
        where = and_(col(ExpertProfile.listed), *conditions)
        async with self._db.reader() as session:
            total = (
                await session.exec(
                    select(func.count())
                    .select_from(ExpertProfile)
                    .join(User, col(User.id) == ExpertProfile.user_id)
                    .where(where)
                )
            ).one()
            rows = await session.exec(
                _joined()  # type: ignore[attr-defined]
                .where(where)
                .order_by(col(ExpertProfile.available).desc(), ExpertProfile.id)
                .offset(max(offset, 0))
                .limit(limit)
            )
            return [_card(*row) for row in rows.all()], int(total)

    async def card(self, *, profile_id: int) -> ExpertCard | None:
        """A listed expert's public card."""
        async with self._db.reader() as session:
            row = (
                await session.exec(
                    _joined().where(ExpertProfile.id == profile_id, col(ExpertProfile.listed))  # type: ignore[attr-defined]
                )
            ).first()
            return _card(*row) if row else None

    async def card_of(self, *, user_id: int) -> ExpertCard | None:
        """The public card of the expert who is this user, shown to a requester they help."""
        async with self._db.reader() as session:
            row = (await session.exec(_joined().where(ExpertProfile.user_id == user_id))).first()  # type: ignore[attr-defined]
            return _card(*row) if row else None

    async def bases(self) -> list[BaseView]:
        """Every demonstration base, by region and name."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(DemoBase).order_by(col(DemoBase.region), col(DemoBase.name))
            )
            return [BaseView(b.name, b.region, b.specialities, b.description) for b in rows.all()]


def _checked(name: str, value: str) -> str:
    value = value.strip()
    limit = EDITABLE.get(name, 32)
    if len(value) > limit:
        raise InvalidProfile(name)
    if name == "skills":
        return "、".join(split_skills(value))
    return value
