"""Buttons while writing a proposal: choices, skipping, editing from the preview, submitting.

Each returns the step the draft is now on. A button left over from a question already answered
is answered with a short note and its buttons are taken away; the current question stays the
latest message. A choice that no longer exists (a removed studio) asks the question again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import render
from bot.context import Context
from bot.models.proposals import BenefitCategory
from bot.services.core import PermissionDenied
from bot.services.proposals.answers import InvalidAnswer
from bot.services.proposals.rules import DailyLimit, ProposalNotFound
from bot.services.proposals.steps import DraftStep, DraftView
from handlers import keyboards
from handlers.flows import step_passed
from handlers.parts import data_of, sender_id
from handlers.proposals.buttons import (
    ANONYMOUS,
    BENEFIT,
    EDIT,
    SKIP_AT,
    STUDIO,
    SUBMIT,
    SUPPORT_INSTEAD,
)
from handlers.proposals.cards import preview
from handlers.proposals.notify import heard, tell
from handlers.proposals.steps import END, ask, lost, refuse

Change = Callable[[int, str], Awaitable[DraftView]]


async def _choose(update: Update, context: Context, change: Change) -> str | int | None:
    """Apply a button's choice; the answered question's buttons go, the next question follows."""
    user_id = sender_id(update)
    try:
        draft = await change(user_id, data_of(update) or "")
    except InvalidAnswer as error:
        if error.reason == "passed":
            await step_passed(update, context)
            return None
        return await _ask_again(update, context)
    except ValueError:
        return await _ask_again(update, context)
    except ProposalNotFound:
        return await lost(update, context)
    await render.answer(update)
    return await ask(update, context, draft)


async def _ask_again(update: Update, context: Context) -> str | int:
    """The choice is no longer offered: say so and ask the current question again."""
    await render.answer(update)
    await render.reply(update, context, context.t("proposals.invalid.stale"))
    current = await context.services.proposal_drafts.current(user_id=sender_id(update))
    return await ask(update, context, current) if current else END


async def btn_idea_benefit(update: Update, context: Context) -> str | int | None:
    """A benefit category was picked."""
    drafts = context.services.proposal_drafts
    return await _choose(
        update,
        context,
        lambda user_id, data: drafts.choose_benefit(
            user_id=user_id, category=BenefitCategory(BENEFIT.one(data))
        ),
    )


async def btn_idea_skip(update: Update, context: Context) -> str | int | None:
    """Skip an optional question, or finish adding photos."""
    drafts = context.services.proposal_drafts
    return await _choose(
        update,
        context,
        lambda user_id, data: drafts.skip(
            user_id=user_id, step=SKIP_AT.one(data) if SKIP_AT.matches(data) else None
        ),
    )


async def btn_idea_studio(update: Update, context: Context) -> str | int | None:
    """A target studio was picked (0: none in particular)."""
    drafts = context.services.proposal_drafts
    return await _choose(
        update,
        context,
        lambda user_id, data: drafts.choose_studio(
            user_id=user_id, studio_id=STUDIO.one(data) or None
        ),
    )


async def btn_idea_anonymous(update: Update, context: Context) -> str | int | None:
    """Anonymous or not."""
    drafts = context.services.proposal_drafts
    return await _choose(
        update,
        context,
        lambda user_id, data: drafts.choose_anonymous(
            user_id=user_id, anonymous=bool(ANONYMOUS.one(data))
        ),
    )


async def btn_idea_edit(update: Update, context: Context) -> str | int | None:
    """Ask one question again from the preview."""
    drafts = context.services.proposal_drafts
    return await _choose(
        update,
        context,
        lambda user_id, data: drafts.edit(user_id=user_id, step=DraftStep(EDIT.one(data))),
    )


async def btn_idea_go_on(update: Update, context: Context) -> str | int | None:
    """Carry on with one's own proposal after seeing similar ones."""
    await render.answer(update)
    draft = await context.services.proposal_drafts.current(user_id=sender_id(update))
    return await ask(update, context, draft) if draft else await lost(update, context)


async def btn_idea_support_instead(update: Update, context: Context) -> int:
    """Support the similar proposal and drop one's own draft."""
    await render.answer(update)
    user_id, proposal_id = sender_id(update), SUPPORT_INSTEAD.one(data_of(update))
    try:
        supported = await context.services.proposal_peers.support(
            user_id=user_id, proposal_id=proposal_id
        )
    except (ProposalNotFound, PermissionDenied):
        await render.reply(update, context, context.t("proposals.gone"))
        return END
    await context.services.proposal_drafts.discard(user_id=user_id)
    await render.edit(
        update, context, context.t.plural("proposals.similar.supported", supported.count)
    )
    return END


async def btn_idea_submit(update: Update, context: Context) -> str | int | None:
    """Submit the draft; its number is shown only once it is safely stored."""
    await render.answer(update)
    drafts, user_id = context.services.proposal_drafts, sender_id(update)
    draft = await drafts.current(user_id=user_id)
    if draft is None or draft.id != SUBMIT.one(data_of(update)):
        return await lost(update, context)
    try:
        moved = await drafts.submit(user_id=user_id)
    except InvalidAnswer as error:
        await refuse(update, context, error)
        return None
    except DailyLimit as limit:
        await render.reply(update, context, context.t.plural("proposals.limit", limit.limit))
        return None
    await render.edit(update, context, preview(context.t, draft))
    lines: list[str] = [context.t("proposals.submitted", number=moved.number, title=moved.title)]
    if lead := moved.studio_lead:
        # The studio's leader is the one reviewer told of it: say when, never "told" at night.
        told = await heard(
            context, "proposals.submitted_studio", lead.user_id, studio=draft.studio or ""
        )
        lines += [told] if told else []
    await render.reply(update, context, "\n".join(lines), keyboards.main_menu(context.t))
    if lead:
        await tell(context, lead, "proposals.notify.studio", number=moved.number, title=moved.title)
    return END


async def btn_idea_discard(update: Update, context: Context) -> int:
    """Throw the draft away."""
    await render.answer(update)
    await context.services.proposal_drafts.discard(user_id=sender_id(update))
    await render.edit(update, context, context.t("proposals.discarded"))
    return END
