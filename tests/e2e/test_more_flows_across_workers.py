"""More flows with every step on another worker process: web + 2 workers on PostgreSQL.

As in ``test_flows_across_workers``, each action of each person is handled by the other worker
than the one before it, so a flow goes on only if its step is read from the database with the
update. The workers run on the real clock: times are typed relative to the real now. After each
journey the stored rows are checked field by field.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.clock import utcnow
from bot.models.broadcasts import Broadcast, Delivery
from bot.models.events import Answer
from bot.models.network import Honour
from bot.models.proposals import BenefitCategory, ProposalStatus
from bot.models.users import Role
from bot.sandbox import BotMessage, Emulator
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from tests.e2e.across_workers import (
    ADMIN_ID,
    ENTERPRISE,
    Alternating,
    cluster,
    emulator,
    person,
    settings,
    web,
)
from tests.e2e.cluster import Cluster
from tests.network_helpers import load_network
from tests.services.proposal_helpers import submit

pytestmark = pytest.mark.slow
__all__ = ["cluster", "emulator", "settings", "web"]  # fixtures

SHANGHAI = ZoneInfo("Asia/Shanghai")
WANG, ZHAO, SUN, QIAN = 1003, 1006, 1011, 1012  # people of the network fixture
TITANIUM = "宝鸡钛业股份有限公司"


async def until(user: Alternating, text: str, *, within: int = 8) -> BotMessage:
    """The user's next message containing ``text`` (others, e.g. photos, are skipped)."""
    seen = []
    for _ in range(within):
        message = await user.reply(timeout=10)
        if text in message.text:
            return message
        seen.append(message.text)
    raise AssertionError(f"{user.name} never got {text!r}; got {seen}")


def payload(message: BotMessage) -> str:
    """The ``/start`` payload of the invitation link a message carries."""
    found = re.search(r"start=([A-Za-z0-9_-]+)", message.text)
    assert found, message.text
    return found.group(1)


def shanghai(days: int, hour: int) -> datetime:
    """``hour`` o'clock in Shanghai ``days`` days after today (real clock), in UTC."""
    day = utcnow().astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC"))


async def test_a_reminder_typed_when_asked_is_set_and_listed_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/remind alone asks; the phrase, the confirmation and /reminders each go to another worker."""
    worker = await person(emulator, services, cluster, "王师傅")
    await worker.send("/remind")
    assert "什么时候提醒你什么" in (await worker.reply()).text
    await worker.send("明天9点 学习第三课")
    card = await worker.reply()
    assert "学习第三课" in card.text
    assert "09:00" in card.text
    await worker.press("✅ 确认")
    assert "提醒已设置" in (await worker.reply()).text
    await worker.send("/reminders")
    listing = await worker.reply()
    assert "学习第三课" in listing.text
    assert listing.button_texts == ["✖ 1"]

    (reminder,) = await services.reminders.upcoming(user_id=worker.id)
    assert (reminder.subject, reminder.due_at) == ("学习第三课", shanghai(1, 9))
    assert await services.reminders.asking() == []


async def test_an_event_drafted_step_by_step_is_published_and_answered_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/event_new from the title to publication; the announcement reaches a worker who goes."""
    admin = await person(emulator, services, cluster, "工会干事", user_id=ADMIN_ID, enterprise=None)
    worker = await person(emulator, services, cluster, "王师傅")
    await admin.send("/event_new")
    assert "活动名称" in (await until(admin, "第 1 步")).text
    await admin.send("数控车工技能培训")
    await until(admin, "介绍")
    await admin.press("跳过")
    await until(admin, "在哪里")
    await admin.send("培训中心301")
    await until(admin, "什么时候开始")
    await admin.send("后天下午3点")
    await until(admin, "什么时候结束")
    await admin.send("2小时后")
    await until(admin, "多少人")
    await admin.send("30")
    await until(admin, "邀请谁")
    await admin.press("下一步 ▶️")
    preview = await until(admin, "请确认")
    assert "培训中心301" in preview.text
    assert "15:00–17:00" in preview.text
    await admin.press("📣 发布并通知")
    await until(admin, "已发布")

    announcement = await until(worker, "新活动")
    assert "数控车工技能培训" in announcement.text
    await worker.press("✅ 参加")
    assert "名额 1/30" in (await until(worker, "你的回复")).text

    (event,) = await services.events.upcoming(user_id=ADMIN_ID)
    assert (event.title, event.description, event.place) == ("数控车工技能培训", "", "培训中心301")
    assert (event.starts_at, event.ends_at) == (shanghai(2, 15), shanghai(2, 17))
    assert (event.capacity, event.going, event.status) == (30, 1, "published")
    assert event.audience == Audience(everyone=True)
    assert await services.event_drafts.current(user_id=ADMIN_ID) is None
    rows = await services.events.attendance(event_id=event.id)
    assert [(r.user_id, r.answer) for r in rows] == [(worker.id, Answer.GOING)]


