"""Per-bot state: identity, pending updates (long polling or webhook), settings."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.spec import BUILTIN_UPDATES
from bot.sandbox.webhook import Webhook, WebhookDelivery

if TYPE_CHECKING:
    from bot.sandbox.users import SimUser

__all__ = ["NOT_BY_DEFAULT", "BotAccount", "PendingUpdate"]

log = logging.getLogger(__name__)

# Left out of what Telegram sends when allowed_updates was never set (or set to []).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
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


def make_token(bot_id: int, username: str) -> str:
    """Return a stable, Telegram-shaped token for a bot."""
    digest = hashlib.sha256(f"{bot_id}:{username}".encode()).hexdigest()
    return f"{bot_id}:AA{digest[:33]}"


class BotAccount:
    """One bot known to the emulator."""

    def __init__(
        self,
        bot_id: int,
        username: str,
        first_name: str | None = None,
        *,
        update_types: frozenset[str] = BUILTIN_UPDATES,
    ) -> None:
        """Create the bot with a deterministic token; ``update_types`` are api.json's."""
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
        self.update_types = update_types
        self.default_updates = update_types - NOT_BY_DEFAULT
        self.allowed: frozenset[str] = self.default_updates
        self.wake = asyncio.Event()
        self.poll_generation = 0
        self.polling = False
        self.abandoned = -1  # the generation of a poll whose process was killed
        self.webhook: Webhook | None = None
        self.delivery: WebhookDelivery | None = None
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
        if self.delivery is not None:
            self.delivery.kick.set()
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
                pending.user.delivered(pending.update_id, now)
            self.delivered_upto = max(self.delivered_upto, pending.update_id)
        self.last_delivery = now
        return batch

    def abandon_poll(self) -> None:
        """The process whose getUpdates is waiting was killed: its poll ends without a 409.

        Telegram answers the dead connection with a conflict nobody reads; here the next
        process's poll would count as a second bot running.
        """
        self.abandoned = self.poll_generation

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
                    if generation == self.abandoned:  # its process is gone: nobody reads it
                        return []
                    raise ApiError(409, CONFLICT_POLL, kind="conflict")
                if self.webhook is not None:
                    return []
        finally:
            if generation == self.poll_generation:
                self.polling = False

    def set_allowed(self, allowed: Any) -> None:
        """Apply an ``allowed_updates`` list (an empty list restores the default).

        Names are matched without case, as Telegram does. A name that is no update type is
        refused: Telegram skips it, and the bot would never get the updates it meant.
        """
        if allowed is None:
            return
        if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
            raise bad_request("can't parse allowed_updates JSON array")
        names = frozenset(a.lower() for a in allowed)
        unknown = sorted(names - self.update_types)
        if unknown:
            raise bad_request(f"allowed_updates: unknown update type {unknown[0]!r}")
        self.allowed = names or self.default_updates

    # -- webhook ---------------------------------------------------------
    def start_webhook(self, hook: Webhook, on_reply: Callable[[BotAccount, bytes], None]) -> None:
        """Start delivering updates to ``hook`` (replacing any previous webhook)."""
        self.stop_webhook()
        self.webhook = hook
        self.delivery = WebhookDelivery(self, hook, on_reply)
        self.wake.set()

    def stop_webhook(self) -> None:
        """Stop webhook delivery."""
        delivery, self.delivery, self.webhook = self.delivery, None, None
        if delivery is not None:
            delivery.stop()

    def delivered(self, pending: PendingUpdate) -> None:
        """Forget an update the webhook answered with a 2xx."""
        with contextlib.suppress(ValueError):
            self.updates.remove(pending)
        undelivered = self.updates[0].update_id if self.updates else self.next_update_id
        self.delivered_upto = max(self.delivered_upto, undelivered - 1)
        self.last_delivery = time.monotonic()
        if pending.user is not None:
            pending.user.delivered(pending.update_id, self.last_delivery)

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
            if self.allowed != self.default_updates:
                info["allowed_updates"] = sorted(self.allowed)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info
