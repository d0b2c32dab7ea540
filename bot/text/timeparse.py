"""Understand "明天9点 学习第三课" or "tomorrow 9am call the workshop": a moment and a subject.

Chinese phrases go to jionlp, English ones to dateparser; both are given an explicit base time
in the user's timezone, so the result never depends on the machine's clock or zone. The phrase
is cut out of the text and what is left becomes the reminder's subject. The libraries are
imported on first use: jionlp takes about a second to load and prints a banner while it does.

Recurring phrases ("每周五下午4点 交周报", "every weekday at 9:00 standup") are read by
:func:`parse_repeat` with patterns of our own: a :class:`Repeat` rule and a time of day, whose
occurrences the reminders service works out (workdays follow China's holiday calendar).
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_CLOCK = time(9, 0)
HORIZON = timedelta(days=366)
SUBJECT_MAX = 200
_CJK = re.compile(r"[\u3400-\u9fff]")
_LOAD_LOCK = threading.Lock()
# jionlp builds its parsers on first use without a lock: threads parsing at once right after
# start get empty answers. One parse at a time (about a millisecond each).
_PARSE_LOCK = threading.Lock()

# Chinese: which phrases name a day (so a past time is an error, not tomorrow) or a month-day.
_ZH_DAY = re.compile(r"[年月日号天周星期礼拜今明后昨前]|\d{4}-|\d+/\d+")
_ZH_MONTH_DAY = re.compile(r"\d+\s*月|[一二三四五六七八九十]+月")
_ZH_RELATIVE_MONTH = re.compile(r"[上下本这]个?月|年")
_ZH_SHORTHAND = {"明早": "明天早上", "明晚": "明天晚上", "今早": "今天早上"}
_ZH_DANGLING = "0123456789０-９一二三四五六七八九十年月日号点:："
# jionlp sometimes swallows the next character ("今晚8点 交班记录" → "今晚8点 交"): a phrase
# ends with one of these, anything after belongs to the subject.
_ZH_PHRASE_END = set("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百点分秒半刻钟时整")
_ZH_PHRASE_END |= set("号日月年天周末期拜午晚早晨上夜凌中后前今明昨内")

# English: the phrase shapes we accept, so "lesson 3 at 9pm" does not become the 3rd of March.
_NUM = r"(?:\d+|half\s+an?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
_UNIT = r"(?:minutes?|mins?|m|hours?|hrs?|h|days?|weeks?)"
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_EN_RELATIVE = rf"in\s+{_NUM}\s*{_UNIT}(?:\s+(?:and\s+)?{_NUM}\s*{_UNIT})?"
_EN_DAY = (
    rf"(?:today|tonight|tomorrow|yesterday|(?:next|this)\s+{_WEEKDAY}|{_WEEKDAY}|next\s+week"
    r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?)"
)
_EN_CLOCK = (
    r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|midnight"
    r"|morning|afternoon|evening)"
)
_EN_PHRASE = re.compile(
    rf"(?<![\w:])(?:{_EN_RELATIVE}"
    rf"|(?:on\s+)?{_EN_DAY}(?:,?\s+(?:at\s+)?{_EN_CLOCK})?"
    rf"|(?:at\s+)?{_EN_CLOCK}(?:\s+(?:on\s+)?{_EN_DAY})?)(?!\w)(?!:\d)",
    re.IGNORECASE,
)
_EN_HAS_CLOCK = re.compile(rf"{_EN_CLOCK}|{_EN_RELATIVE}|tonight", re.IGNORECASE)
_EN_HALF = re.compile(r"\bhalf an? hour\b", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^(?:请|记得|提醒我|提醒|叫我|remind me(?: to)?|reminder:?|to)\s*", re.IGNORECASE
)
# Only what joins a time phrase to its subject is dropped: separators right after the phrase
# ("明天9点：开会", "friday 3pm - report") and a comma right before it; the subject's own
# punctuation, at either end, stays ("drop user;--", "{}.!").
_JOIN_AFTER = " \t\n,，.。;；:：、!！-—–"
_JOIN_BEFORE = " \t\n,，:：、"


# Recurring phrases: a rule ("每周五", "every weekday"), then or before it a time of day.
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_ZH_DIGITS |= {"七": 7, "八": 8, "九": 9}
_ZH_NUMBER = r"(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ZH_WEEK = r"(?:周|星期|礼拜)"
_ZH_WEEKDAY = r"[一二三四五六日天1-7]"
_ZH_REPEAT = re.compile(
    rf"(?P<monthly>每个?月的?(?:(?P<mday>{_ZH_NUMBER})\s*[号日]|(?P<mlast>最后一天)))"
    rf"|(?P<weekly>每个?{_ZH_WEEK}(?P<wdays>{_ZH_WEEKDAY}"
    rf"(?:\s*[、,，和及与跟]\s*{_ZH_WEEK}?{_ZH_WEEKDAY})*))"
    r"|(?P<workdays>(?:每个?|每逢)?工作日)"
    r"|(?P<daily>每天|每日|天天)"
)
_ZH_PERIODS = {
    "凌晨": (0, 5),
    "早上": (0, 8),
    "早晨": (0, 8),
    "清晨": (0, 7),
    "上午": (0, 9),
    "中午": (12, 12),
    "午后": (12, 14),
    "下午": (12, 15),
    "傍晚": (12, 18),
    "晚上": (12, 20),
    "夜里": (12, 21),
}
_ZH_CLOCK = re.compile(
    rf"^\s*的?\s*(?P<period>{'|'.join(_ZH_PERIODS)})?\s*(?:(?P<h>\d{{1,2}})\s*[:：]\s*(?P<m>\d{{2}})"
    rf"|(?P<hour>{_ZH_NUMBER})\s*[点时](?:\s*(?P<half>半|一刻|三刻)"
    rf"|\s*(?P<minute>{_ZH_NUMBER})\s*分?)?(?:钟|整)?)?"
)
_EN_REPEAT = re.compile(
    rf"(?<!\w)(?:(?P<monthly>(?:every|each)\s+month\s+on\s+the\s+(?:(?P<mday>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?|(?P<mlast>last\s+day))|monthly\s+on\s+the\s+(?P<mday2>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?|(?:on\s+)?the\s+(?P<mday3>\d{{1,2}})(?:st|nd|rd|th)?\s+of\s+"
    rf"(?:every|each)\s+month)"
    r"|(?P<workdays>(?:(?:every|each|on)\s+)?(?:week|work|working\s+|business\s+)days?"
    r"(?=\W|$))"
    rf"|(?P<weekly>(?:every|each)\s+(?P<wdays>{_WEEKDAY}(?:\s*(?:,|and|&)\s*{_WEEKDAY})*))"
    r"|(?P<daily>(?:every|each)\s*day|daily(?=\s*,?\s*(?:at\s+)?\d)))(?!\w)",
    re.IGNORECASE,
)
_EN_CLOCK_AT = (
    r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})|(?P<word>noon|midnight))"
)
_EN_CLOCK_AFTER = re.compile(rf"^\s*,?\s*(?:at\s+)?{_EN_CLOCK_AT}(?!\w)", re.IGNORECASE)
_EN_CLOCK_BEFORE = re.compile(rf"(?<!\w)(?:at\s+)?{_EN_CLOCK_AT}\s*,?\s*$", re.IGNORECASE)
_EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class RepeatKind(StrEnum):
    """How a recurring reminder comes back."""

    DAILY = "daily"
    WORKDAYS = "workdays"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class Repeat:
    """A recurrence: the kind, its days (weekdays 0 = Monday, or a day of the month) and a clock.

    A monthly day past the end of a shorter month (the 31st in April) means its last day.
    """

    kind: RepeatKind
    clock: time
    days: tuple[int, ...] = ()

    @property
    def rule(self) -> str:
        """The rule as stored: ``daily``, ``workdays``, ``weekly:0,2``, ``monthly:31``."""
        if not self.days:
            return self.kind.value
        return f"{self.kind.value}:{','.join(str(day) for day in self.days)}"

    @classmethod
    def from_rule(cls, rule: str, clock: str) -> Repeat:
        """Read a stored rule and ``HH:MM`` clock back."""
        kind, _, days = rule.partition(":")
        numbers = tuple(int(day) for day in days.split(",") if day)
        return cls(RepeatKind(kind), time.fromisoformat(clock), numbers)


@dataclass(frozen=True, slots=True)
class ParsedRepeat:
    """A recurring phrase understood: the rule, the phrase itself and the rest of the text."""

    repeat: Repeat
    phrase: str
    subject: str


class Problem(StrEnum):
    """Why a phrase could not become a reminder time."""

    EMPTY = "empty"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    PAST = "past"
    TOO_FAR = "too_far"


class TimeParseError(ValueError):
    """The text names no usable future moment; ``problem`` says why."""

    def __init__(self, problem: Problem, moment: datetime | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.moment = moment


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """The moment a phrase names (aware UTC), the phrase itself and the rest of the text."""

    at: datetime
    phrase: str
    subject: str


@dataclass(frozen=True, slots=True)
class _Found:
    moment: datetime
    start: int
    end: int
    day_named: bool
    month_day_without_year: bool
    has_clock: bool


@cache
def _jionlp() -> Any:
    with _LOAD_LOCK, contextlib.redirect_stdout(io.StringIO()):
        import jionlp  # type: ignore[import-untyped,unused-ignore]

        return jionlp


def warm_up() -> None:
    """Load both parsers now rather than on the first user's message."""
    _jionlp()
    _english_parse("tomorrow 9am", datetime(2026, 1, 1))  # noqa: DTZ001  (a naive local base)


