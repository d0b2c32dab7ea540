"""Read models of proposals: list lines, cards with media, scores, history and comments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.organizations import Studio
from bot.models.proposals import (
    BenefitCategory,
    MediaKind,
    Proposal,
    ProposalComment,
    ProposalMedia,
    ProposalReview,
    ProposalStatus,
    ProposalSupport,
    ProposalTransition,
)
from bot.models.users import Enterprise, User
from bot.services.proposals.rules import HistoryEntry, ProposalCard, ProposalLine, Scores

RECENT_COMMENTS = 5


async def lines(session: AsyncSession, proposals: Sequence[Proposal]) -> list[ProposalLine]:
    """List entries with supporter counts, in the given order."""
    counts = await support_counts(session, [p.id or 0 for p in proposals])
    return [
        ProposalLine(
            p.id or 0,
            p.number or "",
            p.title or "",
            ProposalStatus(p.status),
            counts.get(p.id or 0, 0),
        )
        for p in proposals
    ]


async def support_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    """How many people support each of ``ids``."""
    if not ids:
        return {}
    rows = await session.exec(
        select(ProposalSupport.proposal_id, func.count())
        .where(col(ProposalSupport.proposal_id).in_(ids))
        .group_by(col(ProposalSupport.proposal_id))
    )
    return {pid: int(n) for pid, n in rows.all()}


async def scores(session: AsyncSession, proposal_id: int) -> Scores:
    """Average scores over reviewers."""
    row = (
        await session.exec(
            select(
                func.avg(ProposalReview.feasibility),
                func.avg(ProposalReview.benefit),
                func.avg(ProposalReview.novelty),
                func.count(),
            ).where(ProposalReview.proposal_id == proposal_id)
        )
    ).one()
    feasibility, benefit, novelty, count = row
    return Scores(
        feasibility=float(feasibility) if feasibility is not None else None,
        benefit=float(benefit) if benefit is not None else None,
        novelty=float(novelty) if novelty is not None else None,
        reviewers=int(count),
    )


async def history(session: AsyncSession, proposal_id: int) -> tuple[HistoryEntry, ...]:
    """The proposal's status changes, oldest first."""
    rows = await session.exec(
        select(ProposalTransition)
        .where(ProposalTransition.proposal_id == proposal_id)
        .order_by(col(ProposalTransition.id))
    )
    return tuple(
        HistoryEntry(ProposalStatus(t.from_status), ProposalStatus(t.to_status), t.comment, t.at)
        for t in rows.all()
    )


async def build_card(
    session: AsyncSession, proposal: Proposal, viewer_id: int, *, reveal: bool
) -> ProposalCard:
    """Gather a card's parts; ``reveal`` shows an anonymous author's name."""
    pid = proposal.id or 0
    media = (
        await session.exec(
            select(ProposalMedia)
            .where(ProposalMedia.proposal_id == pid)
            .order_by(col(ProposalMedia.id))
        )
    ).all()
    comments = await session.exec(
        select(User.name, ProposalComment.text)
        .join(User, col(User.id) == ProposalComment.author_id)
        .where(ProposalComment.proposal_id == pid)
        .order_by(col(ProposalComment.id).desc())
        .limit(RECENT_COMMENTS)
    )
    author = await session.get(User, proposal.author_id)
    studio = await session.get(Studio, proposal.studio_id) if proposal.studio_id else None
    enterprise = (
        await session.get(Enterprise, proposal.enterprise_id) if proposal.enterprise_id else None
    )
    is_author = proposal.author_id == viewer_id
    shown = is_author or reveal or not proposal.anonymous
    supported = await session.get(ProposalSupport, (pid, viewer_id)) is not None
    return ProposalCard(
        id=pid,
        number=proposal.number or "",
        title=proposal.title or "",
        problem=proposal.problem,
        solution=proposal.solution,
        benefit=BenefitCategory(proposal.benefit) if proposal.benefit else None,
        benefit_text=proposal.benefit_text,
        place=proposal.place,
        studio=studio.name if studio else None,
        enterprise=enterprise.name if enterprise else None,
        status=ProposalStatus(proposal.status),
        anonymous=bool(proposal.anonymous),
        is_author=is_author,
        author_name=author.name if author and shown else None,
        submitted_at=proposal.submitted_at,
        supporters=(await support_counts(session, [pid])).get(pid, 0),
        supported=supported,
        scores=await scores(session, pid),
        photos=tuple(m.file_id for m in media if m.kind == MediaKind.PHOTO),
        voices=tuple(m.file_id for m in media if m.kind == MediaKind.VOICE),
        documents=tuple(m.file_id for m in media if m.kind == MediaKind.DOCUMENT),
        history=await history(session, pid),
        comments=tuple((name, text) for name, text in reversed(comments.all())),
    )
