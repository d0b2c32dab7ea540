"""Reviewers answer proposals: a whole life, every notification, and what is refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from bot.clock import utcnow
from bot.models.proposals import ProposalStatus
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import OGG, PNG, answer, person, until
from tests.services.proposal_helpers import submit

# Proposal updates are pushes, held during quiet hours: run at ten in the morning.
pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001
LABELS = {
    "zh": {
        "menu": "💡 提建议",
        "benefit": "⚡ 效率",
        "photos_done": "✅ 完成（1 张）",
        "named": "🙋 署名提交",
        "submit": "📨 提交",
        "submitted": "提交成功",
        "accept": "✅ 采纳",
        "confirm": "确定采纳",
        "no_comment": "✅ 不写评语，直接采纳",
        "done_accepted": "✅ 已采纳",
        "scores": "⭐ 评审打分：可行性 4 · 效益 3 · 创新 5",
        "comment": "💬 评审评语：“先在二号线试点 & 推广”",
        "score": "⭐ 打分",
        "scored": "评分已保存",
        "empty": "没有待评审",
        "to_implement": "🏗 待实施",
        "implemented": "🏁 已实施",
        "accepted": "已被采纳",
        "done": "已经落地实施",
    },
    "en": {
        "menu": "💡 Propose",
        "benefit": "⚡ Efficiency",
        "photos_done": "✅ Done (1)",
        "named": "🙋 With my name",
        "submit": "📨 Submit",
        "submitted": "Submitted!",
        "accept": "✅ Accept",
        "confirm": "Type a comment for the author",
        "no_comment": "✅ Accept, no comment",
        "done_accepted": "✅ Accepted",
        "scores": "⭐ Reviewer's scores: feasibility 4 · benefit 3 · novelty 5",
        "comment": "💬 Reviewer's comment: “先在二号线试点 & 推广”",
        "score": "⭐ Score",
        "scored": "Scores saved",
        "empty": "Nothing waiting",
        "to_implement": "🏗 To implement",
        "implemented": "🏁 Implemented",
        "accepted": "has been accepted",
        "done": "put into practice",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_proposal_from_submission_to_implemented_with_every_notification(
    emulator: Emulator, bot: BotRunner, services: Services, lang: str
) -> None:
    """Photo and voice in, read (nobody told), scored, accepted with a comment, implemented."""
    say = LABELS[lang]
    worker = await person(emulator, services, "王师傅" if lang == "zh" else "Wang", lang=lang)
    fan = await person(
        emulator,
        services,
        "Li Wei" if lang == "zh" else "李工",
        lang="en" if lang == "zh" else "zh",
    )
    reviewer = await person(
        emulator, services, "张劳模", lang=lang, role=Role.MODEL_WORKER, enterprise=None
    )

    await worker.send(say["menu"])
    await worker.reply()
    for text in ("焊接工装快速定位 🔧", "换型找正慢 <30 min>", "用定位销 & 快换夹具"):
        await worker.send(text)
        await worker.reply()
    await worker.press(say["benefit"])
    await worker.reply()
    await answer(worker, "每班节省 30 分钟", "5")
    await worker.send_photo(PNG)
    await worker.reply()
    await worker.press(say["photos_done"])
    await worker.reply()
    await worker.send_voice(OGG)
    await worker.replies(2)
    await worker.press(say["named"])
    await worker.reply()
    await worker.press(say["submit"])
    confirmation = await until(worker, say["submitted"])
    number = re.search(r"№(\d{4}-\d{4})", confirmation.text).group(1)  # type: ignore[union-attr]

    fan_zh = fan.lang == "zh"
    await fan.send("/ideas")
    listing = await fan.reply()
    await fan.press(next(text for row in listing.buttons for text, _ in row if number in text))
    await until(fan, number)
    await fan.press("👍 支持（0）" if fan_zh else "👍 Support (0)")
    await until(fan, "👍 支持：1 人" if fan_zh else "👍 Supporters: 1")
    assert "谢谢支持" in (fan.callback_answers[-1].text or "") or "Thanks" in (
        fan.callback_answers[-1].text or ""
    )

    await reviewer.send("/review")
    card = await until(reviewer, number)
    kinds = [m.kind for m in reviewer.history]
    assert "photo" in kinds
    assert "voice" in kinds
    assert "焊接工装快速定位 🔧" in card.text
    assert "换型找正慢 <30 min>" in card.text
    assert "用定位销 & 快换夹具" in card.text
    await reviewer.settle()
    assert worker.pending_replies() == []  # reading the card is not a decision
    assert (await services.proposals.mine(user_id=worker.id))[0].status == (
        ProposalStatus.SUBMITTED
    )

    await reviewer.press(say["score"])
    for score in ("4", "3", "5"):
        await reviewer.reply()
        await reviewer.press(score)
    assert say["scored"] in (await reviewer.reply()).text

    await reviewer.press(say["accept"])
    confirm = await reviewer.reply()
    assert say["confirm"] in confirm.text
    assert worker.pending_replies() == []  # nothing is decided before the confirmation
    await reviewer.send("先在二号线试点 & 推广")
    await until(reviewer, say["done_accepted"])
    news = await until(worker, say["accepted"])
    assert say["scores"] in news.text
    assert say["comment"] in news.text
    fan_news = await until(fan, "已被采纳" if fan_zh else "has been accepted")
    assert number in fan_news.text

    await until(reviewer, say["empty"])
    await reviewer.press(say["to_implement"])
    await until(reviewer, number)
    await reviewer.press(say["implemented"])
    await until(worker, say["done"])
    await until(fan, "已经落地实施" if fan_zh else "put into practice")

    card_view = (await services.proposals.mine(user_id=worker.id))[0]
    assert card_view.status == ProposalStatus.IMPLEMENTED
    assert card_view.supporters == 1
    assert await services.points.total(user_id=worker.id) == 75
    view = await services.proposals.card(proposal_id=card_view.id, viewer_id=worker.id)
    assert [(h.to_status, h.comment) for h in view.history] == [
        (ProposalStatus.SUBMITTED, None),
        (ProposalStatus.ACCEPTED, "先在二号线试点 & 推广"),
        (ProposalStatus.IMPLEMENTED, None),
    ]


async def test_needs_info_round_trip(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The reviewer asks, the author answers from the notification, it is back in review."""
    worker = await person(emulator, services, "赵师傅")
    reviewer = await person(
        emulator, services, "Craftsman Zhou", lang="en", role=Role.CRAFTSMAN, enterprise=None
    )
    await submit(services, worker.id, title="冷却液过滤改进")

    await reviewer.send("/review")
    await until(reviewer, "冷却液过滤改进")
    await reviewer.press("❓ Needs info")
    assert "What should the author add" in (await reviewer.reply()).text
    await reviewer.send("Which filter size, and what does it cost?")
    assert "asked for more information" in (await reviewer.reply()).text

    ask = await until(worker, "Which filter size")
    assert "补充" in ask.text
    await worker.press("✍️ 补充信息")
    assert "请补充" in (await worker.reply()).text
    await worker.send("50 微米滤芯，每个 120 元")
    assert "重新进入评审" in (await worker.reply()).text
    told = await until(reviewer, "50 微米滤芯")
    assert "back in the review queue" in told.text

    line = (await services.proposals.mine(user_id=worker.id))[0]
    assert line.status == ProposalStatus.UNDER_REVIEW
    view = await services.proposals.card(proposal_id=line.id, viewer_id=worker.id)
    assert [h.to_status for h in view.history][-2:] == [
        ProposalStatus.NEEDS_INFO,
        ProposalStatus.UNDER_REVIEW,
    ]
    assert view.history[-1].comment == "50 微米滤芯，每个 120 元"


