"""Which existing proposal titles a new title closely resembles, in Chinese as in English.

Chinese titles have no spaces, so word-based scorers see one token; the character-level
``ratio`` carries them ("减少焊接返工的方法" / "减少焊接返工率的办法" scores 84, an unrelated
title 0). English titles also get ``token_sort_ratio``, which forgives reordered words.
``token_set_ratio`` is avoided: any title made of a subset of another's words ("Safety")
would score 100.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models.proposals import Proposal, ProposalStatus
from bot.models.users import User
from bot.services.proposals.rules import DECIDED_WELL, ProposalLine
from bot.services.proposals.views import lines

THRESHOLD = 80.0
MIN_LENGTH = 4
S = ProposalStatus
CANDIDATES = (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFO, S.ACCEPTED, S.IMPLEMENTED)


def similarity(a: str, b: str, **_: object) -> float:
    """A 0-100 score of how alike two (already normalised) titles are."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def similar_titles(
    title: str, candidates: Sequence[tuple[int, str]], *, limit: int = 3
) -> list[tuple[int, float]]:
    """Ids of the candidates whose title resembles ``title``, best first."""
    query = utils.default_process(title)
    if len(query) < MIN_LENGTH or not candidates:
        return []
    matches = process.extract(
        query,
        {pid: utils.default_process(text) for pid, text in candidates},
        scorer=similarity,
        score_cutoff=THRESHOLD,
        limit=limit,
    )
    return [(pid, float(score)) for _, score, pid in matches]


async def similar_visible(session: AsyncSession, *, user_id: int, title: str) -> list[ProposalLine]:
    """Others' proposals the user may see (accepted, or their enterprise's) with a like title."""
    user = await session.get(User, user_id)
    enterprise = user.enterprise_id if user else None
    query = select(Proposal.id, Proposal.title, Proposal.status, Proposal.enterprise_id).where(
        col(Proposal.status).in_([s.value for s in CANDIDATES]), Proposal.author_id != user_id
    )
    candidates = [
        (pid, text)
        for pid, text, status, ent in (await session.exec(query)).all()
        if pid and text and (status in DECIDED_WELL or (enterprise and ent == enterprise))
    ]
    ids = [pid for pid, _ in similar_titles(title, candidates)]
    if not ids:
        return []
    found = await session.exec(select(Proposal).where(col(Proposal.id).in_(ids)))
    by_id = {p.id: p for p in found.all()}
    return await lines(session, [by_id[i] for i in ids])
