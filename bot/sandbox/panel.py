"""Mini Apps in the web chat: the launch endpoint, and the bot's own web pages beside the chat.

A ``web_app`` button or menu button opens its page in a panel over the chat. The panel asks
``POST /sandbox/app/chats/<id>/webapp {url, theme}`` for the launch URL, as a Telegram client
builds it (initData signed with the sandbox bot's token for that person), and only for a URL
the bot offered that person. The bot's web routes (bot/edge/web.py, the dashboard among them)
are served under the chat's own address, so ``/dashboard/`` needs no port or setting of its own.
"""

from __future__ import annotations

import asyncio
from typing import Any

import tornado.escape
import tornado.web

from bot.edge.metrics import metrics_of
from bot.edge.web import web_app
from bot.sandbox.miniapp import THEMES, launch_url, menu_button_of, offered
from bot.sandbox.people import People

ASGI = Any  # a Starlette application


class MiniApp(tornado.web.RequestHandler):
    """POST {url, theme}: the URL a Telegram client would open for this person's button."""

    def initialize(self, people: People) -> None:
        """Receive the shared people registry."""
        self.people = people

    def check_xsrf_cookie(self) -> None:
        """Local and cookie-less, like the control API."""

    def post(self, user_id: str) -> None:
        """Sign initData for the person and put it, with the theme, in the URL's hash."""
        emu = self.people.emu
        user = emu.user_by_id(int(user_id))
        if user is None:
            raise tornado.web.HTTPError(404, f"no person {user_id}")
        body = tornado.escape.json_decode(self.request.body or b"{}")
        url = str(body.get("url") or "")
        if not offered(user, url):
            raise tornado.web.HTTPError(403, "the bot offered this person no Mini App at that URL")
        theme = body.get("theme") if body.get("theme") in THEMES else "light"
        self.finish({"url": launch_url(user, url, token=user.bot.token, theme=theme)})


class MenuButton(tornado.web.RequestHandler):
    """GET: the menu button this person's chat shows (commands, or a Mini App)."""

    def initialize(self, people: People) -> None:
        """Receive the shared people registry."""
        self.people = people

    def get(self, user_id: str) -> None:
        """The chat's menu button, or the bot's default."""
        user = self.people.emu.user_by_id(int(user_id))
        if user is None:
            raise tornado.web.HTTPError(404, f"no person {user_id}")
        self.finish(menu_button_of(user))


class Bridge(tornado.web.RequestHandler):
    """Hand a request to the bot's Starlette application (ASGI) and send back its answer."""

    def initialize(self, app: ASGI) -> None:
        """Receive the ASGI application."""
        self.app = app

    def check_xsrf_cookie(self) -> None:
        """The ASGI application decides for itself."""

    async def get(self, *_: str) -> None:
        """Forward the request."""
        request = self.request
        host, _sep, port = request.host.rpartition(":")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.protocol,
            "path": request.path,
            "raw_path": request.path.encode(),
            "query_string": request.query.encode(),
            "root_path": "",
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in request.headers.get_all()
            ],
            "client": (request.remote_ip, 0),
            "server": (host or request.host, int(port) if port.isdigit() else 80),
        }
        given = [{"type": "http.request", "body": request.body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if given:
                return given.pop()
            await asyncio.get_running_loop().create_future()  # never disconnects on its own
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.set_status(message["status"])
                self.clear_header("Content-Type")
                for key, value in message.get("headers", []):
                    self.add_header(key.decode("latin-1"), value.decode("latin-1"))
            elif message["type"] == "http.response.body":
                self.write(message.get("body", b""))

        await self.app(scope, receive, send)
        self.finish()

    post = get


def panel_routes(people: People) -> list[tuple[str, type[tornado.web.RequestHandler], Any]]:
    """The launch and menu-button endpoints, and the bot's ``/dashboard`` pages."""
    init = {"people": people}
    bot_web = web_app(people.services, metrics_of(people.app), webhook=False)
    return [
        (r"/sandbox/app/chats/(-?\d+)/webapp", MiniApp, init),
        (r"/sandbox/app/chats/(-?\d+)/menu", MenuButton, init),
        (r"/(dashboard(?:/.*)?)", Bridge, {"app": bot_web}),
    ]
