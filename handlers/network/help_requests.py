"""/ask and /rural: describe a problem, pick a field, say where; then experts are offered it.

The draft (and the step it is on) is the help request's own row, so a restart mid-question
resumes where the requester was. What happens to the request next is in
``handlers.network.help_offers``.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
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
from bot.i18n import Translator
from bot.models.network import Speciality
from bot.render import Button
from bot.services.network.help_drafts import DraftError
from bot.services.network.help_requests import RequestView
from handlers import flows, keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.network import help_offers
from handlers.network.experts import ASK_TO
from handlers.network.media import content_of
from handlers.parts import data_of, message_of, sender_id, text_of

DONE = Callback("ask", "done")
STOP = Callback("ask", "stop")
FIELD = Callback("ask", "field", str, int)  # the field, the request it is for
HERE = Callback("ask", "here", int)  # the request; an older request's buttons act on nothing
SKIP = Callback("ask", "skip", int)
STATES = {"describe": "ask_describe", "field": "ask_field", "region": "ask_region"}
MEDIA = filters.PHOTO | filters.VOICE | filters.Document.ALL


def _describe_keyboard(t: Translator) -> InlineKeyboardMarkup | None:
    return render.inline(
        [[Button(t("network.help.done"), DONE.build()), Button(t("common.cancel"), STOP.build())]]
    )


async def _begin(
    update: Update, context: Context, *, rural: bool = False, expert: int | None = None
) -> str:
    t = context.t
    draft = await context.services.network.help_drafts.start(
        user_id=sender_id(update), rural=rural, preferred_profile_id=expert
    )
    key = "network.help.describe_rural" if draft.rural else "network.help.describe"
    text: str = t(key)
    if expert is not None:
        name = await context.services.network.help_drafts.chosen_expert(user_id=sender_id(update))
        if name is not None:
            text = t("network.help.to_expert", name=name or t("network.help.this_expert"))
            text += "\n\n" + t(key)
    await render.reply(update, context, text, _describe_keyboard(t))
    return STATES["describe"]


async def cmd_ask(update: Update, context: Context) -> str:
    """Start a help request."""
    return await _begin(update, context)


async def cmd_rural(update: Update, context: Context) -> str:
    """Start a rural guidance request: same flow, the place weighs most."""
    return await _begin(update, context, rural=True)


async def btn_ask_to(update: Update, context: Context) -> str | None:
    """Start a request offered first to the expert whose card was pressed."""
    profile_id = ASK_TO.one(data_of(update))
    try:
        state = await _begin(update, context, expert=profile_id)
    except DraftError as exc:
        await render.answer(update, context.t(f"network.help.error_{exc}"), alert=True)
        return None
    await render.answer(update)
    return state


async def msg_ask_describe(update: Update, context: Context) -> None:
    """Add the text, photo or voice message to the description."""
    t = context.t
    kind, text, file_id = content_of(message_of(update))
    try:
        draft = await context.services.network.help_drafts.describe(
            user_id=sender_id(update),
            text=text,
            kind=kind if file_id else None,
            file_id=file_id,
        )
    except DraftError as exc:
        await render.reply(update, context, t(f"network.help.error_{exc}"), _describe_keyboard(t))
        return
    counts = t(
        "network.help.received",
        chars=t.plural("common.count.characters", len(draft.text or "")),
        files=t.plural("common.count.attachments", len(draft.media)),
    )
    await render.reply(update, context, counts, _describe_keyboard(t))


async def btn_ask_done(update: Update, context: Context) -> str | None:
    """Close the description; ask the field (or, for rural guidance, the place)."""
    await render.answer(update)
    try:
        draft = await context.services.network.help_drafts.described(user_id=sender_id(update))
    except DraftError:
        await render.reply(
            update, context, context.t("network.help.error_empty"), _describe_keyboard(context.t)
        )
        return None
    return await _next_question(update, context, draft)


async def _current(update: Update, context: Context, request_id: int) -> bool:
    """Whether the pressed button belongs to the request being written (else: step passed)."""
    draft = await context.services.network.help_drafts.draft_of(user_id=sender_id(update))
    if draft is not None and draft.id == request_id:
        return True
    await flows.step_passed(update, context)
    return False


def _field_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup | None:
    rows = keyboards.grid(
        list(Speciality),
        lambda f: Button(t(f"network.field.{f}"), FIELD.build(f.value, request_id)),
        3,
    )
    return render.inline(rows)


async def _next_question(update: Update, context: Context, draft: RequestView) -> str:
    t = context.t
    if draft.step == "field":
        await render.edit(
            update, context, t("network.help.pick_field"), _field_keyboard(t, draft.id)
        )
        return STATES["field"]
    await render.edit(update, context, t("network.help.described"))
    return await _ask_where(update, context, draft.id)


async def _ask_where(update: Update, context: Context, request_id: int) -> str:
    t = context.t
    home = await context.services.network.help_drafts.home_region(user_id=sender_id(update))
    here = Button(t("network.help.here", region=home), HERE.build(request_id))
    keyboard = render.inline(
        [[*([here] if home else []), Button(t("common.skip"), SKIP.build(request_id))]]
    )
    await render.reply(update, context, t("network.help.where"), keyboard)
    return STATES["region"]


async def btn_ask_field(update: Update, context: Context) -> str | None:
    """Record the field and ask where the requester is."""
    field, request_id = FIELD.parse(data_of(update))
    if not await _current(update, context, request_id):
        return None
    await render.answer(update)
    try:
        draft = await context.services.network.help_drafts.choose_field(
            user_id=sender_id(update), field=field
        )
    except DraftError:
        return None
    await render.edit(
        update,
        context,
        context.t("network.help.field_chosen", field=context.t(f"network.field.{draft.field}")),
    )
    return await _ask_where(update, context, draft.id)


async def msg_ask_pick_please(update: Update, context: Context) -> None:
    """Typed text where a field button is expected: show the fields again."""
    t = context.t
    draft = await context.services.network.help_drafts.draft_of(user_id=sender_id(update))
    keyboard = _field_keyboard(t, draft.id if draft else 0)
    await render.reply(update, context, t("network.help.pick_field"), keyboard)


async def msg_ask_region(update: Update, context: Context) -> int | None:
    """The typed place: submit."""
    return await _submit(update, context, text_of(update))


async def btn_ask_here(update: Update, context: Context) -> int | None:
    """The enterprise's place: submit."""
    if not await _current(update, context, HERE.one(data_of(update))):
        return None
    await render.answer(update)
    home = await context.services.network.help_drafts.home_region(user_id=sender_id(update))
    return await _submit(update, context, home)


