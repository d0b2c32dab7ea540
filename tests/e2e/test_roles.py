"""Roles live in the database and are checked on the server, whatever the client sends."""

from __future__ import annotations

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner

ADMIN_ID = 900001


async def test_forged_admin_callback_is_refused_and_changes_nothing(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker forging the admin 'grant' button gets a refusal and no role."""
    worker = emulator.user("Mallory", lang="en")
    await worker.send("/start")
    await worker.replies(2)
    await worker.press_data(f"admin:grant:{worker.id}:admin")
    await worker.settle()
    assert worker.callback_answers[-1].text
    assert "not allowed" in worker.callback_answers[-1].text
    assert Role.ADMIN not in await services.users.roles(user_id=worker.id)


async def test_admin_grants_a_role_in_chat(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An admin (from ENGAGE_ADMIN_IDS) grants the reviewer role after confirming."""
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    worker = emulator.user("Reviewer-to-be", lang="en")
    await worker.send("/start")
    await worker.replies(2)
    await admin.send(f"/grant {worker.id} reviewer")
    confirm = await admin.reply()
    assert "reviewer" in confirm.text
    await admin.press("✅ Confirm")
    assert "now has the role" in (await admin.reply()).text
    assert Role.REVIEWER in await services.users.roles(user_id=worker.id)


async def test_worker_cannot_use_admin_commands(emulator: Emulator, bot: BotRunner) -> None:
    """/grant from a worker is refused."""
    worker = emulator.user("Eve", lang="en")
    await worker.send(f"/grant {worker.id} admin")
    assert "not allowed" in (await worker.reply()).text


async def test_blocking_marks_inactive_and_next_message_reactivates(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Blocking the bot marks the user inactive; writing again makes them active."""
    worker = emulator.user("Quiet", lang="en")
    await worker.send("/start")
    await worker.replies(2)
    worker.block()
    await worker.settle()
    found = await services.users.find(user_id=worker.id)
    assert found is not None
    assert not found.is_active
    worker.unblock()
    await worker.send("/help")
    await worker.reply()
    found = await services.users.find(user_id=worker.id)
    assert found is not None
    assert found.is_active


async def test_an_admin_named_in_settings_gets_the_admin_menu_on_first_contact(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An admin who never wrote is kept inactive (nothing is sent to them) until they do."""
    found = await services.users.find(user_id=ADMIN_ID)
    assert found is not None
    assert not found.is_active
    assert emulator.visible_commands("en", chat_id=ADMIN_ID) == emulator.visible_commands("en")

    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/start")
    await admin.settle()
    commands = [item["command"] for item in emulator.visible_commands("en", chat_id=ADMIN_ID)]
    assert "grant" in commands
    assert "grant" not in [item["command"] for item in emulator.visible_commands("en")]


async def test_a_chat_that_no_longer_exists_marks_its_user_inactive(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Telegram answers 400 “chat not found” for a deleted account: stop sending there."""
    await services.users.seen(user_id=4242, name="Gone")
    assert bot.app is not None
    context = Context(bot.app)

    with emulator.expect_violation("chat not found"):
        assert await render.send(context, 4242, "你好") is None
    with emulator.expect_violation("chat not found"):
        assert await render.send_document(context, 4242, b"a,b\n", "rows.csv") is None
    found = await services.users.find(user_id=4242)
    assert found is not None
    assert not found.is_active
