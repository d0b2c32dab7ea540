"""Writing a proposal step by step: each answer and the next step are stored together.

A draft is a :class:`Proposal` in status ``draft``; its ``step`` column is the question the
author is on, so the conversation resumes there after a restart. A bad answer raises
:class:`InvalidAnswer` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.models.organizations import Studio
from bot.models.proposals import (
    BENEFIT_MAX,
    BenefitCategory,
    MediaKind,
    Proposal,
    ProposalMedia,
    ProposalPrompt,
    ProposalStatus,
)
from bot.services.proposals.answers import (
    MAX_PHOTOS,
    InvalidAnswer,
    accepted_media,
    check_document,
    clean_text,
    clean_title,
    refusal,
)
from bot.services.proposals.proposals import ProposalService
from bot.services.proposals.rules import (
    DailyLimit,
    Moved,
    NewMedia,
    ProposalLine,
    ProposalNotFound,
)
from bot.services.proposals.similar import similar_visible
from bot.services.proposals.steps import (
    ASKS_TEXT,
    EDIT,
    DraftStep,
    DraftView,
    base,
    draft_of,
    following,
    has_studios,
    questions,
    view_of,
)
from bot.services.proposals.submit import number_and_submit, submitted_today

S = ProposalStatus
Change = Callable[[AsyncSession, Proposal], Awaitable[None]]


class ProposalDraftService:
    """One draft per author: start, answer, edit, submit."""

    def __init__(self, db: Database, settings: Settings, proposals: ProposalService) -> None:
        self._db = db
        self._settings = settings
        self._proposals = proposals

    async def current(self, *, user_id: int) -> DraftView | None:
        """The user's unfinished draft, if any."""
        async with self._db.reader() as session:
            try:
                return await view_of(session, await draft_of(session, user_id))
            except ProposalNotFound:
                return None

    async def active(self) -> dict[int, str]:
        """Authors in the middle of a draft (not paused), with the step each is on."""
        async with self._db.reader() as session:
            rows = await session.exec(
                select(Proposal.author_id, Proposal.step).where(
                    Proposal.status == S.DRAFT.value, col(Proposal.paused).is_(False)
                )
            )
            return {author: step for author, step in rows.all() if step}

    async def questions(self) -> tuple[DraftStep, ...]:
        """The numbered questions a new draft will ask (for an introduction before it starts)."""
        async with self._db.reader() as session:
            return questions(has_studios=await has_studios(session))

    async def _check_limit(self, user_id: int) -> None:
        async with self._db.reader() as session:
            count = await submitted_today(session, user_id, zone=self._settings.zone)
        if count >= self._settings.ideas_per_day:
            raise DailyLimit(self._settings.ideas_per_day)

    async def start(self, *, user_id: int, place: str | None = None) -> DraftView:
        """A fresh draft (an earlier one is dropped), unless today's limit is reached."""
        await self._check_limit(user_id)
        async with self._db.session() as session:
            await self._drop(session, user_id)
            draft = Proposal(author_id=user_id, place=place, step=DraftStep.TITLE.value)
            session.add(draft)
            await session.flush()
            return await view_of(session, draft)

    @staticmethod
    async def _drop(session: AsyncSession, user_id: int) -> None:
        await session.exec(
            delete(Proposal).where(
                col(Proposal.author_id) == user_id, col(Proposal.status) == S.DRAFT.value
            )
        )
        await _forget_prompt(session, user_id)

    async def discard(self, *, user_id: int) -> None:
        """Throw the draft away."""
        async with self._db.session() as session:
            await self._drop(session, user_id)

    async def pause(self, *, user_id: int) -> bool:
        """Stop asking (``/cancel``); False when there is no draft."""
        try:
            await self._update(user_id, _set(paused=True))
        except ProposalNotFound:
            return False
        return True

    async def resume(self, *, user_id: int, place: str | None = None) -> DraftView:
        """Continue the draft at the question it was on; a newly scanned place replaces the old."""
        values: dict[str, object] = {"paused": False}
        if place:
            values["place"] = place
        setter = _set(**values)

        async def change(session: AsyncSession, draft: Proposal) -> None:
            await setter(session, draft)
            await _forget_prompt(session, user_id)

        return await self._update(user_id, change)

    async def _update(self, user_id: int, change: Change) -> DraftView:
        async with self._db.session() as session:
            draft = await draft_of(session, user_id)
            await change(session, draft)
            draft.updated_at = utcnow()
            session.add(draft)
            await session.flush()
            return await view_of(session, draft)

    async def _advance(
        self, session: AsyncSession, draft: Proposal, *, skip_solution: bool = False
    ) -> None:
        draft.step = following(
            draft.step or DraftStep.TITLE,
            has_studios=await has_studios(session),
            skip_solution=skip_solution,
        )

    async def answer(self, *, user_id: int, text: str | None) -> DraftView:
        """Record typed text for the current question; a title also looks for similar proposals.

        The benefit question takes typed words too (the category buttons are shortcuts): they
        are the expected effect, under "other", and the follow-up asking for it is passed.
        """
        asked: list[DraftStep] = []

        async def change(session: AsyncSession, draft: Proposal) -> None:
            step = base(draft.step or DraftStep.TITLE)
            if step == DraftStep.BENEFIT:
                draft.benefit_text = clean_text(text, BENEFIT_MAX)
                draft.benefit = BenefitCategory.OTHER.value
                editing = (draft.step or "").startswith(EDIT)
                draft.step = f"{EDIT if editing else ''}{DraftStep.BENEFIT_TEXT.value}"
                await self._advance(session, draft)
                return
            if step not in ASKS_TEXT:
                raise InvalidAnswer("photo_expected" if step == DraftStep.PHOTOS else "buttons")
            name, limit = ASKS_TEXT[step]
            setattr(draft, name, clean_title(text) if name == "title" else clean_text(text, limit))
            asked.append(step)
            await self._advance(session, draft)

        view = await self._update(user_id, change)
        if asked == [DraftStep.TITLE] and view.title:
            view = replace(
                view, similar=tuple(await self.similar(user_id=user_id, title=view.title))
            )
        return view

    async def choose_benefit(self, *, user_id: int, category: BenefitCategory) -> DraftView:
        """Record the benefit category picked from the buttons."""
        return await self._update(user_id, self._chosen(DraftStep.BENEFIT, benefit=category.value))

    async def choose_studio(self, *, user_id: int, studio_id: int | None) -> DraftView:
        """Record the target studio (``None``: no particular studio)."""
        async with self._db.reader() as session:
            if studio_id is not None and await session.get(Studio, studio_id) is None:
                raise InvalidAnswer("stale")
        return await self._update(user_id, self._chosen(DraftStep.STUDIO, studio_id=studio_id))

    async def choose_anonymous(self, *, user_id: int, anonymous: bool) -> DraftView:
        """Record whether the author's name is hidden from peers and reviewers."""
        return await self._update(user_id, self._chosen(DraftStep.ANONYMOUS, anonymous=anonymous))

    def _chosen(self, step: DraftStep, **values: object) -> Change:
        async def change(session: AsyncSession, draft: Proposal) -> None:
            if base(draft.step or DraftStep.TITLE) != step:
                raise InvalidAnswer("passed")
            for name, value in values.items():
                setattr(draft, name, value)
            await self._advance(session, draft)

        return change

    async def skip(self, *, user_id: int, step: str | None = None) -> DraftView:
        """Move past an optional question (or finish adding photos).

        ``step`` is the question the button was under: a skip button left in an earlier message
        must not skip the question asked now (``None``: buttons from before steps were named).
        """

        async def change(session: AsyncSession, draft: Proposal) -> None:
            current = draft.step or DraftStep.TITLE
            if (step is not None and current != step) or base(current) not in DraftStep.optional():
                raise InvalidAnswer("passed")
            await self._advance(session, draft)

        return await self._update(user_id, change)

    async def attach(self, *, user_id: int, media: NewMedia, size: int | None = None) -> DraftView:
        """Keep a photo, voice note or document sent for the current question."""

        async def change(session: AsyncSession, draft: Proposal) -> None:
            step = base(draft.step or DraftStep.TITLE)
            kinds = accepted_media(step)
            if media.kind not in kinds:
                raise InvalidAnswer(refusal(step))
            if media.kind == MediaKind.DOCUMENT:
                check_document(media.file_name, size)
            photos = await _count(session, draft, MediaKind.PHOTO)
            if media.kind == MediaKind.PHOTO and photos >= MAX_PHOTOS:
                raise InvalidAnswer("photo_limit", limit=MAX_PHOTOS)
            if await _has(session, draft, media.file_unique_id):
                return
            session.add(media.row(draft.id or 0))
            if media.kind != MediaKind.PHOTO or photos + 1 >= MAX_PHOTOS:
                await self._advance(session, draft, skip_solution=step == DraftStep.PROBLEM)

        return await self._update(user_id, change)

    async def edit(self, *, user_id: int, step: DraftStep) -> DraftView:
        """Ask one question again from the preview; photos and attachments are sent anew."""

        async def change(session: AsyncSession, draft: Proposal) -> None:
            if (
                base(draft.step or DraftStep.TITLE) != DraftStep.PREVIEW
                or step == DraftStep.PREVIEW
            ):
                raise InvalidAnswer("passed")
            if step in (DraftStep.PHOTOS, DraftStep.ATTACHMENT):
                kinds = (
                    [MediaKind.PHOTO]
                    if step == DraftStep.PHOTOS
                    else [MediaKind.VOICE, MediaKind.DOCUMENT]
                )
                await session.exec(
                    delete(ProposalMedia).where(
                        col(ProposalMedia.proposal_id) == draft.id,
                        col(ProposalMedia.kind).in_([k.value for k in kinds]),
                    )
                )
            draft.step = f"{EDIT}{step.value}"

        return await self._update(user_id, change)

    async def similar(self, *, user_id: int, title: str) -> list[ProposalLine]:
        """Proposals the user can see whose title closely resembles ``title``."""
        async with self._db.reader() as session:
            return await similar_visible(session, user_id=user_id, title=title)

    async def submit(self, *, user_id: int) -> Moved:
        """Number and submit the draft; it is committed before the number is shown to anyone."""
        await self._check_limit(user_id)
        async with self._db.session() as session:
            draft = await draft_of(session, user_id)
            moved = await number_and_submit(session, draft, zone=self._settings.zone)
        await self._proposals.award(proposal_id=moved.proposal_id)
        return moved


async def _forget_prompt(session: AsyncSession, user_id: int) -> None:
    """A user works on one thing at a time: going back to the draft drops an unanswered prompt."""
    await session.exec(delete(ProposalPrompt).where(col(ProposalPrompt.user_id) == user_id))


def _set(**values: object) -> Change:
    async def change(session: AsyncSession, draft: Proposal) -> None:
        for name, value in values.items():
            setattr(draft, name, value)

    return change


async def _count(session: AsyncSession, draft: Proposal, kind: MediaKind) -> int:
    query = select(func.count()).where(
        ProposalMedia.proposal_id == draft.id, ProposalMedia.kind == kind.value
    )
    return int((await session.exec(query)).one())


async def _has(session: AsyncSession, draft: Proposal, file_unique_id: str) -> bool:
    query = select(ProposalMedia.id).where(
        ProposalMedia.proposal_id == draft.id, ProposalMedia.file_unique_id == file_unique_id
    )
    return (await session.exec(query)).first() is not None
