"""After a crash: the author of a broadcast hears how many of its messages may not have arrived.

Only the messages whose calls were under way at the crash are in doubt (the sender sends the
rest again by itself); one press queues them again, at the risk the message explains.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot import render
from bot.edge.jobs import job_context
from bot.render import Button
from handlers.broadcasts.reports import RESEND_OK, SHOW


async def report_unknown(
    app: Application[Any, Any, Any, Any, Any, Any], broadcast_id: int, count: int
) -> None:
    """Tell the broadcast's author that ``count`` deliveries are unknown, with a resend button."""
    context = job_context(app)
    services = context.services
    report = await services.broadcasts.reports.one(broadcast_id=broadcast_id)
    if report is None or report.created_by is None:
        return
    author = await services.users.find(user_id=report.created_by)
    if author is None or not author.is_active:
        return
    t = context.translator_for(author.locale)
    text = t(
        "broadcasts.unknown_after_stop",
        id=broadcast_id,
        title=report.titles[author.locale],
        count=count,
    )
    keyboard = render.inline(
        [
            [Button(t("broadcasts.resend", count=count), RESEND_OK.build(broadcast_id))],
            [Button(t("broadcasts.report_open"), SHOW.build(broadcast_id))],
        ]
    )
    await render.send(context, author.id, text, keyboard)
