"""The demo's network in the chat: directory, studios, bases, pairs, coverage and help requests."""

from __future__ import annotations

import pytest

from bot.sandbox import Emulator, SimUser
from bot.sandbox.demo import ORGANISER, PEOPLE, seed
from bot.sandbox.demo_network import CHEN, STUDIO_ROWS, ZHANG
from bot.services import Services
from tests.conftest import BotRunner

pytestmark = pytest.mark.usefixtures("daytime")


@pytest.fixture
async def cast(emulator: Emulator, services: Services) -> dict[int, SimUser]:
    """The demo seeded, and every member of its cast in a chat that exists."""
    await seed(services)
    people = {}
    for person in PEOPLE:
        people[person.id] = emulator.user(person.name, person.lang, user_id=person.id)
        people[person.id].started = True
    return people


async def test_a_worker_browses_experts_by_field_and_comes_back(
    bot: BotRunner, cast: dict[int, SimUser]
) -> None:
    """A field lists its experts; an empty field says so; both lead back to the fields."""
    worker = cast[PEOPLE[0].id]
    await worker.send("/experts")
    assert "按领域浏览" in (await worker.reply()).text
    await worker.press("焊接")
    welders = await worker.reply()
    assert "刘建平" in welders.text
    assert "何志强" in welders.text
    await worker.press("⬅️ 全部领域")
    assert "按领域浏览" in (await worker.reply()).text
    await worker.press("化工")
    empty = await worker.reply()
    assert "化工领域暂时还没有" in empty.text
    assert empty.button_texts == ["⬅️ 全部领域"]
    await worker.press("⬅️ 全部领域")
    fields = await worker.reply()
    assert "按领域浏览" in fields.text
    assert "焊接" in fields.button_texts


async def test_studios_bases_and_pairs_of_the_demo_are_listed(
    bot: BotRunner, cast: dict[int, SimUser]
) -> None:
    """/studios lists the four studios, /bases the two bases, /pairs a model worker's pair."""
    worker = cast[PEOPLE[0].id]
    await worker.send("/studios")
    studios = await worker.reply()
    assert f"共 {len(STUDIO_ROWS)} 个" in studios.text
    await worker.press("张卫东劳模创新工作室")
    card = await worker.reply()
    assert "王建国" in card.text
    await worker.send("/bases")
    bases = await worker.reply()
    assert "周至猕猴桃标准化种植示范基地" in bases.text
    assert "洛川苹果矮砧密植示范基地" in bases.text
    expert = cast[ZHANG]
    await expert.send("/pairs")
    assert "宝鸡拓普达钛业有限公司" in (await expert.reply()).text


async def test_coverage_of_the_demo_is_above_target_in_baoji_and_below_elsewhere(
    emulator: Emulator, bot: BotRunner, cast: dict[int, SimUser]
) -> None:
    """The admin sees Baoji over 80%, Xi'an and Hanzhong short of it, a chart, and a report."""
    admin = cast[ORGANISER.id]
    await admin.send("/coverage")
    table = await admin.reply()
    assert "7/12 人，58.3%（目标 80%，还差 3 人）" in table.text
    assert "宝鸡市：5/6 人，83.3%（目标 80% ✅）" in table.text
    assert "西安市：1/4 人，25.0%（目标 80%，还差 3 人）" in table.text
    assert "汉中市：1/2 人，50.0%（目标 80%，还差 1 人）" in table.text
    chart = await admin.reply()
    assert chart.photo is not None
    png = emulator.files.get(chart.photo)
    assert png is not None
    assert png.data.startswith(b"\x89PNG")
    await admin.send("/report")
    report = await admin.reply()
    assert "走访 1 · 培训 1 · 解决难题 1" in report.text
    assert "工作室覆盖 58.3%" in report.text


async def test_a_request_no_expert_can_take_reaches_the_demo_admin_without_errors(
    emulator: Emulator, bot: BotRunner, cast: dict[int, SimUser]
) -> None:
    """A chemical question finds no expert; the admin is offered it and nothing fails."""
    worker, admin = cast[PEOPLE[1].id], cast[ORGANISER.id]
    await worker.send("/ask")
    await worker.reply()
    await worker.send("反应釜温度控制不稳，怎么办？")
    await worker.reply()
    await worker.press("✅ 说完了")
    await worker.reply()
    await worker.press("化工")
    await worker.replies(2)
    await worker.press("跳过")
    assert "转给工会工作人员" in (await worker.reply()).text
    offer = await admin.reply()
    assert "反应釜温度控制不稳" in offer.text
    assert "这个领域还没有专家" in offer.text
    await admin.press("✅ 我来解答")
    await admin.reply()
    assert "一位工会工作人员" in (await worker.reply()).text
    assert emulator.violations == []
    assert cast[CHEN].history == []
