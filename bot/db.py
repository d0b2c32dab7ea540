"""Async engine and sessions on SQLite (embedded) or PostgreSQL; schema upgrades with Alembic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.sqlite import inline_creator, write_lock

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


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


def make_engine(url: str) -> AsyncEngine:
    """Create the engine for ``url``, preparing the SQLite file's folder when needed."""
    path = sqlite_file(url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, async_creator=inline_creator(path))
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
    return create_async_engine(url, pool_size=10, max_overflow=20)


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations, usable without alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """The system of record: one engine, sessions on demand."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
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

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """Hold this process's SQLite write lock (PostgreSQL needs none: rows are locked)."""
        if self._file is None:
            yield
            return
        async with write_lock(self._file):
            yield

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on error."""
        async with self._writing(), self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; nothing is committed."""
        async with self._readers() as session:
            yield session

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection in a transaction, for bulk statements; commits on success."""
        async with self._writing(), self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection for reads only."""
        async with self._read_engine.connect() as connection:
            yield connection

    async def upgrade(self) -> None:
        """Bring the schema to the newest revision (Alembic runs in a worker thread)."""
        from alembic import command  # 10 MiB, needed once at start

        await asyncio.to_thread(command.upgrade, alembic_config(self.url), "heads")

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
