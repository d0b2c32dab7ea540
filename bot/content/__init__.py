"""Courses, lessons and quizzes as files: typed models, the loader and its checks.

Authors write YAML and Markdown in ``content/`` (the format is documented for them in
``content/README.md``). :func:`load` reads a folder into a :class:`Catalogue` whose problems
print as ``file:line: problem``; syncing it into the database is
:class:`bot.services.learning.learning.LearningService`'s job.
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
    """The configured folder; when it does not exist, the content the code came with.

    That is the copy shipped inside the wheel, or for a source checkout installed in editable
    mode its ``content/``, so ``engage run`` works from any directory.
    """
    if configured.is_dir():
        return configured
    home = Path(bot.__file__).parent
    for shipped in (home / "_content", home.parent / "content"):
        if shipped.is_dir():
            return shipped
    return configured
