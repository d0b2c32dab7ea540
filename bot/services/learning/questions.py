"""Quiz questions as learners see them, and grading an answer (shared by quizzes and practice).

Options are shown in an order of their own for each learner and attempt: in the content files
the right answer tends to come first, and a learner who noticed would score without reading.
The order comes from a seed (the attempt and the question), so redrawing a question shows the
same order, and positions on the buttons are turned back into the file's indices for grading.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.config import Locale
from bot.models.learning import QuizQuestion


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One question in the learner's language, numbered within its quiz."""

    id: int
    course_id: int
    number: int
    total: int
    multiple: bool
    text: str
    options: tuple[str, ...]
    order: tuple[int, ...] = ()

    def sources(self, chosen: frozenset[int]) -> list[int]:
        """The file's indices of the options at the positions ``chosen``."""
        return sorted(self.order[position] for position in chosen)


@dataclass(frozen=True, slots=True)
class Feedback:
    """The verdict on one answer, with the right options and why they are right."""

    question: QuestionView
    chosen: frozenset[int]
    right: frozenset[int]
    explanation: str

    @property
    def correct(self) -> bool:
        """Whether exactly the right options were chosen."""
        return self.chosen == self.right


def shuffled(count: int, seed: str) -> tuple[int, ...]:
    """An order of ``count`` options, always the same for the same ``seed``.

    ``random.Random`` hashes a string seed with SHA-512, so the order does not depend on the
    process (``PYTHONHASHSEED``) and survives a restart.
    """
    order = list(range(count))
    random.Random(seed).shuffle(order)  # an order to show, not a secret
    return tuple(order)


def view(
    row: QuizQuestion,
    locale: Locale,
    *,
    number: int = 1,
    total: int = 1,
    seed: str | None = None,
) -> QuestionView:
    """The question in ``locale``, its options in the order ``seed`` gives (the file's without)."""
    count = len(row.options)
    order = shuffled(count, seed) if seed is not None else tuple(range(count))
    return QuestionView(
        id=row.id or 0,
        course_id=row.course_id,
        number=number,
        total=total,
        multiple=row.kind == "multiple",
        text=row.text_zh if locale == "zh" else row.text_en,
        options=tuple(str(row.options[index][locale]) for index in order),
        order=order,
    )


def right_options(options: Iterable[dict[str, Any]]) -> frozenset[int]:
    """Indices of the correct options."""
    return frozenset(index for index, option in enumerate(options) if option.get("correct"))


def valid_choice(row: QuizQuestion, chosen: frozenset[int]) -> bool:
    """Whether ``chosen`` could have come from this question's buttons (forged data is not)."""
    if not chosen or not all(0 <= index < len(row.options) for index in chosen):
        return False
    return row.kind == "multiple" or len(chosen) == 1


def feedback(
    row: QuizQuestion, question: QuestionView, chosen: frozenset[int], locale: Locale
) -> Feedback:
    """Grade ``chosen`` (positions as shown in ``question``) against the correct options."""
    explanation = row.explanation_zh if locale == "zh" else row.explanation_en
    right = right_options(row.options)
    shown_right = frozenset(
        position for position, index in enumerate(question.order) if index in right
    )
    return Feedback(question, chosen, shown_right, explanation)
