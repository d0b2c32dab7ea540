"""Personal reminders: drafted from a phrase, confirmed once, listed, cancelled, fired or missed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.config import Settings
from bot.models.scheduling import JobStatus
from bot.services import Services
from bot.services.core.scheduler import JobView
from bot.services.reminders.recurrence import next_occurrence
from bot.services.reminders.reminders import (
    MAX_PENDING,
    REPEAT_KIND,
    AlreadySet,
    ReminderNotFound,
    TooManyReminders,
    job_key,
)
from bot.text.timeparse import Problem, Repeat, RepeatKind, TimeParseError, parse_repeat

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)  # 18:30 in Shanghai
SHANGHAI = "Asia/Shanghai"


@pytest.fixture
async def worker(services: Services) -> int:
    """A registered worker."""
    await services.users.seen(user_id=501, name="王师傅", language_code="zh")
    return 501


async def test_a_phrase_becomes_a_draft_and_confirming_sets_it_once(
    services: Services, worker: int
) -> None:
    """'明天9点 学习第三课' is drafted for 09:00 tomorrow; a second confirmation changes nothing."""
    with time_machine.travel(NOW, tick=False):
        draft = await services.reminders.understand(
            user_id=worker, text="明天9点 学习第三课", timezone=SHANGHAI
        )
        assert draft.status == "draft"
        assert (draft.subject, draft.due_at) == (
            "学习第三课",
            datetime(2026, 11, 24, 1, 0, tzinfo=UTC),
        )
        assert await services.reminders.upcoming(user_id=worker) == []

        confirmed = await services.reminders.confirm(user_id=worker, reminder_id=draft.id)
        with pytest.raises(AlreadySet):
            await services.reminders.confirm(user_id=worker, reminder_id=draft.id)

    assert confirmed.status == JobStatus.PENDING
    assert [r.id for r in await services.reminders.upcoming(user_id=worker)] == [draft.id]
    assert await services.scheduler.report(prefix="reminder:") == {"pending": 1}


async def test_someone_else_cannot_confirm_or_cancel_my_reminder(
    services: Services, worker: int
) -> None:
    """A forged button with another user's reminder id finds nothing."""
    await services.users.seen(user_id=502, name="Mallory")
    with time_machine.travel(NOW, tick=False):
        draft = await services.reminders.understand(
            user_id=worker, text="in 2 hours stretch", timezone=SHANGHAI
        )
        with pytest.raises(ReminderNotFound):
            await services.reminders.confirm(user_id=502, reminder_id=draft.id)
        await services.reminders.confirm(user_id=worker, reminder_id=draft.id)
    assert not await services.reminders.cancel(user_id=502, reminder_id=draft.id)
    assert len(await services.reminders.upcoming(user_id=worker)) == 1


async def test_unreadable_or_past_time_is_refused_and_nothing_is_saved(
    services: Services, worker: int
) -> None:
    """Text with no time, or a time already past, raises with the reason and saves no draft."""
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(TimeParseError) as unknown:
            await services.reminders.understand(
                user_id=worker, text="学习第三课", timezone=SHANGHAI
            )
        with pytest.raises(TimeParseError) as past:
            await services.reminders.understand(user_id=worker, text="today 9am", timezone=SHANGHAI)
    assert (unknown.value.problem, past.value.problem) == (Problem.UNKNOWN, Problem.PAST)


async def test_confirming_after_the_time_has_passed_is_refused(
    services: Services, worker: int
) -> None:
    """A draft confirmed only after its moment has gone is not set."""
    with time_machine.travel(NOW, tick=False):
        draft = await services.reminders.understand(
            user_id=worker, text="10分钟后 喝水", timezone=SHANGHAI
        )
    with (
        time_machine.travel(NOW + timedelta(minutes=11), tick=False),
        pytest.raises(TimeParseError),
    ):
        await services.reminders.confirm(user_id=worker, reminder_id=draft.id)
    assert await services.reminders.upcoming(user_id=worker) == []


async def test_cancelled_reminder_is_gone_from_the_list_and_never_fires(
    services: Services, worker: int
) -> None:
    """Cancelling removes the reminder from /reminders and from the scheduler."""
    with time_machine.travel(NOW, tick=False):
        draft = await services.reminders.understand(
            user_id=worker, text="tomorrow 9am call the workshop", timezone=SHANGHAI
        )
        await services.reminders.confirm(user_id=worker, reminder_id=draft.id)

    assert await services.reminders.cancel(user_id=worker, reminder_id=draft.id)
    assert not await services.reminders.cancel(user_id=worker, reminder_id=draft.id)
    assert await services.reminders.upcoming(user_id=worker) == []
    job = await services.scheduler.find(key=job_key(draft.id))
    assert job is not None
    assert job.status == JobStatus.CANCELLED


