"""Quiet hours late at night in Beijing: what must arrive arrives, and what waits says so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.clock import utcnow
from bot.models.organizations import Studio
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import PNG, answer, person, until

SHANGHAI = ZoneInfo("Asia/Shanghai")


def next_local(hour: int, minute: int) -> datetime:
    """The next moment it is ``hour:minute`` in Beijing (always ahead of the real clock)."""
    now = utcnow().astimezone(SHANGHAI)
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


LATE = next_local(23, 45)
MORNING = LATE.replace(hour=7, minute=0, second=5) + timedelta(days=1)
TWENTY_TO_MIDNIGHT = next_local(23, 40)


@pytest.fixture
def traveller() -> Iterator[time_machine.Coordinates]:
    """A quarter to midnight in Beijing, inside everyone's default quiet hours (22:00-07:00)."""
    with time_machine.travel(LATE, tick=True) as coordinates:
        yield coordinates


@pytest.fixture
def night() -> Iterator[time_machine.Coordinates]:
    """Twenty to midnight in Beijing, as a tester would try it at 23:4x."""
    with time_machine.travel(TWENTY_TO_MIDNIGHT, tick=True) as coordinates:
        yield coordinates


def morning_after(moment: datetime) -> datetime:
    """Five seconds past seven the morning after ``moment``, when quiet hours end."""
    return moment.replace(hour=7, minute=0, second=5) + timedelta(days=1)


async def silent(user: SimUser) -> None:
    """Give the bot time to send, and check it sent ``user`` nothing."""
    await user.settle(quiet=0.8)
    assert user.pending_replies() == [], user.pending_replies()


async def notice(services: Services, admin: SimUser, text: str, **options: bool) -> int:
    """An announcement to everyone, as the admin would send it."""
    return await services.broadcasts.create(
        kind="announcement",
        html_zh=text,
        html_en=text,
        audience=Audience(everyone=True),
        created_by=admin.id,
        **options,
    )


