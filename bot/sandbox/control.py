"""Control API under ``/sandbox/api/``: drive simulated users over HTTP (see README)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import tornado.iostream
import tornado.web

from bot.sandbox.users import SimUser

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator

__all__ = ["make_app"]


class _Base(tornado.web.RequestHandler):
    """JSON helpers shared by the control handlers."""

    emu: Emulator

    def initialize(self, emu: Emulator) -> None:
        """Receive the emulator."""
        self.emu = emu

    def check_xsrf_cookie(self) -> None:
        """The control API is local and cookie-less."""

    def body_json(self) -> dict[str, Any]:
        """Return the JSON body (or form fields) as a dict."""
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            try:
                data = json.loads(self.request.body or b"{}")
            except ValueError:
                raise tornado.web.HTTPError(400, "body is not JSON") from None
            if not isinstance(data, dict):
                raise tornado.web.HTTPError(400, "body must be a JSON object")
            return data
        return {k: self.get_body_argument(k) for k in self.request.body_arguments}

    def reply(self, payload: Any, status: int = 200) -> None:
        """Write a JSON answer."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload, ensure_ascii=False))

    def sim(self, user_id: str) -> SimUser:
        """Return the user with this id or answer 404."""
        user = self.emu.user_by_id(int(user_id))
        if user is None:
            raise tornado.web.HTTPError(404, f"no user {user_id}")
        return user

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer errors as JSON."""
        exc = kwargs.get("exc_info", (None, None))[1]
        message = getattr(exc, "log_message", None) or self._reason
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error": message}))


class Users(_Base):
    """GET: list users; POST {name, lang, username?}: create one."""

    def get(self) -> None:
        """List users."""
        self.reply([u.to_json() for u in self.emu.users])

    def post(self) -> None:
        """Create a user."""
        body = self.body_json()
        name = str(body.get("name") or "").strip()
        if not name:
            raise tornado.web.HTTPError(400, "name is required")
        user = self.emu.user(name, body.get("lang") or None, username=body.get("username") or None)
        self.reply(user.to_json(), 201)


class Send(_Base):
    """POST {text}: the user sends a text message."""

    async def post(self, user_id: str) -> None:
        """Send text."""
        text = str(self.body_json().get("text") or "")
        if not text:
            raise tornado.web.HTTPError(400, "text is required")
        self.reply({"message_id": await self.sim(user_id).send(text)})


class Press(_Base):
    """POST {message_id, callback_data} or {text}: the user presses a button."""

    async def post(self, user_id: str) -> None:
        """Press a button."""
        user, body = self.sim(user_id), self.body_json()
        query: str | None
        try:
            if body.get("callback_data") is not None:
                mid = body.get("message_id")
                query = await user.press_data(
                    str(body["callback_data"]), int(mid) if mid is not None else None
                )
            else:
                query = await user.press(str(body.get("text") or ""))
        except AssertionError as exc:
            raise tornado.web.HTTPError(400, str(exc)) from None
        self.reply({"callback_query_id": query})


class Upload(_Base):
    """POST multipart (kind=photo|voice|document, file, caption): the user sends a file."""

    async def post(self, user_id: str) -> None:
        """Send a file."""
        user = self.sim(user_id)
        kind = self.get_body_argument("kind", None) or "document"
        caption = self.get_body_argument("caption", None) or None
        parts = self.request.files.get("file")
        if not parts:
            raise tornado.web.HTTPError(400, "file is required")
        part = parts[0]
        if kind == "photo":
            mid = await user.send_photo(part.body, caption=caption)
        elif kind == "voice":
            mid = await user.send_voice(
                part.body, duration=int(self.get_body_argument("duration", "3"))
            )
        elif kind == "document":
            mid = await user.send_document(part.body, part.filename or "file", caption=caption)
        else:
            raise tornado.web.HTTPError(400, f"unknown kind {kind!r}")
        self.reply({"message_id": mid})


class Messages(_Base):
    """GET: all messages of the chat (user's and bot's) in order."""

    def get(self, user_id: str) -> None:
        """List messages."""
        self.reply(list(self.sim(user_id).messages.values()))


class Block(_Base):
    """POST: block or unblock the bot."""

    def post(self, user_id: str, action: str) -> None:
        """Block or unblock."""
        user = self.sim(user_id)
        if action == "block":
            user.block()
        else:
            user.unblock()
        self.reply(user.to_json())


class Commands(_Base):
    """GET ?lang=zh[&user_id=N]: the command menu a user would see."""

    def get(self) -> None:
        """Resolve commands."""
        user_id = self.get_query_argument("user_id", None)
        self.reply(
            self.emu.visible_commands(
                self.get_query_argument("lang", ""), int(user_id) if user_id else None
            )
        )


class Violations(_Base):
    """GET: recorded violations."""

    def get(self) -> None:
        """List violations."""
        self.reply([_violation(v) for v in self.emu.violations])


def _violation(v: Any) -> dict[str, Any]:
    return {
        k: getattr(v, k)
        for k in ("kind", "method", "error", "params", "error_code", "chat_id", "timestamp")
    }


class Files(_Base):
    """GET: the bytes of a file by file_id."""

    def get(self, file_id: str) -> None:
        """Send file bytes."""
        stored = self.emu.files.get(file_id)
        if stored is None:
            raise tornado.web.HTTPError(404, "no such file")
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.data)


class Events(_Base):
    """GET: server-sent events carrying the subscription events."""

    async def get(self) -> None:
        """Stream events until the client leaves or the emulator stops."""
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        queue = self.emu.subscribe()
        self._queue = queue
        try:
            self.write(": connected\n\n")
            await self.flush()
            while True:
                event = await queue.get()
                if event is None:
                    break
                self.write(
                    f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
                )
                await self.flush()
        except tornado.iostream.StreamClosedError:
            pass
        finally:
            self.emu.unsubscribe(queue)
        self.finish()

    def on_connection_close(self) -> None:
        """Wake the stream loop so it can end."""
        queue = getattr(self, "_queue", None)
        if queue is not None:
            queue.put_nowait(None)


def make_app(emu: Emulator) -> tornado.web.Application:
    """Return the tornado application serving the control API."""
    init = {"emu": emu}
    prefix = r"/sandbox/api"
    return tornado.web.Application(
        [
            (rf"{prefix}/users/?", Users, init),
            (rf"{prefix}/users/(-?\d+)/send", Send, init),
            (rf"{prefix}/users/(-?\d+)/press", Press, init),
            (rf"{prefix}/users/(-?\d+)/upload", Upload, init),
            (rf"{prefix}/users/(-?\d+)/messages", Messages, init),
            (rf"{prefix}/users/(-?\d+)/(block|unblock)", Block, init),
            (rf"{prefix}/commands", Commands, init),
            (rf"{prefix}/violations", Violations, init),
            (rf"{prefix}/files/([^/]+)", Files, init),
            (rf"{prefix}/events", Events, init),
        ]
    )
