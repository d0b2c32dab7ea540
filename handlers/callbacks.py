"""Callback-data schemes: ``feature:action[:arg…]``, ASCII, at most 64 bytes, built and parsed here.

A modified client can send any callback data, so a scheme matches only data it could have
built itself: ASCII digits and tokens, the whole string (no trailing newline), and every
number inside the range of the column it names. Anything else never reaches a handler: the
fallback answers it as a stale button. Handlers still check permissions and existence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 64
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")
_NUMBER = re.compile(r"[0-9]{1,19}")


class BadCallback(ValueError):
    """The data does not fit the scheme (forged or from an old version)."""


class UserId(int):
    """A Telegram user id in callback data: a BIGINT column, where other ids are INTEGER."""


# The ids an argument may hold: the range of the database column it is looked up in
# (PostgreSQL refuses a larger one with an error rather than finding nothing).
RANGES: dict[type, range] = {int: range(0, 2**31), UserId: range(1, 2**63)}


def _text(value: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise BadCallback(value)
    return value


def _number(kind: type) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not _NUMBER.fullmatch(value) or int(value) not in RANGES[kind]:
            raise BadCallback(value)
        return int(value)

    return parse


PARSERS: dict[type, Callable[[str], Any]] = {
    int: _number(int),
    UserId: _number(UserId),
    str: _text,
}

Matcher = Callable[[object], bool]


@dataclass(frozen=True)
class Callback:
    """One kind of button: ``Callback("idea", "ok", int)`` builds ``idea:ok:42``."""

    feature: str
    action: str
    args: tuple[type, ...] = field(default=())

    def __init__(self, feature: str, action: str, *args: type) -> None:
        object.__setattr__(self, "feature", feature)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "args", args)

    @property
    def prefix(self) -> str:
        """The fixed start of every data string of this kind."""
        return f"{self.feature}:{self.action}"

    @property
    def pattern(self) -> Matcher:
        """What PTB's ``CallbackQueryHandler(pattern=…)`` takes: whether data is of this kind."""
        return self.matches

    def build(self, *values: object) -> str:
        """Data for a button; refuses what Telegram would refuse and what parse would."""
        return _build(self, values, tuple(map(type, values)))  # True is 1 as a key, not as data

    def _build(self, values: tuple[object, ...]) -> str:
        if len(values) != len(self.args):
            raise ValueError(f"{self.prefix} takes {len(self.args)} arguments")
        parts = [self.prefix, *(str(v) for v in values)]
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        self.parse(data)
        return data

    def parse(self, data: object) -> tuple[Any, ...]:
        """The typed arguments of ``data``; raises :class:`BadCallback` when it does not fit."""
        if not isinstance(data, str):
            raise BadCallback(data)
        parts = data.split(":")
        if parts[:2] != [self.feature, self.action] or len(parts) != 2 + len(self.args):
            raise BadCallback(data)
        return tuple(PARSERS[kind](value) for kind, value in zip(self.args, parts[2:], strict=True))

    def matches(self, data: object) -> bool:
        """Whether ``data`` is a button of this kind."""
        try:
            self.parse(data)
        except BadCallback:
            return False
        return True

    def one(self, data: object) -> Any:
        """The single argument of a one-argument scheme."""
        (value,) = self.parse(data)
        return value


class Either:
    """A pattern for one handler that answers several kinds of button (see :func:`either`)."""

    __slots__ = ("schemes",)

    def __init__(self, schemes: tuple[Callback, ...]) -> None:
        self.schemes = schemes

    def __call__(self, data: object) -> bool:
        """Whether ``data`` is a button of one of the kinds."""
        return any(scheme.matches(data) for scheme in self.schemes)


@functools.lru_cache(maxsize=4096)
def _build(scheme: Callback, values: tuple[object, ...], _types: tuple[type, ...]) -> str:
    """Built once per button: the same buttons go to many people, and checking takes time."""
    return scheme._build(values)


def either(*schemes: Callback) -> Either:
    """A pattern for one handler that answers several kinds of button."""
    return Either(schemes)
