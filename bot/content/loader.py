"""Read a content folder into a :class:`Catalogue`, reporting every problem as ``file:line``.

Reading never stops at the first problem: an author fixing a course wants the whole list.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

from bot.config import LOCALES, Locale
from bot.content.checks import quiz_patterns, unknown_commands
from bot.content.files import Report, YamlDoc, read_text, read_yaml, validate
from bot.content.lessons import lesson_files, load_lessons, unknown_command
from bot.content.models import (
    MIN_QUESTIONS,
    SLUG,
    Catalogue,
    Course,
    CourseFile,
    Localized,
    Option,
    Question,
    QuestionFile,
    QuizFile,
)
from bot.content.sources import (
    SOURCES_FOLDER,
    SourceText,
    check_citation,
    load_sources,
    normalize,
    uncited,
)

COURSE_FOLDER = re.compile(rf"^(\d{{2}})-({SLUG})$")
MULTIPLE_HINTS: dict[Locale, str] = {"zh": "多选", "en": "all that apply"}


def _check_question(
    question: QuestionFile, doc: YamlDoc, index: int, keys: set[str], report: Report
) -> None:
    if question.lesson not in keys:
        line = doc.line(("questions", index, "lesson"))
        report.error(
            doc.path,
            line,
            f"questions[{index}].lesson: no lesson {question.lesson!r} in this course",
        )
    if question.kind == "multiple":
        for locale, hint in MULTIPLE_HINTS.items():
            if hint not in question.text.text(locale):
                line = doc.line(("questions", index, "text"))
                report.warn(
                    doc.path, line, f"a multiple-choice question says “{hint}” in its {locale} text"
                )
    for locale in LOCALES:
        texts = [option.text(locale) for option in question.options]
        if len(set(texts)) < len(texts):
            line = doc.line(("questions", index, "options"))
            report.warn(doc.path, line, f"two options read the same in {locale}")


def _answer_text(question: QuestionFile, locale: Locale) -> str:
    """What a question asserts in ``locale``: its text, right options and explanation."""
    right = [option.text(locale) for option in question.options if option.correct]
    return "\n".join([question.text.text(locale), *right, question.explanation.text(locale)])


def _check_question_claims(
    question: QuestionFile,
    doc: YamlDoc,
    index: int,
    sources: Mapping[str, SourceText],
    report: Report,
) -> None:
    """Each claim says the question's words and quotes its source; no source word goes uncited."""
    for number, claim in enumerate(question.claims):
        line = doc.line(("questions", index, "claims", number))
        where = f"questions[{index}].claims[{number}]"
        for locale in LOCALES:
            said = claim.says.text(locale)
            if normalize(said) not in normalize(_answer_text(question, locale)):
                report.error(doc.path, line, f"{where}: the question does not say “{said}”")
        for message in check_citation(claim, sources, [claim.says.zh, claim.says.en]):
            report.error(doc.path, line, f"{where}: {message}")
    for locale in LOCALES:
        spoken = [claim.says.text(locale) for claim in question.claims]
        for word in uncited(_answer_text(question, locale), spoken, sources, locale):
            report.error(
                doc.path,
                doc.line(("questions", index)),
                f"questions[{index}] says “{word}” ({locale}), which comes from a source, "
                "with no claim citing it (`claims:`)",
            )


def _check_quiz_commands(
    question: QuestionFile, doc: YamlDoc, index: int, commands: Collection[str], report: Report
) -> None:
    texts: list[tuple[tuple[str | int, ...], Localized | Option]] = [
        (("text",), question.text),
        (("explanation",), question.explanation),
        *((("options", n), option) for n, option in enumerate(question.options)),
    ]
    for where, value in texts:
        line = doc.line(("questions", index, *where))
        for locale in LOCALES:
            for name in unknown_commands(value.text(locale), commands):
                report.error(doc.path, line, unknown_command(name))


