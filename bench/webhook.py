"""Updates/s and reply latency: polling in one process, then the webhook with 1-3 workers.

Every run gets a fresh PostgreSQL database and a fresh emulator in a process of its own
(``--serve``). Polling runs the whole bot in this process; the webhook runs the web role in
this process and each worker as ``engage run --role worker``. Flood limits are off in the
emulator and high in the bot: the figures are the bot's own cost, not Telegram's limits.

Two scenarios, each a closed loop (a user waits for each reply before the next step), so
updates/s is what the bot sustains and p50/p99 the latency a user sees:

- ``searches``: each user sends ``--messages`` searches (stateless commands);
- ``flows``: each user walks /idea to a submitted proposal (ten steps, typed and pressed),
  then a reviewer accepts every proposal with a typed comment. Each step's reply must be the
  next question: ``wrong`` counts replies that are not, ``lost`` steps that got no reply.

``extra`` counts messages nobody waited for (a duplicate reply).

    python bench/webhook.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
                            [--scenario searches,flows] [--users 200] [--messages 10]
                            [--workers 1,2,3]
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


# A proposal in ten steps: what the author does, and what the reply must contain.
IDEA = (
    ("send", "/idea", "标题"),
    ("send", "焊接工装快速定位", "2️⃣"),
    ("send", "换型找正慢", "3️⃣"),
    ("send", "用定位销和快换夹具", "4️⃣"),
    ("press", "⚡ 效率", "每班节省"),
    ("send", "每班节省 30 分钟", "照片"),
    ("press", "跳过", "补充"),
    ("press", "跳过", "匿名"),
    ("press", "🙋 署名提交", "提交前"),
    ("press", "📨 提交", "提交成功"),
)


MESSAGES_PER_STEP = 4


class Steps:
    """Latency of each step, and the steps whose reply was wrong or never came.

    A step may be answered with more than one message (an acknowledgement, then the next
    question): its reply is the first message holding what the step expects, within a few.
    """

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.wrong = 0
        self.lost = 0

    async def take(self, person: Any, action: str, given: str, expect: str) -> str | None:
        """Do one step; the expected reply's text, or None when it never came."""
        sent = time.perf_counter()
        try:
            await (person.send(given) if action == "send" else person.press(given))
        except AssertionError:  # no such button: an earlier reply was not the expected question
            self.wrong += 1
            return None
        seen = []
        for _ in range(MESSAGES_PER_STEP):
            try:
                reply = await person.reply(timeout=120 if not seen else 2)
            except TimeoutError:
                break
            if expect in reply.text:
                self.latencies.append(time.perf_counter() - sent)
                return str(reply.text)
            seen.append(reply.text)
        if seen:
            self.wrong += 1
            if os.environ.get("BENCH_DEBUG"):
                print(f"{given!r}: expected {expect!r}, got {seen!r}", file=sys.stderr)
        else:
            self.lost += 1
        return None


async def _searches(people: list[Any], messages: int, steps: Steps) -> None:
    async def play(person: Any) -> None:
        for n in range(messages):
            search = f"b{person.id % 100000}m{n}"
            await steps.take(person, "send", f"/experts {search}", search)

    await asyncio.gather(*(play(person) for person in people))


async def _flows(people: list[Any], reviewer: Any, steps: Steps) -> None:
    async def write(person: Any) -> None:
        for action, given, expect in IDEA:
            if await steps.take(person, action, given, expect) is None:
                return

    await asyncio.gather(*(write(person) for person in people))
    if await steps.take(reviewer, "send", "/review", "№") is None:
        return
    for n in range(len(people)):
        await steps.take(reviewer, "press", "✅ 采纳", "确定采纳")
        # Accepted, then the next proposal waiting (or none left) follows by itself.
        last = n == len(people) - 1
        after = "没有待评审" if last else "待评审"
        if await steps.take(reviewer, "send", f"先在二号线试点 {n}", after) is None:
            return


