"""Every table of the dashboard as an xlsx workbook, inside the viewer's scope.

A download holds exactly the rows the page shows for the same filters (all of them, not one
page), with headers in the viewer's language.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.i18n import Translator
from bot.services.dashboard.dashboard import DashboardService
from bot.services.dashboard.scopes import Scope

Cell = str | int | float | None
Rows = tuple[tuple[str, ...], Sequence[Sequence[Cell]]]
EXPORT_LIMIT = 100_000


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _day(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).strftime("%Y-%m-%d") if moment else None


def _coverage_rows(first: str, lines: Any) -> Rows:
    """One coverage table (units or enterprises): the same columns after the first."""
    rows = [(c.name, c.population, c.covered, _pct(c.share), _pct(c.target), c.gap) for c in lines]
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
    rows = [(t.name, t.members, t.enterprises, t.recent, _day(t.last, zone)) for t in found.teams]
    return ("team", "members", "enterprises", "recent", "last"), rows


async def _pairings(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.activity(scope=scope)
    rows = [
        (p.expert, p.enterprise, p.recent, _day(p.last, zone), "!" if p.overdue else "")
        for p in found.pairings
    ]
    return ("expert", "enterprise", "recent", "last", "overdue"), rows


async def _proposals(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.proposals(
        scope=scope,
        unit_id=params.get("unit"),
        statuses=params.get("statuses"),
        limit=EXPORT_LIMIT,
    )
    rows = [
        (
            p.number,
            p.title,
            p.status,
            p.enterprise,
            _day(p.submitted_at, zone),
            _day(p.decided_at, zone),
            p.waiting_days,
        )
        for p in found
    ]
    columns = ("number", "title", "status", "enterprise", "submitted", "decided", "waiting")
    return columns, rows


async def _courses(
    service: DashboardService, scope: Scope, params: dict[str, Any], zone: ZoneInfo
) -> Rows:
    found = await service.learning(scope=scope)
    locale_title = params.get("locale") == "en"
    rows = [
        (
            c.title_en if locale_title else c.title_zh,
            c.lessons,
            c.started,
            c.finished,
            _pct(c.completion),
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
    rows = [(u.name, u.people, u.finished, _pct(u.completion)) for u in found.units]
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
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(t(f"dashboard.table.{table}"))[:31]
    sheet.append([str(t(f"dashboard.col.{c}")) for c in columns])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
