"""``engage report``: studio coverage and targets, a person's dossier, re-importable exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.common import settings, with_services

app = typer.Typer(
    no_args_is_help=True, help="Figures of the network of model workers and craftsmen."
)
Unit = Annotated[
    str | None, typer.Option("--unit", help="A unit's path of names, e.g. 陕西省/西安市.")
]


async def _unit_id(services: Any, path: str | None) -> int | None:
    if path is None:
        return None
    unit = await services.network.reports.find_unit(path=path)
    if unit is None:
        typer.echo(f"engage: no unit {path!r}", err=True)
        raise typer.Exit(2)
    return int(unit.id)


def _line(label: str, row: Any) -> str:
    if not row.known:
        return f"{label}: no data (no first-line model workers or craftsmen counted)"
    gap = f", {row.gap} more needed" if row.gap else ", target met"
    return (
        f"{label}: {row.covered}/{row.population} = {row.share * 100:.1f}% "
        f"(target {row.target * 100:.0f}%{gap})"
    )


@app.command()
def coverage(
    unit: Unit = None,
    chart: Annotated[
        Path | None, typer.Option(help="Also draw the chart into this PNG file.")
    ] = None,
) -> None:
    """Share of first-line model workers and craftsmen in a studio, by area and enterprise."""

    async def work(services: Any) -> Any:
        return await services.network.studios.coverage(unit_id=await _unit_id(services, unit))

    report = with_services(work)
    typer.echo(_line(report.unit.path if report.unit else "all", report.total))
    typer.echo("by area:")
    for row in report.by_area:
        typer.echo("  " + _line(row.label or "(other)", row))
    typer.echo("by enterprise:")
    for row in report.by_enterprise:
        typer.echo("  " + _line(row.label or "(no enterprise)", row))
    if chart is not None and not report.total.known:
        typer.echo("no chart drawn: there is no data to show")
    elif chart is not None:
        from bot.i18n import Catalogs
        from bot.services.network.coverage_chart import ChartLabels, coverage_png

        catalogs = Catalogs()
        zh, en = catalogs.translator("zh"), catalogs.translator("en")

        def labels(t: Any, plain: bool) -> ChartLabels:
            place = report.unit.name if report.unit and not plain else None
            title = (
                t("network.coverage.chart_title_at", place=place)
                if place
                else t("network.coverage.chart_title")
            )
            return ChartLabels(
                title,
                t("network.coverage.chart_share"),
                t("network.coverage.chart_target"),
                t("network.coverage.other"),
                t("network.coverage.chart_none"),
            )

        chart.write_bytes(coverage_png(report, labels(zh, False), labels(en, True)))
        typer.echo(f"chart written to {chart}")


@app.command()
def target(
    path: Annotated[str, typer.Argument(help="The unit, e.g. 陕西省/西安市.")],
    value: Annotated[float, typer.Argument(help="The share to reach, e.g. 0.85; 0 clears it.")],
) -> None:
    """Set a unit's own studio coverage target (units without one follow the unit above)."""

    async def work(services: Any) -> Any:
        unit_id = await _unit_id(services, path)
        return await services.network.studios.set_target(unit_id=unit_id, target=value or None)

    try:
        unit = with_services(work)
    except ValueError:
        typer.echo("engage: the target is a share between 0 and 1, e.g. 0.85", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"{unit.path}: target {unit.target * 100:.0f}%{'' if unit.own_target else ' (inherited)'}"
    )


@app.command()
def export(
    kind: Annotated[str, typer.Argument(help="experts, studios, enterprises or bases")],
    file: Annotated[Path, typer.Argument(help="The .csv or .xlsx file to write.")],
) -> None:
    """Write a table that `engage import` reads back unchanged."""
    from bot.services.core.tables import write_table
    from bot.services.network.import_rules import KINDS, columns

    if kind not in KINDS:
        typer.echo(f"engage: kind must be one of {', '.join(KINDS)}", err=True)
        raise typer.Exit(2)

    async def work(services: Any) -> Any:
        return await services.network.imports.export(kind=kind)

    rows = with_services(work)
    write_table(file, columns(kind), rows)
    typer.echo(f"{kind}: {len(rows)} rows written to {file}")


@app.command()
def dossier(
    telegram_id: int,
    file: Annotated[Path, typer.Argument(help="The .xlsx file to write.")],
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
) -> None:
    """A person's record (activities, help given, pairs, studios) for award nominations."""
    from bot.i18n import Catalogs
    from bot.services.network.dossier import dossier_xlsx

    async def work(services: Any) -> Any:
        return await services.network.reports.dossier(user_id=telegram_id)

    found = with_services(work)
    if found is None:
        typer.echo(f"engage: no user {telegram_id}", err=True)
        raise typer.Exit(1)
    file.write_bytes(dossier_xlsx(found, Catalogs().translator(lang), settings().zone))
    typer.echo(f"dossier of {found.name} written to {file}")
