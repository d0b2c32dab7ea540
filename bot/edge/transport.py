"""The bot's HTTP client: keep-alive HTTP/1.1 on asyncio streams, for the Bot API's plain calls.

Almost every call the bot makes is a small JSON POST answered by a small JSON body.
httpx spends several times the cost of the whole rest of a ``sendMessage`` on such a call
(URL models, header models, anyio and sniffio on every read), which is what limits a broadcast
at Telegram's paid rates. This client writes the request bytes itself and reads the reply by
its Content-Length (or chunks) on pooled connections.

Uploads (multipart bodies) and file downloads still go through PTB's ``HTTPXRequest``, and so
does everything when a proxy is configured for the API's host (``HTTPS_PROXY`` and friends),
since this client speaks only directly to the server.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import urllib.request
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.edge.calls import json_body

TIMEOUT = 5.0  # seconds, as HTTPXRequest's defaults
MEDIA_WRITE_TIMEOUT = 20.0
IDLE_SECONDS = 30.0  # a connection idle longer may have been dropped by the server
MAX_HEADER = 64 * 1024


class NotSent(NetworkError):
    """The request never reached the server (no connection, no free place, a failed write).

    Only such a call is safe to make again: any failure after the request was written (a
    dropped connection, an answer that did not come in time) may follow a call the server
    carried out.
    """


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL points: the origin a connection is for and the request line's path."""

    secure: bool
    host: str
    port: int
    path: str

    @property
    def origin(self) -> tuple[bool, str, int]:
        """Connections are shared by origin."""
        return self.secure, self.host, self.port


@lru_cache(maxsize=64)
def parse(url: str) -> Target:
    """The target of ``url``; the bot calls few distinct URLs, so they are parsed once."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetworkError(f"unsupported URL: {url}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(secure, parts.hostname, parts.port or (443 if secure else 80), path)


def proxied(url: str) -> bool:
    """Whether the environment routes ``url`` through a proxy (then httpx must carry it)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


