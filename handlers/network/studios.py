"""/studios: the registry of innovation studios; /coverage: how near each place is to 80%.

A studio's leader gets an invitation link for its members. Coverage is for admins and
organisers, as a text table and a chart, at the province or any unit below it; an organiser sees
only their unit's subtree (the dashboard's scope) and is told so when a unit outside it is asked.
"""

from __future__ import annotations

import asyncio
import math

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.models.users import Role
from bot.render import Button
from bot.services.core import qr
from bot.services.dashboard import NotAllowed
from bot.services.dashboard.scopes import Area
from bot.services.network.coverage_chart import ChartLabels, coverage_png
from bot.services.network.studios import CoverageReport, CoverageRow, StudioView
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import refuse
from handlers.parts import data_of, sender_id

PAGE = Callback("studio", "page", int)
OPEN = Callback("studio", "open", int)
INVITE = Callback("studio", "inv", int)
COVER = Callback("studio", "cov", int)
PAGE_SIZE = 8
ORGANISERS = frozenset({Role.ADMIN, Role.ORGANISER})
ENTERPRISE_ROWS = 10


def _studio_card(t: Translator, studio: StudioView) -> str:
    founded = studio.founded_on.isoformat() if studio.founded_on else "—"
    field = t(f"network.field.{studio.field}") if studio.field else "—"
    return t(
        "network.studio.card",
        name=studio.name,
        leader=studio.leader or "—",
        enterprise=studio.enterprise or "—",
        field=field,
        founded=founded,
        count=len(studio.members),
        members="、".join(studio.members) or "—",
    )


