"""Keep Telegram's flood limits for every outgoing call, and wait out 429s instead of failing.

PTB's ``AIORateLimiter`` knows the overall and group limits but not the limit of about one
message a second per private chat, and retries nothing on 429 by default. This limiter uses
token buckets with reservations for each chat: each request is given the earliest slot it may
use. The overall limit is kept by a ``Pacer``, which judges the bucket when a request actually
leaves: after the event loop was held up for a moment, the requests that fell behind leave at
the overall rate, not all together (at 1,000 messages/s a 30 ms hiccup would otherwise put 30
requests on the wire at once).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
JSONDict = dict[str, Any]
_COUNTED_PREFIXES = ("send", "edit", "copy", "forward", "stop")
_NOT_COUNTED = frozenset({"sendChatAction"})
# Requests leave in order but arrive with network jitter; pacing 2% under each limit keeps
# two sends that left exactly one interval apart from arriving a hair too close.
SAFETY = 0.98


class Bucket:
    """A token bucket that hands out future slots instead of refusing."""

    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = time.monotonic()

    def reserve(self, cost: float = 1.0) -> float:
        """Take ``cost`` tokens now; return how long the caller must wait before using them."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= cost
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self) -> bool:
        """Whether the bucket has refilled completely (and can be forgotten)."""
        return self.tokens + (time.monotonic() - self.updated) * self.rate >= self.capacity

    def take(self, cost: float) -> float:
        """Take ``cost`` tokens if they are there now (0.0); else how long until they are."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= cost - 1e-6:
            self.tokens -= cost
            return 0.0
        return (cost - self.tokens) / self.rate


class Pacer:
    """Lets requests go at ``rate``, at most ``capacity`` at once, first come first served."""

    def __init__(self, rate: float, capacity: float) -> None:
        self._bucket = Bucket(rate, capacity)
        self._queue: deque[tuple[float, asyncio.Future[None]]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    async def wait(self, cost: float = 1.0) -> None:
        """Return when this request may leave."""
        cost = min(cost, self._bucket.capacity)
        if not self._queue and not self._bucket.take(cost):
            return
        turn = asyncio.get_running_loop().create_future()
        self._queue.append((cost, turn))
        if self._timer is None:
            self._release()
        try:
            await turn
        except asyncio.CancelledError:
            if not turn.done():
                turn.cancel()  # skipped by ``_release``
            raise

    def _release(self) -> None:
        """Let through whoever the bucket has tokens for now, and come back for the rest."""
        self._timer = None
        while self._queue:
            cost, turn = self._queue[0]
            if turn.done():
                self._queue.popleft()
                continue
            wait = self._bucket.take(cost)
            if wait:
                self._timer = asyncio.get_running_loop().call_later(wait, self._release)
                return
            self._queue.popleft()
            turn.set_result(None)


class TelegramRateLimiter(BaseRateLimiter[int]):
    """About 30 messages/s overall, about 1/s per private chat, 20/min per group; 429s honoured."""

    def __init__(
        self,
        *,
        overall_rate: float = 30.0,
        overall_burst: float = 10.0,
        chat_rate: float = 1.0,
        chat_burst: float = 2.0,
        group_per_minute: float = 20.0,
        max_retries: int = 5,
        on_retry_after: Callable[[float], None] | None = None,
    ) -> None:
        self._on_retry_after = on_retry_after
        self._overall = Pacer(overall_rate * SAFETY, overall_burst)
        self._chat_rate, self._chat_burst = chat_rate * SAFETY, chat_burst
        self._group_rate = group_per_minute / 60 * SAFETY
        self._chats: dict[int | str, Bucket] = {}
        self._max_retries = max_retries
        self._paused_until = 0.0
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._resume: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Release anyone still waiting out a pause."""
        if self._resume is not None:
            self._resume.cancel()
        self._resumed.set()

    def _chat_bucket(self, chat_id: int | str) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= 4096:
                self._chats = {k: b for k, b in self._chats.items() if not b.idle()}
            private = isinstance(chat_id, int) and chat_id > 0
            bucket = (
                Bucket(self._chat_rate, self._chat_burst)
                if private
                else Bucket(self._group_rate, 20.0)
            )
            self._chats[chat_id] = bucket
        return bucket

    async def _wait_for_slot(self, chat_id: int | str, cost: float) -> None:
        """Take the chat's slot, then an overall slot outside any 429 pause.

        The overall slot is taken only after a pause ends, so requests queued during a
        long pause leave at the overall rate instead of all at once; a pause that begins
        while a request waits for its slot sends it back to wait again.
        """
        await asyncio.sleep(self._chat_bucket(chat_id).reserve(cost))
        while True:
            await self._resumed.wait()
            await self._overall.wait(cost)
            if self._resumed.is_set():
                return

    def _pause(self, seconds: float) -> None:
        """Hold every counted request until ``seconds`` (plus a margin) have passed."""
        until = time.monotonic() + seconds + 0.1
        if until <= self._paused_until:
            return
        self._paused_until = until
        self._resumed.clear()
        if self._resume is not None:
            self._resume.cancel()
        self._resume = asyncio.get_running_loop().call_later(
            until - time.monotonic(), self._resumed.set
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a slot when the call sends a message, then call; on 429 wait and retry."""
        chat_id = data.get("chat_id")
        counted = (
            chat_id is not None
            and endpoint.startswith(_COUNTED_PREFIXES)
            and endpoint not in _NOT_COUNTED
        )
        cost = float(len(data.get("media") or ())) or 1.0
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        for attempt in range(retries + 1):
            if counted:
                await self._wait_for_slot(chat_id, cost)  # type: ignore[arg-type]
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = exc.retry_after
                seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
                self._pause(seconds)
                if self._on_retry_after is not None:
                    self._on_retry_after(seconds)
                log.warning(
                    "429 on %s: waiting %.1f s (attempt %d)", endpoint, seconds, attempt + 1
                )
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")
