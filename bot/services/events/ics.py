"""An event as an iCalendar (.ics) file, so people can put it in their phone's calendar.

Written by hand (RFC 5545 needs only a few lines): the ``ics`` package does not fold long
lines and warns on every alarm it serialises.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

PRODUCT = "-//employee-engagement-bot//events//ZH"
ALARM_BEFORE = timedelta(hours=1)
LINE_OCTETS = 75


def _text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    for raw, escaped in (
        ("\\", "\\\\"),
        (";", "\\;"),
        (",", "\\,"),
        ("\r\n", "\\n"),
        ("\n", "\\n"),
    ):
        value = value.replace(raw, escaped)
    return value


def _fold(line: str) -> list[str]:
    """Split a content line into pieces of at most 75 octets (continuations start with a space)."""
    pieces, current = [], ""
    for char in line:
        if len((current + char).encode()) > LINE_OCTETS:
            pieces.append(current)
            current = " "
        current += char
    return [*pieces, current]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_file(
    *,
    uid: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    description: str = "",
    stamp: datetime,
) -> bytes:
    """One event with an alarm an hour before, as UTF-8 text with CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART:{_stamp(starts_at)}",
        f"DTEND:{_stamp(ends_at)}",
        f"SUMMARY:{_text(title)}",
        *([f"LOCATION:{_text(place)}"] if place else []),
        *([f"DESCRIPTION:{_text(description)}"] if description else []),
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_text(title)}",
        f"TRIGGER:-PT{int(ALARM_BEFORE.total_seconds() // 60)}M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(f"{piece}\r\n" for line in lines for piece in _fold(line)).encode()
