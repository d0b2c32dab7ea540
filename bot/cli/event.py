"""``engage event``: publish an event from the command line and export who came.

Times are read like the bot reads them (``"2026-12-01 08:30"``, ``"12月1日早上8点半"``,
``"tomorrow 9am"``) in ``ENGAGE_TIMEZONE``. The announcement is queued in the database and
sent by the running bot, within Telegram's limits.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import settings, with_services
from bot.text.counts import count

app = typer.Typer(no_args_is_help=True, help="Events: publish one, export its attendance.")
_LEAD = re.compile(r"^\s*(\d+)\s*([dhm])\s*$", re.IGNORECASE)
_MINUTES = {"d": 1440, "h": 60, "m": 1}


def lead_times(text: str) -> tuple[int, ...]:
    """'24h,1h' or '2d, 30m' as minutes before the start; '' or 'none' for no reminders."""
    if text.strip().lower() in ("", "none"):
        return ()
    minutes = []
    for part in text.split(","):
        match = _LEAD.match(part)
        if match is None or int(match.group(1)) == 0:
            raise typer.BadParameter(f"{part.strip()!r}: use e.g. 24h, 90m or 2d")
        minutes.append(int(match.group(1)) * _MINUTES[match.group(2).lower()])
    return tuple(minutes)


def _moment(text: str, now: datetime, zone: ZoneInfo, option: str) -> datetime:
    from bot.text.timeparse import TimeParseError, parse

    try:
        return parse(text, now=now, zone=zone).at
    except TimeParseError as exc:
        raise typer.BadParameter(
            f'{text!r}: {exc.problem.value} (try "2026-12-01 08:30")', param_hint=option
        ) from None


@app.command("create")
def create(
    title: Annotated[str, typer.Option("--title", help="What the event is called.")],
    start: Annotated[str, typer.Option("--start", help='When it starts, e.g. "2026-12-01 08:30".')],
    end: Annotated[
        str | None, typer.Option("--end", help='When it ends, e.g. "11:30" (default: 2 hours).')
    ] = None,
    place: Annotated[str, typer.Option("--place")] = "",
    description: Annotated[str, typer.Option("--description")] = "",
    capacity: Annotated[int | None, typer.Option("--capacity", min=1)] = None,
    enterprise: Annotated[
        list[int] | None, typer.Option("--enterprise", help="Enterprise id (repeatable).")
    ] = None,
    department: Annotated[
        list[str] | None, typer.Option("--department", help="Department (repeatable).")
    ] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="model_worker, craftsman… (repeatable).")
    ] = None,
    remind: Annotated[
        str, typer.Option("--remind", help="Reminders to those going, e.g. 24h,1h or none.")
    ] = "24h,1h",
    announce: Annotated[
        bool, typer.Option("--announce/--no-announce", help="Announce it to the audience now.")
    ] = True,
) -> None:
    """Publish an event (for everyone unless narrowed) and announce it."""
    from bot.clock import utcnow
    from bot.services.broadcasts.audience import Audience
    from bot.services.events.views import InvalidEvent

    chosen = settings()
    now = utcnow()
    starts_at = _moment(start, now, chosen.zone, "--start")
    ends_at = _moment(end, starts_at, chosen.zone, "--end") if end else None
    narrowed = Audience(
        enterprise_ids=tuple(enterprise or ()),
        departments=tuple(department or ()),
        roles=tuple(role or ()),
    )
    audience = Audience(everyone=True) if narrowed.is_empty else narrowed
    leads = lead_times(remind)

    async def work(services: Any) -> None:
        try:
            event = await services.events.create(
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                place=place,
                description=description,
                capacity=capacity,
                audience=audience,
                remind_before=leads,
            )
        except InvalidEvent as exc:
            typer.echo(f"engage: the event's {exc.field} is not valid", err=True)
            raise typer.Exit(1) from None
        local = event.starts_at.astimezone(chosen.zone).strftime("%Y-%m-%d %H:%M")
        typer.echo(f"event {event.id} published: {event.title}, {local} ({chosen.timezone})")
        typer.echo(f"check-in link payload: start=checkin_{event.checkin_token}")
        if announce:
            await services.events.request_announcement(event_id=event.id)
            reach = await services.broadcasts.audience.count(event.audience)
            people = count(reach, "people")
            typer.echo(f"announcement queued for {people}; the running bot sends it")

    with_services(work, chosen=chosen)


@app.command("attendance")
def attendance(
    event_id: Annotated[int, typer.Argument(help="The event's id.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: next to you).")
    ] = None,
) -> None:
    """Write who answered and who checked in, as CSV or XLSX."""
    from bot.services.events.attendance import FORMATS, export

    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    chosen = settings()
    target = output or Path(f"attendance-{event_id}.{fmt}")

    async def work(services: Any) -> None:
        event = await services.events.find(event_id=event_id)
        if event is None:
            typer.echo(f"engage: no published event {event_id}", err=True)
            raise typer.Exit(1)
        rows = await services.events.attendance(event_id=event_id)
        t = services.i18n.translator(chosen.default_locale)
        target.write_bytes(export(rows, title=event.title, t=t, zone=chosen.zone, fmt=fmt))
        came = sum(1 for row in rows if row.checked_in_at)
        typer.echo(f"{len(rows)} answered, {came} checked in: {target}")

    with_services(work, chosen=chosen)
