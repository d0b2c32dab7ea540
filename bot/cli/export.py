"""``engage export``: data for union and enterprise staff, as files they open in a spreadsheet."""

from __future__ import annotations

import functools
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import with_services
from bot.clock import utcnow

if TYPE_CHECKING:
    from bot.services import Services

app = typer.Typer(no_args_is_help=True, help="Export data as csv or xlsx files.")


class Format(StrEnum):
    """File formats staff can open."""

    CSV = "csv"
    XLSX = "xlsx"


async def _export(services: Services, *, fmt: Format, since: date | None) -> bytes:
    zone = services.settings.zone
    start = datetime.combine(since, time(), tzinfo=zone) if since else None
    t = services.i18n.translator(services.settings.default_locale)
    return await services.proposals.export(fmt=fmt.value, t=t, since=start)


@app.command()
def proposals(
    fmt: Annotated[Format, typer.Option("--format", help="csv or xlsx")] = Format.XLSX,
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only proposals submitted on or after this day."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="File to write (default: proposals-<date>.<format>).")
    ] = None,
) -> None:
    """Every submitted proposal with its fields, average scores and status history."""
    day = since.date() if since else None
    content = with_services(functools.partial(_export, fmt=fmt, since=day))
    target = output or Path(f"proposals-{utcnow():%Y%m%d}.{fmt.value}")
    target.write_bytes(content)
    typer.echo(f"wrote {target} ({len(content)} bytes)")
