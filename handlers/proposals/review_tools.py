"""The review card's tools: queue filters and sending a proposal to a studio.

Scoring, which redraws the card, is in ``handlers.proposals.scoring``.
"""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.context import Context
from bot.models.proposals import BenefitCategory
from bot.render import Button
from bot.services.core import PermissionDenied
from bot.services.proposals.rules import ProposalError
from handlers import keyboards
from handlers.parts import sender_id
from handlers.proposals.buttons import ASSIGN, ASSIGN_TO, FILTER, QUEUE
from handlers.proposals.cards import plain
from handlers.proposals.notify import tell
from handlers.proposals.review_access import ANY, pressed


async def btn_review_filter(update: Update, context: Context) -> None:
    """Offer filters (benefit category, enterprise or studio) in place of the card."""
    args = await pressed(update, context, FILTER)
    if not args:
        return
    t, services = context.t, context.services
    mode, what = args
    if what == "cat":
        rows = keyboards.grid(
            list(BenefitCategory),
            lambda c: Button(
                plain(t(f"proposals.benefit.{c.value}")), QUEUE.build(mode, c.value, 0, 0, 0)
            ),
        )
    elif what == "ent":
        found = await services.proposal_reviews.enterprises(user_id=sender_id(update))
        rows = keyboards.grid(found, lambda e: Button(e[1], QUEUE.build(mode, ANY, e[0], 0, 0)))
    elif what == "st":
        found = await services.proposals.studios()
        rows = keyboards.grid(found, lambda s: Button(s[1], QUEUE.build(mode, ANY, 0, s[0], 0)))
    else:
        rows = [
            [
                Button(plain(t(f"proposals.review.by_{key}")), FILTER.build(mode, key))
                for key in ("cat", "ent", "st")
            ]
        ]
    rows.append([Button(plain(t("proposals.review.all")), QUEUE.build(mode, ANY, 0, 0, 0))])
    await render.edit(update, context, t("proposals.review.filter_title"), render.inline(rows))


async def btn_review_assign(update: Update, context: Context) -> None:
    """Offer the innovation studios to send the proposal to."""
    args = await pressed(update, context, ASSIGN)
    if not args:
        return
    proposal_id = args[0]
    studios = await context.services.proposals.studios()
    if not studios:
        await render.reply(update, context, context.t("proposals.review.no_studios"))
        return
    rows = keyboards.grid(studios, lambda s: Button(s[1], ASSIGN_TO.build(proposal_id, s[0])))
    await render.reply(
        update, context, context.t("proposals.review.pick_studio"), render.inline(rows)
    )


async def btn_review_assign_to(update: Update, context: Context) -> None:
    """Send the proposal to the chosen studio and tell its leader."""
    args = await pressed(update, context, ASSIGN_TO)
    if not args:
        return
    proposal_id, studio_id = args
    try:
        leader = await context.services.proposal_reviews.assign(
            user_id=sender_id(update), proposal_id=proposal_id, studio_id=studio_id
        )
        view = await context.services.proposal_reviews.card(
            user_id=sender_id(update), proposal_id=proposal_id
        )
    except (ProposalError, PermissionDenied):
        await render.edit(update, context, context.t("proposals.gone"))
        return
    await render.edit(
        update,
        context,
        context.t("proposals.review.assigned", number=view.number, studio=view.studio or ""),
    )
    if leader:
        await tell(
            context,
            leader,
            "proposals.notify.assigned",
            number=view.number,
            title=view.title,
            studio=view.studio or "",
        )
