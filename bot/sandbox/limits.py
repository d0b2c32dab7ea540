"""Flood control (token buckets) and injected faults."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from bot.sandbox.errors import ApiError

__all__ = ["Faults", "RateLimiter", "TokenBucket"]

_SLACK = 0.05  # seconds of tolerance when judging "sent during retry_after"


class TokenBucket:
    """A token bucket refilled at ``rate`` tokens per second up to ``burst``."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        """Create a full bucket."""
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.stamp = float(burst), now

    def wait_time(self, now: float, n: int) -> float:
        """Return seconds until ``n`` tokens are available (0 if they are now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        missing = n - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.rate

    def take(self, n: int) -> None:
        """Consume ``n`` tokens (call after ``wait_time`` returned 0)."""
        self.tokens -= n


def too_many(retry_after: float, *, fault: bool, kind: str = "rate_limit") -> ApiError:
    """Return Telegram's 429 answer with a whole-second retry_after of at least 1."""
    seconds = max(1, math.ceil(retry_after - 1e-9))
    return ApiError(
        429,
        f"Too Many Requests: retry after {seconds}",
        parameters={"retry_after": seconds},
        kind=kind,
        fault=fault,
    )


class RateLimiter:
    """Overall and per-chat limits for methods that send or edit messages."""

    def __init__(
        self,
        global_rate: float | None,
        global_burst: int,
        chat_rate: float | None,
        chat_burst: int,
    ) -> None:
        """Configure the limits; a rate of None disables that limit."""
        now = time.monotonic()
        self.global_bucket = TokenBucket(global_rate, global_burst, now) if global_rate else None
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.chats: dict[int, TokenBucket] = {}
        self.global_until = 0.0
        self.chat_until: dict[int, float] = {}

    def consume(self, chat_id: int, n: int = 1) -> None:
        """Take ``n`` tokens for ``chat_id`` or raise the 429 Telegram would answer."""
        now = time.monotonic()
        until = max(self.global_until, self.chat_until.get(chat_id, 0.0))
        if now < until - _SLACK:
            raise too_many(until - now, fault=True, kind="ignored_retry_after")
        chat_bucket: TokenBucket | None = None
        wait = 0.0
        if self.chat_rate:
            chat_bucket = self.chats.get(chat_id)
            if chat_bucket is None:
                chat_bucket = self.chats[chat_id] = TokenBucket(
                    self.chat_rate, self.chat_burst, now
                )
            wait = chat_bucket.wait_time(now, min(n, self.chat_burst))
            if wait:
                self.chat_until[chat_id] = now + max(1, math.ceil(wait))
        gbucket = self.global_bucket
        if gbucket is not None and not wait:
            wait = gbucket.wait_time(now, min(n, int(gbucket.burst)))
            if wait:
                self.global_until = now + max(1, math.ceil(wait))
        if wait:
            raise too_many(wait, fault=True)
        if chat_bucket is not None:
            chat_bucket.take(n)
        if gbucket is not None:
            gbucket.take(n)

    def note_injected(self, chat_id: int | None, retry_after: int) -> None:
        """Remember an injected 429 so that ignoring it is flagged too."""
        if chat_id is not None:
            self.chat_until[chat_id] = time.monotonic() + retry_after


@dataclass(slots=True)
class _Failure:
    error_code: int
    description: str
    parameters: dict[str, int] | None


class Faults:
    """One-off failures and random 429s requested by a test."""

    def __init__(self, seed: int | None = None) -> None:
        """Create an empty fault plan; ``seed`` makes probabilities reproducible."""
        self.rng = random.Random(seed)
        self.once: dict[str, list[_Failure]] = {}
        self.p429 = 0.0
        self.n429 = 0
        self.retry_after = 1
        self.p_drop = 0.0
        self.dropped = 0
        self.injected = 0  # 429s answered so far

    def fail_next(
        self, method: str, error_code: int, description: str, parameters: dict[str, int] | None
    ) -> None:
        """Queue one failure for the next call of ``method``."""
        self.once.setdefault(method.lower(), []).append(
            _Failure(error_code, description, parameters)
        )

    def inject_429(self, probability: float | None, count: int | None, retry_after: int) -> None:
        """Make sending methods answer 429 (a number of times or with a probability)."""
        self.p429 = probability or 0.0
        self.n429 = count or 0
        self.retry_after = retry_after

    def drop_connections(self, probability: float) -> None:
        """Carry out sending calls, then drop the connection instead of answering, at random."""
        self.p_drop = probability

    def roll_drop(self) -> bool:
        """Whether this answer is lost (the call was carried out all the same)."""
        if not (self.p_drop and self.rng.random() < self.p_drop):
            return False
        self.dropped += 1
        return True

    def pop_failure(self, method: str) -> ApiError | None:
        """Return the queued failure for ``method`` (lower-case), if any."""
        queue = self.once.get(method)
        if not queue:
            return None
        failure = queue.pop(0)
        return ApiError(
            failure.error_code, failure.description, parameters=failure.parameters, fault=False
        )

    def roll_429(self) -> ApiError | None:
        """Return an injected 429 if one is due now."""
        if self.n429 > 0:
            self.n429 -= 1
        elif not (self.p429 and self.rng.random() < self.p429):
            return None
        self.injected += 1
        return too_many(self.retry_after, fault=False)
