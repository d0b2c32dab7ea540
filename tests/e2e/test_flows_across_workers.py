"""Every step of every flow on another worker process: web + 2 workers on PostgreSQL.

Each action of each person is handled by the other worker than the one before it
(``tests.e2e.across_workers``), so a flow can only go on if its step is read from the database
with the update. After each journey the stored rows are checked field by field.
"""

from __future__ import annotations

import re

import pytest

from bot.models.proposals import ProposalStatus
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.e2e.across_workers import Alternating, cluster, emulator, person, settings, web
from tests.e2e.cluster import LEASE_SECONDS, Cluster
from tests.e2e.proposals_helpers import OGG, PNG

pytestmark = pytest.mark.slow
__all__ = ["cluster", "emulator", "settings", "web"]  # fixtures


async def until(user: Alternating, text: str, *, within: int = 8) -> str:
    """The user's next message containing ``text`` (photos and voice notes come first)."""
    seen = []
    for _ in range(within):
        message = await user.reply()
        if text in message.text:
            return message.text
        seen.append(message.text)
    raise AssertionError(f"{user.name} never got {text!r}; got {seen}")


async def test_onboarding_and_a_profile_edit_each_step_on_another_worker(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """Three answers, a wrong one among them, then /profile's edit: each on another worker."""
    worker = Alternating(emulator.user("王师傅", lang="zh"), cluster)
    await worker.send("/start")
    assert "王师傅" in (await worker.reply()).text
    assert "哪家企业" in (await worker.reply()).text
    await worker.send("宝鸡石油机械有限责任公司")
    assert "没有找到" in (await worker.reply()).text
    await worker.press("➕ 添加新企业：宝鸡石油机械有限责任公司")
    assert "新添加" in (await worker.reply()).text
    assert "车间" in (await worker.reply()).text
    await worker.send_sticker()
    assert "需要输入文字" in (await worker.reply()).text
    assert "车间" in (await worker.reply()).text
    await worker.send("焊接车间")
    assert "工种" in (await worker.reply()).text
    await worker.send("焊工")
    assert "设置完成" in (await worker.reply()).text

    await worker.send("/profile")
    await worker.reply()
    await worker.press("修改工种")
    assert "工种" in (await worker.reply()).text
    await worker.send("电焊工")
    await until(worker, "电焊工")

    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert (profile.enterprise, profile.department, profile.occupation) == (
        "宝鸡石油机械有限责任公司",
        "焊接车间",
        "电焊工",
    )
    assert cluster.turns >= 7


async def test_a_proposal_from_first_word_to_acceptance_with_a_comment_across_workers(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """/idea with text, a photo and a voice note, then scores and an accepting comment."""
    worker = await person(emulator, services, cluster, "王师傅")
    reviewer = await person(
        emulator, services, cluster, "张劳模", role=Role.MODEL_WORKER, enterprise=None
    )

    await worker.send("💡 提建议")
    await worker.reply()
    for text in ("焊接工装快速定位", "换型找正慢", "用定位销和快换夹具"):
        await worker.send(text)
        await worker.reply()
    await worker.press("⚡ 效率")
    await worker.reply()
    await worker.send("每班节省 30 分钟")
    await worker.reply()
    await worker.send_photo(PNG)
    assert "1/5" in (await worker.reply()).text
    await worker.press("✅ 完成（1 张）")
    await worker.reply()
    await worker.send_voice(OGG)
    await worker.replies(2)
    await worker.press("🙋 署名提交")
    await worker.reply()
    await worker.press("📨 提交")
    confirmation = await until(worker, "提交成功")
    number = re.search(r"№(\d{4}-\d{4})", confirmation).group(1)  # type: ignore[union-attr]

    await reviewer.send("/review")
    await until(reviewer, number)
    await reviewer.press("⭐ 打分")
    for score in ("4", "3", "5"):
        await reviewer.reply()
        await reviewer.press(score)
    assert "评分已保存" in (await reviewer.reply()).text
    await reviewer.press("✅ 采纳")
    assert "确定采纳" in (await reviewer.reply()).text
    await reviewer.send("先在二号线试点")
    await until(reviewer, "✅ 已采纳")
    news = await until(worker, "已被采纳")
    assert "可行性 4 · 效益 3 · 创新 5" in news
    assert "先在二号线试点" in news

    mine = (await services.proposals.mine(user_id=worker.id))[0]
    card = await services.proposals.card(proposal_id=mine.id, viewer_id=worker.id)
    assert mine.status == ProposalStatus.ACCEPTED
    assert (card.title, card.problem, card.solution) == (
        "焊接工装快速定位",
        "换型找正慢",
        "用定位销和快换夹具",
    )
    assert card.benefit_text == "每班节省 30 分钟"
    assert (len(card.photos), len(card.voices)) == (1, 1)
    assert (card.scores.feasibility, card.scores.benefit, card.scores.novelty) == (4, 3, 5)
    assert [(h.to_status, h.comment) for h in card.history] == [
        (ProposalStatus.SUBMITTED, None),
        (ProposalStatus.ACCEPTED, "先在二号线试点"),
    ]
    assert await services.proposal_prompts.pending(user_id=reviewer.id) is None


async def test_a_worker_killed_after_a_reply_hands_the_flow_to_the_other_within_the_lease(
    emulator: Emulator, cluster: Cluster, services: Services
) -> None:
    """A worker killed after asking a question: the other takes the answer, within the lease."""
    worker = await person(emulator, services, cluster, "王师傅")
    await worker.send("/idea")
    await worker.reply()
    await worker.send("焊接工装快速定位")
    asked = (await worker.reply()).text
    assert asked.startswith("2️⃣")
    await cluster.kill()  # the moment the question arrived
    await worker.user.send("换型找正慢")
    # The question may come once more: the dead worker may have sent it and not said so.
    answer = (await worker.user.reply(timeout=LEASE_SECONDS + 2)).text
    if answer == asked:
        answer = (await worker.user.reply()).text
    assert answer.startswith("3️⃣")
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert (draft.title, draft.problem, draft.solution) == ("焊接工装快速定位", "换型找正慢", None)
