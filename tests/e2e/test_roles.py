"""Roles live in the database and are checked on the server, whatever the client sends."""

from __future__ import annotations

import asyncio

from bot import render
from bot.context import Context
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
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
    answer = await worker.answer_to(await worker.press_data(f"admin:grant:{worker.id}:admin"))
    assert answer.text
    assert "not allowed" in answer.text
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
    await admin.settle(quiet=0.5)
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


async def _known(
    emulator: Emulator, name: str, *, lang: str = "en", username: str | None = None
) -> SimUser:
    """Someone who has written to the bot (so their name and username are known)."""
    user = emulator.user(name, lang=lang, username=username)
    await user.send("/start")
    await user.replies(2)
    await user.send("/cancel")
    await user.reply()
    return user


async def test_admin_grants_by_replying_to_a_forwarded_message(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Forward a person's message, reply /grant to it, pick the role: they hold it, menu too."""
    worker = await _known(emulator, "Wang Li", username="wang_li")
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    forwarded = await admin.forward("Could I review proposals?", sender=worker)
    assert "reply to it with /grant" in (await admin.reply()).text
    await admin.send("/grant", reply_to=forwarded)
    picker = await admin.reply()
    assert "Which role should Wang Li · @wang_li get?" in picker.text
    assert "none (a worker)" in picker.text
    assert str(worker.id) not in picker.text
    await admin.press("reviewer")
    confirm = await admin.reply()
    assert confirm.edited
    assert Role.REVIEWER not in await services.users.roles(user_id=worker.id)  # not yet
    await admin.press("✅ Confirm")
    done = await admin.reply()
    assert done.edited
    assert "Wang Li · @wang_li now has the role “reviewer”" in done.text
    assert Role.REVIEWER in await services.users.roles(user_id=worker.id)
    commands = [c["command"] for c in emulator.visible_commands("en", chat_id=worker.id)]
    assert "review" in commands


async def test_a_forwarded_stranger_is_named_and_granted_a_role_given_in_the_reply(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Someone who never wrote is kept by the forward's name; a role after /grant is confirmed."""
    stranger = emulator.user("赵师傅", lang="zh", username="zhao")
    admin = emulator.user("管理员", lang="zh", user_id=ADMIN_ID)
    forwarded = await admin.forward("我想当评审", sender=stranger)
    await admin.reply()
    await admin.send("/grant 评审人", reply_to=forwarded)
    confirm = await admin.reply()
    assert "赵师傅 · @zhao" in confirm.text
    assert "评审人" in confirm.text
    await admin.press("✅ 确认")
    assert "赵师傅 · @zhao" in (await admin.reply()).text
    assert Role.REVIEWER in await services.users.roles(user_id=stranger.id)
    found = await services.users.find(user_id=stranger.id)
    assert found is not None
    assert (found.name, found.is_active) == ("赵师傅", False)


async def test_replies_that_name_nobody_are_explained(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A hidden forward, a reply to the bot's own message and no reply at all get a hint."""
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    hidden = await admin.forward("hello", hidden_name="Old Li")
    await admin.reply()
    await admin.send("/grant", reply_to=hidden)
    assert "Old Li hides their account" in (await admin.reply()).text
    await admin.send("/grant")
    usage = await admin.reply()
    assert "forward me one of their messages" in usage.text
    await admin.send("/grant", reply_to=usage.message_id)
    assert "not to your own or the bot's" in (await admin.reply()).text
    assert await services.users.holders(role=Role.REVIEWER) == []


async def test_admin_grants_by_username_in_any_case(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/grant @Name role confirms and grants; an unknown username is explained."""
    worker = await _known(emulator, "Li Wei", username="li_wei")
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/grant @nobody_here reviewer")
    assert "Nobody has written to the bot as @nobody_here" in (await admin.reply()).text
    await admin.send("/grant @Li_Wei craftsman")
    confirm = await admin.reply()
    assert "Li Wei · @li_wei" in confirm.text
    assert "craftsman" in confirm.text
    await admin.press("✅ Confirm")
    assert "now has the role" in (await admin.reply()).text
    assert Role.CRAFTSMAN in await services.users.roles(user_id=worker.id)


async def test_admin_finds_people_by_part_of_a_name_and_picks_one(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/grant 王 lists the matching people as buttons; the one picked gets the role chosen."""
    await services.enterprises.named(name="宝鸡石油机械")
    first = await _known(emulator, "王师傅", lang="zh")
    second = await _known(emulator, "王建军", lang="zh", username="wjj")
    await _known(emulator, "李国强", lang="zh")
    admin = emulator.user("管理员", lang="zh", user_id=ADMIN_ID)
    await admin.send("/grant 王")
    listing = await admin.reply()
    assert "王" in listing.text
    assert sorted(listing.button_texts) == ["王师傅", "王建军 · @wjj"]
    await admin.press("王建军 · @wjj")
    picker = await admin.reply()
    assert picker.edited
    assert "要给 王建军 · @wjj 授予哪个角色" in picker.text
    await admin.press("劳模")
    await admin.reply()
    await admin.press("✅ 确认")
    assert "已授予" in (await admin.reply()).text
    assert Role.MODEL_WORKER in await services.users.roles(user_id=second.id)
    assert await services.users.roles(user_id=first.id) == frozenset({Role.WORKER})

    await admin.send("/grant 没有这个人")
    assert "没有找到" in (await admin.reply()).text
    await admin.send("/revoke 王建军")
    revoking = await admin.reply()
    assert revoking.button_texts == ["劳模"]
    await admin.press("劳模")
    assert "收回" in (await admin.reply()).text
    assert Role.MODEL_WORKER in await services.users.roles(user_id=second.id)  # not yet
    await admin.press("✅ 确认")
    assert "已收回" in (await admin.reply()).text
    assert Role.MODEL_WORKER not in await services.users.roles(user_id=second.id)


async def test_forged_picker_buttons_from_a_worker_are_refused(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker forging the person and role buttons of /grant is refused at every step."""
    worker = await _known(emulator, "Mallory", username="mallory")
    for data in (f"admin:pick:grant:{worker.id}:any", f"admin:pick:grant:{worker.id}:admin"):
        answered = len(worker.callback_answers)
        await worker.press_data(data)
        async with asyncio.timeout(5):
            while len(worker.callback_answers) == answered:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        answer = worker.callback_answers[-1]
        assert answer.show_alert
        assert "not allowed" in (answer.text or "")
    await worker.send("/grant @mallory admin")
    assert "not allowed" in (await worker.reply()).text
    assert await services.users.roles(user_id=worker.id) == frozenset({Role.WORKER})


async def test_admin_cancels_a_grant_at_the_confirmation(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Cancel sits beside Confirm and changes no role; a worker's forged cancel is refused."""
    worker = emulator.user("王师傅", lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    admin = emulator.user("管理员", lang="zh", user_id=ADMIN_ID)
    await admin.send(f"/grant {worker.id} reviewer")
    confirm = await admin.reply()
    assert confirm.button_texts == ["✅ 确认", "取消"]
    await admin.press("取消")
    cancelled = await admin.reply()
    assert cancelled.message_id == confirm.message_id
    assert "已取消" in cancelled.text
    assert cancelled.buttons == []
    assert Role.REVIEWER not in await services.users.roles(user_id=worker.id)

    answer = await worker.answer_to(await worker.press_data("admin:cancel"))
    assert answer.text
