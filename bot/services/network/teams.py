"""Service teams: who is on them, which enterprises they serve, and the log of what they did.

A team's record is for its members and the admins. An activity being logged is a row with a
``step``, so a note half-written survives a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.network import (
    Activity,
    ActivityKind,
    ServedEnterprise,
    ServiceTeam,
    ServiceTeamMember,
)
from bot.models.users import Enterprise, Role, RoleGrant, User
from bot.services.core import EnterpriseService, InvalidName, normalize

NOTE_MAX = 1000
PHOTOS_MAX = 10


class TeamError(ValueError):
    """A team action that cannot be done: a name taken or invalid, a note too long, no draft."""


@dataclass(frozen=True, slots=True)
class TeamView:
    """A team as its card shows it."""

    id: int
    name: str
    members: tuple[str, ...]
    enterprises: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class ActivityView:
    """One logged activity."""

    id: int
    kind: str
    enterprise: str | None
    note: str | None
    photos: tuple[str, ...]
    author: str
    logged_at: datetime | None
    step: str | None


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team's record: how many of each kind of activity, and the latest ones."""

    team: TeamView
    counts: dict[str, int]
    recent: tuple[ActivityView, ...]


async def is_admin(session: AsyncSession, user_id: int) -> bool:
    """Whether the user holds the admin role (read in the caller's session)."""
    return await session.get(RoleGrant, (user_id, Role.ADMIN.value)) is not None


