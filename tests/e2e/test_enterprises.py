"""Admins check the enterprises newcomers added: confirm one, or merge it into an existing one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.clock import utcnow
from bot.models.broadcasts import Broadcast
from bot.models.events import Event
from bot.models.network import ServedEnterprise, ServiceTeam
from bot.models.organizations import Studio
from bot.models.proposals import Proposal
from bot.models.users import Enterprise, Role, User
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import person, until
from tests.services.proposal_helpers import submit

pytestmark = pytest.mark.usefixtures("daytime")

KEPT = "宝鸡石油机械有限责任公司"
TYPED = "宝石机械厂"


async def added_by_newcomer(emulator: Emulator, name: str, typed: str) -> SimUser:
    """A newcomer who types an enterprise that matches none and adds it."""
    worker = emulator.user(name, lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send(typed)
    assert "没有找到" in (await worker.reply()).text
    await worker.press(f"➕ 添加新企业：{typed}")
    await worker.replies(2)  # the enterprise kept, the next question
    return worker


async def joins_by_typing(emulator: Emulator, name: str, typed: str) -> SimUser:
    """A newcomer who types the exact name of an enterprise someone already added."""
    worker = emulator.user(name, lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send(typed)
    await until(worker, "车间")
    return worker


async def enterprise_id(services: Services, name: str) -> int:
    """The id of the enterprise called ``name``."""
    async with services.db.reader() as session:
        found = (await session.exec(select(Enterprise).where(Enterprise.name == name))).one()
    return found.id or 0


async def test_an_admin_confirms_a_new_enterprise_and_newcomers_can_pick_it(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """✅ 确认 marks the enterprise verified: it leaves /enterprises and joins the picker."""
    await services.enterprises.named(name="陕西法士特")
    await added_by_newcomer(emulator, "吴师傅", "秦川机床")
    admin = await person(emulator, services, "管理员", role=Role.ADMIN, enterprise=None)

    await admin.send("/enterprises")
    listing = await admin.reply()
    assert "秦川机床" in listing.button_texts
    await admin.press("秦川机床")
    shown = await admin.reply()
    assert shown.message_id == listing.message_id
    assert "1 人填的是它" in shown.text
    assert shown.button_texts == ["✅ 确认", "🔀 合并到…", "◀️ 返回列表"]
    await admin.press("✅ 确认")
    assert "已确认“秦川机床”" in (await admin.reply()).text
    assert await services.enterprises.unverified() == []
    await admin.press("◀️ 返回列表")
    assert "没有待核对的企业" in (await admin.reply()).text

    newcomer = emulator.user("郑师傅", lang="zh")
    await newcomer.send("/start")
    question = (await newcomer.replies(2))[-1]
    assert "秦川机床" in question.button_texts


async def test_merging_moves_every_person_and_row_to_the_chosen_enterprise(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """🔀 合并到… moves people, proposals, studios, services and audiences; the duplicate goes."""
    await services.enterprises.named(name="陕西法士特")
    kept = (await services.enterprises.named(name=KEPT)).id
    first = await added_by_newcomer(emulator, "冯师傅", TYPED)
    second = await joins_by_typing(emulator, "陈师傅", TYPED)
    duplicate = await enterprise_id(services, TYPED)
    await submit(services, first.id, title="钻杆螺纹防护")
    async with services.db.session() as session:
        team = ServiceTeam(name="劳模服务队")
        session.add(team)
        session.add(Studio(name="宝石创新工作室", enterprise_id=duplicate))
        session.add(
            Event(
                title="螺纹检测培训", audience={"enterprise_ids": [duplicate]}, checkin_token="t1"
            )
        )
        await session.flush()
        for served in (duplicate, kept):  # the team serves both: the same service, once
            session.add(ServedEnterprise(team_id=team.id or 0, enterprise_id=served))
        other_team = ServiceTeam(name="工匠服务队")
        session.add(other_team)
        await session.flush()
        session.add(ServedEnterprise(team_id=other_team.id or 0, enterprise_id=duplicate))
        teams = (team.id, other_team.id)
    announcement = await services.broadcasts.create(
        kind="announcement",
        html_zh="下周停电检修",
        html_en="Power cut next week",
        audience=Audience(enterprise_ids=(duplicate,)),
        created_by=None,
        send_at=utcnow() + timedelta(days=2),
    )
    admin = await person(emulator, services, "管理员", role=Role.ADMIN, enterprise=None)

    await admin.send("/enterprises")
    await admin.reply()
    await admin.press(TYPED)
    assert "2 人填的是它" in (await admin.reply()).text
    await admin.press("🔀 合并到…")
    picker = await admin.reply()
    assert "合并到哪家企业" in picker.text
    assert picker.button_texts[0] == KEPT  # the likest name first
    assert TYPED not in picker.button_texts
    await admin.press(KEPT)
    confirm = await admin.reply()
    assert f"把“{TYPED}”合并到“{KEPT}”" in confirm.text
    assert "2 人" in confirm.text
    assert await services.enterprises.unverified() != []  # nothing happens before the press
    await admin.press("🔀 确定合并")
    assert f"已把“{TYPED}”合并到“{KEPT}”：2 人已移过去" in (await admin.reply()).text

    async with services.db.reader() as session:
        assert await session.get(Enterprise, duplicate) is None
        people = [u.enterprise_id for u in (await session.exec(select(User))).all()]
        proposal = (await session.exec(select(Proposal))).one()
        studio = (await session.exec(select(Studio))).one()
        served = (await session.exec(select(ServedEnterprise))).all()
        event = (await session.exec(select(Event))).one()
        broadcast = await session.get(Broadcast, announcement)
    assert people.count(kept) == 2
    assert (proposal.enterprise_id, studio.enterprise_id) == (kept, kept)
    assert sorted((s.team_id, s.enterprise_id) for s in served) == [(t, kept) for t in teams]
    assert event.audience["enterprise_ids"] == [kept]
    assert broadcast is not None
    assert broadcast.audience["enterprise_ids"] == [kept]
    assert await services.enterprises.unverified() == []
    await first.send("/profile")
    assert KEPT in (await until(first, "企业")).text
    assert second.id in await services.broadcasts.audience.resolve(Audience(enterprise_ids=(kept,)))

    await admin.press_data(f"ent:mergeok:{duplicate}:{kept}")  # a second tap, or a second admin
    assert "已经核对过或已合并" in (await admin.reply()).text


async def test_a_worker_forging_enterprise_buttons_is_refused_and_nothing_changes(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A non-admin pressing any /enterprises button is refused; nothing is shown or changed."""
    kept = (await services.enterprises.named(name=KEPT)).id
    worker = await added_by_newcomer(emulator, "钱师傅", TYPED)
    duplicate = await enterprise_id(services, TYPED)
    await worker.send("/enterprises")  # leaves onboarding's questions, then is refused
    await until(worker, "没有权限")
    forged = (
        "ent:list",
        f"ent:show:{duplicate}",
        f"ent:ok:{duplicate}",
        f"ent:merge:{duplicate}:0",
        f"ent:into:{duplicate}:{kept}",
        f"ent:mergeok:{duplicate}:{kept}",
    )
    for data in forged:
        answer = await worker.answer_to(await worker.press_data(data))
        assert answer.show_alert, data
        assert "没有权限" in (answer.text or ""), data
    await worker.settle()
    assert worker.pending_replies() == []
    assert [e.id for e in await services.enterprises.unverified()] == [duplicate]
    async with services.db.reader() as session:
        mine = await session.get(User, worker.id)
        assert mine is not None
        assert mine.enterprise_id == duplicate
        moved = select(User).where(col(User.enterprise_id) == kept)
        assert (await session.exec(moved)).all() == []
