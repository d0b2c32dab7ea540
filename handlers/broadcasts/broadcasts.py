"""/broadcasts for admins (progress, delivery report, cancel, resend unknown) and "✅ Read".

Every admin button is checked again on the server: holding the button proves nothing. A ⛔
left on a report after its broadcast finished is answered as such (``progress`` takes it away
from a report kept open while sending).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.core import ADMINS
from handlers import keyboards
from handlers.broadcasts import progress
from handlers.broadcasts.reports import (
    CANCEL,
    CANCEL_OK,
    LIST,
    READ,
    RESEND,
    RESEND_OK,
    SHOW,
    line,
    report_keyboard,
    report_text,
)
from handlers.callbacks import either
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import data_of, query_of, sender_id


def _forget_watch(update: Update, context: Context) -> None:
    """The message pressed on shows another screen now: a watch on its report would overwrite it."""
    message = query_of(update).message if update.callback_query else None
    if message is not None:
        progress.unwatch(context, message.chat.id, message.message_id)


async def _show_list(update: Update, context: Context) -> None:
    t = context.t
    _forget_watch(update, context)
    recent = await context.services.broadcasts.reports.recent(limit=8)
    if not recent:
        await render.edit(update, context, t("broadcasts.none"))
        return
    text = t("broadcasts.list", lines=render.Html("\n".join(line(context, r) for r in recent)))
    rows = keyboards.grid(recent, lambda r: Button(f"#{r.id}", SHOW.build(r.id)), columns=4)
    await render.edit(update, context, text, render.inline(rows))


async def _show_report(update: Update, context: Context, broadcast_id: int) -> None:
    """Draw the report in the message pressed on; while it is sending, watch for the end."""
    _forget_watch(update, context)
    report = await context.services.broadcasts.reports.one(broadcast_id=broadcast_id)
    if report is None:
        await render.edit(update, context, context.t("broadcasts.gone"))
        return
    await render.edit(
        update, context, report_text(context, report), report_keyboard(context, report)
    )
    message = query_of(update).message if update.callback_query else None
    if report.state == "sending" and message is not None:
        progress.watch(context, message.chat.id, message.message_id, broadcast_id)


async def _still_cancellable(update: Update, context: Context, broadcast_id: int) -> bool:
    """A ⛔ left on a report of a broadcast that has finished: say so and redraw the report."""
    report = await context.services.broadcasts.reports.one(broadcast_id=broadcast_id)
    if report is not None and report.cancellable:
        return True
    await render.answer(update, context.t("broadcasts.cancel_passed"))
    await _show_report(update, context, broadcast_id)
    return False


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
    await _show_report(update, context, SHOW.one(data_of(update)))


@require_role(ADMINS)
async def btn_broadcasts_confirm(update: Update, context: Context) -> None:
    """Ask before cancelling or resending: both cannot be undone."""
    data, t = data_of(update), context.t
    cancelling = CANCEL.matches(data)
    broadcast_id = (CANCEL if cancelling else RESEND).one(data)
    if cancelling and not await _still_cancellable(update, context, broadcast_id):
        return
    await render.answer(update)
    _forget_watch(update, context)
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
    data, broadcasts = data_of(update), context.services.broadcasts
    cancelling = CANCEL_OK.matches(data)
    broadcast_id = (CANCEL_OK if cancelling else RESEND_OK).one(data)
    if cancelling:
        if not await _still_cancellable(update, context, broadcast_id):
            return
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
    query, t = query_of(update), context.t
    broadcast_id = READ.one(query.data)
    result = await context.services.broadcasts.followups.acknowledge(
        broadcast_id=broadcast_id, user_id=sender_id(update)
    )
    await render.answer(update, t(f"broadcasts.read_{result}"))
    markup = getattr(query.message, "reply_markup", None)
    if result == "unknown" or markup is None:
        return
    rows = [[b for b in row if b.callback_data != query.data] for row in markup.inline_keyboard]
    kept = [row for row in rows if row]
    await render.edit_keyboard(update, context, InlineKeyboardMarkup(kept) if kept else None)


COMMANDS = [Command("broadcasts", "broadcasts.command", roles=ADMINS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/broadcasts, its buttons, and the Read button on every announcement."""
    return [
        CommandHandler("broadcasts", cmd_broadcasts),
        CallbackQueryHandler(btn_broadcast_read, pattern=READ.pattern),
        CallbackQueryHandler(btn_broadcasts_list, pattern=LIST.pattern),
        CallbackQueryHandler(btn_broadcasts_show, pattern=SHOW.pattern),
        CallbackQueryHandler(btn_broadcasts_confirm, pattern=either(CANCEL, RESEND)),
        CallbackQueryHandler(btn_broadcasts_apply, pattern=either(CANCEL_OK, RESEND_OK)),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
