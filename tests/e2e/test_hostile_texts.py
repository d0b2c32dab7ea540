"""Every first text step fed what a clumsy or hostile sender types: a clear answer, nothing broken.

NUL and other control characters are taken out where an update enters; a blank text is
answered "please write something" and the question stays; a text too long, HTML and
MarkdownV2 specials, emoji joined with ZWJ and right-to-left marks get the step's own answer.
No step raises, nobody is told "something went wrong", no stored string holds a NUL.
"""

from __future__ import annotations

import logging

import pytest

from bot.models.users import Role
from bot.sandbox import Emulator
from bot.sandbox.users import SimUser
from bot.services import Services
from tests.conftest import BotRunner
from tests.e2e.proposals_helpers import person
from tests.e2e.test_hostile_presses import snapshot

pytestmark = pytest.mark.usefixtures("daytime")

ADMIN_ID = 900001
HOSTILE = {
    "nul": "焊接\x00工装\x07定位",
    "blank": " \u3000\u200b\t ",
    "long": "长" * 5000,
    "html": "<b>粗</b> & <script>alert(1)</script> &#60; </i>",
    "markdown": "_*[]()~`>#+-=|{}.!\\ 明天9点",
    "emoji": "👩‍🔧 修理 \u200f\u202eRTL\u202c 👨‍👩‍👧 明天9点",
}
# A flow whose first answer is typed, the words its question contains, and who opens it.
FLOWS = [
    ("/idea", "标题", None),
    ("/remind", "提醒", None),
    ("/ask", "问题", None),
    ("/event_new", "活动", Role.ADMIN),
    ("/announce", "公告", Role.ADMIN),
]
APOLOGIES = ("出错", "没有保存", "went wrong")


async def feed(user: SimUser, command: str, question: str, text: str) -> list[str]:
    """Open the flow, type ``text`` as its first answer; the replies to it."""
    await user.send(command)
    opened = [await user.reply()]
    await user.settle(quiet=0.3)
    opened.extend(user.drain())
    assert any(question in m.text for m in opened), [m.text for m in opened]
    await user.send(text)
    replies = [await user.reply()]
    await user.settle(quiet=0.3)
    replies.extend(user.drain())
    await user.send("/cancel")
    await user.settle(quiet=0.3)
    user.drain()
    return [m.text for m in replies]


@pytest.mark.parametrize("kind", HOSTILE)
async def test_each_text_step_answers_a_hostile_text_clearly(
    emulator: Emulator,
    bot: BotRunner,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """Five flows' first question, and onboarding's, take each kind of hostile text."""
    worker = await person(emulator, services, "工人")
    admin = emulator.user("管理员", lang="zh", user_id=ADMIN_ID)
    await services.users.seen(user_id=ADMIN_ID, name="管理员", language_code="zh")
    await services.onboarding.finish(user_id=ADMIN_ID)
    text = HOSTILE[kind]
    for command, question, role in FLOWS:
        replies = await feed(admin if role else worker, command, question, text)
        assert replies, command
        assert not any(a in r for r in replies for a in APOLOGIES), (command, replies)
        if kind == "blank":
            assert any("请写点内容" in r for r in replies), (command, replies)

    newcomer = emulator.user("新来的", lang="zh")
    await newcomer.send("/start")
    await newcomer.settle(quiet=0.2)
    newcomer.drain()
    await newcomer.send(text)
    answer = await newcomer.reply()
    assert not any(a in answer.text for a in APOLOGIES), answer.text

    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    stored = await snapshot(services)
    assert not any(
        "\x00" in value
        for rows in stored.values()
        for row in rows
        for value in row
        if isinstance(value, str)
    )


async def test_later_text_steps_take_a_blank_and_a_nul_and_keep_their_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Onboarding's department, a proposal's problem, an event's description: blank, then NUL."""
    await services.enterprises.named(name="宝鸡石油机械有限责任公司")  # typed whole: picked
    newcomer = emulator.user("新来的", lang="zh")
    await newcomer.send("/start")
    await newcomer.settle(quiet=0.3)
    newcomer.drain()
    await newcomer.send("宝鸡石油机械有限责任公司")
    await newcomer.settle(quiet=0.3)
    newcomer.drain()
    await newcomer.send(HOSTILE["blank"])
    assert "请写点内容" in (await newcomer.reply()).text
    await newcomer.send("焊接\x00车间")
    await newcomer.settle(quiet=0.3)
    newcomer.drain()
    profile = await services.users.profile(user_id=newcomer.id)
    assert profile is not None
    assert profile.department == "焊接车间"

    worker = await person(emulator, services, "王师傅")
    await worker.send("/idea")
    await worker.settle(quiet=0.3)
    worker.drain()
    await worker.send("快速定位夹具")
    await worker.settle(quiet=0.3)
    worker.drain()
    await worker.send(HOSTILE["blank"])
    assert "请写点内容" in (await worker.reply()).text
    await worker.send("每次\x00换型都要找正")
    await worker.settle(quiet=0.3)
    draft = await services.proposal_drafts.current(user_id=worker.id)
    assert draft is not None
    assert draft.problem == "每次换型都要找正"
