"""The keep-alive client talks HTTP/1.1 to the Bot API correctly, and fails the way PTB expects."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.edge.calls import JsonBody
from bot.edge.transport import KeepAliveRequest, NotSent, build_request

OK = json.dumps({"ok": True, "result": True}).encode()
MESSAGE = {"message_id": 5, "date": 0, "chat": {"id": 1, "type": "private"}}
Reply = Callable[[asyncio.StreamWriter, bytes], Awaitable[None]]


@dataclass
class Server:
    """A scripted HTTP/1.1 server: each request is answered by the next reply, or by ``plain``."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    connections: int = 0
    url: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer requests on one connection until the client or a reply closes it."""
        self.connections += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                line, *rest = head.decode().split("\r\n")
                headers = {
                    k.lower(): v.strip() for k, _, v in (h.partition(":") for h in rest if h)
                }
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                self.requests.append((line, headers, body))
                await (self.replies.pop(0) if self.replies else plain)(writer, body)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def plain(writer: asyncio.StreamWriter, body: bytes, extra: str = "") -> None:
    """A JSON answer with a Content-Length."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}"
    writer.write(f"{head}Content-Length: {len(OK)}\r\n\r\n".encode() + OK)
    await writer.drain()


async def chunked(writer: asyncio.StreamWriter, body: bytes) -> None:
    """The same answer in two chunks."""
    half = len(OK) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (OK[:half], OK[half:]))
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
    await writer.drain()


async def closing(writer: asyncio.StreamWriter, body: bytes) -> None:
    """An answer after which the server closes the connection."""
    await plain(writer, body, "Connection: close\r\n")
    writer.close()


async def old_style(writer: asyncio.StreamWriter, body: bytes) -> None:
    """An HTTP/1.0 answer without a length: the body ends where the connection does."""
    writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK)
    await writer.drain()
    writer.close()


async def hang_up(writer: asyncio.StreamWriter, body: bytes) -> None:
    """A keep-alive answer, then the server drops the idle connection without saying so."""
    await plain(writer, body)
    writer.close()


async def dropped(writer: asyncio.StreamWriter, body: bytes) -> None:
    """The request is read (and, for all the client knows, carried out), then no answer."""
    writer.close()


async def silent(writer: asyncio.StreamWriter, body: bytes) -> None:
    """No answer for a long time."""
    await asyncio.sleep(3)


async def me(writer: asyncio.StreamWriter, body: bytes) -> None:
    """The bot itself, as getMe answers."""
    await result(writer, {"id": 42, "is_bot": True, "first_name": "Bot", "username": "bot"})


async def message(writer: asyncio.StreamWriter, body: bytes) -> None:
    """A sent message, as sendPhoto answers."""
    await result(writer, MESSAGE)


async def result(writer: asyncio.StreamWriter, value: object) -> None:
    """A successful answer carrying ``value``."""
    payload = json.dumps({"ok": True, "result": value}).encode()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload))
    await writer.drain()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """A scripted server on a free local port."""
    fake = Server()
    listening = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}/botTOKEN/sendMessage"
    async with listening:
        yield fake
        listening.close()
        await asyncio.sleep(0.01)  # let the handlers see their clients go and close


@pytest.fixture
async def client() -> AsyncIterator[KeepAliveRequest]:
    """A client with a short read timeout, so silence is noticed quickly."""
    request = KeepAliveRequest(pool_size=1, read_timeout=0.3, pool_timeout=0.2)
    await request.initialize()
    yield request
    await request.shutdown()


def form(**fields: object) -> RequestData:
    """The request data PTB builds for a call with these parameters."""
    return RequestData([RequestParameter.from_input(k, v) for k, v in fields.items()])


async def test_a_call_is_posted_as_json_and_the_connection_is_kept(
    server: Server, client: KeepAliveRequest
) -> None:
    """Two calls arrive as JSON objects with their fields as given, over one connection."""
    for text in ("你好 & welcome", "second"):
        status, payload = await client.do_request(
            server.url, "POST", form(chat_id=7, text=text, reply_markup={"a": [1]})
        )
        assert (status, payload) == (200, OK)
    line, headers, body = server.requests[0]
    assert line == "POST /botTOKEN/sendMessage HTTP/1.1"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"chat_id": 7, "text": "你好 & welcome", "reply_markup": {"a": [1]}}
    assert server.connections == 1


async def test_a_kept_call_is_posted_as_it_was_kept(
    server: Server, client: KeepAliveRequest
) -> None:
    """A call kept as JSON (``bot.unit.Call``) goes out as that JSON, ``None`` left out."""
    kept = {"chat_id": 7, "text": "好", "parse_mode": "HTML", "reply_markup": None}
    assert (await client.do_request(server.url, "POST", JsonBody(kept)))[0] == 200
    _, _, body = server.requests[0]
    assert json.loads(body) == {"chat_id": 7, "text": "好", "parse_mode": "HTML"}


async def call_twice(
    server: Server, client: KeepAliveRequest, *, pause: float = 0.0
) -> list[tuple[int, bytes]]:
    """Two calls, ``pause`` seconds apart; what each got back."""
    first = await client.do_request(server.url, "POST", form(chat_id=1))
    await asyncio.sleep(pause)
    return [first, await client.do_request(server.url, "POST", form(chat_id=1))]


