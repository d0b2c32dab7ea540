"""A press handled too late to be answered still acts; a failed update is undone and says so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import FAST_CHAT_LIMIT, BotRunner
from tests.e2e.proposals_helpers import ENTERPRISE, person, until
from tests.services.proposal_helpers import person as registered
from tests.services.proposal_helpers import submit

pytestmark = pytest.mark.usefixtures("daytime")
ANSWER_WITHIN = 0.5  # seconds the emulator gives the bot to answer a press (Telegram: ~15)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """The strict emulator, with presses too old to answer after half a second."""
    emu = Emulator(callback_answer_timeout=ANSWER_WITHIN, **FAST_CHAT_LIMIT)
    await emu.start()
    try:
        yield emu
        emu.assert_no_violations()
    finally:
        await emu.stop()


async def test_a_press_too_old_to_answer_still_counts(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """👍 pressed while the bot was down: after the restart it counts, without an error."""
    await registered(services, 7_400_000_001, "王师傅", "zh", enterprise=ENTERPRISE)
    moved = await submit(services, 7_400_000_001)
    fan = await person(emulator, services, "李工")
    await fan.send("/ideas")
    listing = await fan.reply()
    await fan.press(next(t for row in listing.buttons for t, _ in row if moved.number in t))
    await until(fan, moved.number)
    await bot.stop()
    with emulator.expect_violation("was not answered within"):
        late = await fan.press("👍 支持（0）")
        await asyncio.sleep(ANSWER_WITHIN * 2)
    await bot.start()
    await until(fan, "👍 支持：1 人")
    card = await services.proposals.card(proposal_id=moved.proposal_id, viewer_id=fan.id)
    assert card.supporters == 1
    assert all(a.query_id != late for a in fan.callback_answers)  # refused as too old
    await fan.settle()
    assert all("出了点问题" not in m.text for m in fan.history)


async def test_a_failed_update_is_undone_answered_once_and_says_nothing_was_saved(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A database failure mid-update: one answer to the press, and 'not saved' in the chat."""
    await registered(services, 7_400_000_011, "王师傅", "zh", enterprise=ENTERPRISE)
    moved = await submit(services, 7_400_000_011)
    fan = await person(emulator, services, "李工")
    await fan.send("/ideas")
    listing = await fan.reply()
    await fan.press(next(t for row in listing.buttons for t, _ in row if moved.number in t))
    await until(fan, moved.number)
    async with services.db.writer() as connection:  # the support table is gone for a moment
        await connection.execute(text("ALTER TABLE proposalsupport RENAME TO moved_away"))
    query = await fan.press("👍 支持（0）")
    error = (await until(fan, "没有保存")).text
    assert "之前填的都还在" in error
    answered = [a for a in fan.callback_answers if a.query_id == query]
    assert len(answered) == 1
    async with services.db.writer() as connection:
        await connection.execute(text("ALTER TABLE moved_away RENAME TO proposalsupport"))
    await fan.press("👍 支持（0）")
    await until(fan, "👍 支持：1 人")
    card = await services.proposals.card(proposal_id=moved.proposal_id, viewer_id=fan.id)
    assert card.supporters == 1
