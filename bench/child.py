"""The emulator child of ``bench/updates.py`` and ``bench/memory.py``, as the bot's side sees it.

Imports nothing of the bot, so a baseline measured beside it carries none of the bot's code.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any


class Child:
    """The emulator with its simulated users, in a process of its own."""

    def __init__(self, process: asyncio.subprocess.Process, endpoint: dict[str, str]) -> None:
        self.process = process
        self.url, self.token = endpoint["url"], endpoint["token"]

    @classmethod
    async def start(cls, *arguments: str) -> Child:
        """Start ``bench/update_scripts.py`` and read the address it serves on."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("update_scripts.py")),
            *arguments,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 26,  # the report is one JSON line with every latency in it
        )
        assert process.stdout is not None
        return cls(process, json.loads(await process.stdout.readline()))

    async def run(self, order: dict[str, Any]) -> dict[str, Any]:
        """Tell the users to go; return what they measured."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(order).encode() + b"\n")
        await self.process.stdin.drain()
        report: dict[str, Any] = json.loads(await self.process.stdout.readline())
        for example in report.get("examples", []):
            print("violation:", example, file=sys.stderr)
        return report

    async def close(self) -> None:
        """Let the emulator go, once the bot no longer talks to it."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()
