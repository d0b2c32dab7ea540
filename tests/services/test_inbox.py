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


async def test_an_update_is_applied_only_by_the_holder_of_its_lease(
    processes: tuple[InboxService, InboxService], database_url: str
) -> None:
    """A worker whose lease ran out and passed on cannot mark the update applied any more."""
    a, b = processes
    await a.store(_message(6, 9))
    await a.claim(owner="a", limit=10, lease=LEASE)
    with time_machine.travel(utcnow() + LEASE + timedelta(seconds=1), tick=True):
        await b.claim(owner="b", limit=10, lease=LEASE)
    db = Database(database_url)
    try:
        async with db.writer() as connection:
            assert not await a.apply(connection, update_id=6, owner="a", replies=[])
            assert await b.apply(connection, update_id=6, owner="b", replies=[{"m": 1}])
            assert not await b.apply(connection, update_id=6, owner="b", replies=[])
    finally:
        await db.dispose()
    again = await b.claim(owner="c", limit=10, lease=timedelta(seconds=-1))
    assert again == []  # still leased by b: its stored calls are its to send


async def test_a_crashed_workers_applied_update_comes_back_with_its_calls(
    processes: tuple[InboxService, InboxService], database_url: str
) -> None:
    """Applied but not done when its worker died: the next claim gets only the calls to send."""
    a, b = processes
    await a.store(_message(7, 10))
    await a.claim(owner="a", limit=10, lease=LEASE)
    db = Database(database_url)
    try:
        async with db.writer() as connection:
            await a.apply(connection, update_id=7, owner="a", replies=[{"method": "sendMessage"}])
    finally:
        await db.dispose()
    assert await b.reclaim(owners=["a"]) == 1
    [item] = await b.claim(owner="b", limit=10, lease=LEASE)
    assert (item.update_id, item.applied, item.replies) == (7, True, [{"method": "sendMessage"}])


async def test_leases_are_renewed_by_their_holder_and_listed_until_done(
    processes: tuple[InboxService, InboxService],
) -> None:
    """Renewing keeps a live worker's updates from others; done updates hold no lease."""
    a, b = processes
    await a.store_many([_message(8, 11), _message(9, 12)])
    await a.claim(owner="a", limit=10, lease=timedelta(seconds=1))
    assert await a.renew(owner="a", lease=LEASE) == 2
    assert await a.holders() == ["a"]
    with time_machine.travel(utcnow() + timedelta(seconds=5), tick=True):
        assert await b.claim(owner="b", limit=10, lease=LEASE) == []
    await a.finish(owner="a", update_ids=[8, 9])
    assert await a.holders() == []
    assert await a.renew(owner="a", lease=LEASE) == 0


def test_the_chat_key_is_the_sender_else_the_chat() -> None:
    """Messages and button presses are keyed by who sent them, a channel post by its chat."""
    assert chat_key(_message(1, 42)) == 42
    press = {"update_id": 2, "callback_query": {"id": "x", "from": {"id": 43}, "data": "a"}}
    assert chat_key(press) == 43
    post = {"update_id": 3, "channel_post": {"message_id": 1, "chat": {"id": -100}}}
    assert chat_key(post) == -100
