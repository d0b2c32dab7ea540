"""Updates per second and reply latency: this bot against a bare PTB echo bot, side by side.

N simulated users each send M messages through the emulator, one at a time (send, wait for
the reply). This bot registers each user on /start and answers /profile from the database;
the echo bot answers every message with its text, with PTB's concurrent processing on. Flood
limits are lifted on both sides: the figure is the bot's own cost per update.

    python bench/updates.py [--users 200] [--messages 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.common import header, percentile, scratch_database
from bot.app import build_application, running
from bot.config import load_settings
from bot.sandbox import Emulator, SimUser


@dataclass
class Result:
    """What one bot achieved."""

    name: str
    updates: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        """A markdown table row."""
        ms = [x * 1000 for x in self.latencies]
        return (
            f"| {self.name} | {self.updates} | {self.updates / self.seconds:.0f} | "
            f"{percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} |"
        )


Conversation = Callable[[SimUser, int, list[float]], Awaitable[None]]


async def _engage_user(user: SimUser, messages: int, latencies: list[float]) -> None:
    start = time.perf_counter()
    await user.send("/start")
    await user.replies(2, timeout=60)  # welcome and the first onboarding question
    latencies.append(time.perf_counter() - start)
    for _ in range(messages - 1):
        start = time.perf_counter()
        await user.send("/profile")
        await user.reply(timeout=60)
        latencies.append(time.perf_counter() - start)


async def _echo_user(user: SimUser, messages: int, latencies: list[float]) -> None:
    for index in range(messages):
        start = time.perf_counter()
        await user.send(f"hello {index}")
        await user.reply(timeout=60)
        latencies.append(time.perf_counter() - start)


async def _drive(
    name: str, emulator: Emulator, users: int, messages: int, talk: Conversation
) -> Result:
    people = [emulator.user(f"工人{i}", lang="zh") for i in range(users)]
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(talk(person, messages, latencies) for person in people))
    return Result(name, users * messages, time.perf_counter() - start, latencies)


async def bench_engage(users: int, messages: int) -> Result:
    """This bot: registration, onboarding question, database-backed /profile."""
    async with Emulator(global_rate=None, chat_rate=None) as emulator:
        settings = load_settings(
            bot_token=emulator.bot_token,
            bot_api_url=emulator.base_url,
            database_url=await scratch_database(),
            global_rate=1_000_000,
            per_chat_rate=1_000_000,
            per_chat_burst=1_000,
            log_level="WARNING",
        )
        async with running(build_application(settings)):
            return await _drive("engage bot", emulator, users, messages, _engage_user)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text)  # type: ignore[union-attr]


async def bench_echo(users: int, messages: int) -> Result:
    """Baseline: a bare PTB echo bot with concurrent updates."""
    async with Emulator(global_rate=None, chat_rate=None) as emulator:
        app: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(emulator.bot_token)
            .base_url(f"{emulator.base_url}/bot")
            .concurrent_updates(256)
            .connection_pool_size(64)
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT, _echo))
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=5, poll_interval=0)  # type: ignore[union-attr]
            try:
                return await _drive(
                    "PTB echo bot (baseline)", emulator, users, messages, _echo_user
                )
            finally:
                await app.updater.stop()  # type: ignore[union-attr]
                await app.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    args = parser.parse_args()
    echo = await bench_echo(args.users, args.messages)
    engage = await bench_engage(args.users, args.messages)
    print(
        header(
            "Update throughput and latency",
            f"python bench/updates.py --users {args.users} --messages {args.messages}",
        )
    )
    print("| bot | updates | updates/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(echo.row())
    print(engage.row())
    ratio = (engage.updates / engage.seconds) / (echo.updates / echo.seconds)
    p99 = percentile(engage.latencies, 99) / percentile(echo.latencies, 99)
    print(
        f"\nThroughput {ratio:.0%} of the echo bot's (target ≥ 50%); "
        f"p99 {p99:.2f}x the echo bot's (target ≤ 2x)."
    )


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
