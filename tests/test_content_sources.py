"""Content cites the campaign's sources by line: a claim must quote its line and keep its figures.

The sources live inside the content folder (``content/sources/``), so the shipped courses and an
installed bot carry them; each check is shown failing on a small course written for it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from bot.cli.content import app as content_cli
from bot.content import load
from tests.conftest import CONTENT
from tests.test_content import messages, write_course

SOURCE_TEXT = "A report\n\nBy the end of 2026, the rate will reach about 80%.\n"
SOURCE_ABOUT = """title: "A report"
publication: "A paper"
date: 2024-05-27
language: en
origin: "written for this test"
markers: {zh: ["80%"], en: ["80%"]}
"""
CLAIMED = """---
title: Lesson {locale}
minutes: 3
claims:
  - part: 1
    says: "{says}"
    source: report
    line: {line}
    quote: "{quote}"
---
{body}
"""


def write_source(root: Path) -> None:
    """A one-paragraph source ``report`` with the marker word ``80%``."""
    folder = root / "sources"
    folder.mkdir()
    (folder / "report.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    (folder / "report.yaml").write_text(SOURCE_ABOUT, encoding="utf-8")


def claim_lesson(
    course: Path,
    locale: str,
    *,
    body: str,
    says: str,
    line: int = 3,
    quote: str = "will reach about 80%",
) -> Path:
    """Rewrite lesson 01 in ``locale`` with one claim on its first part."""
    path = course / "lessons" / f"01-first.{locale}.md"
    text = CLAIMED.format(locale=locale, says=says, line=line, quote=quote, body=body)
    path.write_text(text, encoding="utf-8")
    return path


def cite_both(course: Path) -> None:
    """Lesson 01 says the source's 80% in both languages, each citing line 3."""
    claim_lesson(course, "zh", body="创建率达到80%左右。", says="创建率达到80%左右")
    claim_lesson(course, "en", body="The rate should reach about 80%.", says="about 80%")


def test_shipped_sources_sit_inside_the_content_folder() -> None:
    """The report is kept verbatim under content/sources/ with where it comes from."""
    about = yaml.safe_load((CONTENT / "sources" / "workers-daily-2024-05-27.yaml").read_text())
    text = (CONTENT / "sources" / "workers-daily-2024-05-27.txt").read_text(encoding="utf-8")
    assert about["publication"].startswith("Workers' Daily")
    assert "will reach about 80%" in text.split("\n")[11]
    assert all(course.folder != "sources" for course in load(CONTENT).courses)


def test_the_studio_target_is_cited_in_both_languages_as_a_creation_rate() -> None:
    """The 80 % by 2026 is the studios' creation rate, cited to line 12 in zh and in en."""
    lessons = CONTENT / "01-model-worker-spirit" / "lessons"
    for locale in ("zh", "en"):
        text = (lessons / f"04-shaanxi-campaign.{locale}.md").read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
        target = [c for c in front["claims"] if "80%" in c["says"]]
        assert target, locale
        assert target[0]["line"] == 12
        assert "creation rate" in target[0]["quote"]
    assert "should have one" not in (lessons / "04-shaanxi-campaign.en.md").read_text()


def test_a_claim_that_quotes_its_line_passes(tmp_path: Path) -> None:
    """A part saying the source's figure, citing the line that says it, is valid."""
    write_source(tmp_path)
    cite_both(write_course(tmp_path))
    assert messages(tmp_path) == []


def test_a_source_word_without_a_claim_is_an_error(tmp_path: Path) -> None:
    """A part using a figure of a source, with no claim, is refused."""
    write_source(tmp_path)
    course = write_course(tmp_path)
    cite_both(course)
    path = course / "lessons" / "02-second.en.md"
    path.write_text("---\ntitle: Two\nminutes: 3\n---\nAbout 80% will have one.\n", "utf-8")
    assert any(
        m.startswith(f"{path}:5: part 1 says “80%”, which comes from a source")
        for m in messages(tmp_path)
    )


