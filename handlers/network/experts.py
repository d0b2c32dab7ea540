"""/experts: the directory of model workers and craftsmen; /expert: one's own card.

Cards never carry a Telegram id, username or phone number; buttons refer to the profile's own
id, and contact goes through a help request (``ask:to:<profile>``).
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
from bot.i18n import Translator
from bot.models.network import Speciality
from bot.render import Button
from bot.services.core import EXPERTS
from bot.services.network.experts import ExpertCard, InvalidProfile, OwnProfile, skill_code
from handlers import flows, keyboards
from handlers.callbacks import Callback
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import data_of, sender_id, text_of

FIELD = Callback("exp", "field", str, int)
FIELDS = Callback("exp", "fields")
SET_FIELD = Callback("exp", "set", str)
TOGGLE = Callback("exp", "tog", str)
EDIT = Callback("exp", "edit", str)
ASK_TO = Callback("ask", "to", int)
PAGE_SIZE = 5
EDITING = "expert_edit"


def matching_fields(context: Context, query: str) -> set[str]:
    """Fields whose name, in any language, the query's words name (焊接, welding, Welding)."""
    words = [w.lower() for w in query.split() if w]
    found = set()
    for field in Speciality:
        labels = {
            label.lower()
            for label in context.services.i18n.label_variants(f"network.field.{field}")
        }
        if any(word in label or label in word for word in words for label in labels):
            found.add(field.value)
    return found


def skill_label(t: Translator, skill: str) -> str:
    """A known skill in the reader's language; any other as the expert typed it."""
    code = skill_code(skill)
    return t(f"network.skill.{code}") if code else skill


def card_text(t: Translator, card: ExpertCard) -> str:
    """An expert's card: only what they chose to show."""
    honour = t(f"network.honour.{card.honour}")
    lines = [
        t("network.card.name", name=card.name, honour=honour)
        if card.name
        else t("network.card.anonymous", honour=honour),
        t(
            "network.card.field",
            field=t(f"network.field.{card.field}"),
            skills="、".join(skill_label(t, s) for s in card.skills) or "—",
        ),
    ]
    if card.enterprise or card.region:
        place = " · ".join(p for p in (card.enterprise, card.region) if p)
        lines.append(t("network.card.place", place=place))
    if card.story:
        lines.append(t("network.card.story", story=card.story))
    if not card.available:
        lines.append(t("network.card.busy"))
    return "\n".join(lines)


def _ask_buttons(t: Translator, cards: list[ExpertCard]) -> list[list[Button]]:
    return [
        [
            Button(
                t("network.card.ask", name=c.name or t(f"network.honour.{c.honour}")),
                ASK_TO.build(c.id),
            )
        ]
        for c in cards
        if c.available
    ]


def _fields_keyboard(
    t: Translator, scheme: Callback, *suffix: object
) -> InlineKeyboardMarkup | None:
    rows = keyboards.grid(
        list(Speciality),
        lambda f: Button(t(f"network.field.{f}"), scheme.build(f.value, *suffix)),
        3,
    )
    return render.inline(rows)


async def cmd_experts(update: Update, context: Context) -> None:
    """Search the directory by the words after the command, or offer the fields to browse."""
    t = context.t
    query = " ".join(context.args or []).strip()
    if not query:
        await render.reply(
            update, context, t("network.experts.prompt"), _fields_keyboard(t, FIELD, 0)
        )
        return
    cards, total = await context.services.network.experts.search(
        query=query, fields=matching_fields(context, query), limit=PAGE_SIZE
    )
    if not cards:
        await render.reply(update, context, t("network.experts.none", query=query))
        return
    header: str = t("network.experts.found", total=total, query=query)
    if total > len(cards):
        header += "\n" + t("network.experts.refine")
    body = "\n\n".join(card_text(t, c) for c in cards)
    await render.reply(
        update, context, f"{header}\n\n{body}", render.inline(_ask_buttons(t, cards))
    )


async def btn_experts_field(update: Update, context: Context) -> None:
    """Browse one field's experts, page by page, with a way back to the fields."""
    await render.answer(update)
    t = context.t
    field, page = FIELD.parse(data_of(update))
    if field not in set(Speciality):
        return
    cards, total = await context.services.network.experts.search(
        query="", fields={field}, offset=max(page, 0) * PAGE_SIZE, limit=PAGE_SIZE
    )
    label = t(f"network.field.{field}")
    back = [Button(t("network.experts.back"), FIELDS.build())]
    if not cards:
        text = t("network.experts.field_empty", field=label)
        await render.edit(update, context, text, render.inline([back]))
        return
    header = t("network.experts.field_header", field=label, total=total)
    body = "\n\n".join(card_text(t, c) for c in cards)
    nav = keyboards.pager(t, FIELD, page, math.ceil(total / PAGE_SIZE), field)
    rows = [*_ask_buttons(t, cards), nav, back]
    await render.edit(update, context, f"{header}\n\n{body}", render.inline(rows))


async def btn_experts_fields(update: Update, context: Context) -> None:
    """Back from a field's page to the list of fields."""
    await render.answer(update)
    t = context.t
    await render.edit(update, context, t("network.experts.prompt"), _fields_keyboard(t, FIELD, 0))


def _own_text(t: Translator, own: OwnProfile) -> str:
    switches = "\n".join(
        t(f"network.own.{name}_{'on' if value else 'off'}") for name, value in own.settings.items()
    )
    return "\n\n".join(
        [t("network.own.title"), card_text(t, own.card), switches, t("network.own.hint")]
    )


