"""``engage sandbox --watch content/``: an author saves a file and the bot teaches the new text."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.context import services_of
from bot.sandbox.run import Sandbox
from bot.sandbox.watch import ContentWatcher, sync_content
from bot.services import Services
from tests.conftest import CONTENT, make_settings

COURSE = "01-model-worker-spirit"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a sandbox on a free port."""
    return make_settings(database_url, sandbox_port=0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A content folder with one real course (and the sources it cites), for an author to edit."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT / COURSE, root / COURSE)
    shutil.copytree(CONTENT / "sources", root / "sources")
    return root


async def test_watcher_calls_back_once_per_burst_of_saves(folder: Path) -> None:
    """Nothing happens while files stay the same; two quick saves reload once."""
    calls: list[int] = []

    async def changed() -> None:
        calls.append(1)

    watcher = ContentWatcher(folder, changed, interval=0.05)
    watcher.start()
    try:
        await asyncio.sleep(0.2)
        assert calls == []
        lesson = folder / COURSE / "lessons" / "01-three-spirits.zh.md"
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
        (folder / COURSE / "notes.txt").write_text("草稿", encoding="utf-8")
        await asyncio.sleep(0.4)
        assert calls == [1]
    finally:
        await watcher.stop()


async def test_broken_content_is_reported_and_not_synced(folder: Path, services: Services) -> None:
    """A file with an error is named with its line, and the database keeps the last good content."""
    (folder / COURSE / "course.yaml").write_text("slug: [unclosed\n", encoding="utf-8")
    summary = await sync_content(services, folder)
    assert summary.startswith("content not reloaded: ")
    assert "course.yaml:" in summary
    courses, total = await services.learning.courses(user_id=1, locale="zh")
    assert (courses, total) == ([], 0)


async def test_sandbox_reloads_a_course_when_its_file_changes(
    settings: Settings, folder: Path, services: Services
) -> None:
    """The watched course is synced at start; once the author renames it, learners see that."""
    sandbox = await Sandbox(settings, watch=folder).start()
    events = sandbox.emulator.subscribe()
    assert sandbox.app is not None
    learning = services_of(sandbox.app).learning  # what the sandbox's learners are shown
    try:
        courses, _ = await learning.courses(user_id=1, locale="zh")
        assert [c.title for c in courses] == ["劳模精神与工匠精神"]
        course = folder / COURSE / "course.yaml"
        text = course.read_text(encoding="utf-8")
        course.write_text(text.replace("劳模精神与工匠精神", "劳模精神（修订）"), encoding="utf-8")
        event = await asyncio.wait_for(events.get(), 10)
        assert event is not None
        assert event["type"] == "content_reloaded"
        assert "1 updated" in event["text"]
        courses, _ = await learning.courses(user_id=1, locale="zh")
        assert [c.title for c in courses] == ["劳模精神（修订）"]
    finally:
        await sandbox.stop()
