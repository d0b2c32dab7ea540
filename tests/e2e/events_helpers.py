"""People and process helpers shared by the reminder and event end-to-end tests."""

from __future__ import annotations

import asyncio

from bot.sandbox import Emulator
from bot.sandbox.models import BotMessage
from bot.sandbox.users import SimUser
from tests.conftest import BotRunner


async def registered(
    emulator: Emulator, name: str, lang: str = "zh", user_id: int | None = None
) -> SimUser:
    """Someone who has been through /start (and skipped the questions)."""
    user = emulator.user(name, lang=lang, user_id=user_id)
    await user.send("/start")
    await user.replies(2)
    await user.send("/cancel")
    await user.reply()
    return user


async def stop(bot: BotRunner, emulator: Emulator) -> None:
    """Stop the bot like a process that exits: its last long poll is over before anything else."""
    await bot.stop()
    async with asyncio.timeout(10):
        while emulator.bot.polling:  # noqa: ASYNC110  (the emulator offers no event for this)
            await asyncio.sleep(0.01)


async def expect(user: SimUser, text: str, *, within: int = 6) -> BotMessage:
    """The next bot message containing ``text`` (others, e.g. an announcement, are skipped)."""
    for _ in range(within):
        message = await user.reply(timeout=10)
        if text in message.text:
            return message
    raise AssertionError(f"{user.name} got no message with {text!r}")


def file_of(emulator: Emulator, message: BotMessage) -> bytes:
    """The bytes of the document a bot message carries."""
    assert message.document is not None
    stored = emulator.files.get(message.document)
    assert stored is not None
    return stored.data


async def answered(user: SimUser, count: int, *, timeout: float = 10) -> None:  # noqa: ASYNC109
    """Wait until the bot has answered ``count`` of the user's button presses in all."""
    async with asyncio.timeout(timeout):
        while len(user.callback_answers) < count:  # noqa: ASYNC110  (no event to wait on)
            await asyncio.sleep(0.01)
