"""/enterprises: admins confirm an enterprise a newcomer added, or merge it into an existing one.

A screen per step, each replacing the one pressed on: the list, one enterprise (✅ confirm or
🔀 merge into…), the verified enterprises to merge it into (the likest names first), and a
last confirmation, since a merge deletes the enterprise. Every press checks again that the
presser is an admin before it shows or changes anything.
"""

from __future__ import annotations

import math

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.core import ADMINS, EnterpriseGone
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import data_of, sender_id

LIST = Callback("ent", "list")
SHOW = Callback("ent", "show", int)
VERIFY = Callback("ent", "ok", int)
MERGE = Callback("ent", "merge", int, int)  # the unchecked enterprise, the picker's page
INTO = Callback("ent", "into", int, int)  # the unchecked enterprise, the one to merge it into
MERGE_NOW = Callback("ent", "mergeok", int, int)
PAGE_SIZE = 8


def _back(context: Context) -> InlineKeyboardMarkup | None:
    return keyboards.single(Button(context.t("enterprises.back"), LIST.build()))


async def _list(context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    found = await context.services.enterprises.unverified()
    if not found:
        return t("enterprises.none_unverified"), None
    lines = "\n".join(f"• {e.name} (#{e.id})" for e in found)
    rows = keyboards.by_length(found, lambda e: Button(e.name, SHOW.build(e.id)))
    return t("enterprises.unverified", count=len(found), lines=lines), render.inline(rows)


@require_role(ADMINS)
async def cmd_enterprises(update: Update, context: Context) -> None:
    """Admins: the enterprises newcomers added themselves, to check or merge."""
    await render.reply(update, context, *await _list(context))


async def _gone(update: Update, context: Context) -> None:
    await render.edit(update, context, context.t("enterprises.gone"), _back(context))


@require_role(ADMINS)
async def btn_enterprises_list(update: Update, context: Context) -> None:
    """Back to the list of enterprises waiting to be checked."""
    await render.answer(update)
    await render.edit(update, context, *await _list(context))


@require_role(ADMINS)
async def btn_enterprises_show(update: Update, context: Context) -> None:
    """One enterprise waiting to be checked: how many work there, confirm or merge."""
    await render.answer(update)
    t, enterprise_id = context.t, SHOW.one(data_of(update))
    try:
        found = await context.services.enterprises.unchecked(
            admin_id=sender_id(update), enterprise_id=enterprise_id
        )
    except EnterpriseGone:
        await _gone(update, context)
        return
    people = t.plural("common.count.people", found.people)
    keyboard = render.inline(
        [
            [
                Button(t("common.confirm"), VERIFY.build(found.id)),
                Button(t("enterprises.merge"), MERGE.build(found.id, 0)),
            ],
            [Button(t("enterprises.back"), LIST.build())],
        ]
    )
    text = t("enterprises.show", name=found.name, id=found.id, people=people)
    await render.edit(update, context, text, keyboard)


@require_role(ADMINS)
async def btn_enterprises_verify(update: Update, context: Context) -> None:
    """Confirm the enterprise: it joins the list newcomers pick from."""
    await render.answer(update)
    try:
        found = await context.services.enterprises.verify(
            admin_id=sender_id(update), enterprise_id=VERIFY.one(data_of(update))
        )
    except EnterpriseGone:
        await _gone(update, context)
        return
    await render.edit(
        update, context, context.t("enterprises.verified", name=found.name), _back(context)
    )


@require_role(ADMINS)
async def btn_enterprises_merge(update: Update, context: Context) -> None:
    """The verified enterprises to merge this one into, a page at a time, the likest first."""
    await render.answer(update)
    t, (enterprise_id, page) = context.t, MERGE.parse(data_of(update))
    service = context.services.enterprises
    try:
        found = await service.unchecked(admin_id=sender_id(update), enterprise_id=enterprise_id)
        targets, total = await service.candidates(
            admin_id=sender_id(update),
            enterprise_id=enterprise_id,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    except EnterpriseGone:
        await _gone(update, context)
        return
    rows = keyboards.by_length(targets, lambda e: Button(e.name, INTO.build(enterprise_id, e.id)))
    nav = keyboards.pager(t, MERGE, page, math.ceil(total / PAGE_SIZE), enterprise_id)
    back = [Button(t("common.back"), SHOW.build(enterprise_id))]
    key = "enterprises.pick_target" if total else "enterprises.no_target"
    await render.edit(update, context, t(key, name=found.name), render.inline([*rows, nav, back]))


@require_role(ADMINS)
async def btn_enterprises_into(update: Update, context: Context) -> None:
    """Ask once more before merging: the merged enterprise is deleted."""
    await render.answer(update)
    t, (source_id, target_id) = context.t, INTO.parse(data_of(update))
    service = context.services.enterprises
    try:
        source = await service.unchecked(admin_id=sender_id(update), enterprise_id=source_id)
    except EnterpriseGone:
        await _gone(update, context)
        return
    target = await service.find(enterprise_id=target_id)
    if target is None:
        await _gone(update, context)
        return
    people = t.plural("common.count.people", source.people)
    text = t("enterprises.confirm_merge", source=source.name, target=target.name, people=people)
    keyboard = render.inline(
        [
            [
                Button(t("enterprises.merge_now"), MERGE_NOW.build(source_id, target_id)),
                Button(t("common.cancel"), SHOW.build(source_id)),
            ]
        ]
    )
    await render.edit(update, context, text, keyboard)


@require_role(ADMINS)
async def btn_enterprises_merge_now(update: Update, context: Context) -> None:
    """Merge: everyone and everything naming the enterprise move, and it is deleted."""
    await render.answer(update)
    source_id, target_id = MERGE_NOW.parse(data_of(update))
    try:
        merged = await context.services.enterprises.merge(
            admin_id=sender_id(update), source_id=source_id, target_id=target_id
        )
    except EnterpriseGone:
        await _gone(update, context)
        return
    t = context.t
    people = t.plural("common.count.people", merged.people)
    text = t("enterprises.merged", source=merged.source, target=merged.target, people=people)
    await render.edit(update, context, text, _back(context))


COMMANDS = [Command("enterprises", "enterprises.command", roles=ADMINS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/enterprises and its buttons."""
    return [
        CommandHandler("enterprises", cmd_enterprises),
        CallbackQueryHandler(btn_enterprises_list, pattern=LIST.pattern),
        CallbackQueryHandler(btn_enterprises_show, pattern=SHOW.pattern),
        CallbackQueryHandler(btn_enterprises_verify, pattern=VERIFY.pattern),
        CallbackQueryHandler(btn_enterprises_merge, pattern=MERGE.pattern),
        CallbackQueryHandler(btn_enterprises_into, pattern=INTO.pattern),
        CallbackQueryHandler(btn_enterprises_merge_now, pattern=MERGE_NOW.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
