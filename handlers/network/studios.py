"""/studios: the registry of innovation studios; /coverage: how near each place is to 80%.

A studio's leader gets an invitation link for its members. Coverage is for admins, as a text
table and a chart, at the province or any unit below it.
"""

from __future__ import annotations

import asyncio
import math

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import ADMINS, qr
from bot.services.network.coverage_chart import ChartLabels, coverage_png
from bot.services.network.studios import CoverageReport, CoverageRow, StudioView
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.guards import require_role
from handlers.parts import data_of, sender_id

PAGE = Callback("studio", "page", int)
OPEN = Callback("studio", "open", int)
INVITE = Callback("studio", "inv", int)
COVER = Callback("studio", "cov", int)
PAGE_SIZE = 8
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
        "name": row.label or t("network.coverage.other"),
        "covered": row.covered,
        "population": row.population,
        "share": f"{row.share * 100:.1f}",
        "target": f"{row.target * 100:.0f}",
        "gap": row.gap,
    }
    if not row.known:
        return t("network.coverage.line_none", name=values["name"])
    if row.gap:
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
    )


async def _send_coverage(update: Update, context: Context, unit_id: int | None) -> None:
    t = context.t
    report = await context.services.network.studios.coverage(unit_id=unit_id)
    rows = [
        [Button(r.label, COVER.build(r.unit_id))]
        for r in report.by_area
        if r.unit_id is not None and r.label
    ]
    await render.reply(update, context, coverage_text(t, report), render.inline(rows))
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


@require_role(ADMINS)
async def cmd_coverage(update: Update, context: Context) -> None:
    """Admins: studio coverage of the whole province, as a table and a chart."""
    await _send_coverage(update, context, None)


@require_role(ADMINS)
async def btn_studio_coverage(update: Update, context: Context) -> None:
    """Admins: coverage of the unit pressed."""
    try:
        await _send_coverage(update, context, COVER.one(data_of(update)))
    except LookupError:
        await render.answer(update, context.t("common.gone"), alert=True)
        return
    await render.answer(update)


COMMANDS = [
    Command("studios", "network.studio.command"),
    Command("coverage", "network.coverage.command", roles=ADMINS),
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
