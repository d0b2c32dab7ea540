"""When pushes may go out (quiet hours, digest time) and the times admins type, around midnight."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services.broadcasts.send_times import InvalidTime, parse_clock, parse_moment
from bot.services.settings.preferences import PushSettings, next_digest, quiet_end

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = PushSettings()


def local(*args: int) -> datetime:
    """A moment in Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "release"),
    [
        (local(2026, 12, 1, 23, 30), local(2026, 12, 2, 7, 0)),
        (local(2026, 12, 31, 22, 0), local(2027, 1, 1, 7, 0)),
        (local(2026, 12, 2, 0, 0), local(2026, 12, 2, 7, 0)),
        (local(2026, 12, 2, 6, 59), local(2026, 12, 2, 7, 0)),
        (local(2026, 12, 2, 7, 0), None),
        (local(2026, 12, 1, 21, 59), None),
    ],
)
def test_quiet_hours_cross_midnight_and_month_end(
    moment: datetime, release: datetime | None
) -> None:
    """22:00–07:00 holds from 22:00 until 07:00 the next morning, new year's eve included."""
    assert quiet_end(moment.astimezone(UTC), DEFAULT) == release


def test_no_quiet_hours_and_a_user_in_another_timezone() -> None:
    """Equal bounds switch quiet hours off; a user's own timezone decides what night is."""
    assert quiet_end(local(2026, 12, 1, 23, 30), PushSettings(quiet_from=0, quiet_until=0)) is None
    london = PushSettings(timezone="Europe/London")
    assert quiet_end(local(2026, 12, 1, 23, 30), london) is None  # 15:30 in London


def test_digest_comes_at_its_hour_and_never_in_quiet_hours() -> None:
    """The next 18:00 (at 18:00, the next day's); an hour in quiet hours waits for morning."""
    assert next_digest(local(2026, 12, 1, 17, 0), DEFAULT) == local(2026, 12, 1, 18, 0)
    assert next_digest(local(2026, 12, 31, 18, 0), DEFAULT) == local(2027, 1, 1, 18, 0)
    early = PushSettings(digest_hour=8, quiet_from=22 * 60, quiet_until=9 * 60)
    assert next_digest(local(2026, 12, 1, 12, 0), early) == local(2026, 12, 2, 9, 0)


NOW = local(2026, 12, 1, 21, 0)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-12-01 22:30", local(2026, 12, 1, 22, 30)),
        ("2027/1/5 8:00", local(2027, 1, 5, 8, 0)),
        ("12-02 08:30", local(2026, 12, 2, 8, 30)),
        ("11-30 08:30", local(2027, 11, 30, 8, 30)),
        ("12月31日 23:59", local(2026, 12, 31, 23, 59)),
        ("明天 8:30", local(2026, 12, 2, 8, 30)),
        ("明天8点", local(2026, 12, 2, 8, 0)),
        ("后天 0:00", local(2026, 12, 3, 0, 0)),
        ("tomorrow 7:05", local(2026, 12, 2, 7, 5)),
        ("20：00", local(2026, 12, 2, 20, 0)),
        ("22:15", local(2026, 12, 1, 22, 15)),
    ],
)
def test_typed_send_times_are_read_in_the_admins_timezone(text: str, moment: datetime) -> None:
    """Dates with or without a year, today/tomorrow words, bare times rolling over midnight."""
    assert parse_moment(text, SHANGHAI, NOW.astimezone(UTC)) == moment


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("今天 8:00", "broadcasts.past_time"),
        ("2026-11-30 08:00", "broadcasts.past_time"),
        ("2027-02-30 08:00", "broadcasts.bad_time"),
        ("25:00", "broadcasts.bad_time"),
        ("下周一开会", "broadcasts.bad_time"),
    ],
)
def test_unusable_times_are_explained(text: str, key: str) -> None:
    """Past moments, impossible dates and unknown words are refused with a reason."""
    with pytest.raises(InvalidTime) as refused:
        parse_moment(text, SHANGHAI, NOW.astimezone(UTC))
    assert refused.value.key == key


def test_time_of_day_for_repeating() -> None:
    """``7:30``, ``07:30`` and ``7点30`` are the same time; ``24:00`` is not a time."""
    assert parse_clock("7:30") == parse_clock("07:30") == parse_clock("7点30") == time(7, 30)
    with pytest.raises(InvalidTime):
        parse_clock("24:00")
