"""The audience picker of /announce: everyone, enterprises, departments, roles, or combinations.

Each screen is one message that edits itself; every choice is stored on the draft at once.
"""

from __future__ import annotations

import math

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.broadcasts.announcements import (
    PICKABLE_ROLES,
    DraftView,
    InvalidAnswer,
    Step,
    department_key,
)
from bot.services.broadcasts.audience import Audience
from bot.services.core import ADMINS
from handlers import keyboards
from handlers.callbacks import Callback, either
from handlers.guards import require_role
from handlers.parts import data_of, sender_id

SHOW = Callback("ann", "aud")
EVERYONE = Callback("ann", "all")
ENTERPRISES = Callback("ann", "ents", int)
ENTERPRISE = Callback("ann", "ent", int, int)
DEPARTMENTS = Callback("ann", "deps", int)
DEPARTMENT = Callback("ann", "dep", str, int)
ROLES = Callback("ann", "roles")
ROLE = Callback("ann", "role", str)
CLEAR = Callback("ann", "clear")
DONE = Callback("ann", "next")
PAGE_SIZE = 8


async def describe(context: Context, audience: Audience) -> str:
    """The audience in words, e.g. "enterprise: A, B; role: craftsman"."""
    t = context.t
    parts = []
    if audience.enterprise_ids:
        names = await context.services.broadcasts.audience.enterprise_names(
            ids=audience.enterprise_ids
        )
        parts.append(t("broadcasts.aud_enterprises", names="、".join(names.values())))
    if audience.departments:
        parts.append(t("broadcasts.aud_departments", names="、".join(audience.departments)))
    if audience.roles:
        parts.append(
            t("broadcasts.aud_roles", names="、".join(t(f"role.{r}") for r in audience.roles))
        )
    if not parts:
        return t("broadcasts.aud_everyone") if audience.everyone else t("broadcasts.aud_nobody")
    return "；".join(parts)


def _mark(t: Translator, chosen: bool, label: str) -> str:
    return t("broadcasts.chosen", label=label) if chosen else label


async def show(update: Update, context: Context, draft: DraftView, *, fresh: bool = False) -> str:
    """The picker's main screen: what is chosen, how many people it reaches, what to add."""
    t, audience = context.t, draft.audience
    count = await context.services.broadcasts.audience.count(audience)
    text = t("broadcasts.audience", chosen=await describe(context, audience), count=count)
    keyboard = render.inline(
        [
            [Button(_mark(t, audience.everyone, t("broadcasts.everyone")), EVERYONE.build())],
            [
                Button(
                    t("broadcasts.by_enterprise", count=len(audience.enterprise_ids)),
                    ENTERPRISES.build(0),
                ),
                Button(
                    t("broadcasts.by_department", count=len(audience.departments)),
                    DEPARTMENTS.build(0),
                ),
                Button(t("broadcasts.by_role", count=len(audience.roles)), ROLES.build()),
            ],
            [
                Button(t("broadcasts.clear"), CLEAR.build()),
                Button(t("broadcasts.next"), DONE.build()),
            ],
        ]
    )
    await (render.reply if fresh else render.edit)(update, context, text, keyboard)
    return Step.AUDIENCE


def _back(t: Translator) -> list[Button]:
    return [Button(t("common.back"), SHOW.build())]


async def _enterprises(update: Update, context: Context, draft: DraftView, page: int) -> str:
    t = context.t
    found, total = await context.services.broadcasts.audience.enterprises(
        offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    chosen = set(draft.audience.enterprise_ids)
    rows = keyboards.grid(
        found,
        lambda c: Button(
            _mark(t, int(c.value) in chosen, f"{c.label} · {c.users}"),
            ENTERPRISE.build(c.value, page),
        ),
        columns=1,
    )
    pager = keyboards.pager(t, ENTERPRISES, page, math.ceil(total / PAGE_SIZE))
    keyboard = render.inline([*rows, pager, _back(t)])
    await render.edit(update, context, t("broadcasts.pick_enterprises"), keyboard)
    return Step.AUDIENCE


async def _departments(update: Update, context: Context, draft: DraftView, page: int) -> str:
    t = context.t
    found, total = await context.services.broadcasts.audience.departments(
        enterprise_ids=draft.audience.enterprise_ids, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    chosen = set(draft.audience.departments)
    rows = keyboards.grid(
        found,
        lambda c: Button(
            _mark(t, c.value in chosen, f"{c.label} · {c.users}"),
            DEPARTMENT.build(department_key(c.value), page),
        ),
    )
    pager = keyboards.pager(t, DEPARTMENTS, page, math.ceil(total / PAGE_SIZE))
    text = t("broadcasts.pick_departments") if found else t("broadcasts.no_departments")
    await render.edit(update, context, text, render.inline([*rows, pager, _back(t)]))
    return Step.AUDIENCE


async def _roles(update: Update, context: Context, draft: DraftView) -> str:
    t, chosen = context.t, set(draft.audience.roles)
    rows = keyboards.grid(
        PICKABLE_ROLES,
        lambda r: Button(_mark(t, r.value in chosen, t(f"role.{r.value}")), ROLE.build(r.value)),
    )
    await render.edit(update, context, t("broadcasts.pick_roles"), render.inline([*rows, _back(t)]))
    return Step.AUDIENCE


@require_role(ADMINS)
async def btn_announce_audience(update: Update, context: Context) -> str | None:
    """Every button of the picker: toggle a choice or open a list, then redraw."""
    await render.answer(update)
    data, admin_id = data_of(update), sender_id(update)
    drafts = context.services.announcements
    try:
        if EVERYONE.matches(data):
            draft = await drafts.toggle(admin_id=admin_id, kind="everyone")
        elif CLEAR.matches(data):
            draft = await drafts.clear_audience(admin_id=admin_id)
        elif ENTERPRISE.matches(data):
            enterprise_id, page = ENTERPRISE.parse(data)
            draft = await drafts.toggle(admin_id=admin_id, kind="enterprise", value=enterprise_id)
            return await _enterprises(update, context, draft, page)
        elif DEPARTMENT.matches(data):
            key, page = DEPARTMENT.parse(data)
            name = await drafts.department_named(admin_id=admin_id, key=key)
            draft = (
                await drafts.toggle(admin_id=admin_id, kind="department", value=name)
                if name
                else await _draft(context, admin_id)
            )
            return await _departments(update, context, draft, page)
        elif ROLE.matches(data):
            draft = await drafts.toggle(admin_id=admin_id, kind="role", value=ROLE.one(data))
            return await _roles(update, context, draft)
        else:
            draft = await _draft(context, admin_id)
            if ENTERPRISES.matches(data):
                return await _enterprises(update, context, draft, max(ENTERPRISES.one(data), 0))
            if DEPARTMENTS.matches(data):
                return await _departments(update, context, draft, max(DEPARTMENTS.one(data), 0))
            if ROLES.matches(data):
                return await _roles(update, context, draft)
    except InvalidAnswer as exc:
        await render.reply(update, context, context.t(exc.key))
        return None
    return await show(update, context, draft)


async def _draft(context: Context, admin_id: int) -> DraftView:
    draft = await context.services.announcements.draft(admin_id=admin_id)
    if draft is None:
        raise InvalidAnswer("broadcasts.no_draft")
    return draft


def picker_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The picker's buttons (the "next" button belongs to the conversation)."""
    picker = either(
        SHOW, EVERYONE, ENTERPRISES, ENTERPRISE, DEPARTMENTS, DEPARTMENT, ROLES, ROLE, CLEAR
    )
    return [CallbackQueryHandler(btn_announce_audience, pattern=picker)]
