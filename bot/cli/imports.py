"""``engage import experts|studios|enterprises|bases FILE``: staff spreadsheets, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import with_services

if TYPE_CHECKING:
    from bot.services import Services
    from bot.services.network.imports import ImportResult

app = typer.Typer(
    no_args_is_help=True,
    help="Import experts, studios, enterprises or demonstration bases from CSV or XLSX.",
)
File = Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx file with a header row.")]
CheckOnly = Annotated[bool, typer.Option("--check", help="Validate and count, write nothing.")]


def _main(kind: str, path: Path, check_only: bool) -> None:
    from bot.services.core.tables import TableError, read_table

    try:
        header, rows = read_table(path)
    except TableError as exc:
        typer.echo(f"engage: {exc}", err=True)
        raise typer.Exit(2) from None

    async def run(services: Services) -> ImportResult:
        return await services.network.imports.run(
            kind=kind, header=header, rows=rows, check_only=check_only
        )

    result = with_services(run)
    for problem in result.problems:
        typer.echo(
            f"{path.name}: row {problem.row}, column {problem.column}: {problem.message}", err=True
        )
    if not result.ok:
        typer.echo(
            f"{kind}: {len(result.problems)} problems in {result.rows} rows; nothing was imported"
        )
        raise typer.Exit(1)
    verb = "would be" if check_only else "were"
    typer.echo(
        f"{kind}: {result.rows} rows {verb} read: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )


@app.command()
def experts(file: File, check: CheckOnly = False) -> None:
    """Model workers and craftsmen: telegram_id, name, role, field, skills, enterprise and more."""
    _main("experts", file, check)


@app.command()
def studios(file: File, check: CheckOnly = False) -> None:
    """Innovation studios: name, leader_telegram_id, enterprise, field, founded_on, members."""
    _main("studios", file, check)


@app.command()
def enterprises(file: File, check: CheckOnly = False) -> None:
    """Enterprises and their place in the tree: name, region, province, city, county, union."""
    _main("enterprises", file, check)


@app.command()
def bases(file: File, check: CheckOnly = False) -> None:
    """Demonstration bases: name, region, specialities, leader_telegram_id, description."""
    _main("bases", file, check)
