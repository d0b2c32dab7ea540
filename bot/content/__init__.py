"""Courses, lessons and quizzes as files: typed models, the loader and its checks.

Authors write YAML and Markdown in ``content/`` (the format is documented for them in
``content/README.md``). :func:`load` reads a folder into a :class:`Catalogue` whose problems
print as ``file:line: problem``; syncing it into the database is
:class:`bot.services.learning.LearningService`'s job.
"""

from __future__ import annotations

from pathlib import Path

import bot
from bot.content.loader import load
from bot.content.models import (
    Catalogue,
    Course,
    Lesson,
    LessonText,
    Localized,
    Option,
    Problem,
    Question,
    Source,
)

__all__ = [
    "Catalogue",
    "Course",
    "Lesson",
    "LessonText",
    "Localized",
    "Option",
    "Problem",
    "Question",
    "Source",
    "content_root",
    "load",
]


def content_root(configured: Path) -> Path:
    """The configured folder, or the copy shipped inside the wheel when it does not exist."""
    if configured.is_dir():
        return configured
    packaged = Path(bot.__file__).parent / "_content"
    return packaged if packaged.is_dir() else configured