class TeamService:
    """Create and join teams, name the enterprises they serve, log and read activities."""

    def __init__(self, db: Database, enterprises: EnterpriseService) -> None:
        self._db = db
        self._enterprises = enterprises

    async def create(self, *, name: str, by: int) -> TeamView:
        """A new team; its creator is its first member."""
        name = normalize(name)
        if not 2 <= len(name) <= 80:
            raise TeamError("name")
        try:
            async with self._db.session() as session:
                team = ServiceTeam(name=name, created_by=by)
                session.add(team)
                await session.flush()
                session.add(ServiceTeamMember(team_id=team.id or 0, user_id=by))
                team_id = team.id or 0
        except IntegrityError as exc:
            raise TeamError("exists") from exc
        return await self._team(team_id)

    async def join(self, *, team_id: int, user_id: int) -> TeamView | None:
        """Add a member (joining twice changes nothing); None when the team does not exist."""
        async with self._db.session() as session:
            if await session.get(ServiceTeam, team_id) is None:
                return None
            if await session.get(ServiceTeamMember, (team_id, user_id)) is None:
                session.add(ServiceTeamMember(team_id=team_id, user_id=user_id))
        return await self._team(team_id)

    async def teams(self, *, user_id: int) -> list[TeamView]:
        """The teams a user can open: their own, or every team for an admin."""
        async with self._db.reader() as session:
            query = select(ServiceTeam.id).order_by(col(ServiceTeam.name))
            if not await is_admin(session, user_id):
                query = query.join(
                    ServiceTeamMember, col(ServiceTeamMember.team_id) == ServiceTeam.id
                ).where(ServiceTeamMember.user_id == user_id)
            ids = list((await session.exec(query)).all())
        return [await self._team(team_id) for team_id in ids if team_id]

    async def serve(self, *, team_id: int, user_id: int, enterprise_name: str) -> TeamView | None:
        """Add an enterprise the team serves (created if new); None if the user may not."""
        try:
            enterprise = await self._enterprises.named(name=enterprise_name)
        except InvalidName as exc:
            raise TeamError("enterprise") from exc
        async with self._db.session() as session:
            if not await self._allowed(session, team_id, user_id):
                return None
            if await session.get(ServedEnterprise, (team_id, enterprise.id)) is None:
                session.add(ServedEnterprise(team_id=team_id, enterprise_id=enterprise.id))
        return await self._team(team_id)

    async def record(self, *, team_id: int, user_id: int, limit: int = 5) -> TeamRecord | None:
        """The team's counts and latest activities, for its members and admins only."""
        async with self._db.reader() as session:
            if not await self._allowed(session, team_id, user_id):
                return None
            counts = dict(
                (
                    await session.exec(
                        select(Activity.kind, func.count())
                        .where(Activity.team_id == team_id, col(Activity.step).is_(None))
                        .group_by(col(Activity.kind))
                    )
                ).all()
            )
            rows = await session.exec(
                select(Activity)
                .where(Activity.team_id == team_id, col(Activity.step).is_(None))
                .order_by(col(Activity.logged_at).desc(), col(Activity.id).desc())
                .limit(limit)
            )
            recent = [await _activity(session, a) for a in rows.all()]
        team = await self._team(team_id)
        return TeamRecord(team, {k: counts.get(k, 0) for k in ActivityKind}, tuple(recent))

    async def may_log(self, *, team_id: int, user_id: int) -> bool:
        """Whether this person may log the team's activity (its members only), asked first."""
        async with self._db.reader() as session:
            return await self._allowed(session, team_id, user_id, members_only=True)

    async def start_activity(self, *, team_id: int, user_id: int, kind: str) -> ActivityView | None:
        """Begin logging an activity: next the enterprise, or the note when the team serves none."""
        if kind not in set(ActivityKind):
            raise TeamError("kind")
        async with self._db.session() as session:
            if not await self._allowed(session, team_id, user_id, members_only=True):
                return None
            await session.exec(
                delete(Activity).where(
                    col(Activity.author_id) == user_id, col(Activity.step).is_not(None)
                )
            )
            served = await session.exec(
                select(ServedEnterprise.enterprise_id).where(ServedEnterprise.team_id == team_id)
            )
            step = "enterprise" if served.first() is not None else "note"
            activity = Activity(team_id=team_id, author_id=user_id, kind=kind, step=step)
            session.add(activity)
            await session.flush()
            return await _activity(session, activity)

    async def choose_enterprise(
        self, *, activity_id: int, user_id: int, enterprise_id: int | None
    ) -> ActivityView | None:
        """Say which served enterprise the activity was for (or none); then the note."""
        async with self._db.session() as session:
            activity = await session.get(Activity, activity_id)
            if activity is None or activity.author_id != user_id or activity.step != "enterprise":
                return None
            if enterprise_id is not None:
                if await session.get(ServedEnterprise, (activity.team_id, enterprise_id)) is None:
                    return None
                activity.enterprise_id = enterprise_id
            activity.step = "note"
            session.add(activity)
            return await _activity(session, activity)

    async def add(
        self, *, user_id: int, text: str | None = None, photo: str | None = None
    ) -> ActivityView:
        """Add to the note or the photos of the activity being written."""
        async with self._db.session() as session:
            activity = await self._draft(session, user_id)
            if text:
                note = f"{activity.note}\n{text}" if activity.note else text
                if len(note) > NOTE_MAX:
                    raise TeamError("too_long")
                activity.note = note
            if photo:
                if len(activity.photos) >= PHOTOS_MAX:
                    raise TeamError("too_many")
                activity.photos = [*activity.photos, photo]
            session.add(activity)
            return await _activity(session, activity)

    async def save(self, *, user_id: int) -> ActivityView:
        """Finish the activity being written; it joins the team's record."""
        async with self._db.session() as session:
            activity = await self._draft(session, user_id)
            activity.step, activity.logged_at = None, utcnow()
            session.add(activity)
            return await _activity(session, activity)

    async def discard(self, *, user_id: int) -> None:
        """Throw away an unfinished activity."""
        async with self._db.session() as session:
            await session.exec(
                delete(Activity).where(
                    col(Activity.author_id) == user_id, col(Activity.step).is_not(None)
                )
            )

    async def drafting(self) -> dict[int, str]:
        """Members in the middle of writing a note (for restarts)."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Activity.author_id, Activity.step).where(Activity.step == "note")
            )
            return {user_id: step for user_id, step in rows.all() if step}

    async def _draft(self, session: AsyncSession, user_id: int) -> Activity:
        found = (
            await session.exec(
                select(Activity).where(Activity.author_id == user_id, Activity.step == "note")
            )
        ).first()
        if found is None:
            raise TeamError("no_draft")
        return found

    async def _allowed(
        self, session: AsyncSession, team_id: int, user_id: int, *, members_only: bool = False
    ) -> bool:
        if await session.get(ServiceTeamMember, (team_id, user_id)) is not None:
            return True
        exists = await session.get(ServiceTeam, team_id) is not None
        return exists and not members_only and await is_admin(session, user_id)

    async def _team(self, team_id: int) -> TeamView:
        async with self._db.reader() as session:
            team = await session.get(ServiceTeam, team_id)
            assert team is not None
            members = await session.exec(
                select(User.name)
                .join(ServiceTeamMember, col(ServiceTeamMember.user_id) == User.id)
                .where(ServiceTeamMember.team_id == team_id)
                .order_by(col(ServiceTeamMember.joined_at))
            )
            served = await session.exec(
                select(Enterprise.id, Enterprise.name)
                .join(ServedEnterprise, col(ServedEnterprise.enterprise_id) == Enterprise.id)
                .where(ServedEnterprise.team_id == team_id)
                .order_by(col(Enterprise.name))
            )
            return TeamView(
                team_id,
                team.name,
                tuple(members.all()),
                tuple((eid or 0, name) for eid, name in served.all()),
            )


async def _activity(session: AsyncSession, activity: Activity) -> ActivityView:
    author = await session.get(User, activity.author_id)
    enterprise = (
        await session.get(Enterprise, activity.enterprise_id) if activity.enterprise_id else None
    )
    return ActivityView(
        activity.id or 0,
        activity.kind,
        enterprise.name if enterprise else None,
        activity.note,
        tuple(activity.photos),
        author.name if author else "",
        activity.logged_at,
        activity.step,
    )
