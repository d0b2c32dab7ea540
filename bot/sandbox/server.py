"""HTTP front end: a lean path for ``/bot<token>/<method>`` and file downloads.

Bot API requests bypass tornado.web (a plain HTTPMessageDelegate is about a
third cheaper per request); everything else (the control API) is routed to a
tornado.web.Application.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from tornado import httputil

from bot.sandbox.params import Upload
from bot.sandbox.registry import SENDING_METHODS

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from tornado.web import Application

    from bot.sandbox.emulator import Emulator

__all__ = ["Router"]

log = logging.getLogger(__name__)

_JSON_HEADERS = (("Content-Type", "application/json"),)
_NOT_FOUND = b'{"ok":false,"error_code":404,"description":"Not Found"}'


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class _ApiRequest(httputil.HTTPMessageDelegate):
    """One request to the Bot API or file endpoints."""

    def __init__(
        self, emu: Emulator, conn: httputil.HTTPConnection, path: str, query: str, headers: Any
    ) -> None:
        self.emu, self.conn, self.path, self.query, self.headers = emu, conn, path, query, headers
        self.chunks: list[bytes] = []
        self.task: asyncio.Future[tuple[int, dict[str, Any]]] | None = None
        self.closed = False
        self.droppable = False
        self.counted = not path.lower().endswith("/getupdates")
        if self.counted:
            emu.in_flight += 1

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    def _done(self) -> None:
        if self.counted:
            self.counted = False
            self.emu.in_flight -= 1

    def finish(self) -> None:
        try:
            self._handle()
        except Exception:  # pragma: no cover - a bug in the emulator itself
            log.exception("emulator failed on %s", self.path)
            self._respond(
                500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'
            )

    def on_connection_close(self) -> None:
        self.closed = True
        self._done()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _handle(self) -> None:
        path = self.path
        if path.startswith("/file/bot"):
            self._file(path[9:])
            return
        token, _, method = path[4:].partition("/")
        if not token or not method or "/" in method:
            self._respond(404, _NOT_FOUND)
            return
        try:
            raw, files = self._params()
        except ValueError:
            self._respond(
                400,
                b'{"ok":false,"error_code":400,'
                b'"description":"Bad Request: can\'t parse JSON object"}',
            )
            return
        result = self.emu.call(unquote(token), method, raw, files)
        self.droppable = method.lower() in SENDING_METHODS
        if isinstance(result, tuple):
            self._respond(result[0], _dumps(result[1]))
            return
        self.task = asyncio.ensure_future(result)
        self.task.add_done_callback(self._async_done)

    def _async_done(self, task: asyncio.Future[tuple[int, dict[str, Any]]]) -> None:
        if task.cancelled() or self.closed:
            return
        status, payload = task.result()
        self._respond(status, _dumps(payload))

    def _params(self) -> tuple[dict[str, Any], dict[str, Upload]]:
        raw: dict[str, Any] = (
            dict(parse_qsl(self.query, keep_blank_values=True)) if self.query else {}
        )
        files: dict[str, Upload] = {}
        if not self.chunks:
            return raw, files
        body = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            raw.update(data)
            return raw, files
        args: dict[str, list[bytes]] = {}
        parts: dict[str, list[httputil.HTTPFile]] = {}
        httputil.parse_body_arguments(ctype, body, args, parts, self.headers)
        for name, values in args.items():
            raw[name] = values[-1].decode("utf-8", "replace")
        for name, uploads in parts.items():
            up = uploads[-1]
            files[name] = Upload(up.filename, up.body, up.content_type)
        return raw, files

    def _file(self, rest: str) -> None:
        token, _, file_path = rest.partition("/")
        stored = (
            self.emu.files.by_path(unquote(file_path))
            if self.emu.bot_for_token(unquote(token))
            else None
        )
        if stored is None:
            self._respond(404, _NOT_FOUND)
            return
        ctype = stored.mime_type or mimetypes.guess_type(file_path)[0] or "application/octet-stream"
        self._respond(200, stored.data, ctype)

    def _respond(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self._done()
        if self.closed:
            return
        if self.droppable and status == 200 and self.emu.faults.roll_drop():
            self.closed = True
            self.conn.detach().close()  # type: ignore[attr-defined]  # carried out, unanswered
            return
        headers = httputil.HTTPHeaders()
        headers["Content-Type"] = ctype
        headers["Content-Length"] = str(len(body))
        start = httputil.ResponseStartLine("HTTP/1.1", status, HTTPStatus(status).phrase)
        try:
            self.conn.write_headers(start, headers, body)
            self.conn.finish()
        except Exception:
            self.closed = True


class _Dispatch(httputil.HTTPMessageDelegate):
    """Decides on the first line whether the fast path or tornado.web serves a request."""

    def __init__(self, router: Router, server_conn: object, conn: httputil.HTTPConnection) -> None:
        self.router, self.server_conn, self.conn = router, server_conn, conn
        self.inner: httputil.HTTPMessageDelegate | None = None

    def headers_received(
        self,
        start_line: httputil.RequestStartLine | httputil.ResponseStartLine,
        headers: httputil.HTTPHeaders,
    ) -> Awaitable[None] | None:
        assert isinstance(start_line, httputil.RequestStartLine)
        path, _, query = start_line.path.partition("?")
        if path.startswith(("/bot", "/file/bot")):
            self.inner = _ApiRequest(self.router.emu, self.conn, path, query, headers)
            return None
        self.inner = self.router.web_app.start_request(self.server_conn, self.conn)
        return self.inner.headers_received(start_line, headers)

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        assert self.inner is not None
        return self.inner.data_received(chunk)

    def finish(self) -> None:
        assert self.inner is not None
        self.inner.finish()

    def on_connection_close(self) -> None:
        if self.inner is not None:
            self.inner.on_connection_close()


class Router(httputil.HTTPServerConnectionDelegate):
    """Connection delegate of the emulator's HTTPServer."""

    def __init__(self, emu: Emulator, web_app: Application) -> None:
        """Serve the Bot API from ``emu`` and everything else from ``web_app``."""
        self.emu, self.web_app = emu, web_app

    def start_request(
        self, server_conn: object, request_conn: httputil.HTTPConnection
    ) -> httputil.HTTPMessageDelegate:
        """Return the delegate for one request."""
        return _Dispatch(self, server_conn, request_conn)

    def on_close(self, server_conn: object) -> None:
        """Forward connection close notifications."""
        self.web_app.on_close(server_conn)
