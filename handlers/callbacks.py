"""Callback-data schemes: ``feature:action[:arg…]``, ASCII, at most 64 bytes, built and parsed here.

A modified client can send any callback data, so parsing is strict and every handler still
checks permissions and existence on the server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 64
_TOKEN = re.compile(r"^[A-Za-z0-9_.\-]+$")


class BadCallback(ValueError):
    """The data does not fit the scheme (forged or from an old version)."""


def _text(value: str) -> str:
    if not _TOKEN.match(value):
        raise BadCallback(value)
    return value


PARSERS: dict[type, Callable[[str], Any]] = {int: int, str: _text}
# What each argument may look like on the wire: data that fits no scheme never reaches a
# handler (the fallback answers it as a stale button), so handlers parse without a guard.
SHAPES: dict[type, str] = {int: r"-?\d{1,18}", str: _TOKEN.pattern.strip("^$")}


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
    def pattern(self) -> str:
        """A regular expression for PTB's ``CallbackQueryHandler(pattern=…)``."""
        tail = "".join(f":{SHAPES[kind]}" for kind in self.args)
        return rf"^{re.escape(self.prefix)}{tail}$"

    def build(self, *values: object) -> str:
        """Data for a button; refuses what Telegram would refuse."""
        if len(values) != len(self.args):
            raise ValueError(f"{self.prefix} takes {len(self.args)} arguments")
        parts = [self.prefix, *(_text(str(v)) for v in values)]
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    def parse(self, data: str | None) -> tuple[Any, ...]:
        """The typed arguments of ``data``; raises :class:`BadCallback` when it does not fit."""
        if not data or not re.match(self.pattern, data):
            raise BadCallback(data)
        raw = data.split(":")[2:]
        try:
            return tuple(PARSERS[kind](value) for kind, value in zip(self.args, raw, strict=True))
        except (ValueError, KeyError) as exc:
            raise BadCallback(data) from exc

    def matches(self, data: str | None) -> bool:
        """Whether ``data`` is a button of this kind."""
        return bool(data) and re.match(self.pattern, data or "") is not None

    def one(self, data: str | None) -> Any:
        """The single argument of a one-argument scheme."""
        (value,) = self.parse(data)
        return value


def either(*schemes: Callback) -> str:
    """A pattern for one handler that answers several kinds of button."""
    return "|".join(scheme.pattern for scheme in schemes)
