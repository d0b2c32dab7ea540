"""Reading reminder times in Chinese and English, including around midnight and month ends."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.text.timeparse import Problem, TimeParseError, parse, parse_repeat

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")


def local(
    year: int, month: int, day: int, hour: int, minute: int, zone: ZoneInfo = SHANGHAI
) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def read(text: str, now: datetime, zone: ZoneInfo = SHANGHAI) -> tuple[str, str]:
    """The understood moment as local 'YYYY-MM-DD HH:MM' and the subject."""
    parsed = parse(text, now=now, zone=zone)
    assert parsed.at.tzinfo is UTC
    return parsed.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), parsed.subject


MONDAY_EVENING = local(2026, 11, 23, 18, 30)


@pytest.mark.parametrize(
    ("text", "moment", "subject"),
    [
        ("明天9点 学习第三课", "2026-11-24 09:00", "学习第三课"),
        ("今晚8点", "2026-11-23 20:00", ""),
        ("下周一 8:30 班前会", "2026-11-30 08:30", "班前会"),
        ("后天下午三点", "2026-11-25 15:00", ""),
        ("12月1日早上8点半 交安全报告", "2026-12-01 08:30", "交安全报告"),
        ("2小时后 关烘箱", "2026-11-23 20:30", "关烘箱"),
        ("提醒我十分钟后喝水", "2026-11-23 18:40", "喝水"),
        ("明早8点开会", "2026-11-24 08:00", "开会"),
        ("2026-12-01 08:30 设备点检", "2026-12-01 08:30", "设备点检"),
        ("周五 14:00 班组会", "2026-11-27 14:00", "班组会"),
        ("今晚8点 交班记录", "2026-11-23 20:00", "交班记录"),
        ("后天上午10点整 参观", "2026-11-25 10:00", "参观"),
    ],
)
def test_chinese_phrases(text: str, moment: str, subject: str) -> None:
    """Everyday Chinese phrases give the right local time and leave the rest as the subject."""
    assert read(text, MONDAY_EVENING) == (moment, subject)


@pytest.mark.parametrize(
    ("text", "moment", "subject"),
    [
        ("in 2 hours", "2026-11-23 20:30", ""),
        ("tomorrow 9am call the welding workshop", "2026-11-24 09:00", "call the welding workshop"),
        ("2026-12-01 08:30 safety check", "2026-12-01 08:30", "safety check"),
        ("remind me to submit the proposal at 9pm", "2026-11-23 21:00", "submit the proposal"),
        ("next monday 8:30 standup", "2026-11-30 08:30", "standup"),
        ("in half an hour stretch", "2026-11-23 19:00", "stretch"),
        ("Lesson 3 at 9pm", "2026-11-23 21:00", "Lesson 3"),
        ("friday 3pm: report", "2026-11-27 15:00", "report"),
    ],
)
def test_english_phrases(text: str, moment: str, subject: str) -> None:
    """Everyday English phrases parse the same way, and a number in the subject stays there."""
    assert read(text, MONDAY_EVENING) == (moment, subject)


def test_a_day_without_a_time_means_nine_in_the_morning() -> None:
    """'明天' and 'tomorrow' alone mean 09:00 that day, not the current time of day."""
    assert read("明天 交报告", MONDAY_EVENING) == ("2026-11-24 09:00", "交报告")
    assert read("tomorrow pay the union fee", MONDAY_EVENING)[0] == "2026-11-24 09:00"


def test_a_bare_clock_time_that_has_passed_means_tomorrow() -> None:
    """At 18:30, '8点' and '9am' are tomorrow morning; '今晚8点' is still this evening."""
    assert read("8点 班前会", MONDAY_EVENING)[0] == "2026-11-24 08:00"
    assert read("9am standup", MONDAY_EVENING)[0] == "2026-11-24 09:00"
    assert read("今晚8点", MONDAY_EVENING)[0] == "2026-11-23 20:00"


def test_just_before_midnight_relative_times_cross_into_tomorrow() -> None:
    """At 23:55, '10分钟后' and 'in 10 minutes' land at 00:05 the next day."""
    late = local(2026, 11, 23, 23, 55)
    assert read("10分钟后", late)[0] == "2026-11-24 00:05"
    assert read("in 10 minutes", late)[0] == "2026-11-24 00:05"


def test_just_after_midnight_tonight_and_tomorrow_follow_the_calendar() -> None:
    """At 00:30, '今晚8点' is this (new) day's evening and '明天9点' the day after."""
    early = local(2026, 11, 24, 0, 30)
    assert read("今晚8点", early)[0] == "2026-11-24 20:00"
    assert read("明天9点", early)[0] == "2026-11-25 09:00"
    assert read("今晚12点 关总闸", local(2026, 11, 24, 21, 0))[0] == "2026-11-25 00:00"


def test_month_and_year_ends_roll_over() -> None:
    """'Tomorrow' on 30 November is 1 December; on 31 December it is 1 January."""
    assert read("明天9点", local(2026, 11, 30, 22, 0))[0] == "2026-12-01 09:00"
    assert read("tomorrow 9am", local(2026, 12, 31, 22, 0))[0] == "2027-01-01 09:00"
    assert read("下个月1号9点", local(2026, 1, 31, 10, 0))[0] == "2026-02-01 09:00"
    assert read("2分钟后", local(2026, 12, 31, 23, 59))[0] == "2027-01-01 00:01"


def test_a_month_day_that_has_passed_this_year_means_next_year() -> None:
    """In November, '1月31日 9点' is next January."""
    assert read("1月31日 9点 交年度总结", MONDAY_EVENING) == ("2027-01-31 09:00", "交年度总结")