def test_a_claim_whose_line_does_not_say_its_quote_is_an_error(tmp_path: Path) -> None:
    """A quote missing from the cited line, a line that is blank or absent, an unknown source."""
    write_source(tmp_path)
    course = write_course(tmp_path)
    cite_both(course)
    en = claim_lesson(
        course,
        "en",
        body="About 80%, every worker.",
        says="About 80%",
        quote="every worker has one",
    )
    assert f"{en}:5: claims[0]: line 3 of report.txt does not say “every worker has one”" in (
        messages(tmp_path)
    )
    claim_lesson(course, "en", body="About 80%.", says="About 80%", line=2)
    assert f"{en}:5: claims[0]: report.txt has no passage at line 2" in messages(tmp_path)
    (tmp_path / "sources" / "report.yaml").rename(tmp_path / "sources" / "other.yaml")
    (tmp_path / "sources" / "report.txt").rename(tmp_path / "sources" / "other.txt")
    found = messages(tmp_path)
    assert any(m.startswith(f"{en}:5: claims[0]: no source 'report'") for m in found)


def test_a_claim_that_changes_the_sources_figure_is_an_error(tmp_path: Path) -> None:
    """Saying 90 % or 2025 where the cited words say 80 % by 2026 is refused."""
    write_source(tmp_path)
    course = write_course(tmp_path)
    cite_both(course)
    zh = claim_lesson(course, "zh", body="到2025年底达到80%。", says="到2025年底达到80%")
    found = messages(tmp_path)
    assert any(m.startswith(f"{zh}:5: claims[0]: “到2025年底达到80%” gives 2025") for m in found)


def test_a_claim_must_be_in_the_part_it_names(tmp_path: Path) -> None:
    """The claim's words must be the part's own; a claim on a part that does not exist fails."""
    write_source(tmp_path)
    course = write_course(tmp_path)
    cite_both(course)
    en = claim_lesson(course, "en", body="About 80% of them.", says="about 80% by 2026")
    assert f"{en}:5: claims[0]: part 1 does not say “about 80% by 2026”" in messages(tmp_path)


def test_a_question_cites_its_answer_in_both_languages(tmp_path: Path) -> None:
    """A question whose answer uses a source's figure needs a claim saying it in zh and en."""
    write_source(tmp_path)
    course = write_course(tmp_path)
    cite_both(course)
    quiz = course / "quiz.yaml"
    question = (
        "  - id: q6\n    kind: single\n    lesson: 01-first\n"
        '    text: {zh: "目标是多少？", en: "What is the target?"}\n'
        "    options:\n"
        '      - {zh: "80%左右", en: "About 80%", correct: true}\n'
        '      - {zh: "全部", en: "All of them"}\n'
        '    explanation: {zh: "报道这样说。", en: "The report says so."}\n'
    )
    quiz.write_text(quiz.read_text() + question, encoding="utf-8")
    found = messages(tmp_path)
    assert any("questions[5] says “80%” (zh)" in m for m in found)
    assert any("questions[5] says “80%” (en)" in m for m in found)
    claim = (
        "    claims:\n"
        '      - says: {zh: "80%左右", en: "About 80%"}\n'
        "        source: report\n        line: 3\n        quote: about 80%\n"
    )
    quiz.write_text(quiz.read_text() + claim, encoding="utf-8")
    assert messages(tmp_path) == []
    quiz.write_text(quiz.read_text().replace("line: 3", "line: 1"), encoding="utf-8")
    assert any("line 1 of report.txt does not say “about 80%”" in m for m in messages(tmp_path))


def test_validate_refuses_a_misquoted_claim(tmp_path: Path) -> None:
    """`engage content validate` (and so `sync`) exits 1 on a claim its source does not back."""
    write_source(tmp_path)
    course = write_course(tmp_path)
    cite_both(course)
    claim_lesson(course, "en", body="About 80%.", says="About 80%", quote="about 90%")
    result = CliRunner().invoke(content_cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not say “about 90%”" in result.output
