"""Content checks: lessons in parts, commands lessons name, quiz answers that give themselves away.

Each check is shown failing on a small course written for the purpose.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import handlers
from bot.cli.content import app as content_cli
from bot.content import load
from bot.text import markdown
from tests.test_content import LESSON, RIGHT, WRONG, messages, quiz_question, write_course

COMMANDS = handlers.command_names()


def write_lesson(course: Path, language: str, body: str, key: str = "01-first") -> Path:
    """Replace one lesson file of ``course``; returns its path."""
    path = course / "lessons" / f"{key}.{language}.md"
    path.write_text(LESSON.format(title=f"Lesson {language}", body=body), encoding="utf-8")
    return path


def test_a_line_of_three_dashes_separates_parts() -> None:
    """`---` between paragraphs ends one part; each part is rendered on its own."""
    assert markdown.parts("First **part**.\n\n---\n\nSecond part.\n\n- a\n- b") == (
        "First <b>part</b>.",
        "Second part.\n\n• a\n• b",
    )
    assert markdown.to_html("One.\n\n---\n\nTwo.") == "One.\n\nTwo."


def test_a_part_too_long_for_a_phone_is_a_warning_and_for_telegram_an_error(
    tmp_path: Path,
) -> None:
    """Over a phone screen draws a warning; over one Telegram message with its header, an error."""
    course = write_course(tmp_path)
    screen = " ".join(["word"] * 300)  # 1,499 characters
    en = write_lesson(course, "en", f"{screen}\n\n---\n\nShort end.")
    found = messages(tmp_path)
    assert any(
        m.startswith(f"{en}:5: warning: part 1 of 2 is longer than a phone screen: 1499")
        for m in found
    )
    paragraph = " ".join(["abcdefghij"] * 85)  # 934 characters, under the paragraph warning
    write_lesson(course, "en", "\n\n".join([paragraph] * 4) + "\n\n---\n\nShort end.")
    found = messages(tmp_path)
    assert any(
        m.startswith(f"{en}:5: part 1 cannot fit one Telegram message: 4142 characters")
        for m in found
    )


def test_empty_parts_and_a_dash_line_under_text_are_errors(tmp_path: Path) -> None:
    """Two `---` in a row leave an empty part; `---` right under a line makes it a heading."""
    course = write_course(tmp_path)
    en = write_lesson(course, "en", "One.\n\n---\n\n---\n\nTwo.")
    zh = write_lesson(course, "zh", "第一段。\n---\n\n第二段。")
    found = messages(tmp_path)
    assert any(m.startswith(f"{en}:9: an empty part") for m in found)
    heading = f"{zh}:5: a line of text with --- or === right under it"
    assert any(m.startswith(heading) for m in found)


def test_languages_with_different_parts_and_too_many_parts_draw_warnings(tmp_path: Path) -> None:
    """Progress is kept per part, so zh and en break alike; four parts are one too many."""
    course = write_course(tmp_path)
    en = write_lesson(course, "en", "One.\n\n---\n\nTwo.\n\n---\n\nThree.\n\n---\n\nFour.")
    found = messages(tmp_path)
    assert f"{en}:5: warning: 4 parts: two or three read best on a phone" in found
    assert (
        f"{en}:1: warning: the zh version has 1 parts and the en version 4: progress is kept "
        "per part, so break both at the same places" in found
    )


def test_a_command_the_bot_does_not_have_is_an_error(tmp_path: Path) -> None:
    """Lessons and quizzes may name /ask or /experts, not a button or command that isn't there."""
    course = write_course(tmp_path)
    en = write_lesson(course, "en", "Send /ask, or see /experts.\n\nThen press /askexpert.")
    write_lesson(course, "zh", "先做好挂牌上锁（lockout/tagout），再发送/ask。")
    quiz = course / "quiz.yaml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace('"问题q3"', '"问题q3：发 /directory 找专家"'),
        encoding="utf-8",
    )
    found = [str(problem) for problem in load(tmp_path, commands=COMMANDS).problems]
    message = "is not a command of this bot; name one it has (/help lists them)"
    assert found == [f"{en}:7: /askexpert {message}", f"{quiz}:21: /directory {message}"]
    assert messages(tmp_path) == []  # without the list of commands, nothing is checked


def test_the_validate_command_checks_the_bots_real_commands(tmp_path: Path) -> None:
    """`engage content validate` fails a lesson that tells people to send /nosuch."""
    course = write_course(tmp_path)
    write_lesson(course, "en", "Send /learn to begin.")
    runner = CliRunner()
    assert runner.invoke(content_cli, ["validate", str(tmp_path)]).exit_code == 0
    write_lesson(course, "en", "Send /nosuch to begin.")
    failed = runner.invoke(content_cli, ["validate", str(tmp_path)])
    assert failed.exit_code == 1
    assert "/nosuch is not a command of this bot" in failed.output


def test_right_answers_that_are_always_the_longest_draw_a_warning(tmp_path: Path) -> None:
    """When the right option is the longest in most questions, a learner can guess by length."""
    course = write_course(tmp_path)
    longer = '      - {zh: "对，而且理由充分", en: "Right, and for good reasons", correct: true}\n'
    questions = [quiz_question(n, (longer + WRONG) if n % 2 else (WRONG + longer)) for n in (1, 2)]
    questions += [quiz_question(n, WRONG + longer) for n in (3, 4)]
    questions += [quiz_question(5)]
    (course / "quiz.yaml").write_text("questions:\n" + "".join(questions), encoding="utf-8")
    quiz = course / "quiz.yaml"
    found = messages(tmp_path)
    for locale in ("zh", "en"):
        assert (
            f"{quiz}:2: warning: the right answer is the longest option in 4 of 5 questions "
            f"({locale}): make some wrong options as long and as plausible" in found
        )


def test_right_answers_always_in_the_same_place_draw_a_warning(tmp_path: Path) -> None:
    """When the file puts the right option first in most questions, it says so."""
    course = write_course(tmp_path)
    questions = [quiz_question(n, RIGHT + WRONG) for n in range(1, 5)]
    questions += [quiz_question(5, WRONG + RIGHT)]
    (course / "quiz.yaml").write_text("questions:\n" + "".join(questions), encoding="utf-8")
    found = messages(tmp_path)
    assert (
        f"{course / 'quiz.yaml'}:2: warning: as written, the right options come first in 4 of 5 "
        "questions: vary where the file puts them" in found
    )


def test_a_picture_drawn_in_each_language_is_not_a_different_image(tmp_path: Path) -> None:
    """`x.zh.png` and `x.en.png` are one picture in two languages; two unrelated ones warn."""
    course = write_course(tmp_path)
    (course / "images").mkdir()
    png = b"\x89PNG\r\n\x1a\n" + bytes(16)
    for name in ("board.zh.png", "board.en.png", "other.png"):
        (course / "images" / name).write_bytes(png)
    for language in ("zh", "en"):
        path = course / "lessons" / f"01-first.{language}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("minutes:", f"image: images/board.{language}.png\nminutes:"))
    assert messages(tmp_path) == []
    en = course / "lessons" / "01-first.en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("board.en.png", "other.png"))
    assert f"{en}:1: warning: the zh and en versions show different images" in messages(tmp_path)
