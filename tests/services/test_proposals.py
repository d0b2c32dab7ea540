"""The proposal state machine: every move audited, illegal ones refused, races decided once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import time_machine

from bot.models.proposals import BenefitCategory, ProposalStatus
from bot.models.users import Role
from bot.services import Services
from bot.services.core.users import PermissionDenied
from bot.services.proposals.proposals import apply_move
from bot.services.proposals.reviews import QueueFilter
from bot.services.proposals.rules import (
    CommentRequired,
    Conflict,
    DailyLimit,
    IllegalTransition,
    OwnProposal,
)
from tests.conftest import make_settings
from tests.services.proposal_helpers import (
    ADMIN,
    CRAFTSMAN,
    OTHER,
    REVIEWER,
    WORKER,
    cast,
    person,
    submit,
)

S = ProposalStatus


@pytest.fixture
async def svc(database_url: str) -> AsyncIterator[Services]:
    """Services with a worker, a colleague, two reviewers and an admin."""
    async with cast(database_url) as services:
        yield services


async def test_submission_to_implementation_is_numbered_audited_and_rewarded(svc: Services) -> None:
    """A proposal gets a yearly number, every move leaves an audit row, and points follow."""
    with time_machine.travel(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), tick=True):
        moved = await submit(svc)
    assert moved.number == "2026-0001"
    item = await svc.proposal_reviews.queue(user_id=REVIEWER)
    assert item.card is not None
    assert item.card.id == moved.proposal_id
    assert item.card.status == S.SUBMITTED  # reading a card is not a decision
    accepted = await svc.proposals.move(
        proposal_id=moved.proposal_id, actor_id=REVIEWER, to=S.ACCEPTED
    )
    assert accepted.author.user_id == WORKER
    assert accepted.author.locale == "zh"
    await svc.proposals.move(proposal_id=moved.proposal_id, actor_id=CRAFTSMAN, to=S.IMPLEMENTED)

    card = await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=WORKER)
    assert [(h.from_status, h.to_status) for h in card.history] == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.ACCEPTED, S.IMPLEMENTED),
    ]
    assert await svc.points.total(user_id=WORKER) == 5 + 20 + 50


async def test_illegal_transitions_are_refused_whoever_asks(svc: Services) -> None:
    """Skipping a step, undoing a decision or a worker deciding all fail and change nothing."""
    moved = await submit(svc)
    pid = moved.proposal_id
    with pytest.raises(PermissionDenied):
        await svc.proposals.move(proposal_id=pid, actor_id=OTHER, to=S.ACCEPTED)
    with pytest.raises(OwnProposal):
        await svc.proposals.move(proposal_id=pid, actor_id=WORKER, to=S.ACCEPTED)
    with pytest.raises(IllegalTransition):
        await svc.proposals.move(proposal_id=pid, actor_id=ADMIN, to=S.IMPLEMENTED)
    await svc.proposals.move(proposal_id=pid, actor_id=ADMIN, to=S.ACCEPTED)
    with pytest.raises(IllegalTransition):
        await svc.proposals.withdraw(proposal_id=pid, user_id=WORKER)
    with pytest.raises(IllegalTransition):
        await svc.proposals.move(proposal_id=pid, actor_id=ADMIN, to=S.REJECTED, comment="no")
    card = await svc.proposals.card(proposal_id=pid, viewer_id=WORKER)
    assert card.status == S.ACCEPTED
    assert len(card.history) == 2


async def test_reject_and_needs_info_need_a_comment(svc: Services) -> None:
    """A reviewer cannot reject or ask for more without saying why."""
    moved = await submit(svc)
    for status in (S.REJECTED, S.NEEDS_INFO):
        with pytest.raises(CommentRequired):
            await svc.proposals.move(
                proposal_id=moved.proposal_id, actor_id=REVIEWER, to=status, comment="  "
            )


async def test_two_reviewers_at_once_one_wins(svc: Services) -> None:
    """Accept and reject pressed together: exactly one decision is recorded, the other is told."""
    moved = await submit(svc)
    results = await asyncio.gather(
        svc.proposals.move(proposal_id=moved.proposal_id, actor_id=REVIEWER, to=S.ACCEPTED),
        svc.proposals.move(
            proposal_id=moved.proposal_id, actor_id=CRAFTSMAN, to=S.REJECTED, comment="已有方案"
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], Conflict | IllegalTransition)
    card = await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=ADMIN)
    assert card.status == winners[0].to_status
    assert len(card.history) == 2


async def test_a_decision_on_a_stale_read_is_refused(svc: Services) -> None:
    """A move based on what a reviewer read before someone else acted changes nothing."""
    moved = await submit(svc)
    stale = await svc.proposals.find(proposal_id=moved.proposal_id)
    assert stale is not None
    await svc.proposals.move(proposal_id=moved.proposal_id, actor_id=CRAFTSMAN, to=S.ACCEPTED)
    with pytest.raises(Conflict) as lost:
        async with svc.db.session() as session:
            await apply_move(session, stale, S.REJECTED, actor_id=REVIEWER, comment="太贵")
    assert lost.value.status == S.ACCEPTED
    card = await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=ADMIN)
    assert card.status == S.ACCEPTED
    assert [h.to_status for h in card.history][-1] == S.ACCEPTED


async def test_needs_info_round_trip_returns_to_review(svc: Services) -> None:
    """The author's reply is kept in the history and the proposal goes back to review."""
    moved = await submit(svc)
    await svc.proposals.move(
        proposal_id=moved.proposal_id,
        actor_id=REVIEWER,
        to=S.NEEDS_INFO,
        comment="需要多大的定位销？",
    )
    with pytest.raises(PermissionDenied):
        await svc.proposals.reply(proposal_id=moved.proposal_id, user_id=OTHER, text="not mine")
    back = await svc.proposals.reply(
        proposal_id=moved.proposal_id, user_id=WORKER, text="直径 12 毫米"
    )
    assert back.to_status == S.UNDER_REVIEW
    assert back.asked_by is not None
    assert back.asked_by.user_id == REVIEWER
    card = await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=REVIEWER)
    assert card.history[-1].comment == "直径 12 毫米"


