"""SQLite run in the event loop's own thread, behind SQLAlchemy's aiosqlite dialect.

aiosqlite gives every connection a thread and hands each statement to it through a queue:
measured here, that hop cost about 0.55 ms of CPU per query, several times the query itself
(an indexed read takes microseconds, a commit in WAL mode does not wait for the disk). The
bot therefore passes SQLAlchemy an ``async_creator`` whose connections look like aiosqlite's
but run ``sqlite3`` directly; every await returns at once.

Running inline means one process must never wait for its own write lock: a coroutine that
waited inside SQLite would hold up the loop, and with it the transaction it waits for. So all
writing transactions of a process take one ``asyncio.Lock`` per database file first
(:func:`write_lock`); readers need none (WAL lets them read while another writes). Another
process writing at the same moment (a command-line import) makes the bot wait for SQLite's
busy timeout, which is what SQLite's single writer means.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_SECONDS = 10.0


class InlineCursor:
    """An aiosqlite-shaped cursor over a ``sqlite3`` cursor."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        """Column descriptions of the last query."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The id of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows fetched at a time by ``fetchmany``."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        """Run one statement."""
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> InlineCursor:
        """Run one statement for each row of parameters."""
        self._cursor.executemany(sql, rows)
        return self

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        """The next row, or ``None``."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to ``size`` rows."""
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def close(self) -> None:
        """Release the cursor."""
        self._cursor.close()


class _RunAtOnce:
    """Stands in for aiosqlite's request queue, which SQLAlchemy uses to set isolation levels."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(exc)


class InlineConnection:
    """An aiosqlite-shaped connection over a ``sqlite3`` connection in the loop's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        self._tx = _RunAtOnce()

    def cursor(self) -> InlineCursor:
        """A new cursor."""
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        """Commit the open transaction."""
        self._conn.commit()

    async def rollback(self) -> None:
        """Roll the open transaction back."""
        self._conn.rollback()

    async def close(self) -> None:
        """Close the connection (a second close does nothing)."""
        if self._connection is not None:
            self._conn.close()
            self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register a SQL function, as ``sqlite3`` does."""
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        """The ``sqlite3`` isolation level."""
        return self._conn.isolation_level

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        self._conn.close()
        self._connection = None


def inline_creator(path: str) -> Callable[[], Awaitable[InlineConnection]]:
    """The ``async_creator`` for SQLAlchemy: a new inline connection to the file at ``path``."""

    async def connect() -> InlineConnection:
        return InlineConnection(
            sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
        )

    return connect


class WriteLock:
    """Lets one transaction at a time write to a file, and refuses a writer nested in another."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> None:
        task = asyncio.current_task()
        if task is not None and task is self._holder:
            raise RuntimeError(
                "a write session opened inside another waits for itself: pass the open session"
            )
        await self._lock.acquire()
        self._holder = task

    async def __aexit__(self, *_: object) -> None:
        self._holder = None
        self._lock.release()


_LOCKS: dict[str, tuple[asyncio.AbstractEventLoop, WriteLock]] = {}


@functools.lru_cache(maxsize=64)
def _resolved(path: str) -> str:
    """The file's real path, found once: every write asks for its lock."""
    return str(Path(path).resolve())


def write_lock(path: str) -> WriteLock:
    """The one lock this process's writers of the file at ``path`` take, on the running loop.

    Several ``Database`` objects may open the same file (a test restarting the bot, the
    sandbox and a seeding command): they must share it, or one would wait inside SQLite for
    another that cannot move while the loop is held.
    """
    key = _resolved(path)
    loop = asyncio.get_running_loop()
    found = _LOCKS.get(key)
    if found is None or found[0] is not loop:
        found = (loop, WriteLock())
        _LOCKS[key] = found
    return found[1]
