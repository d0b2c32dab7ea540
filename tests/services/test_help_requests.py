"""Help requests: who is offered a request, in which order, and what happens when nobody answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import utcnow
from bot.services import Services
from bot.services.network.help_drafts import HelpDraftService
from bot.services.network.help_requests import HelpRequestService, HelpSettings
from tests.network_helpers import expert, person


async def _submit(
    services: Services,
    help_: HelpRequestService,
    user_id: int,
    text: str,
    field: str | None,
    region: str | None,
) -> list[int]:
    drafts = HelpDraftService(services.db, help_)
    await drafts.start(user_id=user_id, rural=field is None)
    await drafts.describe(user_id=user_id, text=text)
    await drafts.described(user_id=user_id)
    if field is not None:
        await drafts.choose_field(user_id=user_id, field=field)
    offered = await drafts.submit(user_id=user_id, region=region)
    return [r.user_id for r in offered.recipients]


async def test_offers_rank_field_and_skills_then_region_then_load(services: Services) -> None:
    """A welding question goes first to the welder whose skills match, then by region and load."""
    await person(services, 1, "求助者")
    await expert(services, 11, "焊工甲", field="welding", skills="钛合金焊接", region="西安")
    await expert(services, 12, "焊工乙", field="welding", skills="管道焊接", region="宝鸡市")
    await expert(services, 13, "焊工丙", field="welding", skills="管道焊接", region="渭南")
    await expert(services, 14, "电工", field="electrical", skills="PLC", region="宝鸡")
    help_ = services.network.help_requests
    offered = await _submit(services, help_, 1, "钛合金焊接有气孔怎么办", "welding", "Baoji")
    assert offered == [11, 12, 13]


async def test_rural_requests_weigh_region_first(services: Services) -> None:
    """A village's question goes first to experts in its place, whatever their speciality."""
    await person(services, 1, "村民")
    await expert(services, 21, "农技远", field="agriculture", skills="猕猴桃", region="汉中")
    await expert(services, 22, "农技近", field="agriculture", skills="果树", region="杨凌示范区")
    await expert(services, 23, "近处机修", field="machining", skills="农机", region="杨凌")
    help_ = services.network.help_requests
    offered = await _submit(services, help_, 1, "猕猴桃叶子发黄", None, "杨凌")
    assert offered == [22, 23, 21]


async def test_only_one_of_several_simultaneous_accepts_wins(services: Services) -> None:
    """Three experts press accept at the same moment; exactly one gets the request."""
    await person(services, 1, "求助者")
    for uid in (31, 32, 33):
        await expert(services, uid, f"专家{uid}", field="welding", skills="焊接")
    help_ = services.network.help_requests
    await _submit(services, help_, 1, "焊接变形", "welding", None)
    request = (await help_.mine(user_id=1))[0][0]
    results = await asyncio.gather(
        *(help_.accept(request_id=request.id, user_id=uid) for uid in (31, 32, 33))
    )
    assert sorted(r.outcome for r in results) == ["ok", "taken", "taken"]
    winner = next(uid for uid, r in zip((31, 32, 33), results, strict=True) if r.outcome == "ok")
    assert (await services.network.relay.focused(user_id=winner)) == request.id
    assert (await services.network.relay.focused(user_id=1)) == request.id


async def test_unanswered_request_escalates_to_next_experts_then_admins(services: Services) -> None:
    """Nobody accepts: after the timeout the next experts are offered it, then the admins."""
    await person(services, 1, "求助者")
    await person(services, 99, "管理员", admin=True)
    for uid in range(41, 46):
        await expert(services, uid, f"专家{uid}", field="welding", skills="焊接")
    help_ = HelpRequestService(
        services.db,
        services.scheduler,
        services.points,
        HelpSettings(escalate_minutes=10, offer_size=2, expert_rounds=2),
    )
    assert await _submit(services, help_, 1, "焊接裂纹", "welding", None) == [41, 42]
    request = (await help_.mine(user_id=1))[0][0]
    job = await services.scheduler.find(key=f"help:escalate:{request.id}:1")
    assert job is not None
    assert job.payload == {"request_id": request.id, "round": 1}
    assert timedelta(minutes=9) < job.due_at - utcnow() <= timedelta(minutes=10)

    second = await help_.escalate(request_id=request.id, round=1)
    assert second is not None
    assert [r.user_id for r in second.recipients] == [43, 44]
    assert await help_.escalate(request_id=request.id, round=1) is None
    third = await help_.escalate(request_id=request.id, round=2)
    assert third is not None
    assert third.to_admins
    assert [r.user_id for r in third.recipients] == [99]
    offers = await help_.offers(request_id=request.id)
    assert [(o["user_id"], o["round"], o["position"]) for o in offers] == [
        (41, 1, 0),
        (42, 1, 1),
        (43, 2, 0),
        (44, 2, 1),
        (99, 3, 0),
    ]


async def test_when_everyone_declines_the_next_round_comes_at_once(services: Services) -> None:
    """Both experts of a round decline; escalation is due now, not after the timeout."""
    await person(services, 1, "求助者")
    for uid in (51, 52, 53):
        await expert(services, uid, f"专家{uid}", field="quality", skills="检测")
    help_ = HelpRequestService(
        services.db, services.scheduler, services.points, HelpSettings(offer_size=2)
    )
    await _submit(services, help_, 1, "检测", "quality", None)
    request = (await help_.mine(user_id=1))[0][0]
    assert await help_.decline(request_id=request.id, user_id=51)
    job = await services.scheduler.find(key=f"help:escalate:{request.id}:1")
    assert job is not None
    assert job.due_at > utcnow() + timedelta(minutes=20)
    assert await help_.decline(request_id=request.id, user_id=52)
    job = await services.scheduler.find(key=f"help:escalate:{request.id}:1")
    assert job is not None
    assert job.due_at <= utcnow()


async def test_solving_awards_points_and_only_the_requester_rates(services: Services) -> None:
    """The requester closes and rates; the expert gets points; nobody else can rate."""
    await person(services, 1, "求助者")
    await expert(services, 61, "专家", field="digital", skills="MES")
    help_ = services.network.help_requests
    await _submit(services, help_, 1, "MES 数据", "digital", None)
    request = (await help_.mine(user_id=1))[0][0]
    assert (await help_.accept(request_id=request.id, user_id=61)).outcome == "ok"
    assert await help_.solve(request_id=request.id, user_id=61) is None
    closed = await help_.solve(request_id=request.id, user_id=1)
    assert closed is not None
    assert closed.other is not None
    assert closed.other.user_id == 61
    assert not await help_.rate(request_id=request.id, user_id=61, stars=5)
    assert await help_.rate(request_id=request.id, user_id=1, stars=4)
    assert await services.points.total(user_id=61, reasons=("help",)) == 20
    assert await services.network.relay.focused(user_id=1) is None
