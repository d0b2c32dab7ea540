"""The layers stay apart: services know nothing of Telegram, handlers build no queries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in sorted(_imports(path))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("bot/services", ("telegram",)),
        ("bot/models", ("telegram", "bot.services")),
        ("handlers", ("sqlmodel", "sqlalchemy", "bot.db", "bot.models.base")),
    ],
)
def test_layer_does_not_import(folder: str, forbidden: tuple[str, ...]) -> None:
    """Services are Telegram-free; models depend on nothing above; handlers never touch the DB."""
    assert not _violations(folder, forbidden)


def test_nothing_is_built_at_import_time() -> None:
    """No module creates settings, an engine or an application when imported."""
    suspicious = (
        "Settings(",
        "load_settings(",
        "make_engine(",
        "Database(",
        "build_application(",
        "ApplicationBuilder(",
    )
    offenders = []
    for path in sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]):
        if "migrations" in path.parts:
            continue  # Alembic's env.py is a script run by Alembic, not an imported module
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.Expr, ast.AnnAssign)):
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), node) or ""
                if any(s in source for s in suspicious):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders
