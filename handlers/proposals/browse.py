"""/ideas: colleagues' proposals (our enterprise's under review or accepted, everyone's accepted).

A 👍 counts once per person; comments go through the prompts flow (``handlers.proposals.prompts``).
Anonymous authors stay anonymous here.
"""

from __future__ import annotations

import math

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.proposals.rules import OwnProposal, ProposalCard, ProposalError
from handlers import keyboards
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import chat_id_of, data_of, sender_id
from handlers.proposals.buttons import BROWSE, COMMENT, SHOW, STARS, SUPPORT
from handlers.proposals.cards import card, line, plain
from handlers.proposals.notify import send_media

PAGE_SIZE = 8
OURS, ALL = "o", "a"


async def _list(update: Update, context: Context, scope: str, page: int) -> None:
    t = context.t
    found, total = await context.services.proposal_peers.browse(
        user_id=sender_id(update),
        ours=scope == OURS,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    tabs = [
        Button(plain(t("proposals.browse.ours")), BROWSE.build(OURS, 0)),
        Button(plain(t("proposals.browse.all")), BROWSE.build(ALL, 0)),
        Button(plain(t("proposals.browse.stars")), STARS.build()),
    ]
    rows = [[Button(line(t, item), SHOW.build(item.id))] for item in found]
    pager = keyboards.pager(t, BROWSE, page, math.ceil(total / PAGE_SIZE), scope)
    heading = t(f"proposals.browse.title_{scope}") + (
        "" if found else "\n" + t("proposals.browse.empty")
    )
    await render.reply(update, context, heading, render.inline([*rows, pager, tabs]))


async def cmd_ideas(update: Update, context: Context) -> None:
    """Proposals of the user's enterprise."""
    await _list(update, context, OURS, 0)


async def btn_browse_list(update: Update, context: Context) -> None:
    """Another tab or page of the list."""
    await render.answer(update)
    scope, page = BROWSE.parse(data_of(update))
    await _list(update, context, scope if scope in (OURS, ALL) else OURS, max(page, 0))


def _keyboard(context: Context, view: ProposalCard) -> InlineKeyboardMarkup | None:
    t = context.t
    key = "proposals.browse.supported" if view.supported else "proposals.browse.support"
    support = Button(plain(t(key, count=view.supporters)), SUPPORT.build(view.id))
    comment = Button(plain(t("proposals.browse.comment")), COMMENT.build(view.id))
    return render.inline([[support, comment]] if not view.is_author else [[comment]])


async def btn_browse_show(update: Update, context: Context) -> None:
    """A colleague's proposal with its photos, support and comments."""
    await render.answer(update)
    try:
        view = await context.services.proposals.card(
            proposal_id=SHOW.one(data_of(update)), viewer_id=sender_id(update)
        )
    except ProposalError:
        await render.reply(update, context, context.t("proposals.gone"))
        return
    await send_media(context, chat_id_of(update), view)
    text = card(context.t, view, context.services.settings.zone, with_history=False)
    await render.reply(update, context, text, _keyboard(context, view))


async def btn_browse_support(update: Update, context: Context) -> None:
    """Add the user's 👍 (once) and show the new count."""
    t, user_id = context.t, sender_id(update)
    try:
        proposal_id = SUPPORT.one(data_of(update))
        done = await context.services.proposal_peers.support(
            user_id=user_id, proposal_id=proposal_id
        )
    except OwnProposal:
        await render.answer(update, t("proposals.browse.own"), alert=True)
        return
    except ProposalError:
        await render.answer(update, t("proposals.gone"), alert=True)
        return
    key = "proposals.browse.thanks" if done.added else "proposals.browse.already"
    await render.answer(update, plain(t.plural(key, done.count)))
    view = await context.services.proposals.card(proposal_id=proposal_id, viewer_id=user_id)
    text = card(t, view, context.services.settings.zone, with_history=False)
    await render.edit(update, context, text, _keyboard(context, view))


async def btn_browse_stars(update: Update, context: Context) -> None:
    """This month's innovation stars of the user's enterprise."""
    await render.answer(update)
    t = context.t
    board = await context.services.proposal_peers.stars(user_id=sender_id(update))
    lines = [t("proposals.stars.title")]
    lines += [
        t.plural("proposals.stars.line", row.points, rank=n, name=row.name)
        for n, row in enumerate(board, 1)
    ]
    if not board:
        lines.append(t("proposals.stars.empty"))
    await render.reply(update, context, "\n".join(lines))


COMMANDS = [Command("ideas", "proposals.command.ideas")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/ideas, its list, cards, 👍 and the monthly board."""
    return [
        CommandHandler("ideas", cmd_ideas),
        CallbackQueryHandler(btn_browse_list, pattern=BROWSE.pattern),
        CallbackQueryHandler(btn_browse_show, pattern=SHOW.pattern),
        CallbackQueryHandler(btn_browse_support, pattern=SUPPORT.pattern),
        CallbackQueryHandler(btn_browse_stars, pattern=STARS.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
