"""Webhook delivery as Telegram does it: concurrent across chats, in order within one, retried."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import telegram
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram.error import BadRequest

from bot.sandbox import Emulator

Answer = tuple[int, dict[str, str]]


@dataclass
class Post:
    """One POST the webhook got: the update's text, chat, and when it came and was answered."""

    text: str
    chat: int
    started: float
    ended: float = 0.0


class Hook:
    """A webhook on the loopback that records each POST and answers as the test says."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.in_flight = 0
        self.peak = 0
        self.release = asyncio.Event()
        self.release.set()
        self.answer: Callable[[Post, int], Answer] = lambda post, attempt: (200, {})
        self.port = 0
        self._server: tornado.httpserver.HTTPServer | None = None

    @property
    def url(self) -> str:
        """Where the webhook listens."""
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self, port: int = 0) -> Hook:
        """Listen on ``port`` (0: a free one)."""
        hook = self

        class Handler(tornado.web.RequestHandler):
            async def post(self) -> None:
                status, headers = await hook.receive(json.loads(self.request.body))
                self.set_status(status)
                for name, value in headers.items():
                    self.set_header(name, value)

        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self._server = tornado.httpserver.HTTPServer(tornado.web.Application([("/hook", Handler)]))
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    async def receive(self, update: dict[str, Any]) -> Answer:
        """Record the POST, wait while held, answer."""
        message = update["message"]
        post = Post(message["text"], message["chat"]["id"], time.monotonic())
        attempt = sum(1 for p in self.posts if p.text == post.text)
        self.posts.append(post)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await self.release.wait()
            return self.answer(post, attempt)
        finally:
            self.in_flight -= 1
            post.ended = time.monotonic()

    def texts(self, chat: int | None = None) -> list[str]:
        """The texts posted, in the order they came (of one chat)."""
        return [p.text for p in self.posts if chat is None or p.chat == chat]


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    """A started webhook receiver."""
    receiver = Hook().start()
    yield receiver
    await receiver.stop()


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Wait until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_updates_go_out_at_once_up_to_max_connections(
    emu: Emulator, tg: telegram.Bot, hook: Hook
) -> None:
    """With max_connections=3 three chats are posted to at once; the rest wait their turn."""
    hook.release.clear()
    await tg.set_webhook(hook.url, max_connections=3)
    for n in range(5):
        await emu.user(f"u{n}").send(f"hello {n}")
    await until(lambda: len(hook.posts) == 3)
    await asyncio.sleep(0.1)
    assert (len(hook.posts), hook.in_flight) == (3, 3)
    assert (await tg.get_webhook_info()).pending_update_count == 5
    hook.release.set()
    await until(lambda: len(hook.posts) == 5)
    await until(lambda: not emu.bot.updates)
    assert hook.peak == 3
    assert (await tg.get_webhook_info()).pending_update_count == 0


async def test_forty_connections_by_default(emu: Emulator, tg: telegram.Bot, hook: Hook) -> None:
    """Without max_connections Telegram opens up to 40 at once, and says so."""
    hook.release.clear()
    await tg.set_webhook(hook.url)
    for n in range(45):
        await emu.user(f"u{n}").send(f"hello {n}")
    await until(lambda: len(hook.posts) == 40)
    await asyncio.sleep(0.1)
    info = await tg.get_webhook_info()
    assert (len(hook.posts), info.max_connections, info.pending_update_count) == (40, 40, 45)
    hook.release.set()
    await until(lambda: len(hook.posts) == 45)
    assert hook.peak == 40


async def test_a_chat_gets_its_next_update_only_after_a_2xx(
    emu: Emulator, tg: telegram.Bot, hook: Hook
) -> None:
    """A chat's updates go one at a time, in order; another chat's meanwhile go beside them."""
    hook.release.clear()
    await tg.set_webhook(hook.url)
    first, other = emu.user("甲"), emu.user("乙")
    for n in range(3):
        await first.send(f"a{n}")
    await other.send("b0")
    await until(lambda: len(hook.posts) == 2)
    await asyncio.sleep(0.1)
    assert sorted(hook.texts()) == ["a0", "b0"]
    hook.release.set()
    await until(lambda: len(hook.posts) == 4)
    assert hook.texts(first.id) == ["a0", "a1", "a2"]
    mine = [p for p in hook.posts if p.chat == first.id]
    assert all(later.started >= earlier.ended for earlier, later in itertools.pairwise(mine))


async def test_a_refused_update_is_posted_again_with_a_growing_wait(
    emu: Emulator, tg: telegram.Bot, hook: Hook
) -> None:
    """A 500 leaves the update pending and its chat waiting; getWebhookInfo tells the error."""
    failing = True
    hook.answer = lambda post, attempt: (500 if failing and post.text == "a0" else 200, {})
    await tg.set_webhook(hook.url)
    first, other = emu.user("甲"), emu.user("乙")
    await first.send("a0")
    await first.send("a1")
    await other.send("b0")
    await until(lambda: hook.texts().count("a0") >= 4)
    info = await tg.get_webhook_info()
    assert info.pending_update_count == 2
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    assert abs(info.last_error_date.timestamp() - time.time()) < 5
    assert hook.texts(other.id) == ["b0"]
    assert "a1" not in hook.texts()
    tries = [p for p in hook.posts if p.text == "a0"]
    waits = [later.started - earlier.ended for earlier, later in itertools.pairwise(tries)]
    assert waits[1] >= 0.04
    assert waits[2] >= 0.09
    failing = False
    await until(lambda: "a1" in hook.texts())
    await until(lambda: not emu.bot.updates)
    assert (await tg.get_webhook_info()).pending_update_count == 0


async def test_a_webhook_nobody_listens_on_is_tried_until_it_answers(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """Connection refused is the last error until the server comes up; then the update arrives."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await tg.set_webhook(f"http://127.0.0.1:{port}/hook")
    await emu.user("甲").send("hello")

    async def last_error() -> str | None:
        return (await tg.get_webhook_info()).last_error_message

    deadline = time.monotonic() + 5
    while await last_error() != "Connection refused":
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert (await tg.get_webhook_info()).pending_update_count == 1
    late = Hook().start(port)
    try:
        await until(lambda: late.texts() == ["hello"])
    finally:
        await late.stop()


