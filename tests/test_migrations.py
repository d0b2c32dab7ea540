"""Migrations are the only way the schema changes, and they agree with the models."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import bot.models  # noqa: F401  (registers every table)
from bot.db import Database, alembic_config


def _diff(url: str) -> list[object]:
    async def run() -> list[object]:
        db = Database(url)
        try:
            async with db.engine.connect() as connection:

                def compare(sync: Connection) -> list[object]:
                    context = MigrationContext.configure(sync, opts={"compare_type": True})
                    return list(compare_metadata(context, SQLModel.metadata))

                return await connection.run_sync(compare)
        finally:
            await db.dispose()

    return asyncio.run(run())


def test_models_and_newest_revision_agree(tmp_path: Path) -> None:
    """Upgrading an empty database gives exactly the tables and columns the models declare."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "heads")
    assert _diff(url) == []


def test_models_and_migrations_agree_on_the_fixture_database(database_url: str) -> None:
    """The same agreement holds on every configured backend (PostgreSQL too when set)."""
    assert _diff(database_url) == []


def test_every_revision_goes_up_down_and_up_again(tmp_path: Path) -> None:
    """The stairway: each revision upgrades, downgrades to its parent, and upgrades again."""
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")  # type: ignore[arg-type]
        command.upgrade(config, revision.revision)
    command.downgrade(config, "base")
    command.upgrade(config, "heads")
    assert _diff(url) == []


def test_a_single_head() -> None:
    """Migrations form one line, so `upgrade head` is unambiguous."""
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert len(script.get_heads()) == 1