async def test_reject_needs_a_reason_and_the_author_reads_it(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A sticker is not a reason; the typed reason reaches the author in their language."""
    worker = await person(emulator, services, "Sun", lang="en")
    reviewer = await person(emulator, services, "孙评审", role=Role.REVIEWER, enterprise=None)
    await submit(services, worker.id, title="Paint the floor lines")
    await reviewer.send("/review")
    await until(reviewer, "Paint the floor lines")
    await reviewer.press("⭐ 打分")
    for score in ("2", "4", "1"):
        await reviewer.reply()
        await reviewer.press(score)
    await until(reviewer, "评分已保存")
    await reviewer.press("❌ 不采纳")
    assert "理由" in (await reviewer.reply()).text
    await reviewer.send_sticker()
    assert "文字" in (await reviewer.reply()).text
    await reviewer.send("本月已安排统一翻新")
    await until(reviewer, "未采纳")
    news = await until(worker, "was not accepted")
    assert "本月已安排统一翻新" in news.text
    assert "feasibility 2 · benefit 4 · novelty 1" in news.text


async def test_a_reviewer_who_presses_on_leaves_the_acceptance_undone(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Asked to confirm, the reviewer scores instead: what they type next is no comment."""
    worker = await person(emulator, services, "周师傅")
    reviewer = await person(emulator, services, "吴评审", role=Role.REVIEWER, enterprise=None)
    await submit(services, worker.id, title="料架加挡边")
    await reviewer.send("/review")
    await until(reviewer, "料架加挡边")
    await reviewer.press("✅ 采纳")
    await until(reviewer, "确定采纳")
    await reviewer.press("⭐ 打分")
    dropped = await until(reviewer, "没有做任何决定")
    assert "没有发出" in dropped.text
    await until(reviewer, "可行性")
    await reviewer.send("好")
    await reviewer.settle()
    assert (await services.proposals.mine(user_id=worker.id))[0].status == (
        ProposalStatus.SUBMITTED
    )
    assert worker.pending_replies() == []


async def test_worker_forging_review_buttons_is_refused_and_nothing_changes(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Forged accept, reject and implement callbacks are refused; nothing changes."""
    worker = await person(emulator, services, "钱师傅")
    pid = (await submit(services, worker.id, title="换刀时间缩短")).proposal_id
    mallory = await person(emulator, services, "Mallory", lang="en")
    forged = (f"rev:acc:{pid}", f"rev:accok:{pid}", f"rev:rej:{pid}", f"rev:impl:{pid}")
    for data in (*forged, "rev:q:p:any:0:0:0"):
        answer = await mallory.answer_to(await mallory.press_data(data))
        assert answer.show_alert
        assert answer.text
        assert "not allowed" in answer.text
    for data in (f"rev:acc:{pid}", f"rev:accok:{pid}"):
        answer = await worker.answer_to(await worker.press_data(data))
        assert "权限" in (answer.text or "")
    view = await services.proposals.card(proposal_id=pid, viewer_id=worker.id)
    assert view.status == ProposalStatus.SUBMITTED
    assert len(view.history) == 1


async def test_second_reviewer_is_told_the_proposal_was_already_decided(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Two reviewers confirm the same card; the one confirming second learns it was accepted."""
    worker = await person(emulator, services, "吴师傅")
    first = await person(
        emulator, services, "First", lang="en", role=Role.REVIEWER, enterprise=None
    )
    second = await person(emulator, services, "第二位", role=Role.MODEL_WORKER, enterprise=None)
    await submit(services, worker.id, title="料架加标签")
    for reviewer in (first, second):
        await reviewer.send("/review")
        await until(reviewer, "料架加标签")
    await first.press("✅ Accept")
    await until(first, "Type a comment")
    await second.press("✅ 采纳")
    await until(second, "确定采纳")
    await first.press("✅ Accept, no comment")
    await until(first, "Accepted")
    await second.send("同意")
    assert "已采纳" in (await until(second, "已经是")).text
    for label in ("✅ 采纳", "❌ 不采纳"):
        answer = await second.answer_to(await second.press(label))
        assert "已采纳" in (answer.text or "")


async def test_proposal_updates_follow_each_authors_push_settings(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Updates turned off are not pushed; one decided at 23:00 reaches the author at 07:00."""
    muted = await person(emulator, services, "Muted", lang="en")
    await services.preferences.set_mode(user_id=muted.id, topic="proposals", mode="off")
    sleeper = await person(emulator, services, "Sleeper", lang="en")
    reviewer = await person(emulator, services, "Rita", lang="en", role=Role.REVIEWER)

    await submit(services, muted.id, title="Label the gauges")
    await reviewer.send("/review")
    await until(reviewer, "Label the gauges")
    await reviewer.press("✅ Accept")
    await until(reviewer, "Type a comment")
    await reviewer.press("✅ Accept, no comment")
    await until(reviewer, "Accepted")
    # The accept goes on to show the next card: let it finish before the clock jumps a day,
    # or the jump outlives its inbox lease and the press is handled a second time.
    await until(reviewer, "Nothing waiting")
    await reviewer.settle()
    await muted.settle()
    assert muted.pending_replies() == []

    late_evening = (utcnow() + timedelta(days=1)).replace(hour=15, minute=0, second=0)  # 23:00
    with time_machine.travel(late_evening, tick=True) as traveller:
        await submit(services, sleeper.id, title="Oil the hinges")
        await reviewer.send("/review")
        await until(reviewer, "Oil the hinges")
        await reviewer.press("✅ Accept")
        await until(reviewer, "Type a comment")
        await reviewer.send("Good catch")
        await until(reviewer, "Accepted")
        await until(reviewer, "Nothing waiting")
        await sleeper.settle(quiet=1.0)
        assert sleeper.pending_replies() == []

        traveller.move_to(late_evening + timedelta(hours=8, seconds=5))  # 07:00:05 in Shanghai
        # The one held update (opening the card told nobody) arrives with the comment.
        news = await sleeper.reply(timeout=10)
        assert "“Oil the hinges” has been accepted" in news.text
        assert "Reviewer's comment: “Good catch”" in news.text
        await sleeper.settle(quiet=0.5)
        assert sleeper.pending_replies() == []


async def test_scoring_redraws_the_card_with_the_scores(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Scores are asked on the card, and the card then shows them instead of “还没有评分”."""
    worker = await person(emulator, services, "冯师傅")
    reviewer = await person(emulator, services, "陈评审", role=Role.REVIEWER, enterprise=None)
    await submit(services, worker.id, title="刀具柜加锁")
    await reviewer.send("/review")
    card = await until(reviewer, "刀具柜加锁")
    assert "⭐ 还没有评分" in card.text

    await reviewer.press("⭐ 打分")
    for score, asked in (("4", "可行性"), ("2", "效益"), ("5", "创新性")):
        question = await reviewer.reply()
        assert question.message_id == card.message_id
        assert f"{asked}打几分" in question.text
        assert "刀具柜加锁" in question.text
        assert question.button_texts == ["1", "2", "3", "4", "5", "↩️ 返回卡片", "⏭ 跳过"]
        await reviewer.press(score)
    redrawn = await reviewer.reply()
    assert redrawn.message_id == card.message_id
    assert "还没有评分" not in redrawn.text
    assert "⭐ 评分：可行性 4.0 · 效益 2.0 · 创新 5.0（1 位评审）" in redrawn.text
    assert "评分已保存：可行性 4 · 效益 2 · 创新 5" in redrawn.text
    assert "📋 待评审 1/1" in redrawn.text
    assert {"✅ 采纳", "⭐ 打分"} <= set(redrawn.button_texts)
    assert "评分已保存" in (reviewer.callback_answers[-1].text or "")

    await reviewer.send("/review")
    assert "⭐ 评分：可行性 4.0 · 效益 2.0 · 创新 5.0" in (await until(reviewer, "刀具柜加锁")).text


async def test_a_card_scored_while_the_queue_moves_is_redrawn_as_itself(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The card scored comes back with its scores even when an older proposal left the queue."""
    worker = await person(emulator, services, "褚师傅")
    reviewer = await person(emulator, services, "卫评审", role=Role.REVIEWER, enterprise=None)
    other = await person(emulator, services, "蒋评审", role=Role.REVIEWER, enterprise=None)
    older = await submit(services, worker.id, title="冷却液回收")
    await submit(services, worker.id, title="工位灯加罩")
    await submit(services, worker.id, title="通道划线")
    await reviewer.send("/review")
    await until(reviewer, "冷却液回收")
    await reviewer.press("⏭ 跳过")
    second = await until(reviewer, "工位灯加罩")
    assert "📋 待评审 2/3" in second.text
    await reviewer.press("⭐ 打分")
    await reviewer.reply()
    await services.proposals.move(
        proposal_id=older.proposal_id, actor_id=other.id, to=ProposalStatus.ACCEPTED
    )
    for score in ("3", "3"):
        await reviewer.press(score)
        await reviewer.reply()
    await reviewer.press("4")
    redrawn = await reviewer.reply()
    assert "工位灯加罩" in redrawn.text
    assert "📋 待评审 1/2" in redrawn.text
    assert "⭐ 评分：可行性 3.0 · 效益 3.0 · 创新 4.0" in redrawn.text
