"""Typed answers about a proposal: the reply to "needs info", a reviewer's reason, a comment.

A flow of its own: pressing the button stores what the next message will be (see
``ProposalPromptService``) and moves the presser to the step that waits for it, so the answer
lands in the right place whichever worker takes it. Accepting is confirmed the same way: the
reviewer types a comment for the author, or presses "accept without comment". Pressing any
other button, a menu button or a command leaves the flow: nothing is decided.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import render
from bot.context import Context
from bot.models.proposals import MediaKind, ProposalStatus
from bot.render import Button
from bot.services.core import PermissionDenied
from bot.services.proposals.answers import InvalidAnswer
from bot.services.proposals.prompts import STATES, TARGET, PromptKind
from bot.services.proposals.rules import (
    CommentRequired,
    Conflict,
    IllegalTransition,
    Moved,
    NewMedia,
    OwnProposal,
    ProposalNotFound,
)
from handlers import flows, keyboards
from handlers.callbacks import Callback
from handlers.commands import menu_buttons
from handlers.features import Feature
from handlers.parts import (
    MissingPart,
    data_of,
    message_of,
    sender_id,
    sender_of,
    text_of,
)
from handlers.proposals.buttons import (
    ACCEPT,
    ACCEPT_NOW,
    COMMENT,
    NEEDS_INFO,
    PROMPT_CANCEL,
    REJECT,
    REPLY,
)
from handlers.proposals.cards import plain, status
from handlers.proposals.notify import announce, heard, tell
from handlers.proposals.review import show_queue
from handlers.proposals.review_access import pressed

END = ConversationHandler.END
MEDIA = filters.PHOTO | filters.VOICE | filters.Document.ALL
STARTS: dict[PromptKind, Callback] = {
    PromptKind.ACCEPT: ACCEPT,
    PromptKind.REJECT: REJECT,
    PromptKind.NEEDS_INFO: NEEDS_INFO,
    PromptKind.REPLY: REPLY,
    PromptKind.COMMENT: COMMENT,
}


async def _start(update: Update, context: Context, kind: PromptKind) -> str | None:
    t, user_id = context.t, sender_id(update)
    try:
        proposal_id = STARTS[kind].one(data_of(update))
        about = await context.services.proposal_prompts.ask(
            user_id=user_id, proposal_id=proposal_id, kind=kind
        )
    except PermissionDenied:
        await render.answer(update, t("errors.not_allowed"), alert=True)
        return None
    except IllegalTransition as moved:
        await render.answer(
            update, t("proposals.already", status=status(t, moved.current)), alert=True
        )
        return None
    except ProposalNotFound:
        await render.answer(update, t("proposals.gone"), alert=True)
        return None
    await render.answer(update)
    row = [Button(plain(t("common.cancel")), PROMPT_CANCEL.build())]
    if kind == PromptKind.ACCEPT:
        accept = Button(plain(t("proposals.review.accept_now")), ACCEPT_NOW.build(proposal_id))
        row.insert(0, accept)
    await render.reply(
        update,
        context,
        t(f"proposals.prompt.{kind.value}", number=about.number, title=about.title),
        render.inline([row]),
    )
    return kind.state


async def btn_review_accept(update: Update, context: Context) -> str | None:
    """Ask the reviewer to confirm, with a comment for the author or without one."""
    return await _start(update, context, PromptKind.ACCEPT)


async def told(context: Context, key: str, moved: Moved) -> str:
    """``key``'s message, or its variant saying the author hears of it later or not at all.

    Their push settings decide: quiet hours or a digest hold the news (``_later``, with the
    moment in the reviewer's time), proposal pushes turned off drop it (``_off``).
    """
    values = {"number": moved.number, "title": moved.title}
    said = await heard(context, key, moved.author.user_id, **values)
    return said if said is not None else context.t(f"{key}_off", **values)


async def _accepted(update: Update, context: Context, moved: Moved, *, edit: bool) -> None:
    """Say it is done, tell the author and supporters, and show the next proposal waiting."""
    text = await told(context, "proposals.review.done_accepted", moved)
    await (render.edit if edit else render.reply)(update, context, text)
    await announce(context, moved)
    await show_queue(update, context)


async def btn_review_accept_now(update: Update, context: Context) -> int | None:
    """Accept without a comment (the confirmation's button); the author hears of it."""
    args = await pressed(update, context, ACCEPT_NOW)
    if not args:
        return None
    t, user_id = context.t, sender_id(update)
    await context.services.proposal_prompts.clear(user_id=user_id)
    try:
        moved = await context.services.proposals.move(
            proposal_id=args[0], actor_id=user_id, to=ProposalStatus.ACCEPTED
        )
    except (Conflict, IllegalTransition) as error:
        now = error.status if isinstance(error, Conflict) else error.current
        await render.edit(update, context, t("proposals.already", status=status(t, now)))
        return END
    except OwnProposal:
        await render.edit(update, context, t("proposals.review.own"))
        return END
    except PermissionDenied:
        await render.edit(update, context, t("errors.not_allowed"))
        return END
    except ProposalNotFound:
        await render.edit(update, context, t("proposals.gone"))
        return END
    await _accepted(update, context, moved, edit=True)
    return END


async def btn_review_reject(update: Update, context: Context) -> str | None:
    """Ask the reviewer why the proposal is rejected (the author will read it)."""
    return await _start(update, context, PromptKind.REJECT)


async def btn_review_needs_info(update: Update, context: Context) -> str | None:
    """Ask the reviewer what the author should add."""
    return await _start(update, context, PromptKind.NEEDS_INFO)


async def btn_idea_reply(update: Update, context: Context) -> str | None:
    """Ask the author for the information a reviewer wanted."""
    return await _start(update, context, PromptKind.REPLY)


async def btn_browse_comment(update: Update, context: Context) -> str | None:
    """Ask a colleague for their comment."""
    return await _start(update, context, PromptKind.COMMENT)


async def _deliver(
    update: Update,
    context: Context,
    proposal_id: int,
    kind: PromptKind,
    text: str | None,
    media: list[NewMedia],
) -> None:
    services, user_id, t = context.services, sender_id(update), context.t
    if kind == PromptKind.COMMENT:
        done = await services.proposal_peers.comment(
            user_id=user_id, proposal_id=proposal_id, text=text
        )
        if done.author:
            await tell(
                context,
                done.author,
                "proposals.notify.comment",
                number=done.number,
                title=done.title,
                name=sender_of(update).full_name,
                text=done.text,
            )
        await render.reply(update, context, t("proposals.comment.saved", number=done.number))
        return
    if kind == PromptKind.ACCEPT:
        moved = await services.proposals.move(
            proposal_id=proposal_id, actor_id=user_id, to=TARGET[kind], comment=text
        )
        await _accepted(update, context, moved, edit=False)
        return
    if kind == PromptKind.REPLY:
        moved = await services.proposals.reply(
            proposal_id=proposal_id, user_id=user_id, text=text, media=media
        )
    else:
        moved = await services.proposals.move(
            proposal_id=proposal_id, actor_id=user_id, to=TARGET[kind], comment=text
        )
    key = f"proposals.prompt.done_{kind.value}"
    if kind == PromptKind.REPLY:  # a reviewer hears of the author's reply
        text = t(key, number=moved.number)
    else:
        text = await told(context, key, moved)
    await render.reply(update, context, text)
    await announce(context, moved)


async def _answer(
    update: Update, context: Context, text: str | None, media: list[NewMedia]
) -> int | None:
    prompts, user_id, t = context.services.proposal_prompts, sender_id(update), context.t
    pending = await prompts.pending(user_id=user_id)
    if pending is None:
        return END
    proposal_id, kind = pending
    try:
        await _deliver(update, context, proposal_id, kind, text, media)
    except (InvalidAnswer, CommentRequired) as error:
        reason = error.reason if isinstance(error, InvalidAnswer) else "empty"
        await render.reply(
            update, context, t.plural(f"proposals.invalid.{reason}", getattr(error, "limit", 0))
        )
        return None
    except (Conflict, IllegalTransition) as error:
        now = error.status if isinstance(error, Conflict) else error.current
        await render.reply(update, context, t("proposals.already", status=status(t, now)))
    except PermissionDenied:
        await render.reply(update, context, t("errors.not_allowed"))
    except ProposalNotFound:
        await render.reply(update, context, t("proposals.gone"))
    await prompts.clear(user_id=user_id)
    return END


async def msg_prompt_text(update: Update, context: Context) -> int | None:
    """The typed answer the person owed."""
    return await _answer(update, context, text_of(update), [])


async def msg_prompt_media(update: Update, context: Context) -> int | None:
    """A photo, voice note or document: the author's reply may carry one; other answers are text."""
    pending = await context.services.proposal_prompts.pending(user_id=sender_id(update))
    message = message_of(update)
    if pending is not None and pending[1] != PromptKind.REPLY:
        await render.reply(update, context, context.t("proposals.invalid.text_expected"))
        return None
    if message.photo:
        media = NewMedia(
            MediaKind.PHOTO, message.photo[-1].file_id, message.photo[-1].file_unique_id
        )
    elif message.voice:
        media = NewMedia(MediaKind.VOICE, message.voice.file_id, message.voice.file_unique_id)
    else:
        doc = message.document
        if doc is None:
            raise MissingPart("no photo, voice note or document")
        media = NewMedia(
            MediaKind.DOCUMENT, doc.file_id, doc.file_unique_id, (doc.file_name or "")[:128] or None
        )
    return await _answer(update, context, message.caption, [media])


async def msg_prompt_other(update: Update, context: Context) -> None:
    """A sticker or anything else: the answer is still owed."""
    await render.reply(update, context, context.t("proposals.invalid.text_expected"))


async def btn_prompt_cancel(update: Update, context: Context) -> int:
    """Never mind: nothing is sent."""
    await render.answer(update)
    await context.services.proposal_prompts.clear(user_id=sender_id(update))
    await render.edit(update, context, context.t("proposals.prompt.cancelled"))
    return END


async def cmd_prompt_cancel(update: Update, context: Context) -> int:
    """Leave the owed answer: nothing is sent and nothing decided."""
    await context.services.proposal_prompts.clear(user_id=sender_id(update))
    t = context.t
    await render.reply(update, context, t("proposals.prompt.dropped"), keyboards.main_menu(t))
    return END


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The flow of owed answers: started by a button, ended by the answer or by leaving."""
    menu = menu_buttons()
    waiting: list[BaseHandler] = [  # type: ignore[type-arg]
        CallbackQueryHandler(btn_prompt_cancel, pattern=PROMPT_CANCEL.pattern),
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~menu, msg_prompt_text),
        MessageHandler(MEDIA, msg_prompt_media),
        MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL & ~menu, msg_prompt_other),
    ]
    conversation = flows.conversation(
        entry_points=[
            CallbackQueryHandler(btn_review_accept, pattern=ACCEPT.pattern),
            CallbackQueryHandler(btn_review_accept_now, pattern=ACCEPT_NOW.pattern),
            CallbackQueryHandler(btn_review_reject, pattern=REJECT.pattern),
            CallbackQueryHandler(btn_review_needs_info, pattern=NEEDS_INFO.pattern),
            CallbackQueryHandler(btn_idea_reply, pattern=REPLY.pattern),
            CallbackQueryHandler(btn_browse_comment, pattern=COMMENT.pattern),
        ],
        states=dict.fromkeys(STATES, waiting),
        fallbacks=[CommandHandler("cancel", cmd_prompt_cancel)],
        name="prompts",
        stop=cmd_prompt_cancel,
        left_by_buttons=STATES,
    )
    return [conversation]


FEATURE = Feature(handlers)
