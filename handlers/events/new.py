"""/event_new: an organiser creates an event one question at a time, previews it and publishes.

Every answer is saved on the draft with the next step (see ``bot.services.events.drafts``), so
the conversation resumes at the right question after a restart. Publishing announces the
event to its audience with Going / Maybe / Not going buttons.
"""

from __future__ import annotations

import math

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
from bot.i18n import Html, Translator
from bot.models.users import Role
from bot.render import Button
from bot.services.broadcasts import Audience
from bot.services.core import ADMINS
from bot.services.events.drafts import SKIPPABLE, DraftStep, DraftView, InvalidAnswer, NoDraft
from bot.services.events.views import InvalidEvent
from bot.text.timeparse import TimeParseError
from handlers import flows, keyboards
from handlers.broadcasts import audience
from handlers.callbacks import Callback, either
from handlers.commands import Command, menu_buttons
from handlers.events.cards import announce, card_text
from handlers.features import Feature
from handlers.guards import require_role
from handlers.parts import data_of, sender_id, text_of, user_of

SKIP = Callback("evd", "skip")  # from before skip buttons named their question
SKIP_AT = Callback("evd", "skip", str)
EVERYONE = Callback("evd", "all")
ENTERPRISE = Callback("evd", "ent", int, int)
PAGE = Callback("evd", "page", int)
ROLE = Callback("evd", "role", str)
DONE = Callback("evd", "done")
PUBLISH = Callback("evd", "pub")
DROP = Callback("evd", "drop")
ROLES = (Role.MODEL_WORKER, Role.CRAFTSMAN, Role.REVIEWER)
PAGE_SIZE = 6
STATES = [step.value for step in DraftStep]


def _mark(t: Translator, chosen: bool, label: str) -> str:
    return t("events.new.chosen", label=label) if chosen else label


