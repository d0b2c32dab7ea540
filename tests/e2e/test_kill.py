"""``kill -9`` right after a reply, then a restart: every answer lands in its field, once.

The bot is a real ``engage run`` process (on SQLite and on PostgreSQL) killed with SIGKILL the
moment a reply reaches the chat: the update behind it may be committed or not, its done mark
written or not. The restarted process must take its predecessor's updates back at once and
neither apply an answer twice nor take it as the answer to the next question. A reply sent
just before the kill may come once more (docs/deploy.md); nothing else may.
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models.proposals import ProposalStatus
from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.e2e.cluster import start_process, stop_process
from tests.e2e.proposals_helpers import PNG
from tests.services.proposal_helpers import person as registered
from tests.services.proposal_helpers import submit

pytestmark = pytest.mark.slow
RESTART_ANSWER = 5.0  # seconds from the restart to the first answer


class Killable:
    """``engage run`` (polling, one process) that a test kills and starts again."""

    def __init__(self, emulator: Emulator, database_url: str, folder: Path) -> None:
        self.emulator = emulator
        self.env = {
            "ENGAGE_BOT_TOKEN": emulator.bot_token,
            "ENGAGE_BOT_API_URL": emulator.base_url,
            "ENGAGE_DATABASE_URL": database_url,
            "ENGAGE_LOG_LEVEL": "INFO",
            # Paced below the emulator's per-chat limit, as every test bot is.
            "ENGAGE_PER_CHAT_RATE": str(emulator.limiter.chat_rate),
            "ENGAGE_PER_CHAT_BURST": str(max(1, emulator.limiter.chat_burst - 1)),
        }
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None
        self.restarted_at = 0.0
        self.kills = 0

    async def start(self) -> None:
        """Start the process and wait until it runs."""
        import os

        self.restarted_at = asyncio.get_running_loop().time()
        self.process = await start_process(
            ["run"], {**os.environ, **self.env}, self.folder / "bot.log", cwd=self.folder
        )

    async def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.emulator.bot.abandon_poll()
        self.kills += 1

    async def stop(self) -> None:
        """Stop cleanly at the end of the test."""
        if self.process is not None:
            await stop_process(self.process)


@pytest.fixture
async def process(emulator: Emulator, database_url: str, tmp_path: Path) -> AsyncIterator[Killable]:
    """The bot as a process of its own."""
    bot = Killable(emulator, database_url, tmp_path)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class Person:
    """A user of a bot that dies after each of their steps; reads replies, allowing one repeat."""

    def __init__(self, user: SimUser, bot: Killable) -> None:
        self.user = user
        self.bot = bot
        self.before_kill: str | None = None
        self.repeats = 0

    async def expect(self, text: str, *, within: int = 6) -> str:
        """The next message containing ``text``; a copy of the one before the kill is skipped."""
        seen = []
        for _ in range(within):
            message = (await self.user.reply(timeout=RESTART_ANSWER)).text
            if message == self.before_kill and not seen:
                self.repeats += 1
                self.before_kill = None
                continue
            if text in message:
                return message
            seen.append(message)
        raise AssertionError(f"expected {text!r}, got {seen}")

    async def crash(self) -> None:
        """The bot dies the moment the last reply arrived, and is started again."""
        history = self.user.history
        self.before_kill = history[-1].text if history else None
        await self.bot.kill()
        await self.bot.start()

    async def answer_after_restart(self, action: object, text: str) -> str:
        """Act right after a restart; the answer must come within :data:`RESTART_ANSWER`."""
        await action  # type: ignore[misc]
        reply = await self.expect(text)
        waited = asyncio.get_running_loop().time() - self.bot.restarted_at
        assert waited < RESTART_ANSWER, f"the first answer took {waited:.1f}s after the restart"
        return reply


async def test_onboarding_killed_after_every_answer_resumes_at_the_next_question(
    emulator: Emulator, process: Killable, services: Services
) -> None:
    """Killed after each reply, the bot asks each question once and keeps each answer in place."""
    worker = Person(emulator.user("孙师傅", lang="zh"), process)
    await worker.user.send("/start")
    await worker.expect("孙师傅")
    await worker.expect("哪家企业")
    for answer, question in (
        ("中铁一局五公司", "没有找到"),  # a name nobody has: added only when confirmed
        (lambda: worker.user.press("➕ 添加新企业：中铁一局五公司"), "车间"),
        ("隧道施工队", "工种"),
        ("盾构机司机", "设置完成"),
    ):
        await worker.crash()
        action = worker.user.send(answer) if isinstance(answer, str) else answer()
        await worker.answer_after_restart(action, question)
    profile = await services.users.profile(user_id=worker.user.id)
    assert profile is not None
    assert (profile.enterprise, profile.department, profile.occupation) == (
        "中铁一局五公司",
        "隧道施工队",
        "盾构机司机",
    )
    assert worker.repeats <= process.kills


async def test_a_proposal_killed_after_the_title_and_after_a_photo_keeps_every_field(
    emulator: Emulator, process: Killable, services: Services
) -> None:
    """Kills after the title and after a photo: one photo, every answer in its own field."""
    await registered(services, 7_300_000_001, "王师傅", "zh", enterprise="宝鸡石油机械")
    await services.preferences.set_quiet_hours(user_id=7_300_000_001, start=0, end=0)
    worker = Person(emulator.user("王师傅", lang="zh", user_id=7_300_000_001), process)
    await worker.user.send("/idea")
    await worker.expect("标题")
    await worker.user.send("焊接工装快速定位")
    await worker.expect("问题")
    await worker.crash()
    await worker.answer_after_restart(worker.user.send("换型找正慢"), "办法")
    await worker.user.send("用定位销和快换夹具")
    await worker.expect("效益")
    await worker.user.press("⚡ 效率")
    await worker.expect("")
    await worker.user.send("每班节省 30 分钟")
    await worker.expect("照片")
    await worker.user.send_photo(PNG)
    await worker.expect("1/5")
    await worker.crash()
    await worker.answer_after_restart(worker.user.press("✅ 完成（1 张）"), "语音")
    await worker.user.press("跳过")
    await worker.expect("匿名")
    await worker.user.press("🙋 署名提交")
    await worker.expect("提交前")
    await worker.user.press("📨 提交")
    await worker.expect("提交成功")

    mine = (await services.proposals.mine(user_id=worker.user.id))[0]
    card = await services.proposals.card(proposal_id=mine.id, viewer_id=worker.user.id)
    assert (card.title, card.problem, card.solution, card.benefit_text) == (
        "焊接工装快速定位",
        "换型找正慢",
        "用定位销和快换夹具",
        "每班节省 30 分钟",
    )
    assert len(card.photos) == 1
    assert card.status == ProposalStatus.SUBMITTED


async def test_a_review_killed_after_the_accept_press_and_after_the_comment_decides_once(
    emulator: Emulator, process: Killable, services: Services
) -> None:
    """The comment lands after a kill at the prompt; a kill after the decision decides nothing."""
    author_id, reviewer_id = 7_300_000_011, 7_300_000_012
    await registered(services, author_id, "王师傅", "zh", enterprise="宝鸡石油机械")
    await registered(services, reviewer_id, "张劳模", "zh", role=Role.MODEL_WORKER)
    for someone in (author_id, reviewer_id):
        await services.preferences.set_quiet_hours(user_id=someone, start=0, end=0)
    moved = await submit(services, author_id)
    author = emulator.user("王师傅", lang="zh", user_id=author_id)
    author.started = True  # they wrote to the bot before
    reviewer = Person(emulator.user("张劳模", lang="zh", user_id=reviewer_id), process)

    await reviewer.user.send("/review")
    await reviewer.expect(moved.number)
    await reviewer.user.press("✅ 采纳")
    await reviewer.expect("确定采纳")
    await reviewer.crash()
    await reviewer.answer_after_restart(reviewer.user.send("先在二号线试点"), "✅ 已采纳")
    await reviewer.crash()
    await reviewer.answer_after_restart(reviewer.user.send("/myideas"), "")

    news = [m.text for m in author.history if "已被采纳" in m.text]
    assert news, "the author heard of it"
    assert len(news) <= 2, news  # once, or once more if the kill hid its done mark
    view = await services.proposals.card(proposal_id=moved.proposal_id, viewer_id=author_id)
    assert [(h.to_status, h.comment) for h in view.history] == [
        (ProposalStatus.SUBMITTED, None),
        (ProposalStatus.ACCEPTED, "先在二号线试点"),
    ]
    assert await services.points.total(user_id=author_id) == 20 + 5
    assert re.search(r"№\d{4}-\d{4}", news[0])
