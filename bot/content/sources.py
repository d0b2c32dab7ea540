"""The campaign's sources, kept in ``content/sources/``, and the claims content makes on them.

A source is a verbatim text (``<id>.txt``) with a description of where it comes from
(``<id>.yaml``) and the words that mark a statement as drawn from it (names, figures). A lesson
part or a quiz question that uses such a word cites the source: it names the words it says,
the line of the text that backs them and words of that line. Nothing outside the content
folder is read, so an installed bot carries its sources with its lessons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import Locale
from bot.content.files import Report, read_text, read_yaml, validate
from bot.content.models import Citation, SourceFile

SOURCES_FOLDER = "sources"
_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?|[一二两三四五六七八九十])(万?)")
_WORDS = {
    word: number
    for number, word in enumerate(
        ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"), 2
    )
}  # "one" is left out: "one of them" is seldom a figure
_CN_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


@dataclass(frozen=True, slots=True)
class SourceText:
    """One source: its description and its lines, numbered from 1 as an editor shows them."""

    key: str
    path: Path
    about: SourceFile
    lines: tuple[str, ...]


def normalize(text: str) -> str:
    """Text compared the way a reader compares it: case and runs of spaces ignored."""
    return " ".join(text.replace("’", "'").split()).casefold()


def numbers(text: str) -> set[float]:
    """The numbers written in ``text``: digits (with thousands commas), 万, English number words."""
    found: set[float] = set()
    for digits, wan in _NUMBER.findall(text):
        if digits in _CN_DIGITS and not wan:
            continue  # 一 alone is a word (一线, 一批), not a figure
        value = (
            float(_CN_DIGITS[digits]) if digits in _CN_DIGITS else float(digits.replace(",", ""))
        )
        found.add(value * 10000 if wan else value)
    found.update(float(_WORDS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in _WORDS)
    return found


def load_sources(root: Path, report: Report) -> dict[str, SourceText]:
    """Every source under ``root/sources``, by id; broken ones are reported and left out."""
    folder = root / SOURCES_FOLDER
    found: dict[str, SourceText] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.yaml")):
        text = read_text(path, report)
        doc = read_yaml(path, text, report) if text is not None else None
        about = validate(SourceFile, doc, report) if doc else None
        if about is None:
            continue
        body_path = path.with_suffix(".txt")
        if not body_path.is_file():
            report.error(path, 1, f"the source's text {body_path.name} is missing")
            continue
        body = read_text(body_path, report)
        if body is not None:
            found[path.stem] = SourceText(path.stem, body_path, about, tuple(body.split("\n")))
    return found


def check_citation(
    citation: Citation, sources: Mapping[str, SourceText], says: Iterable[str]
) -> list[str]:
    """What is wrong with ``citation`` backing the words ``says``; empty when it holds."""
    source = sources.get(citation.source)
    if source is None:
        known = ", ".join(sorted(sources)) or "none"
        return [f"no source {citation.source!r} in content/sources/ (known: {known})"]
    if citation.line > len(source.lines) or not source.lines[citation.line - 1].strip():
        return [f"{source.path.name} has no passage at line {citation.line}"]
    passage = source.lines[citation.line - 1]
    if normalize(citation.quote) not in normalize(passage):
        return [f"line {citation.line} of {source.path.name} does not say “{citation.quote}”"]
    problems = []
    backed = numbers(citation.quote)
    for words in says:
        missing = sorted(numbers(words) - backed)
        if missing:
            shown = ", ".join(f"{n:g}" for n in missing)
            problems.append(
                f"“{words}” gives {shown}, which the quoted words of {source.path.name} "
                f"line {citation.line} do not: keep the source's figures"
            )
    return problems


def markers(sources: Mapping[str, SourceText], locale: Locale) -> dict[str, str]:
    """Each word that marks a statement as drawn from a source, and that source's id."""
    return {
        word: key for key, source in sources.items() for word in source.about.markers.text(locale)
    }


def uncited(
    text: str, said: Iterable[str], sources: Mapping[str, SourceText], locale: Locale
) -> list[str]:
    """The marker words in ``text`` that no claim's ``said`` words contain."""
    covered = normalize(" ".join(said))
    plain = normalize(text)
    return [
        word
        for word in markers(sources, locale)
        if normalize(word) in plain and normalize(word) not in covered
    ]
