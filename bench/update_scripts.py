"""The Telegram side of ``bench/updates.py``: the emulator and its users, in a process of their own.

Started with ``--serve RUN --users N [--at-once M]``. Prints the emulator's address as a JSON
line, waits for a JSON order on stdin (``{"bot": "engage"|"echo", "counts": [...] | null}``),
lets every user play the run's script one step at a time (M users at a time, 200 unless
told), and prints what it measured as one JSON line.

``counts`` is how many messages and edits the bot sends for each step. Without it (the
calibration run, one user) each step waits until the bot has been quiet for a moment and
counts what came; with it, a step is timed until exactly that many have arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sandbox import Emulator, SimUser

READS = ("/progress", "/profile", "/learn", "/myideas")
Chooser = Callable[[SimUser], str]


@dataclass(frozen=True)
class Step:
    """Send a text, or press the button a chooser picks on the newest message with buttons."""

    text: str = ""
    press: str = ""


def _newest_buttons(user: SimUser) -> list[str]:
    for message in reversed(user.history):
        if message.button_texts:
            return list(message.button_texts)
    raise AssertionError(f"{user.name}: no message with buttons")


CHOOSERS: dict[str, Chooser] = {
    "first": lambda user: _newest_buttons(user)[0],
    "quiz": lambda user: next(b for b in _newest_buttons(user) if "测验" in b),
}
SCRIPTS: dict[str, list[Step]] = {
    "read": [Step("/start"), *(Step(READS[i % len(READS)]) for i in range(10))],
    "mixed": [
        Step("/start"),
        Step("宝鸡石油机械厂"),
        Step("第一车间"),
        Step("焊工"),
        Step("/learn"),
        Step(press="first"),
        Step(press="quiz"),
        Step(press="first"),
        Step("/idea"),
        Step("焊接工装加快速定位销"),
        Step("换型时找正要 30 分钟，返工多"),
        Step("/cancel"),
        Step("/progress"),
    ],
    "memory": [Step("/start"), Step("/learn"), Step(press="first"), Step(press="first")],
}


async def _act(user: SimUser, step: Step, bot: str) -> None:
    if step.text:
        await user.send(step.text)
    else:
        await user.press((CHOOSERS["first"] if bot == "echo" else CHOOSERS[step.press])(user))


async def _calibrate(user: SimUser, script: list[Step], bot: str) -> list[int]:
    counts = []
    for step in script:
        await _act(user, step, bot)
        await user.settle(quiet=0.5, timeout=60)
        counts.append(len(user.pending_replies()))
        while user.pending_replies():
            await user.reply()
    return counts


async def _play(
    user: SimUser,
    script: list[Step],
    bot: str,
    counts: list[int],
    latencies: list[float],
    by_step: list[list[float]],
) -> int:
    replies = 0
    for index, (step, count) in enumerate(zip(script, counts, strict=True)):
        start = time.perf_counter()
        await _act(user, step, bot)
        for _ in range(count):
            await user.reply(timeout=120)
        latencies.append(time.perf_counter() - start)
        by_step[index].append(latencies[-1])
        replies += count
    return replies


async def drive(run: str, users: int, at_once: int) -> None:
    """Serve the emulator, then play ``run`` for every user when told to, ``at_once`` at a time.

    Ten thousand people do not all press a button in the same second: with every user at once,
    a bot answering one update at a time (PTB's default) leaves presses waiting longer than
    Telegram keeps a callback query, and the run measures that instead of memory.
    """
    emulator = Emulator(global_rate=None, chat_rate=None)
    people = [emulator.user(f"工人{i}", lang="zh") for i in range(users)]
    await emulator.start()
    # Full collections over thousands of simulated users paused this process for tens of
    # milliseconds, which showed up as the bot's latency; the collector stays off here.
    gc.collect()
    gc.freeze()
    gc.disable()
    print(json.dumps({"url": emulator.base_url, "token": emulator.bot_token}), flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    order: dict[str, Any] = json.loads(line)
    script, bot = SCRIPTS[run], order["bot"]
    counts = order["counts"] or await _calibrate(people[0], script, bot)
    latencies: list[float] = []
    by_step: list[list[float]] = [[] for _ in script]
    start = time.perf_counter()
    if order["counts"]:
        turns = asyncio.Semaphore(at_once)

        async def play(person: SimUser) -> int:
            async with turns:
                return await _play(person, script, bot, counts, latencies, by_step)

        replies = sum(await asyncio.gather(*(play(p) for p in people)))
    else:
        replies = sum(counts)
    seconds = time.perf_counter() - start
    violations = [str(v) for v in emulator.violations if v.kind != "conflict"]
    report = {
        "updates": len(script) * users,
        "replies": replies,
        "seconds": seconds,
        "latencies": latencies,
        "by_step": by_step,
        "steps": [step.text or f"press {step.press}" for step in script],
        "counts": counts,
        "violations": len(violations),
        "examples": violations[:3],
    }
    print(json.dumps(report), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # the bot has stopped
    await emulator.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", choices=sorted(SCRIPTS), required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--at-once", type=int, default=200, help="users playing at the same time")
    arguments = parser.parse_args()
    asyncio.run(drive(arguments.serve, arguments.users, arguments.at_once))
