"""Events with the real bot: the organiser's conversation, answers, waitlist, check-in, files."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.clock import utcnow
from bot.models.events import Answer
from bot.sandbox import Emulator
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from bot.services.events.views import EventView, reminder_key
from handlers.events.cards import announce
from tests.conftest import BotRunner
from tests.e2e.events_helpers import answered, expect, file_of, registered, stop

ADMIN_ID = 900001
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def published(services: Services, **values: object) -> EventView:
    """An event created the way `engage event create` does it."""
    fields: dict[str, object] = {"title": "焊接技能培训", "starts_at": utcnow() + timedelta(days=2)}
    return await services.events.create(**(fields | values))  # type: ignore[arg-type]


async def test_organiser_creates_an_event_and_workers_answer_from_the_announcement(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/event_new step by step; the announcement reaches a worker, who answers Going."""
    admin = await registered(emulator, "工会干事", user_id=ADMIN_ID)
    worker = await registered(emulator, "王师傅")
    await admin.send("/event_new")
    assert "活动名称" in (await expect(admin, "第 1 步")).text
    await admin.send("数控车工技能培训")
    await expect(admin, "介绍")
    await admin.press("跳过")
    await expect(admin, "在哪里")
    await admin.send("培训中心301")
    await expect(admin, "什么时候开始")
    await admin.send("后天下午3点")
    await expect(admin, "什么时候结束")
    await admin.send("随便什么时候")
    await expect(admin, "没看懂这个时间")
    await admin.send("2小时后")
    await expect(admin, "多少人")
    await admin.send("30")
    await expect(admin, "邀请谁")
    await admin.press("下一步 ▶️")
    preview = await expect(admin, "请确认")
    assert "培训中心301" in preview.text
    assert "15:00–17:00" in preview.text
    await admin.press("📣 发布并通知")
    await expect(admin, "已发布")

    announcement = await expect(worker, "新活动")
    assert "数控车工技能培训" in announcement.text
    await worker.press("✅ 参加")
    card = await expect(worker, "你的回复")
    assert "参加" in card.text
    assert "名额 1/30" in card.text
    assert worker.callback_answers[-1].text == "✅ 已报名，到时见！"


