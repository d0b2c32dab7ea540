"""Service teams log their work in a few taps; enterprise pairs check in when reminded."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.clock import utcnow
from bot.sandbox import BotMessage, Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.network_helpers import load_network, started

ADMIN_ID, LI, BAI = 900001, 1004, 1001


def _payload(message: BotMessage) -> str:
    found = re.search(r"start=([A-Za-z0-9_-]+)", message.text)
    assert found, message.text
    return found.group(1)


async def test_team_member_logs_a_visit_with_note_and_photo(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An admin founds a team; a model worker joins by link, names a firm and logs a visit."""
    await load_network(services)
    admin = await started(emulator, "Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/newteam 宝鸡劳模服务队")
    assert "is founded" in (await admin.reply()).text
    invitation = await admin.reply()
    assert invitation.photo
    assert "Join the service team" in invitation.text

    li = await started(emulator, "李国强", user_id=LI)
    await li.send(f"/start {_payload(invitation)}")
    assert "你已加入服务队“宝鸡劳模服务队”" in (await li.reply()).text
    carol = await started(emulator, "Carol", lang="en")
    await carol.send(f"/start {_payload(invitation)}")
    assert "for model workers and craftsmen" in (await carol.reply()).text
    await carol.send("/start team_1_aaaaaaaaaa")
    assert "not valid" in (await carol.reply()).text

    await li.send("/serve 宝鸡钛业股份有限公司")
    assert "由哪个服务队服务" in (await li.reply()).text
    await li.press("宝鸡劳模服务队")
    assert "现在服务“宝鸡钛业股份有限公司”" in (await li.reply()).text

    await li.send("/team")
    assert "宝鸡劳模服务队" in (await li.reply()).text
    await li.press("📝 记一笔")
    assert "记录什么" in (await li.reply()).text
    await li.press("🏭 走访")
    assert "在哪家企业" in (await li.reply()).text
    await li.press("宝鸡钛业股份有限公司")
    assert "写几句说明" in (await li.reply()).text
    await li.send("走访宝钛熔铸车间，讲解钛材数控加工要点。")
    assert "已记下" in (await li.reply()).text
    await li.send_photo(b"workshop-visit")
    assert "1 张照片" in (await li.reply()).text
    await li.press("💾 保存")
    assert "已记录：🏭 走访" in (await li.reply()).text

    await li.send("/team")
    record = await li.reply()
    assert "走访 1 次" in record.text
    assert "钛材数控加工要点" in record.text
    assert "📷 1" in record.text
    await admin.send("/team")
    assert "1 visit ·" in (await admin.reply()).text
    await carol.send("/team")
    assert "not on a service team" in (await carol.reply()).text


async def test_pair_checkin_reminders_reach_both_sides(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A model worker pairs with a firm; two weeks on both are reminded and a check-in is shared."""
    await load_network(services)
    bai = await started(emulator, "白志勇", user_id=BAI)
    contact = await started(emulator, "Helen (Baoti)", lang="en")
    await bai.send("/newpair")
    assert "和哪家企业结对" in (await bai.reply()).text
    await bai.send("宝鸡钛业股份有限公司")
    assert "目标" in (await bai.reply()).text
    await bai.send("一年内焊接一次合格率提高到 98%")
    assert "多久交流" in (await bai.reply()).text
    await bai.press("每两周")
    assert "结对开始了" in (await bai.reply()).text
    invitation = await bai.reply()
    assert invitation.photo

    await contact.send(f"/start {_payload(invitation)}")
    welcome = await contact.reply()
    assert "You joined the pair" in welcome.text
    assert "98%" in welcome.text
    assert "联系人已加入" in (await bai.reply()).text

    scheduler = bot.services.scheduler
    await scheduler.run_due(utcnow() + timedelta(days=13))
    assert [m for m in contact.history if "Time to check in" in m.text] == []
    await scheduler.run_due(utcnow() + timedelta(days=14, minutes=1))
    assert "该交流结对“宝鸡钛业股份有限公司”的进展了" in (await bai.reply()).text
    reminder = await contact.reply()
    assert "Time to check in" in reminder.text
    assert "98%" in reminder.text
    next_due = await services.network.pairings.next_reminder(pairing_id=1)
    assert next_due is not None
    assert next_due > utcnow() + timedelta(days=13)

    await contact.press("📝 Check in")
    assert "How is the pair" in (await contact.reply()).text
    await contact.send("First-pass yield is at 95% this month.")
    saved = (await contact.reply()).text
    assert "Check-in on the pair with “宝鸡钛业股份有限公司” saved" in saved
    shared = await bai.reply()
    assert "有新进展" in shared.text
    assert "95%" in shared.text
    await bai.press("📜 历史")
    history = await bai.reply()
    assert "企业 · Helen (Baoti)" in history.text
    assert "95%" in history.text
    stranger = await started(emulator, "Eve", lang="en")
    await stranger.press_data("pair:his:1")
    assert "not part of it" in (await stranger.reply()).text
