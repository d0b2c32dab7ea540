"""The composition root: one function builds the bot for production, sandbox, tests and benches."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import logging
import warnings
from collections.abc import AsyncIterator, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial
from typing import Any, Literal

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    SimpleUpdateProcessor,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

import handlers
from bot import render, unit
from bot.config import Settings
from bot.context import SERVICES_KEY, Context, services_of
from bot.edge import jobs
from bot.edge.calls import EngageBot
from bot.edge.metrics import METRICS_KEY, Metrics, metrics_of
from bot.edge.poller import poll
from bot.edge.ratelimit import TelegramRateLimiter
from bot.edge.transport import build_request
from bot.edge.updates import ALLOWED_UPDATES
from bot.edge.web import serving, web_app
from bot.edge.worker import InboxWorker
from bot.i18n import locale_from_language_code
from bot.models.users import Role
from bot.sending import sender
from bot.services import Services
from handlers.broadcasts.recovery import report_unknown
from handlers.broadcasts.reports import READ
from handlers.commands import publish, publish_for

# Conversations are tracked per user and chat, not per message, on purpose: their steps mix
# text answers with buttons, and a button pressed on an older message of the flow must still
# reach it. PTB warns about exactly that combination when each ConversationHandler is built.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)

log = logging.getLogger(__name__)
HOOKS_KEY = "start_hooks"
App = Application[Any, Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
ProcessRole = Literal["web", "worker", "all"]


def freeze_startup() -> None:
    """Leave what start-up built out of every later garbage collection (once per process).

    Modules, table metadata, handlers and catalogs are over 160,000 tracked objects that
    live as long as the process; each full collection walked all of them: in the read run of
    ``bench/updates.py`` (``--no-freeze``) pauses of up to 143 ms, 387 ms in all; frozen, up to
    13 ms. Not for tests, which build many applications in one process.
    """
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def running(
    app: App, *, poll_timeout: int = 30, role: ProcessRole = "all"
) -> AsyncIterator[App]:
    """Start what ``role`` runs; on exit stop it in reverse order (pending writes committed).

    ``worker`` handles updates from the inbox and runs the scheduler and the broadcast outbox;
    ``web`` stores what the webhook receives; ``all`` is both, and with no ``webhook_url``
    fetches by long polling into the same inbox. PTB runs ``post_init``/``post_shutdown`` only
    from ``run_polling``; the bot, the sandbox, the tests and the benchmarks share this
    lifecycle instead, on a loop they own.
    """
    services = services_of(app)
    settings = services.settings
    webhook = settings.webhook_url is not None and role != "worker"
    if role == "web" and not webhook:
        raise ValueError("the web role needs ENGAGE_WEBHOOK_URL")
    async with AsyncExitStack() as stack:
        if role == "web":
            stack.push_async_callback(services.close)
            await app.bot.initialize()
            stack.push_async_callback(app.bot.shutdown)
        else:
            await stack.enter_async_context(_started(app))
            await stack.enter_async_context(_background(InboxWorker(app).run(), "inbox worker"))
        port = settings.webhook_port if webhook else settings.metrics_port
        if port is not None:
            page = web_app(services, metrics_of(app), webhook=webhook)
            await stack.enter_async_context(serving(page, host=settings.webhook_listen, port=port))
        if webhook:
            await app.bot.set_webhook(
                url=settings.webhook_url,
                secret_token=settings.secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
        elif role == "all":
            polling = poll(app, wait=poll_timeout)
            await stack.enter_async_context(_background(polling, "poller"))
        yield app


@asynccontextmanager
async def _started(app: App) -> AsyncIterator[None]:
    """Initialise and start the application, post-init and post-shutdown included."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        try:
            yield
        finally:
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@asynccontextmanager
async def _background(work: Coroutine[Any, Any, None], name: str) -> AsyncIterator[None]:
    """Run ``work`` beside the caller; cancel it and wait for its clean-up on exit."""
    task = asyncio.create_task(work, name=name)
    task.add_done_callback(_report_crash)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped", task.get_name(), exc_info=task.exception())


def build_application(settings: Settings, *, services: Services | None = None) -> App:
    """Wire PTB, the services and every feature's handlers for ``settings.bot_api_url``."""
    if not settings.token:
        raise ValueError("a bot token is needed; `engage run` starts the sandbox without one")
    services = services or Services.build(settings)
    # Replies, edits and broadcasts go out as raw calls on purpose: a handler's calls are data
    # kept until its commit (bot.unit.Call), and parsing a PTB Message from each answer was a
    # tenth of the CPU. PTB suggests its typed methods every time. Polling, too, keeps each
    # update as the JSON it came as.
    warnings.filterwarnings("ignore", r"Please use 'Bot\.\w+'", PTBUserWarning)
    metrics = Metrics()
    bot = EngageBot(
        settings.token,
        base_url=f"{settings.bot_api_url}/bot",
        base_file_url=f"{settings.bot_api_url}/file/bot",
        request=_request(settings, pool_size=64, pool_timeout=30),
        get_updates_request=_request(settings, pool_size=1, pool_timeout=1),
        rate_limiter=TelegramRateLimiter(
            overall_rate=settings.global_rate,
            chat_rate=settings.per_chat_rate,
            chat_burst=settings.per_chat_burst,
            max_retries=settings.max_retries,
            on_retry_after=metrics.throttle,
        ),
    )
    app: App = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=Context))
        # The inbox hands out each sender's updates one at a time and in order (its chat key
        # is the sender), in this process and across workers; the processor only bounds how
        # many run at once.
        .concurrent_updates(SimpleUpdateProcessor(settings.max_concurrent_updates))
        .updater(None)  # updates come from the inbox (bot.edge.poller or the webhook)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data[SERVICES_KEY] = services
    app.bot_data[METRICS_KEY] = metrics
    app.bot_data[HOOKS_KEY] = handlers.register(app)
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
    await sender.start(app, read_data=READ.build, unknown=partial(report_unknown, app))
    await jobs.start(app)


async def _post_shutdown(app: App) -> None:
    services = services_of(app)
    await services.close()


async def on_error(update: object, context: Context) -> None:
    """Log the failure, undo what the update wrote, and tell the user so, in their language.

    The update's writes are rolled back with its unit of work, so the message says that what
    they just sent was not saved (and their earlier answers are). A press is answered once:
    by the handler's own answer if it queued one, else here. No handler runs after this one.
    """
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s from user %s failed", update_id, user_id, exc_info=context.error)
    work = unit.current()
    answered = work is not None and work.answered
    if work is not None:
        await work.abandon()
    if isinstance(update, Update):
        metrics_of(context.application).failed.inc()
    if not isinstance(update, Update) or update.effective_chat is None:
        raise ApplicationHandlerStop
    locale = await _locale(context, update)
    text = context.services.i18n.translator(locale)("errors.not_saved")
    try:
        if update.callback_query and not answered:
            await render.answer(update)
        await render.send(context, update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("could not report the error to user %s: %s", user_id, html.escape(str(exc)))
    raise ApplicationHandlerStop


async def _locale(context: Context, update: Update) -> str | None:
    """The language the user chose, else their Telegram's (the database may be what failed)."""
    sender = update.effective_user
    if sender is None:
        return None
    if context.user is not None:
        return context.user.locale
    try:
        with unit.outside():
            found = await context.services.users.find(user_id=sender.id)
    except Exception as exc:  # the failure may be the database itself: say it all the same
        log.warning("no locale for user %s: %s", sender.id, exc)
        found = None
    return found.locale if found else locale_from_language_code(sender.language_code)
