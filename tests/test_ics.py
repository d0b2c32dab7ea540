"""The .ics calendar file: valid lines, escaped text, folded long lines, an alarm."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.events.ics import event_file

START = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
END = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)


def lines(data: bytes) -> list[str]:
    """The content lines, unfolded as a calendar program reads them."""
    text = data.decode()
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_event_file_has_the_event_in_utc_with_an_alarm() -> None:
    """Times are UTC, the title and place are there, and an alarm rings an hour before."""
    found = lines(
        event_file(uid="e1@bot", title="安全培训", starts_at=START, ends_at=END,
                   place="宝鸡培训中心", stamp=START)
    )  # fmt: skip
    assert found[0] == "BEGIN:VCALENDAR"
    assert found[-1] == "END:VCALENDAR"
    assert "DTSTART:20261201T003000Z" in found
    assert "DTEND:20261201T033000Z" in found
    assert "SUMMARY:安全培训" in found
    assert "LOCATION:宝鸡培训中心" in found
    assert "TRIGGER:-PT60M" in found
    assert [line for line in found if line.startswith("DESCRIPTION:")] == ["DESCRIPTION:安全培训"]


def test_special_characters_are_escaped_and_long_lines_folded() -> None:
    """Commas, semicolons and newlines are escaped; no line is over 75 bytes."""
    data = event_file(
        uid="e2@bot", title="焊接, 装配; 检验" * 8, starts_at=START, ends_at=END,
        description="第一行\n第二行", stamp=START,
    )  # fmt: skip
    assert all(len(line.encode()) <= 75 for line in data.decode().split("\r\n"))
    unfolded = lines(data)
    assert "SUMMARY:" + "焊接\\, 装配\\; 检验" * 8 in unfolded
    assert "DESCRIPTION:第一行\\n第二行" in unfolded
