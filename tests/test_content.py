"""Content: shipped files are valid, broken ones are reported by line, sync is idempotent."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

import handlers
from bot.cli.content import app as content_cli
from bot.content import content_root, load
from bot.models.learning import Lesson, QuizQuestion
from bot.services import Services
from bot.text import markdown
from tests.conftest import CONTENT, make_settings

LESSON = """---
title: {title}
minutes: 3
---
{body}
"""
QUIZ_QUESTION = """  - id: {id}
    kind: single
    lesson: 01-first
    text: {{zh: "问题{id}", en: "Question {id}"}}
    options:
{options}
    explanation: {{zh: "因为如此。", en: "Because."}}
"""
RIGHT = '      - {zh: "对", en: "Right", correct: true}\n'
WRONG = '      - {zh: "错", en: "Wrong"}\n'


def quiz_question(number: int, options: str | None = None) -> str:
    """A quiz entry ``q<number>``; by default its right answer is first or second in turn."""
    default = RIGHT + WRONG if number % 2 else WRONG + RIGHT
    return QUIZ_QUESTION.format(id=f"q{number}", options=(options or default).rstrip("\n"))


def write_course(root: Path, folder: str = "01-demo", slug: str = "demo", lessons: int = 2) -> Path:
    """A small valid course in ``root``; returns its folder."""
    course = root / folder
    (course / "lessons").mkdir(parents=True)
    (course / "course.yaml").write_text(
        f"slug: {slug}\ntheme: safety\naudience: all\n"
        'title: {zh: "演示课程", en: "Demo course"}\n'
        'description: {zh: "一门演示课程。", en: "A demo course."}\n',
        encoding="utf-8",
    )
    names = ["first", "second", "third", "fourth"][:lessons]
    for number, name in enumerate(names, 1):
        key = f"{number:02d}-{name}"
        (course / "lessons" / f"{key}.zh.md").write_text(
            LESSON.format(title=f"第{number}课", body="这是正文。\n\n**要点**：先想后做。"),
            encoding="utf-8",
        )
        (course / "lessons" / f"{key}.en.md").write_text(
            LESSON.format(
                title=f"Lesson {number}", body="This is the body.\n\n**Key point:** think first."
            ),
            encoding="utf-8",
        )
    quiz = "questions:\n" + "".join(quiz_question(i) for i in range(1, 6))
    (course / "quiz.yaml").write_text(quiz, encoding="utf-8")
    return course


def messages(root: Path) -> list[str]:
    """Every problem ``load`` finds, as printed."""
    return [str(problem) for problem in load(root).problems]


def test_shipped_content_is_valid_and_complete() -> None:
    """Checked against the bot's own commands, the shipped courses have no error or warning."""
    catalogue = load(CONTENT, commands=handlers.command_names())
    assert [str(problem) for problem in catalogue.problems] == []
    assert len(catalogue.courses) >= 4
    assert catalogue.lesson_count >= 16
    assert all(len(course.questions) >= 5 for course in catalogue.courses)


def test_every_shipped_lesson_comes_in_two_or_three_parts_in_both_languages() -> None:
    """Each lesson breaks into 2–3 parts, the same number in Chinese and English."""
    for course in load(CONTENT).courses:
        for lesson in course.lessons:
            counts = {len(markdown.parts(text.body)) for text in (lesson.zh, lesson.en)}
            assert len(counts) == 1, lesson.key
            assert counts <= {2, 3}, lesson.key


def test_every_shipped_lesson_renders_to_telegram_html_without_literal_markup() -> None:
    """No shipped lesson shows Markdown asterisks, and every one renders to tags Telegram knows."""
    for course in load(CONTENT).courses:
        for lesson in course.lessons:
            for text in (lesson.zh, lesson.en):
                rendered = markdown.to_html(text.body)
                assert "**" not in rendered
                assert "<h" not in rendered
                assert "<p>" not in rendered


