"""``engage``: run the bot (or the local sandbox), upgrade the database, manage roles."""

from __future__ import annotations

import asyncio
import importlib
import signal
from typing import Annotated, Any

import typer

from bot import __version__
from bot.config import ConfigError, Settings, load_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
admin_app = typer.Typer(no_args_is_help=True, help="Roles of users.")
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")

# Feature command groups: (name, module with ``app: typer.Typer``): ("content", "bot.cli_content").
FEATURE_CLIS: list[tuple[str, str]] = [
    ("import", "bot.cli_import"),
    ("report", "bot.cli_report"),
    ("content", "bot.cli_content"),
    ("demo", "bot.cli_demo"),
    ("export", "bot.cli_export"),
    ("event", "bot.cli_event"),
]
for _name, _module in FEATURE_CLIS:
    app.add_typer(importlib.import_module(_module).app, name=_name)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"engage: invalid configuration: {exc}", err=True)
        raise typer.Exit(2) from None


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


async def serve_until_stopped(app_: Any) -> None:
    """Poll for updates until SIGINT/SIGTERM, then stop cleanly (pending writes are committed)."""
    from bot.app import running

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(app_):
        await stop.wait()


async def _run(settings: Settings) -> None:
    from bot.app import build_application
    from bot.db import Database

    db = Database(settings.database_url)
    await db.upgrade()
    await db.dispose()
    if settings.token:
        await serve_until_stopped(build_application(settings))
    else:
        from bot.sandbox.run import run_sandbox

        await run_sandbox(settings)


@app.command()
def run() -> None:
    """Run the bot: long polling with ENGAGE_BOT_TOKEN, or the local sandbox without one."""
    from bot import logs

    settings = _settings()
    logs.configure(settings.log_level, secrets=[settings.token or ""])
    asyncio.run(_run(settings))


@app.command()
def sandbox(
    host: Annotated[str | None, typer.Option(help="Address of the web chat [127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Its port [8080].")] = None,
    watch: Annotated[
        str | None, typer.Option(help="Reload the content when a file in this folder changes.")
    ] = None,
    allow_public: Annotated[
        bool, typer.Option("--allow-public", help="Allow an address other computers can reach.")
    ] = False,
) -> None:
    """Chat with the real bot in a browser: no Telegram, no token, nothing leaves this computer."""
    from pathlib import Path

    from bot import logs
    from bot.db import Database
    from bot.sandbox.run import check_bind, run_sandbox

    chosen = {"sandbox_host": host, "sandbox_port": port}
    settings = _settings().model_copy(update={k: v for k, v in chosen.items() if v is not None})
    folder = Path(watch) if watch else None
    if folder is not None and not folder.is_dir():
        raise typer.BadParameter(f"{watch} is not a folder", param_hint="--watch")
    check_bind(settings.sandbox_host, public=allow_public)
    logs.configure(settings.log_level)

    async def serve() -> None:
        db = Database(settings.database_url)
        await db.upgrade()
        await db.dispose()
        await run_sandbox(settings, watch=folder, public=allow_public)

    asyncio.run(serve())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (``engage run`` does this by itself)."""
    from bot.db import Database

    async def upgrade() -> None:
        db = Database(_settings().database_url)
        await db.upgrade()
        await db.dispose()

    asyncio.run(upgrade())
    typer.echo("database is up to date")


def _role(value: str) -> Any:
    from bot.models.users import Role

    try:
        return Role(value)
    except ValueError:
        raise typer.BadParameter(f"one of: {', '.join(r.value for r in Role)}") from None


async def _change_role(telegram_id: int, role: Any, *, grant: bool) -> bool:
    from bot.services import Services

    services = Services.build(_settings())
    try:
        await services.db.upgrade()
        if grant:
            return await services.users.grant(user_id=telegram_id, role=role)
        return await services.users.revoke(user_id=telegram_id, role=role)
    finally:
        await services.close()


@admin_app.command("grant")
def admin_grant(
    telegram_id: int,
    role: Annotated[str, typer.Argument(help="model_worker, craftsman, reviewer or admin")],
) -> None:
    """Give a user a role."""
    changed = asyncio.run(_change_role(telegram_id, _role(role), grant=True))
    typer.echo(f"{telegram_id}: {role} {'granted' if changed else 'already held'}")


@admin_app.command("revoke")
def admin_revoke(telegram_id: int, role: str) -> None:
    """Take a role away from a user."""
    changed = asyncio.run(_change_role(telegram_id, _role(role), grant=False))
    typer.echo(f"{telegram_id}: {role} {'revoked' if changed else 'was not held'}")


def main() -> None:
    """Entry point of the ``engage`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