def _chinese(text: str, base: datetime) -> _Found | None:
    found = _jionlp().ner.extract_time(text, time_base=base, with_parsing=True)
    for item in found:
        detail = item.get("detail") or {}
        if item.get("type") != "time_point" or not isinstance(detail.get("time"), list):
            continue
        start, end = item["offset"]
        if start > 0 and text[start - 1] in _ZH_DANGLING:
            raise TimeParseError(Problem.INVALID)
        while end > start + 1 and text[end - 1] not in _ZH_PHRASE_END:
            end -= 1
        if text[end : end + 1] == "整" and text[end - 1 : end] == "点":
            end += 1
        phrase = text[start:end]
        first, last = (datetime.fromisoformat(value) for value in detail["time"][:2])
        whole_day = first.time() == time(0) and last.time() == time(23, 59, 59)
        return _Found(
            moment=first,
            start=start,
            end=end,
            day_named=bool(_ZH_DAY.search(phrase)),
            month_day_without_year=bool(
                _ZH_MONTH_DAY.search(phrase) and not _ZH_RELATIVE_MONTH.search(phrase)
            ),
            has_clock=not whole_day,
        )
    return None


def _english_parse(phrase: str, base: datetime) -> datetime | None:
    import dateparser  # type: ignore[import-untyped,unused-ignore]

    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"}
    moment: datetime | None = dateparser.parse(phrase, languages=["en"], settings=settings)
    return moment