async def test_an_announcement_composed_across_workers_reaches_its_audience(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/announce: both texts, no photo, the craftsmen, sent now; the craftsman gets it once."""
    admin = await person(emulator, services, cluster, "工会干事", user_id=ADMIN_ID, enterprise=None)
    craftsman = await person(emulator, services, cluster, "王焊工", role=Role.CRAFTSMAN)
    await admin.send("/announce")
    assert "中文" in (await admin.reply()).text
    await admin.send("明天上午9点一号车间焊接技能比武")
    assert "英文" in (await admin.reply()).text
    await admin.send("Welding contest tomorrow 9 am in Workshop 1")
    assert "图片" in (await admin.reply()).text
    await admin.press("不要图片")
    skipped, header, chinese, english, picker = await admin.replies(5)
    assert skipped.text == "已跳过。"
    assert "预览" in header.text
    assert "焊接技能比武" in chinese.text
    assert "Welding contest" in english.text
    assert "发给谁" in picker.text
    await admin.press("🎖 角色（0）")
    await admin.reply()
    await admin.press("工匠")
    assert "✔ 工匠" in (await admin.reply()).button_texts
    await admin.press("返回")
    chosen = await admin.reply()
    assert "角色：工匠" in chosen.text
    await admin.press("下一步 ›")
    await admin.reply()
    await admin.press("🚀 立即发送")
    assert "目前 1 人" in (await admin.reply()).text
    await admin.press("✅ 确认发送")
    started = (await admin.reply()).text
    assert "已开始发送" in started
    broadcast_id = int(re.search(r"#(\d+)", started).group(1))  # type: ignore[union-attr]

    got = await until(craftsman, "焊接技能比武")
    assert got.photo is None

    async with services.db.reader() as session:
        stored = await session.get(Broadcast, broadcast_id)
        deliveries = (
            await session.exec(select(Delivery).where(Delivery.broadcast_id == broadcast_id))
        ).all()
    assert stored is not None
    assert (stored.kind, stored.status, stored.created_by) == ("announcement", "started", ADMIN_ID)
    assert (stored.html_zh, stored.html_en) == (
        "明天上午9点一号车间焊接技能比武",
        "Welding contest tomorrow 9 am in Workshop 1",
    )
    assert Audience.from_json(stored.audience) == Audience(roles=(Role.CRAFTSMAN.value,))
    assert (stored.photo_id, stored.urgent, stored.must_read) == (None, False, False)
    assert (stored.send_at, stored.cron) == (None, None)
    (delivery,) = deliveries
    assert (delivery.user_id, delivery.round, delivery.status) == (craftsman.id, 0, "sent")
    assert (delivery.locale, delivery.message_id) == ("zh", got.message_id)
    assert delivery.sent_at is not None
    assert await services.announcements.draft(admin_id=ADMIN_ID) is None


async def test_a_help_request_is_accepted_and_relayed_both_ways_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/ask to two welders; one takes it; a question and its answer pass through the relay."""
    await load_network(services)
    wang = await person(
        emulator, services, cluster, "王建军", user_id=WANG, username="wang_tig", enterprise=None
    )
    zhao = await person(
        emulator, services, cluster, "赵红梅", user_id=ZHAO, username="zhao_pipe", enterprise=None
    )
    worker = await person(emulator, services, cluster, "小李", username="xiaoli1990")
    await worker.send("/ask")
    assert "说说你遇到的问题" in (await worker.reply()).text
    await worker.send("钛合金焊缝总有气孔，怎么办？")
    assert "已记下" in (await worker.reply()).text
    await worker.press("✅ 说完了")
    assert "哪个领域" in (await worker.reply()).text
    await worker.press("焊接")
    assert "领域：焊接" in (await worker.reply()).text
    assert "你在哪里" in (await worker.reply()).text
    await worker.press("跳过")
    assert "已发给 2 位专家" in (await worker.reply()).text

    offer = await until(wang, "钛合金焊缝总有气孔")
    request_id = int(re.search(r"求助 #(\d+)", offer.text).group(1))  # type: ignore[union-attr]
    await until(zhao, "钛合金焊缝总有气孔")
    await wang.press("✅ 我来解答")
    assert "由你负责" in (await wang.reply()).text
    accepted = await until(worker, f"有专家接下了你的求助 #{request_id}")
    assert "王建军" in accepted.text

    await worker.send("请问用什么焊丝？")
    relayed = await until(wang, "请问用什么焊丝")
    assert f"#{request_id} 求助者" in relayed.text
    assert "已转给专家" in (await worker.reply()).text
    await wang.send("用 TA2 焊丝，加强氩气保护。")
    answer = await until(worker, "TA2 焊丝")
    assert f"#{request_id} 专家" in answer.text
    assert "已转给求助者" in (await wang.reply()).text

    request = await services.network.help_requests.find(request_id=request_id)
    assert request is not None
    assert (request.status, request.field, request.text) == (
        "accepted",
        "welding",
        "钛合金焊缝总有气孔，怎么办？",
    )
    assert (request.region, request.round, request.rating, request.media) == (None, 1, None, ())
    offers = await services.network.help_requests.offers(request_id=request_id)
    assert sorted(o["user_id"] for o in offers) == [WANG, ZHAO]
    assert await services.network.relay.transcript(request_id=request_id, user_id=worker.id) == [
        (True, "text", "请问用什么焊丝？"),
        (False, "text", "用 TA2 焊丝，加强氩气保护。"),
    ]
    assert await services.network.help_drafts.draft_of(user_id=worker.id) is None


async def test_an_expert_card_is_created_and_edited_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/expert: a craftsman picks a field, types skills, then edits the region, step by step."""
    craftsman = await person(emulator, services, cluster, "刘工匠", role=Role.CRAFTSMAN)
    await craftsman.send("/expert")
    assert "哪个领域" in (await craftsman.reply()).text
    await craftsman.press("焊接")
    assert "你的名录名片" in (await craftsman.reply()).text
    await craftsman.press("✏️ 技能")
    assert "写下你的技能" in (await craftsman.reply()).text
    await craftsman.send("钛合金焊接、TIG，机器人焊接")
    assert "🔧 焊接：钛合金焊接、TIG、机器人焊接" in (await craftsman.reply()).text
    await craftsman.press("✏️ 地区")
    assert "哪个地区" in (await craftsman.reply()).text
    await craftsman.send("宝鸡市陈仓区")
    assert f"📍 {ENTERPRISE} · 宝鸡市陈仓区" in (await craftsman.reply()).text

    own = await services.network.experts.own(user_id=craftsman.id)
    assert own is not None
    card = own.card
    assert (card.name, card.honour, card.field) == ("刘工匠", Honour.OTHER, "welding")
    assert card.skills == ("钛合金焊接", "TIG", "机器人焊接")
    assert (card.enterprise, card.region, card.story, card.available) == (
        ENTERPRISE,
        "宝鸡市陈仓区",
        None,
        True,
    )
    assert own.step is None
    assert own.settings["listed"]


async def test_a_team_member_logs_a_visit_with_a_note_and_photo_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/team: the kind, the enterprise, a note, a photo and save, each on another worker."""
    member = await person(emulator, services, cluster, "李国强", role=Role.MODEL_WORKER)
    team = await services.network.teams.create(name="宝鸡劳模服务队", by=member.id)
    await services.network.teams.serve(team_id=team.id, user_id=member.id, enterprise_name=TITANIUM)
    await member.send("/team")
    assert "宝鸡劳模服务队" in (await member.reply()).text
    await member.press("📝 记一笔")
    assert "记录什么" in (await member.reply()).text
    await member.press("🏭 走访")
    assert "在哪家企业" in (await member.reply()).text
    await member.press(TITANIUM)
    assert "写几句说明" in (await member.reply()).text
    await member.send("走访宝钛熔铸车间，讲解钛材数控加工要点。")
    assert "已记下" in (await member.reply()).text
    await member.send_photo(b"workshop-visit")
    assert "1 张照片" in (await member.reply()).text
    await member.press("💾 保存")
    assert "已记录：🏭 走访" in (await member.reply()).text

    record = await services.network.teams.record(team_id=team.id, user_id=member.id)
    assert record is not None
    assert record.counts == {"visit": 1, "training": 0, "solved": 0}
    (entry,) = record.recent
    assert (entry.kind, entry.enterprise, entry.author, entry.step) == (
        "visit",
        TITANIUM,
        "李国强",
        None,
    )
    assert entry.note == "走访宝钛熔铸车间，讲解钛材数控加工要点。"
    assert len(entry.photos) == 1
    assert entry.logged_at is not None
    assert await services.network.teams.drafting() == {}


async def test_a_pair_is_set_up_joined_and_checked_in_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/newpair: enterprise, goals, rhythm; the contact joins by link and checks in."""
    expert = await person(emulator, services, cluster, "白志勇", role=Role.MODEL_WORKER)
    contact = await person(emulator, services, cluster, "宝钛联系人", enterprise=TITANIUM)
    await expert.send("/newpair")
    assert "和哪家企业结对" in (await expert.reply()).text
    await expert.send(TITANIUM)
    assert "目标" in (await expert.reply()).text
    await expert.send("一年内焊接一次合格率提高到 98%")
    assert "多久交流" in (await expert.reply()).text
    await expert.press("每两周")
    assert "结对开始了" in (await expert.reply()).text
    invitation = await expert.reply()
    assert invitation.photo

    await contact.send(f"/start {payload(invitation)}")
    assert "98%" in (await until(contact, "你已加入结对")).text
    await until(expert, "联系人已加入")
    await contact.press("📝 交流进展")
    assert "结对进展如何" in (await contact.reply()).text
    await contact.send("本月一次合格率到了 95%。")
    assert "交流进展已记录" in (await contact.reply()).text
    assert "95%" in (await until(expert, "有新进展")).text
    await expert.press("📜 历史")
    history = await until(expert, "结对交流记录")
    assert "企业 · 宝钛联系人" in history.text

    (pair,) = await services.network.pairings.pairs(user_id=expert.id)
    assert (pair.expert, pair.enterprise, pair.goals) == (
        "白志勇",
        TITANIUM,
        "一年内焊接一次合格率提高到 98%",
    )
    assert (pair.cadence_days, pair.active, pair.joined, pair.step) == (14, True, True, None)
    found = await services.network.pairings.history(pairing_id=pair.id, user_id=expert.id)
    assert found is not None
    assert [(c.by_expert, c.author, c.note) for c in found[1]] == [
        (False, "宝钛联系人", "本月一次合格率到了 95%。")
    ]
    due = await services.network.pairings.next_reminder(pairing_id=pair.id)
    assert due is not None
    assert timedelta(days=13) < due - utcnow() <= timedelta(days=14)


async def test_a_role_is_granted_by_name_and_revoked_by_username_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/grant 王 picks a person, a role and confirms; /revoke @wjj takes it back, confirmed."""
    admin = await person(emulator, services, cluster, "工会干事", user_id=ADMIN_ID, enterprise=None)
    # They wrote to the bot under their username (``person`` records only the name).
    await services.users.seen(user_id=7001, name="王建军", username="wjj", language_code="zh")
    target = await person(emulator, services, cluster, "王建军", user_id=7001, username="wjj")
    other = await person(emulator, services, cluster, "王师傅")
    label = f"王建军 · @wjj · {ENTERPRISE}"

    await admin.send("/grant 王")
    listing = await admin.reply()
    assert sorted(listing.button_texts) == sorted([label, f"王师傅 · {ENTERPRISE}"])
    await admin.press(label)
    assert f"要给 {label} 授予哪个角色" in (await admin.reply()).text
    await admin.press("劳模")
    assert "劳模" in (await admin.reply()).text
    assert Role.MODEL_WORKER not in await services.users.roles(user_id=target.id)  # not yet
    await admin.press("✅ 确认")
    assert "已授予" in (await admin.reply()).text
    assert await services.users.roles(user_id=target.id) == frozenset(
        {Role.WORKER, Role.MODEL_WORKER}
    )

    await admin.send("/revoke @wjj")
    revoking = await admin.reply()
    assert revoking.button_texts == ["劳模"]
    await admin.press("劳模")
    assert "收回" in (await admin.reply()).text
    assert Role.MODEL_WORKER in await services.users.roles(user_id=target.id)  # not yet
    await admin.press("✅ 确认")
    assert "已收回" in (await admin.reply()).text
    assert await services.users.roles(user_id=target.id) == frozenset({Role.WORKER})
    assert await services.users.roles(user_id=other.id) == frozenset({Role.WORKER})


async def test_a_studio_leader_invites_and_a_member_joins_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/studios, the card, the leader's invitation and the member's join, each on another worker."""
    await load_network(services)
    leader = await person(emulator, services, cluster, "孙建华", user_id=SUN, enterprise=None)
    member = await person(emulator, services, cluster, "钱文斌", user_id=QIAN, enterprise=None)
    await leader.send("/studios")
    assert "共 4 个" in (await leader.reply()).text
    await leader.press("法士特齿轮工匠工作室")
    assert "领衔人：孙建华" in (await leader.reply()).text
    await leader.press("🔗 邀请成员")
    invitation = await leader.reply()
    assert invitation.photo
    await member.send(f"/start {payload(invitation)}")
    assert "你已加入“法士特齿轮工匠工作室”" in (await member.reply()).text

    studios, _ = await services.network.studios.registry(limit=10)
    (studio,) = [s for s in studios if s.name == "法士特齿轮工匠工作室"]
    assert (studio.leader, studio.members) == ("孙建华", ("孙建华", "钱文斌"))
    assert await services.network.studios.leads(studio_id=studio.id, user_id=SUN)
    report = await services.network.studios.coverage()
    assert (report.total.covered, report.total.gap) == (7, 3)


async def test_push_settings_change_through_the_buttons_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/settings: announcements to off in two taps, events to digest, quiet hours set twice."""
    worker = await person(emulator, services, cluster, "王师傅")
    await worker.send("/settings")
    screen = await worker.reply()
    assert "🌙 免打扰：关闭" in screen.button_texts
    for label, shown in (
        ("📣 公告：立即推送", "📣 公告：每日汇总"),
        ("📣 公告：每日汇总", "📣 公告：关闭"),
        ("📅 活动：立即推送", "📅 活动：每日汇总"),
        ("🌙 免打扰：关闭", "🌙 免打扰：22:00–07:00"),
        ("🌙 免打扰：22:00–07:00", "🌙 免打扰：23:00–07:00"),
    ):
        await worker.press(label)
        edited = await worker.reply()
        assert edited.edited
        assert shown in edited.button_texts

    push = await services.preferences.of(user_id=worker.id)
    assert push.modes == {
        "announcements": "off",
        "events": "digest",
        "lessons": "now",
        "proposals": "now",
    }
    assert (push.quiet_from, push.quiet_until, push.digest_hour) == (23 * 60, 7 * 60, 18)


async def test_a_rejection_and_a_needs_info_round_trip_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """One proposal rejected with a typed reason; another asked about and answered by its author."""
    worker = await person(emulator, services, cluster, "赵师傅")
    reviewer = await person(
        emulator, services, cluster, "孙评审", role=Role.REVIEWER, enterprise=None
    )
    rejected = await submit(services, worker.id, title="地面划线重新刷漆")
    asked = await submit(services, worker.id, title="冷却液过滤改进")

    await reviewer.send("/review")
    await until(reviewer, "地面划线重新刷漆")
    await reviewer.press("❌ 不采纳")
    assert "理由" in (await reviewer.reply()).text
    await reviewer.send("本月已安排统一翻新")
    await until(reviewer, "为未采纳")
    assert "本月已安排统一翻新" in (await until(worker, "没有被采纳")).text

    await reviewer.send("/review")
    await until(reviewer, "冷却液过滤改进")
    await reviewer.press("❓ 需补充")
    assert "需要提出人补充什么" in (await reviewer.reply()).text
    await reviewer.send("滤芯多大，成本多少？")
    await until(reviewer, "已请提出人补充")
    assert "滤芯多大" in (await until(worker, "评审希望您补充")).text
    await worker.press("✍️ 补充信息")
    assert "请补充" in (await worker.reply()).text
    await worker.send("50 微米滤芯，每个 120 元")
    assert "重新进入评审" in (await worker.reply()).text
    assert "50 微米滤芯" in (await until(reviewer, "提出人已补充")).text

    first = await services.proposals.card(proposal_id=rejected.proposal_id, viewer_id=worker.id)
    assert first.status == ProposalStatus.REJECTED
    assert [(h.to_status, h.comment) for h in first.history] == [
        (ProposalStatus.SUBMITTED, None),
        (ProposalStatus.REJECTED, "本月已安排统一翻新"),
    ]
    second = await services.proposals.card(proposal_id=asked.proposal_id, viewer_id=worker.id)
    assert second.status == ProposalStatus.UNDER_REVIEW
    assert [(h.to_status, h.comment) for h in second.history] == [
        (ProposalStatus.SUBMITTED, None),
        (ProposalStatus.NEEDS_INFO, "滤芯多大，成本多少？"),
        (ProposalStatus.UNDER_REVIEW, "50 微米滤芯，每个 120 元"),
    ]
    assert (first.comments, second.comments) == ((), ())
    assert await services.proposal_prompts.pending(user_id=reviewer.id) is None
    assert await services.proposal_prompts.pending(user_id=worker.id) is None


async def test_a_proposal_paused_by_cancel_is_continued_and_submitted_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/idea, /cancel keeps the draft, /idea and "continue" pick it up to submission."""
    worker = await person(emulator, services, cluster, "周师傅")
    await worker.send("/idea")
    assert "1\ufe0f\u20e3" in (await worker.reply()).text
    await worker.send("空压机漏气")
    assert "问题" in (await worker.reply()).text
    await worker.send("/cancel")
    assert "草稿已保存" in (await worker.reply()).text
    await worker.send("/idea")
    assert "空压机漏气" in (await worker.reply()).text
    await worker.press("✍️ 接着写")
    assert "问题" in (await worker.reply()).text
    for text, asked in (("管路接头老化，夜班漏气声很大", "办法"), ("更换快插接头并加检漏", "效益")):
        await worker.send(text)
        assert asked in (await worker.reply()).text
    await worker.press("⚡ 效率")
    await worker.reply()
    await worker.send("每月少开一台空压机")
    assert "照片" in (await worker.reply()).text
    await worker.press("跳过")
    assert "补充" in (await worker.reply()).text
    await worker.press("跳过")
    assert "匿名" in (await worker.reply()).text
    await worker.press("🙋 署名提交")
    await until(worker, "再看一眼")
    await worker.press("📨 提交")
    await until(worker, "提交成功")

    (line,) = await services.proposals.mine(user_id=worker.id)
    card = await services.proposals.card(proposal_id=line.id, viewer_id=worker.id)
    assert (card.title, card.problem, card.solution) == (
        "空压机漏气",
        "管路接头老化，夜班漏气声很大",
        "更换快插接头并加检漏",
    )
    assert (card.benefit, card.benefit_text) == (BenefitCategory.EFFICIENCY, "每月少开一台空压机")
    assert (card.status, card.anonymous, card.author_name) == (
        ProposalStatus.SUBMITTED,
        False,
        "周师傅",
    )
    assert (card.enterprise, card.place, card.studio) == (ENTERPRISE, None, None)
    assert (card.photos, card.voices, card.documents) == ((), (), ())
    assert await services.proposal_drafts.current(user_id=worker.id) is None