async def btn_ask_skip(update: Update, context: Context) -> int | None:
    """No place given: submit."""
    if not await _current(update, context, SKIP.one(data_of(update))):
        return None
    await render.answer(update)
    return await _submit(update, context, None)


async def _submit(update: Update, context: Context, region: str | None) -> int | None:
    t = context.t
    try:
        offered = await context.services.network.help_drafts.submit(
            user_id=sender_id(update), region=region
        )
    except DraftError as exc:
        await render.reply(update, context, t(f"network.help.error_{exc}"))
        return None
    delivered = await help_offers.deliver(context, offered)
    if offered.no_expert:
        chosen = offered.request.field
        field = t(f"network.field.{chosen}") if chosen else "—"
        key = "network.help.no_expert_staff" if delivered else "network.help.no_expert"
        await render.reply(update, context, t(key, number=offered.request.id, field=field))
        return ConversationHandler.END
    if delivered and not offered.to_admins:
        key = "network.help.sent"
    else:
        key = "network.help.sent_staff" if delivered else "network.help.waiting"
    await render.reply(update, context, t.plural(key, delivered, number=offered.request.id))
    return ConversationHandler.END


async def cmd_ask_cancel(update: Update, context: Context) -> int:
    """Throw the draft away."""
    await context.services.network.help_drafts.abandon(user_id=sender_id(update))
    await render.reply(update, context, context.t("network.help.cancelled"))
    return ConversationHandler.END


async def btn_ask_stop(update: Update, context: Context) -> int:
    """The cancel button under the description."""
    await render.answer(update)
    return await cmd_ask_cancel(update, context)


COMMANDS = [Command("ask", "network.help.command"), Command("rural", "network.help.rural_command")]
ON_START = [help_offers.register_jobs]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The request conversation, then the answers to offers."""
    conversation = flows.conversation(
        entry_points=[
            CommandHandler("ask", cmd_ask),
            CommandHandler("rural", cmd_rural),
            CallbackQueryHandler(btn_ask_to, pattern=ASK_TO.pattern),
        ],
        states={
            STATES["describe"]: [
                MessageHandler((filters.TEXT & ~filters.COMMAND) | MEDIA, msg_ask_describe),
                CallbackQueryHandler(btn_ask_done, pattern=DONE.pattern),
            ],
            STATES["field"]: [
                CallbackQueryHandler(btn_ask_field, pattern=FIELD.pattern),
                MessageHandler(filters.TEXT & ~filters.COMMAND, msg_ask_pick_please),
            ],
            STATES["region"]: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, msg_ask_region),
                CallbackQueryHandler(btn_ask_here, pattern=HERE.pattern),
                CallbackQueryHandler(btn_ask_skip, pattern=SKIP.pattern),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cmd_ask_cancel),
            CallbackQueryHandler(btn_ask_stop, pattern=STOP.pattern),
        ],
        name="asks",
        stop=cmd_ask_cancel,
    )
    return [conversation, flows.passed(DONE, STOP, FIELD, HERE, SKIP), *help_offers.handlers()]


FEATURE = Feature(handlers, commands=COMMANDS, on_start=ON_START)