def test_markdown_maps_to_telegram_tags_and_escapes_everything_else() -> None:
    """Headings turn bold, lists get markers, quotes and links survive, raw HTML shows as text."""
    rendered = markdown.to_html(
        "### Steps\n\n1. **Stop** the line\n2. Call *the* lead\n\n- a `code`\n\n"
        "> Safety first\n\nSee [the guide](https://example.org/?a=1&b=2) <script>x</script> & more"
    )
    assert rendered == (
        "<b>Steps</b>\n\n1. <b>Stop</b> the line\n2. Call <i>the</i> lead\n\n"
        "• a <code>code</code>\n\n"
        "<blockquote>Safety first</blockquote>\n\n"
        'See <a href="https://example.org/?a=1&amp;b=2">the guide</a> '
        "&lt;script&gt;x&lt;/script&gt; &amp; more"
    )


def test_a_valid_course_has_no_problems(tmp_path: Path) -> None:
    """The small course used by these tests is itself valid."""
    write_course(tmp_path)
    assert messages(tmp_path) == []


def test_broken_files_are_reported_as_file_and_line(tmp_path: Path) -> None:
    """A missing translation, bad quiz, unknown image and unrendered bold each name their line."""
    course = write_course(tmp_path)
    (course / "lessons" / "02-second.en.md").unlink()
    (course / "lessons" / "01-first.zh.md").write_text(
        "---\ntitle: 第一课\nminutes: 3\nimage: images/missing.png\n---\n"
        "正文第一段。\n\n**问题：**焊接返工多。\n",
        encoding="utf-8",
    )
    quiz = (course / "quiz.yaml").read_text(encoding="utf-8")
    quiz = quiz.replace(
        'explanation: {zh: "因为如此。", en: "Because."}', 'explanation: {zh: "因为如此。"}', 1
    )
    first, rest = quiz.split("lesson: 01-first", 1)
    quiz = first + "lesson: 01-first" + rest.replace("lesson: 01-first", "lesson: 09-nowhere", 1)
    (course / "quiz.yaml").write_text(quiz, encoding="utf-8")
    found = messages(tmp_path)
    lessons, quiz_path = course / "lessons", course / "quiz.yaml"
    assert (
        f"{lessons / '01-first.zh.md'}:4: unknown image: images/missing.png not found in 01-demo/"
        in found
    )
    assert any(
        m.startswith(f"{lessons / '01-first.zh.md'}:8: emphasis markers would show literally")
        for m in found
    )
    assert (
        f"{lessons / '02-second.zh.md'}:1: missing translation: 02-second.en.md not found" in found
    )
    assert f"{quiz_path}:12: questions[1].lesson: no lesson '09-nowhere' in this course" in found
    assert f"{quiz_path}:9: questions[0].explanation.en: missing en translation" in found


def test_quiz_and_length_rules(tmp_path: Path) -> None:
    """Two right answers to a single choice, too few questions, a too-long lesson: all errors."""
    course = write_course(tmp_path)
    quiz = "questions:\n" + "".join(quiz_question(i) for i in range(1, 5))
    quiz = quiz.replace('{zh: "错", en: "Wrong"}', '{zh: "错", en: "Wrong", correct: true}', 1)
    (course / "quiz.yaml").write_text(quiz, encoding="utf-8")
    (course / "lessons" / "01-first.en.md").write_text(
        LESSON.format(title="Lesson 1", body="word " * 700), encoding="utf-8"
    )
    found = messages(tmp_path)
    quiz_path = course / "quiz.yaml"
    assert (
        f"{quiz_path}:2: questions[0]: "
        "a single-choice question needs exactly one correct option, not 2" in found
    )
    assert f"{quiz_path}:2: a quiz needs at least 5 questions, not 4" in found
    assert (
        f"{course / 'lessons' / '01-first.en.md'}:5: "
        "lesson too long for a phone: 700 words (at most 650)" in found
    )


def test_yaml_syntax_error_points_at_its_line(tmp_path: Path) -> None:
    """Broken YAML in a lesson's front matter is reported at its line in the file, and only once."""
    course = write_course(tmp_path)
    (course / "lessons" / "01-first.en.md").write_text(
        "---\ntitle: Lesson 1\nminutes: [3\n---\nBody.\n", encoding="utf-8"
    )
    found = messages(tmp_path)
    assert len(found) == 1
    assert found[0].startswith(f"{course / 'lessons' / '01-first.en.md'}:3: YAML:")


