"""Writing a proposal in chat: QR places, studios, editing, restarts, bad input, duplicates."""

from __future__ import annotations

import pytest

from bot.models.organizations import Studio
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import PNG, answer, person, until
from tests.services.proposal_helpers import submit

# Proposal updates are pushes, held during quiet hours: run at ten in the morning.
pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001


async def test_qr_code_starts_a_proposal_with_the_place_then_edit_and_submit(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A QR link opens /idea with the place; a studio is picked, the title edited, submitted."""
    async with services.db.session() as session:
        session.add(Studio(name="Wang Innovation Studio"))
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/idea_qr weld-line-3")
    qr = await admin.reply()
    assert qr.kind == "photo"
    assert "https://t.me/engage_bot?start=idea_weld-line-3" in qr.text

    worker = await person(emulator, services, "Wang Li", lang="en")
    await worker.send("/start idea_weld-line-3")
    assert "📍 Place: weld-line-3" in (await worker.reply()).text
    await answer(worker, "Quick jig positioning", "What problem")
    await answer(worker, "Re-aligning after every changeover", "solution")
    await answer(worker, "Locating pins", "improve")
    await worker.press("🦺 Safety")
    await worker.reply()
    for _ in range(2):
        await worker.press("Skip")
        await worker.reply()
    await worker.press("Skip")
    assert "studio" in (await worker.reply()).text
    await worker.press("Wang Innovation Studio")
    assert "anonymously" in (await worker.reply()).text
    await worker.press("🙋 With my name")
    preview = await worker.reply()
    assert "📍 Place: weld-line-3" in preview.text
    assert "Wang Innovation Studio" in preview.text
    await worker.press("✏️ Title")
    assert "title" in (await worker.reply()).text
    await answer(worker, "Quick positioning for the welding jig", "One last look")
    await worker.press("📨 Submit")
    done = await until(worker, "Submitted!")
    assert "Quick positioning for the welding jig" in done.text
    line = (await services.proposals.mine(user_id=worker.id))[0]
    card = await services.proposals.card(proposal_id=line.id, viewer_id=worker.id)
    assert (card.place, card.studio, card.title) == (
        "weld-line-3",
        "Wang Innovation Studio",
        line.title,
    )


async def test_qr_commands_are_for_admins_and_need_a_place_code(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker cannot make QR codes or exports; an admin is shown the usage for a bad code."""
    worker = await person(emulator, services, "Eve", lang="en")
    for command in ("/idea_qr line-1", "/export_ideas"):
        await worker.send(command)
        assert "not allowed" in (await worker.reply()).text
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/idea_qr 焊接线")
    assert "Usage" in (await admin.reply()).text


async def test_restart_mid_submission_resumes_at_the_same_step(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The bot restarts after the problem was answered; the next message is the solution."""
    worker = await person(emulator, services, "陈师傅")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "冷却液飞溅", "问题")
    await answer(worker, "加工时冷却液溅到地面", "办法")
    await bot.restart()
    await answer(worker, "加装防溅挡板", "效益")
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert (draft.title, draft.problem, draft.solution) == (
        "冷却液飞溅",
        "加工时冷却液溅到地面",
        "加装防溅挡板",
    )


async def test_bad_input_is_explained_and_the_draft_kept(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """5,000 characters, a sticker and a program file each get a reason and the same question."""
    worker = await person(emulator, services, "Zhao", lang="en")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "Forklift blind spot", "What problem")
    await worker.send("x" * 5000)
    assert "Too long: at most 1500 characters" in (await worker.reply()).text
    assert "What problem" in (await worker.reply()).text
    await worker.send_sticker()
    assert "written answer" in (await worker.reply()).text
    assert "What problem" in (await worker.reply()).text
    await worker.send_document(b"MZ\x90\x00", filename="setup.exe")
    assert "written answer" in (await worker.reply()).text
    await worker.reply()
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert draft.title == "Forklift blind spot"
    assert draft.step == "problem"
    await answer(worker, "Drivers cannot see people behind racks", "solution")


async def test_text_at_the_photo_step_and_an_archive_are_refused(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Text at the photo step and an archive at the extra step are refused with a reason."""
    worker = await person(emulator, services, "孙师傅")
    await worker.send("/idea")
    await worker.reply()
    for text, expect in (("料架标签", "问题"), ("找料慢", "办法"), ("颜色标签", "效益")):
        await answer(worker, text, expect)
    await worker.press("⚡ 效率")
    await worker.reply()
    await answer(worker, "省时", "照片")
    await worker.send("这是照片")
    assert "请发照片" in (await worker.reply()).text
    await worker.reply()
    await worker.send_photo(PNG)
    await worker.reply()
    await worker.press("✅ 完成（1 张）")
    await worker.reply()
    await worker.send_document(b"PK\x03\x04", filename="drawings.zip")
    assert "用不了" in (await worker.reply()).text
    assert "补充" in (await worker.reply()).text
    await worker.send_document(b"%PDF-1.4", filename="图纸.pdf")
    assert "文件已收到" in (await worker.reply()).text


async def test_unfinished_draft_is_offered_again_after_cancel(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/cancel keeps the draft; /idea then offers to continue it where it stopped."""
    worker = await person(emulator, services, "周师傅")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "空压机漏气", "问题")
    await worker.send("/cancel")
    assert "草稿已保存" in (await worker.reply()).text
    await worker.send("/idea")
    assert "空压机漏气" in (await worker.reply()).text
    await worker.press("✍️ 接着写")
    assert "问题" in (await worker.reply()).text


async def test_duplicate_hint_offers_to_support_the_similar_proposal(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A near-identical title shows the colleague's proposal; supporting it drops the draft."""
    colleague = await person(emulator, services, "李师傅")
    similar = await submit(services, colleague.id, title="减少焊接返工率的办法")
    worker = await person(emulator, services, "王师傅")
    await worker.send("/idea")
    await worker.reply()
    await answer(worker, "改进食堂排队", "问题")
    await worker.send("/idea")
    await worker.reply()
    await worker.press("🆕 重新开始")
    await worker.reply()
    await worker.send("减少焊接返工的方法")
    hint = await worker.reply()
    assert "很像" in hint.text
    assert any(similar.number in text for row in hint.buttons for text, _ in row)
    await worker.press(
        next(text for row in hint.buttons for text, _ in row if similar.number in text)
    )
    assert "已支持" in (await worker.reply()).text
    assert await services.proposal_drafts.current(user_id=worker.id) is None
    assert await services.proposal_peers.supporters(proposal_id=similar.proposal_id) == 1
    assert Role.WORKER in await services.users.roles(user_id=worker.id)


async def test_the_studio_leader_hears_of_a_proposal_addressed_to_the_studio(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker sends a proposal to a studio; its leader is told in their own language."""
    leader = await person(emulator, services, "刘工匠", lang="zh", role=Role.CRAFTSMAN)
    async with services.db.session() as session:
        session.add(Studio(name="Liu Craftsman Studio", leader_id=leader.id))
    worker = await person(emulator, services, "Zhou Min", lang="en")
    await worker.send("/idea")
    assert "title" in (await worker.reply()).text
    await answer(worker, "Coolant splashes on the floor", "What problem")
    await answer(worker, "The lathe guard leaves a gap", "solution")
    await answer(worker, "A brush seal on the guard closes it", "improve")
    await worker.press("🦺 Safety")
    await worker.reply()
    for _ in range(3):
        await worker.press("Skip")
        await worker.reply()
    await worker.press("Liu Craftsman Studio")
    await worker.reply()
    await worker.press("🙋 With my name")
    await worker.reply()
    await worker.press("📨 Submit")
    await until(worker, "Submitted!")

    told = await leader.reply()
    assert "工作室" in told.text
    assert "Coolant splashes on the floor" in told.text
    assert "/review" in told.text
