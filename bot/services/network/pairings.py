"""Enterprise ↔ model-worker service pairs: goals, a check-in rhythm, and the history of check-ins.

A model worker sets a pair up (enterprise, goals, cadence); the enterprise's contact joins
through an invitation. Reminders go to both sides through the durable scheduler, one job per
occurrence (``pair:remind:<id>:<date>``), each run scheduling the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.network import PairCheckin, Pairing
from bot.models.users import Enterprise, User
from bot.services.core import EnterpriseService, InvalidName, SchedulerService
from bot.services.network.relay import Recipient, reachable
from bot.services.network.teams import is_admin

REMIND_KIND = "pair_checkin"
CADENCES = (7, 14, 30)
GOALS_MAX = 500
NOTE_MAX = 1000


class PairError(ValueError):
    """An answer a pairing step cannot take."""


@dataclass(frozen=True, slots=True)
class PairView:
    """A pair as both sides see it."""

    id: int
    expert: str
    enterprise: str | None
    goals: str | None
    cadence_days: int
    active: bool
    joined: bool
    step: str | None


@dataclass(frozen=True, slots=True)
class CheckinView:
    """One check-in of a pair's history."""

    by_expert: bool
    author: str
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PairNotice:
    """A pair and the people to tell about it."""

    pair: PairView
    recipients: tuple[Recipient, ...]


def _remind_prefix(pairing_id: int) -> str:
    return f"pair:remind:{pairing_id}:"


