"""One bot's resident memory after N users, measured in a fresh process of its own.

Run by ``bench/updates.py --memory`` once per bot, so that neither bot's figure carries the
other's imports: ``python bench/memory.py echo|engage --users N --counts '[…]'``. Prints one
JSON line: the memory once the bot is up, and after every user has played the script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def _echo(users: int, counts: list[int]) -> tuple[float, float]:
    from bench.child import Child
    from bench.common import resident_mib
    from bench.echo import echo_application

    child = await Child.start("--serve", "memory", "--users", str(users))
    app = echo_application(child.url, child.token, counts)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5, poll_interval=0)
        ready = resident_mib()
        await child.run({"bot": "echo", "counts": counts})
        after = resident_mib()
        await app.updater.stop()
        await app.stop()
    await child.close()
    return ready, after


async def _engage(users: int, counts: list[int], database_url: str | None) -> tuple[float, float]:
    from bench.child import Child
    from bench.common import resident_mib, scratch_database
    from bench.updates import bot_settings
    from bot.app import build_application, freeze_startup, running

    child = await Child.start("--serve", "memory", "--users", str(users))
    app = build_application(bot_settings(child, await scratch_database(database_url)))
    async with running(app):
        freeze_startup()  # as `engage run` does
        ready = resident_mib()
        await child.run({"bot": "engage", "counts": counts})
        after = resident_mib()
    await child.close()
    return ready, after


async def main(arguments: argparse.Namespace) -> None:
    """Measure one bot and print the figures as JSON."""
    counts = json.loads(arguments.counts)
    if arguments.bot == "echo":
        ready, after = await _echo(arguments.users, counts)
    else:
        ready, after = await _engage(arguments.users, counts, arguments.database_url)
    print(json.dumps({"ready": ready, "after": after}), flush=True)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bot", choices=("echo", "engage"))
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--counts", required=True)
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