async def serve(users: int, messages: int, scenario: str) -> None:
    """Child: the emulator and its users; its address out, "go" in, the report out, "stop" in."""
    from bot.sandbox import Emulator

    emulator = Emulator(global_rate=None, chat_rate=None)
    people = [emulator.user(f"u{i}", lang="zh", user_id=FIRST_ID + i) for i in range(users)]
    reviewer = emulator.user("张劳模", lang="zh", user_id=FIRST_ID + users)
    await emulator.start()
    print(json.dumps({"url": emulator.base_url, "token": emulator.bot_token}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    steps = Steps()
    started = time.perf_counter()
    if scenario == "flows":
        await _flows(people, reviewer, steps)
    else:
        await _searches(people, messages, steps)
    seconds = time.perf_counter() - started
    await asyncio.sleep(0.5)
    extra = sum(len(person.pending_replies()) for person in [*people, reviewer])
    if scenario == "flows":  # each author is told once that their proposal was accepted
        extra -= sum(min(1, sum("已被采纳" in m.text for m in p.pending_replies())) for p in people)
    report = {
        "seconds": seconds,
        "latencies": steps.latencies,
        "extra": extra,
        "wrong": steps.wrong,
        "lost": steps.lost,
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
    async def start(cls, users: int, messages: int, scenario: str) -> Child:
        """Start the emulator child and read its address."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", "--users", str(users),
            "--messages", str(messages), "--scenario", scenario,
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


async def _cast(settings: Any, users: int) -> None:
    """The people of the run, registered and onboarded; a reviewer; nobody's quiet hours."""
    from bot.models.users import Role
    from bot.services import Services

    services = Services.build(settings)
    try:
        for n in range(users + 1):
            user_id = FIRST_ID + n
            await services.users.seen(user_id=user_id, name=f"u{n}", language_code="zh")
            await services.onboarding.name_enterprise(
                user_id=user_id, name="宝鸡石油机械有限责任公司", step="enterprise"
            )
            await services.onboarding.finish(user_id=user_id)
            await services.preferences.set_quiet_hours(user_id=user_id, start=0, end=0)
        await services.users.grant(user_id=FIRST_ID + users, role=Role.MODEL_WORKER)
    finally:
        await services.close()


async def measure(workers: int, scenario: str, args: argparse.Namespace) -> dict[str, Any]:
    """One run: polling in this process (``workers`` 0) or the webhook with ``workers``."""
    from bot.app import build_application, running
    from bot.config import load_settings

    url = await scratch_database(args.database_url)
    child = await Child.start(args.users, args.messages, scenario)
    port = _free_port() if workers else None
    env = _environment(child, url, port)
    settings = load_settings(**{k.removeprefix("ENGAGE_").lower(): v for k, v in env.items()})
    if scenario == "flows":
        await _cast(settings, args.users)
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
        f"{percentile(latencies, 99) * 1000:.0f} ms | {report['wrong']} | {report['lost']} | "
        f"{report['extra']} | {report['violations']} |"
    )


def expected_steps(scenario: str, args: argparse.Namespace) -> int:
    """How many replies a run must see: each search, or each step of each author and review."""
    if scenario == "flows":
        return args.users * len(IDEA) + 1 + 2 * args.users
    return args.users * args.messages


async def main(args: argparse.Namespace) -> None:
    """Polling first, then each number of workers; one table per scenario."""
    runs = [0] + [int(n) for n in args.workers.split(",")]
    command = "python bench/webhook.py " + " ".join(sys.argv[1:])
    for scenario in args.scenario.split(","):
        print(header(f"Webhook and workers on PostgreSQL: {scenario}", command))
        print("| mode | replies | time | steps/s | p50 | p99 | wrong | lost | extra | violations |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for workers in runs:
            report = await measure(workers, scenario, args)
            print(row(report, expected_steps(scenario, args)), flush=True)
        print()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--scenario", default="searches,flows")
    parser.add_argument("--database-url", default=os.environ.get("ENGAGE_TEST_DATABASE_URL"))
    arguments = parser.parse_args()
    if arguments.serve:
        asyncio.run(serve(arguments.users, arguments.messages, arguments.scenario))
    elif not arguments.database_url:
        parser.error("--database-url postgresql+asyncpg://… is needed (workers share PostgreSQL)")
    else:
        asyncio.run(main(arguments))