def test_validate_command_prints_problems_and_exits_1(tmp_path: Path) -> None:
    """`engage content validate DIR` lists file:line problems and fails; good content passes."""
    course = write_course(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(content_cli, ["validate", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    (course / "lessons" / "01-first.en.md").write_text("no front matter\n", encoding="utf-8")
    failed = runner.invoke(content_cli, ["validate", str(tmp_path)])
    assert failed.exit_code == 1
    assert (
        f"{course / 'lessons' / '01-first.en.md'}:1: a lesson starts with front matter"
        in failed.output
    )


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Services on a fresh database, without a bot."""
    built = Services.build(make_settings(database_url))
    yield built
    await built.close()


async def test_sync_twice_changes_nothing(services: Services, tmp_path: Path) -> None:
    """The first sync creates every row; a second sync of the same files writes none."""
    first = await services.learning.sync(catalogue=load(CONTENT))
    catalogue = load(CONTENT)
    assert (
        first.created == len(catalogue.courses) + catalogue.lesson_count + catalogue.question_count
    )
    second = await services.learning.sync(catalogue=load(CONTENT))
    assert second.changed == 0
    assert second.unchanged == first.created


async def test_editing_a_lesson_keeps_progress_and_removing_retires(
    services: Services, tmp_path: Path
) -> None:
    """An edited lesson keeps its id and learners' completion; a removed one is retired."""
    root = tmp_path / "content"
    course = write_course(root, lessons=3)
    await services.learning.sync(catalogue=load(root))
    await services.users.seen(user_id=7, name="Learner")
    cards, _ = await services.learning.courses(user_id=7, locale="en")
    view = await services.learning.course(user_id=7, course_id=cards[0].id, locale="en")
    assert view is not None
    first_id, third_id = view.lessons[0].id, view.lessons[2].id
    await services.progress.complete(user_id=7, lesson_id=first_id)

    (course / "lessons" / "01-first.en.md").write_text(
        LESSON.format(title="Lesson 1, revised", body="A better body."), encoding="utf-8"
    )
    for language in ("zh", "en"):
        (course / "lessons" / f"03-third.{language}.md").unlink()
    report = await services.learning.sync(catalogue=load(root))
    assert (report.updated, report.retired, report.created) == (1, 1, 0)

    view = await services.learning.course(user_id=7, course_id=cards[0].id, locale="en")
    assert view is not None
    assert [(line.id, line.title, line.done) for line in view.lessons] == [
        (first_id, "Lesson 1, revised", True),
        (view.lessons[1].id, "Lesson 2", False),
    ]
    async with services.db.reader() as session:
        retired = await session.get(Lesson, third_id)
        assert retired is not None
        assert retired.retired_at is not None
    assert await services.lessons.open(user_id=7, lesson_id=third_id, locale="en") is None


async def test_removing_a_course_retires_its_lessons_and_questions(
    services: Services, tmp_path: Path
) -> None:
    """A removed course folder retires the course and all in it; putting it back revives it."""
    root = tmp_path / "content"
    course = write_course(root)
    write_course(root, folder="02-other", slug="other")
    await services.learning.sync(catalogue=load(root))
    moved = tmp_path / "aside"
    shutil.move(course, moved)
    report = await services.learning.sync(catalogue=load(root))
    assert report.retired == 1 + 2 + 5
    async with services.db.reader() as session:
        live = (
            await session.exec(select(QuizQuestion).where(col(QuizQuestion.retired_at).is_(None)))
        ).all()
        assert len(live) == 5
    shutil.move(moved, course)
    assert (await services.learning.sync(catalogue=load(root))).updated == 1 + 2 + 5


async def test_sync_refuses_content_with_errors(services: Services, tmp_path: Path) -> None:
    """Broken content never reaches the database."""
    course = write_course(tmp_path)
    (course / "quiz.yaml").unlink()
    with pytest.raises(ValueError, match="content errors"):
        await services.learning.sync(catalogue=load(tmp_path))


def test_a_missing_content_folder_falls_back_to_the_shipped_content(tmp_path: Path) -> None:
    """`engage run` started outside the checkout still finds the courses it came with."""
    found = content_root(tmp_path / "no-such-folder")
    assert (found / "01-model-worker-spirit").is_dir()
