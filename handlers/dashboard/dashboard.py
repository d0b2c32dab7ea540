"""/dashboard: a button that opens the organisers' Mini App, and the chat's menu button for it.

The page itself checks who opens it (signed initData) and what they may see; the button is only
shown to admins and organisers, and only once the Mini App has its https address.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.ext import BaseHandler, CommandHandler

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.services.dashboard import NotAllowed, Scope
from bot.unit import Call
from handlers.commands import Command
from handlers.features import Feature
from handlers.parts import chat_id_of, sender_id

VIEWERS = frozenset({Role.ORGANISER})


def _button(context: Context, url: str) -> InlineKeyboardMarkup | None:
    text = render.label(context.t("dashboard.open"))
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, web_app=WebAppInfo(url))]])


async def _menu_button(context: Context, chat_id: int, url: str) -> None:
    """Put the dashboard on the chat's menu button, where Telegram shows it beside the input."""
    button = {"type": "web_app", "text": str(context.t("dashboard.menu")), "web_app": {"url": url}}
    params = {"chat_id": chat_id, "menu_button": button}
    await render.submit(context.bot, Call("setChatMenuButton", params, kind="menu"))


async def cmd_dashboard(update: Update, context: Context) -> None:
    """Offer the dashboard to admins and organisers, scoped to their part of the province."""
    dashboard = context.services.dashboard
    try:
        scope: Scope = await dashboard.scope(user_id=sender_id(update))
    except NotAllowed:
        await render.reply(update, context, context.t("dashboard.not_allowed"))
        return
    url = context.services.settings.dashboard_url
    if not url:
        await render.reply(update, context, context.t("dashboard.no_url"))
        return
    label = await dashboard.label(scope=scope) or context.t("dashboard.everything")
    text = context.t("dashboard.intro", scope=label)
    await render.reply(update, context, text, _button(context, url))
    await _menu_button(context, chat_id_of(update), url)


COMMANDS = [Command("dashboard", "dashboard.command", roles=VIEWERS)]


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /dashboard command."""
    return [CommandHandler("dashboard", cmd_dashboard)]


FEATURE = Feature(handlers, commands=COMMANDS)
