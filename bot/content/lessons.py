"""Lesson files: front matter, the Markdown body and its checks, the picture, both languages."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import LOCALES
from bot.content.files import Report, read_text, read_yaml, validate
from bot.content.models import SLUG, FrontMatter, Lesson, LessonText
from bot.text import markdown

ZH_MAX_CHARS = 1100
EN_MAX_WORDS = 650
PHOTO_MAX_BYTES = 10 * 1024 * 1024
LESSON_FILE = re.compile(rf"^((\d{{2}})-{SLUG})\.(zh|en)\.md$")
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _split_front_matter(path: Path, text: str, report: Report) -> tuple[str, str, int] | None:
    """Front matter, body and the file line (1-based) the body starts on."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        report.error(path, 1, "a lesson starts with front matter between two --- lines")
        return None
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if closing is None:
        report.error(path, 1, "the front matter is not closed with a --- line")
        return None
    return "\n".join(lines[1:closing]), "\n".join(lines[closing + 1 :]), closing + 2


def _check_length(path: Path, line: int, locale: str, rendered: str, report: Report) -> None:
    plain = markdown.plain_text(rendered)
    if locale == "zh":
        chars = len("".join(plain.split()))
        if chars > ZH_MAX_CHARS:
            report.error(
                path,
                line,
                f"lesson too long for a phone: {chars} characters (at most {ZH_MAX_CHARS})",
            )
    else:
        words = len(plain.split())
        if words > EN_MAX_WORDS:
            report.error(
                path, line, f"lesson too long for a phone: {words} words (at most {EN_MAX_WORDS})"
            )


def _check_image(path: Path, line: int, folder: Path, image: str, report: Report) -> str | None:
    """The image's path relative to the content root, or ``None`` when it cannot be sent."""
    target = (folder / image).resolve()
    if not target.is_relative_to(folder.resolve()):
        report.error(path, line, f"image must be inside the course folder: {image}")
        return None
    if not target.is_file():
        report.error(path, line, f"unknown image: {image} not found in {folder.name}/")
        return None
    with target.open("rb") as handle:
        head = handle.read(8)
    if not head.startswith(IMAGE_SIGNATURES):
        report.error(path, line, f"image must be a PNG or JPEG file: {image}")
        return None
    if target.stat().st_size > PHOTO_MAX_BYTES:
        report.error(path, line, f"image over Telegram's 10 MB photo limit: {image}")
        return None
    return f"{folder.name}/{Path(image).as_posix()}"


def _load_lesson_text(path: Path, locale: str, folder: Path, report: Report) -> LessonText | None:
    text = read_text(path, report)
    parts = _split_front_matter(path, text, report) if text is not None else None
    if parts is None:
        return None
    header, body, body_line = parts
    doc = read_yaml(path, header, report, offset=1)
    front = validate(FrontMatter, doc, report) if doc else None
    if not body.strip():
        report.error(path, body_line, "the lesson has no body")
    rendered, findings = markdown.check(body)
    for finding in findings:
        line = body_line + finding.line
        (report.error if finding.severity == "error" else report.warn)(path, line, finding.message)
    _check_length(path, body_line, locale, rendered, report)
    if front is None or doc is None:
        return None
    if front.minutes is None:
        report.warn(path, doc.line(()), "no `minutes:` reading-time estimate")
    if not front.sources and _YEAR.search(body):
        report.warn(path, body_line, "mentions a year but names no `sources`")
    image = (
        _check_image(path, doc.line(("image",)), folder, front.image, report)
        if front.image
        else None
    )
    return LessonText(
        title=front.title,
        minutes=front.minutes,
        image=image,
        sources=tuple(front.sources),
        body=body.strip(),
    )


def lesson_files(folder: Path, report: Report) -> dict[str, dict[str, Path]]:
    """The course's lesson files by ``NN-slug`` and language; misnamed files are reported."""
    found: dict[str, dict[str, Path]] = {}
    directory = folder / "lessons"
    if not directory.is_dir():
        report.error(folder / "course.yaml", 1, "no lessons/ folder in this course")
        return found
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        match = LESSON_FILE.match(path.name)
        if match is None:
            report.error(
                path, 1, "a lesson file is named like 01-some-slug.zh.md or 01-some-slug.en.md"
            )
            continue
        found.setdefault(match.group(1), {})[match.group(3)] = path
    return found


def load_lessons(
    folder: Path, files: dict[str, dict[str, Path]], report: Report
) -> tuple[Lesson, ...]:
    """Every lesson present and valid in both languages, in file order."""
    lessons = []
    positions: dict[int, str] = {}
    for key, paths in files.items():
        for locale in LOCALES:
            if locale not in paths:
                other = next(iter(paths.values()))
                report.error(other, 1, f"missing translation: {key}.{locale}.md not found")
        position = int(key[:2])
        if position in positions:
            first = next(iter(paths.values()))
            report.error(
                first, 1, f"two lessons numbered {key[:2]}: {positions[position]} and {key}"
            )
        positions[position] = key
        texts = {
            locale: _load_lesson_text(path, locale, folder, report)
            for locale, path in paths.items()
        }
        zh, en = texts.get("zh"), texts.get("en")
        if zh is None or en is None:
            continue
        if zh.image != en.image:
            report.warn(paths["en"], 1, "the zh and en versions show different images")
        lessons.append(Lesson(key=key, position=position, zh=zh, en=en))
    return tuple(lessons)
