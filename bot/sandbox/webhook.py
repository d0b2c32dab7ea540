"""Webhook delivery as Telegram's Bot API server does it, and ``setWebhook``'s checks.

Each chat is a queue: its next update is posted only once the previous one was answered with
a 2xx, and up to ``max_connections`` chats are posted to at once. An update that fails (another
status, or no answer) is posted again, at once the first time and then after a back-off that
doubles; a ``Retry-After`` header on the failed answer sets the wait instead. A failing update
holds back only the later updates of its own chat. Telegram backs off from 2 seconds to a
minute or two; the emulator from 50 ms to 2 s, so that tests wait milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import ssl
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from bot.sandbox.errors import bad_request

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.sandbox.botstate import BotAccount, PendingUpdate
    from bot.sandbox.params import Params

__all__ = ["Webhook", "WebhookDelivery", "webhook_from"]

RETRY_FIRST = 0.05
RETRY_MAX = 2.0
RETRY_AFTER_MAX = 3600  # Telegram waits at most an hour, whatever Retry-After says
REQUEST_TIMEOUT = 60.0
_PORTS = frozenset({80, 88, 443, 8443})
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(slots=True)
class Webhook:
    """What ``setWebhook`` set, and the last delivery error (``getWebhookInfo``)."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class _Retry:
    """How one failing update is being retried."""

    fails: int = 0
    delay: float = 0.0
    due: float = 0.0


def _loopback(host: str) -> bool:
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_url(url: str) -> str:
    """The URL if Telegram would post to it; on the loopback (tests) http and any port too."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad_request("invalid webhook URL specified") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("invalid webhook URL specified")
    if _loopback(parts.hostname):
        return url
    if parts.scheme != "https":
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    if port is not None and port not in _PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    return url


def webhook_from(p: Params) -> Webhook:
    """The webhook ``setWebhook`` asks for, refused as api.json's limits say it must be."""
    url = _checked_url(p.string("url") or "")
    secret = p.string("secret_token") or None
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    connections = p.integer("max_connections", 40)
    if connections is None or not 1 <= connections <= 100:
        raise bad_request("max_connections must be between 1 and 100")
    return Webhook(url, secret, connections)


def _retry_after(response: httpx.Response) -> int:
    value = response.headers.get("Retry-After", "").strip()
    return min(int(value), RETRY_AFTER_MAX) if value.isdigit() else 0


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "Connection refused"
    if isinstance(exc, httpx.TimeoutException):
        return "Read timeout expired"
    return f"Connection failed: {exc}"


class WebhookDelivery:
    """Posts one bot's pending updates to its webhook until stopped."""

    def __init__(
        self, bot: BotAccount, hook: Webhook, on_reply: Callable[[BotAccount, bytes], None]
    ) -> None:
        """Deliver ``bot``'s updates to ``hook``; ``on_reply`` runs a method in an answer body."""
        self.bot, self.hook, self.on_reply = bot, hook, on_reply
        self.kick = asyncio.Event()
        self.sending: dict[int, asyncio.Task[None]] = {}  # chat -> the post in flight
        self.retries: dict[int, _Retry] = {}  # update_id -> its retry
        self.connections: list[httpx.AsyncClient] = []  # idle ones
        self.opened: list[httpx.AsyncClient] = []
        self.headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            self.headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        self.task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        """Stop posting; updates not answered yet stay pending."""
        self.task.cancel()

    async def _run(self) -> None:
        try:
            while True:
                self.kick.clear()
                wait = self._start_due()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.kick.wait(), wait)
        finally:
            posts = list(self.sending.values())
            for task in posts:
                task.cancel()
            await asyncio.gather(*posts, return_exceptions=True)
            for client in self.opened:
                await client.aclose()

    def _start_due(self) -> float | None:
        """Post the first pending update of each idle chat; return the seconds to the next retry."""
        now = time.monotonic()
        held: set[int] = set(self.sending)
        soonest: float | None = None
        for pending in self.bot.updates:
            if len(self.sending) >= self.hook.max_connections:
                break
            chat = _queue(pending)
            if chat in held:
                continue
            held.add(chat)
            retry = self.retries.get(pending.update_id)
            if retry is not None and retry.due > now:
                wait = retry.due - now
                soonest = wait if soonest is None else min(soonest, wait)
                continue
            self.sending[chat] = asyncio.create_task(self._post(chat, pending))
        return soonest

    def _connection(self) -> httpx.AsyncClient:
        """An idle keep-alive connection, or a new one (there are at most max_connections).

        One client per connection: httpx's own pool looks over every connection for every
        request, which at 40 connections costs more than the request.
        """
        if self.connections:
            return self.connections.pop()
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        client = httpx.AsyncClient(
            limits=limits, timeout=httpx.Timeout(REQUEST_TIMEOUT), verify=_tls()
        )
        self.opened.append(client)
        return client

    async def _post(self, chat: int, pending: PendingUpdate) -> None:
        body = json.dumps(pending.data, ensure_ascii=False).encode()
        client = self._connection()
        try:
            response = await client.post(self.hook.url, content=body, headers=self.headers)
        except httpx.HTTPError as exc:
            self._failed(pending, _describe(exc), 0)
        else:
            if 200 <= response.status_code < 300:
                self.retries.pop(pending.update_id, None)
                self.bot.delivered(pending)
                if response.content:
                    self.on_reply(self.bot, response.content)
            else:
                error = (
                    f"Wrong response from the webhook: {response.status_code} "
                    f"{response.reason_phrase}"
                )
                self._failed(pending, error, _retry_after(response))
        finally:
            self.connections.append(client)
            self.sending.pop(chat, None)
            self.kick.set()

    def _failed(self, pending: PendingUpdate, error: str, retry_after: int) -> None:
        """Note the error; the update is posted again after its back-off or ``retry_after``."""
        self.hook.last_error_date, self.hook.last_error_message = int(time.time()), error
        retry = self.retries.setdefault(pending.update_id, _Retry())
        if retry_after > 0:
            wait = float(retry_after)
        elif retry.fails == 0:
            wait = 0.0
        else:
            retry.delay = min(RETRY_MAX, max(RETRY_FIRST, retry.delay * 2))
            wait = retry.delay
        retry.fails += 1
        retry.due = time.monotonic() + wait


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every connection (loading the CA bundle takes 20 ms)."""
    return ssl.create_default_context()


def _queue(pending: PendingUpdate) -> int:
    """The queue an update waits in: its private chat (its own, for one without a user)."""
    return pending.user.id if pending.user is not None else -pending.update_id
