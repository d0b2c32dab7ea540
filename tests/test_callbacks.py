"""Callback data schemes build and parse strictly; forged data is refused."""

from __future__ import annotations

import pytest

from handlers.callbacks import BadCallback, Callback, UserId, either

ACCEPT = Callback("idea", "ok", int)


def test_build_and_parse_round_trip() -> None:
    """What a scheme builds, it parses back to typed values."""
    assert ACCEPT.build(42) == "idea:ok:42"
    assert ACCEPT.parse("idea:ok:42") == (42,)


@pytest.mark.parametrize(
    "forged",
    [
        "idea:ok:x",
        "idea:ok",
        "idea:ok:1:2",
        "other:ok:1",
        "",
        None,
        "idea:ok:-",
        "idea:ok:1\n",  # `$` would let a trailing newline through
        "idea:ok:٣",  # Arabic-Indic three: `\d` would take it for 3
        "idea:ok:３",  # a full-width digit
        "idea:ok:-1",
        f"idea:ok:{2**31}",  # past PostgreSQL's INTEGER: "gone", never a crash
        f"idea:ok:{10**18 - 1}",
        "idea:ok:" + "1" * 19,
        "idea:ok: 1",
        "idea:ok:+1",
    ],
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


def test_the_largest_integer_id_still_parses() -> None:
    """An id at the top of an INTEGER column is a real id."""
    assert ACCEPT.parse(f"idea:ok:{2**31 - 1}") == (2**31 - 1,)


def test_user_ids_take_telegrams_range() -> None:
    """A Telegram user id is a BIGINT: ten digits and more parse, past 2^63 does not."""
    grant = Callback("admin", "grant", UserId, str)
    assert grant.parse("admin:grant:7100000001:admin") == (7100000001, "admin")
    for forged in (f"admin:grant:{2**63}:admin", "admin:grant:0:admin"):
        assert not grant.matches(forged)


def test_a_scheme_refuses_to_build_what_it_would_not_parse() -> None:
    """A button built with an out-of-range id fails at once, not when pressed."""
    with pytest.raises(BadCallback):
        ACCEPT.build(2**31)


def test_either_matches_each_scheme_and_nothing_else() -> None:
    """One handler for several kinds: each kind's data, and no mixture of them."""
    other = Callback("idea", "no", int)
    matches = either(ACCEPT, other)
    assert matches("idea:ok:1")
    assert matches("idea:no:2")
    assert not matches("idea:ok:1|idea:no:2")
    assert not matches(None)