async def test_button_reminder_is_one_per_thing_however_often_pressed(
    services: Services, worker: int
) -> None:
    """Pressing "Remind me" on the same event twice keeps one reminder, at the latest time."""
    at = NOW + timedelta(days=1)
    first = await services.reminders.remind(
        user_id=worker, subject="安全培训", at=at, source="event", ref="7"
    )
    second = await services.reminders.remind(
        user_id=worker, subject="安全培训", at=at + timedelta(hours=1), source="event", ref="7"
    )
    assert first.id == second.id
    upcoming = await services.reminders.upcoming(user_id=worker)
    assert [(r.id, r.due_at) for r in upcoming] == [(first.id, at + timedelta(hours=1))]


async def test_restart_fires_pending_reminders_inside_grace_and_misses_older_ones(
    services: Services, worker: int
) -> None:
    """After a restart, a reminder 30 min overdue fires; one 2 h overdue is listed as missed."""
    with time_machine.travel(NOW, tick=False):
        soon = await services.reminders.understand(
            user_id=worker, text="10分钟后 关烘箱", timezone=SHANGHAI
        )
        await services.reminders.confirm(user_id=worker, reminder_id=soon.id)
        later = await services.reminders.understand(
            user_id=worker, text="今晚8点 交班记录", timezone=SHANGHAI
        )
        await services.reminders.confirm(user_id=worker, reminder_id=later.id)
    fired: list[JobView] = []

    async def send(job: JobView) -> None:
        fired.append(job)

    services.scheduler.handle("reminder", send)
    assert await services.scheduler.run_due(NOW + timedelta(minutes=40)) == 1
    assert await services.scheduler.run_due(NOW + timedelta(hours=4, minutes=30)) == 0

    assert [job.payload["reminder_id"] for job in fired] == [soon.id]
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        missed = await services.reminders.missed(user_id=worker)
    assert [(r.id, r.status) for r in missed] == [(later.id, JobStatus.MISSED)]


async def test_firing_finds_the_reader_and_skips_someone_who_blocked_the_bot(
    services: Services, worker: int
) -> None:
    """The job learns whom to remind in which language; a blocked user is not reminded."""
    reminder = await services.reminders.remind(
        user_id=worker, subject="交报告", at=NOW + timedelta(days=1), source="lesson", ref="a/b"
    )
    firing = await services.reminders.firing(reminder_id=reminder.id)
    assert firing is not None
    assert (firing.user_id, firing.subject, firing.locale) == (worker, "交报告", "zh")

    await services.users.deactivate(user_id=worker)
    assert await services.reminders.firing(reminder_id=reminder.id) is None


async def test_snooze_sets_the_same_reminder_again_later(services: Services, worker: int) -> None:
    """'Snooze 10 min' makes a new reminder with the same subject ten minutes on."""
    reminder = await services.reminders.remind(
        user_id=worker, subject="喝水", at=NOW + timedelta(hours=1), source="lesson", ref="x"
    )
    with time_machine.travel(NOW, tick=False):
        again = await services.reminders.snooze(
            user_id=worker, reminder_id=reminder.id, delay=timedelta(minutes=10)
        )
    assert again.id != reminder.id
    assert (again.subject, again.due_at) == ("喝水", NOW + timedelta(minutes=10))


async def test_at_most_fifty_pending_reminders_per_person(services: Services, worker: int) -> None:
    """The 51st pending reminder is refused."""
    for number in range(MAX_PENDING):
        await services.reminders.remind(
            user_id=worker, subject="x", at=NOW + timedelta(days=1), source="test", ref=str(number)
        )
    with pytest.raises(TooManyReminders):
        await services.reminders.remind(
            user_id=worker, subject="x", at=NOW + timedelta(days=1), source="test", ref="last"
        )


async def test_waiting_for_a_phrase_survives_a_restart(services: Services, worker: int) -> None:
    """/remind without text is remembered until the phrase arrives."""
    await services.reminders.ask(user_id=worker)
    assert await services.reminders.asking() == [worker]
    with time_machine.travel(NOW, tick=False):
        await services.reminders.understand(user_id=worker, text="明天9点", timezone=SHANGHAI)
    assert await services.reminders.asking() == []


