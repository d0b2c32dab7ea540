"""Every table of the dashboard as an xlsx workbook, inside the viewer's scope.

A download holds exactly the rows the page shows for the same filters (all of them, not one
page), with headers in the viewer's language. Each row becomes its sheet's XML as it is made
(:func:`~bot.services.dashboard.xlsx.row`); the proposals as they are read from the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services.dashboard.dashboard import DashboardService
from bot.services.dashboard.proposals import Cells
from bot.services.dashboard.scopes import Scope
from bot.services.dashboard.xlsx import row, workbook

Rows = tuple[tuple[str, ...], list[str]]
"""A table's columns, and its rows as :func:`~bot.services.dashboard.xlsx.row` made them."""
EXPORT_LIMIT = 100_000


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _day(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).date().isoformat() if moment else None


def _coverage_rows(first: str, lines: Any) -> Rows:
    """One coverage table (units or enterprises): the same columns after the first."""
    rows = [
        row((c.name, c.population, c.covered, _pct(c.share), _pct(c.target), c.gap)) for c in lines
    ]
    return (first, "population", "covered", "share", "target", "gap"), rows


async def _coverage_units(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    level = await service.coverage(scope=scope, unit_id=params.get("unit"))
    return _coverage_rows("unit", level.children)


async def _coverage_enterprises(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    level = await service.coverage(scope=scope, unit_id=params.get("unit"))
    return _coverage_rows("enterprise", level.enterprises)


async def _teams(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.activity(scope=scope)
    rows = [
        row((t.name, t.members, t.enterprises, t.recent, _day(t.last, zone))) for t in found.teams
    ]
    return ("team", "members", "enterprises", "recent", "last"), rows


async def _pairings(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.activity(scope=scope)
    rows = [
        row((p.expert, p.enterprise, p.recent, _day(p.last, zone), "!" if p.overdue else ""))
        for p in found.pairings
    ]
    return ("expert", "enterprise", "recent", "last", "overdue"), rows


async def _proposals(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:

    def line(cells: Cells) -> str:
        number, title, status, firm, sent, decided, waiting = cells
        sent_on = sent.astimezone(zone).date().isoformat() if sent else None  # _day, inlined
        decided_on = decided.astimezone(zone).date().isoformat() if decided else None
        return row((number, title, status, firm, sent_on, decided_on, waiting))

    rows = await service.proposal_table(
        scope=scope,
        each=line,
        unit_id=params.get("unit"),
        statuses=params.get("statuses"),
        limit=EXPORT_LIMIT,
    )
    columns = ("number", "title", "status", "enterprise", "submitted", "decided", "waiting")
    return columns, rows


async def _courses(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.learning(scope=scope)
    locale_title = params.get("locale") == "en"
    rows = [
        row(
            (
                c.title_en if locale_title else c.title_zh,
                c.lessons,
                c.started,
                c.finished,
                _pct(c.completion),
            )
        )
        for c in found.courses
    ]
    return ("course", "lessons", "started", "finished", "completion"), rows


async def _learning_units(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.learning(
        scope=scope, course_id=params.get("course"), unit_id=params.get("unit")
    )
    rows = [row((u.name, u.people, u.finished, _pct(u.completion))) for u in found.units]
    return ("unit", "people", "finished", "completion"), rows


TABLES: dict[
    str, Callable[[DashboardService, Scope, dict[str, Any], ZoneInfo], Awaitable[Rows]]
] = {
    "coverage_units": _coverage_units,
    "coverage_enterprises": _coverage_enterprises,
    "teams": _teams,
    "pairings": _pairings,
    "proposals": _proposals,
    "courses": _courses,
    "learning_units": _learning_units,
}


async def export_table(
    service: DashboardService,
    *,
    scope: Scope,
    table: str,
    t: Translator,
    zone: ZoneInfo,
    params: dict[str, Any],
) -> bytes:
    """One table as an xlsx workbook; ``KeyError`` for a table that does not exist."""
    columns, rows = await TABLES[table](service, scope, params, zone)
    title = str(t(f"dashboard.table.{table}"))[:31]
    return workbook(title, [str(t(f"dashboard.col.{c}")) for c in columns], rows)
