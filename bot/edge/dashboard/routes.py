"""The dashboard's routes under ``/dashboard``: the page, its static files and its JSON API.

Every API call is authenticated by the Mini App's signed initData (:mod:`.auth`), then limited
to the viewer's scope: 401 without valid initData, 403 for someone who is neither an admin nor
an organiser, and 403 for a unit or a proposal outside the organiser's part of the tree.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.edge.dashboard.auth import Unauthenticated, Viewer, viewer
from bot.i18n import ROOT, Translator
from bot.services import Services
from bot.services.dashboard import TABLES, NotAllowed, OutOfScope, Scope, export_table
from bot.services.dashboard.charts import coverage_svg

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Api = Callable[[Request, Scope, Translator], Awaitable[Any]]


def jsonable(value: Any) -> Any:
    """Dataclasses (with their properties), tuples, dicts and datetimes as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, member in vars(type(value)).items():
            if isinstance(member, property):
                out[name] = jsonable(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@functools.cache
def page_keys() -> tuple[str, ...]:
    """The catalog keys the page shows (its labels and the proposal states), read once."""
    from babel.messages.pofile import read_po

    with (ROOT / "en" / "LC_MESSAGES" / "dashboard.po").open("rb") as handle:
        catalog = read_po(handle)
    wanted = ("dashboard.page.", "dashboard.status.", "dashboard.col.")
    return tuple(str(m.id) for m in catalog if str(m.id).startswith(wanted))


def texts(t: Translator) -> dict[str, str]:
    """The page's words in the viewer's language."""
    return {key: str(t(key)) for key in page_keys()}


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() else None


def _statuses(request: Request) -> tuple[str, ...] | None:
    given = [s for s in request.query_params.get("status", "").split(",") if s]
    return tuple(given) or None


def dashboard_routes(services: Services) -> list[BaseRoute]:
    """The page, its files and the API, to be mounted at ``/dashboard``."""
    settings, dashboard = services.settings, services.dashboard

    async def who(request: Request) -> tuple[Viewer, Scope, Translator]:
        seen = viewer(request, token=settings.token, max_age=settings.dashboard_max_age)
        scope = await dashboard.scope(user_id=seen.user_id)
        found = await services.users.find(user_id=seen.user_id)
        wanted = request.query_params.get("lang")
        locale = wanted if wanted in ("zh", "en") else (found.locale if found else None)
        return seen, scope, services.i18n.translator(locale or seen.language_code)

    def api(work: Api) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                _, scope, t = await who(request)
                return JSONResponse(jsonable(await work(request, scope, t)))
            except Unauthenticated as exc:
                return JSONResponse({"error": "unauthorized", "why": str(exc)}, status_code=401)
            except NotAllowed:
                return JSONResponse({"error": "forbidden"}, status_code=403)
            except OutOfScope:
                return JSONResponse({"error": "out_of_scope"}, status_code=403)

        return endpoint

    async def me(request: Request, scope: Scope, t: Translator) -> Any:
        return {
            "user_id": scope.user_id,
            "admin": scope.admin,
            "scope": await dashboard.label(scope=scope),
            "locale": t.locale,
            "texts": texts(t),
        }

    async def words(request: Request) -> Response:
        """The page's words without initData, so even a refusal is said in the right language."""
        return JSONResponse(texts(services.i18n.translator(request.query_params.get("lang"))))

    async def overview(request: Request, scope: Scope, t: Translator) -> Any:
        return await dashboard.overview(scope=scope)

    async def coverage(request: Request, scope: Scope, t: Translator) -> Any:
        level = await dashboard.coverage(scope=scope, unit_id=_int(request, "unit"))
        out = jsonable(level)
        shown = level.children or level.enterprises[:12]
        out["svg"] = coverage_svg(list(shown), title=str(t("dashboard.coverage.title")))
        return out

    async def activity(request: Request, scope: Scope, t: Translator) -> Any:
        return await dashboard.activity(scope=scope)

    async def funnel(request: Request, scope: Scope, t: Translator) -> Any:
        return await dashboard.funnel(scope=scope)

    async def proposals(request: Request, scope: Scope, t: Translator) -> Any:
        return await dashboard.proposals(
            scope=scope,
            unit_id=_int(request, "unit"),
            statuses=_statuses(request),
            offset=_int(request, "offset") or 0,
        )

    async def proposal(request: Request, scope: Scope, t: Translator) -> Any:
        found = await dashboard.proposal(scope=scope, proposal_id=request.path_params["pid"])
        return found or {"error": "not_found"}

    async def learning(request: Request, scope: Scope, t: Translator) -> Any:
        return await dashboard.learning(
            scope=scope, course_id=_int(request, "course"), unit_id=_int(request, "unit")
        )

    async def export(request: Request) -> Response:
        table = request.path_params["table"]
        if table not in TABLES:
            return JSONResponse({"error": "not_found"}, status_code=404)
        try:
            _, scope, t = await who(request)
            params = {
                "unit": _int(request, "unit"),
                "course": _int(request, "course"),
                "statuses": _statuses(request),
                "locale": t.locale,
            }
            data = await export_table(
                dashboard, scope=scope, table=table, t=t, zone=settings.zone, params=params
            )
        except Unauthenticated as exc:
            return JSONResponse({"error": "unauthorized", "why": str(exc)}, status_code=401)
        except (NotAllowed, OutOfScope):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        name = f"{table}.xlsx"
        return Response(
            data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    return [
        Route("/", page, methods=["GET"]),
        Route("/api/me", api(me), methods=["GET"]),
        Route("/api/texts", words, methods=["GET"]),
        Route("/api/overview", api(overview), methods=["GET"]),
        Route("/api/coverage", api(coverage), methods=["GET"]),
        Route("/api/activity", api(activity), methods=["GET"]),
        Route("/api/proposals/summary", api(funnel), methods=["GET"]),
        Route("/api/proposals", api(proposals), methods=["GET"]),
        Route("/api/proposals/{pid:int}", api(proposal), methods=["GET"]),
        Route("/api/learning", api(learning), methods=["GET"]),
        Route("/api/export/{table}", export, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="dashboard-static"),
    ]


def dashboard_mount(services: Services) -> list[BaseRoute]:
    """``/dashboard`` (sent on to ``/dashboard/``) and everything below it."""

    async def bare(request: Request) -> Response:
        return RedirectResponse(request.url.path + "/")

    return [
        Route("/dashboard", bare, methods=["GET"]),
        Mount("/dashboard", routes=dashboard_routes(services)),
    ]
