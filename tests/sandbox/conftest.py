"""Fixtures for the emulator's own tests: an emulator and a PTB Bot talking to it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
import telegram
from PIL import Image

from bot.sandbox import Emulator


def ptb_bot(emu: Emulator, token: str | None = None) -> telegram.Bot:
    """Return a real PTB Bot configured for the emulator."""
    return telegram.Bot(
        token or emu.bot_token,
        base_url=f"{emu.base_url}/bot",
        base_file_url=f"{emu.base_url}/file/bot",
    )


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """A started emulator with flood control off (tests of the limiter make their own)."""
    async with Emulator(global_rate=None, chat_rate=None, callback_answer_timeout=0.3) as emulator:
        yield emulator


@pytest.fixture
async def tg(emu: Emulator) -> AsyncIterator[telegram.Bot]:
    """An initialized PTB Bot for the emulator's default bot."""
    async with ptb_bot(emu) as bot:
        yield bot


@pytest.fixture(scope="session")
def png() -> bytes:
    """A small valid PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()
