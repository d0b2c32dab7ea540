"""``engage``: run the bot (or the local sandbox), upgrade the database, manage roles."""

from __future__ import annotations

import asyncio
import logging
import signal
from enum import StrEnum
from typing import Annotated, Any

import typer

from bot import __version__
from bot.cli import admin, content, db, demo, event, export, imports, report
from bot.cli.common import settings, upgrade
from bot.config import Settings

log = logging.getLogger(__name__)
READY_POLL_SECONDS = 2.0
app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
for _name, _group in [
    ("db", db),
    ("admin", admin),
    ("import", imports),
    ("report", report),
    ("content", content),
    ("demo", demo),
    ("export", export),
    ("event", event),
]:
    app.add_typer(_group.app, name=_name)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"engage {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Employee-engagement bot for model workers, craftsmen and every worker."""


class ProcessRole(StrEnum):
    """What one ``engage run`` process does."""

    ALL = "all"
    WEB = "web"
    WORKER = "worker"


async def serve_until_stopped(app_: Any, role: ProcessRole = ProcessRole.ALL) -> None:
    """Run ``role`` until SIGINT/SIGTERM, then stop cleanly (pending writes are committed)."""
    from bot.app import freeze_startup, running

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(app_, role=role.value):
        freeze_startup()
        await stop.wait()


async def _wait_for_schema(chosen: Settings) -> None:
    """Web and worker processes leave migrations to ``engage db upgrade`` (or an ``all``)."""
    from bot.db import Database

    db = Database(chosen.database_url)
    try:
        while (problem := await db.ready()) is not None:
            log.warning("waiting for the database: %s", problem)
            await asyncio.sleep(READY_POLL_SECONDS)
    finally:
        await db.dispose()


async def _run(settings: Settings, role: ProcessRole) -> None:
    from bot.app import build_application

    if settings.token:
        if role is ProcessRole.ALL:
            await upgrade(settings)
        else:
            await _wait_for_schema(settings)
        await serve_until_stopped(build_application(settings), role)
    else:
        from bot.sandbox.run import run_sandbox

        await run_sandbox(settings)  # takes its port before it upgrades the database


@app.command()
def run(
    role: Annotated[
        ProcessRole,
        typer.Option(
            help="all: the whole bot in this process (long polling without "
            "ENGAGE_WEBHOOK_URL); web: receive the webhook into the inbox; worker: handle "
            "updates from the inbox, jobs and broadcasts."
        ),
    ] = ProcessRole.ALL,
) -> None:
    """Run the bot with ENGAGE_BOT_TOKEN, or the local sandbox without one."""
    from bot import logs

    chosen = settings()
    if role is ProcessRole.WEB and not chosen.webhook_url:
        typer.echo("engage: --role web needs ENGAGE_WEBHOOK_URL", err=True)
        raise typer.Exit(2)
    if role is not ProcessRole.ALL and not chosen.token:
        typer.echo(f"engage: --role {role.value} needs ENGAGE_BOT_TOKEN", err=True)
        raise typer.Exit(2)
    logs.configure(chosen.log_level, secrets=[chosen.token or "", chosen.secret or ""])
    asyncio.run(_run(chosen, role))


@app.command()
def sandbox(
    host: Annotated[
        str | None,
        typer.Option(help="Address of the web chat [ENGAGE_SANDBOX_HOST, else 127.0.0.1]."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            min=0, max=65535, help="Port of the web chat [ENGAGE_SANDBOX_PORT, else 8080]."
        ),
    ] = None,
    watch: Annotated[
        str | None, typer.Option(help="Reload the content when a file in this folder changes.")
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Add the demo data (engage demo seed) before starting.")
    ] = False,
    allow_public: Annotated[
        bool, typer.Option("--allow-public", help="Allow an address other computers can reach.")
    ] = False,
) -> None:
    """Chat with the real bot in a browser: no Telegram, no token, nothing leaves this computer.

    People added to the database meanwhile (engage demo seed) join the page within seconds.
    """
    from pathlib import Path

    from bot import logs
    from bot.sandbox.run import check_bind, run_sandbox

    given = {"sandbox_host": host, "sandbox_port": port}
    chosen = settings().model_copy(update={k: v for k, v in given.items() if v is not None})
    folder = Path(watch) if watch else None
    if folder is not None and not folder.is_dir():
        raise typer.BadParameter(f"{watch} is not a folder", param_hint="--watch")
    check_bind(chosen.sandbox_host, public=allow_public)
    logs.configure(chosen.log_level)

    asyncio.run(run_sandbox(chosen, watch=folder, public=allow_public, demo=demo))


def main() -> None:
    """Entry point of the ``engage`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
