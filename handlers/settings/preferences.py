"""/settings: which pushes to get now, in a daily digest or not at all; quiet hours; digest time.

Each button shows the current choice and switches to the next one when tapped, so the whole
screen is one message that edits itself.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.settings.preferences import (
    DIGEST_HOURS,
    MODES,
    QUIET_PRESETS,
    TOPICS,
    PushSettings,
    format_minutes,
)
from handlers.callbacks import Callback, either
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import data_of, sender_id

MODE = Callback("set", "mode", str, str)
QUIET = Callback("set", "quiet", int)
DIGEST = Callback("set", "digest", int)


def _next(items: tuple[object, ...], current: object) -> int:
    return (items.index(current) + 1) % len(items) if current in items else 0


def _quiet_label(t: Translator, push: PushSettings) -> str:
    if not push.has_quiet_hours:
        return t("settings.quiet_off")
    return t(
        "settings.quiet",
        start=format_minutes(push.quiet_from),
        end=format_minutes(push.quiet_until),
    )


def _keyboard(t: Translator, push: PushSettings) -> InlineKeyboardMarkup | None:
    rows = []
    for topic in TOPICS:
        mode = push.mode(topic)
        label = t(
            "settings.topic", topic=t(f"settings.topic_{topic}"), mode=t(f"settings.mode_{mode}")
        )
        rows.append([Button(label, MODE.build(topic, MODES[_next(MODES, mode)]))])
    quiet = _next(QUIET_PRESETS, (push.quiet_from, push.quiet_until))
    rows.append([Button(_quiet_label(t, push), QUIET.build(quiet))])
    hour = DIGEST_HOURS[_next(DIGEST_HOURS, push.digest_hour)]
    rows.append(
        [
            Button(
                t("settings.digest", time=format_minutes(push.digest_hour * 60)), DIGEST.build(hour)
            )
        ]
    )
    return render.inline(rows)


async def cmd_settings(update: Update, context: Context) -> None:
    """Show the push settings with one button per choice."""
    push = await context.services.preferences.of(user_id=sender_id(update))
    await render.reply(update, context, context.t("settings.text"), _keyboard(context.t, push))


async def btn_settings_change(update: Update, context: Context) -> None:
    """Apply the choice a button carries and redraw the settings."""
    await render.answer(update)
    preferences, user_id = context.services.preferences, sender_id(update)
    data = data_of(update)
    try:
        if MODE.matches(data):
            topic, mode = MODE.parse(data)
            push = await preferences.set_mode(user_id=user_id, topic=topic, mode=mode)
        elif QUIET.matches(data):
            start, end = QUIET_PRESETS[QUIET.one(data) % len(QUIET_PRESETS)]
            push = await preferences.set_quiet_hours(user_id=user_id, start=start, end=end)
        else:
            push = await preferences.set_digest_hour(user_id=user_id, hour=DIGEST.one(data))
    except ValueError:
        push = await preferences.of(user_id=user_id)
    await render.edit(update, context, context.t("settings.text"), _keyboard(context.t, push))


COMMANDS = [Command("settings", "settings.command")]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """/settings and its buttons."""
    return [
        CommandHandler("settings", cmd_settings),
        CallbackQueryHandler(btn_settings_change, pattern=either(MODE, QUIET, DIGEST)),
    ]


FEATURE = Feature(handlers, commands=COMMANDS)
