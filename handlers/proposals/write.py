"""/idea: write an innovation proposal in short steps, from the menu, a command or a QR code.

The flow's step is the draft's ``step``, stored with each answer. The typed answers people owe
about proposals (a reviewer's comment, the author's reply) are a flow of their own
(``handlers.proposals.prompts``); asking one pauses the draft.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import render
from bot.context import Context
from bot.render import Button
from bot.services.proposals.rules import DailyLimit, ProposalNotFound
from bot.services.proposals.steps import STATES as DRAFT_STATES
from bot.services.proposals.steps import DraftView
from handlers import deeplinks, flows, keyboards
from handlers.callbacks import Callback, either
from handlers.commands import Command, MenuButton, menu_buttons
from handlers.features import Feature
from handlers.parts import data_of, sender_id
from handlers.proposals import choices, steps
from handlers.proposals.buttons import (
    ANONYMOUS,
    BENEFIT,
    CONTINUE,
    CONTINUE_AT,
    DISCARD,
    EDIT,
    GO_ON,
    NEW,
    NEW_AT,
    SKIP,
    SKIP_AT,
    STUDIO,
    SUBMIT,
    SUPPORT_INSTEAD,
)
from handlers.proposals.cards import plain
from handlers.proposals.steps import END, ask, intro, lost

PREFIX = "idea_"
PLACE_MAX = 48
OTHER_MENUS = menu_buttons(but="menu.idea")


def _place(payload: str | None) -> str | None:
    return (payload or "").removeprefix(PREFIX)[:PLACE_MAX] or None


def _place_in(scheme: Callback, data: str | None) -> str | None:
    """The place a button carries (``None`` for its variant without one)."""
    return str(scheme.one(data))[:PLACE_MAX] if scheme.matches(data) else None


def _intro(context: Context, draft: DraftView) -> str:
    return intro(context, draft.questions, draft.place)


async def _offer(update: Update, context: Context, draft: DraftView, place: str | None) -> int:
    t = context.t
    keep = CONTINUE_AT.build(place) if place else CONTINUE.build()
    fresh = NEW_AT.build(place) if place else NEW.build()
    keyboard = render.inline(
        [
            [
                Button(plain(t("proposals.offer.continue")), keep),
                Button(plain(t("proposals.offer.new")), fresh),
            ]
        ]
    )
    await render.reply(
        update, context, t("proposals.offer.text", title=draft.title or ""), keyboard
    )
    return END


async def _begin(update: Update, context: Context, place: str | None) -> str | int:
    drafts, user_id = context.services.proposal_drafts, sender_id(update)
    draft = await drafts.current(user_id=user_id)
    if draft is not None and draft.title:
        await drafts.pause(user_id=user_id)
        return await _offer(update, context, draft, place)
    try:
        if draft is None:
            draft = await drafts.start(user_id=user_id, place=place)
        else:
            draft = await drafts.resume(user_id=user_id, place=place)
    except DailyLimit as limit:
        await render.reply(update, context, context.t.plural("proposals.limit", limit.limit))
        return END
    return await ask(update, context, draft, intro=_intro(context, draft))


async def cmd_idea(update: Update, context: Context) -> str | int:
    """Start a proposal, or offer to continue the unfinished one."""
    return await _begin(update, context, None)


async def cmd_start_idea(update: Update, context: Context) -> str | int:
    """A scanned place QR code: start a proposal with the place filled in."""
    return await _begin(update, context, _place(context.args[0] if context.args else None))


async def deep_idea(update: Update, context: Context, place: str) -> None:
    """The same link when another flow took ``/start`` first: one tap starts the proposal."""
    place = place[:PLACE_MAX]
    button = Button(
        plain(context.t("proposals.offer.start")), NEW_AT.build(place) if place else NEW.build()
    )
    text: str
    if place:
        text = context.t("proposals.offer.place", place=place)
    else:
        text = intro(context, await context.services.proposal_drafts.questions())
    await render.reply(update, context, text, render.inline([[button]]))


async def btn_idea_continue(update: Update, context: Context) -> str | int:
    """Continue the unfinished draft where it stopped."""
    await render.answer(update)
    place = _place_in(CONTINUE_AT, data_of(update))
    try:
        draft = await context.services.proposal_drafts.resume(
            user_id=sender_id(update), place=place
        )
    except ProposalNotFound:
        return await lost(update, context)
    return await ask(update, context, draft)


async def btn_idea_new(update: Update, context: Context) -> str | int:
    """Drop the unfinished draft and start again."""
    await render.answer(update)
    place = _place_in(NEW_AT, data_of(update))
    try:
        draft = await context.services.proposal_drafts.start(user_id=sender_id(update), place=place)
    except DailyLimit as limit:
        await render.reply(update, context, context.t.plural("proposals.limit", limit.limit))
        return END
    return await ask(update, context, draft, intro=_intro(context, draft))


async def cmd_cancel(update: Update, context: Context) -> int:
    """Stop here: the draft is kept for /idea."""
    kept = await context.services.proposal_drafts.pause(user_id=sender_id(update))
    key = "proposals.cancelled_kept" if kept else "proposals.cancelled"
    await render.reply(update, context, context.t(key), keyboards.main_menu(context.t))
    return END


def _draft_handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CallbackQueryHandler(choices.btn_idea_benefit, pattern=BENEFIT.pattern),
        CallbackQueryHandler(choices.btn_idea_skip, pattern=either(SKIP, SKIP_AT)),
        CallbackQueryHandler(choices.btn_idea_studio, pattern=STUDIO.pattern),
        CallbackQueryHandler(choices.btn_idea_anonymous, pattern=ANONYMOUS.pattern),
        CallbackQueryHandler(choices.btn_idea_edit, pattern=EDIT.pattern),
        CallbackQueryHandler(choices.btn_idea_submit, pattern=SUBMIT.pattern),
        CallbackQueryHandler(choices.btn_idea_discard, pattern=DISCARD.pattern),
        CallbackQueryHandler(choices.btn_idea_support_instead, pattern=SUPPORT_INSTEAD.pattern),
        CallbackQueryHandler(choices.btn_idea_go_on, pattern=GO_ON.pattern),
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~OTHER_MENUS, steps.msg_idea_text),
        MessageHandler(filters.PHOTO, steps.msg_idea_photo),
        MessageHandler(filters.VOICE, steps.msg_idea_voice),
        MessageHandler(filters.Document.ALL, steps.msg_idea_document),
        MessageHandler(
            ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~OTHER_MENUS, steps.msg_idea_other
        ),
    ]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """A fresh conversation per application (it keeps per-application state)."""
    draft = _draft_handlers()
    conversation = flows.conversation(
        entry_points=[
            CommandHandler("idea", cmd_idea, filters=filters.ChatType.PRIVATE),
            MessageHandler(MenuButton("menu.idea"), cmd_idea),
            CommandHandler(
                "start", cmd_start_idea, filters=filters.Regex(deeplinks.payload_filter(PREFIX))
            ),
            CallbackQueryHandler(btn_idea_continue, pattern=either(CONTINUE, CONTINUE_AT)),
            CallbackQueryHandler(btn_idea_new, pattern=either(NEW, NEW_AT)),
        ],
        states=dict.fromkeys(DRAFT_STATES, draft),
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="ideas",
        stop=cmd_cancel,
    )
    return [conversation, flows.passed(SKIP, SKIP_AT, BENEFIT, STUDIO, ANONYMOUS, EDIT)]


COMMANDS = [Command("idea", "proposals.command.idea")]
DEEP_LINKS = {PREFIX: deep_idea}


FEATURE = Feature(handlers, commands=COMMANDS, deep_links=DEEP_LINKS)