def _load_quiz(
    folder: Path,
    keys: set[str],
    report: Report,
    commands: Collection[str] | None,
    sources: Mapping[str, SourceText],
) -> tuple[Question, ...]:
    path = folder / "quiz.yaml"
    if not path.is_file():
        report.error(
            path, 1, "missing quiz.yaml: every course needs a quiz of at least 5 questions"
        )
        return ()
    text = read_text(path, report)
    doc = read_yaml(path, text, report) if text is not None else None
    quiz = validate(QuizFile, doc, report) if doc else None
    if quiz is None or doc is None:
        return ()
    if len(quiz.questions) < MIN_QUESTIONS:
        count = len(quiz.questions)
        report.error(
            path,
            doc.line(("questions",)),
            f"a quiz needs at least {MIN_QUESTIONS} questions, not {count}",
        )
    seen: set[str] = set()
    questions = []
    for index, data in enumerate(quiz.questions):
        entry = validate(QuestionFile, doc, report, data, ("questions", index))
        if entry is None:
            continue
        if entry.id in seen:
            report.error(
                path,
                doc.line(("questions", index, "id")),
                f"question id {entry.id!r} is used twice",
            )
            continue
        seen.add(entry.id)
        _check_question(entry, doc, index, keys, report)
        _check_question_claims(entry, doc, index, sources, report)
        if commands is not None:
            _check_quiz_commands(entry, doc, index, commands, report)
        questions.append(
            Question(
                key=entry.id,
                position=index + 1,
                kind=entry.kind,
                lesson=entry.lesson,
                text=entry.text,
                options=tuple(entry.options),
                explanation=entry.explanation,
            )
        )
    for message in quiz_patterns(questions):
        report.warn(path, doc.line(("questions",)), message)
    return tuple(questions)


def _load_course(
    folder: Path,
    report: Report,
    slugs: dict[str, Path],
    commands: Collection[str] | None,
    sources: Mapping[str, SourceText],
) -> Course | None:
    path = folder / "course.yaml"
    match = COURSE_FOLDER.match(folder.name)
    if match is None:
        report.error(path, 1, f"a course folder is named like 01-course-slug, not {folder.name!r}")
    if not path.is_file():
        report.error(path, 1, "missing course.yaml")
        return None
    text = read_text(path, report)
    doc = read_yaml(path, text, report) if text is not None else None
    meta = validate(CourseFile, doc, report) if doc else None
    files = lesson_files(folder, report)
    lessons = load_lessons(folder, files, report, commands, sources)
    questions = _load_quiz(folder, set(files), report, commands, sources)
    if meta is None or doc is None or match is None:
        return None
    if meta.slug in slugs:
        report.error(
            path, doc.line(("slug",)), f"slug {meta.slug!r} is already used by {slugs[meta.slug]}"
        )
        return None
    slugs[meta.slug] = path
    if meta.slug != match.group(2):
        report.warn(path, doc.line(("slug",)), f"slug {meta.slug!r} differs from the folder name")
    return Course(
        slug=meta.slug,
        position=int(match.group(1)),
        folder=folder.name,
        theme=meta.theme,
        audience=tuple(meta.audience),
        title=meta.title,
        description=meta.description,
        sources=tuple(meta.sources),
        lessons=lessons,
        questions=questions,
    )


def load(root: Path, *, commands: Collection[str] | None = None) -> Catalogue:
    """Read every course under ``root``; problems are collected, never raised.

    ``commands`` are the names of the bot's commands (``learn``, ``ask``…): a lesson or quiz
    naming any other ``/command`` is an error. Without them, commands are not checked.
    """
    report = Report()
    courses: list[Course] = []
    if not root.is_dir():
        report.error(root, 1, "no such content folder")
        return Catalogue(root=root, courses=(), problems=tuple(report.problems))
    slugs: dict[str, Path] = {}
    sources = load_sources(root, report)
    for folder in sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and p.name != SOURCES_FOLDER
    ):
        course = _load_course(folder, report, slugs, commands, sources)
        if course is not None:
            courses.append(course)
    if not courses and not report.problems:
        report.error(root, 1, "no course folders found")
    problems = tuple(sorted(report.problems, key=lambda p: (str(p.path), p.line)))
    return Catalogue(root=root, courses=tuple(courses), problems=problems)
