"""/remind and /reminders with the real bot: both languages, across restarts, exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.app import build_application
from bot.clock import utcnow
from bot.context import services_of
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from handlers.reminders import reminders
from tests.conftest import BotRunner
from tests.e2e.events_helpers import answered, registered, stop


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """The strict emulator with its overall limit raised: these tests are about once, not pace.

    Two bot processes each pace themselves to 30 messages/s, so together they exceed it.
    """
    emu = Emulator(global_rate=1000.0, global_burst=1000)
    await emu.start()
    try:
        yield emu
        emu.assert_no_violations()
    finally:
        await emu.stop()


async def due_at(services: Services, user: SimUser) -> list[datetime]:
    """When the user's pending reminders are due, soonest first."""
    return [r.due_at for r in await services.reminders.upcoming(user_id=user.id)]


async def test_remind_in_chinese_confirm_list_and_fire(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker sets '明天9点 学习第三课', sees it in /reminders, and is reminded once at 09:00."""
    worker = emulator.user("王师傅", lang="zh")
    await worker.send("/remind 明天9点 学习第三课")
    card = await worker.reply()
    assert "学习第三课" in card.text
    assert "09:00" in card.text
    await worker.press("✅ 确认")
    assert "提醒已设置" in (await worker.reply()).text

    await worker.send("/reminders")
    listing = await worker.reply()
    assert "学习第三课" in listing.text
    assert listing.buttons == [[("✖ 1", listing.buttons[0][0][1])]]

    (when,) = await due_at(services, worker)
    await bot.services.scheduler.run_due(when + timedelta(seconds=1))
    fired = await worker.reply()
    assert "⏰" in fired.text
    assert "学习第三课" in fired.text
    await bot.services.scheduler.run_due(when + timedelta(minutes=5))
    await worker.settle()
    assert sum("学习第三课" in m.text for m in worker.history if "⏰ 提醒" in m.text) == 1


async def test_remind_in_english_asks_for_the_phrase_and_explains_mistakes(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/remind alone asks; nonsense and a past time are explained; a good phrase is confirmed."""
    worker = emulator.user("Li Wei", lang="en")
    await worker.send("/remind")
    assert "When should I remind you" in (await worker.reply()).text
    await worker.send("whenever you like")
    assert "could not find a time" in (await worker.reply()).text
    await worker.send("yesterday 9am")
    assert "already passed" in (await worker.reply()).text
    await worker.send("tomorrow 9am call the welding workshop")
    card = await worker.reply()
    assert "call the welding workshop" in card.text
    assert "09:00" in card.text
    await worker.press("✅ Confirm")
    assert "Reminder set" in (await worker.reply()).text
    assert len(await due_at(services, worker)) == 1


async def test_impossible_date_is_explained(emulator: Emulator, bot: BotRunner) -> None:
    """'2月30日' gets its own explanation, not a wrong date."""
    worker = emulator.user("赵工", lang="zh")
    await worker.send("/remind 2月30日 9点 交报告")
    assert "日期不存在" in (await worker.reply()).text


async def test_pressing_confirm_twice_sets_one_reminder(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A double tap on Confirm does not make two reminders."""
    worker = emulator.user("陈师傅", lang="zh")
    await worker.send("/remind 明晚8点 交班记录")
    card = await worker.reply()
    confirm = card.buttons[0][0][1]
    assert confirm is not None
    await worker.press_data(confirm, message_id=card.message_id)
    await worker.press_data(confirm, message_id=card.message_id)
    await answered(worker, 2)
    assert len(await due_at(services, worker)) == 1


async def test_cancel_from_the_list(emulator: Emulator, bot: BotRunner, services: Services) -> None:
    """Pressing ✖ next to a reminder cancels it and redraws the list."""
    worker = emulator.user("周师傅", lang="zh")
    await worker.send("/remind 2小时后 关烘箱")
    await worker.reply()
    await worker.press("✅ 确认")
    await worker.reply()
    await worker.send("/reminders")
    await worker.reply()
    await worker.press("✖ 1")
    assert "还没有待发的提醒" in (await worker.reply()).text
    assert await due_at(services, worker) == []


async def test_restart_fires_pending_reminders_in_grace_and_reports_missed_ones(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Down over two reminders: the one 30 min late still fires, the one 2.5 h late is missed."""
    worker = await registered(emulator, "刘师傅")
    for text in ("明天9点 学习第三课", "明天11点 设备点检"):
        draft = await services.reminders.understand(
            user_id=worker.id, text=text, timezone="Asia/Shanghai"
        )
        await services.reminders.confirm(user_id=worker.id, reminder_id=draft.id)
    nine, eleven = await due_at(services, worker)
    await stop(bot, emulator)

    await bot.start()
    await bot.services.scheduler.run_due(eleven + timedelta(minutes=30))
    fired = await worker.reply()
    assert "设备点检" in fired.text
    assert "学习第三课" not in fired.text
    await worker.send("/reminders")
    listing = await worker.reply()
    assert "没能按时发出" in listing.text
    assert "学习第三课" in listing.text
    assert nine < eleven


async def test_remind_question_survives_a_restart(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The bot restarts between '/remind' and the phrase; the phrase is still understood."""
    worker = await registered(emulator, "孙师傅")
    await worker.send("/remind")
    await worker.reply()
    await stop(bot, emulator)
    await bot.start()
    await worker.send("后天下午三点 班组会")
    card = await worker.reply()
    assert "班组会" in card.text
    assert "15:00" in card.text


async def test_snooze_reminds_again_ten_minutes_later(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Snoozing a fired reminder brings it back ten minutes later, and the button goes away."""
    worker = emulator.user("吴师傅", lang="zh")
    await worker.send("/remind 明天9点 喝水")
    await worker.reply()
    await worker.press("✅ 确认")
    await worker.reply()
    (when,) = await due_at(services, worker)
    await bot.services.scheduler.run_due(when + timedelta(seconds=1))
    await worker.reply()
    await worker.press("⏰ 10分钟后再提醒")
    snoozed = await worker.reply()
    assert snoozed.edited
    assert snoozed.buttons == []
    assert "再提醒你" in (worker.callback_answers[-1].text or "")
    assert len(await due_at(services, worker)) == 1


async def test_two_bot_processes_on_one_database_send_each_reminder_once(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A second bot process shares the database; forty reminders due at once arrive once each."""
    workers = [emulator.user(f"工人{i}", lang="zh") for i in range(40)]
    for worker in workers:
        await worker.send("/remind 明天9点 安全交底")
    for worker in workers:
        await worker.reply()
        await worker.press("✅ 确认")
        await worker.reply()
    second = build_application(bot.settings)
    await second.initialize()
    await reminders.register_jobs(second)
    try:
        (when,) = await due_at(services, workers[0])
        now = when + timedelta(seconds=1)
        await asyncio.gather(
            bot.services.scheduler.run_due(now),
            services_of(second).scheduler.run_due(now),
        )
        report = await services.scheduler.report(prefix="reminder:")
        assert report == {"done": 40}
        for worker in workers:
            await worker.settle()
            assert sum("安全交底" in m.text for m in worker.history if "⏰" in m.text) == 1
    finally:
        await second.shutdown()
        await services_of(second).close()


async def test_cancel_on_the_confirmation_sets_nothing(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Pressing Cancel instead of Confirm leaves no reminder behind."""
    worker = emulator.user("郑师傅", lang="zh")
    await worker.send("/remind 明天9点 开班前会")
    await worker.reply()
    await worker.press("取消")
    assert "没有设置提醒" in (await worker.reply()).text
    assert await due_at(services, worker) == []


async def test_weekly_reminder_in_chinese_is_set_listed_fired_and_stopped(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """'每周五下午4点交周报' repeats: listed with 🔁, sent once on Friday, stopped from the list."""
    worker = emulator.user("钱师傅", lang="zh")
    await worker.send("/remind 每周五下午4点交周报")
    card = await worker.reply()
    assert "每周五 16:00" in card.text
    assert "交周报" in card.text
    await worker.press("✅ 确认")
    assert "重复提醒已设置" in (await worker.reply()).text
    await worker.send("/reminders")
    listing = await worker.reply()
    assert "🔁 每周五 16:00 — 交周报" in listing.text
    assert [label for label, _ in listing.buttons[0]] == ["✖ 1"]

    (friday,) = await due_at(services, worker)
    assert friday.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%a %H:%M") == "Fri 16:00"
    await bot.services.scheduler.run_due(friday + timedelta(seconds=1))
    fired = await worker.reply()
    assert "交周报" in fired.text
    assert [label for label, _ in fired.buttons[0]] == ["⏰ 10分钟后再提醒", "🔕 不再提醒"]
    await bot.services.scheduler.run_due(friday + timedelta(minutes=5))
    assert await due_at(services, worker) == [friday + timedelta(days=7)]

    await worker.send("/reminders")
    await worker.reply()
    await worker.press("✖ 1")
    assert "还没有待发的提醒" in (await worker.reply()).text
    await bot.services.scheduler.run_due(friday + timedelta(days=7, seconds=1))
    await worker.settle()
    assert sum("交周报" in m.text for m in worker.history if "⏰ 提醒" in m.text) == 1


async def test_every_weekday_in_english_is_stopped_from_the_reminder_itself(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """'every weekday at 9:00 standup' fires with a stop button; pressing it ends the series."""
    worker = emulator.user("Li Wei", lang="en")
    await worker.send("/remind every weekday at 9:00 standup")
    card = await worker.reply()
    assert "every workday at 09:00" in card.text
    await worker.press("✅ Confirm")
    assert "Repeating reminder set" in (await worker.reply()).text
    (first,) = await due_at(services, worker)
    await bot.services.scheduler.run_due(first + timedelta(seconds=1))
    assert "standup" in (await worker.reply()).text
    await worker.press("🔕 Stop repeating")
    await answered(worker, 2)
    assert "stopped" in (worker.callback_answers[-1].text or "")
    assert await due_at(services, worker) == []
    assert (await services.scheduler.report(prefix="reminder:")).get("pending", 0) == 0


async def test_someone_else_cannot_stop_my_recurring_reminder(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Forged stop and cancel buttons for another person's reminder change nothing."""
    owner = emulator.user("冯师傅", lang="zh")
    await owner.send("/remind 每天早上8点 喝水")
    await owner.reply()
    await owner.press("✅ 确认")
    await owner.reply()
    (reminder,) = await services.reminders.upcoming(user_id=owner.id)
    intruder = await registered(emulator, "陌生人")
    await intruder.press_data(reminders.STOP.build(reminder.id))
    await intruder.press_data(reminders.CANCEL.build(reminder.id))
    await answered(intruder, 2)
    assert len(await due_at(services, owner)) == 1


async def test_an_occurrence_found_hours_late_is_not_sent_but_the_next_one_is_set(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The bot was down at 08:00: no stale '喝水' at 10:00, and tomorrow's is scheduled."""
    worker = emulator.user("褚师傅", lang="zh")
    await worker.send("/remind 每天早上8点 喝水")
    await worker.reply()
    await worker.press("✅ 确认")
    await worker.reply()
    (first,) = await due_at(services, worker)
    await bot.services.scheduler.run_due(first + timedelta(hours=2))
    await worker.settle()
    assert not any("⏰ 提醒" in m.text for m in worker.history)
    assert await due_at(services, worker) == [first + timedelta(days=1)]


async def test_workdays_of_a_year_without_holiday_data_are_announced_in_the_list(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Set on 31 December 2026, a workday reminder says 2027 holidays are not known yet."""
    new_years_eve = datetime(2026, 12, 31, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(max(new_years_eve, utcnow()), tick=True):
        worker = emulator.user("卫师傅", lang="zh")
        await worker.send("/remind 每个工作日9点 打卡")
        assert "2027年的法定节假日" in (await worker.reply()).text
        await worker.press("✅ 确认")
        await worker.reply()
        await worker.send("/reminders")
        listing = await worker.reply()
    assert "🔁 每个工作日 09:00 — 打卡" in listing.text
    assert "暂按周一至周五计算" in listing.text
