"""/announce: an admin composes an announcement step by step and sends or schedules it.

Text (Chinese, then English) → optional photo → preview → audience → urgent / must-read and
when (now, once at a time, or on a recurring day and time) → confirm. The draft and its step
live in the database, so a restart resumes the conversation where it was.
"""

from __future__ import annotations

from collections.abc import Awaitable

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
from bot.render import Button
from bot.services.broadcasts.announcements import DraftView, InvalidAnswer, Step
from bot.services.core import ADMINS
from handlers import flows, keyboards
from handlers.broadcasts import audience, screens
from handlers.broadcasts.reports import SHOW as SHOW_REPORT
from handlers.callbacks import either
from handlers.commands import Command
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import data_of, message_of, sender_id, text_of, user_of


@require_role(ADMINS, refused=ConversationHandler.END)
async def cmd_announce(update: Update, context: Context) -> str | int | None:
    """Start a new announcement (admins only)."""
    draft = await context.services.announcements.begin(admin_id=sender_id(update))
    return await screens.ask(update, context, draft)


async def _answered(update: Update, context: Context, answer: Awaitable[DraftView]) -> str | None:
    """Move on after an answer, or explain a bad one and ask the same question again."""
    try:
        draft = await answer
    except InvalidAnswer as exc:
        await render.reply(update, context, context.t(exc.key))
        current = await context.services.announcements.draft(admin_id=sender_id(update))
        if current is not None:
            await screens.ask(update, context, current, fresh=True)
        return None
    if draft.step != Step.AUDIENCE:
        return await screens.ask(update, context, draft)
    if update.callback_query:
        await render.edit(update, context, context.t("broadcasts.skipped"))
    await screens.preview(update, context, draft)
    return await screens.ask(update, context, draft, fresh=True)


@require_role(ADMINS)
async def msg_announce_text(update: Update, context: Context) -> str | None:
    """The Chinese text, or a photo with the text as its caption."""
    message, drafts = message_of(update), context.services.announcements
    photo = message.photo[-1].file_id if message.photo else None
    html = message.caption_html if photo else message.text_html
    return await _answered(
        update, context, drafts.write(admin_id=sender_id(update), html=html, photo_id=photo)
    )


@require_role(ADMINS)
async def msg_announce_english(update: Update, context: Context) -> str | None:
    """The English text."""
    drafts = context.services.announcements
    return await _answered(
        update,
        context,
        drafts.translate(admin_id=sender_id(update), html=message_of(update).text_html),
    )


@require_role(ADMINS)
async def msg_announce_photo(update: Update, context: Context) -> str | None:
    """The photo to send with the announcement."""
    drafts = context.services.announcements
    photo = message_of(update).photo[-1].file_id
    return await _answered(
        update, context, drafts.attach(admin_id=sender_id(update), photo_id=photo)
    )


@require_role(ADMINS)
async def btn_announce_skip(update: Update, context: Context) -> str | None:
    """Skip the English text (everyone reads Chinese) or the photo."""
    await render.answer(update)
    drafts, admin_id = context.services.announcements, sender_id(update)
    if screens.SKIP_ENGLISH.matches(data_of(update)):
        return await _answered(update, context, drafts.translate(admin_id=admin_id, html=None))
    return await _answered(update, context, drafts.attach(admin_id=admin_id, photo_id=None))


@require_role(ADMINS)
async def btn_announce_choose(update: Update, context: Context) -> str | None:
    """The option buttons: audience done, urgent / must-read, now / at a time / recurring."""
    data, admin_id = data_of(update), sender_id(update)
    drafts = context.services.announcements
    try:
        if audience.DONE.matches(data):
            draft = await drafts.audience_chosen(admin_id=admin_id)
        elif screens.FLAG.matches(data):
            draft = await drafts.flip(admin_id=admin_id, flag=screens.FLAG.one(data))
        elif screens.NOW.matches(data):
            draft = await drafts.send_now(admin_id=admin_id)
        elif screens.AT.matches(data):
            draft = await drafts.ask_time(admin_id=admin_id)
        elif screens.REPEAT.matches(data):
            await render.answer(update)
            return await screens.ask_days(update, context)
        else:
            draft = await drafts.repeat_on(admin_id=admin_id, days=screens.DAYS.one(data))
    except InvalidAnswer as exc:
        await render.answer(update, context.t(exc.key), alert=True)
        return None
    await render.answer(update)
    return await screens.ask(update, context, draft)


