"""Reading content files: YAML whose every value knows its line, and problems gathered as found.

YAML is parsed once into nodes (which know their lines) and constructed from them, so a
pydantic complaint about ``questions[2].text.en`` points at the line that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.config import LOCALES
from bot.content.models import Problem

M = TypeVar("M", bound=BaseModel)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it


@dataclass(slots=True)
class Report:
    """Every problem found so far; reading goes on after each."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, message: str) -> None:
        """Note something that makes the content unusable."""
        self.problems.append(Problem(path, line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        """Note a style problem."""
        self.problems.append(Problem(path, line, message, "warning"))


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """Parsed YAML with its node tree, to find the line of any value."""

    path: Path
    data: Any
    node: yaml.Node | None
    offset: int = 0

    def line(self, loc: tuple[int | str, ...]) -> int:
        """The file line of the value at ``loc`` (or of the nearest enclosing one that exists)."""
        node = self.node
        for part in loc:
            found = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next((value for key, value in node.value if key.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                found = node.value[part] if part < len(node.value) else None
            if found is None:
                break
            node = found
        return self.offset + (node.start_mark.line + 1 if node is not None else 1)


def read_text(path: Path, report: Report) -> str | None:
    """The file's UTF-8 text with Unix line ends, or ``None`` (reported) when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        report.error(path, 1, "not UTF-8 text")
    except OSError as exc:
        report.error(path, 1, f"cannot read: {exc.strerror}")
    return None


def read_yaml(path: Path, text: str, report: Report, offset: int = 0) -> YamlDoc | None:
    """Parse ``text`` (``offset`` lines into ``path``), or ``None`` after a syntax error."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last = text.rstrip("\n").count("\n")  # an error at the end of the text is on its last line
        line = offset + (min(mark.line, last) + 1 if mark else 1)
        report.error(path, line, f"YAML: {exc.problem or exc.context}")
        return None
    finally:
        loader.dispose()
    return YamlDoc(path, data, node, offset)


def _describe(error: ErrorDetails) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
    where = where.lstrip(".")
    last = error["loc"][-1] if error["loc"] else None
    if error["type"] == "missing" and last in LOCALES:
        return f"{where}: missing {last} translation"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def validate(
    model: type[M], doc: YamlDoc, report: Report, data: Any = None, at: tuple[int | str, ...] = ()
) -> M | None:
    """``data`` (the whole document by default, found at ``at``) as ``model``, or its problems."""
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        report.error(doc.path, doc.line(at), "expected a mapping of fields")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = (*at, *error["loc"])
            report.error(doc.path, doc.line(loc), _describe({**error, "loc": loc}))
        return None
