"""Migrations are the only way the schema changes, and they agree with the models."""

from __future__ import annotations

import asyncio
import sqlite3
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


def _insert(db: sqlite3.Connection, table: str, **given: object) -> None:
    """Insert a row, filling every other required column with a placeholder of its type."""
    values = dict(given)
    for _, name, kind, notnull, default, _pk in db.execute(f"PRAGMA table_info({table})"):
        if name not in values and notnull and default is None:
            values[name] = 0 if kind.upper() in ("INTEGER", "BOOLEAN", "BIGINT", "FLOAT") else "x"
    columns = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join("?" for _ in values)
    db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(values.values()))


def test_answers_saved_before_shuffling_keep_the_files_order(tmp_path: Path) -> None:
    """Upgrading gives each old answer the identity order it was shown in."""
    path = tmp_path / "o.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0006")
    with sqlite3.connect(path) as db:
        _insert(db, "user", id=1)
        _insert(db, "course", id=1)
        _insert(db, "quizquestion", id=1, course_id=1, options='[{"zh": "a"}, {"zh": "b"}, {}]')
        _insert(db, "quizattempt", id=1, user_id=1, course_id=1)
        _insert(db, "quizanswer", attempt_id=1, question_id=1, user_id=1, choices="[0]")
    command.upgrade(config, "heads")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT shown, choices FROM quizanswer").fetchone() == (
            "[0, 1, 2]",
            "[0]",
        )
