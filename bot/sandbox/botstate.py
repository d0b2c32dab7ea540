"""Per-bot state: identity, pending updates (long polling or webhook), settings."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import ApiError

if TYPE_CHECKING:
    from bot.sandbox.users import SimUser

__all__ = ["DEFAULT_UPDATES", "BotAccount", "PendingUpdate", "Webhook"]

log = logging.getLogger(__name__)

ALL_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# What Telegram sends when allowed_updates was never set (or set to []).
DEFAULT_UPDATES = ALL_UPDATES - {"chat_member", "message_reaction", "message_reaction_count"}
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@dataclass(slots=True)
class PendingUpdate:
    """An update waiting to be fetched, with the user it concerns."""

    update_id: int
    data: dict[str, Any]
    user: SimUser | None


@dataclass(slots=True)
class Webhook:
    """Webhook settings and delivery status."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


def make_token(bot_id: int, username: str) -> str:
    """Return a stable, Telegram-shaped token for a bot."""
    digest = hashlib.sha256(f"{bot_id}:{username}".encode()).hexdigest()
    return f"{bot_id}:AA{digest[:33]}"


class BotAccount:
    """One bot known to the emulator."""

    def __init__(self, bot_id: int, username: str, first_name: str | None = None) -> None:
        """Create the bot with a deterministic token."""
        self.id = bot_id
        self.username = username
        self.token = make_token(bot_id, username)
        name = first_name or username.removesuffix("_bot").replace("_", " ").title()
        self.user_json: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": name,
            "username": username,
        }
        self.chats: dict[int, SimUser] = {}
        self.updates: deque[PendingUpdate] = deque()
        self.next_update_id = 100_000_001
        self.delivered_upto = self.next_update_id - 1
        self.allowed: frozenset[str] = DEFAULT_UPDATES
        self.wake = asyncio.Event()
        self.poll_generation = 0
        self.polling = False
        self.webhook: Webhook | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.texts: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.last_delivery = 0.0

    def me(self) -> dict[str, Any]:
        """Return the getMe User object."""
        return {
            **self.user_json,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- updates ---------------------------------------------------------
    def push(self, kind: str, payload: dict[str, Any], user: SimUser | None) -> int | None:
        """Queue an update of ``kind``; return its id, or None if allowed_updates filters it out."""
        if kind not in self.allowed:
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append(PendingUpdate(update_id, {"update_id": update_id, kind: payload}, user))
        self.wake.set()
        return update_id

    def confirm(self, offset: int) -> None:
        """Forget updates before ``offset`` (negative: keep only the last -offset)."""
        updates = self.updates
        if offset < 0:
            while len(updates) > -offset:
                self.delivered_upto = max(self.delivered_upto, updates.popleft().update_id)
            return
        while updates and updates[0].update_id < offset:
            updates.popleft()

    def drop_pending(self) -> None:
        """Forget all pending updates (drop_pending_updates)."""
        self.updates.clear()
        self.delivered_upto = self.next_update_id - 1

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Return up to ``limit`` pending updates and mark them delivered."""
        if not self.updates:
            return []
        batch: list[dict[str, Any]] = []
        now = time.monotonic()
        for pending in self.updates:
            if len(batch) >= limit:
                break
            batch.append(pending.data)
            if pending.user is not None:
                pending.user.touch(now)
            self.delivered_upto = max(self.delivered_upto, pending.update_id)
        self.last_delivery = now
        return batch

    async def long_poll(self, limit: int, seconds: float) -> list[dict[str, Any]]:
        """Wait up to ``seconds`` for updates (one poller at a time, like Telegram)."""
        if self.polling:
            self.poll_generation += 1
            self.wake.set()
            await asyncio.sleep(0)
        generation = self.poll_generation
        self.polling = True
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.wake.clear()
                batch = self.take(limit)
                if batch:
                    return batch
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), remaining)
                if generation != self.poll_generation:
                    raise ApiError(409, CONFLICT_POLL, kind="conflict")
                if self.webhook is not None:
                    return []
        finally:
            if generation == self.poll_generation:
                self.polling = False

    def set_allowed(self, allowed: Any) -> None:
        """Apply an ``allowed_updates`` list (an empty list restores the default)."""
        if allowed is None:
            return
        if not isinstance(allowed, list):
            raise ApiError(400, "Bad Request: can't parse allowed_updates JSON array")
        self.allowed = frozenset(str(a) for a in allowed) & ALL_UPDATES or DEFAULT_UPDATES

    # -- webhook ---------------------------------------------------------
    def start_webhook(self, hook: Webhook, on_reply: Any) -> None:
        """Start delivering updates to ``hook`` (replacing any previous webhook)."""
        self.stop_webhook()
        self.webhook = hook
        hook.task = asyncio.get_running_loop().create_task(self._deliver(hook, on_reply))
        self.wake.set()

    def stop_webhook(self) -> None:
        """Stop webhook delivery."""
        hook, self.webhook = self.webhook, None
        if hook is not None and hook.task is not None:
            hook.task.cancel()

    async def _deliver(self, hook: Webhook, on_reply: Any) -> None:
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        client = AsyncHTTPClient(force_instance=True)
        backoff = 0.05
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            while self.webhook is hook:
                if not self.updates:
                    self.wake.clear()
                    await self.wake.wait()
                    continue
                pending = self.updates[0]
                body = json.dumps(pending.data, ensure_ascii=False).encode()
                request = HTTPRequest(
                    hook.url, method="POST", body=body, headers=headers, request_timeout=60
                )
                error: str | None = None
                try:
                    response = await client.fetch(request, raise_error=False)
                    if 200 <= response.code < 300:
                        if self.updates and self.updates[0] is pending:
                            self.updates.popleft()
                        self.delivered_upto = max(self.delivered_upto, pending.update_id)
                        self.last_delivery = time.monotonic()
                        if pending.user is not None:
                            pending.user.touch(self.last_delivery)
                        backoff = 0.05
                        if response.body:
                            on_reply(self, response.body)
                        continue
                    error = f"Wrong response from the webhook: {response.code} {response.reason}"
                except OSError as exc:
                    error = f"Connection failed: {exc}"
                hook.last_error_date, hook.last_error_message = int(time.time()), error
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
        finally:
            client.close()

    def webhook_info(self) -> dict[str, Any]:
        """Return the WebhookInfo object."""
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        hook = self.webhook
        if hook is not None:
            info["url"] = hook.url
            info["max_connections"] = hook.max_connections
            if self.allowed != DEFAULT_UPDATES:
                info["allowed_updates"] = sorted(self.allowed)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info