async def _audience_keyboard(
    context: Context, chosen: Audience, page: int
) -> InlineKeyboardMarkup | None:
    t = context.t
    found, total = await context.services.broadcasts.audience.enterprises(
        offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    picked = set(chosen.enterprise_ids)
    rows = keyboards.grid(
        found,
        lambda c: Button(
            _mark(t, int(c.value) in picked, c.label), ENTERPRISE.build(c.value, page)
        ),
    )
    roles = [
        Button(_mark(t, r.value in chosen.roles, t(f"role.{r.value}")), ROLE.build(r.value))
        for r in ROLES
    ]
    return render.inline(
        [
            [Button(_mark(t, chosen.everyone, t("events.new.everyone")), EVERYONE.build())],
            *rows,
            keyboards.pager(t, PAGE, page, math.ceil(total / PAGE_SIZE)),
            roles,
            [Button(t("events.new.next"), DONE.build())],
        ]
    )


async def ask(update: Update, context: Context, draft: DraftView, *, page: int = 0) -> str:
    """Ask the question of the draft's step (the audience picker, or the preview at the end)."""
    t, user = context.t, user_of(context)
    step = draft.step
    if step == DraftStep.AUDIENCE:
        reach = await context.services.broadcasts.audience.count(draft.event.audience)
        chosen = await audience.describe(context, draft.event.audience)
        people = t.plural("common.count.people", reach)
        text = t("events.new.ask_audience", chosen=chosen, people=people)
        keyboard = await _audience_keyboard(context, draft.event.audience, page)
        await (render.edit if update.callback_query else render.reply)(
            update, context, text, keyboard
        )
        return step.value
    if step == DraftStep.PREVIEW:
        chosen = await audience.describe(context, draft.event.audience)
        text = t(
            "events.new.preview",
            card=Html(card_text(t, draft.event, user.timezone)),
            audience=chosen,
        )
        keyboard = render.inline(
            [
                [
                    Button(t("events.new.publish"), PUBLISH.build()),
                    Button(t("events.new.drop"), DROP.build()),
                ]
            ]
        )
        await render.reply(update, context, text, keyboard)
        return step.value
    keyboard = (
        keyboards.single(Button(t("common.skip"), SKIP_AT.build(step.value)))
        if step in SKIPPABLE
        else None
    )
    number = list(DraftStep).index(step) + 1
    await render.reply(update, context, t(f"events.new.ask_{step.value}", step=number), keyboard)
    return step.value


@require_role(ADMINS, refused=ConversationHandler.END)
async def cmd_event_new(update: Update, context: Context) -> str | None:
    """Start a new event draft (organisers only)."""
    draft = await context.services.event_drafts.begin(user_id=sender_id(update))
    await render.reply(update, context, context.t("events.new.intro"))
    return await ask(update, context, draft)


async def msg_event_new_answer(update: Update, context: Context) -> str | None:
    """A typed answer; a bad one is explained and the question stays."""
    t, user = context.t, user_of(context)
    drafts = context.services.event_drafts
    try:
        draft = await drafts.answer(user_id=user.id, text=text_of(update), timezone=user.timezone)
    except NoDraft:
        await render.reply(update, context, t("events.new.no_draft"))
        return ConversationHandler.END  # type: ignore[return-value]
    except InvalidAnswer as error:
        await render.reply(update, context, t(f"events.new.invalid_{error.problem}"))
        return None
    except TimeParseError as error:
        await render.reply(update, context, t(f"events.new.time_{error.problem.value}"))
        return None
    return await ask(update, context, draft)


@require_role(ADMINS)
async def _draft_gone(update: Update, context: Context) -> str:
    """A button of a draft that no longer exists (published, cancelled): say so and end."""
    await render.answer(update)
    await render.reply(update, context, context.t("events.new.no_draft"))
    return ConversationHandler.END  # type: ignore[return-value]


async def btn_event_new_skip(update: Update, context: Context) -> str | None:
    """Skip the question the button was under, if it is still the one being asked."""
    data = data_of(update)
    step = SKIP_AT.one(data) if SKIP_AT.matches(data) else None
    try:
        draft = await context.services.event_drafts.skip(user_id=sender_id(update), step=step)
    except InvalidAnswer:
        await flows.step_passed(update, context)
        return None
    except NoDraft:
        return await _draft_gone(update, context)
    await render.answer(update)
    return await ask(update, context, draft)


@require_role(ADMINS)
async def btn_event_new(update: Update, context: Context) -> str | None:
    """The audience picker's buttons, and moving on to the preview."""
    data, user_id = data_of(update), sender_id(update)
    drafts = context.services.event_drafts
    page = 0
    try:
        if DONE.matches(data):
            draft = await drafts.audience_done(user_id=user_id)
        elif EVERYONE.matches(data):
            draft = await drafts.everyone(user_id=user_id)
        elif ENTERPRISE.matches(data):
            enterprise_id, page = ENTERPRISE.parse(data)
            draft = await drafts.toggle(
                user_id=user_id, kind="enterprise", value=str(enterprise_id)
            )
        elif ROLE.matches(data):
            draft = await drafts.toggle(user_id=user_id, kind="role", value=ROLE.one(data))
        else:
            page = max(PAGE.one(data), 0)
            current = await drafts.current(user_id=user_id)
            if current is None:
                raise NoDraft(user_id)
            draft = current
            if draft.step != DraftStep.AUDIENCE:
                raise InvalidAnswer("buttons")
    except InvalidAnswer:
        await flows.step_passed(update, context)
        return None
    except NoDraft:
        return await _draft_gone(update, context)
    await render.answer(update)
    return await ask(update, context, draft, page=page)


@require_role(ADMINS)
async def btn_event_new_publish(update: Update, context: Context) -> str | int | None:
    """Publish the previewed event and announce it to its audience."""
    await render.answer(update)
    t, user_id = context.t, sender_id(update)
    try:
        event = await context.services.event_drafts.publish(user_id=user_id)
    except NoDraft:
        await render.edit(update, context, t("events.new.no_draft"))
        return ConversationHandler.END
    except InvalidEvent as error:
        await render.reply(update, context, t(f"events.new.invalid_{error.field}"))
        return None
    broadcast_id = await announce(context.services, event, created_by=user_id)
    reach = await context.services.broadcasts.audience.count(event.audience)
    people = t.plural("common.count.people", reach)
    text = t("events.new.published", title=event.title, people=people)
    await render.edit(update, context, text + await _held(context, broadcast_id))
    return ConversationHandler.END


async def _held(context: Context, broadcast_id: int) -> str:
    """A line saying how many invitations wait for quiet hours and until when; empty if none."""
    report = await context.services.broadcasts.reports.one(broadcast_id=broadcast_id)
    if report is None or not report.held or report.held_until is None:
        return ""
    t = context.t
    until = t.moment(report.held_until, user_of(context).timezone)
    return "\n" + t.plural("events.new.held", report.held, until=until)


async def btn_event_new_drop(update: Update, context: Context) -> int:
    """Throw the draft away."""
    await render.answer(update)
    await context.services.event_drafts.discard(user_id=sender_id(update))
    await render.edit(update, context, context.t("events.new.dropped"))
    return ConversationHandler.END


async def cmd_event_new_cancel(update: Update, context: Context) -> int:
    """/cancel: stop and throw the draft away."""
    await context.services.event_drafts.discard(user_id=sender_id(update))
    await render.reply(update, context, context.t("events.new.dropped"))
    return ConversationHandler.END


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /event_new conversation (persistent)."""
    picker = either(EVERYONE, ENTERPRISE, PAGE, ROLE, DONE)
    typed = MessageHandler(filters.TEXT & ~filters.COMMAND & ~menu_buttons(), msg_event_new_answer)
    in_state: list[BaseHandler] = [  # type: ignore[type-arg]
        typed,
        CallbackQueryHandler(btn_event_new_skip, pattern=either(SKIP, SKIP_AT)),
        CallbackQueryHandler(btn_event_new, pattern=picker),
        CallbackQueryHandler(btn_event_new_publish, pattern=PUBLISH.pattern),
        CallbackQueryHandler(btn_event_new_drop, pattern=DROP.pattern),
    ]
    conversation = flows.conversation(
        entry_points=[CommandHandler("event_new", cmd_event_new)],
        states={state: list(in_state) for state in STATES},
        fallbacks=[CommandHandler("cancel", cmd_event_new_cancel)],
        name="event_new",
        stop=cmd_event_new_cancel,
    )
    passed = flows.passed(SKIP, SKIP_AT, EVERYONE, ENTERPRISE, PAGE, ROLE, DONE, PUBLISH, DROP)
    return [conversation, passed]


COMMANDS = [Command("event_new", "events.new.command", roles=ADMINS)]


FEATURE = Feature(handlers, commands=COMMANDS)
