"""When the broadcast sender may make its next call: at the overall rate, with few calls in flight.

Sends are let through at the bot's overall rate by a token bucket like the rate limiter's own,
so the limiter stays saturated without a queue of its own. How many calls may be in flight is
adjusted the way TCP Vegas adjusts its window: while calls take about as long as the fastest
recent one, the limit grows whenever a send had to wait for room; once they take much longer,
requests are queueing somewhere (in the HTTP client's pool or on a busy server) and the limit
shrinks. A far-away Telegram thus gets many calls in flight and a local emulator few.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque

from bot.edge.ratelimit import Bucket

CREEP = 1.001  # the fastest-call floor rises slowly, to follow a route that got slower
QUEUEING = 2.0  # calls this many times slower than the floor mean requests are queueing
TOLERANCE = 0.005  # seconds of slowness too small to call queueing


class Admission:
    """Admits one send at a time; ``halt`` turns away everyone still waiting."""

    def __init__(self, rate: float, *, ceiling: int = 48, start: float = 4.0) -> None:
        self._bucket = Bucket(rate, min(30.0, rate))
        self._ceiling = ceiling
        self.limit = start
        self._fastest = float("inf")
        self._recent = 0.0
        self._next_cut = 0.0
        self._busy = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._halted = asyncio.Event()

    async def enter(self) -> bool:
        """Wait for this call's slot and for room in flight; False when halted first."""
        delay = self._bucket.reserve()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._halted.wait()
        if self._busy >= int(self.limit) and not self._halted.is_set():
            turn = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
            try:
                await turn  # the place is handed over by ``_hand_over``, already counted
            except asyncio.CancelledError:
                self._give_back(turn)
                raise
            return not self._halted.is_set()
        if self._halted.is_set():
            return False
        self._busy += 1
        return True

    def _hand_over(self) -> None:
        """Give free places to the sends waiting longest."""
        while self._waiting and (self._busy < int(self.limit) or self._halted.is_set()):
            turn = self._waiting.popleft()
            if not turn.done():
                self._busy += 0 if self._halted.is_set() else 1
                turn.set_result(None)

    def _give_back(self, turn: asyncio.Future[None]) -> None:
        if turn in self._waiting:
            self._waiting.remove(turn)
        elif not self._halted.is_set():
            self._busy -= 1  # handed a place just as it was cancelled

    def leave(self, seconds: float) -> None:
        """A call took ``seconds``: make room, and adjust the limit to what that says."""
        self._busy -= 1
        self._fastest = min(seconds, self._fastest * CREEP)
        self._recent = 0.8 * self._recent + 0.2 * seconds if self._recent else seconds
        if self._recent > QUEUEING * self._fastest + TOLERANCE:
            now = time.monotonic()
            if now >= self._next_cut:  # at most once per round trip
                self.limit = max(2.0, self.limit * 0.75)
                self._next_cut = now + self._recent
        elif self._waiting:  # sends are waiting for room: one more in flight per round trip
            self.limit = min(float(self._ceiling), self.limit + 1 / self.limit)
        self._hand_over()

    def halt(self) -> None:
        """Turn away every send not yet under way (the bot is stopping)."""
        self._halted.set()
        self._hand_over()
