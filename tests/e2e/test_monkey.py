"""Users pressing and typing at random under Telegram's real limits: no rule broken, no error.

Each simulated person takes random steps: a visible button (inline or the reply keyboard), a
command from the menu, a hostile or an ordinary text, a forged press. The emulator keeps
Telegram's own limits (30 messages/s, about 1/s per chat) and fails the test on any call
Telegram would refuse, a call made before a 429's ``retry_after`` had passed included. The
suite runs 8 people × 15 steps; ``ENGAGE_MONKEY=30x40`` runs the full 30 × 40 (docs/developing.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random

import pytest

from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import person
from tests.e2e.test_hostile_texts import HOSTILE

pytestmark = [pytest.mark.usefixtures("daytime"), pytest.mark.telegram_limits]

PEOPLE, STEPS = (int(n) for n in os.environ.get("ENGAGE_MONKEY", "8x15").split("x"))
COMMANDS = (
    "/learn", "/idea", "/myideas", "/events", "/profile", "/help", "/settings", "/remind",
    "/ask", "/experts", "/studios", "/progress", "/daily", "/cancel", "/start", "/language",
)  # fmt: skip
TEXTS = (*HOSTILE.values(), "好的", "明天早上9点 交班记录", "焊接夹具快速定位", "12", "?")
FORGED = ("idea:ok:1", "rev:acc:1", "my:wd:1", "ev:open:99", "learn:lesson:1", "x", "quiz:ans:1:0")


async def wander(user: SimUser, rng: random.Random, steps: int) -> None:
    """Take ``steps`` random steps: mostly after the bot has answered, now and then at once.

    Under the per-chat limit the bot holds a reply back for up to a second before the
    emulator sees it, so "answered" is a second and more of quiet.
    """
    for _ in range(steps):
        roll = rng.random()
        buttons = user.visible_buttons()
        if roll < 0.55 and buttons:
            texts = rng.choice(list(buttons.values()))
            text = rng.choice(texts)
            try:
                await user.press(text)
            except AssertionError:
                await user.send("/cancel")  # a button of a message that scrolled away
        elif roll < 0.75:
            await user.send(rng.choice(COMMANDS))
        elif roll < 0.95:
            await user.send(rng.choice(TEXTS))
        elif user.last is not None:
            await user.press_data(rng.choice(FORGED))
        await user.settle(quiet=rng.choice((0.05, 1.2, 1.2)), timeout=60)
        user.drain()


async def test_random_people_break_no_rule_of_telegram(
    emulator: Emulator, bot: BotRunner, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """Every press answered once, nothing sent early after a 429, no handler raised."""
    people = [await person(emulator, services, f"路人{i}") for i in range(PEOPLE)]
    newcomers = [emulator.user(f"新人{i}", lang="en" if i % 2 else "zh") for i in range(2)]
    everyone = people + newcomers
    await asyncio.gather(
        *(wander(user, random.Random(index), STEPS) for index, user in enumerate(everyone))
    )

    for user in everyone:
        await user.settle(quiet=2.0, timeout=60)
    assert sum(len(user.history) for user in everyone) > PEOPLE * STEPS / 2
    emulator.assert_no_violations()  # unanswered presses and early calls included
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_storm_of_429s_is_waited_out_call_by_call(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The first four sends refused with retry_after 2: every one waited out, none lost.

    The emulator refuses (and counts as a violation) any send to the chat before the
    retry_after it gave has passed; the bot waits from the moment each 429 came back.
    """
    people = [await person(emulator, services, f"读者{i}") for i in range(6)]
    emulator.inject_429(count=4, retry_after=2)
    for user in people:
        await user.send("/learn")
    for user in people:
        await user.settle(quiet=2.5, timeout=60)
        assert any("课" in m.text for m in user.drain())
    assert emulator.faults.injected == 4
    emulator.assert_no_violations()
