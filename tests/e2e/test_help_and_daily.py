"""/help as a short grouped list with each role's extras; /daily's screens, on and off."""

from __future__ import annotations

from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import person


async def test_help_is_short_and_grouped_with_the_roles_extras(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker's /help is a few grouped lines; a reviewer's adds /review under their role."""
    worker = await person(emulator, services, "李师傅")
    await worker.send("/help")
    text = (await worker.reply()).text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= 9, text
    learn = next(line for line in lines if line.startswith("📚 学习"))
    assert "/learn" in learn
    assert "/daily" in learn
    assert any(line.startswith("💡") and "/idea" in line for line in lines)
    assert "/review" not in text
    assert "⭐" not in text

    reviewer = await person(emulator, services, "评审老张", role=Role.REVIEWER)
    await reviewer.send("/help")
    text = (await reviewer.reply()).text
    role_line = next(line for line in text.splitlines() if line.startswith("⭐ 评审人还可以"))
    assert "/review" in role_line
    assert "/grant" not in text


async def test_daily_offers_off_on_every_screen_and_shows_minutes_only(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/daily's first screen can say no; the saved time reads 07:00, without seconds, and stops."""
    worker = await person(emulator, services, "孙师傅")
    await worker.send("/daily")
    menu = await worker.reply()
    assert "未开启" in menu.text
    assert "🔕 先不开" in menu.button_texts
    await worker.press("🔕 先不开")
    assert "已关闭" in (await worker.reply()).text

    await worker.send("/daily")
    await worker.reply()
    await worker.press("07:00")
    saved = await worker.reply()
    assert "每天 07:00" in saved.text
    assert "07:00:00" not in saved.text
    assert saved.button_texts == ["🔕 关闭每日一课"]
    await worker.send("/daily")
    again = await worker.reply()
    assert "每天 07:00" in again.text
    assert "🔕 关闭每日一课" in again.button_texts
    await worker.press("🔕 关闭每日一课")
    assert "已关闭" in (await worker.reply()).text
    assert await services.scheduler.pending(prefix=f"lesson_of_day:{worker.id}") == []