def test_times_are_read_in_the_users_timezone() -> None:
    """'tomorrow 9am' for someone in London is 09:00 London time (09:00 UTC in winter)."""
    parsed = parse("tomorrow 9am", now=MONDAY_EVENING, zone=LONDON)
    assert parsed.at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.EMPTY),
        ("学习第三课", Problem.UNKNOWN),
        ("call the workshop", Problem.UNKNOWN),
        ("今天早上8点", Problem.PAST),
        ("today 9am", Problem.PAST),
        ("yesterday 9am", Problem.PAST),
        ("昨天9点", Problem.PAST),
        ("2025-01-01 08:00", Problem.PAST),
        ("2月30日 9点", Problem.INVALID),
        ("feb 30 9am", Problem.INVALID),
        ("2028-01-01 08:00", Problem.TOO_FAR),
    ],
)
def test_unusable_text_says_why(text: str, problem: Problem) -> None:
    """No time, a past time, an impossible date or one years away each get their own reason."""
    with pytest.raises(TimeParseError) as raised:
        parse(text, now=MONDAY_EVENING, zone=SHANGHAI)
    assert raised.value.problem == problem


def test_past_time_error_carries_the_moment_understood() -> None:
    """A past time is reported with what was understood, so the message can show it."""
    with pytest.raises(TimeParseError) as raised:
        parse("今天早上8点", now=MONDAY_EVENING, zone=SHANGHAI)
    assert raised.value.moment == local(2026, 11, 23, 8, 0)


def test_naive_now_is_refused() -> None:
    """A naive base time is a bug in the caller, not a user error."""
    with pytest.raises(ValueError, match="aware"):
        parse("明天9点", now=datetime(2026, 11, 23, 18, 30), zone=SHANGHAI)  # noqa: DTZ001


FRESH_PROCESS = """
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from bot.text.timeparse import parse
now, zone = datetime(2026, 11, 23, 10, 30, tzinfo=UTC), ZoneInfo("Asia/Shanghai")
def subject(number):
    return parse(f"明天9点 安全交底{number}", now=now, zone=zone).subject
with ThreadPoolExecutor(max_workers=16) as pool:
    right = sum(got == f"安全交底{n}" for n, got in enumerate(pool.map(subject, range(64))))
print(right)
"""


def test_first_parses_from_many_threads_at_once_all_succeed() -> None:
    """Right after start the bot may parse in many threads at once; jionlp must not trip on that."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "64"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("tomorrow 9am check …&#60;", "check …&#60;"),
        ("tomorrow 9am {}.!", "{}.!"),
        ("tomorrow 9am drop user;--", "drop user;--"),
    ],
)
def test_a_subject_keeps_its_own_punctuation(text: str, subject: str) -> None:
    """Only what joins the time phrase to the subject is dropped, never the subject's own ending."""
    assert read(text, MONDAY_EVENING)[1] == subject


def test_a_subject_before_the_time_keeps_its_punctuation_too() -> None:
    """'drop user;-- tomorrow 9am' keeps ';--'; a comma right before the phrase is a joint."""
    assert read("drop user;-- tomorrow 9am", MONDAY_EVENING)[1] == "drop user;--"
    assert read("交周报，明天9点", MONDAY_EVENING)[1] == "交周报"


@pytest.mark.parametrize(
    ("text", "rule", "clock", "subject"),
    [
        ("每天早上8点 喝水", "daily", "08:00", "喝水"),
        ("每个工作日9点 打卡", "workdays", "09:00", "打卡"),
        ("工作日下午5点半 交日报", "workdays", "17:30", "交日报"),
        ("每周五下午4点交周报", "weekly:4", "16:00", "交周报"),
        ("每周一、周三 8:30 班前会", "weekly:0,2", "08:30", "班前会"),
        ("每月1号上午10点 交会费", "monthly:1", "10:00", "交会费"),
        ("每月15日 领劳保用品", "monthly:15", "09:00", "领劳保用品"),
        ("每天中午1点 午休", "daily", "13:00", "午休"),
        ("每星期天 晚上八点十五分 复盘", "weekly:6", "20:15", "复盘"),
        ("every day at 8am drink water", "daily", "08:00", "drink water"),
        ("every weekday at 9:00 standup", "workdays", "09:00", "standup"),
        ("every Friday at 4pm weekly report", "weekly:4", "16:00", "weekly report"),
        (
            "every month on the 1st at 10am pay the union fee",
            "monthly:1",
            "10:00",
            "pay the union fee",
        ),
        ("every monday and wednesday at 8:30 team meeting", "weekly:0,2", "08:30", "team meeting"),
        ("at 7pm every day stretch", "daily", "19:00", "stretch"),
    ],
)
def test_recurring_phrases(text: str, rule: str, clock: str, subject: str) -> None:
    """Every day, every workday, chosen weekdays and a day of the month, in Chinese and English."""
    parsed = parse_repeat(text)
    assert parsed is not None
    assert (parsed.repeat.rule, f"{parsed.repeat.clock:%H:%M}", parsed.subject) == (
        rule,
        clock,
        subject,
    )


@pytest.mark.parametrize(
    "text",
    ["明天9点 学习第三课", "周五 14:00 班组会", "friday 3pm: report", "daily standup tomorrow 9am"],
)
def test_one_off_phrases_are_not_recurring(text: str) -> None:
    """A one-off phrase (even one saying 'daily' as a word) is left to the one-off reader."""
    assert parse_repeat(text) is None


def test_an_impossible_day_of_the_month_is_explained() -> None:
    """'每月32号' is an invalid date, not a reminder on some other day."""
    with pytest.raises(TimeParseError) as raised:
        parse_repeat("每月32号 9点 交报告")
    assert raised.value.problem == Problem.INVALID
