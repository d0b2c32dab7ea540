"""The HTTP side: Telegram's webhook, health and readiness probes, and the metrics page.

Starlette, served by uvicorn on the bot's own event loop (as PTB's
``examples/customwebhookbot/starlettebot.py``). The webhook answers 200 only once the update
is committed to the inbox: Telegram sends again whatever it did not get a 2xx for, and the
inbox drops what it already has. A request without the secret token set with ``setWebhook``
is refused with 403 and not looked at.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.edge.dashboard import dashboard_mount
from bot.edge.metrics import CONTENT_TYPE, Metrics
from bot.services import Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def web_app(services: Services, metrics: Metrics, *, webhook: bool) -> Starlette:
    """The routes of one process: always the probes and metrics, the webhook when it takes it."""
    settings = services.settings
    secret = (settings.secret or "").encode()

    async def telegram(request: Request) -> Response:
        """Store one update from Telegram, then say 200."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        try:
            payload = await request.json()
        except ValueError:
            return Response(status_code=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return Response(status_code=400)
        try:
            fresh = await services.inbox.store(payload)
        except Exception:  # not stored: Telegram sends it again
            log.exception("webhook: storing update %s failed", payload["update_id"])
            return Response(status_code=503)
        (metrics.received if fresh else metrics.duplicates).inc()
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        """The process answers."""
        return PlainTextResponse("ok\n")

    async def readyz(request: Request) -> Response:
        """The database answers and its schema is the one this code expects."""
        problem = await services.db.ready()
        if problem is not None:
            return PlainTextResponse(problem + "\n", status_code=503)
        return PlainTextResponse("ready\n")

    async def metrics_page(request: Request) -> Response:
        """Prometheus's text format."""
        await metrics.refresh(services)
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
    ]
    if webhook:
        routes.append(Route(settings.webhook_path, telegram, methods=["POST"]))
    routes += dashboard_mount(services)  # the organisers' Mini App (bot/edge/dashboard/)
    return Starlette(routes=routes)


@asynccontextmanager
async def serving(app: Any, *, host: str, port: int) -> AsyncIterator[int]:
    """Serve ``app`` on this loop (uvicorn, no signal handlers of its own); yields the port."""
    config = uvicorn.Config(
        app, host=host, port=port, lifespan="off", access_log=False, log_level="warning"
    )
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    sock = config.bind_socket()
    await server.startup(sockets=[sock])
    ticks = asyncio.create_task(server.main_loop())
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        await ticks
        await server.shutdown(sockets=[sock])
        sock.close()
