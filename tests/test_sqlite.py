"""SQLite in the loop's thread: writers take turns, readers never wait, nesting fails at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from bot.db import Database
from bot.models.users import User


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    await database.upgrade()
    return database


async def test_many_writers_interleaving_on_the_loop_all_commit(db: Database) -> None:
    """Fifty write sessions that pause mid-transaction all commit; none finds the file locked."""

    async def write(user_id: int) -> None:
        async with db.session() as session:
            session.add(User(id=user_id, name=f"u{user_id}"))
            await session.flush()
            await asyncio.sleep(0.001)  # another coroutine runs here
            (await session.get(User, user_id)).name += "!"  # type: ignore[union-attr]

    await asyncio.gather(*(write(i) for i in range(1, 51)))
    async with db.reader() as session:
        names = (await session.exec(select(User.name))).all()
    assert sorted(names) == sorted(f"u{i}!" for i in range(1, 51))
    await db.dispose()


async def test_a_reader_reads_while_a_writer_holds_its_transaction(db: Database) -> None:
    """WAL: a read in another coroutine sees the last commit while a write is still open."""
    async with db.session() as session:
        session.add(User(id=1, name="before"))
    opened, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.session() as session:
            (await session.get(User, 1)).name = "after"  # type: ignore[union-attr]
            await session.flush()
            opened.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await opened.wait()
    async with db.reader() as session:
        assert (await session.get(User, 1)).name == "before"  # type: ignore[union-attr]
    release.set()
    await task
    async with db.reader() as session:
        assert (await session.get(User, 1)).name == "after"  # type: ignore[union-attr]
    await db.dispose()


async def test_a_write_session_inside_another_fails_at_once(db: Database) -> None:
    """Opening a second write session in the one that holds the lock is an error, not a hang."""
    async with db.session():
        with pytest.raises(RuntimeError, match="inside another"):
            async with db.session():
                pass
    await db.dispose()


async def test_two_databases_on_one_file_take_turns(tmp_path: Path) -> None:
    """Two Database objects on the same file (a restart, a seeding command) share one lock."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first, second = Database(url), Database(url)
    await first.upgrade()

    async def write(db: Database, user_id: int) -> None:
        async with db.session() as session:
            session.add(User(id=user_id, name="x"))
            await session.flush()
            await asyncio.sleep(0.001)

    await asyncio.wait_for(
        asyncio.gather(*(write(first if i % 2 else second, i) for i in range(1, 21))), timeout=10
    )
    async with first.reader() as session:
        assert len((await session.exec(select(User.id))).all()) == 20
    await first.dispose()
    await second.dispose()


async def test_sessions_open_write_and_close_without_giving_up_the_loop(db: Database) -> None:
    """A write, a read and a Core connection each run start to finish in one turn of the loop.

    Under load every turn is a wait behind every other update; a writer that gave the loop up
    between its commit and its close kept the write lock for all of that time.
    """
    async with db.session() as session:
        session.add(User(id=1, name="a"))
    turns = 0

    async def count_turns() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(count_turns())
    await asyncio.sleep(0)
    before = turns
    async with db.session() as session:
        (await session.get(User, 1)).name = "b"  # type: ignore[union-attr]
    async with db.reader() as session:
        assert (await session.get(User, 1)).name == "b"  # type: ignore[union-attr]
    async with db.writer() as connection:
        await connection.exec_driver_sql("UPDATE user SET name = 'c'")
    async with db.connection() as connection:
        assert (await connection.exec_driver_sql("SELECT name FROM user")).scalar() == "c"
    assert turns == before
    ticker.cancel()
    await db.dispose()
