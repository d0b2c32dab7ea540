"""The directory of model workers and craftsmen: search in both languages, cards owners control."""

from __future__ import annotations

from bot.sandbox import BotMessage, Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.network_helpers import load_network, started

WANG, ZHAO = 1003, 1006


def _identifiers(message: BotMessage, *ids: int) -> list[str]:
    shown = [message.text, *(data or "" for row in message.buttons for _, data in row)]
    return [str(i) for i in ids if any(str(i) in part for part in shown)]


async def test_search_by_field_and_skill_in_chinese(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """“/experts 焊接” finds both welders by field and skill, with honour and place, and no ids."""
    await load_network(services)
    worker = emulator.user("小李", lang="zh")
    await worker.send("/experts 焊接")
    found = await worker.reply()
    assert "找到 2 位" in found.text
    assert "王建军" in found.text
    assert "赵红梅" in found.text
    assert "三秦工匠" in found.text
    assert "宝鸡钛业股份有限公司" in found.text
    assert "白志勇" not in found.text
    assert "💬 请教 王建军" in found.button_texts
    assert _identifiers(found, WANG, ZHAO) == []


async def test_search_by_skill_and_place_in_english(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """“/experts welding Baoji” matches the Chinese place names; labels are in English."""
    await load_network(services)
    worker = emulator.user("Li Wei", lang="en")
    await worker.send("/experts welding Baoji")
    found = await worker.reply()
    assert "2 found" in found.text
    assert "Sanqin craftsman" in found.text
    assert "Welding" in found.text
    await worker.send("/experts CNC")
    cnc = await worker.reply()
    assert "李国强" in cnc.text
    assert "provincial model worker" in cnc.text
    await worker.send("/experts underwater")
    assert "No model worker or craftsman matches" in (await worker.reply()).text


async def test_browsing_a_field_page_by_page(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/experts without words offers the fields; a field lists its experts."""
    await load_network(services)
    worker = emulator.user("小张", lang="zh")
    await worker.send("/experts")
    assert "按领域浏览" in (await worker.reply()).text
    await worker.press("建筑施工")
    listed = await worker.reply()
    assert "共 3 位" in listed.text
    assert "白志勇" in listed.text
    assert "三十年扎根隧道一线" in listed.text


async def test_expert_hides_name_and_story(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An expert hides their name on /expert; searchers then see only the honour."""
    await load_network(services)
    wang = await started(emulator, "王建军", user_id=WANG)
    await wang.send("/expert")
    card = await wang.reply()
    assert "👤 姓名：显示" in card.text
    assert "账号、用户名和电话永远不会显示" in card.text
    await wang.press("姓名")
    assert "👤 姓名：隐藏" in (await wang.reply()).text

    worker = emulator.user("小李", lang="zh")
    await worker.send("/experts 钛合金")
    found = await worker.reply()
    assert "一位三秦工匠" in found.text
    assert "王建军" not in found.text


async def test_expert_edits_skills_and_a_new_expert_creates_a_card(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A craftsman without a card picks a field, then types skills; a plain worker cannot."""
    from bot.models.users import Role

    craftsman = emulator.user("Liu", lang="en")
    await craftsman.send("/expert")
    assert "for model workers and craftsmen" in (await craftsman.reply()).text
    await services.users.grant(user_id=craftsman.id, role=Role.CRAFTSMAN)
    await craftsman.send("/expert")
    assert "Which field" in (await craftsman.reply()).text
    await craftsman.press("Automation and robotics")
    assert "Your directory card" in (await craftsman.reply()).text
    await craftsman.press("✏️ Skills")
    assert "Type your skills" in (await craftsman.reply()).text
    await craftsman.send("inertial navigation, precision assembly")
    card = await craftsman.reply()
    assert "inertial navigation、precision assembly" in card.text
    own = await services.network.experts.own(user_id=craftsman.id)
    assert own is not None
    assert own.card.skills == ("inertial navigation", "precision assembly")


async def test_demonstration_bases_are_listed(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/bases lists the rural demonstration bases with their specialities."""
    await load_network(services)
    farmer = emulator.user("Farmer Zhang", lang="en")
    await farmer.send("/bases")
    listed = await farmer.reply()
    assert "杨凌猕猴桃示范基地" in listed.text
    assert "Specialities" in listed.text
    assert "/rural" in listed.text
