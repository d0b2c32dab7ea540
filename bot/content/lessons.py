"""Lesson files: front matter, the Markdown body and its checks, the picture, both languages."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

from bot.config import LOCALES, Locale
from bot.content.checks import unknown_commands
from bot.content.files import Report, YamlDoc, read_text, read_yaml, validate
from bot.content.models import SLUG, FrontMatter, Lesson, LessonText, Source
from bot.content.sources import SourceText, check_citation, normalize, uncited
from bot.text import markdown
from bot.text.visible import TEXT_LIMIT, screen_width, visible_length

ZH_MAX_CHARS = 1100
EN_MAX_WORDS = 650
MAX_PARTS = 3
PART_SCREEN = 1200  # about one phone screen, a Chinese character counting two
HEADER_ROOM = 400  # what a part is sent with: the lesson's header, an intro, the resume note
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


def _source_room(sources: tuple[Source, ...] | list[Source]) -> int:
    """Room the one-line source under the last part takes (its words, its label, separators)."""
    return sum(len(source.title) + 4 for source in sources) + 20 if sources else 0


def _check_parts(
    path: Path,
    body_line: int,
    parts: list[markdown.Part],
    sources: tuple[Source, ...] | list[Source],
    report: Report,
) -> None:
    """Each part fits a phone screen (a warning) and, as sent, one Telegram message (an error)."""
    count = len(parts)
    if count > MAX_PARTS:
        report.warn(path, body_line, f"{count} parts: two or three read best on a phone")
    for number, part in enumerate(parts, 1):
        line = body_line + part.line
        width = screen_width(part.html)
        if width > PART_SCREEN:
            report.warn(
                path,
                line,
                f"part {number} of {count} is longer than a phone screen: {width} characters "
                f"(aim for at most {PART_SCREEN}, a Chinese character counting two); "
                "move or add a --- line",
            )
        sent = visible_length(part.html) + HEADER_ROOM
        sent += _source_room(sources) if number == count else 0
        if sent > TEXT_LIMIT:
            report.error(
                path,
                line,
                f"part {number} cannot fit one Telegram message: {sent} characters with the "
                f"lesson's header{' and source line' if number == count else ''} "
                f"(at most {TEXT_LIMIT})",
            )


def _check_commands(
    path: Path, body_line: int, body: str, commands: Collection[str] | None, report: Report
) -> None:
    if commands is None:
        return
    for offset, text in enumerate(body.split("\n")):
        for name in unknown_commands(text, commands):
            report.error(path, body_line + offset, unknown_command(name))


def _check_claims(
    doc: YamlDoc,
    locale: Locale,
    body_line: int,
    parts: list[markdown.Part],
    front: FrontMatter,
    sources: Mapping[str, SourceText],
) -> list[tuple[int, str]]:
    """Claims that misquote their part or source, and source words a part uses uncited."""
    found: list[tuple[int, str]] = []
    plain = [markdown.plain_text(part.html) for part in parts]
    for index, claim in enumerate(front.claims):
        line = doc.line(("claims", index))
        if claim.part > len(parts):
            found.append((line, f"claims[{index}].part: the lesson has {len(parts)} parts"))
            continue
        if normalize(claim.says) not in normalize(plain[claim.part - 1]):
            found.append((line, f"claims[{index}]: part {claim.part} does not say “{claim.says}”"))
        found += [
            (line, f"claims[{index}]: {m}") for m in check_citation(claim, sources, [claim.says])
        ]
    for number, (part, text) in enumerate(zip(parts, plain, strict=True), 1):
        said = [claim.says for claim in front.claims if claim.part == number]
        for word in uncited(text, said, sources, locale):
            found.append(
                (
                    body_line + part.line,
                    f"part {number} says “{word}”, which comes from a source, with no claim "
                    "citing it (`claims:` in the front matter)",
                )
            )
    return found


def unknown_command(name: str) -> str:
    """The problem of a text naming a command the bot does not register."""
    return f"/{name} is not a command of this bot; name one it has (/help lists them)"


def _load_lesson_text(
    path: Path,
    locale: Locale,
    folder: Path,
    report: Report,
    commands: Collection[str] | None,
    sources: Mapping[str, SourceText],
) -> LessonText | None:
    text = read_text(path, report)
    split = _split_front_matter(path, text, report) if text is not None else None
    if split is None:
        return None
    header, body, body_line = split
    doc = read_yaml(path, header, report, offset=1)
    front = validate(FrontMatter, doc, report) if doc else None
    if not body.strip():
        report.error(path, body_line, "the lesson has no body")
    parts, findings = markdown.check(body)
    for finding in findings:
        line = body_line + finding.line
        (report.error if finding.severity == "error" else report.warn)(path, line, finding.message)
    _check_length(path, body_line, locale, "\n\n".join(part.html for part in parts), report)
    _check_parts(path, body_line, parts, front.sources if front else [], report)
    _check_commands(path, body_line, body, commands, report)
    if front is None or doc is None:
        return None
    for line, message in _check_claims(doc, locale, body_line, parts, front, sources):
        report.error(path, line, message)
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


def _localized_pair(zh: str, en: str) -> bool:
    """``images/x.zh.png`` and ``images/x.en.png``: one picture drawn in each language."""
    return zh.replace(".zh.", ".en.") == en


def _compare(paths: dict[str, Path], zh: LessonText, en: LessonText, report: Report) -> None:
    """The two languages show the same picture and break into the same number of parts."""
    if zh.image != en.image and not (zh.image and en.image and _localized_pair(zh.image, en.image)):
        report.warn(paths["en"], 1, "the zh and en versions show different images")
    zh_parts, en_parts = len(markdown.parts(zh.body)), len(markdown.parts(en.body))
    if zh_parts != en_parts:
        report.warn(
            paths["en"],
            1,
            f"the zh version has {zh_parts} parts and the en version {en_parts}: progress is "
            "kept per part, so break both at the same places",
        )


def load_lessons(
    folder: Path,
    files: dict[str, dict[str, Path]],
    report: Report,
    commands: Collection[str] | None = None,
    sources: Mapping[str, SourceText] | None = None,
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
            locale: _load_lesson_text(
                paths[locale], locale, folder, report, commands, sources or {}
            )
            for locale in LOCALES
            if locale in paths
        }
        zh, en = texts.get("zh"), texts.get("en")
        if zh is None or en is None:
            continue
        _compare(paths, zh, en, report)
        lessons.append(Lesson(key=key, position=position, zh=zh, en=en))
    return tuple(lessons)
