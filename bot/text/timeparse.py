"""Understand "明天9点 学习第三课" or "tomorrow 9am call the workshop": a moment and a subject.

Chinese phrases go to jionlp, English ones to dateparser; both are given an explicit base time
in the user's timezone, so the result never depends on the machine's clock or zone. The phrase
is cut out of the text and what is left becomes the reminder's subject. The libraries are
imported on first use: jionlp takes about a second to load and prints a banner while it does.
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
_TRIM = " \t\n,，.。;；:：、!！?？-—"


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
    rest = f"{text[:start].strip(_TRIM)} {text[end:].strip(_TRIM)}".strip(_TRIM)
    while (cleaned := _LEAD_IN.sub("", rest).strip(_TRIM)) != rest:
        rest = cleaned
    return " ".join(rest.split())[:SUBJECT_MAX]


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
