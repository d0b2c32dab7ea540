"""Scoring a proposal from its review card: three 1-5 scores, asked on the card itself.

⭐ turns the card into its first question (feasibility, then benefit, then novelty), with
"back to the card" and "next" beside the numbers; the last score redraws the card with the
new averages and the reviewer's own scores above it. The card's place in the queue is read
from its "next" button (which leads one further), so nothing is stored between the presses.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.core import PermissionDenied
from bot.services.proposals.rules import OwnProposal, ProposalError
from handlers.features import Feature
from handlers.parts import query_of, sender_id
from handlers.proposals.buttons import QUEUE, SCORE, SCORE_START
from handlers.proposals.cards import card, plain
from handlers.proposals.review import show_queue
from handlers.proposals.review_access import pressed

NEXT_CRITERION = {"f": "b", "b": "n"}
Place = tuple[str, str, int, int, int]  # mode, category, enterprise, studio, position


def place_of(update: Update) -> Place | None:
    """Where the card pressed on stands in its queue, read from its "next" button.

    Of the queue buttons on a card, "next" leads furthest (one past the card; the other list's
    button starts at 0). A message without them (an older score question) has no place.
    """
    markup = getattr(query_of(update).message, "reply_markup", None)
    rows = markup.inline_keyboard if markup else ()
    found = [
        QUEUE.parse(b.callback_data) for row in rows for b in row if QUEUE.matches(b.callback_data)
    ]
    if not found:
        return None
    mode, category, enterprise, studio, position = max(found, key=lambda place: place[4])
    return mode, category, enterprise, studio, max(position - 1, 0)


def _keyboard(
    context: Context, proposal_id: int, criterion: str, place: Place | None
) -> InlineKeyboardMarkup | None:
    rows = [[Button(str(n), SCORE.build(proposal_id, criterion, n)) for n in range(1, 6)]]
    if place is not None:
        mode, category, enterprise, studio, position = place
        following = QUEUE.build(mode, category, enterprise, studio, position + 1)
        rows.append(
            [
                Button(plain(context.t("proposals.review.back_to_card")), QUEUE.build(*place)),
                Button(plain(context.t("proposals.review.next")), following),
            ]
        )
    return render.inline(rows)


async def _ask(update: Update, context: Context, proposal_id: int, criterion: str) -> None:
    """The card, shortened, with the question for ``criterion`` and its number buttons."""
    t = context.t
    try:
        view = await context.services.proposal_reviews.card(
            user_id=sender_id(update), proposal_id=proposal_id
        )
    except (ProposalError, PermissionDenied):
        await render.edit(update, context, t("proposals.gone"))
        return
    shown = card(t, view, context.services.settings.zone, with_history=False, with_scores=True)
    text = f"{shown}\n\n{t(f'proposals.review.score_{criterion}')}"
    await render.edit(
        update, context, text, _keyboard(context, proposal_id, criterion, place_of(update))
    )


async def btn_review_score_start(update: Update, context: Context) -> None:
    """Ask for the first score (feasibility) on the card."""
    args = await pressed(update, context, SCORE_START)
    if args:
        await _ask(update, context, args[0], "f")


async def btn_review_score(update: Update, context: Context) -> None:
    """Record one score and ask the next; after the last, the card again, with the scores."""
    args = await pressed(update, context, SCORE)
    if not args:
        return
    t, user_id = context.t, sender_id(update)
    proposal_id, criterion, value = args
    reviews = context.services.proposal_reviews
    try:
        await reviews.score(
            user_id=user_id, proposal_id=proposal_id, criterion=criterion, value=value
        )
    except OwnProposal:
        await render.edit(update, context, t("proposals.review.own"))
        return
    except (ProposalError, PermissionDenied):
        await render.edit(update, context, t("proposals.gone"))
        return
    if following := NEXT_CRITERION.get(criterion):
        await _ask(update, context, proposal_id, following)
        return
    mine = await reviews.my_scores(user_id=user_id, proposal_id=proposal_id)
    note = t(
        "proposals.review.scored",
        feasibility=mine["f"] or "–",
        benefit=mine["b"] or "–",
        novelty=mine["n"] or "–",
    )
    await render.answer(update, plain(note))
    place = place_of(update)
    if place is None:
        await render.edit(update, context, note)
        return
    await show_queue(update, context, *place, in_place=True, anchor=proposal_id, note=note)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The ⭐ button on a review card and the score buttons it brings."""
    return [
        CallbackQueryHandler(btn_review_score_start, pattern=SCORE_START.pattern),
        CallbackQueryHandler(btn_review_score, pattern=SCORE.pattern),
    ]


FEATURE = Feature(handlers)
