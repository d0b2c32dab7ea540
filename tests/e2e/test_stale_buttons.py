"""Buttons whose moment has passed: old skips, the reviewer's ⏭, and ⛔ after a broadcast."""

from __future__ import annotations

import pytest

from bot.models.proposals import BenefitCategory, MediaKind
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.models import BotMessage
from bot.sandbox.users import SimUser
from bot.services import Services
from bot.services.broadcasts.audience import Audience
from bot.services.proposals.rules import NewMedia
from tests.conftest import BotRunner
from tests.e2e.broadcasts.conftest import crowd, finished, known
from tests.e2e.events_helpers import expect, registered
from tests.e2e.proposals_helpers import PNG, answer, person, until
from tests.services.proposal_helpers import submit

pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001
PASSED_ZH = "这一步已经过去了"
PASSED_EN = "already behind us"


async def passed(user: SimUser, message: BotMessage) -> str:
    """The old message loses its buttons; return the toast the press was answered with."""
    edited = await user.reply()
    assert edited.message_id == message.message_id
    assert edited.edited
    assert edited.buttons == []
    return user.callback_answers[-1].text or ""


async def test_an_old_skip_in_a_proposal_says_the_step_has_passed_and_skips_nothing(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Typing the benefit, then pressing that question's 跳过 leaves the photo question asked."""
    worker = await person(emulator, services, "王师傅")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "快速定位夹具", "")
    await answer(worker, "每次换型都要重新找正", "")
    await answer(worker, "加定位销", "")
    await worker.press("⚡ 效率")
    benefit = await worker.reply()
    assert "跳过" in benefit.button_texts
    await answer(worker, "每班省半小时", "照片")

    await worker.press("跳过", message_id=benefit.message_id)
    assert PASSED_ZH in await passed(worker, benefit)
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert draft.step == "photos"

    await worker.press("跳过")
    assert "补充" in (await worker.reply()).text


