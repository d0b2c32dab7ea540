"""What a good import file looks like: its columns, what each cell must hold, duplicate keys.

These checks need no database; the people a row refers to are checked by
``bot.services.network.imports``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.models.network import Honour, Speciality
from bot.models.organizations import OrgLevel
from bot.models.users import Role
from bot.services.core import normalize

KINDS = ("experts", "studios", "enterprises", "bases")
LEVELS = (OrgLevel.PROVINCE, OrgLevel.CITY, OrgLevel.COUNTY, OrgLevel.UNION)
EXPERT_ROLES = (Role.MODEL_WORKER.value, Role.CRAFTSMAN.value)
YES, NO = {"yes", "y", "true", "1", "是", "x"}, {"no", "n", "false", "0", "否", ""}
Check = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell (or a bad header when ``row`` is 1)."""

    row: int
    column: str
    message: str


def _one_of(values: tuple[str, ...] | list[str]) -> Check:
    return lambda v: None if v in values else f"must be one of: {', '.join(values)}"


def _telegram_id(value: str) -> str | None:
    return (
        None
        if value.isdigit() and 0 < int(value) < 2**63
        else "must be a Telegram user id (digits)"
    )


def _ids(value: str) -> str | None:
    bad = [part for part in split_ids(value) if _telegram_id(part)]
    return f"not Telegram user ids: {', '.join(bad)}" if bad else None


def _flag(value: str) -> str | None:
    return None if value.lower() in YES | NO else "must be yes or no"


def _date(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return "must be a date like 2024-05-27"
    return None


def split_ids(value: str) -> list[str]:
    """Telegram ids listed with any separator."""
    return [part for part in re.split(r"[\s,;，；、]+", value) if part]


@dataclass(frozen=True, slots=True)
class Spec:
    """A column: whether it must be filled, how long it may be, what else it must satisfy."""

    name: str
    required: bool = False
    limit: int = 80
    check: Check | None = None


SPECS: dict[str, tuple[Spec, ...]] = {
    "experts": (
        Spec("telegram_id", True, 20, _telegram_id),
        Spec("name", True, 128),
        Spec("role", True, 16, _one_of(EXPERT_ROLES)),
        Spec("honour", False, 32, lambda v: _one_of([h.value for h in Honour])(v) if v else None),
        Spec("field", True, 24, _one_of([s.value for s in Speciality])),
        Spec("skills", False, 255),
        Spec("enterprise", False, 80),
        Spec("region", False, 64),
        Spec("story", False, 600),
        Spec("first_line", False, 8, _flag),
    ),
    "studios": (
        Spec("name", True, 80),
        Spec("leader_telegram_id", False, 20, lambda v: _telegram_id(v) if v else None),
        Spec("enterprise", False, 80),
        Spec(
            "field", False, 24, lambda v: _one_of([s.value for s in Speciality])(v) if v else None
        ),
        Spec("founded_on", False, 10, lambda v: _date(v) if v else None),
        Spec("members", False, 4000, _ids),
    ),
    "enterprises": (
        Spec("name", True, 80),
        Spec("region", False, 64),
        Spec("province", False, 80),
        Spec("city", False, 80),
        Spec("county", False, 80),
        Spec("union", False, 80),
    ),
    "bases": (
        Spec("name", True, 80),
        Spec("region", True, 64),
        Spec("specialities", False, 255),
        Spec("leader_telegram_id", False, 20, lambda v: _telegram_id(v) if v else None),
        Spec("description", False, 500),
    ),
}
KEYS = {"experts": "telegram_id", "studios": "name", "enterprises": "name", "bases": "name"}


def columns(kind: str) -> list[str]:
    """The columns of a kind's file, in order (also the export's header)."""
    return [spec.name for spec in SPECS[kind]]


def check_rows(kind: str, header: list[str], rows: list[dict[str, str]]) -> list[Problem]:
    """Every problem of the file that can be seen without the database."""
    specs = SPECS[kind]
    known = {spec.name for spec in specs}
    problems = [
        Problem(1, s.name, "missing column") for s in specs if s.required and s.name not in header
    ]
    problems += [
        Problem(1, name, "unknown column") for name in header if name and name not in known
    ]
    if problems:
        return problems
    seen: dict[str, int] = {}
    for number, row in numbered(rows):
        for spec in specs:
            value = row.get(spec.name, "")
            if not value:
                if spec.required:
                    problems.append(Problem(number, spec.name, "required"))
                continue
            if len(value) > spec.limit:
                problems.append(Problem(number, spec.name, f"longer than {spec.limit} characters"))
            elif spec.check and (message := spec.check(value)):
                problems.append(Problem(number, spec.name, message))
        key = _key(kind, row)
        if key and key in seen:
            problems.append(Problem(number, KEYS[kind], f"same as row {seen[key]}"))
        elif key:
            seen[key] = number
    return problems


def numbered(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows with their line numbers in the file (the header is line 1)."""
    return [(index + 2, row) for index, row in enumerate(rows) if any(row.values())]


def _key(kind: str, row: dict[str, str]) -> str:
    value = row.get(KEYS[kind], "")
    return normalize(value) if KEYS[kind] == "name" else value
