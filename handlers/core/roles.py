"""/grant and /revoke: admins give and take roles in chat.

An admin cannot see anyone's numeric Telegram id, so a person is named the ways they can:
``/grant`` sent as a reply to a message forwarded from them (or, in a group, to their own
message), ``/grant @username``, or ``/grant 王`` (part of a name: the people found are buttons).
The role is then a button, or given after the person (``/grant @wang reviewer``); either way
it is confirmed with a button before it changes anything; ``/grant <id> <role>`` still works.
Every step, buttons included, is checked again on the server: a modified client can send any
callback data, so holding a button is never proof of being an admin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.render import Button
from bot.services.core import ADMINS, Person
from handlers import keyboards
from handlers.callbacks import Callback, UserId, either
from handlers.commands import COMMANDS_KEY, Command, publish_for
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import data_of, message_of, sender_id, sender_of

GRANT = Callback("admin", "grant", UserId, str)
REVOKE = Callback("admin", "revoke", UserId, str)
PICK = Callback("admin", "pick", str, UserId, str)  # grant|revoke, the person, a role or ANY
CANCEL = Callback("admin", "cancel")
ANY = "any"
ACTIONS = {"grant": GRANT, "revoke": REVOKE}
# An organiser is bound to a unit of the tree, so /organiser (handlers/dashboard) grants it.
GRANTABLE = [r for r in Role if r not in (Role.WORKER, Role.ORGANISER)]
Show = Callable[[Update, Context, str, InlineKeyboardMarkup | None], Awaitable[object]]


def _role_named(context: Context, word: str) -> Role | None:
    """A role by its code (``reviewer``) or its name in either language (评审人, Reviewer)."""
    wanted = word.strip().casefold()
    for role in GRANTABLE:
        names = {
            role.value,
            *(context.translator_for(lang)(f"role.{role.value}") for lang in ("zh", "en")),
        }
        if wanted in {name.casefold() for name in names}:
            return role
    return None


def _label(person: Person) -> str:
    """How an admin tells people apart: name, @username, enterprise."""
    parts = [person.name]
    if person.username:
        parts.append(f"@{person.username}")
    if person.enterprise:
        parts.append(person.enterprise)
    return " · ".join(parts)


async def _usage(update: Update, context: Context, action: str) -> None:
    t = context.t
    roles = "、".join(f"{t(f'role.{r.value}')} ({r.value})" for r in GRANTABLE)
    await render.reply(update, context, t("admin.usage", command=action, roles=roles))


async def _offer(
    update: Update,
    context: Context,
    action: str,
    person: Person,
    role: Role | None,
    show: Show = render.reply,
) -> None:
    """With a role: the confirm button. Without: the roles one may give (or take) as buttons."""
    t, scheme, user = context.t, ACTIONS[action], _label(person)
    if role is not None:
        keyboard = render.inline(
            [
                [
                    Button(t("common.confirm"), scheme.build(person.id, role)),
                    Button(t("common.cancel"), CANCEL.build()),
                ]
            ]
        )
        text = t(f"admin.confirm_{action}", user=user, role=t(f"role.{role.value}"))
        await show(update, context, text, keyboard)
        return
    choices = [r for r in GRANTABLE if (r in person.roles) == (action == "revoke")]
    if not choices:
        await show(update, context, t(f"admin.nothing_to_{action}", user=user), None)
        return
    held = [t(f"role.{r.value}") for r in GRANTABLE if r in person.roles]
    rows = keyboards.grid(  # a role pressed here is confirmed next, as one typed would be
        choices, lambda r: Button(t(f"role.{r.value}"), PICK.build(action, person.id, r.value))
    )
    text = t(f"admin.pick_role_{action}", user=user, roles="、".join(held) or t("admin.no_roles"))
    await show(update, context, text, render.inline(rows))


async def _by_reply(update: Update, context: Context, action: str, role: Role | None) -> None:
    """The person whose forwarded (or, in a group, own) message the command replies to."""
    t, sender = context.t, sender_of(update)
    replied = message_of(update).reply_to_message if update.message else None
    if replied is None:
        await _usage(update, context, action)
        return
    origin = replied.forward_origin
    if isinstance(origin, MessageOriginHiddenUser):
        await render.reply(
            update,
            context,
            t("admin.hidden", name=origin.sender_user_name, command=action),
        )
        return
    if origin is not None and not isinstance(origin, MessageOriginUser):
        await render.reply(update, context, t("admin.not_a_person"))
        return
    who = origin.sender_user if isinstance(origin, MessageOriginUser) else replied.from_user
    if who is None or who.is_bot or (origin is None and who.id == sender.id):
        await render.reply(update, context, t("admin.reply_to_forward", command=action))
        return
    person = await context.services.directory.note(
        user_id=who.id, name=who.full_name, username=who.username
    )
    await _offer(update, context, action, person, role)


async def _search(
    update: Update, context: Context, action: str, text: str, role: Role | None
) -> None:
    """People whose name (or username) contains ``text``: one is taken, several are buttons."""
    t = context.t
    found = await context.services.directory.search(text=text)
    if not found.people:
        await render.reply(update, context, t("admin.not_found", text=text, command=action))
        return
    if len(found.people) == 1 and not found.more:
        await _offer(update, context, action, found.people[0], role)
        return
    rows = [
        [Button(_label(p), PICK.build(action, p.id, role.value if role else ANY))]
        for p in found.people
    ]
    key = "admin.pick_person_more" if found.more else "admin.pick_person"
    await render.reply(update, context, t(key, text=text), render.inline(rows))


async def _command(update: Update, context: Context, action: str) -> None:
    """Whom the command names (an id, @username, a name or the replied message) and the role."""
    words = list(context.args or [])
    role = _role_named(context, words[-1]) if words else None
    who = " ".join(words[:-1] if role else words).strip()
    directory = context.services.directory
    if not who:
        await _by_reply(update, context, action, role)
    elif who.isdigit():
        await _offer(update, context, action, await directory.person(user_id=int(who)), role)
    elif who.startswith("@"):
        person = await directory.by_username(username=who)
        if person is None:
            await render.reply(
                update, context, context.t("admin.no_username", username=who, command=action)
            )
            return
        await _offer(update, context, action, person, role)
    else:
        await _search(update, context, action, who, role)


@require_role(ADMINS)
async def cmd_grant(update: Update, context: Context) -> None:
    """Give a role to someone named by a reply, @username, name or id."""
    await _command(update, context, "grant")


@require_role(ADMINS)
async def cmd_revoke(update: Update, context: Context) -> None:
    """Take a role from someone named by a reply, @username, name or id."""
    await _command(update, context, "revoke")


@require_role(ADMINS)
async def btn_admin_pick(update: Update, context: Context) -> None:
    """One of the people a name search found: ask for the role (or confirm the one given)."""
    await render.answer(update)
    action, user_id, role_name = PICK.parse(data_of(update))
    if action not in ACTIONS:
        return
    role = Role(role_name) if role_name in {r.value for r in GRANTABLE} else None
    person = await context.services.directory.person(user_id=user_id)
    await _offer(update, context, action, person, role, show=render.edit)


@require_role(ADMINS)
async def btn_admin_role(update: Update, context: Context) -> None:
    """Apply a chosen or confirmed grant or revoke, after checking again for an admin."""
    data = data_of(update)
    await render.answer(update)
    granting = GRANT.matches(data)
    try:
        user_id, role_name = (GRANT if granting else REVOKE).parse(data)
        role = Role(role_name)
    except ValueError:
        return
    users, t = context.services.users, context.t
    if granting:
        changed = await users.grant(user_id=user_id, role=role, by=sender_id(update))
    else:
        changed = await users.revoke(user_id=user_id, role=role)
    key = ("admin.granted" if granting else "admin.revoked") if changed else "admin.unchanged"
    if changed:
        await refresh_menu(context, user_id)
    person = await context.services.directory.person(user_id=user_id)
    await render.edit(update, context, t(key, user=_label(person), role=t(f"role.{role.value}")))


@require_role(ADMINS)
async def btn_admin_cancel(update: Update, context: Context) -> None:
    """Leave the roles as they are: the confirmation is replaced by a word saying so."""
    await render.answer(update)
    await render.edit(update, context, context.t("admin.cancelled"))


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
    """Role management commands, the people found, and the role buttons."""
    return [
        CommandHandler("grant", cmd_grant),
        CommandHandler("revoke", cmd_revoke),
        CallbackQueryHandler(btn_admin_pick, pattern=PICK.pattern),
        CallbackQueryHandler(btn_admin_role, pattern=either(GRANT, REVOKE)),
        CallbackQueryHandler(btn_admin_cancel, pattern=CANCEL.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