def _english(text: str, base: datetime) -> _Found | None:
    match = _EN_PHRASE.search(text)
    if match is None:
        return None
    phrase = _EN_HALF.sub("30 minutes", match.group(0))
    moment = _english_parse(phrase, base)
    if moment is None:
        raise TimeParseError(Problem.INVALID)
    return _Found(
        moment=moment.replace(tzinfo=None),
        start=match.start(),
        end=match.end(),
        day_named=True,
        month_day_without_year=False,
        has_clock=bool(_EN_HAS_CLOCK.search(phrase)),
    )


def _subject(text: str, start: int, end: int) -> str:
    before, after = text[:start].rstrip(_JOIN_BEFORE), text[end:].lstrip(_JOIN_AFTER)
    while (cleaned := _LEAD_IN.sub("", before, count=1)) != before:
        before = cleaned.lstrip(_JOIN_AFTER)
    if not before:
        while (cleaned := _LEAD_IN.sub("", after, count=1)) != after:
            after = cleaned.lstrip(_JOIN_AFTER)
    return " ".join(f"{before} {after}".split())[:SUBJECT_MAX]


def _normalise(text: str) -> str:
    for short, full in _ZH_SHORTHAND.items():
        text = text.replace(short, full)
    return " ".join(text.split())


def _future(found: _Found, base: datetime) -> datetime:
    """Move a time-of-day or a month-day that has passed to its next occurrence."""
    moment = found.moment
    if not found.has_clock:
        moment = datetime.combine(moment.date(), DEFAULT_CLOCK)
    if moment > base:
        return moment
    if not found.day_named:
        return moment + timedelta(days=1)
    if found.month_day_without_year:
        with contextlib.suppress(ValueError):
            return moment.replace(year=moment.year + 1)
    return moment


