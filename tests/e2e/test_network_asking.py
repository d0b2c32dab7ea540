"""Asking a chosen expert, asking in a field nobody covers, skills in the reader's language."""

from __future__ import annotations

from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.network_helpers import expert, started

WANG, ZHAO, GUO, ADMIN_ID = 2001, 2002, 2003, 2009


async def back(emulator: Emulator, name: str, user_id: int) -> SimUser:
    """An expert (registered by ``expert``) opening the chat again."""
    user = emulator.user(name, lang="zh", user_id=user_id)
    await user.send("/start")
    await user.reply()
    return user


async def test_asking_the_expert_picked_in_the_directory_goes_to_that_expert_only(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/experts → 焊接 → 请教 王建军: no field question, and only 王建军 is offered the request."""
    await expert(services, WANG, "王建军", field="welding", skills="氩弧焊")
    await expert(services, ZHAO, "赵红梅", field="welding", skills="管道焊接")
    wang = await back(emulator, "王建军", WANG)
    zhao = await back(emulator, "赵红梅", ZHAO)
    worker = await started(emulator, "小刘")

    await worker.send("/experts")
    await worker.reply()
    await worker.press("焊接")
    assert "王建军" in (await worker.reply()).text
    await worker.press("💬 请教 王建军")
    prompt = await worker.reply()
    assert "只发给 王建军" in prompt.text
    await worker.send("不锈钢薄板氩弧焊总是烧穿，电流已经调小了。")
    await worker.reply()
    await worker.press("✅ 说完了")
    assert "问题已记下" in (await worker.reply()).text
    assert "你在哪里" in (await worker.reply()).text
    await worker.press("跳过")
    assert "已发给 1 位专家" in (await worker.reply()).text

    offer = await wang.reply()
    assert "求助 #1" in offer.text
    assert "焊接" in offer.text
    await zhao.settle()
    assert not any("求助 #1" in m.text for m in zhao.history)
    offers = await services.network.help_requests.offers(request_id=1)
    assert [o["user_id"] for o in offers] == [WANG]


async def test_asking_in_a_field_without_experts_says_so_to_the_worker_and_the_admins(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A chemical question with no chemical expert: the worker and the admin are told just that."""
    await expert(services, WANG, "王建军", field="welding")
    admin = await started(emulator, "管理员", user_id=ADMIN_ID)
    await services.users.grant(user_id=ADMIN_ID, role=Role.ADMIN)
    worker = await started(emulator, "小孙")

    await worker.send("/ask")
    await worker.reply()
    await worker.send("反应釜搅拌电机过热，停机后才能恢复。")
    await worker.reply()
    await worker.press("✅ 说完了")
    await worker.reply()
    await worker.press("化工")
    await worker.replies(2)
    await worker.press("跳过")
    told = await worker.reply()
    assert "“化工”领域还没有专家" in told.text
    assert "求助 #1" in told.text

    to_admin = await admin.reply()
    assert "求助 #1" in to_admin.text
    assert "这个领域还没有专家" in to_admin.text
    assert "专家们都还没有接单" not in to_admin.text


async def test_skills_show_in_the_language_of_the_reader(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Skills typed as “数控车削、lathe、CNC” read as Chinese in Chinese and English in English."""
    await expert(services, GUO, "郭亮", field="machining", skills="数控车削、lathe、CNC、刀具刃磨")
    chinese = await started(emulator, "小周")
    english = await started(emulator, "Ann", lang="en")

    await chinese.send("/experts 刀具刃磨")
    card = await chinese.reply()
    assert "数控车削、车床、数控、刀具刃磨" in card.text
    assert "lathe" not in card.text
    assert "CNC" not in card.text

    await english.send("/experts 刀具刃磨")
    card = await english.reply()
    assert "CNC turning、lathe、CNC、刀具刃磨" in card.text