@require_role(ADMINS)
async def msg_announce_time(update: Update, context: Context) -> str | None:
    """The typed time: once at a moment, or the time of day of a recurring announcement."""
    drafts, admin_id, text = (
        context.services.announcements,
        sender_id(update),
        text_of(update),
    )
    current = await drafts.draft(admin_id=admin_id)
    if current is not None and current.step == Step.REPEAT:
        return await _answered(update, context, drafts.repeat_at(admin_id=admin_id, text=text))
    return await _answered(
        update,
        context,
        drafts.send_at(admin_id=admin_id, text=text, timezone=user_of(context).timezone),
    )


@require_role(ADMINS)
async def btn_announce_send(update: Update, context: Context) -> int | None:
    """Create the broadcast from the confirmed draft."""
    await render.answer(update)
    t, admin_id = context.t, sender_id(update)
    draft = await context.services.announcements.draft(admin_id=admin_id)
    try:
        broadcast_id = await context.services.announcements.submit(
            admin_id=admin_id, timezone=user_of(context).timezone
        )
    except InvalidAnswer as exc:
        await render.reply(update, context, t(exc.key))
        return ConversationHandler.END
    when = screens.describe_when(
        context, draft.send_at if draft else None, draft.cron if draft else None
    )
    key = "broadcasts.queued" if draft and (draft.send_at or draft.cron) else "broadcasts.sending"
    keyboard = render.inline([[Button(t("broadcasts.progress"), SHOW_REPORT.build(broadcast_id))]])
    await render.edit(update, context, t(key, id=broadcast_id, when=when), keyboard)
    return ConversationHandler.END


async def btn_announce_drop(update: Update, context: Context) -> int:
    """Throw the draft away."""
    await render.answer(update)
    await context.services.announcements.discard(admin_id=sender_id(update))
    await render.edit(update, context, context.t("broadcasts.dropped"))
    return ConversationHandler.END


async def cmd_cancel(update: Update, context: Context) -> int:
    """/cancel leaves the composer; the draft is dropped."""
    await context.services.announcements.discard(admin_id=sender_id(update))
    await render.reply(
        update, context, context.t("broadcasts.dropped"), keyboards.main_menu(context.t)
    )
    return ConversationHandler.END


async def msg_use_buttons(update: Update, context: Context) -> None:
    """Typed text where a button is expected."""
    await render.reply(update, context, context.t("broadcasts.use_buttons"))


async def msg_text_please(update: Update, context: Context) -> None:
    """Something other than text (or a photo) where text is expected."""
    await render.reply(update, context, context.t("broadcasts.text_please"))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /announce conversation (one per application: it keeps per-application state)."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    buttons = [
        *audience.picker_handlers(),
        CallbackQueryHandler(
            btn_announce_choose,
            pattern=either(
                audience.DONE, screens.FLAG, screens.NOW, screens.AT, screens.REPEAT, screens.DAYS
            ),
        ),
        CallbackQueryHandler(btn_announce_send, pattern=screens.SEND.pattern),
        CallbackQueryHandler(btn_announce_drop, pattern=screens.DROP.pattern),
        MessageHandler(text, msg_use_buttons),
    ]
    asking_time = [MessageHandler(text, msg_announce_time), *buttons]
    conversation = flows.conversation(
        entry_points=[CommandHandler("announce", cmd_announce)],
        states={
            Step.TEXT: [
                MessageHandler(text | filters.PHOTO, msg_announce_text),
                MessageHandler(other, msg_text_please),
            ],
            Step.ENGLISH: [
                MessageHandler(text, msg_announce_english),
                CallbackQueryHandler(btn_announce_skip, pattern=screens.SKIP_ENGLISH.pattern),
                MessageHandler(other, msg_text_please),
            ],
            Step.PHOTO: [
                MessageHandler(filters.PHOTO, msg_announce_photo),
                CallbackQueryHandler(btn_announce_skip, pattern=screens.SKIP_PHOTO.pattern),
                MessageHandler(other, msg_use_buttons),
            ],
            Step.AUDIENCE: buttons,
            Step.OPTIONS: buttons,
            Step.AT: asking_time,
            Step.REPEAT: asking_time,
            Step.CONFIRM: buttons,
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="announce",
        stop=cmd_cancel,
    )
    return [conversation, flows.passed(screens.SKIP_ENGLISH, screens.SKIP_PHOTO)]


COMMANDS = [Command("announce", "broadcasts.announce_command", roles=ADMINS)]


FEATURE = Feature(handlers, commands=COMMANDS)
