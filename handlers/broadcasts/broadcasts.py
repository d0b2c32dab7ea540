"""/broadcasts for admins (progress, delivery report, cancel, resend unknown) and "✅ Read".

Every admin button is checked again on the server: holding the button proves nothing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.broadcasts.outbox import Status
from bot.services.broadcasts.reports import DeliveryReport
from bot.services.core import ADMINS
from handlers import keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.guards import require_role

READ = Callback("bc", "read", int)
LIST = Callback("bc", "list")
SHOW = Callback("bc", "show", int)
CANCEL = Callback("bc", "cancel", int)
CANCEL_OK = Callback("bc", "cancelok", int)
RESEND = Callback("bc", "resend", int)
RESEND_OK = Callback("bc", "resendok", int)
ICONS = {"announcement": "📣", "event": "📅", "reminder": "⏰"}
ROWS = (
    ("sent", Status.SENT),
    ("sending", Status.SENDING),
    ("failed", Status.FAILED),
    ("blocked", Status.BLOCKED),
    ("unknown", Status.UNKNOWN),
    ("cancelled", Status.CANCELLED),
)


def _when(context: Context, report: DeliveryReport) -> str:
    zone = ZoneInfo(context.user.timezone)
    return context.t.when(report.send_at or report.created_at, zone, pattern="short")


def _line(context: Context, report: DeliveryReport) -> str:
    t = context.t
    state = t(
        f"broadcasts.state_{report.state}", sent=report.count(Status.SENT), total=report.total
    )
    title = report.titles[context.t.locale]
    return t(
        "broadcasts.line", id=report.id, icon=ICONS.get(report.kind, "•"), title=title, state=state
    )


async def _show_list(update: Update, context: Context) -> None:
    t = context.t
    recent = await context.services.broadcasts.reports.recent(limit=8)
    if not recent:
        await render.edit(update, context, t("broadcasts.none"))
        return
    text = t("broadcasts.list", lines=render.Html("\n".join(_line(context, r) for r in recent)))
    rows = keyboards.grid(recent, lambda r: Button(f"#{r.id}", SHOW.build(r.id)), columns=4)
    await render.edit(update, context, text, render.inline(rows))


def _report_text(context: Context, report: DeliveryReport) -> str:
    t = context.t
    lines = [
        t(
            "broadcasts.report_title",
            id=report.id,
            icon=ICONS.get(report.kind, "•"),
            title=report.titles[t.locale],
        )
    ]
    state = t(
        f"broadcasts.state_{report.state}", sent=report.count(Status.SENT), total=report.total
    )
    lines.append(t("broadcasts.report_state", state=state, when=_when(context, report)))
    if report.late:
        lines.append(t("broadcasts.report_late"))
    pending = report.count(Status.PENDING)
    digest = report.count(Status.DIGEST) + report.count(Status.BUNDLED)
    lines.append(
        t("broadcasts.report_pending", count=pending + digest, held=report.held, digest=digest)
    )
    lines += [
        t(f"broadcasts.report_{name}", count=report.count(status))
        for name, status in ROWS
        if report.count(status)
    ]
    if report.must_read or report.kind == "announcement":
        lines.append(
            t("broadcasts.report_acknowledged", count=report.acknowledged, reminded=report.reminded)
        )
    if report.opted_out:
        lines.append(t("broadcasts.report_opted_out", count=report.opted_out))
    return "\n".join(lines)


def _report_keyboard(t: Translator, report: DeliveryReport) -> InlineKeyboardMarkup:
    rows = [[Button(t("broadcasts.refresh"), SHOW.build(report.id))]]
    if report.state != "cancelled" and (report.state != "finished" or report.must_read):
        rows[0].append(Button(t("broadcasts.cancel"), CANCEL.build(report.id)))
    if report.count(Status.UNKNOWN):
        rows.append(
            [
                Button(
                    t("broadcasts.resend", count=report.count(Status.UNKNOWN)),
                    RESEND.build(report.id),
                )
            ]
        )
    rows.append([Button(t("broadcasts.back"), LIST.build())])
    return render.inline(rows)


async def _show_report(update: Update, context: Context, broadcast_id: int) -> None:
    report = await context.services.broadcasts.reports.one(broadcast_id=broadcast_id)
    if report is None:
        await render.edit(update, context, context.t("broadcasts.gone"))
        return
    await render.edit(
        update, context, _report_text(context, report), _report_keyboard(context.t, report)
    )


@require_role(ADMINS)
async def cmd_broadcasts(update: Update, context: Context) -> None:
    """List the latest broadcasts with their progress."""
    await _show_list(update, context)


@require_role(ADMINS)
async def btn_broadcasts_list(update: Update, context: Context) -> None:
    """Back to the list."""
    await render.answer(update)
    await _show_list(update, context)


@require_role(ADMINS)
async def btn_broadcasts_show(update: Update, context: Context) -> None:
    """Show (or refresh) one broadcast's delivery report."""
    await render.answer(update)
    await _show_report(update, context, SHOW.one(update.callback_query.data))


