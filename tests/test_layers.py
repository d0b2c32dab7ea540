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


FEATURES = ("core", "learning", "proposals", "events", "broadcasts", "network", "reminders")
FEATURES += ("settings",)


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _feature(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "handlers" and len(parts) > 1 and parts[1] in FEATURES:
        return parts[1]
    if parts[:2] == ["bot", "services"] and len(parts) > 2 and parts[2] in FEATURES:
        return parts[2]
    return None


def _public(package: str) -> set[str]:
    init = ROOT.joinpath(*package.split("."), "__init__.py")
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


def _code() -> list[Path]:
    return sorted(
        path
        for folder in ("bot", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_features_meet_only_through_public_names() -> None:
    """A feature's handlers and services use another feature's services by its public names only.

    ``from bot.services.core import UserService`` is fine; ``bot.services.core.users`` is not:
    moving a module inside a feature must not break another feature.
    """
    offenders = []
    for path in _code():
        mine = _feature(_module(path))
        if mine is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            theirs = _feature(node.module)
            if theirs is None or theirs == mine or not node.module.startswith("bot.services."):
                continue
            package = f"bot.services.{theirs}"
            hidden = {alias.name for alias in node.names} - _public(package)
            if node.module != package or hidden:
                offenders.append(f"{_module(path)}: from {node.module} import {sorted(hidden)}")
    assert not offenders


def _edges() -> dict[str, set[str]]:
    """Imports made when a module loads (not under TYPE_CHECKING, not inside functions)."""
    modules = {_module(path): path for path in _code()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    targets.add(child if child in modules else node.module)
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle, if there is any (depth-first search with a path stack)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_there_is_no_import_circle() -> None:
    """No module of bot/ or handlers/ needs, while loading, a module that needs it back."""
    assert _cycle(_edges()) == []


def test_writes_go_through_the_database_object() -> None:
    """Only bot/db.py opens engine connections: elsewhere a write must take the SQLite lock.

    On SQLite the bot runs statements in the loop's thread, so a transaction opened straight on
    the engine could wait inside SQLite for another of its own and hold the loop (bot/sqlite.py).
    """
    opens = (".engine.begin(", ".engine.connect(")
    offenders = [
        f"{path.relative_to(ROOT)}"
        for path in _code()
        if path.name != "db.py" and any(o in path.read_text(encoding="utf-8") for o in opens)
    ]
    assert not offenders