async def test_reminders_falling_due_together_are_looked_up_together(services: Services) -> None:
    """Thirty reminders preloaded at once each find their own person; a blocked one finds none."""
    ids = list(range(601, 631))
    made = []
    for user_id in ids:
        await services.users.seen(user_id=user_id, name=f"工人{user_id}", language_code="zh")
        at = NOW + timedelta(days=1)
        reminder = await services.reminders.remind(
            user_id=user_id, subject=f"点检{user_id}", at=at, source="test", ref="x"
        )
        made.append(reminder)
    await services.users.deactivate(user_id=ids[0])

    await services.reminders.preload(reminder_ids=[r.id for r in made[:20]])
    found = await asyncio.gather(*(services.reminders.firing(reminder_id=r.id) for r in made))

    assert found[0] is None
    assert [(f.user_id, f.subject) for f in found[1:] if f] == [(i, f"点检{i}") for i in ids[1:]]


async def test_discarding_a_draft_removes_it_but_a_set_reminder_stays(
    services: Services, worker: int
) -> None:
    """Cancel on the confirmation card drops a draft; once confirmed, it says it is set."""
    with time_machine.travel(NOW, tick=False):
        dropped = await services.reminders.understand(
            user_id=worker, text="明天9点 开会", timezone=SHANGHAI
        )
        kept = await services.reminders.understand(
            user_id=worker, text="明天10点 点检", timezone=SHANGHAI
        )
        await services.reminders.confirm(user_id=worker, reminder_id=kept.id)

    assert await services.reminders.discard(user_id=worker, reminder_id=dropped.id)
    assert not await services.reminders.discard(user_id=worker, reminder_id=dropped.id)
    with pytest.raises(AlreadySet):
        await services.reminders.discard(user_id=worker, reminder_id=kept.id)
    assert [r.id for r in await services.reminders.upcoming(user_id=worker)] == [kept.id]


def at_shanghai(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock time in Shanghai as an aware UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(SHANGHAI)).astimezone(UTC)


def occurrences(repeat: Repeat, after: datetime, count: int) -> list[str]:
    """The next ``count`` occurrences after ``after``, as Shanghai 'MM-DD HH:MM'."""
    found, zone = [], ZoneInfo(SHANGHAI)
    for _ in range(count):
        after = next_occurrence(repeat, zone, after).at
        found.append(after.astimezone(zone).strftime("%m-%d %H:%M"))
    return found


def test_every_workday_skips_national_day_and_includes_the_adjusted_saturday() -> None:
    """Workdays follow China's calendar: 1–7 October 2026 are off, Saturday 10 October works."""
    workdays = Repeat(RepeatKind.WORKDAYS, time(9))
    assert occurrences(workdays, at_shanghai(2026, 9, 30, 10), 5) == [
        "10-08 09:00",
        "10-09 09:00",
        "10-10 09:00",
        "10-12 09:00",
        "10-13 09:00",
    ]
    assert not next_occurrence(workdays, ZoneInfo(SHANGHAI), at_shanghai(2026, 9, 30)).approximate


def test_workdays_in_a_year_without_holiday_data_are_monday_to_friday_and_say_so() -> None:
    """chinese-calendar has no 2027 data: 1 January 2027 (a Friday) counts, marked approximate."""
    workdays = Repeat(RepeatKind.WORKDAYS, time(9))
    first = next_occurrence(workdays, ZoneInfo(SHANGHAI), at_shanghai(2026, 12, 31, 10))
    assert (first.at, first.approximate) == (at_shanghai(2027, 1, 1), True)
    assert occurrences(workdays, first.at, 2) == ["01-04 09:00", "01-05 09:00"]


def test_monthly_on_the_31st_comes_on_the_last_day_of_shorter_months() -> None:
    """'每月31号' is 31 January, 28 February, 31 March, 30 April."""
    parsed = parse_repeat("每月31号 月底盘点")
    assert parsed is not None
    assert occurrences(parsed.repeat, at_shanghai(2026, 1, 1), 4) == [
        "01-31 09:00",
        "02-28 09:00",
        "03-31 09:00",
        "04-30 09:00",
    ]


async def set_repeating(services: Services, worker: int, text: str) -> int:
    """Draft and confirm a recurring reminder at NOW; its id."""
    with time_machine.travel(NOW, tick=False):
        draft = await services.reminders.understand(user_id=worker, text=text, timezone=SHANGHAI)
        await services.reminders.confirm(user_id=worker, reminder_id=draft.id)
    return draft.id


