"""/myideas: the proposals a person submitted, where each one is, what they can still do."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.models.proposals import ProposalStatus
from bot.render import Button
from bot.services.core import PermissionDenied
from bot.services.proposals.rules import (
    DECIDED_WELL,
    IN_REVIEW,
    Conflict,
    IllegalTransition,
    ProposalCard,
    ProposalError,
    ProposalNotFound,
)
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import chat_id_of, data_of, sender_id
from handlers.proposals.buttons import (
    MINE,
    REPLY,
    SHOW_MINE,
    STEP_FORWARD,
    WITHDRAW,
    WITHDRAW_CONFIRM,
)
from handlers.proposals.cards import card, line, plain, status
from handlers.proposals.notify import send_media

MY_MEDIA = Callback("my", "media", int)


def _id(update: Update, scheme: Callback) -> int:
    return int(scheme.one(data_of(update)))


async def cmd_myideas(update: Update, context: Context) -> None:
    """List the user's proposals with their status and supporters."""
    t, user_id = context.t, sender_id(update)
    await render.answer(update)
    overview = await context.services.proposals.overview(user_id=user_id)
    mine = overview.proposals
    lines = [t("proposals.my.title")]
    if overview.draft is not None:
        lines.append(t("proposals.my.draft", title=overview.draft or "…"))
    if not mine:
        lines.append(t("proposals.my.none"))
    rows = [[Button(line(t, item), SHOW_MINE.build(item.id))] for item in mine[:30]]
    await render.reply(update, context, "\n".join(lines), render.inline(rows) if rows else None)


def _actions(context: Context, view: ProposalCard) -> InlineKeyboardMarkup | None:
    t, pid = context.t, view.id
    rows = []
    count = len(view.photos) + len(view.voices) + len(view.documents)
    if count:
        rows.append([Button(plain(t("proposals.review.media", count=count)), MY_MEDIA.build(pid))])
    if view.status == ProposalStatus.NEEDS_INFO:
        rows.append([Button(plain(t("proposals.reply.button")), REPLY.build(pid))])
    if view.status in IN_REVIEW:
        rows.append([Button(plain(t("proposals.my.withdraw")), WITHDRAW.build(pid))])
    if view.anonymous and view.status in DECIDED_WELL:
        rows.append([Button(plain(t("proposals.my.step_forward")), STEP_FORWARD.build(pid))])
    rows.append([Button(plain(t("proposals.my.back")), MINE.build())])
    return render.inline(rows)


async def _own(update: Update, context: Context, scheme: Callback) -> ProposalCard | None:
    """The pressed proposal if the presser wrote it; otherwise they are told it is gone."""
    await render.answer(update)
    try:
        view = await context.services.proposals.card(
            proposal_id=_id(update, scheme), viewer_id=sender_id(update)
        )
    except ProposalError:
        view = None
    if view is None or not view.is_author:
        await render.reply(update, context, context.t("proposals.gone"))
        return None
    return view


async def btn_my_show(update: Update, context: Context) -> None:
    """One of the user's proposals: everything in it, its scores, history, what can be done."""
    view = await _own(update, context, SHOW_MINE)
    if view is None:
        return
    text = card(
        context.t,
        view,
        context.services.settings.zone,
        with_scores=bool(view.scores.reviewers),
        with_media=True,
    )
    await render.reply(update, context, text, _actions(context, view))


async def btn_my_media(update: Update, context: Context) -> None:
    """Send the photos, voice notes and files of the author's own proposal."""
    view = await _own(update, context, MY_MEDIA)
    if view is not None:
        await send_media(context, chat_id_of(update), view)


async def btn_my_withdraw(update: Update, context: Context) -> None:
    """Ask to confirm taking the proposal back (only its author, only before a decision)."""
    t, proposal_id = context.t, _id(update, WITHDRAW)
    try:
        await context.services.proposals.may_withdraw(
            proposal_id=proposal_id, user_id=sender_id(update)
        )
    except ProposalNotFound:
        await render.answer(update, t("proposals.gone"), alert=True)
        return
    except IllegalTransition as error:
        await render.answer(update, t("proposals.already", status=status(t, error.current)))
        return
    await render.answer(update)
    keyboard = render.inline(
        [[Button(plain(t("common.confirm")), WITHDRAW_CONFIRM.build(proposal_id))]]
    )
    await render.reply(update, context, t("proposals.my.withdraw_confirm"), keyboard)


async def btn_my_withdraw_confirm(update: Update, context: Context) -> None:
    """Take the proposal back; reviewers no longer see it."""
    await render.answer(update)
    t = context.t
    try:
        moved = await context.services.proposals.withdraw(
            proposal_id=_id(update, WITHDRAW_CONFIRM), user_id=sender_id(update)
        )
    except (Conflict, IllegalTransition) as error:
        now = error.status if isinstance(error, Conflict) else error.current
        await render.edit(update, context, t("proposals.already", status=status(t, now)))
        return
    except (ProposalError, PermissionDenied):
        await render.edit(update, context, t("proposals.gone"))
        return
    await render.edit(update, context, t("proposals.my.withdrawn", number=moved.number))


async def btn_my_step_forward(update: Update, context: Context) -> None:
    """An anonymous author of an accepted proposal puts their name on it."""
    await render.answer(update)
    try:
        done = await context.services.proposals.step_forward(
            proposal_id=_id(update, STEP_FORWARD), user_id=sender_id(update)
        )
    except ProposalError:
        done = False
    key = "proposals.my.stepped_forward" if done else "proposals.my.cannot_step_forward"
    await render.edit(update, context, context.t(key))


COMMANDS = [Command("myideas", "proposals.command.myideas")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/myideas and the buttons on the user's own proposals."""
    return [
        CommandHandler("myideas", cmd_myideas),
        CallbackQueryHandler(cmd_myideas, pattern=MINE.pattern),
        CallbackQueryHandler(btn_my_show, pattern=SHOW_MINE.pattern),
        CallbackQueryHandler(btn_my_media, pattern=MY_MEDIA.pattern),
        CallbackQueryHandler(btn_my_withdraw, pattern=WITHDRAW.pattern),
        CallbackQueryHandler(btn_my_withdraw_confirm, pattern=WITHDRAW_CONFIRM.pattern),
        CallbackQueryHandler(btn_my_step_forward, pattern=STEP_FORWARD.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
