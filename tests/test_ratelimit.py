"""The outgoing limiter paces sends like Telegram requires and waits out 429s."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.edge.ratelimit import Bucket, TelegramRateLimiter


def test_bucket_allows_a_burst_then_paces() -> None:
    """Three messages go at once, the fourth waits about a second."""
    bucket = Bucket(rate=1.0, capacity=3)
    waits = [bucket.reserve() for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.9 < waits[3] <= 1.0


async def test_limiter_paces_one_chat_but_not_calls_without_chat() -> None:
    """Five sends to one chat take about two seconds; getMe is never held back."""
    limiter = TelegramRateLimiter(chat_rate=1.0, chat_burst=3)
    calls: list[float] = []

    async def call() -> dict[str, Any]:
        calls.append(time.monotonic())
        return {}

    start = time.monotonic()
    await asyncio.gather(
        *(
            limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, None)
            for _ in range(5)
        )
    )
    assert 1.8 < time.monotonic() - start < 3.0
    start = time.monotonic()
    await limiter.process_request(call, (), {}, "getMe", {}, None)
    assert time.monotonic() - start < 0.1


async def test_limiter_waits_out_retry_after_and_retries() -> None:
    """A 429 pauses sending for retry_after, then the call is made again."""
    limiter = TelegramRateLimiter(max_retries=2)
    attempts: list[float] = []

    async def flaky() -> dict[str, Any]:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise RetryAfter(1)
        return {"ok": True}

    result = await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert result == {"ok": True}
    assert attempts[1] - attempts[0] >= 1.0


async def test_limiter_gives_up_after_max_retries() -> None:
    """A chat that keeps answering 429 raises after the configured retries."""
    limiter = TelegramRateLimiter(max_retries=0)

    async def always() -> dict[str, Any]:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.process_request(always, (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_sends_held_by_a_429_leave_at_the_overall_rate_afterwards() -> None:
    """Requests that queued up behind a 429 do not all fire the moment it ends."""
    limiter = TelegramRateLimiter(overall_rate=10.0, overall_burst=2, max_retries=1)
    sent: list[float] = []
    refused = False

    async def call() -> dict[str, Any]:
        nonlocal refused
        if not refused:
            refused = True
            raise RetryAfter(1)
        sent.append(time.monotonic())
        return {}

    start = time.monotonic()
    await asyncio.gather(
        *(
            limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
            for chat in range(1, 7)
        )
    )
    assert min(sent) - start >= 1.0
    gaps = [b - a for a, b in zip(sorted(sent), sorted(sent)[1:], strict=False)]
    assert len(sent) == 6
    assert sum(gaps) >= 0.3  # six sends with a burst of two need at least four intervals


async def test_sends_that_fell_behind_a_busy_moment_still_leave_at_the_overall_rate() -> None:
    """When the event loop is held up for 0.2 s, the sends it delayed do not all leave at once."""
    limiter = TelegramRateLimiter(overall_rate=100.0, overall_burst=5)
    sent: list[float] = []

    async def call() -> dict[str, Any]:
        sent.append(time.monotonic())
        if len(sent) == 10:
            time.sleep(0.2)  # noqa: ASYNC251 (holding the loop up is the point)
        return {}

    await asyncio.gather(
        *(
            limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
            for chat in range(1, 41)
        )
    )
    most_in_20_ms = max(sum(1 for t in sent if s <= t < s + 0.02) for s in sent)
    assert len(sent) == 40
    assert most_in_20_ms <= 5 + 2 + 1  # the burst, what 20 ms at 100/s adds, and rounding


async def test_a_send_cancelled_while_waiting_for_its_turn_gives_it_up() -> None:
    """A cancelled waiter is skipped, and the sends behind it still go."""
    limiter = TelegramRateLimiter(overall_rate=20.0, overall_burst=1)
    sent: list[int] = []

    async def call(chat: int) -> dict[str, Any]:
        sent.append(chat)
        return {}

    tasks = [
        asyncio.create_task(
            limiter.process_request(call, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
        )
        for chat in range(1, 5)
    ]
    await asyncio.sleep(0.01)
    tasks[1].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert sent == [1, 3, 4]
