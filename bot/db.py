"""Async engine and sessions on SQLite (embedded) or PostgreSQL; schema upgrades with Alembic."""

from __future__ import annotations

import asyncio
import os
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import DATABASE_POOL
from bot.sqlite import WriteLock, inline_creator, write_lock
from bot.unit import UnitOfWork, current

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
READY_TIMEOUT = 2.0  # seconds a readiness probe waits for the database


async def take_turn(session: AsyncSession, name: str) -> None:
    """Wait for PostgreSQL's advisory lock ``name``, held until the session's transaction ends.

    For work that two processes must not do at once (every process syncs content/ when it
    starts). SQLite needs none: a process's writers take turns, and several processes need
    PostgreSQL.
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(name.encode())
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and the writer overlap; busy_timeout waits instead of failing; FKs on."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL (``None`` for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


def make_engine(url: str, pool: tuple[int, int] = DATABASE_POOL) -> AsyncEngine:
    """Create the engine for ``url``, preparing the SQLite file's folder when needed.

    Each process holds up to ``pool`` connections (kept, extra); on PostgreSQL every web and
    worker process counts against the server's ``max_connections`` (100 by default).
    """
    path = sqlite_file(url)
    sized = {"pool_size": pool[0], "max_overflow": pool[1]}
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, async_creator=inline_creator(path), **sized)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it cost a round trip on every checkout (a third of a simple read). After the
    # server restarts, the first statement on a dead connection fails and the whole pool is
    # replaced, so one update sees an error instead of every update paying for the check.
    # asyncpg prepares each statement once per connection and reuses it.
    return create_async_engine(url, **sized)


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations, usable without alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cache
def migration_heads() -> frozenset[str]:
    """The revisions this code's schema is at (read once from the packaged migrations)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


