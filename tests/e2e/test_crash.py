"""A real `engage run` process killed with SIGKILL mid-conversation resumes where it was."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.sandbox import Emulator

pytestmark = pytest.mark.slow


async def _start_bot(
    emulator: Emulator, database_url: str, cwd: Path
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "ENGAGE_BOT_TOKEN": emulator.bot_token,
        "ENGAGE_BOT_API_URL": emulator.base_url,
        "ENGAGE_DATABASE_URL": database_url,
        "ENGAGE_LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


@pytest.mark.telegram_limits
async def test_kill_minus_nine_mid_onboarding_then_restart_continues(
    emulator: Emulator, database_url: str, tmp_path: Path
) -> None:
    """SIGKILL right after the bot asked a question; the new process takes the answer to it."""
    process = await _start_bot(emulator, database_url, tmp_path)
    try:
        worker = emulator.user("孙师傅", lang="zh")
        await worker.send("/start")
        await worker.reply(timeout=60)
        await worker.reply()
        await worker.send("中铁一局五公司")
        assert "车间" in (await worker.reply()).text
        process.send_signal(signal.SIGKILL)
        await process.wait()
        await asyncio.sleep(3)  # Telegram's per-chat allowance refills, as across any restart
        process = await _start_bot(emulator, database_url, tmp_path)
        await worker.send("隧道施工队")
        assert "工种" in (await worker.reply(timeout=60)).text
        await worker.send("盾构机司机")
        assert "设置完成" in (await worker.reply()).text
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=30)


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
    await worker.reply(timeout=60)
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert emulator.bot_token.encode() not in stderr
