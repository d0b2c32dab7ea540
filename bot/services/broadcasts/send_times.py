"""The times an admin types in /announce: a moment to send once, a time of day to repeat at.

Only a few unambiguous shapes are read (``2026-12-01 08:30``, ``12-01 8:30``, ``明天 8:30``,
``tomorrow 8:30``, ``20:00``, ``8点30``), always in the admin's timezone; anything else gets an
example back rather than a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_CLOCK = r"(\d{1,2})[:点](\d{2})?分?"
_DATED = re.compile(rf"^(?:(\d{{4}})[-/.年])?(\d{{1,2}})[-/.月](\d{{1,2}})日?\s*{_CLOCK}$")
_RELATIVE = re.compile(rf"^(今天|明天|后天|today|tomorrow)?\s*{_CLOCK}$", re.IGNORECASE)
_DAYS_AHEAD = {"今天": 0, "today": 0, "明天": 1, "tomorrow": 1, "后天": 2}


class InvalidTime(ValueError):
    """A time that cannot be used; ``key`` is the catalog key explaining why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_clock(text: str) -> time:
    """``8:30``, ``08:30`` or ``8点30`` as a time of day."""
    match = re.fullmatch(_CLOCK, _normal(text))
    if not match or not _valid(match.group(1), match.group(2)):
        raise InvalidTime("broadcasts.bad_clock")
    return time(int(match.group(1)), int(match.group(2) or 0))


def parse_moment(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """A future moment from ``2026-12-01 08:30``, ``12-01 8:30``, ``明天 8:30`` or ``20:00``.

    A date without a year that has passed means next year; a bare time that has passed today
    means tomorrow.
    """
    cleaned, local = _normal(text), now.astimezone(zone)
    if dated := _DATED.match(cleaned):
        year, month, day, hour, minute = dated.groups()
        roll = timedelta(0) if year else None
        try:
            day_of = date(int(year or local.year), int(month), int(day))
        except ValueError:
            raise InvalidTime("broadcasts.bad_time") from None
    elif relative := _RELATIVE.match(cleaned):
        word, hour, minute = relative.groups()
        roll = timedelta(0) if word else timedelta(days=1)
        day_of = local.date() + timedelta(days=_DAYS_AHEAD.get((word or "").lower(), 0))
    else:
        raise InvalidTime("broadcasts.bad_time")
    if not _valid(hour, minute):
        raise InvalidTime("broadcasts.bad_time")
    moment = datetime.combine(day_of, time(int(hour), int(minute or 0)), tzinfo=zone)
    if moment <= local:
        moment = _next_year(moment) if roll is None else moment + roll
    if moment <= local:
        raise InvalidTime("broadcasts.past_time")
    return moment.astimezone(now.tzinfo)


def _next_year(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        raise InvalidTime("broadcasts.bad_time") from None


def _normal(text: str) -> str:
    return " ".join(text.replace("：", ":").split()).strip()


def _valid(hour: str, minute: str | None) -> bool:
    return int(hour) < 24 and int(minute or 0) < 60
