"""Quiz questions as learners see them, and grading an answer (shared by quizzes and practice)."""

from __future__ import annotations

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


def view(row: QuizQuestion, locale: Locale, *, number: int = 1, total: int = 1) -> QuestionView:
    """The question in ``locale``."""
    return QuestionView(
        id=row.id or 0,
        course_id=row.course_id,
        number=number,
        total=total,
        multiple=row.kind == "multiple",
        text=row.text_zh if locale == "zh" else row.text_en,
        options=tuple(str(option[locale]) for option in row.options),
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
    """Grade ``chosen`` against the question's correct options."""
    explanation = row.explanation_zh if locale == "zh" else row.explanation_en
    return Feedback(question, chosen, right_options(row.options), explanation)
