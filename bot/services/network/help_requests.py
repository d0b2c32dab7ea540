"""Help requests: a worker describes a problem, the best-matching experts are offered it.

Acceptance is a conditional UPDATE (``open`` → ``accepted``), so when several experts press
"accept" at once exactly one gets the request. Requests nobody accepts escalate through the
durable scheduler: to the next experts after ``escalate_minutes``, then to the admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.network import (
    HelpOffer,
    HelpRequest,
    HelpStatus,
    RelayFocus,
)
from bot.services.core import PointsService, SchedulerService
from bot.services.network.help_matching import admins, rank_experts
from bot.services.network.relay import Recipient, reachable, set_focus

ESCALATE_KIND = "help_escalate"
HELP_POINTS = 20


@dataclass(frozen=True, slots=True)
class HelpSettings:
    """How requests travel: ``ENGAGE_HELP_ESCALATE_MINUTES``, ``_OFFER_SIZE``, ``_EXPERT_ROUNDS``.

    Minutes before a round nobody answered moves on, experts offered per round, and rounds
    of experts before the admins are asked.
    """

    escalate_minutes: int = 30
    offer_size: int = 3
    expert_rounds: int = 2

    @classmethod
    def of(cls, settings: Settings) -> HelpSettings:
        """The values read (and checked) with every other setting."""
        return cls(
            settings.help_escalate_minutes, settings.help_offer_size, settings.help_expert_rounds
        )


@dataclass(frozen=True, slots=True)
class RequestView:
    """A help request as the people involved see it (the requester's identity is not in it)."""

    id: int
    field: str | None
    text: str | None
    media: tuple[tuple[str, str], ...]
    rural: bool
    region: str | None
    status: str
    step: str | None
    round: int
    rating: int | None


@dataclass(frozen=True, slots=True)
class Offered:
    """Who a request was just offered to, and in which round (past the expert rounds: admins)."""

    request: RequestView
    round: int
    to_admins: bool
    recipients: tuple[Recipient, ...]
    # No expert was ever found for it: the admins hear so, not "no expert took it yet".
    no_expert: bool = False


@dataclass(frozen=True, slots=True)
class Accepted:
    """The outcome of pressing "accept": ``ok``, ``taken``, ``closed`` or ``not_offered``."""

    outcome: str
    request: RequestView | None = None
    requester: Recipient | None = None


@dataclass(frozen=True, slots=True)
class Closed:
    """A request that was solved or cancelled, with the other party to tell."""

    request: RequestView
    other: Recipient | None


def request_view(request: HelpRequest) -> RequestView:
    """A request's row as the people involved see it."""
    media = tuple((m["kind"], m["file_id"]) for m in request.media)
    return RequestView(
        request.id or 0,
        request.field,
        request.text,
        media,
        request.rural,
        request.region,
        request.status,
        request.step,
        request.round,
        request.rating,
    )


def _job_key(request_id: int, round_: int) -> str:
    """One job per round: a job cannot move itself while it runs, so each round has its own."""
    return f"help:escalate:{request_id}:{round_}"


class HelpRequestService:
    """Draft, offer, accept, escalate, close and rate help requests."""

    def __init__(
        self,
        db: Database,
        scheduler: SchedulerService,
        points: PointsService,
        settings: HelpSettings | None = None,
    ) -> None:
        self._db = db
        self._scheduler = scheduler
        self._points = points
        self.settings = settings or HelpSettings()

    # -- offering and escalation ----------------------------------------------
    async def offer_next(self, session: AsyncSession, request: HelpRequest) -> Offered:
        """Offer to the next round that has anyone (past the experts: admins); schedule the next."""
        asked = await session.exec(
            select(HelpOffer.user_id).where(HelpOffer.request_id == request.id)
        )
        earlier = set(asked.all())
        exclude = earlier | {request.requester_id}
        rounds = self.settings.expert_rounds
        chosen: list[int] = []
        while request.round <= rounds:
            request.round += 1
            if request.round > rounds:
                chosen = await admins(session, exclude)
            else:
                chosen = await rank_experts(session, request, exclude)
                chosen = chosen[: self.settings.offer_size]
            if chosen:
                break
        now = utcnow()
        for position, user_id in enumerate(chosen):
            session.add(
                HelpOffer(
                    request_id=request.id or 0,
                    user_id=user_id,
                    round=request.round,
                    position=position,
                    offered_at=now,
                )
            )
        session.add(request)
        recipients = await reachable(session, chosen)
        to_admins = request.round > rounds
        offered = Offered(
            request_view(request), request.round, to_admins, recipients, to_admins and not earlier
        )
        await self._schedule_escalation(session, offered)
        return offered

    async def _schedule_escalation(self, session: AsyncSession, offered: Offered) -> None:
        if offered.to_admins:
            return
        await self._scheduler.schedule(
            key=_job_key(offered.request.id, offered.round),
            kind=ESCALATE_KIND,
            due_at=utcnow() + timedelta(minutes=self.settings.escalate_minutes),
            payload={"request_id": offered.request.id, "round": offered.round},
            session=session,
        )

    async def escalate(self, *, request_id: int, round: int) -> Offered | None:
        """Offer a request nobody took in ``round`` to the next people; None if it moved on."""
        async with self._db.session() as session:
            request = await session.get(HelpRequest, request_id, with_for_update=True)
            if request is None or request.status != HelpStatus.OPEN.value or request.round != round:
                return None
            return await self.offer_next(session, request)

    # -- answering an offer ----------------------------------------------------
    async def accept(self, *, request_id: int, user_id: int) -> Accepted:
        """Give the request to this person if it was offered to them and nobody took it first."""
        now = utcnow()
        async with self._db.session() as session:
            offer = await session.get(HelpOffer, (request_id, user_id))
            if offer is None:
                return Accepted("not_offered")
            taken = await session.exec(
                update(HelpRequest)
                .where(
                    col(HelpRequest.id) == request_id,
                    col(HelpRequest.status) == HelpStatus.OPEN.value,
                )
                .values(status=HelpStatus.ACCEPTED.value, expert_id=user_id, accepted_at=now)
            )
            request = await session.get(HelpRequest, request_id, populate_existing=True)
            assert request is not None
            if not taken.rowcount:
                outcome = "closed" if request.status != HelpStatus.ACCEPTED.value else "taken"
                return Accepted(outcome, request_view(request))
            offer.response, offer.responded_at = "accepted", now
            session.add(offer)
            await set_focus(session, user_id=user_id, request_id=request_id)
            await set_focus(session, user_id=request.requester_id, request_id=request_id)
            requester = (await reachable(session, [request.requester_id]))[0]
            view = request_view(request)
        await self._scheduler.cancel(key=_job_key(request_id, view.round))
        return Accepted("ok", view, requester)

    async def decline(self, *, request_id: int, user_id: int) -> bool:
        """Note a refusal; when the whole round refused, escalate at once. False if not offered."""
        now = utcnow()
        async with self._db.session() as session:
            offer = await session.get(HelpOffer, (request_id, user_id))
            request = await session.get(HelpRequest, request_id)
            if offer is None or request is None or offer.response is not None:
                return False
            offer.response, offer.responded_at = "declined", now
            session.add(offer)
            await session.flush()
            waiting = (
                await session.exec(
                    select(func.count()).where(
                        HelpOffer.request_id == request_id,
                        HelpOffer.round == request.round,
                        col(HelpOffer.response).is_(None),
                    )
                )
            ).one()
            escalate_now = request.status == HelpStatus.OPEN.value and waiting == 0
            round_ = request.round
        if escalate_now and round_ <= self.settings.expert_rounds:
            await self._scheduler.schedule(
                key=_job_key(request_id, round_),
                kind=ESCALATE_KIND,
                due_at=now,
                payload={"request_id": request_id, "round": round_},
            )
        return True

    # -- closing -----------------------------------------------------------------
    async def solve(self, *, request_id: int, user_id: int) -> Closed | None:
        """The requester marks the problem solved; the expert earns points."""
        closed = await self._close(request_id, user_id, HelpStatus.SOLVED, {HelpStatus.ACCEPTED})
        if closed and closed.other:
            await self._points.award(
                user_id=closed.other.user_id,
                reason="help",
                ref=f"help/{request_id}",
                points=HELP_POINTS,
            )
        return closed

    async def cancel(self, *, request_id: int, user_id: int) -> Closed | None:
        """The requester withdraws the request."""
        closed = await self._close(
            request_id, user_id, HelpStatus.CANCELLED, {HelpStatus.OPEN, HelpStatus.ACCEPTED}
        )
        if closed:
            await self._scheduler.cancel(key=_job_key(request_id, closed.request.round))
        return closed

    async def _close(
        self, request_id: int, user_id: int, status: HelpStatus, allowed: set[HelpStatus]
    ) -> Closed | None:
        async with self._db.session() as session:
            request = await session.get(HelpRequest, request_id, with_for_update=True)
            if request is None or request.requester_id != user_id or request.status not in allowed:
                return None
            request.status, request.closed_at = status.value, utcnow()
            session.add(request)
            await session.exec(delete(RelayFocus).where(col(RelayFocus.request_id) == request_id))
            other = await reachable(session, [request.expert_id] if request.expert_id else [])
            return Closed(request_view(request), other[0] if other else None)

    async def rate(self, *, request_id: int, user_id: int, stars: int) -> bool:
        """The requester rates a solved request from 1 to 5 stars."""
        if not 1 <= stars <= 5:
            return False
        async with self._db.session() as session:
            result = await session.exec(
                update(HelpRequest)
                .where(
                    col(HelpRequest.id) == request_id,
                    col(HelpRequest.requester_id) == user_id,
                    col(HelpRequest.status) == HelpStatus.SOLVED.value,
                )
                .values(rating=stars)
            )
            return bool(result.rowcount)

    # -- reading -------------------------------------------------------------------
    async def mine(self, *, user_id: int, limit: int = 10) -> list[tuple[RequestView, bool]]:
        """Recent requests this user asked (False) or helps with (True), newest first."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(HelpRequest)
                .where(
                    (col(HelpRequest.requester_id) == user_id)
                    | (col(HelpRequest.expert_id) == user_id),
                    HelpRequest.status != HelpStatus.DRAFT.value,
                )
                .order_by(col(HelpRequest.id).desc())
                .limit(limit)
            )
            return [(request_view(r), r.expert_id == user_id) for r in rows.all()]

    async def offers(self, *, request_id: int) -> list[dict[str, Any]]:
        """Who a request was offered to, in order, with their answers (for admins and tests)."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(HelpOffer)
                .where(HelpOffer.request_id == request_id)
                .order_by(col(HelpOffer.round), col(HelpOffer.position))
            )
            return [offer.model_dump() for offer in rows.all()]

    async def requester(self, *, request_id: int) -> Recipient | None:
        """Who asked, to tell them how their request is doing."""
        async with self._db.reader() as session:
            found = await session.get(HelpRequest, request_id)
            people = await reachable(session, [found.requester_id] if found else [])
            return people[0] if people else None

    async def find(self, *, request_id: int) -> RequestView | None:
        """A request by id."""
        async with self._db.reader() as session:
            found = await session.get(HelpRequest, request_id)
            return request_view(found) if found else None