async def test_author_withdraws_before_a_decision(svc: Services) -> None:
    """Withdrawing works while waiting for review, and only for the author."""
    moved = await submit(svc)
    with pytest.raises(PermissionDenied):
        await svc.proposals.withdraw(proposal_id=moved.proposal_id, user_id=OTHER)
    done = await svc.proposals.withdraw(proposal_id=moved.proposal_id, user_id=WORKER)
    assert done.to_status == S.WITHDRAWN
    item = await svc.proposal_reviews.queue(user_id=REVIEWER)
    assert item.card is None
    assert item.total == 0


async def test_twenty_concurrent_supports_count_twenty(svc: Services) -> None:
    """Twenty colleagues tapping 👍 at once, then again, are counted exactly twenty times."""
    moved = await submit(svc)
    colleagues = range(3000, 3020)
    for user_id in colleagues:
        await person(svc, user_id, f"工友{user_id}", "zh", enterprise="宝鸡石油机械")
    first = await asyncio.gather(
        *(svc.proposal_peers.support(user_id=u, proposal_id=moved.proposal_id) for u in colleagues)
    )
    again = await asyncio.gather(
        *(svc.proposal_peers.support(user_id=u, proposal_id=moved.proposal_id) for u in colleagues)
    )
    assert all(r.added for r in first)
    assert not any(r.added for r in again)
    assert await svc.proposal_peers.supporters(proposal_id=moved.proposal_id) == 20
    with pytest.raises(OwnProposal):
        await svc.proposal_peers.support(user_id=WORKER, proposal_id=moved.proposal_id)


