"""Checks across a text or a whole quiz: commands the bot lacks, answers that give themselves away.

Options are shuffled for each learner, but a quiz whose right answer is always the longest can
still be passed without reading, and one whose right answers always come first in the file
tells an author's habit that will show wherever the file's order is used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.config import LOCALES, Locale
from bot.content.models import Question

# A command starts a word: not "lockout/tagout", "km/h", a URL's path or "images/x.png".
COMMAND = re.compile(r"(?<![A-Za-z0-9_/.:\-])/([a-z][a-z0-9_]{0,31})(?![A-Za-z0-9_/\-]|\.\w)")
PATTERN_SHARE = 0.75
PATTERN_MIN = 4


def unknown_commands(text: str, commands: Iterable[str]) -> list[str]:
    """The ``/commands`` named in ``text`` that are not among ``commands``, in order, once each."""
    known = set(commands)
    found = (match.group(1) for match in COMMAND.finditer(text))
    return list(dict.fromkeys(name for name in found if name not in known))


def _longest_is_right(question: Question, locale: Locale) -> bool:
    """Whether the right options are exactly the longest ones."""
    right = [len(o.text(locale)) for o in question.options if o.correct]
    wrong = [len(o.text(locale)) for o in question.options if not o.correct]
    return bool(right and wrong) and min(right) > max(wrong)


def _place(question: Question) -> str:
    """Where the file puts the right options: all first, all last, or at which places."""
    flags = [option.correct for option in question.options]
    if flags == sorted(flags, reverse=True):
        return "first"
    if flags == sorted(flags):
        return "last"
    return "at " + ", ".join(str(i + 1) for i, flag in enumerate(flags) if flag)


def _systematic(count: int, total: int) -> bool:
    return total >= PATTERN_MIN and count >= PATTERN_SHARE * total


def quiz_patterns(questions: Sequence[Question]) -> list[str]:
    """Warnings about answers a learner could pick without reading the question."""
    total = len(questions)
    found = []
    for locale in LOCALES:
        longest = sum(_longest_is_right(question, locale) for question in questions)
        if _systematic(longest, total):
            found.append(
                f"the right answer is the longest option in {longest} of {total} questions "
                f"({locale}): make some wrong options as long and as plausible"
            )
    places = Counter(_place(question) for question in questions)
    place, count = places.most_common(1)[0] if places else ("", 0)
    if _systematic(count, total):
        found.append(
            f"as written, the right options come {place} in {count} of {total} questions: "
            "vary where the file puts them"
        )
    return found
