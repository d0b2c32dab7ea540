"""Organisers' tools on an event: the check-in QR code and the attendance list (CSV or XLSX)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.clock import utcnow
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.core import ADMINS, qr
from bot.services.events.attendance import FORMATS, export
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import chat_id_of, data_of, sender_id, user_of

QR = Callback("ev", "qr", int)
EXPORT = Callback("ev", "export", int, str)


def organiser_rows(t: Translator, event_id: int) -> list[list[Button]]:
    """The buttons only organisers see on an event card."""
    return [
        [Button(t("events.button.qr"), QR.build(event_id))],
        [Button(t(f"events.button.export_{fmt}"), EXPORT.build(event_id, fmt)) for fmt in FORMATS],
    ]


async def send_qr(update: Update, context: Context, event_id: int) -> None:
    """The check-in QR code as an image, with the link for those who cannot scan."""
    t = context.t
    event = await context.services.events.find(event_id=event_id)
    if event is None:
        await render.reply(update, context, t("events.gone"))
        return
    link = qr.deep_link(context.bot.username, f"checkin_{event.checkin_token}")
    caption = t("events.qr_caption", title=event.title, link=link)
    await render.reply(update, context, caption, photo=qr.qr_png(link))


@require_role(ADMINS)
async def cmd_event_qr(update: Update, context: Context) -> None:
    """/event_qr [id]: the QR code of one event, or a list of events to pick from."""
    t, args = context.t, context.args or []
    if args and args[0].isdigit():
        await send_qr(update, context, int(args[0]))
        return
    found = await context.services.events.upcoming(user_id=sender_id(update))
    if not found:
        await render.reply(update, context, t("events.none_for_qr"))
        return
    zone = user_of(context).timezone
    rows = [
        [Button(f"{t.moment(e.starts_at, zone)} {e.title}"[:60], QR.build(e.id))] for e in found
    ]
    await render.reply(update, context, t("events.pick_qr"), render.inline(rows))


@require_role(ADMINS)
async def btn_event_qr(update: Update, context: Context) -> None:
    """The QR code of the event whose button was pressed."""
    await render.answer(update)
    event_id = QR.one(data_of(update))
    await send_qr(update, context, event_id)


@require_role(ADMINS)
async def btn_event_export(update: Update, context: Context) -> None:
    """Send who answered and who checked in, as CSV or XLSX."""
    t = context.t
    event_id, fmt = EXPORT.parse(data_of(update))
    event = await context.services.events.find(event_id=event_id)
    if event is None or fmt not in FORMATS:
        await render.answer(update, t("events.gone"), alert=True)
        return
    await render.answer(update)
    rows = await context.services.events.attendance(event_id=event_id)
    data = export(rows, title=event.title, t=t, zone=ZoneInfo(user_of(context).timezone), fmt=fmt)
    stamp = utcnow().astimezone(ZoneInfo(user_of(context).timezone)).strftime("%Y%m%d-%H%M")
    checked_in = sum(1 for row in rows if row.checked_in_at)
    await render.send_document(
        context,
        chat_id_of(update),
        data,
        f"attendance-{event_id}-{stamp}.{fmt}",
        t("events.export_caption", title=event.title, rows=len(rows), came=checked_in),
    )


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/event_qr and the organiser buttons of an event card."""
    return [
        CommandHandler("event_qr", cmd_event_qr),
        CallbackQueryHandler(btn_event_qr, pattern=QR.pattern),
        CallbackQueryHandler(btn_event_export, pattern=EXPORT.pattern),
    ]


COMMANDS = [Command("event_qr", "events.qr_command", roles=ADMINS)]


FEATURE = Feature(handlers, commands=COMMANDS)
