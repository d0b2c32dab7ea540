"""Writing a help request: the description (text, photos, voice), the field, the place.

The draft is the request's own row with the step it is on, so a restart mid-question resumes
where the requester was.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.db import Database
from bot.models.network import ExpertProfile, HelpRequest, HelpStatus, Speciality
from bot.models.users import Enterprise, User
from bot.services.network.help_requests import (
    HelpRequestService,
    Offered,
    RequestView,
    request_view,
)

TEXT_MAX = 2000
MEDIA_MAX = 10


class DraftError(ValueError):
    """A step of the request cannot take this answer (too long, empty, unknown field, no draft)."""


class HelpDraftService:
    """The steps of a help request before it is offered."""

    def __init__(self, db: Database, requests: HelpRequestService) -> None:
        self._db = db
        self._requests = requests

    async def start(
        self, *, user_id: int, rural: bool = False, preferred_profile_id: int | None = None
    ) -> RequestView:
        """Begin a new request (an unfinished draft is replaced).

        Raises :class:`DraftError` ``expert_gone`` when the chosen expert's profile does not
        exist (an old card, or forged data), before anything is written.
        """
        async with self._db.session() as session:
            profile = None
            if preferred_profile_id is not None:
                profile = await session.get(ExpertProfile, preferred_profile_id)
                if profile is None:
                    raise DraftError("expert_gone")
            await session.exec(
                delete(HelpRequest).where(
                    col(HelpRequest.requester_id) == user_id,
                    col(HelpRequest.status) == HelpStatus.DRAFT.value,
                )
            )
            preferred = profile.user_id if profile and profile.user_id != user_id else None
            # Rural requests are agriculture; one written to a chosen expert is in their field.
            field = profile.field if profile and preferred else None
            request = HelpRequest(
                requester_id=user_id,
                rural=rural,
                step="describe",
                preferred_expert_id=preferred,
                field=Speciality.AGRICULTURE.value if rural else field,
            )
            session.add(request)
            await session.flush()
            return request_view(request)

    async def describe(
        self,
        *,
        user_id: int,
        text: str | None = None,
        kind: str | None = None,
        file_id: str | None = None,
    ) -> RequestView:
        """Add text, a photo or a voice message to the description being written."""
        async with self._db.session() as session:
            request = await self._draft(session, user_id, "describe")
            if text:
                joined = f"{request.text}\n{text}" if request.text else text
                if len(joined) > TEXT_MAX:
                    raise DraftError("too_long")
                request.text = joined
            if kind and file_id:
                if len(request.media) >= MEDIA_MAX:
                    raise DraftError("too_many")
                request.media = [*request.media, {"kind": kind, "file_id": file_id}]
            session.add(request)
            return request_view(request)

    async def described(self, *, user_id: int) -> RequestView:
        """Close the description; next the field, or the place when the field is known already.

        A rural request is agriculture, and one written to a chosen expert is in their field.
        """
        async with self._db.session() as session:
            request = await self._draft(session, user_id, "describe")
            if not request.text and not request.media:
                raise DraftError("empty")
            request.step = "region" if request.field else "field"
            session.add(request)
            return request_view(request)

    async def choose_field(self, *, user_id: int, field: str) -> RequestView:
        """Record the field the problem belongs to."""
        if field not in set(Speciality):
            raise DraftError("field")
        async with self._db.session() as session:
            request = await self._draft(session, user_id, "field")
            request.field, request.step = field, "region"
            request.rural = request.rural or field == Speciality.AGRICULTURE.value
            session.add(request)
            return request_view(request)

    async def submit(self, *, user_id: int, region: str | None) -> Offered:
        """Record where the requester is and offer the request to the first experts."""
        if region is not None and not 1 <= len(region.strip()) <= 64:
            raise DraftError("region")
        async with self._db.session() as session:
            request = await self._draft(session, user_id, "region")
            request.region = region.strip() if region else None
            request.status, request.step = HelpStatus.OPEN.value, None
            request.submitted_at = utcnow()
            session.add(request)
            return await self._requests.offer_next(session, request)

    async def chosen_expert(self, *, user_id: int) -> str | None:
        """The name of the expert the draft is written to, if it is written to one."""
        async with self._db.reader() as session:
            draft = await self._find_draft(session, user_id)
            if draft is None or draft.preferred_expert_id is None:
                return None
            expert = await session.get(User, draft.preferred_expert_id)
            profile = (
                await session.exec(
                    select(ExpertProfile).where(ExpertProfile.user_id == draft.preferred_expert_id)
                )
            ).first()
            shown = expert and profile and profile.show_name
            return expert.name if shown and expert else ""

    async def draft_of(self, *, user_id: int) -> RequestView | None:
        """The request this user is writing, if any."""
        async with self._db.reader() as session:
            found = await self._find_draft(session, user_id)
            return request_view(found) if found else None

    async def drafts(self) -> dict[int, str]:
        """Requesters in the middle of writing, with their step (for restarts)."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(HelpRequest.requester_id, HelpRequest.step).where(
                    HelpRequest.status == HelpStatus.DRAFT.value
                )
            )
            return {user_id: step for user_id, step in rows.all() if step}

    async def abandon(self, *, user_id: int) -> None:
        """Throw away an unfinished draft."""
        async with self._db.session() as session:
            await session.exec(
                delete(HelpRequest).where(
                    col(HelpRequest.requester_id) == user_id,
                    col(HelpRequest.status) == HelpStatus.DRAFT.value,
                )
            )

    async def home_region(self, *, user_id: int) -> str | None:
        """Where the requester's enterprise is, offered as a one-tap answer."""
        async with self._db.reader() as session:
            found = await session.exec(
                select(Enterprise.region)
                .join(User, col(User.enterprise_id) == Enterprise.id)
                .where(User.id == user_id)
            )
            return found.first()

    async def _find_draft(self, session: AsyncSession, user_id: int) -> HelpRequest | None:
        found = await session.exec(
            select(HelpRequest).where(
                HelpRequest.requester_id == user_id, HelpRequest.status == HelpStatus.DRAFT.value
            )
        )
        return found.first()

    async def _draft(self, session: AsyncSession, user_id: int, step: str) -> HelpRequest:
        request = await self._find_draft(session, user_id)
        if request is None or request.step != step:
            raise DraftError("no_draft")
        return request