async def test_an_old_skip_in_onboarding_is_answered_and_the_next_question_stays(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The workshop question's Skip, pressed at the trade question, skips nothing."""
    await services.enterprises.named(name="Baoji Topda Titanium")
    worker = emulator.user("Li Wei", lang="en")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("Baoji Topda Titanium")
    workshop = await worker.reply()
    await worker.send("Welding shop")
    assert "trade" in (await worker.reply()).text

    await worker.press("Skip", message_id=workshop.message_id)
    assert PASSED_EN in await passed(worker, workshop)
    assert await services.onboarding.step(user_id=worker.id) == "occupation"

    await worker.send("Welder")
    assert "All set" in (await worker.reply()).text
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert (profile.department, profile.occupation) == ("Welding shop", "Welder")


async def test_old_flow_buttons_after_the_flow_ended_are_answered_as_passed(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Once onboarding is over, its enterprise list and skip buttons say the step is behind."""
    await services.enterprises.named(name="宝鸡石油机械")
    worker = emulator.user("赵工", lang="zh")
    await worker.send("/start")
    await worker.reply()
    enterprises = await worker.reply()
    await worker.send("西安航天动力")
    await worker.reply()
    await worker.press("➕ 添加新企业：西安航天动力")
    await worker.replies(2)
    for text in ("焊接车间", "焊工"):
        await worker.send(text)
        await worker.reply()
    await worker.press("宝鸡石油机械", message_id=enterprises.message_id)
    assert PASSED_ZH in await passed(worker, enterprises)
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert profile.enterprise == "西安航天动力"


async def test_an_old_skip_of_an_event_draft_does_not_skip_the_current_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The description's 跳过, pressed at the place question, leaves the place to be answered."""
    admin = await registered(emulator, "工会干事", user_id=ADMIN_ID)
    await admin.send("/event_new")
    await expect(admin, "第 1 步")
    await admin.send("数控车工技能培训")
    description = await expect(admin, "介绍")
    await admin.send("实操为主")
    await expect(admin, "在哪里")
    await admin.press("跳过", message_id=description.message_id)
    assert PASSED_ZH in await passed(admin, description)
    draft = await services.event_drafts.current(user_id=admin.id)
    assert draft is not None
    assert draft.step == "place"


async def test_an_old_english_skip_of_an_announcement_is_answered_as_passed(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The English question's Skip, pressed at the photo question, is told it is behind."""
    admin = await registered(emulator, "Union Staff", lang="en", user_id=ADMIN_ID)
    await admin.send("/announce")
    await admin.reply()
    await admin.send("Morning safety briefing at the gate")
    english = await admin.reply()
    await admin.send("Safety briefing, English")
    assert "picture" in (await admin.reply()).text
    await admin.press("Skip", message_id=english.message_id)
    assert PASSED_EN in await passed(admin, english)
    draft = await services.announcements.draft(admin_id=admin.id)
    assert draft is not None
    assert draft.step == "photo"


async def test_next_on_a_review_card_turns_it_into_the_next_card(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """⏭ edits the card in place: one card in the chat, showing the second proposal."""
    worker = await person(emulator, services, "钱师傅")
    await submit(services, worker.id, title="换刀时间缩短")
    await submit(services, worker.id, title="料架加标签")
    reviewer = await person(emulator, services, "张劳模", role=Role.MODEL_WORKER, enterprise=None)
    await reviewer.send("/review")
    first = await until(reviewer, "换刀时间缩短")
    sent = len(reviewer.history)

    await reviewer.press("⏭ 跳过")
    second = await reviewer.reply()
    assert second.edited
    assert second.message_id == first.message_id
    assert "料架加标签" in second.text
    assert "2/2" in second.text
    assert len(reviewer.history) == sent

    await reviewer.press("⏭ 跳过")
    again = await reviewer.reply()
    assert again.message_id == first.message_id
    assert "换刀时间缩短" in again.text


async def test_a_card_shown_in_place_offers_its_photos_by_a_button(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """After ⏭ the next proposal's photo is not sent above an old card; a button sends it."""
    worker = await person(emulator, services, "孙师傅")
    await submit(services, worker.id, title="先看这条")
    await _with_photo(emulator, services, worker.id, "带照片的建议")
    reviewer = await person(emulator, services, "评审员", role=Role.MODEL_WORKER, enterprise=None)
    await reviewer.send("/review")
    await until(reviewer, "先看这条")
    await reviewer.press("⏭ 跳过")
    card = await reviewer.reply()
    assert card.edited
    assert "带照片的建议" in card.text
    assert not any(m.kind == "photo" for m in reviewer.history)
    await reviewer.press("📎 照片和附件（1）")
    assert (await reviewer.reply()).kind == "photo"


async def _with_photo(emulator: Emulator, services: Services, user_id: int, title: str) -> None:
    """Submit a proposal that carries one photo the emulator knows."""
    stored = emulator.files.add_photo(PNG, strict=False)
    photo = stored.sizes[-1]
    drafts = services.proposal_drafts
    await drafts.start(user_id=user_id, place=None)
    for text in (title, "问题描述", "解决办法"):
        await drafts.answer(user_id=user_id, text=text)
    await drafts.choose_benefit(user_id=user_id, category=BenefitCategory.SAFETY)
    await drafts.answer(user_id=user_id, text="更安全")
    await drafts.attach(
        user_id=user_id,
        media=NewMedia(MediaKind.PHOTO, photo["file_id"], photo["file_unique_id"]),
    )
    await drafts.skip(user_id=user_id)
    await drafts.skip(user_id=user_id)
    await drafts.choose_anonymous(user_id=user_id, anonymous=False)
    await drafts.submit(user_id=user_id)


async def _sending(emulator: Emulator, services: Services) -> tuple[SimUser, int]:
    """An admin and an announcement to enough people that sending it takes a few seconds."""
    admin = await known(emulator, services, "工会干事", user_id=ADMIN_ID)
    await crowd(emulator, services, 120)
    broadcast_id = await services.broadcasts.create(
        kind="announcement",
        html_zh="周五下午三点安全培训",
        html_en="Safety training on Friday at 3 pm",
        audience=Audience(everyone=True),
        created_by=ADMIN_ID,
        urgent=True,
    )
    return admin, broadcast_id


async def _edit_of(user: SimUser, message: BotMessage) -> BotMessage:
    """The next version of ``message`` (the announcement itself may arrive in between)."""
    for _ in range(4):
        seen = await user.reply(timeout=10)
        if seen.message_id == message.message_id:
            return seen
    raise AssertionError(f"{user.name}: message {message.message_id} was not edited")


async def _not_the_announcement(admin: SimUser) -> BotMessage:
    """The next reply, past the announcement itself (the admin is in its audience too)."""
    seen = await admin.reply(timeout=10)
    while seen.button_texts == ["✅ 已读"]:
        seen = await admin.reply(timeout=10)
    return seen


async def _report_while_sending(admin: SimUser, broadcast_id: int) -> BotMessage:
    await admin.send("/broadcasts")
    listed = await _not_the_announcement(admin)
    await admin.press(f"#{broadcast_id}", message_id=listed.message_id)
    report = await _not_the_announcement(admin)
    assert "发送中" in report.text
    assert "⛔ 取消发送" in report.button_texts
    return report


async def test_cancel_leaves_a_progress_report_once_the_broadcast_has_finished(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A report kept open while sending is redrawn at the end without ⛔; a forged ⛔ is told."""
    admin, broadcast_id = await _sending(emulator, services)
    report = await _report_while_sending(admin, broadcast_id)
    await finished(services, broadcast_id)
    final = await _edit_of(admin, report)
    assert "已完成 121/121" in final.text
    assert "⛔ 取消发送" not in final.button_texts

    answer = await admin.answer_to(
        await admin.press_data(f"bc:cancel:{broadcast_id}", report.message_id)
    )
    assert "已经发完了" in (answer.text or "")
    assert (await services.broadcasts.reports.one(broadcast_id=broadcast_id)).state == "finished"


async def test_confirming_a_cancel_after_the_broadcast_finished_cancels_nothing(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """⛔ pressed while sending, confirmed after the end: a toast says so and the report returns."""
    admin, broadcast_id = await _sending(emulator, services)
    shown = await _report_while_sending(admin, broadcast_id)
    await admin.press("⛔ 取消发送")
    confirm = await _edit_of(admin, shown)
    assert "⛔ 确定取消" in confirm.button_texts
    await finished(services, broadcast_id)
    await admin.press("⛔ 确定取消", message_id=confirm.message_id)
    report = await _edit_of(admin, confirm)
    assert "已经发完了" in (admin.callback_answers[-1].text or "")
    assert "已完成 121/121" in report.text
    assert "⛔ 取消发送" not in report.button_texts
    assert (await services.broadcasts.reports.one(broadcast_id=broadcast_id)).state == "finished"


async def test_an_old_skip_of_a_help_request_does_not_send_the_next_request(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The place question of a request already sent: its 跳过 leaves the new request unsent."""
    worker = await person(emulator, services, "冯师傅")

    async def ask_until_where(problem: str) -> BotMessage:
        await worker.send("/ask")
        await worker.reply()
        await worker.send(problem)
        await worker.reply()
        await worker.press("✅ 说完了")
        await worker.reply()
        await worker.press("焊接")
        await worker.reply()
        where = await worker.reply()
        assert "你在哪里" in where.text
        return where

    first = await ask_until_where("焊缝有气孔")
    await worker.send("宝鸡")
    await worker.reply()
    await ask_until_where("焊枪送丝不稳")

    await worker.press("跳过", message_id=first.message_id)
    assert PASSED_ZH in await passed(worker, first)
    assert await services.network.help_drafts.drafts() == {worker.id: "region"}
    await worker.press("跳过")
    await worker.reply()
    assert await services.network.help_drafts.drafts() == {}