class Database:
    """The system of record: one engine, sessions on demand."""

    def __init__(self, url: str, pool: tuple[int, int] = DATABASE_POOL) -> None:
        self.url = url
        self.engine = make_engine(url, pool)
        self._file = sqlite_file(url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        # PostgreSQL reads need no transaction: without one, a read is one round trip instead
        # of BEGIN, the query and ROLLBACK. (SQLite does not begin one for reads anyway.)
        readers = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._read_engine = readers
        self._readers = async_sessionmaker(readers, class_=AsyncSession, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether the embedded database is in use (no row locks, one writer at a time)."""
        return self.engine.dialect.name == "sqlite"

    def write_lock(self) -> WriteLock | None:
        """This process's SQLite write lock (PostgreSQL needs none: it locks rows)."""
        return write_lock(self._file) if self._file is not None else None

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """Hold this process's SQLite write lock while the block runs."""
        lock = self.write_lock()
        if lock is None:
            yield
            return
        async with lock:
            yield

    def unit(self, *, user_id: int | None = None) -> UnitOfWork:
        """A unit of work on this database (see ``bot.unit``); bind it to make it current."""
        return UnitOfWork(self, user_id=user_id)

    async def begin_unit(self) -> AsyncConnection:
        """A connection in a transaction for a unit of work, SQLite's write lock held.

        The unit commits or rolls it back, then hands it to :meth:`end_unit`.
        """
        lock = self.write_lock()
        if lock is not None:
            await lock.__aenter__()
        try:
            connection = await self.engine.connect()
            await connection.begin()
            if self.is_sqlite:
                # Python's sqlite3 begins only before DML: a SAVEPOINT first would begin (and its
                # RELEASE commit) a transaction of its own.
                await connection.exec_driver_sql("BEGIN")
        except BaseException:
            if lock is not None:
                await lock.__aexit__()
            raise
        return connection

    async def end_unit(self, connection: AsyncConnection) -> None:
        """Close a unit's connection (committed or rolled back) and release the write lock."""
        try:
            await connection.close()
        finally:
            lock = self.write_lock()
            if lock is not None:
                await lock.__aexit__()

    @asynccontextmanager
    async def _open(self, maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
        """A session closed on exit, without SQLAlchemy's shielded task on SQLite.

        SQLAlchemy closes a session from ``async with`` in a task of its own, shielded so that
        a cancelled caller still returns the connection; that costs three turns of the event
        loop, which under load are three waits behind every other update. SQLite's inline
        connections close without awaiting anything, so there is nothing to shield.
        """
        if not self.is_sqlite:
            async with maker() as session:
                yield session
            return
        session = maker()
        try:
            yield session
        finally:
            await session.close()

    @asynccontextmanager
    async def _connect(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        """A Core connection closed on exit (at once on SQLite, as :meth:`_open` says why)."""
        if not self.is_sqlite:
            async with engine.connect() as connection:
                yield connection
            return
        connection = await engine.connect()
        try:
            yield connection
        finally:
            await connection.close()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on error.

        The write lock is held from the first statement to the commit only, not while the
        session is closed afterwards. Inside a unit of work it is a savepoint of the unit's
        transaction, committed with the unit.
        """
        work = current(self)
        if work is not None:
            async with work.session() as session:
                yield session
            return
        async with self._open(self._sessions) as session, self._writing(), session.begin():
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; nothing is committed (it sees its unit's writes)."""
        work = current(self)
        if work is not None and work.in_transaction:
            async with work.reader() as session:
                yield session
            return
        async with self._open(self._readers) as session:
            yield session

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection in a transaction, for bulk statements; commits on success."""
        work = current(self)
        if work is not None:
            async with work.writing() as connection:
                yield connection
            return
        async with self._connect(self.engine) as connection, self._writing(), connection.begin():
            yield connection

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection for one writing statement, committed as it runs.

        On PostgreSQL one statement is atomic without BEGIN and COMMIT: one round trip instead
        of three. On SQLite it is :meth:`writer` (the write lock, then a transaction). Inside
        a unit of work it is part of the unit's transaction.
        """
        if self.is_sqlite or current(self) is not None:
            async with self.writer() as connection:
                yield connection
            return
        async with self._connect(self._read_engine) as connection:
            yield connection

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection for reads only (inside a unit that wrote, the unit's own)."""
        work = current(self)
        if work is not None and work.in_transaction:
            yield await work.connection()
            return
        async with self._connect(self._read_engine) as connection:
            yield connection

    async def upgrade(self) -> None:
        """Bring the schema to the newest revision (Alembic runs in a worker thread)."""
        from alembic import command  # 10 MiB, needed once at start

        await asyncio.to_thread(command.upgrade, alembic_config(self.url), "heads")

    async def ready(self) -> str | None:
        """``None`` when the database answers and its schema is at the newest revision, else why."""
        if self._file is not None and not os.path.exists(self._file):  # noqa: ASYNC240 (a stat)
            return "the database file is missing"
        try:
            async with asyncio.timeout(READY_TIMEOUT), self.connection() as connection:
                found = await connection.execute(text("SELECT version_num FROM alembic_version"))
                revisions = frozenset(found.scalars().all())
        except Exception as exc:  # whatever the driver raises, the answer is "not ready"
            return f"the database does not answer: {type(exc).__name__}"
        if revisions != migration_heads():
            return f"the schema is at {sorted(revisions)}, the code at {sorted(migration_heads())}"
        return None

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` on each ``NOTIFY channel`` until cancelled; reconnects.

        PostgreSQL only: on SQLite it returns at once (one process, which knows what it wrote).
        ``callback("")`` is also called after each (re)connection, for what came while deaf.
        """
        if self.is_sqlite:
            return
        import asyncpg

        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(False)
        while True:
            try:
                connection = await asyncpg.connect(dsn)
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(1.0)
                continue
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection, lost=lost: lost.set())
            try:
                await connection.add_listener(channel, lambda *args: callback(str(args[-1])))
                callback("")
                await lost.wait()
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(1.0)
            finally:
                connection.terminate()

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
