"""/review: model workers, craftsmen, reviewers and studio leaders answer proposals, oldest first.

Showing a card is not a decision: it changes nothing and tells nobody. Every button checks the
presser's roles again on the server (a forged ``rev:acc:42`` from a worker is refused and
changes nothing). Moving through the queue (⏭, a filter, the other list) turns the card
pressed on into the next one, so only one card's buttons are live; the next proposal's photos
and files are then a button away rather than sent above an older card. Accept asks for a
confirmation and an optional comment, reject and "needs info" for a reason; those typed
answers are handled by the flow in ``prompts``.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.models.proposals import BenefitCategory, ProposalStatus
from bot.render import Button
from bot.services.core import REVIEWERS, PermissionDenied
from bot.services.proposals.reviews import QueueFilter, QueueItem
from bot.services.proposals.rules import (
    Conflict,
    IllegalTransition,
    OwnProposal,
    ProposalError,
    ProposalNotFound,
)
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import chat_id_of, sender_id
from handlers.proposals.buttons import (
    ACCEPT,
    ASSIGN,
    ASSIGN_TO,
    FILTER,
    IMPLEMENTED,
    MEDIA,
    NEEDS_INFO,
    QUEUE,
    REJECT,
    SCORE_START,
)
from handlers.proposals.cards import card, plain, status
from handlers.proposals.notify import announce, send_media
from handlers.proposals.review_access import ACCEPTED, ANY, PENDING, allowed, pressed
from handlers.proposals.review_tools import (
    btn_review_assign,
    btn_review_assign_to,
    btn_review_filter,
)


def _where(mode: str, category: str, enterprise: int, studio: int) -> QueueFilter:
    return QueueFilter(
        category=BenefitCategory(category) if category in set(BenefitCategory) else None,
        enterprise_id=enterprise or None,
        studio_id=studio or None,
        accepted=mode == ACCEPTED,
    )


def _media_row(context: Context, item: QueueItem) -> list[list[Button]]:
    """A button that sends the proposal's photos and files, when it has any."""
    view = item.card
    count = len(view.photos) + len(view.voices) + len(view.documents) if view else 0
    if not view or not count:
        return []
    return [[Button(plain(context.t("proposals.review.media", count=count)), MEDIA.build(view.id))]]


def _card_keyboard(
    context: Context,
    item: QueueItem,
    mode: str,
    filters: tuple[str, int, int],
    *,
    media: bool = False,
) -> InlineKeyboardMarkup | None:
    t, pid = context.t, item.card.id if item.card else 0

    def label(key: str) -> str:
        return plain(t(f"proposals.review.{key}"))

    following = Button(label("next"), QUEUE.build(mode, *filters, item.position + 1))
    score = Button(label("score"), SCORE_START.build(pid))
    extra = _media_row(context, item) if media else []
    if mode == ACCEPTED:
        return render.inline(
            [
                *extra,
                [Button(label("implemented"), IMPLEMENTED.build(pid)), score],
                [following, Button(label("to_pending"), QUEUE.build(PENDING, ANY, 0, 0, 0))],
            ]
        )
    return render.inline(
        [
            *extra,
            [
                Button(label("accept"), ACCEPT.build(pid)),
                Button(label("reject"), REJECT.build(pid)),
            ],
            [
                Button(label("needs_info"), NEEDS_INFO.build(pid)),
                Button(label("assign"), ASSIGN.build(pid)),
            ],
            [score, following],
            [
                Button(label("filter"), FILTER.build(mode, "menu")),
                Button(label("to_accepted"), QUEUE.build(ACCEPTED, ANY, 0, 0, 0)),
            ],
        ]
    )


