"""Pushes as people live with them: /settings, quiet hours, the daily digest, must-read."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from bot.sandbox import Emulator
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from tests.conftest import BotRunner
from tests.e2e.broadcasts.conftest import ADMIN_ID, TOMORROW, known, received

NOON = TOMORROW + timedelta(hours=4)  # 12:00 in Shanghai
LATE_EVENING = TOMORROW + timedelta(hours=15)  # 23:00 in Shanghai


async def announce(services: Services, text: str, **options: object) -> int:
    """An announcement to everyone, in both languages."""
    return await services.broadcasts.create(
        kind="announcement",
        html_zh=text,
        html_en=f"EN {text}",
        audience=Audience(everyone=True),
        created_by=ADMIN_ID,
        **options,  # type: ignore[arg-type]
    )


async def nothing_arrives(*users: object) -> None:
    """Give the bot time to send, and check that it sent nothing."""
    for user in users:
        await user.settle(quiet=0.8)  # type: ignore[attr-defined]
        assert not user.pending_replies(), user  # type: ignore[attr-defined]


async def test_settings_switch_a_kind_of_push_and_quiet_hours(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/settings shows every kind of push; tapping switches it and the screen redraws itself."""
    worker = await known(emulator, services, "李师傅")
    await worker.send("/settings")
    screen = await worker.reply()
    assert "推送设置" in screen.text
    assert "📣 公告：立即推送" in screen.button_texts
    assert "🌙 免打扰：22:00–07:00" in screen.button_texts

    await worker.press("📣 公告：立即推送")
    assert "📣 公告：每日汇总" in (await worker.reply()).button_texts
    await worker.press("📣 公告：每日汇总")
    assert "📣 公告：关闭" in (await worker.reply()).button_texts
    await worker.press("🌙 免打扰：22:00–07:00")
    assert "🌙 免打扰：23:00–07:00" in (await worker.reply()).button_texts
    push = await services.preferences.of(user_id=worker.id)
    assert push.mode("announcements") == "off"
    assert (push.quiet_from, push.quiet_until) == (23 * 60, 7 * 60)


async def test_quiet_hours_hold_ordinary_pushes_until_morning_but_not_urgent_ones(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """At 23:00 an urgent notice arrives at once; an ordinary one waits until 07:00."""
    worker = await known(emulator, services, "夜班王师傅")
    with time_machine.travel(LATE_EVENING, tick=True) as traveller:
        await announce(services, "明天例行检查")
        await announce(services, "紧急：暴雨停工", urgent=True)
        assert "暴雨停工" in (await worker.reply()).text
        await nothing_arrives(worker)

        traveller.move_to(TOMORROW + timedelta(hours=23, seconds=5))  # 07:00:05 in Shanghai
        assert "例行检查" in (await worker.reply()).text


async def test_announcements_made_one_after_another_arrive_in_that_order(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Five notices in a row reach a worker as they were written, whatever the sender races."""
    worker = await known(emulator, services, "孙师傅")
    notices = [f"第{n}号通知" for n in range(1, 6)]
    with time_machine.travel(NOON, tick=True):  # outside the quiet hours
        for notice in notices:
            await announce(services, notice)
        assert [(await worker.reply()).text for _ in notices] == notices


async def test_low_priority_pushes_come_as_one_daily_digest(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Someone who chose the digest gets the day's announcements in one message at 18:00."""
    worker = await known(emulator, services, "张师傅")
    other = await known(emulator, services, "赵师傅")
    await services.preferences.set_mode(user_id=worker.id, topic="announcements", mode="digest")
    with time_machine.travel(NOON, tick=True) as traveller:
        await announce(services, "本周五技能比武报名开始")
        await announce(services, "食堂菜单更新")
        assert "技能比武" in (await other.reply()).text
        assert "食堂" in (await other.reply()).text
        await nothing_arrives(worker)

        traveller.move_to(TOMORROW + timedelta(hours=10, seconds=30))  # 18:00:30 in Shanghai
        digest = await worker.reply(timeout=10)
        assert "今日汇总" in digest.text
        assert "技能比武" in digest.text
        assert "食堂" in digest.text
        await nothing_arrives(worker)


async def test_must_read_reminds_those_who_have_not_read_it_at_most_twice(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """One reader taps ✅ Read; the other is reminded after 24 and 48 hours, and never again."""
    reader = await known(emulator, services, "Reader", lang="en")
    forgetful = await known(emulator, services, "马师傅")
    with time_machine.travel(NOON, tick=True) as traveller:
        await announce(services, "安全操作规程修订，请全体阅读", must_read=True)
        original = await reader.reply()
        assert original.text.startswith("EN ")
        await reader.press("✅ Read")
        assert (await reader.reply()).buttons == []
        assert reader.callback_answers[-1].text == "✅ Marked as read, thank you!"
        assert "安全操作规程" in (await forgetful.reply()).text

        for hours in (24, 48):
            traveller.move_to(NOON + timedelta(hours=hours, seconds=5))
            reminder = await forgetful.reply(timeout=10)
            assert "提醒" in reminder.text
            assert "安全操作规程" in reminder.text
            assert reminder.button_texts == ["✅ 已读"]
        traveller.move_to(NOON + timedelta(hours=72, seconds=5))
        await nothing_arrives(reader, forgetful)
    assert received(reader, "Reminder") == 0


@pytest.mark.parametrize("data", ["bc:read:999", "bc:read:x"])
async def test_read_button_for_nothing_is_answered_politely(
    emulator: Emulator, bot: BotRunner, services: Services, data: str
) -> None:
    """A Read button for a broadcast the user never got is answered, and changes nothing."""
    worker = await known(emulator, services, "Sam", lang="en")
    await worker.send("/settings")
    await worker.reply()
    answer = await worker.answer_to(await worker.press_data(data))
    await worker.settle()
    assert answer.text