async def test_at_night_must_read_and_urgent_arrive_and_the_report_explains_the_held(
    traveller: time_machine.Coordinates, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A must-read and an urgent notice arrive at 23:45; an ordinary one waits until 07:00.

    The admin's delivery report says how many copies wait for quiet hours and until when.
    """
    worker = await person(emulator, services, "夜班王师傅")
    admin = await person(emulator, services, "管理员", role=Role.ADMIN, enterprise=None)
    ordinary = await notice(services, admin, "明天例行检查")
    await notice(services, admin, "安全规程修订，请阅读", must_read=True)
    await notice(services, admin, "暴雨停工", urgent=True)
    arrived = [(await worker.reply()).text for _ in range(2)]
    assert any("安全规程修订" in text for text in arrived), arrived
    assert any("暴雨停工" in text for text in arrived), arrived
    await worker.settle(quiet=0.8)
    assert not [m for m in worker.pending_replies() if "例行检查" in m.text]

    await admin.send("/broadcasts")
    await until(admin, f"#{ordinary}")
    await admin.press(f"#{ordinary}")
    report = await until(admin, "免打扰中 2 人")  # the worker and the admin
    assert "07:00" in report.text, report.text

    traveller.move_to(MORNING)
    assert "例行检查" in (await until(worker, "例行检查", within=3)).text


async def submitted_with_a_photo(worker: SimUser) -> str:
    """The worker writes a proposal with one photo through the chat; its number."""
    await worker.send("💡 提建议")
    await worker.reply()
    for text in ("焊接工装快速定位", "换型找正慢", "用定位销和快换夹具"):
        await worker.send(text)
        await worker.reply()
    await worker.press("⚡ 效率")
    await worker.reply()
    await answer(worker, "每班节省 30 分钟", "5")
    await worker.send_photo(PNG)
    await worker.reply()
    await worker.press("✅ 完成（1 张）")
    await worker.reply()
    await worker.press("跳过")
    await worker.reply()
    await worker.press("🙋 署名提交")
    await worker.reply()
    await worker.press("📨 提交")
    confirmation = await until(worker, "提交成功")
    found = re.search(r"№(\d{4}-\d{4})", confirmation.text)
    assert found, confirmation.text
    return found.group(1)


async def test_a_night_acceptance_says_when_the_author_hears_and_myideas_shows_scores(
    traveller: time_machine.Coordinates, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Accepted at 23:45, the reviewer reads when the author will be told (07:00).

    Meanwhile the author's /myideas card shows the scores and the photo, the reviewer's card
    shows the scores too, and at 07:00 the news arrives.
    """
    worker = await person(emulator, services, "王师傅")
    reviewer = await person(emulator, services, "张劳模", role=Role.MODEL_WORKER, enterprise=None)
    number = await submitted_with_a_photo(worker)

    await reviewer.send("/review")
    await until(reviewer, number)
    await reviewer.press("⭐ 打分")
    for score in ("4", "3", "5"):
        await reviewer.reply()
        await reviewer.press(score)
    assert "评分已保存" in (await reviewer.reply()).text
    await reviewer.press("✅ 采纳")
    await reviewer.reply()
    await reviewer.send("先在二号线试点")
    done = await until(reviewer, "✅ 已采纳")
    assert "已通知提出人" not in done.text
    assert "07:00" in done.text, done.text
    await silent(worker)

    await reviewer.send("/review")
    await until(reviewer, "没有待评审")
    await reviewer.press("🏗 待实施")
    card = await until(reviewer, number)
    assert "⭐ 评分：可行性 4.0 · 效益 3.0 · 创新 5.0" in card.text, card.text

    await worker.send("/myideas")
    listing = await worker.reply()
    await worker.press(next(text for row in listing.buttons for text, _ in row if number in text))
    mine = await until(worker, "先在二号线试点")
    assert "⭐ 评分：可行性 4.0 · 效益 3.0 · 创新 5.0" in mine.text, mine.text
    assert "1 张照片" in mine.text, mine.text
    await worker.press("📎 照片和附件（1）")
    assert (await worker.reply()).kind == "photo"

    traveller.move_to(MORNING)
    news = await until(worker, "已被采纳", within=3)
    assert "可行性 4" in news.text


async def test_an_event_published_at_night_says_how_many_invitations_wait_and_until_when(
    night: time_machine.Coordinates, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Published at 23:40, the confirmation says 3 people are in quiet hours, invited at 07:00."""
    admin = await person(emulator, services, "工会干事", role=Role.ADMIN, enterprise=None)
    workers = [await person(emulator, services, name) for name in ("夜班赵师傅", "夜班钱师傅")]
    await admin.send("/event_new")
    await until(admin, "活动名称")
    await admin.send("叉车安全培训")
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
    await until(admin, "请确认")
    await admin.press("📣 发布并通知")
    published = await until(admin, "已发布")
    assert "其中 3 人正在免打扰时段" in published.text, published.text
    assert "07:00" in published.text, published.text
    for worker in workers:
        await silent(worker)

    night.move_to(morning_after(TWENTY_TO_MIDNIGHT))
    for worker in workers:
        assert "叉车安全培训" in (await until(worker, "新活动", within=3)).text


async def test_a_proposal_sent_to_a_studio_at_night_says_when_its_leader_is_told(
    night: time_machine.Coordinates, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Submitted at 23:40, the confirmation says the studio's leader hears at 07:00, not now."""
    leader = await person(emulator, services, "刘工匠", role=Role.CRAFTSMAN)
    async with services.db.session() as session:
        session.add(Studio(name="刘工匠创新工作室", leader_id=leader.id))
    worker = await person(emulator, services, "夜班孙师傅")
    await worker.send("/idea")
    await worker.reply()
    for text in ("叉车通道反光标识", "夜班通道看不清", "贴反光条"):
        await worker.send(text)
        await worker.reply()
    await worker.press("🦺 安全")
    await worker.reply()
    for _ in range(3):
        await worker.press("跳过")
        await worker.reply()
    await worker.press("刘工匠创新工作室")
    await worker.reply()
    await worker.press("🙋 署名提交")
    await worker.reply()
    await worker.press("📨 提交")
    confirmation = await until(worker, "提交成功")
    assert "已通知" not in confirmation.text, confirmation.text
    assert "刘工匠创新工作室" in confirmation.text, confirmation.text
    assert "07:00" in confirmation.text, confirmation.text
    await silent(leader)

    night.move_to(morning_after(TWENTY_TO_MIDNIGHT))
    told = await until(leader, "新建议", within=3)
    assert "叉车通道反光标识" in told.text
