"""Callback-query bookkeeping, violation checks and event subscriptions of the emulator."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import QUERY_TOO_OLD, ApiError, ApiViolation, bad_request
from bot.sandbox.models import CallbackAnswer

if TYPE_CHECKING:
    from bot.sandbox.users import SimUser

__all__ = ["Checks"]


@dataclass(slots=True)
class _PendingCallback:
    user: SimUser
    data: str | None
    sent: float
    timer: asyncio.TimerHandle | None


class Checks:
    """Callback queries, violations and events; mixed into ``Emulator``."""

    def __init__(self, callback_answer_timeout: float) -> None:
        """Start with no violations, callbacks or subscribers."""
        self.callback_answer_timeout = callback_answer_timeout
        self.violations: list[ApiViolation] = []
        self.expected_violations: list[ApiViolation] = []
        self._query_ids = itertools.count(4_200_000_000_000_000_001)
        self._callbacks: dict[str, _PendingCallback] = {}
        self._expired: set[str] = set()
        self._subscribers: list[asyncio.Queue[dict[str, Any] | None]] = []

    # -- callback queries ----------------------------------------------------
    def new_callback(self, user: SimUser, message: dict[str, Any], data: str | None) -> str:
        """Create a callback query update for ``user`` pressing a button on ``message``.

        ``data=None`` is a press without data, as a modified client can send.
        """
        query_id = str(next(self._query_ids))
        payload = {
            "id": query_id,
            "from": user.user_json,
            "message": message,
            "chat_instance": str(-(user.id * 31 + user.bot.id)),
        }
        if data is not None:
            payload["data"] = data
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.callback_answer_timeout, self._callback_expired, query_id)
        self._callbacks[query_id] = _PendingCallback(user, data, time.monotonic(), timer)
        user.emit("callback_query", payload)
        return query_id

    def _flag_callback(self, query_id: str, pending: _PendingCallback, why: str) -> None:
        self.violations.append(
            ApiViolation(
                kind="unanswered_callback",
                method="answerCallbackQuery",
                error=f"callback query {query_id} (data={pending.data!r}) "
                f"from {pending.user.name} {why}",
                chat_id=pending.user.id,
                timestamp=time.time(),
            )
        )

    def _callback_expired(self, query_id: str) -> None:
        pending = self._callbacks.pop(query_id, None)
        if pending is not None:
            self._expired.add(query_id)
            self._flag_callback(
                query_id, pending, f"was not answered within {self.callback_answer_timeout}s"
            )

    def answer_callback(
        self, query_id: str, text: str | None, show_alert: bool, url: str | None
    ) -> None:
        """Record the bot's answer to a callback query (raises for unknown or answered ids).

        An answer to a press that expired unanswered is refused as Telegram refuses it, but is
        no second violation: the expiry was flagged already, and a bot that was down when the
        press came cannot know how old it is.
        """
        pending = self._callbacks.pop(query_id, None)
        if pending is None:
            if query_id in self._expired:
                self._expired.discard(query_id)
                raise ApiError(400, f"Bad Request: {QUERY_TOO_OLD}", fault=False)
            raise bad_request(QUERY_TOO_OLD)
        if pending.timer is not None:
            pending.timer.cancel()
        answer = CallbackAnswer(query_id, text, show_alert, url, pending.data)
        pending.user.callback_answers.append(answer)
        pending.user.touch(time.monotonic())
        if self._subscribers:
            event = {"type": "callback_answer", "chat_id": pending.user.id, "query_id": query_id}
            self.publish({**event, "text": text, "show_alert": show_alert})

    def flag_unanswered(self) -> None:
        """Turn every callback query still unanswered into a violation."""
        for query_id, pending in list(self._callbacks.items()):
            del self._callbacks[query_id]
            if pending.timer is not None:
                pending.timer.cancel()
            self._flag_callback(query_id, pending, "was never answered")

    def unanswered_callbacks(self) -> list[dict[str, Any]]:
        """Return callback queries the bot has not answered yet."""
        now = time.monotonic()
        return [
            {"id": qid, "user_id": p.user.id, "data": p.data, "age": round(now - p.sent, 3)}
            for qid, p in self._callbacks.items()
        ]

    def assert_no_violations(self) -> None:
        """Raise AssertionError listing every recorded violation."""
        if self.violations:
            lines = "\n".join(f"  {v}" for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Bot API violation(s):\n{lines}")

    @contextlib.contextmanager
    def expect_violation(self, match: str) -> Iterator[list[ApiViolation]]:
        """Expect a violation whose error (or kind) contains ``match`` inside the block."""
        start = len(self.violations)
        caught: list[ApiViolation] = []
        yield caught
        new = self.violations[start:]
        caught.extend(v for v in new if match in v.error or match == v.kind)
        if not caught:
            seen = "\n".join(f"  {v}" for v in new) or "  (none)"
            raise AssertionError(f"expected a violation matching {match!r}; recorded:\n{seen}")
        self.violations[start:] = [v for v in new if v not in caught]
        self.expected_violations.extend(caught)

    @property
    def has_subscribers(self) -> bool:
        """Return True if someone listens to events."""
        return bool(self._subscribers)

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        """Return a queue receiving event dicts (None when the emulator stops)."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        """Stop delivering events to ``queue``."""
        with contextlib.suppress(ValueError):
            self._subscribers.remove(queue)

    def publish(self, event: dict[str, Any]) -> None:
        """Send an event to every subscriber."""
        for queue in self._subscribers:
            queue.put_nowait(event)