@require_role(ADMINS)
async def btn_broadcasts_confirm(update: Update, context: Context) -> None:
    """Ask before cancelling or resending: both cannot be undone."""
    await render.answer(update)
    data, t = update.callback_query.data, context.t
    cancelling = CANCEL.matches(data)
    broadcast_id = (CANCEL if cancelling else RESEND).one(data)
    action, confirm = ("cancel", CANCEL_OK) if cancelling else ("resend", RESEND_OK)
    keyboard = render.inline(
        [
            [
                Button(t(f"broadcasts.{action}_yes"), confirm.build(broadcast_id)),
                Button(t("broadcasts.back"), SHOW.build(broadcast_id)),
            ]
        ]
    )
    await render.edit(update, context, t(f"broadcasts.{action}_confirm", id=broadcast_id), keyboard)


@require_role(ADMINS)
async def btn_broadcasts_apply(update: Update, context: Context) -> None:
    """Cancel the broadcast, or queue its unknown deliveries again, then show the report."""
    data, broadcasts = update.callback_query.data, context.services.broadcasts
    cancelling = CANCEL_OK.matches(data)
    broadcast_id = (CANCEL_OK if cancelling else RESEND_OK).one(data)
    if cancelling:
        done = await broadcasts.cancel(broadcast_id=broadcast_id)
        await render.answer(
            update,
            context.t("broadcasts.cancelled") if done else context.t("broadcasts.already_stopped"),
        )
    else:
        count = await broadcasts.resend_unknown(broadcast_id=broadcast_id)
        await render.answer(update, context.t("broadcasts.resent", count=count))
    await _show_report(update, context, broadcast_id)


async def btn_broadcast_read(update: Update, context: Context) -> None:
    """A recipient tapped "✅ Read": record it and take the button away."""
    query, t = update.callback_query, context.t
    broadcast_id = READ.one(query.data)
    result = await context.services.broadcasts.followups.acknowledge(
        broadcast_id=broadcast_id, user_id=update.effective_user.id
    )
    await render.answer(update, t(f"broadcasts.read_{result}"))
    markup = getattr(query.message, "reply_markup", None)
    if result == "unknown" or markup is None:
        return
    rows = [[b for b in row if b.callback_data != query.data] for row in markup.inline_keyboard]
    kept = [row for row in rows if row]
    await render.edit_keyboard(update, InlineKeyboardMarkup(kept) if kept else None)


COMMANDS = [Command("broadcasts", "broadcasts.command", roles=ADMINS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/broadcasts, its buttons, and the Read button on every announcement."""
    return [
        CommandHandler("broadcasts", cmd_broadcasts),
        CallbackQueryHandler(btn_broadcast_read, pattern=READ.pattern),
        CallbackQueryHandler(btn_broadcasts_list, pattern=LIST.pattern),
        CallbackQueryHandler(btn_broadcasts_show, pattern=SHOW.pattern),
        CallbackQueryHandler(btn_broadcasts_confirm, pattern=rf"{CANCEL.pattern}|{RESEND.pattern}"),
        CallbackQueryHandler(
            btn_broadcasts_apply, pattern=rf"{CANCEL_OK.pattern}|{RESEND_OK.pattern}"
        ),
    ]
