"""/grant and /revoke: admins give and take roles in chat, confirmed with a button.

The confirm button is checked again on the server: a modified client can send any
callback data, so holding the button is never proof of being an admin.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.render import Button
from bot.services.core import ADMINS
from handlers.callbacks import Callback, either
from handlers.commands import Command, publish_for
from handlers.core.help import COMMANDS_KEY
from handlers.guards import require_role

GRANT = Callback("admin", "grant", int, str)
REVOKE = Callback("admin", "revoke", int, str)
GRANTABLE = [r for r in Role if r != Role.WORKER]


def _parse_args(args: list[str]) -> tuple[int, Role] | None:
    if len(args) != 2 or not args[0].isdigit() or args[1] not in {r.value for r in GRANTABLE}:
        return None
    return int(args[0]), Role(args[1])


async def _ask_confirm(update: Update, context: Context, scheme: Callback, key: str) -> None:
    t = context.t
    parsed = _parse_args(context.args or [])
    if parsed is None:
        roles = ", ".join(r.value for r in GRANTABLE)
        await render.reply(update, context, t("admin.usage", command=key, roles=roles))
        return
    user_id, role = parsed
    keyboard = render.inline([[Button(t("common.confirm"), scheme.build(user_id, role.value))]])
    await render.reply(
        update,
        context,
        t(f"admin.confirm_{key}", user=user_id, role=t(f"role.{role.value}")),
        keyboard,
    )


@require_role(ADMINS)
async def cmd_grant(update: Update, context: Context) -> None:
    """Ask an admin to confirm giving a role."""
    await _ask_confirm(update, context, GRANT, "grant")


@require_role(ADMINS)
async def cmd_revoke(update: Update, context: Context) -> None:
    """Ask an admin to confirm taking a role away."""
    await _ask_confirm(update, context, REVOKE, "revoke")


@require_role(ADMINS)
async def btn_admin_role(update: Update, context: Context) -> None:
    """Apply a confirmed grant or revoke, after checking again that the presser is an admin."""
    data = update.callback_query.data
    await render.answer(update)
    granting = GRANT.matches(data)
    try:
        user_id, role_name = (GRANT if granting else REVOKE).parse(data)
        role = Role(role_name)
    except ValueError:
        return
    users, t = context.services.users, context.t
    if granting:
        changed = await users.grant(user_id=user_id, role=role, by=update.effective_user.id)
    else:
        changed = await users.revoke(user_id=user_id, role=role)
    key = ("admin.granted" if granting else "admin.revoked") if changed else "admin.unchanged"
    if changed:
        await refresh_menu(context, user_id)
    await render.edit(update, context, t(key, user=user_id, role=t(f"role.{role.value}")))


async def refresh_menu(context: Context, user_id: int) -> None:
    """Show the user the commands their roles now allow."""
    roles = await context.services.users.roles(user_id=user_id)
    found = await context.services.users.find(user_id=user_id)
    await publish_for(
        context.application,
        context.bot_data.get(COMMANDS_KEY, []),
        context.services.i18n,
        user_id=user_id,
        roles=roles,
        locale=found.locale if found else "zh",
    )


COMMANDS = [
    Command("grant", "admin.grant_command", roles=ADMINS),
    Command("revoke", "admin.revoke_command", roles=ADMINS),
]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Role management commands and their confirm buttons."""
    return [
        CommandHandler("grant", cmd_grant),
        CommandHandler("revoke", cmd_revoke),
        CallbackQueryHandler(btn_admin_role, pattern=either(GRANT, REVOKE)),
    ]
