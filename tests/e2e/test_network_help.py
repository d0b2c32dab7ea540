"""Help requests end to end: offered, accepted, relayed, solved and rated; escalation; privacy."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import utcnow
from bot.sandbox import Emulator, SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.network_helpers import load_network, started

WANG, ZHAO, LI = 1003, 1006, 1004
ADMIN_ID = 900001


def _leaks(seen_by: SimUser, other: SimUser) -> list[str]:
    """Every place the other party's id or username shows up in what ``seen_by`` was shown."""
    marks = [str(other.id), *([other.username] if other.username else [])]
    found = []
    for message in seen_by.history:
        parts = [
            message.text,
            message.html or "",
            *(data or "" for row in message.buttons for _, data in row),
        ]
        found += [
            f"{mark} in message {message.message_id}"
            for mark in marks
            for part in parts
            if mark in part
        ]
    return found


async def test_help_request_offered_accepted_relayed_solved_rated_in_chinese(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A titanium-welding question reaches both welders; one takes it; they talk; it is rated."""
    await load_network(services)
    wang = await started(emulator, "王建军", lang="zh", user_id=WANG, username="wang_tig")
    zhao = await started(emulator, "赵红梅", lang="zh", user_id=ZHAO, username="zhao_pipe")
    worker = await started(emulator, "小李", lang="zh", username="xiaoli1990")

    await worker.send("/ask")
    assert "说说你遇到的问题" in (await worker.reply()).text
    await worker.send("钛合金焊缝总有气孔，怎么办？")
    assert "已记下" in (await worker.reply()).text
    await worker.send_photo(b"weld-seam-photo", caption="焊缝照片")
    assert "1 个附件" in (await worker.reply()).text
    await worker.send_voice(b"voice-note")
    assert "2 个附件" in (await worker.reply()).text
    await worker.press("✅ 说完了")
    assert "哪个领域" in (await worker.reply()).text
    await worker.press("焊接")
    assert "领域：焊接" in (await worker.reply()).text
    assert "你在哪里" in (await worker.reply()).text
    await worker.press("跳过")
    assert "已发给 2 位专家" in (await worker.reply()).text

    photo, voice, offer = await wang.replies(3)
    assert photo.photo
    assert voice.voice
    assert "求助 #1" in offer.text
    assert "钛合金焊缝总有气孔" in offer.text
    assert "焊缝照片" in offer.text
    await zhao.replies(3)
    await wang.press("✅ 我来解答")
    assert "由你负责" in (await wang.reply()).text
    accepted = await worker.reply()
    assert "有专家接下了你的求助 #1" in accepted.text
    assert "王建军" in accepted.text
    assert "三秦工匠" in accepted.text

    answer = await zhao.answer_to(await zhao.press("✅ 我来解答"))
    assert answer.text
    assert "已经有人接了" in answer.text

    await worker.send("请问用什么焊丝？")
    relayed = await wang.reply()
    assert "#1 求助者" in relayed.text
    assert "请问用什么焊丝" in relayed.text
    assert "已转给专家" in (await worker.reply()).text
    await wang.send("用 TA2 焊丝，加强氩气保护。")
    answer = await worker.reply()
    assert "#1 专家" in answer.text
    assert "TA2 焊丝" in answer.text
    assert "已转给求助者" in (await wang.reply()).text
    await wang.send_photo(b"diagram", caption="保护罩示意图")
    diagram = await worker.reply()
    assert diagram.photo
    assert "保护罩示意图" in diagram.text
    await worker.send_voice(b"thanks")
    assert (await wang.reply()).voice

    await worker.press("✅ 问题解决了")
    assert "给专家的帮助打个分" in (await worker.reply()).text
    assert "标为已解决" in (await wang.reply()).text
    await worker.press("⭐⭐⭐⭐⭐")
    assert "⭐⭐⭐⭐⭐" in (await worker.reply()).text

    request = await services.network.help_requests.find(request_id=1)
    assert request is not None
    assert (request.status, request.rating) == ("solved", 5)
    assert await services.points.total(user_id=WANG, reasons=("help",)) == 20
    await worker.send("还有人吗？")
    assert "/help" in (await worker.reply()).text
    assert _leaks(worker, wang) == []
    assert _leaks(wang, worker) == []
    assert _leaks(zhao, worker) == []


async def test_help_request_in_english_with_the_expert_writing_first(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An English speaker asks, a Chinese expert answers; each sees the frame in their language."""
    await load_network(services)
    li = await started(emulator, "李国强", lang="zh", user_id=LI, username="li_cnc")
    worker = await started(emulator, "Sam Turner", lang="en", username="samturner")
    await worker.send("/ask")
    assert "Describe your problem" in (await worker.reply()).text
    await worker.send("Chatter marks when turning a long CNC shaft")
    await worker.reply()
    await worker.press("✅ Done")
    await worker.reply()
    await worker.press("Machining")
    await worker.reply()
    await worker.reply()
    await worker.send("Baoji")
    assert "went to 1 expert." in (await worker.reply()).text

    offer = await li.reply()
    assert "求助 #1" in offer.text
    assert "📍 Baoji" in offer.text
    assert "Chatter marks" in offer.text
    await li.press("✅ 我来解答")
    await li.reply()
    accepted = await worker.reply()
    assert "An expert took your request #1" in accepted.text
    assert "provincial model worker" in accepted.text
    await li.send("试试跟刀架，降低转速。")
    answer = await worker.reply()
    assert "#1 expert:" in answer.text
    assert "跟刀架" in answer.text
    await li.reply()
    await worker.send("Thanks, a steady rest fixed it!")
    assert "steady rest" in (await li.reply()).text
    await worker.reply()
    await worker.send("/requests")
    listing = await worker.reply()
    assert "#1 · Machining · with an expert (asked by me)" in listing.text
    await worker.press("✅ Solved")
    assert "How helpful" in (await worker.reply()).text
    await worker.press("⭐⭐⭐⭐")
    assert "Thanks for rating" in (await worker.reply()).text
    assert _leaks(worker, li) == []
    assert _leaks(li, worker) == []


async def test_unaccepted_request_escalates_to_next_experts_then_admins(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Nobody answers: after 30 minutes the next experts are asked; after 60, the admins."""
    await load_network(services)
    experts = {
        uid: await started(emulator, f"专家{uid}", lang="zh", user_id=uid)
        for uid in (1003, 1006, 1004, 1010, 1011)
    }
    admin = await started(emulator, "管理员", lang="zh", user_id=ADMIN_ID)
    worker = await started(emulator, "小王", lang="zh")
    await worker.send("/ask")
    await worker.reply()
    await worker.send("焊接机器人焊缝跑偏，数控加工、车削和齿轮加工件也有偏差")
    await worker.reply()
    await worker.press("✅ 说完了")
    await worker.reply()
    await worker.press("焊接")
    await worker.replies(2)
    await worker.press("跳过")
    assert "已发给 3 位专家" in (await worker.reply()).text
    first_round = [
        uid
        for uid, e in experts.items()
        if e.history and "求助 #1" in (e.last.text if e.last else "")
    ]
    assert sorted(first_round) == [1003, 1004, 1006]

    scheduler = bot.services.scheduler
    await scheduler.run_due(utcnow() + timedelta(minutes=29))
    job = await services.scheduler.find(key="help:escalate:1:1")
    assert job is not None
    assert job.status == "pending"
    await scheduler.run_due(utcnow() + timedelta(minutes=31))
    assert "已经发给更多人" in (await worker.reply()).text
    for uid in (1010, 1011):
        assert "求助 #1" in (await experts[uid].reply()).text
    assert admin.history == [] or "求助 #1" not in (admin.last.text if admin.last else "")

    await scheduler.run_due(utcnow() + timedelta(minutes=62))
    assert "转给工会工作人员" in (await worker.reply()).text
    to_admin = await admin.reply()
    assert "求助 #1" in to_admin.text
    assert "专家们都还没有接单" in to_admin.text
    await admin.press("✅ 我来解答")
    await admin.reply()
    assert "一位工会工作人员" in (await worker.reply()).text
    offers = await services.network.help_requests.offers(request_id=1)
    assert [(o["user_id"], o["round"]) for o in offers] == [
        (1003, 1),
        (1006, 1),
        (1004, 1),
        (1010, 2),
        (1011, 2),
        (ADMIN_ID, 3),
    ]


async def test_rural_request_goes_first_to_the_expert_nearby(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/rural asks where first; a Yangling kiwi question reaches the Yangling model worker."""
    await load_network(services)
    feng = await started(emulator, "冯秀兰", lang="zh", user_id=1013)
    farmer = await started(emulator, "老杨", lang="zh")
    await farmer.send("/rural")
    assert "乡村振兴求助" in (await farmer.reply()).text
    await farmer.send("合作社的猕猴桃叶子发黄")
    await farmer.reply()
    await farmer.press("✅ 说完了")
    await farmer.reply()
    assert "你在哪里" in (await farmer.reply()).text
    await farmer.send("杨凌示范区")
    assert "已发给 1 位专家" in (await farmer.reply()).text
    offer = await feng.reply()
    assert "乡村振兴求助" in offer.text
    assert "杨凌示范区" in offer.text
    assert "现代农业" in offer.text


async def test_forged_accept_and_talk_buttons_change_nothing(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Someone not offered a request cannot take it or talk into it, whatever data they send."""
    await load_network(services)
    await started(emulator, "王建军", lang="zh", user_id=WANG)
    worker = await started(emulator, "小李", lang="zh")
    mallory = await started(emulator, "Mallory", lang="en")
    await worker.send("/ask")
    await worker.reply()
    await worker.send("钛合金焊接")
    await worker.reply()
    await worker.press("✅ 说完了")
    await worker.reply()
    await worker.press("焊接")
    await worker.replies(2)
    await worker.press("跳过")
    await worker.reply()
    answer = await mallory.answer_to(await mallory.press_data("ask:acc:1"))
    assert "not offered to you" in (answer.text or "")
    answer = await mallory.answer_to(await mallory.press_data("ask:talk:1"))
    assert "closed, or not yours" in (answer.text or "")
    request = await services.network.help_requests.find(request_id=1)
    assert request is not None
    assert request.status == "open"


async def test_a_request_being_written_survives_a_restart(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The bot restarts mid-description; the next photo and “Done” land on the same draft."""
    await load_network(services)
    await started(emulator, "王建军", user_id=WANG)
    worker = await started(emulator, "小李", lang="zh")
    await worker.send("/ask")
    await worker.reply()
    await worker.send("钛合金焊接有裂纹")
    await worker.reply()
    await bot.restart()
    await worker.send_photo(b"crack")
    assert "1 个附件" in (await worker.reply()).text
    await worker.press("✅ 说完了")
    assert "哪个领域" in (await worker.reply()).text
    draft = await services.network.help_drafts.draft_of(user_id=worker.id)
    assert draft is not None
    assert draft.text == "钛合金焊接有裂纹"
    assert len(draft.media) == 1
