"""Presses a hurried or late thumb makes: a double tap on every kind of skip, an old Continue.

Each press is answered exactly once (the emulator fails the test otherwise), the second tap of
a double tap skips nothing more, no edit that changes nothing is sent, and a Continue or a
Submit pressed after the proposal went in says so instead of raising.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select

from bot.models.proposals import Proposal, ProposalStatus
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import answer, person, until
from tests.network_helpers import load_network, started
from tests.services.proposal_helpers import write

pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001


async def double_tap(user: SimUser, text: str) -> list[str]:
    """Press ``text`` twice on the same message before the bot answers; both toasts."""
    message = next(m for m in reversed(user.history) if text in m.button_texts)
    first = await user.press(text, message_id=message.message_id)
    second = await user.press(text, message_id=message.message_id)
    answers = [await user.answer_to(first), await user.answer_to(second)]
    await user.settle(quiet=0.3)
    return [a.text or "" for a in answers]


async def test_a_double_tap_on_onboardings_skip_skips_one_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The workshop's Skip tapped twice: the trade question is asked, and still waits."""
    newcomer = emulator.user("Li Wei", lang="en")
    await newcomer.send("/start")
    await newcomer.replies(2)
    await newcomer.send("Baoji Topda Titanium")
    await newcomer.reply()  # not found: add it?
    await newcomer.press("➕ Add new enterprise: Baoji Topda Titanium")
    await newcomer.reply()  # added
    await newcomer.reply()  # the workshop question
    await double_tap(newcomer, "Skip")
    asked = [m.text for m in newcomer.drain()]
    assert sum("trade" in text for text in asked) == 1, asked
    assert await services.onboarding.step(user_id=newcomer.id) == "occupation"


async def test_a_double_tap_on_each_skip_of_a_proposal_skips_one_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Photos' 跳过 tapped twice, then the extra details' 跳过 twice: two steps, not four."""
    worker = await person(emulator, services, "王师傅")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "快速定位夹具", "")
    await answer(worker, "每次换型都要重新找正", "")
    await answer(worker, "加定位销", "")
    await worker.press("⚡ 效率")
    await worker.reply()
    await answer(worker, "每班省半小时", "照片")

    await double_tap(worker, "跳过")
    assert any("补充" in m.text for m in worker.drain())
    await double_tap(worker, "跳过")
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert draft.step == "anonymous"


async def test_a_double_tap_on_an_events_skip_skips_one_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The description's 跳过 tapped twice while creating an event: the place is asked once."""
    admin = await person(emulator, services, "管理员", role=Role.ADMIN)
    await admin.send("/event_new")
    await until(admin, "活动名称")
    await admin.send("班组安全讲座")
    await until(admin, "介绍")
    await double_tap(admin, "跳过")
    asked = [m.text for m in admin.drain()]
    assert sum("第 3 步" in text for text in asked) == 1, asked


async def test_a_double_tap_on_each_skip_of_an_announcement_asks_the_next_question_once(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The English version's 跳过 twice, then 不要图片 twice: each next question comes once."""
    admin = await person(emulator, services, "工会干事", role=Role.ADMIN)
    await admin.send("/announce")
    await until(admin, "中文")
    await admin.send("周五下午三点安全培训")
    await until(admin, "英文")
    await double_tap(admin, "跳过")
    asked = [m.text for m in admin.drain()]
    assert sum("配图" in text for text in asked) == 1, asked
    await double_tap(admin, "不要图片")
    asked = [m.text for m in admin.drain()]
    assert sum("发给谁" in text for text in asked) == 1, asked


async def test_a_double_tap_on_a_help_requests_skip_sends_it_once(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The place question's 跳过 tapped twice: the request goes out once, each expert asked once."""
    await load_network(services)
    wang = await started(emulator, "王建军", lang="zh", user_id=1003, username="wang_tig")
    worker = await started(emulator, "小李", lang="zh", username="xiaoli1990")
    await worker.send("/ask")
    await until(worker, "说说你遇到的问题")
    await worker.send("钛合金焊缝总有气孔，怎么办？")
    await until(worker, "已记下")
    await worker.press("✅ 说完了")
    await until(worker, "哪个领域")
    await worker.press("焊接")
    await until(worker, "你在哪里")
    await double_tap(worker, "跳过")
    told = [m.text for m in worker.drain()]
    assert sum("已发给" in text for text in told) == 1, told
    await wang.settle(quiet=0.3)
    assert sum("求助 #1" in m.text for m in wang.drain()) == 1


async def test_an_old_continue_and_submit_after_submitting_are_answered_once(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The draft's Continue and Submit, pressed again once it went in: told so, nothing twice."""
    worker = await person(emulator, services, "赵师傅")
    await write(services, worker.id)
    await worker.send("/idea")
    offer = await until(worker, "")
    assert "✍️ 接着写" in offer.button_texts, offer.button_texts
    await worker.press("✍️ 接着写", message_id=offer.message_id)
    await until(worker, "提交前")
    await worker.settle(quiet=0.3)
    worker.drain()
    preview = next(m for m in reversed(worker.history) if "📨 提交" in m.button_texts)
    await worker.press("📨 提交", message_id=preview.message_id)
    await until(worker, "提交成功")
    await worker.settle(quiet=0.3)
    worker.drain()

    # The preview lost its buttons once submitted; a client that still shows them sends this.
    submit_data = (preview.raw_button("📨 提交") or {})["callback_data"]
    for text, message in (("✍️ 接着写", offer), ("📨 提交", preview)):
        query = (
            await worker.press(text, message_id=message.message_id)
            if text in (worker.bot_message(message.message_id) or message).button_texts
            else await worker.press_data(submit_data, message_id=message.message_id)
        )
        await worker.answer_to(query)
        await worker.settle(quiet=0.3)
        told = [m.text for m in worker.drain()] + [worker.callback_answers[-1].text or ""]
        assert any(
            phrase in t for t in told for phrase in ("没有正在写的建议", "已经", "已失效")
        ), (text, told)

    async with services.db.reader() as session:
        submitted = await session.exec(
            select(func.count())
            .select_from(Proposal)
            .where(
                col(Proposal.author_id) == worker.id,
                col(Proposal.status) == ProposalStatus.SUBMITTED.value,
            )
        )
        assert submitted.one() == 1
