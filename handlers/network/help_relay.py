"""The private relay of an accepted help request, /requests, and closing: solved, rated, withdrawn.

Free messages (text, photos, voice, documents) of someone talking about a request are passed to
the other side under a "#12 expert:" heading, never with a name, username or id. Anything sent
by someone with no request in progress is answered like any message the bot does not understand.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.network.relay import Relayed
from handlers.callbacks import Callback
from handlers.commands import Command, MenuButton
from handlers.core import fallback
from handlers.features import Feature
from handlers.network.media import content_of
from handlers.parts import data_of, message_of, sender_id

TALK = Callback("ask", "talk", int)
SOLVED = Callback("ask", "ok", int)
WITHDRAW = Callback("ask", "wd", int)
RATE = Callback("ask", "rate", int, int)
MENU = ("menu.learn", "menu.idea", "menu.events", "menu.profile", "menu.help")


def closing_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup | None:
    """The requester's buttons while an expert is on the request."""
    return render.inline(
        [
            [
                Button(t("network.relay.solved"), SOLVED.build(request_id)),
                Button(t("network.relay.withdraw"), WITHDRAW.build(request_id)),
            ]
        ]
    )


async def _pass_on(context: Context, relayed: Relayed) -> None:
    t = context.translator_for(relayed.to.locale)
    side = "expert" if relayed.from_expert else "requester"
    heading = t(f"network.relay.from_{side}", number=relayed.request_id)
    keyboard = render.inline(
        [
            [
                Button(
                    t("network.relay.reply", number=relayed.request_id),
                    TALK.build(relayed.request_id),
                )
            ]
        ]
    )
    if relayed.file_id is None:
        text = f"{heading}\n{render.escape(relayed.text or '')}"
        await render.send(context, relayed.to.user_id, text, keyboard)
        return
    caption = f"{heading}\n{render.escape(relayed.text)}" if relayed.text else heading
    await render.send_file(context, relayed.to.user_id, relayed.kind, relayed.file_id, caption)


async def msg_relay(update: Update, context: Context) -> None:
    """Pass a free message to the other side of the user's request, or say it was not understood."""
    kind, text, file_id = content_of(message_of(update))
    relayed = await context.services.network.relay.relay(
        user_id=sender_id(update), kind=kind, text=text, file_id=file_id
    )
    if relayed is None:
        await fallback.msg_not_understood(update, context)
        return
    await _pass_on(context, relayed)
    if relayed.first:
        other = "requester" if relayed.from_expert else "expert"
        await render.reply(
            update,
            context,
            context.t(f"network.relay.passed_to_{other}", number=relayed.request_id),
        )


async def btn_ask_talk(update: Update, context: Context) -> None:
    """Send the next free messages to this request."""
    t = context.t
    request_id = TALK.one(data_of(update))
    if not await context.services.network.relay.focus(
        user_id=sender_id(update), request_id=request_id
    ):
        await render.answer(update, t("network.relay.closed"), alert=True)
        return
    await render.answer(update)
    await render.reply(update, context, t("network.relay.talking", number=request_id))


async def cmd_requests(update: Update, context: Context) -> None:
    """One's recent requests, asked and answered, with what can be done next."""
    t, user_id = context.t, sender_id(update)
    mine = await context.services.network.help_requests.mine(user_id=user_id)
    if not mine:
        await render.reply(update, context, t("network.requests.none"))
        return
    lines, rows = [t("network.requests.title")], []
    for request, helping in mine:
        field = t(f"network.field.{request.field}") if request.field else "—"
        role = t("network.requests.helping") if helping else t("network.requests.asked")
        lines.append(
            t(
                "network.requests.item",
                number=request.id,
                field=field,
                status=t(f"network.status.{request.status}"),
                role=role,
            )
        )
        if request.status == "accepted":
            row = [Button(t("network.relay.reply", number=request.id), TALK.build(request.id))]
            if not helping:
                row.append(Button(t("network.relay.solved"), SOLVED.build(request.id)))
            rows.append(row)
        elif request.status == "open" and not helping:
            rows.append(
                [
                    Button(
                        t("network.requests.withdraw", number=request.id),
                        WITHDRAW.build(request.id),
                    )
                ]
            )
    await render.reply(update, context, "\n".join(lines), render.inline(rows))


async def btn_ask_solved(update: Update, context: Context) -> None:
    """The requester closes the request as solved, is asked for stars; the expert is thanked."""
    t = context.t
    request_id = SOLVED.one(data_of(update))
    closed = await context.services.network.help_requests.solve(
        request_id=request_id, user_id=sender_id(update)
    )
    if closed is None:
        await render.answer(update, t("network.relay.closed"), alert=True)
        return
    await render.answer(update)
    stars = [Button("⭐" * n, RATE.build(request_id, n)) for n in range(1, 6)]
    await render.edit(
        update,
        context,
        t("network.relay.rate", number=request_id),
        render.inline([stars[:3], stars[3:]]),
    )
    if closed.other is not None:
        other = context.translator_for(closed.other.locale)
        await render.send(
            context, closed.other.user_id, other("network.relay.solved_notice", number=request_id)
        )


async def btn_ask_rate(update: Update, context: Context) -> None:
    """Record the requester's stars."""
    await render.answer(update)
    request_id, stars = RATE.parse(data_of(update))
    if await context.services.network.help_requests.rate(
        request_id=request_id, user_id=sender_id(update), stars=stars
    ):
        await render.edit(
            update, context, context.t("network.relay.rated", number=request_id, stars="⭐" * stars)
        )


async def btn_ask_withdraw(update: Update, context: Context) -> None:
    """The requester withdraws; an expert already on it is told."""
    t = context.t
    request_id = WITHDRAW.one(data_of(update))
    closed = await context.services.network.help_requests.cancel(
        request_id=request_id, user_id=sender_id(update)
    )
    if closed is None:
        await render.answer(update, t("network.relay.closed"), alert=True)
        return
    await render.answer(update)
    await render.edit(update, context, t("network.relay.withdrawn", number=request_id))
    if closed.other is not None:
        other = context.translator_for(closed.other.locale)
        await render.send(
            context,
            closed.other.user_id,
            other("network.relay.withdrawn_notice", number=request_id),
        )


def _free_message() -> filters.BaseFilter:
    menu = MenuButton(MENU[0])
    for key in MENU[1:]:
        menu = menu | MenuButton(key)  # type: ignore[assignment]
    text = filters.TEXT & ~filters.COMMAND & ~menu
    return filters.ChatType.PRIVATE & (text | filters.PHOTO | filters.VOICE | filters.Document.ALL)


COMMANDS = [Command("requests", "network.requests.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Closing buttons, /requests, and (last) the relay of free messages."""
    return [
        CommandHandler("requests", cmd_requests),
        CallbackQueryHandler(btn_ask_talk, pattern=TALK.pattern),
        CallbackQueryHandler(btn_ask_solved, pattern=SOLVED.pattern),
        CallbackQueryHandler(btn_ask_rate, pattern=RATE.pattern),
        CallbackQueryHandler(btn_ask_withdraw, pattern=WITHDRAW.pattern),
        MessageHandler(_free_message(), msg_relay),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
