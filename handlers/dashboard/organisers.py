"""/organiser: an admin makes someone the organiser of one unit of the tree (or one enterprise).

``/organiser @wang 陕西省/西安市`` (or a Telegram id instead of @username, or an enterprise's
name instead of a path) asks for a confirmation; the button applies it after checking again that
the one pressing it is an admin. ``/organiser @wang -`` takes the role away.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.core import ADMINS, Person
from handlers.callbacks import Callback, UserId
from handlers.commands import Command
from handlers.core.roles import refresh_menu
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import data_of, sender_id

BIND = Callback("dash", "org", UserId, str, int)  # the person, "unit" or "enterprise", its id
KINDS = ("unit", "enterprise")
WITHDRAW = ("-", "off", "撤销")


async def _person(context: Context, who: str) -> Person | None:
    directory = context.services.directory
    if who.isdigit():
        return await directory.person(user_id=int(who))
    return await directory.by_username(username=who) if who.startswith("@") else None


@require_role(ADMINS)
async def cmd_organiser(update: Update, context: Context) -> None:
    """Ask to confirm binding a person to a unit, or take the organiser role away."""
    t, words = context.t, list(context.args or [])
    person = await _person(context, words[0]) if len(words) >= 2 else None
    if person is None:
        await render.reply(update, context, t("dashboard.grant_usage"))
        return
    rest = " ".join(words[1:]).strip()
    scopes = context.services.dashboard.scopes
    if rest in WITHDRAW:
        changed = await scopes.withdraw(user_id=person.id)
        key = "admin.revoked" if changed else "admin.unchanged"
        await render.reply(update, context, t(key, user=person.name, role=t("role.organiser")))
        await refresh_menu(context, person.id)
        return
    place = await scopes.place(text=rest)
    if place is None:
        await render.reply(update, context, t("dashboard.unit_unknown", path=rest))
        return
    button = Button(t("common.confirm"), BIND.build(person.id, place.kind, place.id))
    text = t("dashboard.grant_confirm", user=person.name, unit=place.label)
    await render.reply(update, context, text, render.inline([[button]]))


@require_role(ADMINS)
async def btn_dash_org(update: Update, context: Context) -> None:
    """Apply a confirmed binding, after checking again for an admin."""
    await render.answer(update)
    user_id, kind, place_id = BIND.parse(data_of(update))
    if kind not in KINDS:
        return
    where = {"unit_id": place_id} if kind == "unit" else {"enterprise_id": place_id}
    scopes = context.services.dashboard.scopes
    if not await scopes.assign(user_id=user_id, by=sender_id(update), **where):
        await render.edit(update, context, context.t("dashboard.unit_unknown", path=str(place_id)))
        return
    scope = await context.services.dashboard.scope(user_id=user_id)
    label = await context.services.dashboard.label(scope=scope) or ""
    person = await context.services.directory.person(user_id=user_id)
    await render.edit(update, context, context.t("dashboard.granted", user=person.name, unit=label))
    await refresh_menu(context, user_id)


COMMANDS = [Command("organiser", "dashboard.organiser_command", roles=ADMINS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /organiser command and its confirmation button."""
    return [
        CommandHandler("organiser", cmd_organiser),
        CallbackQueryHandler(btn_dash_org, pattern=BIND.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
