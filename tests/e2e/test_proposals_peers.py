"""Authors follow their proposals, colleagues support and comment, admins export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from bot.models.proposals import ProposalStatus
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import answer, download, person, until
from tests.services.proposal_helpers import submit

# Proposal updates are pushes, held during quiet hours: run at ten in the morning.
pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001
TITLE = "<b>焊接</b> & 返工 🔥"
PROBLEM = "a < b && c > d 😀 返工率 <i>高</i>"
SOLUTION = "用 <script>x</script> 夹具 &amp; 定位销 👍"
BENEFIT = "省 30% 成本 & <3 小时"


async def test_special_characters_survive_to_the_reviewer_and_the_export(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """HTML-special characters, emoji and Chinese reach the reviewer and both exports as typed."""
    worker = await person(emulator, services, "<王> & 师傅")
    await worker.send("/idea")
    await worker.reply()
    for text, expect in ((TITLE, "问题"), (PROBLEM, "办法"), (SOLUTION, "效益")):
        await answer(worker, text, expect)
    await worker.press("💰 降本")
    await worker.reply()
    await answer(worker, BENEFIT, "照片")
    for _ in range(2):
        await worker.press("跳过")
        await worker.reply()
    await worker.press("🙋 署名提交")
    preview = await worker.reply()
    assert all(value in preview.text for value in (TITLE, PROBLEM, SOLUTION, BENEFIT))
    await worker.press("📨 提交")
    await until(worker, "提交成功")

    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/review")
    card = await until(admin, "To review")
    assert all(value in card.text for value in (TITLE, PROBLEM, SOLUTION, BENEFIT, "<王> & 师傅"))

    await admin.send("/export_ideas")
    sheet = load_workbook(io.BytesIO(download(emulator, await admin.reply()))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [str(cell.value) for cell in sheet[2]], strict=True))
    assert (row["Title"], row["Problem"], row["Solution"], row["Expected benefit"]) == (
        TITLE,
        PROBLEM,
        SOLUTION,
        BENEFIT,
    )
    assert row["Author"] == "<王> & 师傅"
    assert row["Status"] == "submitted"  # the admin read the card: that decided nothing
    assert "draft → submitted" in row["History"]
    assert "under review" not in row["History"]

    await admin.send("/export_ideas csv")
    data = download(emulator, await admin.reply())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["Title"] == TITLE
    assert rows[0]["Problem"] == PROBLEM


async def test_author_withdraws_from_myideas(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/myideas shows the proposal and its history; withdrawing takes it out of the review queue."""
    worker = await person(emulator, services, "郑师傅")
    reviewer = await person(
        emulator, services, "Reviewer", lang="en", role=Role.REVIEWER, enterprise=None
    )
    moved = await submit(services, worker.id, title="照明改成 LED")
    await worker.send("/myideas")
    listing = await worker.reply()
    await worker.press(
        next(text for row in listing.buttons for text, _ in row if moved.number in text)
    )
    card = await worker.reply()
    assert "照明改成 LED" in card.text
    assert "已提交" in card.text
    await worker.press("↩️ 撤回")
    await worker.reply()
    await worker.press("✅ 确认")
    assert "已撤回" in (await worker.reply()).text
    await reviewer.send("/review")
    assert "Nothing waiting" in (await reviewer.reply()).text
    assert (await services.proposals.mine(user_id=worker.id))[0].status == ProposalStatus.WITHDRAWN


async def test_anonymous_author_is_hidden_then_steps_forward(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Only the admin sees an anonymous author; once accepted, the author steps forward."""
    worker = await person(emulator, services, "冯师傅")
    colleague = await person(emulator, services, "Ma", lang="en")
    reviewer = await person(emulator, services, "蒋劳模", role=Role.MODEL_WORKER, enterprise=None)
    moved = await submit(services, worker.id, title="叉车盲区提醒", anonymous=True)
    await reviewer.send("/review")
    card = await until(reviewer, "叉车盲区提醒")
    assert "提出人：匿名" in card.text
    assert "冯师傅" not in card.text
    admin = emulator.user("Admin", lang="en", user_id=ADMIN_ID)
    await admin.send("/review")
    assert "冯师傅 (submitted anonymously)" in (await until(admin, "叉车盲区提醒")).text
    await reviewer.press("✅ 采纳")
    await until(reviewer, "确定采纳")
    await reviewer.press("✅ 不写评语，直接采纳")
    news = await until(worker, "已被采纳")
    assert "评审" not in news.text  # no scores, no comment: nothing more to say
    assert await services.points.total(user_id=worker.id) == 0

    await colleague.send("/ideas")
    await colleague.press(
        next(
            text
            for row in (await colleague.reply()).buttons
            for text, _ in row
            if moved.number in text
        )
    )
    assert "Author: anonymous" in (await colleague.reply()).text

    await worker.press("📂 查看")
    await worker.reply()
    await worker.press("🙋 署名领取表彰")
    assert "已署名" in (await worker.reply()).text
    assert await services.points.total(user_id=worker.id) == 25


async def test_colleague_comments_and_the_author_is_told(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A comment appears on the card and reaches the author in the author's language."""
    worker = await person(emulator, services, "Han", lang="en")
    colleague = await person(emulator, services, "韩师傅")
    moved = await submit(services, worker.id, title="Shorter tool changes")
    await colleague.send("/ideas")
    await colleague.press(
        next(
            text
            for row in (await colleague.reply()).buttons
            for text, _ in row
            if moved.number in text
        )
    )
    await colleague.reply()
    await colleague.press("💬 留言")
    assert "留言" in (await colleague.reply()).text
    await colleague.send("可以先在二号线试点 👍")
    assert "留言已发布" in (await colleague.reply()).text
    told = await worker.reply()
    assert "commented on your proposal" in told.text
    assert "可以先在二号线试点 👍" in told.text
    view = await services.proposals.card(proposal_id=moved.proposal_id, viewer_id=worker.id)
    assert view.comments == (("韩师傅", "可以先在二号线试点 👍"),)


async def test_innovation_stars_of_the_month(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The board ranks this month's proposal points in the enterprise."""
    worker = await person(emulator, services, "星星")
    reviewer = await person(emulator, services, "评审", role=Role.REVIEWER, enterprise=None)
    moved = await submit(services, worker.id, title="节能风机改造")
    await services.proposals.move(
        proposal_id=moved.proposal_id, actor_id=reviewer.id, to=ProposalStatus.ACCEPTED
    )
    await worker.send("/ideas")
    await worker.reply()
    await worker.press("🌟 创新之星")
    assert "1. 星星 — 25 分" in (await until(worker, "本月创新之星")).text
