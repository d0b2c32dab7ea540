"""Telling people about proposals, each in their own language: authors, supporters, reviewers.

Also sends a proposal's photos, voice notes and documents (through ``bot.render``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from bot import render
from bot.clock import utcnow
from bot.context import Context
from bot.i18n import Translator
from bot.models.proposals import ProposalStatus
from bot.render import Button
from bot.services.proposals.rules import DECIDED_WELL, Moved, ProposalCard, Recipient
from handlers.parts import user_of
from handlers.proposals.buttons import REPLY, SHOW_MINE

log = logging.getLogger(__name__)
WITH_SCORES = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED)  # the news of a decision
Line = tuple[str, Mapping[str, object]]


async def tell(
    context: Context,
    recipient: Recipient,
    key: str,
    *,
    button: tuple[str, str] | None = None,
    lines: Sequence[Line] = (),
    **params: object,
) -> None:
    """Push one catalog message about a proposal to someone else, in their language.

    Proposal updates are a kind of push the recipient controls in /settings: turned off, they
    are not sent (the proposal still shows them in /myideas); during quiet hours or taken as a
    digest, the broadcast engine holds them until the right moment. ``button`` is the catalog
    key of a label and its callback data; ``lines`` are further catalog messages (key and
    values) added below the first, each on a line of its own.
    """

    def text(t: Translator) -> str:
        return "\n".join([t(key, **params), *(t(k, **values) for k, values in lines)])

    broadcasts = context.services.broadcasts
    timing = await broadcasts.timing(user_id=recipient.user_id, kind="proposal")
    if timing == "off":
        return
    if timing == "now":
        t = context.translator_for(recipient.locale)
        keyboard = render.inline([[Button(t(button[0]), button[1])]]) if button else None
        await render.send(context, recipient.user_id, text(t), keyboard)
        return
    zh, en = context.translator_for("zh"), context.translator_for("en")
    await broadcasts.push(
        user_id=recipient.user_id,
        kind="proposal",
        html_zh=text(zh),
        html_en=text(en),
        buttons=[(render.label(zh(button[0])), render.label(en(button[0])), button[1])]
        if button
        else None,
    )


async def heard(context: Context, key: str, user_id: int, **values: object) -> str | None:
    """What the person acting reads about telling ``user_id``: ``key``'s message if told now.

    Their push settings decide: quiet hours or a digest hold a proposal update, and then the
    ``_later`` variant says when it arrives (``when``, in the reader's time); proposal pushes
    turned off give ``None``.
    """
    t, now = context.t, utcnow()
    when = await context.services.broadcasts.release(user_id=user_id, kind="proposal", now=now)
    if when is None:
        return None
    if when > now:
        return t(f"{key}_later", when=t.moment(when, user_of(context).timezone), **values)
    return t(key, **values)


def _review_lines(moved: Moved) -> list[Line]:
    """What the author of a decided proposal reads below the news: the scores, the comment.

    A rejection quotes its reason in the news itself.
    """
    lines: list[Line] = []
    if moved.review is not None:
        scores = moved.review
        lines.append(
            (
                "proposals.notify.review_scores",
                {
                    "feasibility": scores.feasibility or "–",
                    "benefit": scores.benefit or "–",
                    "novelty": scores.novelty or "–",
                },
            )
        )
    if moved.comment and moved.to_status == ProposalStatus.ACCEPTED:
        lines.append(("proposals.notify.review_comment", {"comment": moved.comment}))
    return lines


async def announce(context: Context, moved: Moved) -> None:
    """Tell the author (unless they moved it), supporters of good news, a reviewer of a reply.

    The author of a decided proposal also reads the reviewer's scores (and an acceptance's
    comment), if any.
    """

    async def about(
        recipient: Recipient,
        key: str,
        button: tuple[str, str] | None = None,
        lines: Sequence[Line] = (),
    ) -> None:
        await tell(
            context,
            recipient,
            key,
            button=button,
            lines=lines,
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
        lines = _review_lines(moved) if status in WITH_SCORES else []
        await about(author, f"proposals.notify.{status.value}", action, lines)
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
