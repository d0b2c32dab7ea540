"""/start and the onboarding questions (enterprise, department, occupation); also profile edits.

A typed enterprise name searches the list; a name that matches none becomes a new, unverified
enterprise only when the user presses "add" under the results, and /enterprises
(``handlers.core.enterprises``) shows admins those waiting to be checked or merged.

The conversation's state is the ``onboarding_step`` stored on the user row with each answer,
so it is rebuilt from the database after a restart (see ``bot.edge.persistence``).
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
from bot.render import Button
from bot.services.core.onboarding import EDIT_PREFIX, NOT_STARTED, InvalidAnswer, field_of
from handlers import deeplinks, flows, keyboards
from handlers.callbacks import Callback, either
from handlers.commands import Command
from handlers.core import profile
from handlers.features import Feature
from handlers.parts import data_of, sender_id, text_of, user_of

PICK = Callback("onb", "pick", int)
PAGE = Callback("onb", "page", int)
SKIP = Callback("onb", "skip")  # from before skip buttons named their question
SKIP_AT = Callback("onb", "skip", str)
NEW_AT = Callback("onb", "new", str)  # add the typed name as a new enterprise
PAGE_SIZE = 8
STEPS = ("enterprise", "department", "occupation")
STATES = (*STEPS, *(EDIT_PREFIX + step for step in STEPS))


async def _enterprise_keyboard(
    context: Context, page: int, step: str
) -> InlineKeyboardMarkup | None:
    t = context.t
    found, total = await context.services.enterprises.page(offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    rows = keyboards.by_length(found, lambda e: Button(e.name, PICK.build(e.id)))
    nav = keyboards.pager(t, PAGE, page, math.ceil(total / PAGE_SIZE))
    return render.inline([*rows, nav, [Button(t("common.skip"), SKIP_AT.build(step))]])


async def ask(update: Update, context: Context, step: str | None) -> str | int:
    """Ask the question for ``step``, or close onboarding when there is none left."""
    t = context.t
    if step is None:
        return await _done(update, context)
    field = field_of(step).value
    if field == "enterprise":
        keyboard = await _enterprise_keyboard(context, 0, step)
    else:
        keyboard = render.inline([[Button(t("common.skip"), SKIP_AT.build(step))]])
    await render.reply(update, context, t(f"onboarding.ask_{field}"), keyboard)
    return step


async def _done(update: Update, context: Context) -> int:
    if context.user and (user_of(context).onboarding_step or "").startswith(EDIT_PREFIX):
        await render.reply(update, context, context.t("profile.saved"))
        await profile.show_profile(update, context)
    else:
        await render.reply(
            update, context, context.t("onboarding.done"), keyboards.main_menu(context.t)
        )
    return ConversationHandler.END


def _step(context: Context) -> str:
    return (user_of(context).onboarding_step if context.user else None) or STEPS[0]


def _asks_enterprise(context: Context) -> bool:
    return field_of(_step(context)).value == "enterprise"


async def cmd_start(update: Update, context: Context) -> str | int | None:
    """Greet, follow a deep link, or ask the next onboarding question."""
    t, user = context.t, user_of(context)
    if context.args and await deeplinks.dispatch(update, context, context.args[0]):
        return None
    if user.is_new:
        await render.reply(update, context, t("start.welcome", name=user.name))
    if user.onboarding_step is None:
        await render.reply(
            update, context, t("start.welcome_back", name=user.name), keyboards.main_menu(t)
        )
        return ConversationHandler.END
    step = user.onboarding_step
    if step == NOT_STARTED:
        step = await context.services.onboarding.begin(user_id=user.id)
    return await ask(update, context, step)


async def btn_profile_edit(update: Update, context: Context) -> str | int | None:
    """Start editing one profile field."""
    await render.answer(update)
    try:
        field = profile.EDIT.one(data_of(update))
    except ValueError:
        return None
    if field not in STEPS:
        return None
    step = await context.services.onboarding.begin(
        user_id=sender_id(update), step=EDIT_PREFIX + field
    )
    return await ask(update, context, step)


async def btn_onboarding_pick(update: Update, context: Context) -> str | int | None:
    """Record the enterprise the user picked from the list."""
    if not _asks_enterprise(context):
        await flows.step_passed(update, context)
        return None
    await render.answer(update)
    step, enterprise_id = _step(context), PICK.one(data_of(update))
    try:
        next_step = await context.services.onboarding.choose_enterprise(
            user_id=sender_id(update), enterprise_id=enterprise_id, step=step
        )
    except (ValueError, InvalidAnswer):
        await render.reply(update, context, context.t("onboarding.invalid_enterprise"))
        return await ask(update, context, step)
    picked = await context.services.enterprises.find(enterprise_id=enterprise_id)
    name = picked.name if picked else ""
    await render.edit(update, context, context.t("onboarding.saved_enterprise", enterprise=name))
    return await ask(update, context, next_step)


async def btn_onboarding_page(update: Update, context: Context) -> None:
    """Show another page of enterprises."""
    if not _asks_enterprise(context):
        await flows.step_passed(update, context)
        return
    await render.answer(update)
    try:
        page = max(PAGE.one(data_of(update)), 0)
    except ValueError:
        return
    keyboard = await _enterprise_keyboard(context, page, _step(context))
    await render.edit(update, context, context.t("onboarding.ask_enterprise"), keyboard)


async def btn_onboarding_skip(update: Update, context: Context) -> str | int | None:
    """Skip the question the button was under, if it is still the one being asked."""
    step, data = _step(context), data_of(update)
    if SKIP_AT.matches(data) and SKIP_AT.one(data) != step:
        await flows.step_passed(update, context)
        return None
    await render.answer(update)
    onboarding = context.services.onboarding
    user_id = sender_id(update)
    if field_of(step).value == "enterprise":
        next_step = await onboarding.choose_enterprise(
            user_id=user_id, enterprise_id=None, step=step
        )
    else:
        next_step = await onboarding.answer(user_id=user_id, step=step, text=None)
    await render.edit(update, context, context.t(f"onboarding.skipped_{field_of(step).value}"))
    return await ask(update, context, next_step)


async def _search_enterprise(update: Update, context: Context, step: str) -> str | int | None:
    """A typed name picks its enterprise, or lists similar ones and offers to add it."""
    t = context.t
    found = await context.services.onboarding.look_up_enterprise(
        user_id=sender_id(update), text=text_of(update), step=step
    )
    if found.picked:  # its exact name: nothing to confirm
        return await ask(update, context, found.next_step)
    rows = keyboards.by_length(found.similar, lambda e: Button(e.name, PICK.build(e.id)))
    add = Button(t("onboarding.add_enterprise", name=found.name), NEW_AT.build(step))
    key = "onboarding.similar_enterprises" if found.similar else "onboarding.no_enterprise"
    keyboard = render.inline([*rows, [add], [Button(t("common.skip"), SKIP_AT.build(step))]])
    await render.reply(update, context, t(key, name=found.name), keyboard)
    return step


async def btn_onboarding_new(update: Update, context: Context) -> str | int | None:
    """Add the name the user typed as a new enterprise, once they confirmed it."""
    step = _step(context)
    if not _asks_enterprise(context) or NEW_AT.one(data_of(update)) != step:
        await flows.step_passed(update, context)
        return None
    await render.answer(update)
    try:
        name, next_step = await context.services.onboarding.confirm_enterprise(
            user_id=sender_id(update), step=step
        )
    except InvalidAnswer:
        return await ask(update, context, step)
    # A new message rather than an edit: the search's buttons stay until pressed late.
    await render.reply(update, context, context.t("onboarding.added_enterprise", enterprise=name))
    return await ask(update, context, next_step)


async def msg_onboarding_text(update: Update, context: Context) -> str | int | None:
    """Record a typed answer; a bad one is explained and the question asked again."""
    step = _step(context)
    onboarding = context.services.onboarding
    user_id, text = sender_id(update), text_of(update)
    try:
        if field_of(step).value == "enterprise":
            return await _search_enterprise(update, context, step)
        next_step = await onboarding.answer(user_id=user_id, step=step, text=text)
    except InvalidAnswer:
        await render.reply(update, context, context.t(f"onboarding.invalid_{field_of(step).value}"))
        return await ask(update, context, step)
    return await ask(update, context, next_step)


async def msg_onboarding_other(update: Update, context: Context) -> str:
    """A photo or sticker where text is expected: say so and ask again."""
    await render.reply(update, context, context.t("onboarding.text_please"))
    return await ask(update, context, _step(context))  # type: ignore[return-value]


async def cmd_cancel(update: Update, context: Context) -> int:
    """Stop the questions; what was answered stays."""
    await context.services.onboarding.finish(user_id=sender_id(update))
    await render.reply(
        update, context, context.t("onboarding.cancelled"), keyboards.main_menu(context.t)
    )
    return ConversationHandler.END


def _state_handlers() -> list[object]:
    return [
        CallbackQueryHandler(btn_onboarding_pick, pattern=PICK.pattern),
        CallbackQueryHandler(btn_onboarding_page, pattern=PAGE.pattern),
        CallbackQueryHandler(btn_onboarding_skip, pattern=either(SKIP, SKIP_AT)),
        CallbackQueryHandler(btn_onboarding_new, pattern=NEW_AT.pattern),
        MessageHandler(filters.TEXT & ~filters.COMMAND, msg_onboarding_text),
        MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, msg_onboarding_other),
    ]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """A fresh conversation per application (it keeps per-application state)."""
    conversation = flows.conversation(
        entry_points=[
            CommandHandler("start", cmd_start, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(btn_profile_edit, pattern=profile.EDIT.pattern),
        ],
        states={state: _state_handlers() for state in STATES},  # type: ignore[misc]
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="onboarding",
        stop=cmd_cancel,
    )
    return [conversation, flows.passed(PICK, PAGE, SKIP, SKIP_AT, NEW_AT)]


COMMANDS = [
    Command("start", "start.command", in_menu=False),
    Command("cancel", "cancel.command"),
]


FEATURE = Feature(handlers, commands=COMMANDS)
