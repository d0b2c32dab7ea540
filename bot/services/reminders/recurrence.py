"""When a recurring reminder comes next: every day, workday, chosen weekday or day of the month.

Workdays follow China's statutory holidays and adjusted working days (``chinese-calendar``).
For a year the library has no data for yet, it raises ``NotImplementedError``; such days are
taken as Monday to Friday and the occurrence is marked ``approximate`` so the list can say so.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped,unused-ignore]

from bot.text.timeparse import Repeat, RepeatKind

LOOK_AHEAD_DAYS = 400


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence (aware UTC) and whether its workday was guessed as Monday to Friday."""

    at: datetime
    approximate: bool = False


def workday(day: date) -> tuple[bool, bool]:
    """Whether ``day`` is a working day in China, and whether that is a Monday–Friday guess."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def holidays_known(day: date) -> bool:
    """Whether China's holiday calendar for ``day``'s year is known."""
    return not workday(day)[1]


def _matches(repeat: Repeat, day: date) -> tuple[bool, bool]:
    if repeat.kind == RepeatKind.WORKDAYS:
        return workday(day)
    if repeat.kind == RepeatKind.WEEKLY:
        return day.weekday() in repeat.days, False
    if repeat.kind == RepeatKind.MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(repeat.days[0], last), False
    return True, False


def next_occurrence(repeat: Repeat, zone: ZoneInfo, after: datetime) -> Occurrence:
    """The first occurrence of ``repeat``, read in ``zone``, strictly after ``after``."""
    local = after.astimezone(zone)
    for offset in range(LOOK_AHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        matches, approximate = _matches(repeat, day)
        if not matches:
            continue
        moment = datetime.combine(day, repeat.clock, tzinfo=zone).astimezone(UTC)
        if moment > after:
            return Occurrence(moment, approximate)
    raise ValueError(f"{repeat.rule} does not occur within {LOOK_AHEAD_DAYS} days")
