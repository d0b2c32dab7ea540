"""/announce and /broadcasts as admins use them, in Chinese and in English; workers are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import update

from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from bot.services.broadcasts.outbox import DELIVERY
from tests.conftest import BotRunner
from tests.e2e.broadcasts.conftest import ADMIN_ID, TOMORROW, finished, known, png

NOON = TOMORROW + timedelta(hours=4)  # 12:00 in Shanghai, outside quiet hours


@pytest.fixture(autouse=True)
def midday() -> object:
    """Every test here runs at noon in Shanghai, with the clock ticking."""
    with time_machine.travel(NOON, tick=True) as traveller:
        yield traveller


async def test_announce_in_chinese_with_photo_to_an_enterprises_craftsmen(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Photo, two languages, one plant's craftsmen, must-read: each gets it in their language."""
    plant = (await services.enterprises.named(name="宝鸡石油机械")).id
    other = (await services.enterprises.named(name="西安航天动力")).id
    welder = await known(emulator, services, "王焊工", roles=("craftsman",), enterprise_id=plant)
    guest = await known(
        emulator, services, "Li Wei", lang="en", roles=("craftsman",), enterprise_id=plant
    )
    plain = await known(emulator, services, "普通职工", enterprise_id=plant)
    elsewhere = await known(
        emulator, services, "外厂工匠", roles=("craftsman",), enterprise_id=other
    )
    admin = await known(emulator, services, "工会干事", user_id=ADMIN_ID)

    await admin.send("/announce")
    assert "中文" in (await admin.reply()).text
    await admin.send_photo(png(), caption="明天上午9点一号车间焊接技能比武")
    assert "英文" in (await admin.reply()).text
    await admin.send("Welding contest tomorrow 9 am in Workshop 1")
    header, chinese, english, picker = await admin.replies(4)
    assert "预览" in header.text
    assert chinese.photo
    assert "焊接技能比武" in chinese.text
    assert english.photo
    assert "Welding contest" in english.text
    assert "发给谁" in picker.text

    await admin.press("🏭 企业（0）")
    await admin.reply()
    await admin.press("宝鸡石油机械 · 3")
    assert "✔ 宝鸡石油机械 · 3" in (await admin.reply()).button_texts
    await admin.press("返回")
    await admin.reply()
    await admin.press("🎖 角色（0）")
    await admin.reply()
    await admin.press("工匠")
    await admin.reply()
    await admin.press("返回")
    chosen = await admin.reply()
    assert "企业：宝鸡石油机械；角色：工匠" in chosen.text
    assert "2 人" in chosen.text
    await admin.press("下一步 ›")
    await admin.reply()
    await admin.press("📌 必读：否")
    assert "📌 必读：是" in (await admin.reply()).button_texts
    await admin.press("🚀 立即发送")
    confirm = await admin.reply()
    assert "目前 2 人" in confirm.text
    assert "必读：是" in confirm.text
    await admin.press("✅ 确认发送")
    assert "已开始发送" in (await admin.reply()).text

    got = await welder.reply()
    assert got.photo
    assert "焊接技能比武" in got.text
    assert "✅ 已读" in got.button_texts
    got = await guest.reply()
    assert got.photo
    assert "Welding contest" in got.text
    assert "✅ Read" in got.button_texts
    assert got.photo == welder.last.photo  # uploaded once, the same file everywhere
    for user in (plain, elsewhere):
        await user.settle()
        assert not user.history