async def test_retry_after_from_the_bot_sets_the_wait(
    emu: Emulator, tg: telegram.Bot, hook: Hook
) -> None:
    """A 429 with Retry-After: 1 is posted again a second later; other chats go on meanwhile."""
    hook.answer = lambda post, attempt: (
        (429, {"Retry-After": "1"}) if post.text == "a0" and attempt == 0 else (200, {})
    )
    await tg.set_webhook(hook.url)
    await emu.user("甲").send("a0")
    await until(lambda: len(hook.posts) == 1)
    await emu.user("乙").send("b0")
    await until(lambda: hook.texts().count("a0") == 2, timeout=5)
    refused, again = (p for p in hook.posts if p.text == "a0")
    assert again.started - refused.ended >= 0.95
    other = next(p for p in hook.posts if p.text == "b0")
    assert other.ended < again.started
    info = await tg.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 429 Too Many Requests"


REFUSED = [
    ({"url": "http://example.org/hook"}, "HTTPS url must be provided for webhook"),
    ({"url": "https://example.org:8080/hook"}, "only on ports 80, 88, 443 or 8443"),
    ({"url": "ftp://example.org/hook"}, "invalid webhook URL specified"),
    ({"url": "https://example.org/hook", "max_connections": 0}, "between 1 and 100"),
    ({"url": "https://example.org/hook", "max_connections": 101}, "between 1 and 100"),
    ({"url": "https://example.org/hook", "secret_token": "a b"}, "unallowed characters"),
    ({"url": "https://example.org/hook", "secret_token": "x" * 257}, "unallowed characters"),
    ({"url": "https://example.org/hook", "allowed_updates": ["messages"]}, "unknown update"),
]


@pytest.mark.parametrize(("kwargs", "error"), REFUSED)
async def test_set_webhook_refuses_what_the_api_does_not_allow(
    emu: Emulator, tg: telegram.Bot, kwargs: dict[str, Any], error: str
) -> None:
    """A bad url, max_connections, secret_token or update type is a 400 and a violation."""
    with emu.expect_violation(error), pytest.raises(BadRequest):
        await tg.set_webhook(**kwargs)
    assert (await tg.get_webhook_info()).url == ""


ACCEPTED = [
    {"url": "https://example.org/hook"},
    {"url": "https://example.org:8443/hook", "max_connections": 1},
    {"url": "https://example.org:88/hook", "max_connections": 100},
    {"url": "https://example.org/hook", "secret_token": "Az09_-" * 42 + "abcd"},
    {"url": "http://127.0.0.1:1234/hook"},
    {"url": "http://localhost:5/hook"},
    {"url": "http://[::1]:8081/hook"},
]


@pytest.mark.parametrize("kwargs", ACCEPTED)
async def test_set_webhook_accepts_what_the_api_allows(
    emu: Emulator, tg: telegram.Bot, kwargs: dict[str, Any]
) -> None:
    """Valid settings are taken and reported; plain http and any port only on the loopback."""
    assert await tg.set_webhook(**kwargs)
    info = await tg.get_webhook_info()
    assert info.url == kwargs["url"]
    assert info.max_connections == kwargs.get("max_connections", 40)
    await tg.delete_webhook()
    emu.assert_no_violations()


async def test_allowed_updates_are_matched_without_case_and_reported(
    emu: Emulator, tg: telegram.Bot
) -> None:
    """Update types in any case are taken, as Telegram does, and getWebhookInfo lists them."""
    await tg.set_webhook("https://example.org/hook", allowed_updates=["Message", "callback_query"])
    info = await tg.get_webhook_info()
    assert info.allowed_updates == ("callback_query", "message")
    await tg.delete_webhook()