async def test_a_chunked_answer_is_read_whole(server: Server, client: KeepAliveRequest) -> None:
    """A reply in chunks is joined, and the connection serves the next call."""
    server.replies = [chunked]
    assert await call_twice(server, client) == [(200, OK)] * 2
    assert server.connections == 1


async def test_a_connection_the_server_closes_is_not_reused(
    server: Server, client: KeepAliveRequest
) -> None:
    """After "Connection: close" the next call opens a new connection and succeeds."""
    server.replies = [closing]
    assert (await call_twice(server, client))[1] == (200, OK)
    assert server.connections == 2


async def test_an_answer_without_a_length_is_read_to_the_end(
    server: Server, client: KeepAliveRequest
) -> None:
    """An HTTP/1.0 answer is read until the server closes, and that connection is not reused."""
    server.replies = [old_style]
    assert await call_twice(server, client) == [(200, OK)] * 2
    assert server.connections == 2


async def test_an_idle_connection_the_server_dropped_is_not_reused(
    server: Server, client: KeepAliveRequest
) -> None:
    """A connection closed by the server while idle is noticed; the next call opens another."""
    server.replies = [hang_up]
    assert (await call_twice(server, client, pause=0.05))[1] == (200, OK)
    assert server.connections == 2


async def test_silence_is_a_timeout(server: Server, client: KeepAliveRequest) -> None:
    """A server that never answers gives TimedOut, and the next call gets its own answer."""
    server.replies = [silent]
    with pytest.raises(TimedOut):
        await client.do_request(server.url, "POST", form(chat_id=1))
    assert await client.do_request(server.url, "POST", form(chat_id=2)) == (200, OK)
    assert server.connections == 2


async def test_a_cancelled_call_does_not_leave_its_answer_to_the_next(
    server: Server, client: KeepAliveRequest
) -> None:
    """Cancelling mid-call drops the connection, so a late answer is never read as another's."""
    server.replies = [silent]
    call = asyncio.create_task(client.do_request(server.url, "POST", form(chat_id=1)))
    await asyncio.sleep(0.1)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert await client.do_request(server.url, "POST", form(chat_id=2)) == (200, OK)
    assert server.connections == 2


async def test_a_full_pool_refuses_after_the_pool_timeout(
    server: Server, client: KeepAliveRequest
) -> None:
    """With the only connection busy, a second call gives up with NotSent: safe to retry."""
    server.replies = [silent]
    busy = asyncio.create_task(client.do_request(server.url, "POST", form(chat_id=1)))
    await asyncio.sleep(0.05)
    with pytest.raises(NotSent, match="request not sent"):
        await client.do_request(server.url, "POST", form(chat_id=2))
    with pytest.raises(TimedOut):
        await busy
    assert len(server.requests) == 1


async def test_calls_wait_their_turn_for_a_connection(
    server: Server, client: KeepAliveRequest
) -> None:
    """Five calls through a pool of one all succeed, one after another on one connection."""
    results = await asyncio.gather(
        *(client.do_request(server.url, "POST", form(chat_id=i)) for i in range(5))
    )
    assert results == [(200, OK)] * 5
    assert server.connections == 1


async def test_an_unreachable_server_is_a_network_error(client: KeepAliveRequest) -> None:
    """Nothing listening gives NotSent, which the sender retries later."""
    with pytest.raises(NotSent, match="could not connect"):
        await client.do_request("http://127.0.0.1:9/botT/getMe", "POST", None)


async def test_a_call_dropped_after_it_was_written_is_not_called_safe_to_retry(
    server: Server, client: KeepAliveRequest
) -> None:
    """A connection lost after the request was written is a NetworkError but not NotSent."""
    server.replies = [dropped]
    with pytest.raises(NetworkError) as raised:
        await client.do_request(server.url, "POST", form(chat_id=1))
    assert not isinstance(raised.value, NotSent)
    assert len(server.requests) == 1
    assert await client.do_request(server.url, "POST", form(chat_id=2)) == (200, OK)


async def test_uploads_go_through_httpx(server: Server) -> None:
    """A photo is sent as multipart by PTB's own client; plain calls stay on keep-alive."""
    server.replies = [me, message]
    base = server.url.rsplit("/bot", 1)[0] + "/bot"
    async with Bot("TOKEN", base_url=base, request=KeepAliveRequest(pool_size=2)) as bot:
        sent = await bot.send_photo(1, photo=b"\x89PNG\r\n\x1a\nfake", caption="图")
    assert sent.message_id == 5
    line, headers, _ = server.requests[-1]
    assert line.startswith("POST /botTOKEN/sendPhoto")
    assert headers["content-type"].startswith("multipart/form-data")


def test_a_proxy_in_the_environment_keeps_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS_PROXY routes the Bot API through httpx, unless NO_PROXY names the host."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert isinstance(
        build_request("https://api.telegram.org", pool_size=4, pool_timeout=1), HTTPXRequest
    )
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert isinstance(
        build_request("https://api.telegram.org", pool_size=4, pool_timeout=1), KeepAliveRequest
    )
