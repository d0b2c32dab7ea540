"""A real `engage run` process stops cleanly on Ctrl-C (kill -9 and restarts: test_kill.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.sandbox import Emulator

pytestmark = pytest.mark.slow


async def test_ctrl_c_stops_cleanly(emulator: Emulator, database_url: str, tmp_path: Path) -> None:
    """SIGINT ends `engage run` with exit code 0 and no traceback."""
    env = {
        **os.environ,
        "ENGAGE_BOT_TOKEN": emulator.bot_token,
        "ENGAGE_BOT_API_URL": emulator.base_url,
        "ENGAGE_DATABASE_URL": database_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    worker = emulator.user("Ann", lang="en")
    await worker.send("/start")
    await worker.reply(timeout=10)  # the process is starting
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert emulator.bot_token.encode() not in stderr
