"""Writing a proposal in chat: QR places, studios, editing, restarts, bad input, duplicates."""

from __future__ import annotations

import pytest

from bot.models.organizations import Studio
from bot.models.proposals import BenefitCategory
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.models import BotMessage
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import OGG, PNG, answer, person, until
from tests.services.proposal_helpers import submit

# Proposal updates are pushes, held during quiet hours: run at ten in the morning.
pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001
KEYCAPS = {f"{n}\ufe0f\u20e3": n for n in range(1, 10)}


def number(question: BotMessage) -> int:
    """The number a question starts with (1️⃣ is 1); fails when it carries none."""
    head = question.text[:3]
    assert head in KEYCAPS, question.text
    return KEYCAPS[head]


async def asked(user: SimUser, numbers: list[int]) -> BotMessage:
    """The next question, its number noted in ``numbers``."""
    question = await user.reply()
    numbers.append(number(question))
    return question


async def test_questions_are_numbered_as_the_intro_counts_them_and_a_typed_benefit_is_kept(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Without studios: 7 steps counted, asked 1-7, typed benefit words kept under "other"."""
    worker = await person(emulator, services, "郑师傅")
    await worker.send("/idea")
    first = await worker.reply()
    assert "共 7 步：标题、发现的问题、解决办法、预期效益、现场照片、语音或文件补充、是否匿名" in (
        first.text
    )
    assert "直接打字" in first.text
    assert "\n\n1\ufe0f\u20e3 请用一句话写个标题" in first.text
    seen = [1]
    for text in ("车间照明耗电大", "下班后灯常亮着", "加装人体感应开关"):
        await worker.send(text)
        await asked(worker, seen)
    await worker.send("每月少用 200 度电")
    photos = await asked(worker, seen)
    assert "照片" in photos.text
    await worker.press("跳过")
    assert "补充" in (await asked(worker, seen)).text
    await worker.press("跳过")
    assert "匿名" in (await asked(worker, seen)).text
    assert seen == [1, 2, 3, 4, 5, 6, 7]
    await worker.press("🙋 署名提交")
    preview = await worker.reply()
    assert "效益：✨ 其他 每月少用 200 度电" in preview.text
    await worker.press("✏️ 效益")
    assert (await worker.reply()).text.startswith("4\ufe0f\u20e3 主要能带来哪方面的效益")
    await answer(worker, "每月少用 300 度电", "效益：✨ 其他 每月少用 300 度电")
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert (draft.benefit, draft.benefit_text) == (BenefitCategory.OTHER, "每月少用 300 度电")
    await worker.press("📨 提交")
    await until(worker, "提交成功")
    line = (await services.proposals.mine(user_id=worker.id))[0]
    card = await services.proposals.card(proposal_id=line.id, viewer_id=worker.id)
    assert (card.benefit, card.benefit_text) == (BenefitCategory.OTHER, "每月少用 300 度电")


async def test_numbers_have_no_gap_when_a_voice_note_tells_problem_and_solution(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A voice note for the problem skips the solution: the benefit is 3 and no number is missed."""
    async with services.db.session() as session:
        session.add(Studio(name="Gao Innovation Studio"))
    worker = await person(emulator, services, "Gao", lang="en")
    await worker.send("/idea")
    first = await worker.reply()
    assert "8 short steps: title, the problem you saw, your solution" in first.text
    assert "the studio to take it, whether to stay anonymous." in first.text
    assert "\n\n1\ufe0f\u20e3 Give it a short title" in first.text
    seen = [1]
    await worker.send("Drill chuck slips")
    assert "problem" in (await asked(worker, seen)).text
    await worker.send_voice(OGG)
    assert "Voice note received" in (await worker.reply()).text
    benefit = await asked(worker, seen)
    assert "improve" in benefit.text
    await worker.press("🎯 Quality")
    assert "expected effect" in (await asked(worker, seen)).text
    for expect in ("photos", "Anything to add", "studio"):
        await worker.press("Skip")
        assert expect in (await asked(worker, seen)).text
    await worker.press("Gao Innovation Studio")
    assert "anonymously" in (await asked(worker, seen)).text
    assert seen == [1, 2, 3, 3, 4, 5, 6, 7]


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
    """A proposal sent to a studio: its leader is told in their language, the worker that it was."""
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
    submitted = await until(worker, "Submitted!")
    assert "The leader of “Liu Craftsman Studio” has been told." in submitted.text

    told = await leader.reply()
    assert "工作室" in told.text
    assert "Coolant splashes on the floor" in told.text
    assert "/review" in told.text
