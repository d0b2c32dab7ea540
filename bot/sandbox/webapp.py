"""The browser chat: static page, the emulator's control API, and what the page needs besides.

The page drives simulated users through the emulator's control API (``/sandbox/api/``:
send, press, upload, commands, files). This module adds, under ``/sandbox/app/``, people
with roles (granted through the user service, as an admin would) and a stream of ready-to-draw
chat events. Everything runs in the bot's own event loop, so handlers call the emulator and
the services directly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import tornado.iostream
import tornado.web

from bot.clock import utcnow
from bot.models.users import Role
from bot.sandbox.control import make_app
from bot.sandbox.demo import PEOPLE
from bot.sandbox.miniapp import menu_button_of
from bot.sandbox.panel import panel_routes
from bot.sandbox.people import ROLE_ORDER, People
from bot.sandbox.users import SimUser
from bot.sandbox.views import chat_view, keyboard_view, message_view
from bot.services.settings import PushSettings, quiet_end

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator

log = logging.getLogger(__name__)
WEB = Path(__file__).with_name("web")
PING_SECONDS = 15.0
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")  # Telegram's rule for a username


class _Handler(tornado.web.RequestHandler):
    """JSON in and out for the page's own endpoints."""

    people: People

    def initialize(self, people: People) -> None:
        """Receive the shared people registry."""
        self.people = people

    @property
    def emu(self) -> Emulator:
        """The emulator the page talks to."""
        return self.people.emu

    def check_xsrf_cookie(self) -> None:
        """Local and cookie-less, like the control API."""

    def body_json(self) -> dict[str, Any]:
        """The request's JSON object."""
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, "body is not JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, "body must be a JSON object")
        return data

    def person(self, user_id: str) -> SimUser:
        """The simulated user with this id, or 404."""
        user = self.emu.user_by_id(int(user_id))
        if user is None:
            raise tornado.web.HTTPError(404, f"no person {user_id}")
        return user

    def reply(self, payload: Any, status: int = 200) -> None:
        """Write a JSON answer."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(payload, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors as JSON the page can show."""
        exc = kwargs.get("exc_info", (None, None))[1]
        message = getattr(exc, "log_message", None) or self._reason
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"ok": False, "error": message}, ensure_ascii=False))


def _role(value: object) -> Role:
    try:
        return Role(str(value or Role.WORKER.value))
    except ValueError:
        raise tornado.web.HTTPError(400, f"unknown role {value!r}") from None


def _username(value: object) -> str | None:
    text = str(value or "").strip().removeprefix("@")
    if not text:
        return None
    if USERNAME.fullmatch(text) is None:
        raise tornado.web.HTTPError(400, "a username is 5 to 32 letters, digits or _")
    return text


class Info(_Handler):
    """GET: the bot, the roles in both languages, the demo cast, the bot's timezone."""

    def get(self) -> None:
        """Describe the sandbox (the timezone is the bot's, for the times on messages)."""
        services = self.people.services
        i18n = services.i18n
        roles = [
            {
                "value": r.value,
                "label": {loc: i18n.translator(loc)(f"role.{r.value}") for loc in ("zh", "en")},
            }
            for r in reversed(ROLE_ORDER)
        ]
        cast = [
            {
                "id": p.id,
                "name": p.name,
                "lang": p.lang,
                "role": p.role.value,
                "username": p.username,
            }
            for p in PEOPLE
        ]
        bot = self.emu.bot
        self.reply(
            {
                "bot": {"username": bot.username, "name": bot.user_json["first_name"]},
                "roles": roles,
                "cast": cast,
                "timezone": services.settings.timezone,
            }
        )


class Clock(_Handler):
    """GET: the bot's local time and what waits for quiet hours; POST: send that now."""

    async def get(self) -> None:
        """What the page's clock shows, so a tester elsewhere sees the bot's night."""
        zone = self.people.services.settings.timezone
        now = utcnow()
        self.reply(
            {
                "time": now.astimezone(ZoneInfo(zone)).strftime("%H:%M"),
                "timezone": zone,
                "quiet": quiet_end(now, PushSettings(timezone=zone)) is not None,
                "held": await self.people.services.broadcasts.outbox.held(),
            }
        )

    async def post(self) -> None:
        """Send what quiet hours hold, as if they had ended."""
        self.reply({"released": await self.people.services.broadcasts.release_held()})


class PeopleList(_Handler):
    """GET: the people in the sandbox; POST {name, lang, role, id?}: add one."""

    async def get(self) -> None:
        """List people with their roles (newcomers in the database join first)."""
        await self.people.restore(running=True)
        self.reply([await self.people.describe(u) for u in self.emu.users])

    async def post(self) -> None:
        """Add a person (``id`` picks a demo person)."""
        body = self.body_json()
        name = str(body.get("name") or "").strip()[:64]
        if not name:
            raise tornado.web.HTTPError(400, "name is required")
        lang = "en" if body.get("lang") == "en" else "zh"
        user_id = body.get("id")
        try:
            user = await self.people.add(
                name=name,
                lang=lang,
                role=_role(body.get("role")),
                user_id=int(user_id) if user_id else None,
                username=_username(body.get("username")),
            )
        except ValueError as exc:
            raise tornado.web.HTTPError(409, str(exc)) from None
        self.reply(await self.people.describe(user), 201)


