"""Logging what a service team did, in a few taps: the kind, the enterprise, a note and photos.

The activity being written is a row with a step, so a note half-typed survives a restart.
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
from bot.models.network import ActivityKind
from bot.render import Button
from bot.services.network.teams import ActivityView, TeamError
from handlers import flows
from handlers.callbacks import Callback
from handlers.parts import data_of, message_of, sender_id

LOG = Callback("team", "log", int)
KIND = Callback("team", "kind", int, str)
PLACE = Callback("team", "ent", int, int)
SAVE = Callback("team", "save")
DROP = Callback("team", "drop")
NOTE = "team_note"


async def btn_team_log(update: Update, context: Context) -> None:
    """Which kind of activity: a visit, a training, a problem solved (the team's members only)."""
    team_id, t = LOG.one(data_of(update)), context.t
    teams = context.services.network.teams
    if not await teams.may_log(team_id=team_id, user_id=sender_id(update)):
        await render.answer(update, t("network.team.members_only"), alert=True)
        return
    await render.answer(update)
    rows = [
        [
            Button(t(f"network.activity.{kind}"), KIND.build(team_id, kind.value))
            for kind in ActivityKind
        ]
    ]
    await render.reply(update, context, t("network.team.what"), render.inline(rows))


async def btn_team_kind(update: Update, context: Context) -> str | int | None:
    """Start the activity; ask for the enterprise, or straight for the note."""
    await render.answer(update)
    t = context.t
    try:
        team_id, kind = KIND.parse(data_of(update))
        activity = await context.services.network.teams.start_activity(
            team_id=team_id, user_id=sender_id(update), kind=kind
        )
    except TeamError:
        return None
    if activity is None:
        await render.edit(update, context, t("network.team.members_only"))
        return ConversationHandler.END
    if activity.step == "note":
        return await _ask_note(update, context, activity)
    record = await context.services.network.teams.record(team_id=team_id, user_id=sender_id(update))
    served = record.team.enterprises if record else ()
    rows = [[Button(name, PLACE.build(activity.id, eid))] for eid, name in served]
    rows.append([Button(t("network.team.no_enterprise"), PLACE.build(activity.id, 0))])
    await render.edit(update, context, t("network.team.where"), render.inline(rows))
    return ConversationHandler.END


async def btn_team_place(update: Update, context: Context) -> str | None:
    """Record the enterprise; ask for the note and photos."""
    await render.answer(update)
    activity_id, enterprise_id = PLACE.parse(data_of(update))
    activity = await context.services.network.teams.choose_enterprise(
        activity_id=activity_id,
        user_id=sender_id(update),
        enterprise_id=enterprise_id or None,
    )
    if activity is None:
        return None
    return await _ask_note(update, context, activity)


def _note_keyboard(t: Translator) -> InlineKeyboardMarkup | None:
    return render.inline(
        [[Button(t("network.team.save"), SAVE.build()), Button(t("common.cancel"), DROP.build())]]
    )


async def _ask_note(update: Update, context: Context, activity: ActivityView) -> str:
    t = context.t
    place = activity.enterprise or t("network.team.no_enterprise")
    text = t("network.team.ask_note", kind=t(f"network.activity.{activity.kind}"), place=place)
    await render.edit(update, context, text, _note_keyboard(t))
    return NOTE


async def msg_team_note(update: Update, context: Context) -> None:
    """Add text or a photo to the activity's note."""
    t, message = context.t, message_of(update)
    photo = message.photo[-1].file_id if message.photo else None
    try:
        activity = await context.services.network.teams.add(
            user_id=sender_id(update), text=message.text or message.caption, photo=photo
        )
    except TeamError as exc:
        await render.reply(update, context, t(f"network.team.error_{exc}"), _note_keyboard(t))
        return
    received = t(
        "network.team.received",
        chars=t.plural("common.count.characters", len(activity.note or "")),
        photos=t.plural("common.count.photos", len(activity.photos)),
    )
    await render.reply(update, context, received, _note_keyboard(t))


async def btn_team_save(update: Update, context: Context) -> int:
    """Finish the activity and show the team's record."""
    await render.answer(update)
    try:
        activity = await context.services.network.teams.save(user_id=sender_id(update))
    except TeamError:
        return ConversationHandler.END
    await render.edit(
        update,
        context,
        context.t("network.team.saved", kind=context.t(f"network.activity.{activity.kind}")),
    )
    return ConversationHandler.END


async def cmd_team_cancel(update: Update, context: Context) -> int:
    """Throw away the activity being written."""
    await context.services.network.teams.discard(user_id=sender_id(update))
    await render.reply(update, context, context.t("network.team.discarded"))
    return ConversationHandler.END


async def btn_team_drop(update: Update, context: Context) -> int:
    """The cancel button under the note."""
    await render.answer(update)
    return await cmd_team_cancel(update, context)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The kind buttons, and the conversation from the enterprise to the saved note."""
    conversation = flows.conversation(
        entry_points=[
            CallbackQueryHandler(btn_team_kind, pattern=KIND.pattern),
            CallbackQueryHandler(btn_team_place, pattern=PLACE.pattern),
        ],
        states={
            NOTE: [
                MessageHandler((filters.TEXT & ~filters.COMMAND) | filters.PHOTO, msg_team_note),
                CallbackQueryHandler(btn_team_save, pattern=SAVE.pattern),
            ]
        },
        fallbacks=[
            CommandHandler("cancel", cmd_team_cancel),
            CallbackQueryHandler(btn_team_drop, pattern=DROP.pattern),
        ],
        name="team_note",
        stop=cmd_team_cancel,
    )
    return [conversation, CallbackQueryHandler(btn_team_log, pattern=LOG.pattern)]