async def _registry(context: Context, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    studios, total = await context.services.network.studios.registry(
        offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    if not studios:
        return t("network.studio.none"), render.inline([])
    lines = [t("network.studio.title", total=total)]
    lines += [
        t.plural("network.studio.line", len(s.members), name=s.name, enterprise=s.enterprise or "—")
        for s in studios
    ]
    rows = keyboards.grid(studios, lambda s: Button(s.name, OPEN.build(s.id)))
    rows.append(keyboards.pager(t, PAGE, page, math.ceil(total / PAGE_SIZE)))
    return "\n".join(lines), render.inline(rows)


async def cmd_studios(update: Update, context: Context) -> None:
    """The first page of the studio registry."""
    text, keyboard = await _registry(context, 0)
    await render.reply(update, context, text, keyboard)


async def btn_studio_page(update: Update, context: Context) -> None:
    """Another page of the registry."""
    await render.answer(update)
    page = max(PAGE.one(data_of(update)), 0)
    text, keyboard = await _registry(context, page)
    await render.edit(update, context, text, keyboard)


async def btn_studio_open(update: Update, context: Context) -> None:
    """A studio's card; its leader also gets the invitation button."""
    await render.answer(update)
    t, studios = context.t, context.services.network.studios
    studio_id = OPEN.one(data_of(update))
    studio = await studios.studio(studio_id=studio_id)
    if studio is None:
        await render.reply(update, context, t("network.studio.gone"))
        return
    rows = []
    if await studios.leads(studio_id=studio_id, user_id=sender_id(update)):
        rows.append([Button(t("network.studio.invite"), INVITE.build(studio_id))])
    rows.append([Button(t("common.back"), PAGE.build(0))])
    await render.reply(update, context, _studio_card(t, studio), render.inline(rows))


async def btn_studio_invite(update: Update, context: Context) -> None:
    """The leader gets the studio's invitation link and QR code."""
    network = context.services.network
    studio_id = INVITE.one(data_of(update))
    studio = await network.studios.studio(studio_id=studio_id)
    if studio is None or not await network.studios.leads(
        studio_id=studio_id, user_id=sender_id(update)
    ):
        await render.answer(update, context.t("errors.not_allowed"), alert=True)
        return
    await render.answer(update)
    link = qr.deep_link(
        context.bot.username, "studio_" + network.invites.payload("studio", studio_id)
    )
    await render.reply(
        update,
        context,
        context.t("network.studio.invitation", name=studio.name, link=link),
        photo=qr.qr_png(link),
    )


async def deep_studio(update: Update, context: Context, rest: str) -> None:
    """Join a studio through its leader's invitation."""
    network = context.services.network
    studio_id = network.invites.check("studio", rest)
    studio = (
        await network.studios.join(studio_id=studio_id, user_id=sender_id(update))
        if studio_id
        else None
    )
    if studio is None:
        await render.reply(update, context, context.t("network.invite.invalid"))
        return
    await render.reply(update, context, context.t("network.studio.joined", name=studio.name))


def _coverage_line(t: Translator, row: CoverageRow) -> str:
    values = {
        "name": _row_name(t, row),
        "covered": row.covered,
        "population": row.population,
        "share": f"{row.share * 100:.1f}",
        "target": f"{row.target * 100:.0f}",
        "gap": row.gap,
    }
    if not row.known:
        return t("network.coverage.line_none", name=values["name"])
    if not row.met:
        return t("network.coverage.line_gap", **values)
    return t("network.coverage.line_met", **values)


def coverage_text(t: Translator, report: CoverageReport) -> str:
    """The coverage table: the total, each area below, the enterprises furthest from target."""
    place = report.unit.path if report.unit else t("network.coverage.everywhere")
    if not report.total.known:
        return "\n\n".join([t("network.coverage.title", place=place), t("network.coverage.none")])
    parts = [t("network.coverage.title", place=place), _coverage_line(t, report.total)]
    if report.by_area:
        parts.append(
            t("network.coverage.by_area")
            + "\n"
            + "\n".join(_coverage_line(t, r) for r in report.by_area)
        )
    if report.by_enterprise:
        shown = report.by_enterprise[:ENTERPRISE_ROWS]
        parts.append(
            t("network.coverage.by_enterprise")
            + "\n"
            + "\n".join(_coverage_line(t, r) for r in shown)
        )
    return "\n\n".join(parts)


def chart_labels(t: Translator, report: CoverageReport, *, plain: bool) -> ChartLabels:
    """The chart's words; ``plain`` leaves out the place name (for charts without a CJK font)."""
    title = (
        t("network.coverage.chart_title")
        if plain or report.unit is None
        else t("network.coverage.chart_title_at", place=report.unit.name)
    )
    return ChartLabels(
        title,
        t("network.coverage.chart_share"),
        t("network.coverage.chart_target"),
        t("network.coverage.other"),
        t("network.coverage.chart_none"),
        t("network.coverage.chart_passing"),
        t("network.coverage.chart_failing"),
        t("network.coverage.direct", name="{name}"),
    )


def _row_name(t: Translator, row: CoverageRow) -> str:
    if row.direct and row.label:
        return t("network.coverage.direct", name=row.label)
    return row.label or t("network.coverage.other")


async def reach(update: Update, context: Context) -> Area | None:
    """The sender's part of the tree for the chat reports; None, said politely, for a worker."""
    dashboard = context.services.dashboard
    try:
        scope = await dashboard.scope(user_id=sender_id(update))
    except NotAllowed:
        await refuse(update, context)
        return None
    return await dashboard.scopes.area(scope)


def within_reach(area: Area, unit_id: int | None) -> bool:
    """Whether a unit may be shown to the viewer (None: the top of their part)."""
    if unit_id is None or area.scope.everything:
        return unit_id is None or unit_id in area.tree.units
    return area.units is not None and unit_id in area.units


def _coverage_keyboard(
    t: Translator, report: CoverageReport, area: Area
) -> InlineKeyboardMarkup | None:
    rows = [
        [Button(r.label, COVER.build(r.unit_id))]
        for r in report.by_area
        if r.unit_id is not None and r.label and within_reach(area, r.unit_id)
    ]
    parent = report.unit.parent_id if report.unit else None
    if parent is not None and within_reach(area, parent):
        rows.append([Button(t("network.report.up"), COVER.build(parent))])
    return render.inline(rows)


async def _send_coverage(update: Update, context: Context, area: Area, unit_id: int | None) -> None:
    t = context.t
    report = await context.services.network.studios.coverage(
        unit_id=unit_id, top=area.top, enterprises=area.enterprises
    )
    keyboard = _coverage_keyboard(t, report, area)
    await render.reply(update, context, coverage_text(t, report), keyboard)
    if not report.total.known:
        return  # nothing to draw
    english = context.translator_for("en")
    png = await asyncio.to_thread(
        coverage_png,
        report,
        chart_labels(t, report, plain=False),
        chart_labels(english, report, plain=True),
    )
    await render.reply(update, context, t("network.coverage.chart_caption"), photo=png)


async def cmd_coverage(update: Update, context: Context) -> None:
    """Admins and organisers: studio coverage of their whole part, as a table and a chart."""
    area = await reach(update, context)
    if area is not None:
        await _send_coverage(update, context, area, None)


async def btn_studio_coverage(update: Update, context: Context) -> None:
    """Admins and organisers: coverage of the unit pressed, if it lies inside their part."""
    area = await reach(update, context)
    if area is None:
        return
    unit_id = COVER.one(data_of(update))
    if not within_reach(area, unit_id):
        await render.answer(update, context.t("network.scope.outside"), alert=True)
        return
    try:
        await _send_coverage(update, context, area, unit_id)
    except LookupError:
        await render.answer(update, context.t("common.gone"), alert=True)
        return
    await render.answer(update)


COMMANDS = [
    Command("studios", "network.studio.command"),
    Command("coverage", "network.coverage.command", roles=ORGANISERS),
]
DEEP_LINKS = {"studio_": deep_studio}


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Registry, cards, invitations and coverage."""
    return [
        CommandHandler("studios", cmd_studios),
        CommandHandler("coverage", cmd_coverage),
        CallbackQueryHandler(btn_studio_page, pattern=PAGE.pattern),
        CallbackQueryHandler(btn_studio_open, pattern=OPEN.pattern),
        CallbackQueryHandler(btn_studio_invite, pattern=INVITE.pattern),
        CallbackQueryHandler(btn_studio_coverage, pattern=COVER.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS, deep_links=DEEP_LINKS)
