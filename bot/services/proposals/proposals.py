"""The life of a proposal after submission: moves through the state machine, cards, history.

Every move is one conditional UPDATE on the proposal's ``version`` plus an audit row, in one
transaction: when two reviewers act at once, exactly one UPDATE matches and the other is told
what happened instead. Points follow each move (deferred while the author stays anonymous).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import utcnow
from bot.config import Settings
from bot.db import Database
from bot.i18n import Translator
from bot.models.organizations import Studio
from bot.models.proposals import (
    Proposal,
    ProposalReview,
    ProposalStatus,
    ProposalSupport,
    ProposalTransition,
)
from bot.models.users import Role, User
from bot.services.core import REVIEWERS, PermissionDenied, PointsService, UserService, holds
from bot.services.proposals import spreadsheet
from bot.services.proposals.answers import clean_comment
from bot.services.proposals.rules import (
    DECIDED_WELL,
    IN_REVIEW,
    NEEDS_COMMENT,
    Actor,
    CommentRequired,
    Conflict,
    IllegalTransition,
    Mine,
    Moved,
    NewMedia,
    OwnProposal,
    ProposalCard,
    ProposalLine,
    ProposalNotFound,
    Recipient,
    ReviewScores,
    actor_for,
    earned,
)
from bot.services.proposals.views import build_card, lines

S = ProposalStatus
DECISIONS = frozenset({S.ACCEPTED, S.REJECTED, S.WITHDRAWN})


async def apply_move(
    session: AsyncSession,
    proposal: Proposal,
    to: ProposalStatus,
    *,
    actor_id: int | None,
    comment: str | None = None,
    **values: object,
) -> None:
    """Move ``proposal`` if nobody moved it since it was read, and write the audit row."""
    now = utcnow()
    if to in DECISIONS:
        values.setdefault("decided_at", now)
    result = await session.exec(
        update(Proposal)
        .where(col(Proposal.id) == proposal.id, col(Proposal.version) == proposal.version)
        .values(status=to.value, version=proposal.version + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        now_status = await session.exec(select(Proposal.status).where(Proposal.id == proposal.id))
        raise Conflict(ProposalStatus(now_status.one()))
    session.add(
        ProposalTransition(
            proposal_id=proposal.id or 0,
            actor_id=actor_id,
            from_status=proposal.status,
            to_status=to.value,
            comment=comment,
            at=now,
        )
    )


async def recipient(session: AsyncSession, user_id: int) -> Recipient:
    """Whom to tell, in which language."""
    user = await session.get(User, user_id)
    return Recipient(user_id, user.locale if user else "zh")


# /myideas, built once: asked often, and building a statement costs more than running it.
MINE = (
    select(Proposal)
    .where(Proposal.author_id == bindparam("author_id"))
    .order_by(col(Proposal.submitted_at).desc(), col(Proposal.id).desc())
)


class ProposalService:
    """Moves, permissions and views of submitted proposals."""

    def __init__(
        self, db: Database, settings: Settings, users: UserService, points: PointsService
    ) -> None:
        self._db = db
        self._settings = settings
        self._users = users
        self._points = points

    async def led_studios(self, *, user_id: int) -> frozenset[int]:
        """Studios this person leads (their queue, even without a reviewing role)."""
        async with self._db.reader() as session:
            rows = await session.exec(select(Studio.id).where(Studio.leader_id == user_id))
            return frozenset(i for i in rows.all() if i is not None)

    async def may_review(self, *, user_id: int) -> None:
        """Refuse anyone who reviews nothing at all, before any proposal is read for them."""
        if holds(await self._users.roles(user_id=user_id), REVIEWERS):
            return
        if not await self.led_studios(user_id=user_id):
            raise PermissionDenied(user_id)

    async def may_withdraw(self, *, proposal_id: int, user_id: int) -> ProposalLine:
        """The proposal its author may still take back; refused before they are asked to confirm.

        Raises :class:`ProposalNotFound` for someone else's (or no) proposal and
        :class:`IllegalTransition` once it is decided or withdrawn.
        """
        async with self._db.reader() as session:
            proposal = await session.get(Proposal, proposal_id)
        if proposal is None or proposal.author_id != user_id:
            raise ProposalNotFound(proposal_id)
        current = S(proposal.status)
        if actor_for(current, S.WITHDRAWN) is None:
            raise IllegalTransition(current, S.WITHDRAWN)
        return ProposalLine(proposal_id, proposal.number or "", proposal.title or "", current, 0)

    async def authorize_review(self, *, user_id: int, proposal: Proposal) -> None:
        """Refuse authors, and anyone with no reviewing role who does not lead the target studio."""
        if proposal.author_id == user_id:
            raise OwnProposal(user_id)
        if holds(await self._users.roles(user_id=user_id), REVIEWERS):
            return
        if proposal.studio_id is None or proposal.studio_id not in await self.led_studios(
            user_id=user_id
        ):
            raise PermissionDenied(user_id)

    async def move(
        self, *, proposal_id: int, actor_id: int, to: ProposalStatus, comment: str | None = None
    ) -> Moved:
        """Apply one transition, checking who asks; tell the caller who must hear of it."""
        return await self._transact(proposal_id, actor_id, to, comment)

    async def _transact(
        self,
        proposal_id: int,
        actor_id: int,
        to: ProposalStatus,
        comment: str | None,
        media: Sequence[NewMedia] = (),
        *,
        only_from: ProposalStatus | None = None,
    ) -> Moved:
        comment = clean_comment(comment) if comment and comment.strip() else None
        proposal = await self.find(proposal_id=proposal_id)
        if proposal is None or proposal.status == S.DRAFT:
            raise ProposalNotFound(proposal_id)
        if only_from is not None and proposal.status != only_from:
            raise IllegalTransition(ProposalStatus(proposal.status), to)
        actor = actor_for(ProposalStatus(proposal.status), to)
        if actor == Actor.REVIEWER or (actor is None and proposal.author_id != actor_id):
            await self.authorize_review(user_id=actor_id, proposal=proposal)
        elif actor == Actor.AUTHOR and proposal.author_id != actor_id:
            raise PermissionDenied(actor_id)
        if actor is None:
            raise IllegalTransition(ProposalStatus(proposal.status), to)
        if to in NEEDS_COMMENT and not comment:
            raise CommentRequired(to)
        async with self._db.session() as session:
            moved = await self._moved(session, proposal, to, actor_id=actor_id, comment=comment)
            await apply_move(session, proposal, to, actor_id=actor_id, comment=comment)
            for item in media:
                session.add(item.row(proposal_id))
        await self.award(proposal_id=proposal_id)
        return moved

    async def _moved(
        self,
        session: AsyncSession,
        proposal: Proposal,
        to: ProposalStatus,
        *,
        actor_id: int | None,
        comment: str | None,
    ) -> Moved:
        supporters: tuple[Recipient, ...] = ()
        if to in DECIDED_WELL:
            rows = await session.exec(
                select(User.id, User.locale)
                .join(ProposalSupport, col(ProposalSupport.user_id) == User.id)
                .where(ProposalSupport.proposal_id == proposal.id, col(User.is_active))
            )
            supporters = tuple(Recipient(uid, locale) for uid, locale in rows.all())
        asked_by = None
        if proposal.status == S.NEEDS_INFO:
            last = await session.exec(
                select(ProposalTransition.actor_id)
                .where(
                    ProposalTransition.proposal_id == proposal.id,
                    ProposalTransition.to_status == S.NEEDS_INFO.value,
                )
                .order_by(col(ProposalTransition.id).desc())
            )
            asker = last.first()
            asked_by = await recipient(session, asker) if asker else None
        review = None
        if to in DECISIONS and actor_id is not None and actor_id != proposal.author_id:
            scored = await session.get(ProposalReview, (proposal.id, actor_id))
            if scored is not None and any(
                v is not None for v in (scored.feasibility, scored.benefit, scored.novelty)
            ):
                review = ReviewScores(scored.feasibility, scored.benefit, scored.novelty)
        return Moved(
            proposal_id=proposal.id or 0,
            number=proposal.number or "",
            title=proposal.title or "",
            from_status=ProposalStatus(proposal.status),
            to_status=to,
            comment=comment,
            actor_id=actor_id,
            author=await recipient(session, proposal.author_id),
            supporters=supporters,
            asked_by=asked_by,
            review=review,
        )

    async def award(self, *, proposal_id: int) -> None:
        """Give the author the points earned so far, unless they stay anonymous."""
        async with self._db.reader() as session:
            proposal = await session.get(Proposal, proposal_id)
        if proposal is None or proposal.anonymous:
            return
        for reason, points in earned(ProposalStatus(proposal.status)):
            await self._points.award(
                user_id=proposal.author_id,
                reason=reason,
                ref=f"proposal/{proposal_id}",
                points=points,
            )

    async def withdraw(self, *, proposal_id: int, user_id: int) -> Moved:
        """The author takes the proposal back before a decision."""
        return await self.move(proposal_id=proposal_id, actor_id=user_id, to=S.WITHDRAWN)

    async def reply(
        self, *, proposal_id: int, user_id: int, text: str | None, media: Sequence[NewMedia] = ()
    ) -> Moved:
        """The author's answer to "needs info": kept with the proposal, back to review."""
        return await self._transact(
            proposal_id, user_id, S.UNDER_REVIEW, text, media, only_from=S.NEEDS_INFO
        )

    async def step_forward(self, *, proposal_id: int, user_id: int) -> bool:
        """An anonymous author of an accepted proposal puts their name on it and gets the points."""
        async with self._db.session() as session:
            proposal = await session.get(Proposal, proposal_id)
            if proposal is None or proposal.author_id != user_id:
                raise ProposalNotFound(proposal_id)
            if not proposal.anonymous or proposal.status not in DECIDED_WELL:
                return False
            proposal.anonymous = False
            proposal.updated_at = utcnow()
            session.add(proposal)
        await self.award(proposal_id=proposal_id)
        return True

    async def mine(self, *, user_id: int) -> list[ProposalLine]:
        """The user's submitted proposals, newest first."""
        return (await self.overview(user_id=user_id)).proposals

    async def overview(self, *, user_id: int) -> Mine:
        """What /myideas shows: the submitted proposals, newest first, and any unfinished draft."""
        async with self._db.reader() as session:
            rows = (await session.exec(MINE, params={"author_id": user_id})).all()
            submitted = [row for row in rows if row.status != S.DRAFT]
            draft = next((row.title or "" for row in rows if row.status == S.DRAFT), None)
            return Mine(await lines(session, submitted), draft)

    async def export(self, *, fmt: str, t: Translator, since: datetime | None = None) -> bytes:
        """Every submitted proposal (since ``since``) as a csv or xlsx file for staff."""
        data = await spreadsheet.gather(self._db, since=since, t=t, zone=self._settings.zone)
        return spreadsheet.write(data, t, fmt)

    async def studios(self) -> list[tuple[int, str]]:
        """Every innovation studio, by name."""
        async with self._db.reader() as session:
            rows = await session.exec(select(Studio.id, Studio.name).order_by(col(Studio.name)))
            return [(i, name) for i, name in rows.all() if i is not None]

    async def find(self, *, proposal_id: int) -> Proposal | None:
        """The proposal row (a detached copy, for checks before a change)."""
        async with self._db.reader() as session:
            return await session.get(Proposal, proposal_id)

    async def visible(self, *, proposal: Proposal, viewer_id: int) -> bool:
        """Whether ``viewer_id`` may see the proposal at all."""
        if proposal.status == S.DRAFT:
            return False
        if proposal.author_id == viewer_id or proposal.status in DECIDED_WELL:
            return True
        try:
            await self.authorize_review(user_id=viewer_id, proposal=proposal)
        except PermissionDenied:
            async with self._db.reader() as session:
                viewer = await session.get(User, viewer_id)
            return (
                proposal.status in IN_REVIEW
                and viewer is not None
                and viewer.enterprise_id is not None
                and viewer.enterprise_id == proposal.enterprise_id
            )
        return True

    async def card(self, *, proposal_id: int, viewer_id: int) -> ProposalCard:
        """A proposal as ``viewer_id`` may see it; the anonymous author is shown to admins only."""
        proposal = await self.find(proposal_id=proposal_id)
        if proposal is None or not await self.visible(proposal=proposal, viewer_id=viewer_id):
            raise ProposalNotFound(proposal_id)
        is_admin = Role.ADMIN in await self._users.roles(user_id=viewer_id)
        async with self._db.reader() as session:
            return await build_card(session, proposal, viewer_id, reveal=is_admin)
