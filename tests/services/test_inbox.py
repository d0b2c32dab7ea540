"""The update inbox: one copy of each update, a chat's updates one at a time and in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from bot.clock import utcnow
from bot.db import Database
from bot.services.core.inbox import InboxService, chat_key

LEASE = timedelta(seconds=30)


def _message(update_id: int, user_id: int) -> dict[str, Any]:
    person = {"id": user_id, "is_bot": False, "first_name": "王"}
    chat = {"id": user_id, "type": "private"}
    return {"update_id": update_id, "message": {"message_id": 1, "from": person, "chat": chat}}


@pytest.fixture
async def processes(database_url: str) -> AsyncIterator[tuple[InboxService, InboxService]]:
    """Two workers' inboxes, each on a connection pool of its own."""
    dbs = [Database(database_url), Database(database_url)]
    yield (
        InboxService(dbs[0], keep=timedelta(hours=26)),
        InboxService(dbs[1], keep=timedelta(hours=26)),
    )
    for db in dbs:
        await db.dispose()


async def test_a_re_delivery_is_dropped(processes: tuple[InboxService, InboxService]) -> None:
    """Storing the same update twice keeps one row and says the second was not new."""
    inbox, _ = processes
    assert await inbox.store(_message(1, 7)) is True
    assert await inbox.store(_message(1, 7)) is False
    assert await inbox.count() == 1


async def test_a_chat_is_handed_out_one_update_at_a_time_in_order(
    processes: tuple[InboxService, InboxService],
) -> None:
    """While one worker holds a chat's update, nobody gets that chat's next; done frees it."""
    a, b = processes
    await a.store_many([_message(1, 7), _message(2, 7), _message(3, 8)])
    first = await a.claim(owner="a", limit=10, lease=LEASE)
    assert [i.update_id for i in first] == [1, 3]
    assert await b.claim(owner="b", limit=10, lease=LEASE) == []
    after = await a.claim(owner="a", limit=10, lease=LEASE, done=[1, 3])
    assert [i.update_id for i in after] == [2]
    assert (await a.depth()).undone == 1


async def test_an_expired_lease_is_claimed_again(
    processes: tuple[InboxService, InboxService],
) -> None:
    """A worker that died holding an update leaves it to the next claim after its lease."""
    a, b = processes
    await a.store(_message(5, 9))
    assert [i.update_id for i in await a.claim(owner="a", limit=10, lease=LEASE)] == [5]
    with time_machine.travel(utcnow() + LEASE + timedelta(seconds=1), tick=True):
        again = await b.claim(owner="b", limit=10, lease=LEASE)
    assert [(i.update_id, i.attempts) for i in again] == [(5, 2)]


def test_the_chat_key_is_the_sender_else_the_chat() -> None:
    """Messages and button presses are keyed by who sent them, a channel post by its chat."""
    assert chat_key(_message(1, 42)) == 42
    press = {"update_id": 2, "callback_query": {"id": "x", "from": {"id": 43}, "data": "a"}}
    assert chat_key(press) == 43
    post = {"update_id": 3, "channel_post": {"message_id": 1, "chat": {"id": -100}}}
    assert chat_key(post) == -100
