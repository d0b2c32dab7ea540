"""The screens of /broadcasts: a line per broadcast, and one broadcast's delivery report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.broadcasts.outbox import Status
from bot.services.broadcasts.reports import DeliveryReport
from handlers.callbacks import Callback
from handlers.parts import user_of

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
    zone = ZoneInfo(user_of(context).timezone)
    return context.t.when(report.send_at or report.created_at, zone, pattern="short")


def _state(context: Context, report: DeliveryReport) -> str:
    return context.t(
        f"broadcasts.state_{report.state}", sent=report.count(Status.SENT), total=report.total
    )


def line(context: Context, report: DeliveryReport) -> str:
    """One broadcast in the list: number, kind, title and how far it got."""
    return context.t(
        "broadcasts.line",
        id=report.id,
        icon=ICONS.get(report.kind, "•"),
        title=report.titles[context.t.locale],
        state=_state(context, report),
    )


def report_text(context: Context, report: DeliveryReport) -> str:
    """The delivery report: state, what is waiting, every outcome, acknowledgements."""
    t = context.t
    lines = [
        t(
            "broadcasts.report_title",
            id=report.id,
            icon=ICONS.get(report.kind, "•"),
            title=report.titles[t.locale],
        ),
        t("broadcasts.report_state", state=_state(context, report), when=_when(context, report)),
    ]
    if report.late:
        lines.append(t("broadcasts.report_late"))
    pending = report.count(Status.PENDING)
    digest = report.count(Status.DIGEST) + report.count(Status.BUNDLED)
    lines.append(
        t("broadcasts.report_pending", count=pending + digest, held=report.held, digest=digest)
    )
    if report.held and report.held_until:
        until = t.moment(report.held_until, user_of(context).timezone)
        lines.append(t.plural("broadcasts.report_quiet", report.held, until=until))
    lines += [
        t(f"broadcasts.report_{name}", count=report.count(status))
        for name, status in ROWS
        if report.count(status)
    ]
    if report.must_read or report.kind == "announcement":
        lines.append(
            t.plural("broadcasts.report_acknowledged", report.reminded, count=report.acknowledged)
        )
    if report.opted_out:
        lines.append(t("broadcasts.report_opted_out", count=report.opted_out))
    return "\n".join(lines)


def report_keyboard(context: Context, report: DeliveryReport) -> InlineKeyboardMarkup | None:
    """Refresh, cancel (while there is something to cancel), resend the unknown, back."""
    t = context.t
    rows = [[Button(t("broadcasts.refresh"), SHOW.build(report.id))]]
    if report.cancellable:
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
