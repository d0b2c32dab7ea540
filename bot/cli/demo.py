"""``engage demo``: demo data so that a first look at the bot shows a living system."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli.common import with_services

if TYPE_CHECKING:
    from bot.services import Services

app = typer.Typer(
    no_args_is_help=True, help="Demo data, so that a first look shows a living system."
)


@app.command("seed")
def demo_seed() -> None:
    """Add demo enterprises, people in every role and their activity (safe to run twice)."""
    from bot.sandbox.demo import seed

    async def run(services: Services) -> str:
        return (await seed(services)).summary()

    typer.echo(with_services(run))
