"""Typed models of the content files (course, lesson front matter, quiz) and of what they load into.

The file models mirror the format documented for authors in ``content/README.md``; pydantic
refuses anything else, and the loader turns its complaints into ``file:line: problem``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.config import Locale

MIN_QUESTIONS = 5
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"

Severity = Literal["error", "warning"]
Theme = Literal["spirit", "productivity", "innovation", "service", "safety", "rural"]
Audience = Literal["all", "worker", "model_worker", "craftsman"]
Slug = Annotated[str, StringConstraints(pattern=rf"^{SLUG}$", max_length=48)]


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One finding, printed the way editors and CI logs link to it."""

    path: Path
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(_Strict):
    """A text in both languages."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, locale: Locale) -> str:
        """The text in ``locale``."""
        return self.zh if locale == "zh" else self.en


class Prompt(Localized):
    """A quiz question's text."""

    zh: str = Field(min_length=1, max_length=250)
    en: str = Field(min_length=1, max_length=250)


class Explanation(Localized):
    """Why the right answer is right, shown after answering."""

    zh: str = Field(min_length=1, max_length=400)
    en: str = Field(min_length=1, max_length=400)


class Source(_Strict):
    """Where a figure, policy or event comes from."""

    title: str = Field(min_length=1)
    url: str | None = None
    date: dt.date | None = None

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("url must start with https://")
        return value


class Markers(_Strict):
    """Words (names, figures) that mark a statement as drawn from a source, per language."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def text(self, locale: Locale) -> list[str]:
        """The words in ``locale``."""
        return self.zh if locale == "zh" else self.en


class SourceFile(_Strict):
    """``content/sources/<id>.yaml``: where the verbatim text next to it comes from."""

    title: str = Field(min_length=1)
    publication: str = Field(min_length=1)
    date: dt.date
    language: Locale
    origin: str = Field(min_length=1)
    author: str | None = None
    url: str | None = None
    markers: Markers = Field(default_factory=Markers)


class Citation(_Strict):
    """Words of one line of a source in ``content/sources/``."""

    source: str = Field(min_length=1)
    line: int = Field(ge=1)
    quote: str = Field(min_length=1)


class LessonClaim(Citation):
    """What a part of a lesson says (its own words) and the source words that back it."""

    part: int = Field(ge=1)
    says: str = Field(min_length=1)


class QuestionClaim(Citation):
    """What a question or its answer says in each language and the source words behind it."""

    says: Localized


class CourseFile(_Strict):
    """``course.yaml``."""

    slug: Slug
    theme: Theme
    audience: list[Audience] = Field(min_length=1)
    title: Localized
    description: Localized
    sources: list[Source] = Field(default_factory=list)

    @field_validator("audience", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class FrontMatter(_Strict):
    """The YAML header of a lesson file."""

    title: str = Field(min_length=1, max_length=60)
    minutes: int | None = Field(default=None, ge=1, le=30)
    image: str | None = None
    sources: list[Source] = Field(default_factory=list)
    claims: list[LessonClaim] = Field(default_factory=list)


class Option(_Strict):
    """One answer a learner can pick."""

    zh: str = Field(min_length=1, max_length=100)
    en: str = Field(min_length=1, max_length=100)
    correct: bool = False

    def text(self, locale: Locale) -> str:
        """The option in ``locale``."""
        return self.zh if locale == "zh" else self.en


class QuestionFile(_Strict):
    """One entry of ``quiz.yaml``."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,24}$")
    kind: Literal["single", "multiple"]
    lesson: str
    text: Prompt
    options: list[Option] = Field(min_length=2, max_length=6)
    explanation: Explanation
    claims: list[QuestionClaim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _right_answers(self) -> QuestionFile:
        correct = sum(option.correct for option in self.options)
        if self.kind == "single" and correct != 1:
            raise ValueError(
                f"a single-choice question needs exactly one correct option, not {correct}"
            )
        if self.kind == "multiple" and correct < 1:
            raise ValueError("a multiple-choice question needs at least one correct option")
        return self


class QuizFile(_Strict):
    """``quiz.yaml``; each question is validated on its own, so one bad entry hides no other."""

    questions: list[dict[str, Any]]


class LessonText(_Strict):
    """One language of a lesson, as loaded."""

    title: str
    minutes: int | None
    image: str | None
    sources: tuple[Source, ...]
    body: str


class Lesson(_Strict):
    """A lesson in both languages; ``key`` is its name without language, ``01-what-is-nqp``."""

    key: str
    position: int
    zh: LessonText
    en: LessonText

    def text(self, locale: Locale) -> LessonText:
        """The lesson in ``locale``."""
        return self.zh if locale == "zh" else self.en

    def content_hash(self) -> str:
        """Changes whenever anything a learner sees changes."""
        return _digest(self)


class Question(_Strict):
    """A quiz question as loaded; ``key`` is its stable ``id`` within the course."""

    key: str
    position: int
    kind: Literal["single", "multiple"]
    lesson: str
    text: Prompt
    options: tuple[Option, ...]
    explanation: Explanation

    def content_hash(self) -> str:
        """Changes whenever the wording, options or answer change."""
        return _digest(self)


class Course(_Strict):
    """A course folder: its metadata, lessons and quiz."""

    slug: str
    position: int
    folder: str
    theme: Theme
    audience: tuple[Audience, ...]
    title: Localized
    description: Localized
    sources: tuple[Source, ...]
    lessons: tuple[Lesson, ...]
    questions: tuple[Question, ...]

    def content_hash(self) -> str:
        """Changes with the course's own fields, not with its lessons or questions."""
        return _digest(self, exclude={"lessons", "questions"})


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything under a content folder, with every problem found while reading it."""

    root: Path
    courses: tuple[Course, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the content unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Style problems worth fixing."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def lesson_count(self) -> int:
        """Lessons in all courses."""
        return sum(len(course.lessons) for course in self.courses)

    @property
    def question_count(self) -> int:
        """Quiz questions in all courses."""
        return sum(len(course.questions) for course in self.courses)


def _digest(model: BaseModel, exclude: set[str] | None = None) -> str:
    data = model.model_dump(mode="json", exclude=exclude)
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()