def count_firings(services: Services, fired: list[str]) -> None:
    """Register the recurring kind on ``services``: each occurrence moves on, sends are noted."""

    async def fire(job: JobView) -> None:
        firing = await services.reminders.advance(
            reminder_id=int(job.payload["reminder_id"]), key=job.key
        )
        if firing is not None:
            fired.append(job.key)

    services.scheduler.handle(REPEAT_KIND, fire, always=True)


async def test_weekly_reminder_is_set_for_the_next_friday_in_the_users_timezone(
    services: Services, worker: int
) -> None:
    """On Monday evening, '每周五下午4点交周报' first comes on Friday 16:00 Shanghai time."""
    with time_machine.travel(NOW, tick=False):
        draft = await services.reminders.understand(
            user_id=worker, text="每周五下午4点交周报", timezone=SHANGHAI
        )
    assert (draft.subject, draft.due_at) == ("交周报", at_shanghai(2026, 11, 27, 16))
    assert draft.repeat is not None
    assert draft.repeat.rule == "weekly:4"


async def test_each_occurrence_fires_once_across_two_workers_and_schedules_the_next(
    services: Services, settings: Settings, worker: int
) -> None:
    """Two processes run the due jobs together: one reminder sent, the next day's one pending."""
    reminder_id = await set_repeating(services, worker, "每天早上8点 喝水")
    second = Services.build(settings)
    fired: list[str] = []
    count_firings(services, fired)
    count_firings(second, fired)
    try:
        with time_machine.travel(NOW, tick=False):
            for day in (24, 25):
                due = at_shanghai(2026, 11, day, 8) + timedelta(seconds=1)
                await asyncio.gather(services.scheduler.run_due(due), second.scheduler.run_due(due))
    finally:
        await second.close()
    assert fired == [f"reminder:{reminder_id}:20261124", f"reminder:{reminder_id}:20261125"]
    (upcoming,) = await services.reminders.upcoming(user_id=worker)
    assert upcoming.due_at == at_shanghai(2026, 11, 26, 8)
    assert await services.scheduler.report(prefix="reminder:") == {"done": 2, "pending": 1}


async def test_an_occurrence_run_twice_is_sent_once(services: Services, worker: int) -> None:
    """Moving on is conditional on the occurrence still being the pending one."""
    reminder_id = await set_repeating(services, worker, "every weekday at 9:00 standup")
    (view,) = await services.reminders.upcoming(user_id=worker)
    key = f"reminder:{reminder_id}:20261124"
    first = await services.reminders.advance(reminder_id=reminder_id, key=key)
    again = await services.reminders.advance(reminder_id=reminder_id, key=key)
    assert first is not None
    assert (first.subject, again) == ("standup", None)
    assert view.due_at == at_shanghai(2026, 11, 24)


async def test_stopping_a_recurring_reminder_cancels_every_future_occurrence(
    services: Services, worker: int
) -> None:
    """Only its owner can stop it; once stopped, nothing fires and the list is empty."""
    reminder_id = await set_repeating(services, worker, "每月1号上午10点 交会费")
    await services.users.seen(user_id=502, name="李师傅", language_code="zh")
    assert not await services.reminders.cancel(user_id=502, reminder_id=reminder_id)
    assert len(await services.reminders.upcoming(user_id=worker)) == 1

    assert await services.reminders.cancel(user_id=worker, reminder_id=reminder_id)
    assert not await services.reminders.cancel(user_id=worker, reminder_id=reminder_id)
    fired: list[str] = []
    count_firings(services, fired)
    assert await services.scheduler.run_due(at_shanghai(2026, 12, 1, 10, 1)) == 0
    assert fired == []
    assert await services.reminders.upcoming(user_id=worker) == []
    assert await services.scheduler.report(prefix="reminder:") == {"cancelled": 1}


async def test_a_workday_reminder_near_new_year_is_marked_as_guessed(
    services: Services, worker: int
) -> None:
    """Set on 31 December 2026, its next workday is in 2027, which the calendar does not know."""
    with time_machine.travel(at_shanghai(2026, 12, 31, 10), tick=False):
        draft = await services.reminders.understand(
            user_id=worker, text="每个工作日9点 打卡", timezone=SHANGHAI
        )
        await services.reminders.confirm(user_id=worker, reminder_id=draft.id)
    (view,) = await services.reminders.upcoming(user_id=worker)
    assert (view.due_at, view.approximate) == (at_shanghai(2027, 1, 1), True)
