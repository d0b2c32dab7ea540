"""/dashboard in chat: the Mini App's button for admins and organisers, a refusal for workers."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner, make_settings
from tests.dashboard.helpers import WORKER, XIAN_ORGANISER, province
from tests.network_helpers import started

URL = "https://bot.example.org/dashboard/"


@pytest.fixture
def settings(database_url: str, emulator: Emulator) -> Settings:
    """The test bot, with the Mini App's https address set."""
    return make_settings(database_url, emulator, admin_ids=[900001], dashboard_url=URL)


async def test_an_organiser_gets_the_web_app_button_and_menu_button(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """西安市's organiser is told their scope and gets a web_app button and the menu button."""
    await province(services)
    organiser = await started(emulator, "西安组织者", user_id=XIAN_ORGANISER)
    await organiser.send("/dashboard")
    reply = await organiser.reply()
    assert "陕西省 / 西安市" in reply.text
    button = reply.raw_button("📊 打开看板")
    assert button == {"text": "📊 打开看板", "web_app": {"url": URL}}
    await emulator.idle()
    menu = emulator.bot.menu_buttons[XIAN_ORGANISER]
    assert menu == {"type": "web_app", "text": "看板", "web_app": {"url": URL}}


async def test_a_worker_is_told_the_dashboard_is_not_for_them(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Someone without the admin or organiser role gets a refusal and no button."""
    await province(services)
    worker = await started(emulator, "工人", user_id=WORKER)
    await worker.send("/dashboard")
    reply = await worker.reply()
    assert "只对管理员和组织者开放" in reply.text
    assert reply.buttons == []


async def test_an_admin_binds_an_organiser_to_a_city(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/organiser <id> 陕西省/西安市, confirmed, makes them an organiser who sees that city."""
    made = await province(services)
    await started(emulator, "工人", user_id=WORKER)  # their command menu changes too
    admin = await started(emulator, "管理员", user_id=900001)
    await admin.send(f"/organiser {WORKER} 陕西省/宝鸡市")
    confirm = await admin.reply()
    assert "陕西省 / 宝鸡市" in confirm.text
    await admin.press("✅ 确认")
    done = await admin.reply()
    assert "✅" in done.text
    scope = await services.dashboard.scope(user_id=WORKER)
    assert scope.unit_id == made.units["宝鸡市"]
