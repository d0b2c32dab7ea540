"""The composition root: one function builds the bot for production, sandbox, tests and benches."""

from __future__ import annotations

import html
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

import handlers
from bot.config import Settings
from bot.context import SERVICES_KEY, Context, services_of
from bot.edge import scheduler
from bot.edge.persistence import DatabasePersistence
from bot.edge.processor import PerUserUpdateProcessor
from bot.edge.ratelimit import TelegramRateLimiter
from bot.edge.transport import build_request
from bot.models.users import Role
from bot.outbox import sender
from bot.services import Services
from handlers.broadcasts.broadcasts import READ
from handlers.commands import publish, publish_for

# Conversations are tracked per user and chat, not per message, on purpose: their steps mix
# text answers with buttons, and a button pressed on an older message of the flow must still
# reach it. PTB warns about exactly that combination when each ConversationHandler is built.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)

log = logging.getLogger(__name__)
HOOKS_KEY = "start_hooks"
App = Application[Any, Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]


@asynccontextmanager
async def running(app: App, *, poll_timeout: int = 30) -> AsyncIterator[App]:
    """Initialise, start and poll; on exit stop and shut down, post-init and post-shutdown included.

    PTB runs ``post_init``/``post_shutdown`` only from ``run_polling``; the bot, the sandbox, the
    tests and the benchmarks share this one lifecycle instead, on a loop they own.
    """
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None  # built with a token, so PTB made one
        await app.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, timeout=poll_timeout, poll_interval=0
        )
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def build_application(settings: Settings, *, services: Services | None = None) -> App:
    """Wire PTB, the services and every feature's handlers for ``settings.bot_api_url``."""
    if not settings.token:
        raise ValueError("a bot token is needed; `engage run` starts the sandbox without one")
    services = services or Services.build(settings)
    # Replies, edits and broadcasts go out as raw calls on purpose (the raw answer is all they
    # need, and parsing a PTB Message from each was a tenth of the CPU); PTB suggests its
    # typed methods every time.
    warnings.filterwarnings(
        "ignore",
        r"Please use 'Bot\.(sendMessage|sendPhoto|editMessageText)'",
        PTBUserWarning,
    )
    app: App = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.bot_api_url}/bot")
        .base_file_url(f"{settings.bot_api_url}/file/bot")
        .context_types(ContextTypes(context=Context))
        .persistence(DatabasePersistence())
        .concurrent_updates(PerUserUpdateProcessor(settings.max_concurrent_updates))
        .rate_limiter(
            TelegramRateLimiter(
                overall_rate=settings.global_rate,
                chat_rate=settings.per_chat_rate,
                chat_burst=settings.per_chat_burst,
                max_retries=settings.max_retries,
            )
        )
        .request(_request(settings, pool_size=64, pool_timeout=30))
        .get_updates_request(_request(settings, pool_size=1, pool_timeout=1))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data[SERVICES_KEY] = services
    app.bot_data[HOOKS_KEY] = handlers.register(app, services)
    app.add_error_handler(on_error)
    return app


def _request(settings: Settings, *, pool_size: int, pool_timeout: float) -> BaseRequest:
    return build_request(
        settings.bot_api_url,
        pool_size=pool_size,
        pool_timeout=pool_timeout,
        client=settings.http_client,
    )


async def _post_init(app: App) -> None:
    services = services_of(app)
    for admin_id in services.settings.admin_ids:
        await services.users.grant(user_id=admin_id, role=Role.ADMIN)
    commands = handlers.commands()
    await publish(app, commands, services.i18n)
    for user_id, locale, roles in await services.users.privileged():
        await publish_for(app, commands, services.i18n, user_id=user_id, roles=roles, locale=locale)
    for hook in app.bot_data[HOOKS_KEY]:
        await hook(app)
    await sender.start(app, read_data=READ.build)
    await scheduler.start(app)


async def _post_shutdown(app: App) -> None:
    services = services_of(app)
    await services.close()


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its context and tell the user, in their language, without internals."""
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s from user %s failed", update_id, user_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    locale = None
    if user_id is not None:
        found = await context.services.users.find(user_id=user_id)
        locale = found.locale if found else None
    text = context.services.i18n.translator(locale)("errors.generic")
    try:
        if update.callback_query:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("could not report the error to user %s: %s", user_id, html.escape(str(exc)))