async def test_announce_in_english_repeating_on_weekdays_then_cancelled(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An English admin schedules a weekday announcement, sees it in /broadcasts and cancels it."""
    admin = await known(emulator, services, "Union Staff", lang="en", user_id=ADMIN_ID)
    await known(emulator, services, "Worker", lang="en")
    await admin.send("/announce")
    await admin.reply()
    await admin.send("Morning safety briefing at the gate")
    await admin.reply()
    await admin.press("Skip")
    assert "picture" in (await admin.reply()).text
    await admin.press("No picture")
    assert (await admin.reply()).text == "Skipped."
    header, preview, _picker = await admin.replies(3)
    assert "Preview" in header.text
    assert "safety briefing" in preview.text
    answer = await admin.answer_to(await admin.press("Next ›"))
    assert "Nobody matches" in answer.text
    await admin.press("Everyone")
    await admin.reply()
    await admin.press("Next ›")
    await admin.reply()
    await admin.press("🔁 Repeat…")
    await admin.reply()
    await admin.press("Weekdays")
    assert "what time" in (await admin.reply()).text
    await admin.send("25:00")
    assert "could not read" in (await admin.reply()).text
    await admin.reply()
    await admin.send("7:30")
    confirm = await admin.reply()
    assert "Weekdays at 07:30" in confirm.text
    assert "everyone" in confirm.text
    await admin.press("✅ Send it")
    done = await admin.reply()
    assert "scheduled: Weekdays at 07:30" in done.text

    await admin.send("/broadcasts")
    listing = await admin.reply()
    assert "recurring" in listing.text
    broadcast_id = int(listing.button_texts[0].lstrip("#"))
    job = await services.scheduler.find(key=f"broadcast:{broadcast_id}")
    assert job is not None
    assert job.cron == "30 7 * * mon-fri"
    await admin.press(f"#{broadcast_id}")
    await admin.reply()
    await admin.press("⛔ Cancel")
    await admin.reply()
    await admin.press("⛔ Yes, cancel")
    report = await admin.reply()
    assert "cancelled" in report.text
    assert (await services.scheduler.find(key=f"broadcast:{broadcast_id}")).status == "cancelled"


async def test_admin_sees_progress_and_resends_unknown_ones(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The delivery report counts each state; resending the unknown ones reaches those people."""
    admin = await known(emulator, services, "Union Staff", lang="en", user_id=ADMIN_ID)
    worker = await known(emulator, services, "工人甲")
    broadcast_id = await services.broadcasts.create(
        kind="announcement",
        html_zh="检修通知",
        html_en="Maintenance notice",
        audience=Audience(roles=("worker",)),
        created_by=ADMIN_ID,
        urgent=True,
    )
    await finished(services, broadcast_id)
    await worker.reply()
    await admin.reply()
    async with services.db.writer() as connection:  # as a process killed mid-send leaves them
        await connection.execute(
            update(DELIVERY).where(DELIVERY.c.broadcast_id == broadcast_id).values(status="sending")
        )
    assert await services.broadcasts.outbox.recover(worker="the next process") == {broadcast_id: 2}

    await admin.send("/broadcasts")
    await admin.reply()
    await admin.press(f"#{broadcast_id}")
    report = await admin.reply()
    assert "Unknown: 2" in report.text
    await admin.press("🔁 Resend the 2 unknown")
    assert "may already have arrived" in (await admin.reply()).text
    await admin.press("🔁 Yes, resend")
    await admin.reply()
    assert "检修通知" in (await worker.reply()).text
    report = await finished(services, broadcast_id)
    assert report.counts == {"sent": 2}


async def test_a_worker_forging_admin_buttons_is_refused(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Forged /broadcasts buttons and admin commands are refused to a worker; nothing changes."""
    admin = await known(emulator, services, "工会干事", user_id=ADMIN_ID)
    mallory = await known(emulator, services, "Mallory", lang="en")
    broadcast_id = await services.broadcasts.create(
        kind="announcement",
        html_zh="月度例会",
        html_en="Monthly meeting",
        audience=Audience(roles=(Role.ADMIN.value,)),
        created_by=ADMIN_ID,
        send_at=None,
        cron="0 9 1 * *",
    )
    await mallory.send("/broadcasts")
    assert "not allowed" in (await mallory.reply()).text
    await mallory.send("/announce")
    assert "not allowed" in (await mallory.reply()).text
    for data in (
        f"bc:cancelok:{broadcast_id}",
        f"bc:resendok:{broadcast_id}",
        f"bc:show:{broadcast_id}",
    ):
        answer = await mallory.answer_to(await mallory.press_data(data))
        assert "not allowed" in answer.text
    report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    assert report is not None
    assert report.state == "recurring"
    assert not admin.history
