"""What every ``engage`` subcommand needs: the settings, or a clear exit, and the services."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer

from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from bot.services import Services

T = TypeVar("T")


def settings() -> Settings:
    """The settings from the environment; a bad value ends the command with exit code 2."""
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"engage: invalid configuration: {exc}", err=True)
        raise typer.Exit(2) from None


def with_services(work: Callable[[Services], Awaitable[T]], *, chosen: Settings | None = None) -> T:
    """Run ``work`` against a migrated database, and release the connections after."""
    from bot.services import Services

    async def run() -> T:
        services = Services.build(chosen or settings())
        try:
            await services.db.upgrade()
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(run())


async def upgrade(chosen: Settings) -> None:
    """Bring the schema to the newest revision before anything else touches the database."""
    from bot.db import Database

    db = Database(chosen.database_url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
