"""Telling people about proposals, each in their own language: authors, supporters, reviewers.

Also sends a proposal's photos, voice notes and documents, which ``bot.render`` does not cover.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup

from bot import render
from bot.context import Context
from bot.models.proposals import ProposalStatus
from bot.render import Button
from bot.services.proposal_rules import DECIDED_WELL, Moved, ProposalCard, Recipient
from handlers.ideas_buttons import REPLY, SHOW_MINE
from handlers.ideas_cards import plain

log = logging.getLogger(__name__)


async def tell(
    context: Context,
    recipient: Recipient,
    key: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    **params: object,
) -> None:
    """Send one catalog message to someone else, in their language."""
    t = context.translator_for(recipient.locale)
    await render.send(context, recipient.user_id, t(key, **params), keyboard)


async def announce(context: Context, moved: Moved) -> None:
    """Tell the author (unless they moved it), supporters of good news, a reviewer of a reply."""

    async def about(
        recipient: Recipient, key: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> None:
        await tell(
            context,
            recipient,
            key,
            keyboard=keyboard,
            number=moved.number,
            title=moved.title,
            comment=moved.comment or "",
        )

    author, status = moved.author, moved.to_status
    if moved.actor_id != author.user_id:
        t = context.translator_for(author.locale)
        if status == ProposalStatus.NEEDS_INFO:
            action = Button(plain(t("ideas.reply.button")), REPLY.build(moved.proposal_id))
        else:
            action = Button(plain(t("ideas.my.open")), SHOW_MINE.build(moved.proposal_id))
        await about(author, f"ideas.notify.{status.value}", render.inline([[action]]))
    if status in DECIDED_WELL:
        for supporter in moved.supporters:
            await about(supporter, f"ideas.notify.supported_{status.value}")
    if moved.asked_by and moved.from_status == ProposalStatus.NEEDS_INFO:
        await about(moved.asked_by, "ideas.notify.replied")


async def send_media(context: Context, chat_id: int, card: ProposalCard) -> None:
    """The proposal's photos (as an album when several), voice notes and documents."""
    await render.send_album(context, chat_id, card.photos)
    for voice in card.voices:
        await render.send_file(context, chat_id, "voice", voice)
    for document in card.documents:
        await render.send_file(context, chat_id, "document", document)
