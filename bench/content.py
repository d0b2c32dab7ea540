"""Content: syncing 1,000 generated lessons into the database, and rendering the shipped catalogue.

Sync is timed twice on the same database: the first run inserts every course, lesson and
question; the second, with the same files, must find nothing to write. Rendering is the
Markdown → Telegram HTML conversion plus the split into messages, for every shipped lesson in
both languages, with the render cache cleared before each round.

    python bench/content.py [--lessons 1000] [--rounds 20] [--postgres postgresql+asyncpg://…/db]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, scratch_database
from bot.config import load_settings
from bot.content import Catalogue, load
from bot.db import Database
from bot.render import split_text
from bot.services import Services
from bot.services.learning.sync import SyncReport
from bot.text import markdown

CONTENT = Path(__file__).resolve().parents[1] / "content"
LESSONS_PER_COURSE = 20
ZH_PARAGRAPH = (
    "班前五分钟，先看设备状态，再查劳保用品，最后确认作业票。发现隐患立刻报告，不要带病作业。"
)
EN_PARAGRAPH = (
    "Spend five minutes before the shift on the machine, the protective gear and the work "
    "permit. Report a hazard at once, and never start work on equipment you are unsure of."
)


def _lesson(title: str, paragraph: str, index: int) -> str:
    body = "\n\n".join(
        [f"### {title}", *(paragraph for _ in range(5)), f"- **{index}** item\n- another"]
    )
    return f"---\ntitle: {title}\nminutes: 3\n---\n{body}\n"


def _quiz(first_lesson: str) -> str:
    question = (
        "  - id: q{n}\n    kind: single\n    lesson: {lesson}\n"
        '    text: {{zh: "第{n}题", en: "Question {n}"}}\n    options:\n'
        '      - {{zh: "对", en: "Right", correct: true}}\n      - {{zh: "错", en: "Wrong"}}\n'
        '    explanation: {{zh: "因为如此。", en: "Because."}}\n'
    )
    return "questions:\n" + "".join(question.format(n=n, lesson=first_lesson) for n in range(1, 6))


def generate(root: Path, lessons: int) -> None:
    """Write ``lessons`` lessons (both languages) in courses of 20, each course with a quiz."""
    courses = -(-lessons // LESSONS_PER_COURSE)
    for c in range(courses):
        folder = root / f"{c + 1:02d}-course-{c + 1}"
        (folder / "lessons").mkdir(parents=True)
        (folder / "course.yaml").write_text(
            f"slug: course-{c + 1}\ntheme: safety\naudience: all\n"
            f'title: {{zh: "课程{c + 1}", en: "Course {c + 1}"}}\n'
            f'description: {{zh: "第{c + 1}门课。", en: "Course number {c + 1}."}}\n',
            encoding="utf-8",
        )
        count = min(LESSONS_PER_COURSE, lessons - c * LESSONS_PER_COURSE)
        for n in range(1, count + 1):
            key = f"{n:02d}-lesson-{n}"
            zh = _lesson(f"第{n}课", ZH_PARAGRAPH, n)
            (folder / "lessons" / f"{key}.zh.md").write_text(zh, encoding="utf-8")
            en = _lesson(f"Lesson {n}", EN_PARAGRAPH, n)
            (folder / "lessons" / f"{key}.en.md").write_text(en, encoding="utf-8")
        (folder / "quiz.yaml").write_text(_quiz("01-lesson-1"), encoding="utf-8")


async def _postgres(server: str) -> tuple[str, str]:
    """A fresh, migrated PostgreSQL database on ``server``; its URL and name."""
    import asyncpg  # type: ignore[import-untyped]

    name = f"engage_bench_{int(time.time())}"
    admin = await asyncpg.connect(server.replace("postgresql+asyncpg", "postgresql"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = server.rsplit("/", 1)[0] + f"/{name}"
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    return url, name


async def _drop(server: str, name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(server.replace("postgresql+asyncpg", "postgresql"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def time_sync(url: str, catalogue: Catalogue) -> list[tuple[float, SyncReport]]:
    """Sync ``catalogue`` twice into the database at ``url``; seconds and report of each run."""
    db = Database(url)
    service = Services.build(load_settings(database_url=url, content_dir=CONTENT), db=db).learning
    runs = []
    try:
        for _ in range(2):
            started = time.perf_counter()
            report = await service.sync(catalogue=catalogue)
            runs.append((time.perf_counter() - started, report))
    finally:
        await db.dispose()
    return runs


def time_render(catalogue: Catalogue, rounds: int) -> tuple[float, int, int]:
    """Median milliseconds to render and split every lesson of ``catalogue`` in both languages."""
    timings, messages, texts = [], 0, 0
    for _ in range(rounds):
        messages = texts = 0
        started = time.perf_counter()
        for course in catalogue.courses:
            for lesson in course.lessons:
                for text in (lesson.zh, lesson.en):
                    messages += len(split_text(markdown.to_html(text.body)))
                    texts += 1
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), texts, messages


async def main() -> None:
    """Run the benchmarks and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; the sync is timed there too")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="engage-content-"))
    try:
        generate(folder, args.lessons)
        started = time.perf_counter()
        generated = load(folder)
        load_seconds = time.perf_counter() - started
        if generated.errors:
            raise SystemExit("\n".join(map(str, generated.errors)))
        backends = [("SQLite", await scratch_database(), None)]
        if args.postgres:
            url, name = await _postgres(args.postgres)
            backends.append(("PostgreSQL", url, name))
        rows = []
        for backend, url, name in backends:
            (first, created), (second, again) = await time_sync(url, generated)
            rows.append(
                f"| sync {args.lessons} lessons, first run ({backend}) | {first:.2f} s "
                f"| {created.created} rows created |"
            )
            rows.append(
                f"| sync again, nothing changed ({backend}) | {second:.2f} s "
                f"| {again.changed} rows written, {again.unchanged} unchanged |"
            )
            if name and args.postgres:
                await _drop(args.postgres, name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    shipped = load(CONTENT)
    render_ms, texts, messages = time_render(shipped, args.rounds)
    started = time.perf_counter()
    load(CONTENT)
    validate_ms = (time.perf_counter() - started) * 1000

    print(header("Content sync and rendering", "python bench/content.py " + " ".join(sys.argv[1:])))
    print("| what | time | notes |")
    print("| --- | --- | --- |")
    print(
        f"| load and validate {args.lessons} generated lessons (zh + en files) "
        f"| {load_seconds:.2f} s | {generated.lesson_count} lessons, "
        f"{generated.question_count} questions |"
    )
    print("\n".join(rows))
    print(
        f"| validate the shipped catalogue | {validate_ms:.0f} ms "
        f"| {len(shipped.courses)} courses, {shipped.lesson_count} lessons |"
    )
    print(
        f"| render the shipped catalogue (Markdown → HTML → messages) | {render_ms:.1f} ms "
        f"| {texts} lesson texts → {messages} messages; median of {args.rounds} rounds |"
    )


if __name__ == "__main__":
    asyncio.run(main())
