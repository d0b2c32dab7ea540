"""``engage admin``: give and take roles, for the first admin and for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import with_services
from bot.models.users import Role

if TYPE_CHECKING:
    from bot.services import Services

app = typer.Typer(no_args_is_help=True, help="Roles of users.")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise typer.BadParameter(f"one of: {', '.join(r.value for r in Role)}") from None


@app.command("grant")
def admin_grant(
    telegram_id: int,
    role: Annotated[str, typer.Argument(help="model_worker, craftsman, reviewer or admin")],
) -> None:
    """Give a user a role."""
    chosen = _role(role)

    async def grant(services: Services) -> bool:
        return await services.users.grant(user_id=telegram_id, role=chosen)

    changed = with_services(grant)
    typer.echo(f"{telegram_id}: {role} {'granted' if changed else 'already held'}")


@app.command("revoke")
def admin_revoke(telegram_id: int, role: str) -> None:
    """Take a role away from a user."""
    chosen = _role(role)

    async def revoke(services: Services) -> bool:
        return await services.users.revoke(user_id=telegram_id, role=chosen)

    changed = with_services(revoke)
    typer.echo(f"{telegram_id}: {role} {'revoked' if changed else 'was not held'}")