def parse(text: str, *, now: datetime, zone: ZoneInfo) -> ParsedTime:
    """The future moment ``text`` names, seen from ``now`` in ``zone``; raises TimeParseError."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    text = _normalise(text)
    if not text:
        raise TimeParseError(Problem.EMPTY)
    base = now.astimezone(zone).replace(tzinfo=None)
    readers = (_chinese, _english) if _CJK.search(text) else (_english, _chinese)
    found = None
    with _PARSE_LOCK:
        for reader in readers:
            found = reader(text, base)
            if found is not None:
                break
    if found is None:
        raise TimeParseError(Problem.UNKNOWN)
    local = _future(found, base)
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    if local <= base:
        raise TimeParseError(Problem.PAST, moment)
    if moment - now > HORIZON:
        raise TimeParseError(Problem.TOO_FAR, moment)
    phrase = text[found.start : found.end].strip()
    return ParsedTime(at=moment, phrase=phrase, subject=_subject(text, found.start, found.end))


def _zh_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _ZH_DIGITS[text[0]]
    tens, _, units = text.partition("十")
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[units] if units else 0)


def _clock(hour: int, minute: int, afternoon: bool = False) -> time:
    if afternoon and hour < 12:
        hour += 12
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        raise TimeParseError(Problem.INVALID)
    return time(hour % 24, minute)


def _zh_clock(text: str) -> tuple[time, int] | None:
    found = _ZH_CLOCK.match(text)
    if found is None or not found.group(0).strip():
        return None
    period = found["period"]
    afternoon, default = _ZH_PERIODS.get(period, (0, 0))
    if found["h"]:
        hour, minute = int(found["h"]), int(found["m"])
    elif found["hour"]:
        hour = _zh_number(found["hour"])
        half = {"半": 30, "一刻": 15, "三刻": 45}.get(found["half"] or "", 0)
        minute = half or (_zh_number(found["minute"]) if found["minute"] else 0)
    elif period:
        hour, minute = default, 0
    else:
        return None
    late_morning = period == "中午" and hour >= 11  # 中午11点 is 11:00, 中午1点 13:00
    clock = _clock(hour, minute, bool(afternoon) and not late_morning)
    return clock, len(found.group(0).rstrip())


def _zh_repeat(text: str) -> tuple[RepeatKind, tuple[int, ...], int, int] | None:
    found = _ZH_REPEAT.search(text)
    if found is None:
        return None
    if found["monthly"]:
        day = 31 if found["mlast"] else _zh_number(found["mday"])
        if not 1 <= day <= 31:
            raise TimeParseError(Problem.INVALID)
        return RepeatKind.MONTHLY, (day,), found.start(), found.end()
    if found["weekly"]:
        names = re.sub(_ZH_WEEK, "", found["wdays"])
        days = sorted({_ZH_WEEKDAYS.get(c, int(c) - 1 if c.isdigit() else -1) for c in names})
        days = [day for day in days if day >= 0]
        return RepeatKind.WEEKLY, tuple(days), found.start(), found.end()
    kind = RepeatKind.WORKDAYS if found["workdays"] else RepeatKind.DAILY
    return kind, (), found.start(), found.end()


def _en_clock(found: re.Match[str]) -> time:
    if found["word"]:
        return time(12) if found["word"].lower() == "noon" else time(0)
    if found["h24"]:
        return _clock(int(found["h24"]), int(found["m24"]))
    hour, minute = int(found["h"]), int(found["m"] or 0)
    if not 1 <= hour <= 12:
        raise TimeParseError(Problem.INVALID)
    return _clock(hour % 12, minute, found["ampm"].lower() == "pm")


def _en_repeat(text: str) -> tuple[RepeatKind, tuple[int, ...], int, int] | None:
    found = _EN_REPEAT.search(text)
    if found is None:
        return None
    if found["monthly"]:
        digits = found["mday"] or found["mday2"] or found["mday3"]
        day = 31 if found["mlast"] else int(digits)
        if not 1 <= day <= 31:
            raise TimeParseError(Problem.INVALID)
        return RepeatKind.MONTHLY, (day,), found.start(), found.end()
    if found["weekly"]:
        names = re.findall(_WEEKDAY, found["wdays"], re.IGNORECASE)
        days = tuple(sorted({_EN_WEEKDAYS.index(name[:3].lower()) for name in names}))
        return RepeatKind.WEEKLY, days, found.start(), found.end()
    kind = RepeatKind.WORKDAYS if found["workdays"] else RepeatKind.DAILY
    return kind, (), found.start(), found.end()


def parse_repeat(text: str) -> ParsedRepeat | None:
    """The recurrence ``text`` names ("每周五下午4点 交周报"), or None for a one-off phrase.

    Without a time of day a recurring reminder comes at 09:00.
    """
    text = _normalise(text)
    found = _zh_repeat(text) if _CJK.search(text) else None
    found = found or _en_repeat(text)
    if found is None:
        return None
    kind, days, start, end = found
    clock = DEFAULT_CLOCK
    if zh := _zh_clock(text[end:]):
        clock, length = zh
        end += length
    elif after := _EN_CLOCK_AFTER.match(text[end:]):
        clock, end = _en_clock(after), end + after.end()
    elif before := _EN_CLOCK_BEFORE.search(text[:start]):
        clock, start = _en_clock(before), before.start()
    repeat = Repeat(kind, clock, days)
    return ParsedRepeat(repeat, text[start:end].strip(), _subject(text, start, end))
