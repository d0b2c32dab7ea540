"""Leaving an open flow by a menu button or another command: it stops, says so, the action runs."""

from __future__ import annotations

import pytest

from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import answer, person

pytestmark = pytest.mark.usefixtures("daytime")


async def test_menu_button_during_idea_keeps_the_draft_and_opens_learning(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """📚 学习 mid-proposal: the draft is saved, the courses show, free text is no answer."""
    worker = await person(emulator, services, "王师傅")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "减少焊接返工", "问题")
    await worker.press("📚 学习")
    saved = await worker.reply()
    assert "草稿已保存" in saved.text
    assert "/idea" in saved.text
    courses = await worker.reply()
    assert "课程" in courses.text or courses.buttons, courses.text
    await worker.send("焊缝总是有气孔")
    assert "/help" in (await worker.reply()).text  # not understood: no flow is open
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert draft.title == "减少焊接返工"
    assert draft.problem is None
    await worker.send("/idea")
    assert "减少焊接返工" in (await worker.reply()).text


async def test_another_command_during_idea_pauses_it_in_english(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/help mid-proposal says the draft is kept for /idea, then shows the help."""
    worker = await person(emulator, services, "Wang Li", lang="en")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "Faster changeovers", "problem")
    await worker.send("/help")
    saved = await worker.reply()
    assert "draft is saved" in saved.text.lower()
    assert "/idea" in saved.text
    assert "/learn" in (await worker.reply()).text


async def test_command_during_remind_stops_asking_and_runs(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/remind then /profile: the question ends, the profile shows, text is not a phrase."""
    worker = await person(emulator, services, "李师傅")
    await worker.send("/remind")
    await worker.reply()
    await worker.send("/profile")
    assert "不设置提醒" in (await worker.reply()).text
    await worker.reply()  # the profile card
    assert await services.reminders.asking() == []
    await worker.send("明天9点 学习第三课")
    await worker.settle()
    assert await services.reminders.upcoming(user_id=worker.id) == []


async def test_menu_button_during_ask_drops_the_request(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """📅 活动 while describing a help request ends the request and lists the events."""
    worker = await person(emulator, services, "赵师傅")
    await worker.send("/ask")
    await worker.reply()
    await worker.press("📅 活动")
    assert "求助已取消" in (await worker.reply()).text
    await worker.reply()  # the events list (or that there are none)
    assert await services.network.help_drafts.drafts() == {}


async def test_menu_button_during_announce_and_event_new_ends_them(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An admin's /announce and /event_new end when another command is sent."""
    admin = await person(emulator, services, "管理员", role=Role.ADMIN)
    # The first question, and /event_new's introduction before it: counted, not waited out,
    # since under load the introduction and the question can be far apart.
    for command, asked in (("/announce", 1), ("/event_new", 2)):
        await admin.send(command)
        await admin.replies(asked)
        await admin.send("/help")
        stopped = await admin.reply()
        assert any(word in stopped.text for word in ("取消", "放弃", "停止", "删除")), stopped.text
        assert "/learn" in (await admin.reply()).text
    await admin.send("不是答案")
    await admin.settle()
    assert all("不是答案" not in m.text for m in admin.pending_replies())
