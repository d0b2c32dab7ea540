"""Telling people about proposals, each in their own language: authors, supporters, reviewers.

Also sends a proposal's photos, voice notes and documents (through ``bot.render``).
"""

from __future__ import annotations

import logging

from bot import render
from bot.context import Context
from bot.models.proposals import ProposalStatus
from bot.render import Button
from bot.services.proposals.rules import DECIDED_WELL, Moved, ProposalCard, Recipient
from handlers.proposals.buttons import REPLY, SHOW_MINE

log = logging.getLogger(__name__)


async def tell(
    context: Context,
    recipient: Recipient,
    key: str,
    *,
    button: tuple[str, str] | None = None,
    **params: object,
) -> None:
    """Push one catalog message about a proposal to someone else, in their language.

    Proposal updates are a kind of push the recipient controls in /settings: turned off, they
    are not sent (the proposal still shows them in /myideas); during quiet hours or taken as a
    digest, the broadcast engine holds them until the right moment. ``button`` is the catalog
    key of a label and its callback data.
    """
    broadcasts = context.services.broadcasts
    timing = await broadcasts.timing(user_id=recipient.user_id, kind="proposal")
    if timing == "off":
        return
    if timing == "now":
        t = context.translator_for(recipient.locale)
        keyboard = render.inline([[Button(t(button[0]), button[1])]]) if button else None
        await render.send(context, recipient.user_id, t(key, **params), keyboard)
        return
    zh, en = context.translator_for("zh"), context.translator_for("en")
    await broadcasts.push(
        user_id=recipient.user_id,
        kind="proposal",
        html_zh=zh(key, **params),
        html_en=en(key, **params),
        buttons=[(render.label(zh(button[0])), render.label(en(button[0])), button[1])]
        if button
        else None,
    )


async def announce(context: Context, moved: Moved) -> None:
    """Tell the author (unless they moved it), supporters of good news, a reviewer of a reply."""

    async def about(recipient: Recipient, key: str, button: tuple[str, str] | None = None) -> None:
        await tell(
            context,
            recipient,
            key,
            button=button,
            number=moved.number,
            title=moved.title,
            comment=moved.comment or "",
        )

    author, status = moved.author, moved.to_status
    if moved.actor_id != author.user_id:
        if status == ProposalStatus.NEEDS_INFO:
            action = ("proposals.reply.button", REPLY.build(moved.proposal_id))
        else:
            action = ("proposals.my.open", SHOW_MINE.build(moved.proposal_id))
        await about(author, f"proposals.notify.{status.value}", action)
    if status in DECIDED_WELL:
        for supporter in moved.supporters:
            await about(supporter, f"proposals.notify.supported_{status.value}")
    if moved.asked_by and moved.from_status == ProposalStatus.NEEDS_INFO:
        await about(moved.asked_by, "proposals.notify.replied")


async def send_media(context: Context, chat_id: int, card: ProposalCard) -> None:
    """The proposal's photos (as an album when several), voice notes and documents."""
    await render.send_album(context, chat_id, card.photos)
    for voice in card.voices:
        await render.send_file(context, chat_id, "voice", voice)
    for document in card.documents:
        await render.send_file(context, chat_id, "document", document)
