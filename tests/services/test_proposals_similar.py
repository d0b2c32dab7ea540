"""The duplicate scorer on real Chinese and English titles, near-identical and unrelated."""

from __future__ import annotations

import pytest

from bot.services.proposals.similar import THRESHOLD, similar_titles

EXISTING = [
    (1, "减少焊接返工率的办法"),
    (2, "缩短数控车床换刀时间"),
    (3, "Reduce the welding rework"),
    (4, "Safety helmet storage rack"),
    (5, "Improve quality"),
    (6, "改进食堂排队"),
]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("减少焊接返工的方法", [1]),
        ("数控车床换刀时间缩短", [2]),
        ("Reduce welding rework", [3]),
        ("reduce the WELDING rework!", [3]),
    ],
)
def test_near_identical_titles_are_found(title: str, expected: list[int]) -> None:
    """Reworded, reordered or re-cased titles of the same idea are flagged."""
    assert [pid for pid, _ in similar_titles(title, EXISTING)] == expected


@pytest.mark.parametrize(
    "title",
    ["焊接烟尘收集改进", "Better canteen queue", "Safety", "Improve safety", "食堂", "焊接"],
)
def test_unrelated_or_too_short_titles_are_not(title: str) -> None:
    """Sharing a word or two, or being a single short word, is not a duplicate."""
    assert similar_titles(title, EXISTING) == []


def test_scores_are_above_the_threshold() -> None:
    """Matches come with their score, best first."""
    (match,) = similar_titles("减少焊接返工的方法", EXISTING)
    assert match[0] == 1
    assert THRESHOLD <= match[1] <= 100
