"""The unit of work: one transaction for everything an update writes, committed at its end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot import unit
from bot.db import Database
from bot.unit import Call


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The test's database with a scratch table."""
    database = Database(database_url)
    async with database.writer() as connection:
        await connection.execute(text("CREATE TABLE scratch (id integer primary key, v text)"))
    yield database
    await database.dispose()


async def _rows(db: Database) -> list[int]:
    with unit.outside():
        async with db.connection() as connection:
            found = await connection.execute(text("SELECT id FROM scratch ORDER BY id"))
            return [int(row[0]) for row in found]


async def _insert(db: Database, row_id: int) -> None:
    async with db.session() as session:
        await session.exec(text(f"INSERT INTO scratch VALUES ({row_id}, 'x')"))  # type: ignore[call-overload]


async def _insert_then_refuse(db: Database) -> None:
    async with db.session() as session:
        await session.exec(text("INSERT INTO scratch VALUES (2, 'y')"))  # type: ignore[call-overload]
        raise ValueError("refused")


async def test_writes_are_seen_inside_the_unit_and_committed_only_at_its_end(db: Database) -> None:
    """Two sessions of one unit share its transaction; outside, nothing shows before the commit."""
    work = db.unit(user_id=1)
    with work.bound():
        await _insert(db, 1)
        async with db.writer() as connection:
            await connection.execute(text("INSERT INTO scratch VALUES (2, 'y')"))
        async with db.reader() as session:
            inside = (await session.exec(text("SELECT count(*) FROM scratch"))).one()  # type: ignore[call-overload]
        assert inside[0] == 2
        assert await _rows(db) == []
        await work.commit()
    assert await _rows(db) == [1, 2]


async def test_a_failing_session_rolls_back_only_its_own_writes(db: Database) -> None:
    """A service that raises undoes what it wrote; what the unit wrote before stays."""
    work = db.unit(user_id=1)
    with work.bound():
        await _insert(db, 1)
        with pytest.raises(ValueError, match="refused"):
            await _insert_then_refuse(db)
        await work.commit()
    assert await _rows(db) == [1]


async def test_abandoning_undoes_every_write_step_and_call(db: Database) -> None:
    """A failed update leaves no row, no flow step and no pending call behind."""
    work = db.unit(user_id=1)
    work.load_flows({"ideas": "title"})
    with work.bound():
        await _insert(db, 1)
        work.flows["ideas"] = "problem"
        work.call(Call("sendMessage", {"chat_id": 1, "text": "saved"}))
        await work.abandon()
    assert await _rows(db) == []
    assert not work.flows_changed
    assert work.calls == []


async def test_a_task_started_inside_a_unit_works_outside_it(db: Database) -> None:
    """create_task copies the context, not the unit: the task's writes commit on their own."""
    work = db.unit(user_id=1)
    with work.bound():
        assert unit.current(db) is work
        await asyncio.create_task(_insert(db, 3))
        assert await _rows(db) == [3]
        await work.rollback()


async def test_a_press_is_answered_once_by_its_last_answer_before_any_message(
    db: Database,
) -> None:
    """Two answers queued for one press: the later one is kept, and it goes out first."""
    work = db.unit(user_id=1)
    work.call(Call("answerCallbackQuery", {"callback_query_id": "1"}, kind="answer"))
    work.call(Call("sendMessage", {"chat_id": 1, "text": "hi"}))
    work.call(Call("answerCallbackQuery", {"callback_query_id": "1", "text": "ok"}, kind="answer"))
    assert [call.params.get("text") for call in work.calls] == ["ok", "hi"]


def test_a_call_with_a_file_survives_its_trip_through_json() -> None:
    """What the inbox keeps of a call is enough to make it again after a restart."""
    call = Call("sendDocument", {"chat_id": 1}, chat_id=1, files={"document": ("a.xlsx", b"\0x")})
    call.fallback = [Call("sendMessage", {"chat_id": 1, "text": "t"})]
    again = Call.from_json(call.to_json())
    assert (again.method, again.files, again.fallback[0].params) == (
        "sendDocument",
        {"document": ("a.xlsx", b"\0x")},
        {"chat_id": 1, "text": "t"},
    )
