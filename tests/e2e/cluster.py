"""Production's shape in a test: the web role in the test's process, workers as real processes.

``engage run --role worker`` processes reach the emulator over HTTP, as separate machines
would. :meth:`Cluster.turn` hands the work to the next worker: it waits until every update
stored so far is handled, then stops the worker that handled them (``SIGSTOP``) and wakes the
next (``SIGCONT``), so each of a chat's consecutive steps is handled by another process.
:meth:`Cluster.kill` is ``kill -9``. PostgreSQL only: several processes writing one SQLite
file is what SQLite's single writer rules out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.config import Settings
from bot.services import Services

START_TIMEOUT = 30.0
LEASE_SECONDS = 10  # the default: a dead worker's updates pass to another within it


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a worker process with the test's settings."""
    return {
        **os.environ,
        "ENGAGE_BOT_TOKEN": settings.token or "",
        "ENGAGE_BOT_API_URL": settings.bot_api_url,
        "ENGAGE_DATABASE_URL": settings.database_url,
        "ENGAGE_CONTENT_DIR": str(settings.content_dir),
        "ENGAGE_GLOBAL_RATE": str(settings.global_rate),
        "ENGAGE_PER_CHAT_RATE": str(settings.per_chat_rate),
        "ENGAGE_PER_CHAT_BURST": str(settings.per_chat_burst),
        "ENGAGE_INBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "ENGAGE_LOG_LEVEL": "INFO",
        "ENGAGE_ADMIN_IDS": ",".join(str(i) for i in settings.admin_ids),
        **extra,
    }


async def start_process(
    args: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> asyncio.subprocess.Process:
    """Start ``python -m bot <args>`` and return once its application has started."""
    seen = log.stat().st_size if log.exists() else 0  # noqa: ASYNC240 (a small local file)
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, env=env, stderr=sink, stdout=sink, cwd=cwd
        )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    while loop.time() < deadline:
        if b"Application started" in log.read_bytes()[seen:]:  # noqa: ASYNC240
            return process
        if process.returncode is not None:
            break
        await asyncio.sleep(0.05)
    raise AssertionError(f"bot {args} did not start:\n{log.read_text()[-3000:]}")  # noqa: ASYNC240


async def stop_process(process: asyncio.subprocess.Process) -> None:
    """Stop a process cleanly (waking it first if it was stopped)."""
    if process.returncode is None:
        process.send_signal(signal.SIGCONT)
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            await process.wait()


class Cluster:
    """Worker processes on one database, one of them awake at a time."""

    def __init__(self, settings: Settings, services: Services, folder: Path, size: int = 2):
        self.settings = settings
        self.services = services
        self.folder = folder
        self.size = size
        self.workers: list[asyncio.subprocess.Process] = []
        self.awake = 0
        self.turns = 0

    def log(self, index: int) -> Path:
        """Where worker ``index`` writes its log."""
        return self.folder / f"worker{index}.log"

    async def start(self) -> Cluster:
        """Start every worker; only the first stays awake."""
        for index in range(self.size):
            process = await start_process(
                ["run", "--role", "worker"], worker_env(self.settings), self.log(index)
            )
            self.workers.append(process)
        for process in self.workers[1:]:
            process.send_signal(signal.SIGSTOP)
        return self

    async def settled(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Wait until every update stored so far is handled and its replies sent."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (await self.services.inbox.depth()).undone:
            if loop.time() > deadline:
                raise AssertionError(f"updates still undone after {timeout}s: {self.tail()}")
            await asyncio.sleep(0.02)

    async def turn(self) -> None:
        """Hand the next updates to the next worker."""
        await self.settled()
        nxt = (self.awake + 1) % self.size
        self.workers[self.awake].send_signal(signal.SIGSTOP)
        self.workers[nxt].send_signal(signal.SIGCONT)
        self.awake = nxt
        self.turns += 1

    async def kill(self) -> None:
        """``kill -9`` the awake worker and wake the next one."""
        dead = self.workers[self.awake]
        dead.send_signal(signal.SIGKILL)
        await dead.wait()
        nxt = (self.awake + 1) % self.size
        self.workers[nxt].send_signal(signal.SIGCONT)
        self.awake = nxt

    def tail(self) -> str:
        """The end of every worker's log, for a failure's message."""
        return "\n".join(
            f"--- worker {i}\n{self.log(i).read_text()[-1500:]}" for i in range(self.size)
        )

    async def stop(self) -> None:
        """Stop every worker."""
        for process in self.workers:
            await stop_process(process)
