"""A delivery report left on screen while its broadcast is sending is redrawn once it is done.

Its ⛔ Cancel button would otherwise stay after there is nothing left to cancel. The watch is a
short-lived job of this process, one per report message: any other screen drawn in that message
ends it, and after :data:`WATCH_FOR` (or a restart) a press on the old button is answered by
the handler instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.error import Forbidden
from telegram.ext import Application

from bot import render
from bot.context import Context
from handlers.broadcasts.reports import report_keyboard, report_text
from handlers.parts import user_of

WATCH_EVERY = 2.0  # seconds between looks at the report
WATCH_FOR = 20 * 60.0  # seconds a report is watched


@dataclass(frozen=True, slots=True)
class Watch:
    """Which report message shows which broadcast, to whom."""

    chat_id: int
    message_id: int
    broadcast_id: int
    admin_id: int


def _app(context: Context) -> Application[Any, Any, Any, Any, Any, Any]:
    return context.application


def _name(chat_id: int, message_id: int) -> str:
    return f"broadcasts:report:{chat_id}:{message_id}"


def unwatch(context: Context, chat_id: int, message_id: int) -> None:
    """Another screen replaces the report in this message: stop redrawing it."""
    queue = _app(context).job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(_name(chat_id, message_id)):
        job.schedule_removal()


def watch(context: Context, chat_id: int, message_id: int, broadcast_id: int) -> None:
    """Redraw this report message once its broadcast has finished sending."""
    unwatch(context, chat_id, message_id)
    queue = _app(context).job_queue
    if queue is None:
        return
    queue.run_repeating(
        job_report_done,
        interval=WATCH_EVERY,
        first=WATCH_EVERY,
        last=WATCH_FOR,
        name=_name(chat_id, message_id),
        data=Watch(chat_id, message_id, broadcast_id, user_of(context).id),
    )


async def job_report_done(context: Context) -> None:
    """Once nothing is being sent any more, show the final report (without ⛔ unless useful)."""
    job = context.job
    if job is None or not isinstance(job.data, Watch):
        return
    seen: Watch = job.data
    report = await context.services.broadcasts.reports.one(broadcast_id=seen.broadcast_id)
    if report is not None and report.state == "sending":
        return
    job.schedule_removal()
    context.user = await context.services.users.find(user_id=seen.admin_id)
    if report is None or context.user is None:
        return
    try:
        await render.edit_message(
            context,
            seen.chat_id,
            seen.message_id,
            report_text(context, report),
            report_keyboard(context, report),
        )
    except Forbidden:
        await context.unreachable(seen.chat_id)