async def show_queue(
    update: Update,
    context: Context,
    mode: str = PENDING,
    category: str = ANY,
    enterprise: int = 0,
    studio: int = 0,
    position: int = 0,
    *,
    in_place: bool = False,
    anchor: int | None = None,
    note: str = "",
) -> None:
    """Show the proposal at ``position`` of the (filtered) queue, photos and voice first.

    ``in_place`` replaces the message pressed on (its media are offered by a button instead).
    ``anchor`` shows that proposal wherever the queue moved it, with ``note`` above its card.
    """
    t, chat_id = context.t, chat_id_of(update)
    show = render.edit if in_place else render.reply
    item = await context.services.proposal_reviews.queue(
        user_id=sender_id(update),
        where=_where(mode, category, enterprise, studio),
        position=position,
        anchor=anchor,
    )
    if item.card is None:
        toggle = QUEUE.build(ACCEPTED if mode == PENDING else PENDING, ANY, 0, 0, 0)
        keyboard = render.inline(
            [
                [
                    Button(plain(t("proposals.review.filter")), FILTER.build(mode, "menu")),
                    Button(
                        plain(
                            t(f"proposals.review.to_{'accepted' if mode == PENDING else 'pending'}")
                        ),
                        toggle,
                    ),
                ]
            ]
        )
        await show(update, context, t(f"proposals.review.empty_{mode}"), keyboard)
        return
    if not in_place:
        await send_media(context, chat_id, item.card)
    head = t(f"proposals.review.position_{mode}", position=item.position + 1, total=item.total)
    text = f"{head}\n\n{card(t, item.card, context.services.settings.zone, with_scores=True)}"
    if note and item.card.id == anchor:
        text = f"{note}\n\n{text}"
    where = (category, enterprise, studio)
    await show(update, context, text, _card_keyboard(context, item, mode, where, media=in_place))


async def cmd_review(update: Update, context: Context) -> None:
    """The review queue, oldest proposal first."""
    if await allowed(update, context):
        await show_queue(update, context)


async def btn_review_queue(update: Update, context: Context) -> None:
    """Next card, another filter, or the other list: the card pressed on becomes it."""
    args = await pressed(update, context, QUEUE)
    if args:
        await show_queue(update, context, *args, in_place=True)


async def btn_review_media(update: Update, context: Context) -> None:
    """Send the photos, voice notes and files of the proposal on the card."""
    args = await pressed(update, context, MEDIA)
    if not args:
        return
    try:
        view = await context.services.proposal_reviews.card(
            user_id=sender_id(update), proposal_id=args[0]
        )
    except (ProposalError, PermissionDenied):
        await render.reply(update, context, context.t("proposals.gone"))
        return
    await send_media(context, chat_id_of(update), view)


async def btn_review_implemented(update: Update, context: Context) -> None:
    """Mark an accepted proposal as put into practice (the author and supporters hear of it)."""
    args = await pressed(update, context, IMPLEMENTED)
    if not args:
        return
    t, to = context.t, ProposalStatus.IMPLEMENTED
    try:
        moved = await context.services.proposals.move(
            proposal_id=args[0], actor_id=sender_id(update), to=to
        )
    except (Conflict, IllegalTransition) as error:
        now = error.status if isinstance(error, Conflict) else error.current
        await render.reply(update, context, t("proposals.already", status=status(t, now)))
        return
    except OwnProposal:
        await render.reply(update, context, t("proposals.review.own"))
        return
    except ProposalNotFound:
        await render.reply(update, context, t("proposals.gone"))
        return
    await render.edit(
        update,
        context,
        t(f"proposals.review.done_{to.value}", number=moved.number, title=moved.title),
    )
    await announce(context, moved)
    await show_queue(update, context, ACCEPTED)


COMMANDS = [Command("review", "proposals.command.review", roles=REVIEWERS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/review and its card buttons (accept, reject and needs-info start the prompts flow).

    Scoring has its own module (``scoring``), which redraws the card it was started on.
    """
    return [
        CommandHandler("review", cmd_review),
        CallbackQueryHandler(btn_review_queue, pattern=QUEUE.pattern),
        CallbackQueryHandler(btn_review_media, pattern=MEDIA.pattern),
        CallbackQueryHandler(btn_review_filter, pattern=FILTER.pattern),
        CallbackQueryHandler(btn_review_implemented, pattern=IMPLEMENTED.pattern),
        CallbackQueryHandler(btn_review_assign, pattern=ASSIGN.pattern),
        CallbackQueryHandler(btn_review_assign_to, pattern=ASSIGN_TO.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
