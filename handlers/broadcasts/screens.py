"""The screens of /announce: each step's question, the preview, the options, the summary."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot import render
from bot.context import Context
from bot.i18n import Translator
from bot.render import Button
from bot.services.broadcasts.announcements import REPEATS, DraftView, Step
from handlers import keyboards
from handlers.broadcasts import audience
from handlers.callbacks import Callback
from handlers.parts import user_of

SKIP_ENGLISH = Callback("ann", "skipen")
SKIP_PHOTO = Callback("ann", "skipph")
FLAG = Callback("ann", "flag", str)
NOW = Callback("ann", "now")
AT = Callback("ann", "at")
REPEAT = Callback("ann", "repeat")
DAYS = Callback("ann", "days", str)
SEND = Callback("ann", "send")
DROP = Callback("ann", "drop")


def _yes_no(t: Translator, value: bool) -> str:
    return t("broadcasts.yes") if value else t("broadcasts.no")


def describe_when(context: Context, send_at: datetime | None, cron: str | None) -> str:
    """Now, a moment in the admin's timezone, or e.g. every Monday at 08:00."""
    t = context.t
    if cron:
        minute, hour, *_, days = cron.split()
        key = "daily" if days == "*" else days
        return t(
            "broadcasts.when_repeat",
            days=t(f"broadcasts.days_{key}"),
            time=f"{int(hour):02d}:{int(minute):02d}",
        )
    if send_at:
        zone = ZoneInfo(user_of(context).timezone)
        return t("broadcasts.when_at", time=t.when(send_at, zone, pattern="short"))
    return t("broadcasts.when_now")


async def ask(update: Update, context: Context, draft: DraftView, *, fresh: bool = False) -> str:
    """Show the question or screen of the draft's step; return it as the conversation state.

    A screen replaces the message whose button was pressed, unless ``fresh`` asks for a new one.
    """
    t, step = context.t, draft.step
    show = render.reply if fresh else render.edit
    if step in (Step.TEXT, Step.AT, Step.REPEAT):
        await show(update, context, t(f"broadcasts.ask_{step.value}"))
    elif step == Step.ENGLISH:
        skip = render.inline([[Button(t("common.skip"), SKIP_ENGLISH.build())]])
        await show(update, context, t("broadcasts.ask_english"), skip)
    elif step == Step.PHOTO:
        skip = render.inline([[Button(t("broadcasts.no_photo"), SKIP_PHOTO.build())]])
        await show(update, context, t("broadcasts.ask_photo"), skip)
    elif step == Step.AUDIENCE:
        return await audience.show(update, context, draft, fresh=fresh)
    elif step == Step.OPTIONS:
        await show(update, context, t("broadcasts.options"), _options(t, draft))
    else:
        await show(update, context, await _confirm_text(context, draft), _confirm_keyboard(t))
    return step


async def preview(update: Update, context: Context, draft: DraftView) -> None:
    """Show the message exactly as recipients will see it, in each language that differs."""
    await render.reply(update, context, context.t("broadcasts.preview"))
    versions = [draft.html_zh] if draft.html_en == draft.html_zh else [draft.html_zh, draft.html_en]
    for html in versions:
        await render.reply(update, context, html, photo=draft.photo_id)


def _options(t: Translator, draft: DraftView) -> InlineKeyboardMarkup | None:
    return render.inline(
        [
            [
                Button(
                    t("broadcasts.urgent", value=_yes_no(t, draft.urgent)), FLAG.build("urgent")
                ),
                Button(
                    t("broadcasts.must_read", value=_yes_no(t, draft.must_read)),
                    FLAG.build("must_read"),
                ),
            ],
            [Button(t("broadcasts.send_now"), NOW.build())],
            [
                Button(t("broadcasts.send_at"), AT.build()),
                Button(t("broadcasts.send_repeat"), REPEAT.build()),
            ],
        ]
    )


async def _confirm_text(context: Context, draft: DraftView) -> str:
    t = context.t
    count = await context.services.broadcasts.audience.count(draft.audience)
    return t(
        "broadcasts.confirm",
        audience=await audience.describe(context, draft.audience),
        people=t.plural("common.count.people", count),
        when=describe_when(context, draft.send_at, draft.cron),
        urgent=_yes_no(t, draft.urgent),
        must_read=_yes_no(t, draft.must_read),
    )


def _confirm_keyboard(t: Translator) -> InlineKeyboardMarkup | None:
    return render.inline(
        [
            [
                Button(t("broadcasts.confirm_send"), SEND.build()),
                Button(t("broadcasts.drop"), DROP.build()),
            ]
        ]
    )


async def ask_days(update: Update, context: Context) -> str:
    """Offer the days a recurring announcement can go out on."""
    t = context.t
    rows = keyboards.grid(
        REPEATS, lambda days: Button(t(f"broadcasts.days_{days}"), DAYS.build(days)), columns=3
    )
    await render.edit(update, context, t("broadcasts.ask_days"), render.inline(rows))
    return Step.OPTIONS