async def test_an_event_published_from_the_command_line_is_announced_by_the_running_bot(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """`engage event create` only queues the announcement; the bot sends it, once."""
    worker = await registered(emulator, "李师傅")
    event = await published(services, title="叉车安全培训")
    await services.events.request_announcement(event_id=event.id)
    await services.events.request_announcement(event_id=event.id)  # asked twice: one row
    await bot.services.scheduler.run_due(utcnow() + timedelta(seconds=1))
    announcement = await expect(worker, "新活动")
    assert "叉车安全培训" in announcement.text
    await bot.services.scheduler.run_due(utcnow() + timedelta(seconds=2))
    assert worker.pending_replies() == []


async def test_full_event_waitlists_and_promotes_with_a_message(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """One seat: the second person waits; when the first cancels, the second is told they are in."""
    first = await registered(emulator, "张师傅")
    second = await registered(emulator, "Li Wei", lang="en")
    await published(services, capacity=1)
    for user, going in ((first, "✅ 参加"), (second, "✅ Going")):
        await user.send("/events")
        await user.reply()
        await user.press("焊接技能培训")
        await user.reply()
        await user.press(going)
        await user.reply()
    assert (
        second.callback_answers[-1].text == "The event is full: you are number 1 on the waitlist."
    )

    await first.press("❌ 不参加")
    assert "不参加" in (await first.reply()).text
    promoted = await expect(second, "A seat opened up")
    assert "焊接技能培训" in promoted.text


async def test_check_in_link_works_once(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Scanning the code checks the worker in; scanning again says they already did."""
    worker = await registered(emulator, "赵师傅")
    event = await published(services, starts_at=utcnow() + timedelta(minutes=30))
    await worker.send(f"/start checkin_{event.checkin_token}")
    assert "签到成功" in (await worker.reply()).text
    await worker.send(f"/start checkin_{event.checkin_token}")
    assert "已经签到过了" in (await worker.reply()).text
    await worker.send("/start checkin_forged")
    assert "签到码无效" in (await worker.reply()).text
    rows = await services.events.attendance(event_id=event.id)
    assert [(r.user_id, r.answer) for r in rows] == [(worker.id, Answer.GOING)]
    assert rows[0].checked_in_at is not None


async def test_calendar_file_and_personal_reminder_from_the_card(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The card sends an .ics file and sets one reminder an hour before, however often pressed."""
    worker = await registered(emulator, "孙师傅")
    event = await published(services, place="宝鸡培训中心")
    await worker.send("📅 活动")
    await worker.reply()
    await worker.press("焊接技能培训")
    await worker.reply()
    await worker.press("🗓 加入日历")
    document = await worker.reply()
    data = file_of(emulator, document).decode()
    assert "BEGIN:VEVENT" in data
    assert "SUMMARY:焊接技能培训" in data
    assert "LOCATION:宝鸡培训中心" in data

    await worker.press("⏰ 提前1小时提醒我")
    await worker.press("⏰ 提前1小时提醒我")
    await answered(worker, 4)
    upcoming = await services.reminders.upcoming(user_id=worker.id)
    assert [(r.subject, r.due_at) for r in upcoming] == [
        ("焊接技能培训", event.starts_at - timedelta(hours=1))
    ]


async def test_attendees_are_reminded_a_day_before(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The 24-hour reminder reaches those going, not those who said maybe."""
    going = await registered(emulator, "周师傅")
    maybe = await registered(emulator, "吴师傅")
    event = await published(services)
    await services.events.respond(event_id=event.id, user_id=going.id, answer=Answer.GOING)
    await services.events.respond(event_id=event.id, user_id=maybe.id, answer=Answer.MAYBE)

    job = await services.scheduler.find(key=reminder_key(event.id, 1440))
    assert job is not None
    await bot.services.scheduler.run_due(job.due_at + timedelta(seconds=1))

    reminder = await expect(going, "还有 1 天")
    assert "焊接技能培训" in reminder.text
    await maybe.settle()
    assert not any("还有 1 天" in m.text for m in maybe.history)


async def test_an_english_attendee_is_reminded_in_1_day_not_1_days(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The day-before reminder counts in English the way English counts: "in 1 day"."""
    going = await registered(emulator, "Li Wei", lang="en")
    event = await published(services)
    await services.events.respond(event_id=event.id, user_id=going.id, answer=Answer.GOING)
    job = await services.scheduler.find(key=reminder_key(event.id, 1440))
    assert job is not None
    await bot.services.scheduler.run_due(job.due_at + timedelta(seconds=1))

    reminder = await expect(going, "焊接技能培训")
    assert "in 1 day" in reminder.text
    assert "day(s)" not in reminder.text
    assert "1 days" not in reminder.text


async def test_organiser_gets_the_qr_code_and_the_attendance_files(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The organiser's card has the check-in QR code and CSV/XLSX attendance lists."""
    admin = await registered(emulator, "Organiser", lang="en", user_id=ADMIN_ID)
    worker = await registered(emulator, "=HYPERLINK(1)")
    event = await published(services, title="Skills contest")
    await services.events.respond(event_id=event.id, user_id=worker.id, answer=Answer.GOING)
    await admin.send("/events")
    await admin.reply()
    await admin.press("Skills contest")
    await admin.reply()

    await admin.press("🔳 Check-in QR code")
    qr = await admin.reply()
    assert qr.photo is not None
    assert f"checkin_{event.checkin_token}" in qr.text
    await admin.press("⬇️ Attendance CSV")
    csv_file = await admin.reply()
    text = file_of(emulator, csv_file).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Name,Telegram ID")
    assert "'=HYPERLINK(1)" in text
    await admin.press("⬇️ Attendance Excel")
    xlsx_file = await admin.reply()
    sheet = load_workbook(io.BytesIO(file_of(emulator, xlsx_file))).active
    assert sheet is not None
    assert sheet["A2"].value == "=HYPERLINK(1)"
    assert sheet["A2"].data_type == "s"


async def test_qr_codes_without_an_event_point_to_creating_one(
    emulator: Emulator, bot: BotRunner
) -> None:
    """/event_qr with no upcoming event tells the organiser how to make one."""
    admin = await registered(emulator, "组织者", user_id=ADMIN_ID)
    await admin.send("/event_qr")
    assert "/event_new" in (await admin.reply()).text


async def test_workers_cannot_use_organiser_buttons_or_commands(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Forged QR and export buttons, /event_new and /event_qr are refused to a worker."""
    worker = await registered(emulator, "Mallory", lang="en")
    event = await published(services)
    await worker.press_data(f"ev:qr:{event.id}")
    await worker.press_data(f"ev:export:{event.id}:csv")
    await answered(worker, 2)
    assert all("not allowed" in (a.text or "") for a in worker.callback_answers[-2:])
    await worker.send("/event_new")
    assert "not allowed" in (await worker.reply()).text
    await worker.send("/event_qr")
    assert "not allowed" in (await worker.reply()).text
    await worker.press_data("ev:rsvp:999:going")
    await answered(worker, 3)
    assert "no longer exists" in (worker.callback_answers[-1].text or "")


async def test_event_draft_survives_a_restart(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The bot restarts mid-conversation; the next answer lands on the next question."""
    admin = await registered(emulator, "工会干事", user_id=ADMIN_ID)
    await admin.send("/event_new")
    await expect(admin, "第 1 步")
    await admin.send("劳模工作室开放日")
    await expect(admin, "介绍")
    await stop(bot, emulator)
    await bot.start()
    await admin.send("参观创新成果，交流经验")
    assert "在哪里" in (await expect(admin, "第 3 步")).text
    draft = await services.event_drafts.current(user_id=ADMIN_ID)
    assert draft is not None
    assert draft.event.description == "参观创新成果，交流经验"


@pytest.mark.parametrize("pressed", ["ev:open:77", "ev:ics:77", "ev:remind:77"])
async def test_buttons_of_a_missing_event_are_answered_politely(
    daytime: None, emulator: Emulator, bot: BotRunner, pressed: str
) -> None:
    """A button for an event that does not exist is answered, not left spinning."""
    worker = await registered(emulator, "Sam", lang="en")
    await worker.press_data(pressed)
    await answered(worker, 1)
    answer = worker.callback_answers[-1]
    assert answer.text is None or "no longer exists" in answer.text


async def test_announce_goes_to_the_events_audience_only(
    daytime: None, emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An event for one enterprise is announced to its workers and nobody else."""
    ours, other = await registered(emulator, "厂内"), await registered(emulator, "厂外")
    enterprise = await services.enterprises.named(name="陕西法士特")
    await services.onboarding.choose_enterprise(
        user_id=ours.id, enterprise_id=enterprise.id, step="edit_enterprise"
    )
    event = await published(services, audience=Audience(enterprise_ids=(enterprise.id or 0,)))
    await announce(services, event, created_by=None)
    await expect(ours, "新活动")
    await other.settle(quiet=0.5)
    assert not any("新活动" in m.text for m in other.history)