async def test_daily_limit_stops_the_next_draft(database_url: str) -> None:
    """With a limit of two a day, the third proposal cannot be started or submitted."""
    services = Services.build(make_settings(database_url, ideas_per_day=2))
    try:
        await person(services, WORKER, "王师傅", "zh")
        await submit(services, title="第一条建议的标题")
        await submit(services, title="第二条建议的标题")
        with pytest.raises(DailyLimit) as refused:
            await services.proposal_drafts.start(user_id=WORKER)
        assert refused.value.limit == 2
    finally:
        await services.close()


async def test_numbers_restart_each_year_and_never_repeat(svc: Services) -> None:
    """Concurrent submissions get distinct numbers; a new year starts again at 0001."""
    with time_machine.travel(datetime(2026, 12, 31, 10, 0, tzinfo=UTC), tick=True):
        both = await asyncio.gather(
            submit(svc, WORKER), submit(svc, OTHER, title="Quick-change welding jig")
        )
    assert sorted(m.number for m in both) == ["2026-0001", "2026-0002"]
    with time_machine.travel(datetime(2027, 1, 1, 1, 0, tzinfo=UTC), tick=True):
        assert (await submit(svc, REVIEWER, title="新年的第一条建议")).number == "2027-0001"


async def test_anonymous_author_is_hidden_and_earns_points_on_stepping_forward(
    svc: Services,
) -> None:
    """Only the admin sees the name; points wait until the author steps forward."""
    moved = await submit(svc, anonymous=True)
    for viewer in (OTHER, REVIEWER):
        assert (
            await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=viewer)
        ).author_name is None
    assert (
        await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=ADMIN)
    ).author_name == "王师傅"
    assert not await svc.proposals.step_forward(proposal_id=moved.proposal_id, user_id=WORKER)
    await svc.proposals.move(proposal_id=moved.proposal_id, actor_id=REVIEWER, to=S.ACCEPTED)
    assert await svc.points.total(user_id=WORKER) == 0
    assert await svc.proposals.step_forward(proposal_id=moved.proposal_id, user_id=WORKER)
    assert await svc.points.total(user_id=WORKER) == 25
    assert (
        await svc.proposals.card(proposal_id=moved.proposal_id, viewer_id=OTHER)
    ).author_name == "王师傅"


async def test_studio_leader_reviews_only_their_studio(svc: Services) -> None:
    """A studio leader without a reviewing role sees and decides their studio's proposals only."""
    from bot.models.organizations import Studio

    leader = 4001
    await person(svc, leader, "刘工作室", "zh")
    async with svc.db.session() as session:
        studio = Studio(name="刘师傅创新工作室", leader_id=leader)
        session.add(studio)
        await session.flush()
        studio_id = studio.id or 0
    elsewhere = await submit(svc, OTHER, title="Canteen queue numbers")
    mine = await submit(svc, title="焊缝打磨机器人")
    with pytest.raises(PermissionDenied):
        await svc.proposal_reviews.assign(
            user_id=leader, proposal_id=mine.proposal_id, studio_id=studio_id
        )
    await svc.proposal_reviews.assign(
        user_id=REVIEWER, proposal_id=mine.proposal_id, studio_id=studio_id
    )
    item = await svc.proposal_reviews.queue(user_id=leader)
    assert item.total == 1
    assert item.card is not None
    assert item.card.id == mine.proposal_id
    with pytest.raises(PermissionDenied):
        await svc.proposals.move(proposal_id=elsewhere.proposal_id, actor_id=leader, to=S.ACCEPTED)
    await svc.proposals.move(proposal_id=mine.proposal_id, actor_id=leader, to=S.ACCEPTED)


