"""Updates/s and reply latency: polling in one process, then the webhook with 1-3 workers.

Every run gets a fresh PostgreSQL database and a fresh emulator in a process of its own
(``--serve``). Each simulated user sends a search, waits for its reply, and sends the next
(``--messages`` in all): a closed loop, so updates/s is what the bot sustains and p50/p99 the
latency a user sees. Polling runs the whole bot in this process; the webhook runs the web role
in this process and each worker as ``engage run --role worker``. Flood limits are off in the
emulator and high in the bot: the figures are the bot's own cost, not Telegram's limits.

    python bench/webhook.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
                            [--users 200] [--messages 10] [--workers 1,2,3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import FIRST_ID, header, percentile, scratch_database

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"
WORKER_START_SECONDS = 60


async def serve(users: int, messages: int) -> None:
    """Child: the emulator and its users; its address out, "go" in, the report out, "stop" in."""
    from bot.sandbox import Emulator

    emulator = Emulator(global_rate=None, chat_rate=None)
    people = [emulator.user(f"u{i}", lang="zh", user_id=FIRST_ID + i) for i in range(users)]
    await emulator.start()
    print(json.dumps({"url": emulator.base_url, "token": emulator.bot_token}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    latencies: list[float] = []
    wrong = 0  # replies that are not the answer (the generic error, someone else's search)

    async def play(person: Any) -> None:
        nonlocal wrong
        for n in range(messages):
            sent = time.perf_counter()
            search = f"b{person.id % 100000}m{n}"
            await person.send(f"/experts {search}")
            reply = await person.reply(timeout=120)
            latencies.append(time.perf_counter() - sent)
            wrong += search not in reply.text

    started = time.perf_counter()
    await asyncio.gather(*(play(person) for person in people))
    seconds = time.perf_counter() - started
    await asyncio.sleep(0.5)
    extra = sum(len(person.pending_replies()) for person in people)
    report = {
        "seconds": seconds,
        "latencies": latencies,
        "extra": extra,
        "wrong": wrong,
        "violations": len(emulator.violations),
    }
    print(json.dumps(report), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await emulator.stop()


class Child:
    """The emulator process."""

    def __init__(self, process: asyncio.subprocess.Process, endpoint: dict[str, str]) -> None:
        self.process, self.url, self.token = process, endpoint["url"], endpoint["token"]
        self.ran = False

    @classmethod
    async def start(cls, users: int, messages: int) -> Child:
        """Start the emulator child and read its address."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", "--users", str(users),
            "--messages", str(messages),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26,
        )  # fmt: skip
        assert process.stdout is not None
        return cls(process, json.loads(await process.stdout.readline()))

    async def run(self) -> dict[str, Any]:
        """Let the users go; return what they measured."""
        assert self.process.stdout is not None
        await self._say(b"go\n")
        self.ran = True
        report: dict[str, Any] = json.loads(await self.process.stdout.readline())
        return report

    async def stop(self) -> None:
        """Stop the emulator, once the bot no longer calls it (at once if its users never ran)."""
        if self.ran:
            await self._say(b"stop\n")
        else:
            self.process.kill()
        await self.process.wait()

    async def _say(self, line: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line)
        await self.process.stdin.drain()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(child: Child, database_url: str, port: int | None) -> dict[str, str]:
    values = {
        "ENGAGE_BOT_TOKEN": child.token,
        "ENGAGE_BOT_API_URL": child.url,
        "ENGAGE_DATABASE_URL": database_url,
        "ENGAGE_CONTENT_DIR": str(ROOT / "content"),
        "ENGAGE_GLOBAL_RATE": "100000",
        "ENGAGE_PER_CHAT_RATE": "100000",
        "ENGAGE_LOG_LEVEL": "WARNING",
    }
    if port is not None:
        values |= {
            "ENGAGE_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "ENGAGE_WEBHOOK_SECRET": SECRET,
            "ENGAGE_WEBHOOK_PORT": str(port),
        }
    return values


async def _worker(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--role", "worker",
            env={**os.environ, **env, "ENGAGE_LOG_LEVEL": "INFO"}, stderr=sink, cwd=ROOT,
        )  # fmt: skip
    deadline = time.monotonic() + WORKER_START_SECONDS
    while b"Application started" not in log.read_bytes():  # noqa: ASYNC240 (a small file)
        if process.returncode is not None or time.monotonic() > deadline:
            if process.returncode is None:
                process.kill()
                await process.wait()
            raise RuntimeError(log.read_text()[-2000:])  # noqa: ASYNC240
        await asyncio.sleep(0.1)
    return process


async def measure(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    """One run: polling in this process (``workers`` 0) or the webhook with ``workers``."""
    from bot.app import build_application, running
    from bot.config import load_settings

    url = await scratch_database(args.database_url)
    child = await Child.start(args.users, args.messages)
    port = _free_port() if workers else None
    env = _environment(child, url, port)
    settings = load_settings(**{k.removeprefix("ENGAGE_").lower(): v for k, v in env.items()})
    folder = Path(tempfile.mkdtemp(prefix="engage-webhook-bench-"))
    processes: list[asyncio.subprocess.Process] = []
    try:
        for n in range(workers):
            processes.append(await _worker(env, folder / f"w{n}.log"))
        async with running(build_application(settings), role="web" if workers else "all"):
            report = await child.run()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            await process.wait()
        await child.stop()
    report["workers"] = workers
    return report


def row(report: dict[str, Any], expected: int) -> str:
    """A markdown table row."""
    latencies = report["latencies"]
    mode = f"webhook, {report['workers']} worker(s)" if report["workers"] else "polling, 1 process"
    return (
        f"| {mode} | {len(latencies):,} / {expected:,} | {report['seconds']:.1f} s | "
        f"{len(latencies) / report['seconds']:.0f} | {percentile(latencies, 50) * 1000:.0f} ms | "
        f"{percentile(latencies, 99) * 1000:.0f} ms | {report['wrong']} | {report['extra']} | "
        f"{report['violations']} |"
    )


async def main(args: argparse.Namespace) -> None:
    """Polling first, then each number of workers; one table."""
    expected = args.users * args.messages
    runs = [0] + [int(n) for n in args.workers.split(",")]
    command = "python bench/webhook.py " + " ".join(sys.argv[1:])
    print(header("Webhook and workers on PostgreSQL", command))
    print("| mode | replies | time | updates/s | p50 | p99 | wrong | extra | violations |")
    print("|---|---|---|---|---|---|---|---|---|")
    for workers in runs:
        print(row(await measure(workers, args), expected), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--database-url", default=os.environ.get("ENGAGE_TEST_DATABASE_URL"))
    arguments = parser.parse_args()
    if arguments.serve:
        asyncio.run(serve(arguments.users, arguments.messages))
    elif not arguments.database_url:
        parser.error("--database-url postgresql+asyncpg://… is needed (workers share PostgreSQL)")
    else:
        asyncio.run(main(arguments))
