"""One update, one unit of work: its writes, its flow steps and its done mark commit together.

Services open sessions as they always do (``db.session()``, ``db.reader()``, …). Inside a unit
they all run on the unit's one connection, in one transaction begun at the first write; each
writing block after the first is a savepoint of its own, so a service that fails rolls back
only what it wrote, as a session of its own did (the first has nothing before it to keep).
Nothing is committed until the update has been handled: the worker then writes the flows'
steps and the inbox row's mark in the same transaction, so an update is applied entirely or not
at all, and one replayed after a crash finds itself applied.

Telegram calls wait in :attr:`UnitOfWork.calls` until the commit (``bot.edge.replies`` sends
them): a transaction never waits on the network, and a reply never announces a change that a
crash then undid. Reads before the first write need no transaction and use the pool.

A unit belongs to the task that opened it: a task started from inside it (``create_task``
copies the context) does not see it, and nothing outside the unit's task ever writes into it.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.db import Database

_CURRENT: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


@dataclass(slots=True)
class Call:
    """One Bot API call a handler made: sent after the commit, kept in the inbox until then.

    ``kind`` says which of Telegram's refusals mean "done" (an edit that changes nothing, an
    answer to a press that is too old); ``fallback`` is sent instead when an edit cannot be
    made. ``files`` are uploads (field → file name and bytes). ``then`` receives the result
    when the call is sent from memory (never after a restart: it is not stored).
    """

    method: str
    params: dict[str, Any]
    kind: str = "send"
    chat_id: int | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    fallback: list[Call] = field(default_factory=list)
    then: Callable[[Any], None] | None = None

    def to_json(self) -> dict[str, Any]:
        """The call as JSON, for the inbox row (``then`` is left behind)."""
        return {
            "method": self.method,
            "params": self.params,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "files": {
                name: [filename, base64.b64encode(data).decode()]
                for name, (filename, data) in self.files.items()
            },
            "fallback": [call.to_json() for call in self.fallback],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Call:
        """A call read back from the inbox row."""
        return cls(
            method=data["method"],
            params=data["params"],
            kind=data.get("kind", "send"),
            chat_id=data.get("chat_id"),
            files={
                name: (filename, base64.b64decode(encoded))
                for name, (filename, encoded) in data.get("files", {}).items()
            },
            fallback=[cls.from_json(call) for call in data.get("fallback", [])],
        )


class UnitOfWork:
    """The transaction, flow steps and pending calls of one update (or one job)."""

    def __init__(self, db: Database, *, user_id: int | None = None) -> None:
        self.db = db
        self.user_id = user_id
        # The sender's row as read with the update (PostgreSQL's claim reads it), if it was.
        self.sender: Any = None
        self.task = asyncio.current_task()
        self.calls: list[Call] = []
        self.flows: dict[str, Any] = {}
        self._loaded: dict[str, Any] = {}
        self.wrote = False
        self._depth = 0
        self._connection: AsyncConnection | None = None

    # -- flow steps -----------------------------------------------------------------------
    def load_flows(self, flows: dict[str, Any] | None) -> None:
        """The flows' steps as the database holds them when the update starts."""
        self._loaded = dict(flows or {})
        self.flows = dict(self._loaded)

    @property
    def flows_changed(self) -> bool:
        """Whether a flow moved to another step (or ended) during this update."""
        return self.flows != self._loaded

    # -- calls ------------------------------------------------------------------------------
    def call(self, call: Call) -> None:
        """Keep ``call`` for after the commit; a press is answered once, by its last answer.

        Answers go first, so the button stops turning before the messages arrive; a handler
        that knows more later (a toast after a plain answer) has the last word.
        """
        if call.kind == "answer":
            self.calls = [c for c in self.calls if c.kind != "answer"]
            self.calls.insert(0, call)
            return
        self.calls.append(call)

    @property
    def answered(self) -> bool:
        """Whether the press this update carries has its answer queued."""
        return any(call.kind == "answer" for call in self.calls)

    # -- the transaction ---------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        """Whether anything was written (and is waiting for the commit)."""
        return self._connection is not None

    @property
    def owes_commit(self) -> bool:
        """Whether the update changed anything that must be committed with its mark."""
        return self.in_transaction or self.flows_changed

    async def connection(self) -> AsyncConnection:
        """The unit's connection, its transaction begun (and SQLite's write lock taken)."""
        if self._connection is None:
            self._connection = await self.db.begin_unit()
        return self._connection

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """The connection inside a savepoint: released on success, rolled back on error."""
        connection = await self.connection()
        if not self._protect():
            async with self._first_block():
                yield connection
            return
        async with self._block(), connection.begin_nested():
            yield connection

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """An ORM session on the unit's connection, in a savepoint of its own."""
        connection = await self.connection()
        first = not self._protect()
        mode = "rollback_only" if first else "create_savepoint"
        session = AsyncSession(bind=connection, join_transaction_mode=mode, expire_on_commit=False)
        try:
            async with self._first_block() if first else self._block(), session.begin():
                yield session
        finally:
            await session.close()

    def _protect(self) -> bool:
        """Whether a block needs a savepoint: something before it, or around it, may be kept.

        The first block of a transaction has nothing to protect: if it fails, the whole
        transaction is rolled back (two round trips fewer on PostgreSQL for most updates).
        """
        return self.wrote or self._depth > 0

    @asynccontextmanager
    async def _block(self) -> AsyncIterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        self.wrote = True

    @asynccontextmanager
    async def _first_block(self) -> AsyncIterator[None]:
        try:
            async with self._block():
                yield
        except BaseException:
            connection, self._connection = self._connection, None
            self.wrote = False
            if connection is not None:
                try:
                    await connection.rollback()
                finally:
                    await self.db.end_unit(connection)
            raise

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """An ORM session that reads what the unit wrote so far; it never writes."""
        assert self._connection is not None
        session = AsyncSession(
            bind=self._connection, join_transaction_mode="rollback_only", expire_on_commit=False
        )
        try:
            yield session
        finally:
            await session.close()

    async def commit(self) -> None:
        """Commit everything the unit wrote."""
        if self._connection is None:
            return
        try:
            await self._connection.commit()
        finally:
            await self._close()

    async def abandon(self) -> None:
        """The update failed: undo its writes and steps, and drop the calls that told of them."""
        self.calls = []
        await self.rollback()

    async def rollback(self) -> None:
        """Undo every write, and forget the steps flows moved to; calls stay as they are."""
        self.flows = dict(self._loaded)
        self.wrote = False
        if self._connection is None:
            return
        try:
            await self._connection.rollback()
        finally:
            await self._close()

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await self.db.end_unit(connection)

    # -- the context -------------------------------------------------------------------------
    @contextmanager
    def bound(self) -> Iterator[UnitOfWork]:
        """Make this the current unit of the running task for the duration of the block."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)


def current(db: Database | None = None) -> UnitOfWork | None:
    """The unit of work of the running task (of ``db``, when given), if there is one."""
    unit = _CURRENT.get()
    if unit is None or unit.task is not asyncio.current_task():
        return None
    if db is not None and unit.db is not db:
        return None
    return unit


@contextmanager
def outside() -> Iterator[None]:
    """Run the block outside the current unit: its statements commit on their own.

    For what must not wait for the update's commit nor be undone with it: noting a visit,
    marking a chat unreachable after Telegram said so.
    """
    token = _CURRENT.set(None)
    try:
        yield
    finally:
        _CURRENT.reset(token)
