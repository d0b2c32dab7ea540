"""``engage demo``: demo data so that a first look at the bot shows a living system."""

from __future__ import annotations

import asyncio

import typer

app = typer.Typer(
    no_args_is_help=True, help="Demo data, so that a first look shows a living system."
)


@app.command("seed")
def demo_seed() -> None:
    """Add demo enterprises, people in every role and their activity (safe to run twice)."""
    from bot.cli import _settings
    from bot.demo import seed
    from bot.services import Services

    async def run() -> str:
        services = Services.build(_settings())
        try:
            await services.db.upgrade()
            return (await seed(services)).summary()
        finally:
            await services.close()

    typer.echo(asyncio.run(run()))
