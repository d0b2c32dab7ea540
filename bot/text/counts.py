"""Counts in the command line's English (``1 person``, ``2 people``); the chat uses the catalogs."""

from __future__ import annotations

SINGULAR = {"people": "person", "enterprises": "enterprise", "quiz questions": "quiz question"}


def count(number: int, plural: str) -> str:
    """``2 studios``, ``1 studio``, ``1 person``."""
    one = SINGULAR.get(plural, plural.removesuffix("s"))
    return f"{number} {one if number == 1 else plural}"