class _Connection:
    """One HTTP/1.1 connection; used by one request at a time."""

    __slots__ = ("reader", "used", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.used = time.monotonic()

    def reusable(self) -> bool:
        """Not closed by the server while idle, and not idle so long it may be."""
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.used < IDLE_SECONDS
        )

    def close(self) -> None:
        """Drop the connection without waiting for the peer."""
        self.writer.close()

    async def send(self, request: bytes) -> None:
        """Write one request."""
        self.writer.write(request)
        await self.writer.drain()

    async def receive(self) -> tuple[int, bytes, bool]:
        """Read the answer: its status, its body and whether the connection may be reused."""
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status, headers = _head(raw)
        keep = headers.get("connection", "keep-alive").lower() != "close"
        if status in (204, 304):
            payload = b""
        elif "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            payload = await self._chunks()
        else:
            payload, keep = await self.reader.read(), False
        self.used = time.monotonic()
        return status, payload, keep

    async def _chunks(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers, which the Bot API never sends
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


def _head(raw: bytes) -> tuple[int, dict[str, str]]:
    """The status code and the (lower-cased) headers of a response head."""
    lines = raw.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    if not version.startswith("HTTP/1."):
        raise NetworkError(f"not an HTTP/1.x response: {lines[0][:80]!r}")
    headers: dict[str, str] = {} if version != "HTTP/1.0" else {"connection": "close"}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return int(rest[:3]), headers


class KeepAliveRequest(BaseRequest):
    """A ``BaseRequest`` for PTB over pooled keep-alive connections; uploads go through httpx."""

    def __init__(
        self,
        *,
        pool_size: int = 1,
        connect_timeout: float | None = TIMEOUT,
        read_timeout: float | None = TIMEOUT,
        write_timeout: float | None = TIMEOUT,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._size = pool_size
        self._slots = asyncio.Semaphore(pool_size)
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        self._idle: dict[tuple[bool, str, int], deque[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None
        self._httpx = HTTPXRequest(
            connection_pool_size=min(pool_size, 8),
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            pool_timeout=pool_timeout,
            media_write_timeout=MEDIA_WRITE_TIMEOUT,
        )

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout, which PTB adds to getUpdates' long-poll timeout."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the httpx client; connections open on first use."""
        await self._httpx.initialize()

    async def shutdown(self) -> None:
        """Close every idle connection and the httpx client."""
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
        await self._httpx.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; uploads and downloads are handed to httpx."""
        if method != "POST" or (request_data is not None and request_data.contains_files):
            return await self._httpx.do_request(
                url,
                method,
                request_data,
                read_timeout,  # type: ignore[arg-type]
                write_timeout,  # type: ignore[arg-type]
                connect_timeout,  # type: ignore[arg-type]
                pool_timeout,  # type: ignore[arg-type]
            )
        target = parse(url)
        body = json_body(request_data) if request_data else b""
        head = _request_head(method, target, len(body))
        await self._acquire(self._timeout(pool_timeout, "pool"), target)
        try:
            return await self._call(
                target,
                head,
                body,
                self._timeout(connect_timeout, "connect"),
                self._timeout(write_timeout, "write"),
                self._timeout(read_timeout, "read"),
            )
        finally:
            self._slots.release()

    async def _call(
        self,
        target: Target,
        head: bytes,
        body: bytes,
        connect: float | None,
        write: float | None,
        read: float | None,
    ) -> tuple[int, bytes]:
        connection = self._reuse(target)
        if connection is None:
            connection = await self._open(target, connect)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(write) as limit:
                try:
                    await connection.send(head + body)
                except OSError as exc:
                    connection.close()
                    raise NotSent(f"the request could not be written: {exc}") from exc
                limit.reschedule(None if read is None else loop.time() + read)
                status, payload, keep = await connection.receive()
        except NotSent:
            raise
        except TimeoutError as exc:
            connection.close()
            raise TimedOut(f"no answer from {target.host} in time") from exc
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            connection.close()
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            connection.close()  # cancelled mid-exchange: the connection's state is unknown
            raise
        if keep:
            self._idle.setdefault(target.origin, deque()).append(connection)
        else:
            connection.close()
        return status, payload

    def _reuse(self, target: Target) -> _Connection | None:
        idle = self._idle.get(target.origin)
        while idle:
            connection = idle.pop()
            if connection.reusable():
                return connection
            connection.close()
        return None

    async def _open(self, target: Target, limit: float | None) -> _Connection:
        tls = None
        if target.secure:
            tls = self._tls = self._tls or ssl.create_default_context()
        try:
            async with asyncio.timeout(limit):
                reader, writer = await asyncio.open_connection(
                    target.host, target.port, ssl=tls, limit=MAX_HEADER
                )
        except TimeoutError as exc:
            raise NotSent(f"could not connect to {target.host} in time") from exc
        except OSError as exc:
            raise NotSent(f"could not connect to {target.host}: {exc}") from exc
        return _Connection(reader, writer)

    async def _acquire(self, limit: float | None, target: Target) -> None:
        """Wait for one of the pool's places, or give up before anything is sent."""
        if not self._slots.locked():  # a place is free: taken at once, no timer needed
            await self._slots.acquire()
            return
        try:
            async with asyncio.timeout(limit):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise NotSent(
                f"all {self._size} connections to {target.host} stayed busy: request not sent"
            ) from exc

    def _timeout(self, given: object, kind: str) -> float | None:
        if isinstance(given, int | float) or given is None:
            return given
        return self._timeouts[kind]


@lru_cache(maxsize=256)
def _prefix(method: str, target: Target) -> str:
    return (
        f"{method} {target.path} HTTP/1.1\r\nHost: {target.host}\r\n"
        f"User-Agent: {BaseRequest.USER_AGENT}\r\nAccept: application/json\r\n"
    )


def _request_head(method: str, target: Target, length: int) -> bytes:
    prefix = _prefix(method, target)
    return (f"{prefix}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def build_request(
    base_url: str, *, pool_size: int, pool_timeout: float | None, client: str = "keepalive"
) -> BaseRequest:
    """The client for calls to ``base_url``: this one, or httpx if asked or a proxy must be used."""
    if client == "httpx" or proxied(base_url):
        return HTTPXRequest(
            connection_pool_size=pool_size,
            pool_timeout=pool_timeout,
            media_write_timeout=MEDIA_WRITE_TIMEOUT,
        )
    return KeepAliveRequest(pool_size=pool_size, pool_timeout=pool_timeout)
