"""Admins: QR codes that open /idea with a place filled in, and the proposals export."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import render
from bot.clock import utcnow
from bot.context import Context
from bot.services.core import ADMINS, qr
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import chat_id_of
from handlers.proposals.write import PLACE_MAX, PREFIX

PLACE = re.compile(rf"^[A-Za-z0-9_-]{{1,{PLACE_MAX}}}$")


@require_role(ADMINS)
async def cmd_idea_qr(update: Update, context: Context) -> None:
    """A printable QR code that starts a proposal about one place."""
    place = (context.args or [""])[0]
    if not PLACE.match(place):
        await render.reply(update, context, context.t("proposals.qr.usage", max=PLACE_MAX))
        return
    link = qr.deep_link(context.bot.username, f"{PREFIX}{place}")
    caption = context.t("proposals.qr.caption", place=place, link=link)
    await render.reply(update, context, caption, photo=qr.qr_png(link))


@require_role(ADMINS)
async def cmd_export_ideas(update: Update, context: Context) -> None:
    """Every proposal as a spreadsheet (``/export_ideas csv`` for CSV)."""
    fmt = "csv" if (context.args or [""])[0].lower() == "csv" else "xlsx"
    data = await context.services.proposals.export(fmt=fmt, t=context.t)
    name = f"proposals-{utcnow().astimezone(context.services.settings.zone):%Y%m%d}.{fmt}"
    await render.send_document(
        context, chat_id_of(update), data, name, context.t("proposals.export.caption")
    )


COMMANDS = [
    Command("idea_qr", "proposals.command.idea_qr", roles=ADMINS),
    Command("export_ideas", "proposals.command.export_ideas", roles=ADMINS),
]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The admins' proposal commands."""
    return [
        CommandHandler("idea_qr", cmd_idea_qr),
        CommandHandler("export_ideas", cmd_export_ideas),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
