"""Updates of different users run side by side; one user's updates never overtake each other."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.edge.processor import PerUserUpdateProcessor


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, f"u{user_id}", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(
        update_id, message=Message(update_id, datetime.now(UTC), chat, from_user=user, text="x")
    )


async def test_one_users_updates_stay_in_order_while_others_proceed() -> None:
    """A slow first update of user 1 delays user 1's second update but not user 2's."""
    processor = PerUserUpdateProcessor(16)
    log: list[str] = []

    async def work(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        log.append(name)

    await asyncio.gather(
        processor.process_update(_update(1, 1), work("a1-slow", 0.2)),
        processor.process_update(_update(2, 1), work("a2", 0)),
        processor.process_update(_update(3, 2), work("b1", 0)),
    )
    assert log.index("b1") < log.index("a1-slow") < log.index("a2")


async def test_locks_are_released_after_use() -> None:
    """Per-user locks do not pile up for users who went quiet."""
    processor = PerUserUpdateProcessor(16)

    async def nothing() -> None:
        return None

    await asyncio.gather(*(processor.process_update(_update(i, i), nothing()) for i in range(100)))
    assert not processor._locks
    assert not processor._waiting
