"""``engage sandbox`` (``engage run`` without a token): the real bot, the emulator, a web chat.

Nothing leaves the computer: the bot polls the in-process emulator instead of Telegram, and
people chat with it from a browser page served on loopback unless explicitly told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import tornado.httpserver
from pydantic import SecretStr

from bot.app import App, build_application, running
from bot.config import Settings
from bot.context import services_of
from bot.sandbox.demo import seed
from bot.sandbox.emulator import Emulator
from bot.sandbox.people import People
from bot.sandbox.watch import ContentWatcher, sync_content
from bot.sandbox.webapp import make_web_app
from bot.services import Services

log = logging.getLogger(__name__)
POLL_TIMEOUT = 30
PEOPLE_EVERY = 2.0  # seconds between looks for people another process added
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, public: bool) -> None:
    """End the program (exit code 2) rather than open the sandbox to the network unasked."""
    if public or is_loopback(host):
        return
    print(
        f"engage: refusing to serve the sandbox on {host}: anyone on the network could use it. "
        "Use 127.0.0.1, or add --allow-public if that is what you want.",
        file=sys.stderr,
    )
    raise SystemExit(2)


def address(host: str, port: int) -> str:
    """The URL to open in a browser."""
    bare = host.strip("[]")
    shown = f"[{bare}]" if ":" in bare else bare
    return f"http://{shown}:{port}"


class PortUnavailable(Exception):
    """The web chat's address cannot be listened on (port taken, unknown host)."""


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket (closed again when binding fails, unlike tornado's ``bind_sockets``)."""
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    try:
        listener = socket.create_server((bare, port), family=family)
    except OSError as exc:
        raise PortUnavailable(f"{address(host, port)}: {exc.strerror or exc}") from exc
    listener.setblocking(False)
    return listener


class Sandbox:
    """The emulator, the real bot polling it and the web chat, started and stopped together."""

    def __init__(
        self, settings: Settings, *, watch: Path | None = None, demo: bool = False
    ) -> None:
        self.settings = settings
        self.watch = watch
        self.demo = demo
        self.seeded = ""  # what the demo added, when asked for
        self.emulator = Emulator()
        self.app: App | None = None
        self.url = ""
        self._stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> Sandbox:
        """Start everything (stopped again in reverse order); ``url`` is the web chat's address.

        The port is taken first, so a busy one is reported before the database, the content
        or the bot are touched (:class:`PortUnavailable`).
        """
        listener = _listen(self.settings.sandbox_host, self.settings.sandbox_port)
        stack = contextlib.AsyncExitStack()
        stack.callback(listener.close)  # the server closes it too; closing twice is harmless
        try:
            await stack.enter_async_context(self.emulator)
            here = address(self.settings.sandbox_host, listener.getsockname()[1])
            bot = build_application(self._bot_settings(dashboard=f"{here}/dashboard/"))
            await self._prepare(services_of(bot))
            people = People(self.emulator, bot)
            await people.restore()  # before the bot starts: due jobs may message anyone
            self.app = await stack.enter_async_context(running(bot, poll_timeout=POLL_TIMEOUT))
            follow = asyncio.create_task(_follow(people))
            stack.push_async_callback(_cancel, follow)
            server = self._serve(people, listener)
            stack.push_async_callback(_close, server)
            if self.watch is not None:  # the learning feature syncs content_dir on start
                watcher = ContentWatcher(self.watch, self._reload)
                watcher.start()
                stack.push_async_callback(watcher.stop)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def stop(self) -> None:
        """Stop the watcher, the page, the bot (pending writes committed), then the emulator."""
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()
        self.app = None

    def _bot_settings(self, *, dashboard: str) -> Settings:
        """The bot's settings: the emulator as its Bot API, the dashboard served beside the chat.

        ``dashboard`` is plain http on loopback, which the emulator, like Telegram's test
        environment, accepts for Mini Apps (model_copy does not run the https check).
        """
        update: dict[str, object] = {
            "bot_token": SecretStr(self.emulator.bot_token),
            "bot_api_url": self.emulator.base_url,
            "dashboard_url": dashboard,
        }
        if self.watch is not None:
            update["content_dir"] = self.watch  # lesson images come from the folder being edited
        return self.settings.model_copy(update=update)

    async def _prepare(self, services: Services) -> None:
        """The newest schema, and the demo data when asked for, before the bot starts."""
        await services.db.upgrade()
        if self.demo:
            self.seeded = (await seed(services)).summary()

    def _serve(self, people: People, listener: socket.socket) -> tornado.httpserver.HTTPServer:
        server = tornado.httpserver.HTTPServer(make_web_app(people))
        server.add_sockets([listener])
        self.url = address(self.settings.sandbox_host, listener.getsockname()[1])
        return server

    async def _reload(self) -> None:
        """Sync the watched folder and tell the page, so an author sees the result at once."""
        assert self.app is not None
        assert self.watch is not None
        summary = await sync_content(services_of(self.app), self.watch)
        log.info("%s", summary)
        self.emulator.publish({"type": "content_reloaded", "text": summary})


async def _follow(people: People) -> None:
    """Give a chat to people another process added (``engage demo seed``), every few seconds."""
    while True:
        await asyncio.sleep(PEOPLE_EVERY)
        try:
            await people.restore(running=True)
        except Exception:  # a busy database now is no reason to stop looking
            log.warning("could not look for new people; trying again", exc_info=True)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _close(server: tornado.httpserver.HTTPServer) -> None:
    server.stop()
    await server.close_all_connections()


@contextlib.contextmanager
def _stop_signals() -> Iterator[asyncio.Event]:
    """An event set by Ctrl-C (SIGINT) or SIGTERM while the block runs."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)


def banner(url: str, watch: Path | None, *, loopback: bool = True) -> str:
    """The one line that says what is running and where."""
    reach = "nothing leaves this computer" if loopback else "open to your network"
    watching = f", reloading content from {watch} on change" if watch else ""
    return f"engage: local sandbox (no Telegram, {reach}) at {url}{watching}; Ctrl-C stops it"


async def run_sandbox(
    settings: Settings, *, watch: Path | None = None, public: bool = False, demo: bool = False
) -> None:
    """Run the sandbox until Ctrl-C (SIGINT) or SIGTERM; ``demo`` seeds the demo data first."""
    check_bind(settings.sandbox_host, public=public)
    sandbox = Sandbox(settings, watch=watch, demo=demo)
    with _stop_signals() as stop:
        try:
            await sandbox.start()
        except PortUnavailable as exc:
            print(
                f"engage: cannot serve the sandbox at {exc}; "
                "choose another port with --port or ENGAGE_SANDBOX_PORT.",
                file=sys.stderr,
            )
            raise SystemExit(2) from None
        loopback = is_loopback(settings.sandbox_host)
        if sandbox.seeded:
            print(f"engage: {sandbox.seeded}", flush=True)
        print(banner(sandbox.url, watch, loopback=loopback), flush=True)
        try:
            await stop.wait()
        finally:
            await sandbox.stop()
