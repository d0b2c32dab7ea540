"""Callback data schemes build and parse strictly; forged data is refused."""

from __future__ import annotations

import pytest

from handlers.callbacks import BadCallback, Callback

ACCEPT = Callback("idea", "ok", int)


def test_build_and_parse_round_trip() -> None:
    """What a scheme builds, it parses back to typed values."""
    assert ACCEPT.build(42) == "idea:ok:42"
    assert ACCEPT.parse("idea:ok:42") == (42,)


@pytest.mark.parametrize(
    "forged", ["idea:ok:x", "idea:ok", "idea:ok:1:2", "other:ok:1", "", None, "idea:ok:-"]
)
def test_forged_data_is_refused(forged: str | None) -> None:
    """Data that does not fit the scheme raises BadCallback."""
    with pytest.raises(BadCallback):
        ACCEPT.parse(forged)


def test_oversized_data_cannot_be_built() -> None:
    """A scheme refuses to build data over Telegram's 64 bytes."""
    with pytest.raises(ValueError, match="64 bytes"):
        Callback("feature", "action", str).build("a" * 60)


def test_separators_in_values_are_refused() -> None:
    """A value cannot smuggle an extra field."""
    with pytest.raises(BadCallback):
        Callback("f", "a", str).build("x:y")
