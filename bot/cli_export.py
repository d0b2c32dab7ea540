"""``engage export``: data for union and enterprise staff, as files they open in a spreadsheet."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.clock import utcnow

app = typer.Typer(no_args_is_help=True, help="Export data as csv or xlsx files.")


class Format(StrEnum):
    """File formats staff can open."""

    CSV = "csv"
    XLSX = "xlsx"


async def _export(fmt: Format, since: date | None) -> bytes:
    from bot.config import load_settings
    from bot.services import Services

    settings = load_settings()
    services = Services.build(settings)
    try:
        await services.db.upgrade()
        start = datetime.combine(since, time(), tzinfo=settings.zone) if since else None
        t = services.i18n.translator(settings.default_locale)
        return await services.proposals.export(fmt=fmt.value, t=t, since=start)
    finally:
        await services.close()


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
    content = asyncio.run(_export(fmt, since.date() if since else None))
    target = output or Path(f"proposals-{utcnow():%Y%m%d}.{fmt.value}")
    target.write_bytes(content)
    typer.echo(f"wrote {target} ({len(content)} bytes)")