async def test_scores_are_averaged_over_reviewers(svc: Services) -> None:
    """Each reviewer's latest 1-5 scores count once in the averages."""
    moved = await submit(svc)
    pid = moved.proposal_id
    await svc.proposal_reviews.score(user_id=REVIEWER, proposal_id=pid, criterion="f", value=2)
    await svc.proposal_reviews.score(user_id=REVIEWER, proposal_id=pid, criterion="f", value=4)
    await svc.proposal_reviews.score(user_id=CRAFTSMAN, proposal_id=pid, criterion="f", value=5)
    await svc.proposal_reviews.score(user_id=CRAFTSMAN, proposal_id=pid, criterion="n", value=3)
    with pytest.raises(PermissionDenied):
        await svc.proposal_reviews.score(user_id=WORKER, proposal_id=pid, criterion="f", value=5)
    scores = (await svc.proposals.card(proposal_id=pid, viewer_id=ADMIN)).scores
    assert (scores.feasibility, scores.benefit, scores.novelty, scores.reviewers) == (
        4.5,
        None,
        3.0,
        2,
    )


async def test_innovation_stars_rank_this_month_in_the_enterprise(svc: Services) -> None:
    """The board counts proposal points of the current month, per enterprise."""
    moved = await submit(svc)
    await svc.proposals.move(proposal_id=moved.proposal_id, actor_id=REVIEWER, to=S.ACCEPTED)
    await submit(svc, OTHER, title="Label the spare parts shelves")
    board = await svc.proposal_peers.stars(user_id=OTHER)
    assert [(row.name, row.points) for row in board] == [("王师傅", 25), ("Li Wei", 5)]
    assert Role.WORKER in await svc.users.roles(user_id=OTHER)


async def test_queue_is_oldest_first_filtered_and_never_shows_ones_own(svc: Services) -> None:
    """Filters by category, enterprise and studio narrow the queue; a reviewer's own is left out."""
    first = await submit(svc, title="第一条：焊接夹具")
    second = await submit(svc, OTHER, title="Second: canteen queue")
    await submit(svc, REVIEWER, title="评审自己的建议")
    item = await svc.proposal_reviews.queue(user_id=REVIEWER)
    assert (item.total, item.card.id if item.card else None) == (2, first.proposal_id)
    following = await svc.proposal_reviews.queue(user_id=REVIEWER, position=1)
    assert following.card is not None
    assert following.card.id == second.proposal_id
    safety = QueueFilter(category=BenefitCategory.SAFETY)
    assert (await svc.proposal_reviews.queue(user_id=REVIEWER, where=safety)).total == 0
    efficiency = QueueFilter(category=BenefitCategory.EFFICIENCY)
    assert (await svc.proposal_reviews.queue(user_id=REVIEWER, where=efficiency)).total == 2
    ((enterprise_id, _),) = await svc.proposal_reviews.enterprises(user_id=REVIEWER)
    nowhere = QueueFilter(enterprise_id=enterprise_id + 1)
    assert (await svc.proposal_reviews.queue(user_id=REVIEWER, where=nowhere)).total == 0
    assert (await svc.proposal_reviews.queue(user_id=CRAFTSMAN)).total == 3


async def test_an_acceptance_carries_the_deciding_reviewers_own_scores(svc: Services) -> None:
    """The author is told the accepting reviewer's scores (not another's), and the comment."""
    moved = await submit(svc)
    pid = moved.proposal_id
    await svc.proposal_reviews.score(user_id=CRAFTSMAN, proposal_id=pid, criterion="f", value=1)
    await svc.proposal_reviews.score(user_id=REVIEWER, proposal_id=pid, criterion="f", value=4)
    await svc.proposal_reviews.score(user_id=REVIEWER, proposal_id=pid, criterion="n", value=5)
    accepted = await svc.proposals.move(
        proposal_id=pid, actor_id=REVIEWER, to=S.ACCEPTED, comment="下周试点"
    )
    assert accepted.review is not None
    assert (accepted.review.feasibility, accepted.review.benefit, accepted.review.novelty) == (
        4,
        None,
        5,
    )
    assert accepted.comment == "下周试点"
    unscored = await submit(svc, OTHER, title="Label the spare parts shelves")
    plain = await svc.proposals.move(
        proposal_id=unscored.proposal_id, actor_id=REVIEWER, to=S.ACCEPTED
    )
    assert plain.review is None
    assert plain.comment is None