class Chat(_Handler):
    """GET: one person's chat: messages, reply keyboard and command menu."""

    async def get(self, user_id: str) -> None:
        """Everything needed to draw the chat from scratch."""
        user = self.person(user_id)
        self.reply(
            {
                "person": await self.people.describe(user),
                "messages": chat_view(user),
                "keyboard": keyboard_view(user),
                "commands": self.emu.visible_commands((user.lang or "")[:2], user.id),
                "menu_button": menu_button_of(user),
            }
        )


class RoleChange(_Handler):
    """POST {role}: give a person a different role (as an admin would with /grant)."""

    async def post(self, user_id: str) -> None:
        """Change the role."""
        user = self.person(user_id)
        await self.people.set_role(user, _role(self.body_json().get("role")))
        self.reply(await self.people.describe(user))


class Events(_Handler):
    """GET: server-sent events, each ready to draw (the emulator's events, translated)."""

    _queue: asyncio.Queue[dict[str, Any] | None] | None = None

    async def get(self) -> None:
        """Stream until the page goes away or the sandbox stops."""
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        queue = self._queue = self.emu.subscribe()
        reported = len(self.emu.violations)
        try:
            self.write(": connected\n\n")
            await self.flush()
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), PING_SECONDS)
                except TimeoutError:
                    self.write(": ping\n\n")
                    await self.flush()
                    continue
                if event is None:
                    break
                for out in await self._translate(event):
                    self._send(out)
                for violation in self.emu.violations[reported:]:
                    self._send(
                        {"type": "violation", "chat_id": violation.chat_id, "text": str(violation)}
                    )
                reported = len(self.emu.violations)
                await self.flush()
        except tornado.iostream.StreamClosedError:
            pass
        finally:
            self.emu.unsubscribe(queue)
        if not self._finished:
            self.finish()

    def on_connection_close(self) -> None:
        """Wake the loop so that it ends."""
        if self._queue is not None:
            self._queue.put_nowait(None)

    def _send(self, event: dict[str, Any]) -> None:
        self.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n")

    async def _translate(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        kind, chat_id = event.get("type"), event.get("chat_id")
        user = self.emu.user_by_id(chat_id) if isinstance(chat_id, int) else None
        if kind == "user_message" and user is not None:
            return [
                {
                    "type": "message",
                    "chat_id": chat_id,
                    "message": message_view(event["message"], out=True),
                }
            ]
        if kind in ("new_message", "edited_message") and user is not None:
            raw = user.messages.get(event["message"]["message_id"])
            if raw is None:
                return []
            view = message_view(raw, out=False)
            return [
                {
                    "type": "message",
                    "chat_id": chat_id,
                    "message": view,
                    "keyboard": keyboard_view(user),
                }
            ]
        if kind == "deleted_message":
            return [{"type": "deleted", "chat_id": chat_id, "message_id": event["message_id"]}]
        if kind == "callback_answer":
            return [
                {
                    "type": "answer",
                    "chat_id": chat_id,
                    "text": event.get("text"),
                    "alert": event.get("show_alert"),
                }
            ]
        if kind == "chat_action":
            return [{"type": "action", "chat_id": chat_id, "action": event.get("action")}]
        if kind == "menu_button":
            return [{"type": "menu_button", "chat_id": chat_id}]
        if kind == "commands_changed":
            return [{"type": kind}, *await self._person_changed(event.get("scope") or {})]
        if kind == "people_changed":
            return [{"type": kind}]
        if kind == "content_reloaded":
            return [{"type": "content", "text": event.get("text")}]
        return []

    async def _person_changed(self, scope: dict[str, Any]) -> list[dict[str, Any]]:
        """The person whose own menu changed, as the page lists them now.

        The bot gives a chat its own menu when that person's roles or language change (/grant,
        /revoke, /language), so their role and language in the page follow without a reload.
        """
        chat_id = scope.get("chat_id") if scope.get("type") == "chat" else None
        user = self.emu.user_by_id(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            return []
        try:
            person = await self.people.describe(user)
        except Exception:  # a busy database is no reason to end the page's stream
            log.warning("could not describe %s for the page", user.id, exc_info=True)
            return []
        return [{"type": "person_changed", "person": person}]


class Page(tornado.web.StaticFileHandler):
    """The page and its assets, revalidated on every load so edits show at once."""

    def set_extra_headers(self, path: str) -> None:
        """Ask the browser to check for a newer file each time."""
        self.set_header("Cache-Control", "no-cache")


def make_web_app(people: People) -> tornado.web.Application:
    """The web chat's application: the control API plus the page and its own endpoints."""
    web = make_app(people.emu)
    init = {"people": people}
    web.add_handlers(
        r".*",
        [
            (r"/sandbox/app/info", Info, init),
            (r"/sandbox/app/people", PeopleList, init),
            (r"/sandbox/app/chats/(-?\d+)", Chat, init),
            (r"/sandbox/app/chats/(-?\d+)/role", RoleChange, init),
            (r"/sandbox/app/events", Events, init),
            (r"/sandbox/app/clock", Clock, init),
            *panel_routes(people),
            (r"/()", Page, {"path": str(WEB), "default_filename": "index.html"}),
            (r"/static/(.+)", Page, {"path": str(WEB)}),
        ],
    )
    return web
