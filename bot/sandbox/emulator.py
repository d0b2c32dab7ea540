"""A strict, in-process Telegram Bot API server for tests, benchmarks and the sandbox UI.

Run standalone with ``python -m bot.sandbox.emulator --port 8081``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Coroutine
from types import TracebackType
from typing import Any

import tornado.httpserver
import tornado.netutil

from bot.sandbox import methods_misc, methods_send  # noqa: F401 - registers the API methods
from bot.sandbox.botstate import BotAccount
from bot.sandbox.checks import Checks
from bot.sandbox.errors import QUERY_TOO_OLD, ApiError, ApiViolation, bad_request, summarize_params
from bot.sandbox.limits import Faults, RateLimiter
from bot.sandbox.models import FileStore
from bot.sandbox.params import Params, Upload
from bot.sandbox.registry import HANDLERS, SENDING_METHODS
from bot.sandbox.spec import load_spec
from bot.sandbox.users import SimUser

__all__ = ["Emulator", "main"]

log = logging.getLogger(__name__)

Reply = tuple[int, dict[str, Any]]
_REQUIRED_TEXTS = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "voice": "there is no voice in the request",
    "message_id": "message identifier is not specified",
    "callback_query_id": QUERY_TOO_OLD,
}


class Emulator(Checks):
    """The emulated Bot API server with its bots, simulated users and checks."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        spec_path: str | None = None,
        global_rate: float | None = 30.0,
        global_burst: int = 30,
        chat_rate: float | None = 1.0,
        chat_burst: int = 3,
        callback_answer_timeout: float = 15.0,
        strict_html: bool = True,
        seed: int | None = None,
        bot_username: str = "engage_bot",
        bot_id: int = 1000001,
    ) -> None:
        """Configure the emulator; rates of None disable flood control."""
        self.host, self.port = host, port
        self.spec = load_spec(spec_path)
        self.files = FileStore()
        self.limiter = RateLimiter(global_rate, global_burst, chat_rate, chat_burst)
        self.faults = Faults(seed)
        self.strict_html = strict_html
        Checks.__init__(self, callback_answer_timeout)
        self.in_flight = 0
        self.base_url = ""
        self._bots: dict[str, BotAccount] = {}
        self._users: dict[int, SimUser] = {}
        self._user_ids = itertools.count(7_100_000_001)
        self._last_activity = 0.0
        self._background: set[asyncio.Future[Reply]] = set()
        self._server: tornado.httpserver.HTTPServer | None = None
        self.bot = self.add_bot(bot_username, bot_id=bot_id)

    # -- lifecycle -----------------------------------------------------------
    async def start(self) -> Emulator:
        """Start listening (port 0 picks a free port); sets ``base_url``."""
        from bot.sandbox.control import make_app
        from bot.sandbox.server import Router

        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self._server = tornado.httpserver.HTTPServer(
            Router(self, make_app(self)), max_body_size=60 * 1024 * 1024
        )
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self.base_url = f"http://{self.host}:{self.port}"
        return self

    async def stop(self) -> None:
        """Stop the server, webhook deliveries, timers and event streams."""
        deliveries = [bot.delivery.task for bot in self._bots.values() if bot.delivery]
        for bot in self._bots.values():
            bot.stop_webhook()
        await asyncio.gather(*deliveries, return_exceptions=True)
        for pending in self._callbacks.values():
            if pending.timer is not None:
                pending.timer.cancel()
        for queue in self._subscribers:
            queue.put_nowait(None)
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> Emulator:
        """Start the emulator."""
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the emulator."""
        await self.stop()

    # -- bots and users ------------------------------------------------------
    def add_bot(
        self, username: str, *, bot_id: int | None = None, first_name: str | None = None
    ) -> BotAccount:
        """Create another bot; its token is ``.token``."""
        bot_id = bot_id or 1000001 + len(self._bots)
        bot = BotAccount(bot_id, username, first_name, update_types=self.spec.update_types)
        self._bots[bot.token] = bot
        return bot

    @property
    def bot_token(self) -> str:
        """Return the token of the default bot."""
        return self.bot.token

    def bot_for_token(self, token: str) -> BotAccount | None:
        """Return the bot with this token."""
        return self._bots.get(token)

    def user(
        self,
        name: str,
        lang: str | None = "zh",
        *,
        user_id: int | None = None,
        username: str | None = None,
        bot: BotAccount | None = None,
    ) -> SimUser:
        """Create a simulated user with a new private chat with ``bot`` (default bot)."""
        uid = user_id if user_id is not None else next(self._user_ids)
        if uid in self._users:
            raise ValueError(f"user id {uid} already exists")
        owner = bot or self.bot
        sim = SimUser(self, owner, uid, name, lang, username)
        self._users[uid] = owner.chats[uid] = sim
        return sim

    @property
    def users(self) -> list[SimUser]:
        """Return all simulated users in creation order."""
        return list(self._users.values())

    def user_by_id(self, user_id: int) -> SimUser | None:
        """Return the simulated user with this id."""
        return self._users.get(user_id)

    # -- the API dispatcher --------------------------------------------------
    def call(
        self, token: str, method: str, raw: dict[str, Any], files: dict[str, Upload] | None = None
    ) -> Reply | Awaitable[Reply]:
        """Execute one Bot API call; return (HTTP status, JSON body) or an awaitable of it."""
        bot = self._bots.get(token)
        lower = method.lower()
        params = Params(method, raw, files)
        if bot is None:
            return self._refuse(ApiError(401, "Unauthorized"), method, params)
        handler = HANDLERS.get(lower)
        spec = self.spec.get(lower)
        if handler is None:
            if spec is None:
                return self._refuse(ApiError(404, "Not Found"), method, params)
            err = bad_request("method not supported by the emulator", kind="unsupported_method")
            return self._refuse(err, spec.name, params)
        name = spec.name if spec is not None else method
        params.method = name
        if lower != "getupdates":
            self._last_activity = time.monotonic()
        try:
            self._faults(lower, params)
            if spec is not None:
                for field in spec.required:
                    if not params.has(field):
                        raise bad_request(
                            _REQUIRED_TEXTS.get(field, f'parameter "{field}" is required')
                        )
            result = handler(self, bot, params)
        except ApiError as exc:
            return self._refuse(exc, name, params)
        if isinstance(result, Coroutine):
            return self._await(result, name, params)
        return 200, {"ok": True, "result": result}

    def _faults(self, lower: str, params: Params) -> None:
        faults = self.faults
        if faults.once:
            failure = faults.pop_failure(lower)
            if failure is not None:
                raise failure
        if lower in SENDING_METHODS and (faults.n429 or faults.p429):
            injected = faults.roll_429()
            if injected is not None:
                chat = params.raw.get("chat_id")
                chat_id = (
                    int(chat)
                    if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit()
                    else None
                )
                self.limiter.note_injected(chat_id, faults.retry_after)
                raise injected

    async def _await(self, coro: Coroutine[Any, Any, Any], name: str, params: Params) -> Reply:
        try:
            result = await coro
        except ApiError as exc:
            return self._refuse(exc, name, params)
        return 200, {"ok": True, "result": result}

    def _refuse(self, exc: ApiError, method: str, params: Params) -> Reply:
        if exc.fault:
            chat = params.raw.get("chat_id")
            self.violations.append(
                ApiViolation(
                    kind=exc.kind,
                    method=method,
                    error=exc.description,
                    params=summarize_params(params.raw, params.files),
                    error_code=exc.code,
                    chat_id=int(chat)
                    if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit()
                    else None,
                    timestamp=time.time(),
                )
            )
        return exc.code, exc.payload()

    def webhook_reply(self, bot: BotAccount, body: bytes) -> None:
        """Execute a method the bot returned in a webhook response body."""
        try:
            payload = json.loads(body)
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            method = payload.pop("method")
            result = self.call(bot.token, method, payload)
            if not isinstance(result, tuple):
                task = asyncio.ensure_future(result)
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def check(self, quiet: float = 0.05) -> None:
        """Wait until idle, flag unanswered callback queries, then ``assert_no_violations``."""
        await self.idle(quiet)
        self.flag_unanswered()
        self.assert_no_violations()

    def inject_429(
        self, probability: float | None = None, *, count: int | None = None, retry_after: int = 1
    ) -> None:
        """Answer sending methods with 429 ``count`` times or with ``probability`` (0 stops)."""
        self.faults.inject_429(probability, count, retry_after)

    def drop_connections(self, probability: float) -> None:
        """Carry out a share of sending calls and then drop the connection without answering."""
        self.faults.drop_connections(probability)

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        """Make the next call of ``method`` fail with this error (not counted as a violation)."""
        if description is None:
            description = {
                403: "Forbidden: bot was blocked by the user",
                429: "Too Many Requests: retry after 1",
            }.get(error_code, "Bad Request: injected failure")
        params = {"retry_after": retry_after} if retry_after is not None else None
        if error_code == 429 and params is None:
            params = {"retry_after": 1}
        self.faults.fail_next(method, error_code, description, params)

    # -- waiting and events --------------------------------------------------
    async def idle(self, quiet: float = 0.05, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until no update is undelivered, no request runs and ``quiet`` seconds passed."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            busy = self.in_flight > 0 or any(
                b.delivered_upto < b.next_update_id - 1 for b in self._bots.values()
            )
            last = max([self._last_activity] + [b.last_delivery for b in self._bots.values()])
            idle_for = now - last
            if not busy and idle_for >= quiet:
                return
            if now > deadline:
                raise TimeoutError(
                    f"emulator still busy after {timeout}s ({self.describe_bot(self.bot)})"
                )
            await asyncio.sleep(0.01 if busy else max(0.005, quiet - idle_for))

    def commands_changed(self, bot: BotAccount, key: tuple[str, str]) -> None:
        """Notify subscribers that a command list changed."""
        if self._subscribers:
            self.publish(
                {"type": "commands_changed", "scope": json.loads(key[0]), "language_code": key[1]}
            )

    def visible_commands(
        self, lang: str = "", chat_id: int | None = None, bot: BotAccount | None = None
    ) -> list[Any]:
        """Return the commands a private-chat user with ``lang`` sees, resolved like Telegram.

        ``lang`` may be a client's IETF tag (``zh-hans``): menus are kept per ISO 639-1 code.
        """
        owner = bot or self.bot
        lang = lang.split("-")[0].lower()
        scopes = ['{"type":"all_private_chats"}', '{"type":"default"}']
        if chat_id is not None:
            scopes.insert(
                0, json.dumps({"chat_id": chat_id, "type": "chat"}, separators=(",", ":"))
            )
        for scope in scopes:
            for language in (lang, ""):
                found = owner.commands.get((scope, language))
                if found:
                    return found
        return []

    # -- diagnostics ---------------------------------------------------------
    def describe_bot(self, bot: BotAccount) -> str:
        """Return a one-line status of a bot's update delivery."""
        mode = (
            f"webhook {bot.webhook.url}"
            if bot.webhook
            else ("polling" if bot.polling else "not polling")
        )
        undelivered = bot.next_update_id - 1 - bot.delivered_upto
        running = self.in_flight
        return (
            f"bot @{bot.username}: {mode}, {undelivered} undelivered update(s), {running} running"
        )

    def describe_wait(self, user: SimUser, timeout: float) -> str:
        """Explain why ``user.reply()`` timed out."""
        recent = [f"#{m.message_id} {m.text[:60]!r}" for m in user.history[-3:]]
        mine = [v for v in self.violations if v.chat_id == user.id][-3:]
        parts = [
            f"{user.name} (chat {user.id}) got no bot message within {timeout}s",
            self.describe_bot(user.bot),
            f"last bot messages: {recent or 'none'}",
        ]
        if self._callbacks:
            parts.append(f"unanswered callback queries: {len(self._callbacks)}")
        if mine:
            parts.append("violations in this chat: " + "; ".join(str(v) for v in mine))
        return "\n  ".join(parts)


def main(argv: list[str] | None = None) -> None:
    """Run the emulator as a standalone server until interrupted."""
    parser = argparse.ArgumentParser(description="Strict Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-rate-limit", action="store_true", help="disable flood control")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    async def serve() -> None:
        rates: dict[str, Any] = (
            {"global_rate": None, "chat_rate": None} if args.no_rate_limit else {}
        )
        emu = Emulator(host=args.host, port=args.port, **rates)
        await emu.start()
        log.info("Bot API emulator at %s (spec %s)", emu.base_url, emu.spec.version)
        log.info("bot @%s token %s", emu.bot.username, emu.bot_token)
        log.info("PTB: base_url=%s/bot base_file_url=%s/file/bot", emu.base_url, emu.base_url)
        try:
            await asyncio.Event().wait()
        finally:
            await emu.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