def _own_keyboard(t: Translator, own: OwnProfile) -> InlineKeyboardMarkup | None:
    toggles = keyboards.grid(
        list(own.settings),
        lambda name: Button(t(f"network.own.toggle_{name}"), TOGGLE.build(name)),
        2,
    )
    edits = [
        Button(t(f"network.own.edit_{what}"), EDIT.build(what))
        for what in ("skills", "region", "story")
    ]
    return render.inline(
        [*toggles, edits, [Button(t("network.own.edit_field"), SET_FIELD.build("pick"))]]
    )


async def cmd_expert(update: Update, context: Context) -> None:
    """Show one's own directory card with its switches, or ask for a field to create it."""
    t, user_id = context.t, sender_id(update)
    network = context.services.network
    own = await network.experts.own(user_id=user_id)
    if own is None:
        if not await network.experts.is_expert(user_id=user_id):
            await render.reply(update, context, t("network.own.not_expert"))
            return
        await render.reply(
            update, context, t("network.own.pick_field"), _fields_keyboard(t, SET_FIELD)
        )
        return
    await render.reply(update, context, _own_text(t, own), _own_keyboard(t, own))


async def btn_expert_set_field(update: Update, context: Context) -> None:
    """Create the profile with a field, or change the field."""
    await render.answer(update)
    t, user_id = context.t, sender_id(update)
    field = SET_FIELD.one(data_of(update))
    experts = context.services.network.experts
    if field == "pick" or field not in set(Speciality):
        await render.edit(
            update, context, t("network.own.pick_field"), _fields_keyboard(t, SET_FIELD)
        )
        return
    if not await experts.is_expert(user_id=user_id):
        await render.answer(update, t("network.own.not_expert"), alert=True)
        return
    own = await experts.save(user_id=user_id, field=field)
    await render.edit(update, context, _own_text(t, own), _own_keyboard(t, own))


async def btn_expert_toggle(update: Update, context: Context) -> None:
    """Flip what the card shows, or whether requests are welcome now."""
    await render.answer(update)
    try:
        own = await context.services.network.experts.toggle(
            user_id=sender_id(update), setting=TOGGLE.one(data_of(update))
        )
    except InvalidProfile:
        return
    if own is not None:
        await render.edit(update, context, _own_text(context.t, own), _own_keyboard(context.t, own))


async def btn_expert_edit(update: Update, context: Context) -> str | None:
    """Ask for the new skills, region or story."""
    await render.answer(update)
    try:
        what = EDIT.one(data_of(update))
        step = await context.services.network.experts.begin_edit(
            user_id=sender_id(update), what=what
        )
    except InvalidProfile:
        return None
    if step is None:
        return None
    await render.reply(update, context, context.t(f"network.own.ask_{what}"))
    return EDITING


async def msg_expert_edit(update: Update, context: Context) -> str | int:
    """Store the typed value and show the card again."""
    t = context.t
    try:
        own = await context.services.network.experts.edit(
            user_id=sender_id(update), text=text_of(update)
        )
    except InvalidProfile as exc:
        await render.reply(update, context, t(f"network.own.too_long_{exc}"))
        return EDITING
    if own is not None:
        await render.reply(update, context, _own_text(t, own), _own_keyboard(t, own))
    return ConversationHandler.END


async def cmd_expert_cancel(update: Update, context: Context) -> int:
    """Stop editing; the old value stays."""
    await context.services.network.experts.cancel_edit(user_id=sender_id(update))
    await render.reply(update, context, context.t("network.own.edit_cancelled"))
    return ConversationHandler.END


async def cmd_bases(update: Update, context: Context) -> None:
    """List the demonstration bases for rural revitalization with their specialities."""
    t = context.t
    bases = await context.services.network.experts.bases()
    if not bases:
        await render.reply(update, context, t("network.bases.none"))
        return
    lines = [
        t("network.bases.item", name=b.name, region=b.region, specialities=b.specialities or "—")
        for b in bases
    ]
    await render.reply(update, context, t("network.bases.title") + "\n\n" + "\n\n".join(lines))


COMMANDS = [
    Command("experts", "network.experts.command"),
    Command("bases", "network.bases.command"),
    Command("expert", "network.own.command", roles=EXPERTS),
]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Directory search and browsing, the own card's buttons, and the edit conversation."""
    editing = flows.conversation(
        entry_points=[CallbackQueryHandler(btn_expert_edit, pattern=EDIT.pattern)],
        states={EDITING: [MessageHandler(filters.TEXT & ~filters.COMMAND, msg_expert_edit)]},
        fallbacks=[CommandHandler("cancel", cmd_expert_cancel)],
        name="expert_edit",
        stop=cmd_expert_cancel,
    )
    return [
        editing,
        CommandHandler("experts", cmd_experts),
        CommandHandler("expert", cmd_expert),
        CommandHandler("bases", cmd_bases),
        CallbackQueryHandler(btn_experts_field, pattern=FIELD.pattern),
        CallbackQueryHandler(btn_experts_fields, pattern=FIELDS.pattern),
        CallbackQueryHandler(btn_expert_set_field, pattern=SET_FIELD.pattern),
        CallbackQueryHandler(btn_expert_toggle, pattern=TOGGLE.pattern),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
