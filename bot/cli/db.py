"""``engage db``: the database schema."""

from __future__ import annotations

import asyncio

import typer

from bot.cli.common import settings, upgrade

app = typer.Typer(no_args_is_help=True, help="Database schema.")


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (``engage run`` does this by itself)."""
    asyncio.run(upgrade(settings()))
    typer.echo("database is up to date")
