"""/report: the network's figures at any level of the organisation tree; /dossier: one's record.

Admins read the report at the province and step down to a city, a county or a union, each with
its own studio target; an organiser reads it for their own unit's subtree only. Experts export
their own dossier; admins find anyone's by name.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.clock import utcnow
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import ADMINS, EXPERTS
from bot.services.dashboard.scopes import Area
from bot.services.network.dossier import dossier_xlsx
from bot.services.network.reports import AreaReport, LevelReport
from handlers.callbacks import Callback, UserId
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import allowed, require_role
from handlers.network.studios import ORGANISERS, reach, within_reach
from handlers.parts import chat_id_of, data_of, sender_id

UNIT = Callback("rep", "unit", int, str)
PERSON = Callback("rep", "dos", UserId)
PERIODS = ("y", "a")


def _since(context: Context, period: str) -> datetime | None:
    if period != "y":
        return None
    zone = context.services.settings.zone
    now = utcnow().astimezone(zone)
    return datetime(now.year, 1, 1, tzinfo=zone).astimezone(UTC)


def _area_text(t: Translator, area: AreaReport, *, heading: str) -> str:
    counts = area.tally.counts
    row = area.coverage
    key = "network.report.coverage_met" if row.met else "network.report.coverage"
    coverage = (
        t(
            key,
            share=f"{row.share * 100:.1f}",
            target=f"{row.target * 100:.0f}",
            gap=row.gap,
            covered=row.covered,
            population=row.population,
        )
        if row.known
        else t("network.report.coverage_none")
    )
    tally = t("network.report.tally", **counts)
    return f"{heading}\n{tally}\n{coverage}"


def report_text(t: Translator, report: LevelReport, period: str) -> str:
    """The figures of a unit, then of each unit below it."""
    unit = report.area.unit
    place = unit.path if unit else t("network.coverage.everywhere")
    own = t("network.report.own_target") if unit and unit.own_target else ""
    parts = [
        t(f"network.report.title_{period}", place=place),
        _area_text(t, report.area, heading=own).strip(),
    ]
    for child in report.children:
        heading = t("network.report.child", name=child.unit.name if child.unit else "—")
        parts.append(_area_text(t, child, heading=heading))
    return "\n\n".join(parts)


def _keyboard(
    t: Translator, report: LevelReport, period: str, area: Area
) -> InlineKeyboardMarkup | None:
    rows = [
        [Button(child.unit.name, UNIT.build(child.unit.id, period))]
        for child in report.children
        if child.unit is not None
    ]
    unit = report.area.unit
    nav = []
    if unit is not None and unit.parent_id is not None and within_reach(area, unit.parent_id):
        nav.append(Button(t("network.report.up"), UNIT.build(unit.parent_id, period)))
    other = "a" if period == "y" else "y"
    nav.append(
        Button(t(f"network.report.switch_{other}"), UNIT.build(unit.id if unit else 0, other))
    )
    return render.inline([*rows, nav])


async def cmd_report(update: Update, context: Context) -> None:
    """Admins: this year's figures for the province and each city; organisers: for their part."""
    area = await reach(update, context)
    if area is None:
        return
    report = await context.services.network.reports.level(
        since=_since(context, "y"), top=area.top, enterprises=area.enterprises
    )
    keyboard = _keyboard(context.t, report, "y", area)
    await render.reply(update, context, report_text(context.t, report, "y"), keyboard)


async def btn_report_unit(update: Update, context: Context) -> None:
    """The figures of another unit or period, if the unit lies inside the viewer's part."""
    area = await reach(update, context)
    if area is None:
        return
    unit_id, period = UNIT.parse(data_of(update))
    if period not in PERIODS:
        await render.answer(update)
        return
    if not within_reach(area, unit_id or None):
        await render.answer(update, context.t("network.scope.outside"), alert=True)
        return
    await render.answer(update)
    report = await context.services.network.reports.level(
        unit_id=unit_id or None,
        since=_since(context, period),
        top=area.top,
        enterprises=area.enterprises,
    )
    await render.edit(
        update,
        context,
        report_text(context.t, report, period),
        _keyboard(context.t, report, period, area),
    )


async def _send_dossier(update: Update, context: Context, user_id: int) -> None:
    t = context.t
    dossier = await context.services.network.reports.dossier(user_id=user_id)
    if dossier is None:
        await render.reply(update, context, t("network.dossier.unknown"))
        return
    data = await asyncio.to_thread(dossier_xlsx, dossier, t, context.services.settings.zone)
    filename = f"dossier-{user_id}.xlsx"
    await render.send_document(
        context,
        chat_id_of(update),
        data,
        filename,
        t("network.dossier.caption", name=dossier.name),
    )


async def cmd_dossier(update: Update, context: Context) -> None:
    """One's own record as a spreadsheet; admins add a name to find someone else's."""
    t, user_id = context.t, sender_id(update)
    query = " ".join(context.args or []).strip()
    if not query:
        await _send_dossier(update, context, user_id)
        return
    if not await allowed(update, context, ADMINS):
        return
    people = await context.services.network.reports.people(query=query)
    if not people:
        await render.reply(update, context, t("network.dossier.nobody", query=query))
        return
    rows = [
        [Button(f"{name} · {enterprise or '—'}", PERSON.build(uid))]
        for uid, name, enterprise in people
    ]
    await render.reply(update, context, t("network.dossier.pick"), render.inline(rows))


@require_role(ADMINS)
async def btn_report_dossier(update: Update, context: Context) -> None:
    """Admins: the dossier of the person pressed."""
    await render.answer(update)
    user_id = PERSON.one(data_of(update))
    await _send_dossier(update, context, user_id)


COMMANDS = [
    Command("report", "network.report.command", roles=ORGANISERS),
    Command(
        "dossier",
        "network.dossier.command",
        roles=EXPERTS,
    ),
]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Reports and dossiers."""
    return [
        CommandHandler("report", cmd_report),
        CommandHandler("dossier", cmd_dossier),
        CallbackQueryHandler(btn_report_unit, pattern=UNIT.pattern),
        CallbackQueryHandler(btn_report_dossier, pattern=PERSON.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