class PairingService:
    """Set up pairs, remind both sides, record check-ins."""

    def __init__(
        self, db: Database, enterprises: EnterpriseService, scheduler: SchedulerService
    ) -> None:
        self._db = db
        self._enterprises = enterprises
        self._scheduler = scheduler

    # -- setting a pair up ---------------------------------------------------------
    async def start(self, *, expert_id: int) -> PairView:
        """Begin a new pair (an unfinished one is replaced); the enterprise comes first."""
        async with self._db.session() as session:
            await self._drop_drafts(session, expert_id)
            pairing = Pairing(expert_id=expert_id, step="enterprise")
            session.add(pairing)
            await session.flush()
            return await _view(session, pairing)

    async def name_enterprise(self, *, expert_id: int, name: str) -> PairView:
        """Record the enterprise (created if new); then the goals."""
        try:
            enterprise = await self._enterprises.named(name=name)
        except InvalidName as exc:
            raise PairError("enterprise") from exc
        return await self._advance(expert_id, "enterprise", "goals", enterprise_id=enterprise.id)

    async def set_goals(self, *, expert_id: int, goals: str) -> PairView:
        """Record the pair's goals; then the cadence."""
        goals = goals.strip()
        if not 2 <= len(goals) <= GOALS_MAX:
            raise PairError("goals")
        return await self._advance(expert_id, "goals", "cadence", goals=goals)

    async def set_cadence(self, *, expert_id: int, days: int) -> PairView:
        """Choose how often both sides check in; the pair starts and the first reminder is set."""
        if days not in CADENCES:
            raise PairError("cadence")
        pair = await self._advance(expert_id, "cadence", None, cadence_days=days, active=True)
        await self._schedule(pair.id, days)
        return pair

    async def _advance(
        self, expert_id: int, step: str, next_step: str | None, **values: object
    ) -> PairView:
        async with self._db.session() as session:
            pairing = (
                await session.exec(
                    select(Pairing).where(Pairing.expert_id == expert_id, Pairing.step == step)
                )
            ).first()
            if pairing is None:
                raise PairError("no_draft")
            for name, value in values.items():
                setattr(pairing, name, value)
            pairing.step = next_step
            session.add(pairing)
            return await _view(session, pairing)

    async def abandon(self, *, user_id: int) -> None:
        """Throw away an unfinished pair or check-in."""
        async with self._db.session() as session:
            await self._drop_drafts(session, user_id)
            await session.exec(
                delete(PairCheckin).where(
                    col(PairCheckin.author_id) == user_id, col(PairCheckin.step).is_not(None)
                )
            )

    async def _drop_drafts(self, session: AsyncSession, expert_id: int) -> None:
        await session.exec(
            delete(Pairing).where(
                col(Pairing.expert_id) == expert_id, col(Pairing.step).is_not(None)
            )
        )

    async def drafting(self) -> dict[int, str]:
        """People in the middle of a pairing step or a check-in, with the step (for restarts)."""
        async with self._db.reader() as session:
            pairs = await session.exec(
                select(Pairing.expert_id, Pairing.step).where(col(Pairing.step).is_not(None))
            )
            notes = await session.exec(
                select(PairCheckin.author_id).where(col(PairCheckin.step).is_not(None))
            )
            states = {user_id: step for user_id, step in pairs.all() if step}
            return states | {user_id: "checkin" for user_id in notes.all()}

    # -- joining and reading ---------------------------------------------------------
    async def join(self, *, pairing_id: int, user_id: int) -> PairNotice | None:
        """The enterprise's contact joins the pair and the model worker is told; None if refused."""
        async with self._db.session() as session:
            pairing = await session.get(Pairing, pairing_id)
            if pairing is None or not pairing.active or pairing.expert_id == user_id:
                return None
            if pairing.contact_id not in (None, user_id):
                return None
            pairing.contact_id = user_id
            session.add(pairing)
            view = await _view(session, pairing)
            return PairNotice(view, await reachable(session, [pairing.expert_id]))

    async def pairs(self, *, user_id: int) -> list[PairView]:
        """The active pairs a user is a side of (every pair for an admin)."""
        async with self._db.reader() as session:
            query = select(Pairing).where(col(Pairing.active)).order_by(col(Pairing.id))
            if not await is_admin(session, user_id):
                query = query.where(
                    or_(col(Pairing.expert_id) == user_id, col(Pairing.contact_id) == user_id)
                )
            return [await _view(session, p) for p in (await session.exec(query)).all()]

    async def history(
        self, *, pairing_id: int, user_id: int
    ) -> tuple[PairView, list[CheckinView]] | None:
        """A pair's check-ins, oldest first, for its two sides and admins."""
        async with self._db.reader() as session:
            pairing = await self._readable(session, pairing_id, user_id)
            if pairing is None:
                return None
            rows = await session.exec(
                select(PairCheckin, User.name)
                .join(User, col(User.id) == PairCheckin.author_id)
                .where(PairCheckin.pairing_id == pairing_id, col(PairCheckin.step).is_(None))
                .order_by(col(PairCheckin.created_at), col(PairCheckin.id))
            )
            checkins = [
                CheckinView(c.author_id == pairing.expert_id, name, c.note or "", c.created_at)
                for c, name in rows.all()
            ]
            return await _view(session, pairing), checkins

    async def _readable(
        self, session: AsyncSession, pairing_id: int, user_id: int
    ) -> Pairing | None:
        pairing = await session.get(Pairing, pairing_id)
        if pairing is None or not pairing.active:
            return None
        if user_id in (pairing.expert_id, pairing.contact_id) or await is_admin(session, user_id):
            return pairing
        return None

    # -- check-ins and reminders --------------------------------------------------------
    async def begin_checkin(self, *, pairing_id: int, user_id: int) -> PairView | None:
        """Start writing a check-in for a pair one is a side of."""
        async with self._db.session() as session:
            pairing = await session.get(Pairing, pairing_id)
            if pairing is None or user_id not in (pairing.expert_id, pairing.contact_id):
                return None
            await session.exec(
                delete(PairCheckin).where(
                    col(PairCheckin.author_id) == user_id, col(PairCheckin.step).is_not(None)
                )
            )
            session.add(PairCheckin(pairing_id=pairing_id, author_id=user_id, step="note"))
            return await _view(session, pairing)

    async def checkin(self, *, user_id: int, note: str) -> PairNotice:
        """Record the check-in being written; the other side is told."""
        note = note.strip()
        if not 1 <= len(note) <= NOTE_MAX:
            raise PairError("note")
        async with self._db.session() as session:
            checkin = (
                await session.exec(
                    select(PairCheckin).where(
                        PairCheckin.author_id == user_id, col(PairCheckin.step).is_not(None)
                    )
                )
            ).first()
            if checkin is None:
                raise PairError("no_draft")
            checkin.note, checkin.step, checkin.created_at = note, None, utcnow()
            session.add(checkin)
            pairing = await session.get(Pairing, checkin.pairing_id)
            assert pairing is not None
            other = pairing.contact_id if user_id == pairing.expert_id else pairing.expert_id
            recipients = await reachable(session, [other] if other else [])
            return PairNotice(await _view(session, pairing), recipients)

    async def remind(self, *, pairing_id: int, due_at: datetime) -> PairNotice | None:
        """Who to remind of the check-in due at ``due_at``; the next one is scheduled after it."""
        async with self._db.reader() as session:
            pairing = await session.get(Pairing, pairing_id)
            if pairing is None or not pairing.active:
                return None
            sides = [pairing.expert_id, *([pairing.contact_id] if pairing.contact_id else [])]
            notice = PairNotice(await _view(session, pairing), await reachable(session, sides))
        await self._schedule(pairing_id, notice.pair.cadence_days, after=due_at)
        return notice

    async def next_reminder(self, *, pairing_id: int) -> datetime | None:
        """When the pair's next reminder is due."""
        pending = await self._scheduler.pending(prefix=_remind_prefix(pairing_id))
        return pending[0].due_at if pending else None

    async def _schedule(self, pairing_id: int, days: int, *, after: datetime | None = None) -> None:
        """The next reminder: one cadence after the last one, never in the past."""
        now = utcnow()
        due = (after or now) + timedelta(days=days)
        while due <= now:
            due += timedelta(days=days)
        await self._scheduler.schedule(
            key=f"{_remind_prefix(pairing_id)}{due.isoformat(timespec='minutes')}",
            kind=REMIND_KIND,
            due_at=due,
            payload={"pairing_id": pairing_id},
        )


async def _view(session: AsyncSession, pairing: Pairing) -> PairView:
    expert = await session.get(User, pairing.expert_id)
    enterprise = (
        await session.get(Enterprise, pairing.enterprise_id) if pairing.enterprise_id else None
    )
    return PairView(
        pairing.id or 0,
        expert.name if expert else "",
        enterprise.name if enterprise else None,
        pairing.goals,
        pairing.cadence_days,
        pairing.active,
        pairing.contact_id is not None,
        pairing.step,
    )
