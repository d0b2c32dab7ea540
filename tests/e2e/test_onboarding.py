"""A new worker meets the bot: /start, three questions, /profile, /language; in both languages."""

from __future__ import annotations

from bot.sandbox import Emulator
from bot.services import Services
from tests.conftest import BotRunner


async def test_start_onboarding_and_profile_in_chinese(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A worker registers in Chinese, answers three questions and sees the answers in /profile."""
    worker = emulator.user("王师傅", lang="zh-hans")
    await worker.send("/start")
    welcome = await worker.reply()
    assert "王师傅" in welcome.text
    question = await worker.reply()
    assert "哪家企业" in question.text
    await worker.send("宝鸡石油机械有限责任公司")
    assert "没有找到" in (await worker.reply()).text
    await worker.press("➕ 添加新企业：宝鸡石油机械有限责任公司")
    assert "新添加" in (await worker.reply()).text
    assert "车间" in (await worker.reply()).text
    await worker.send("焊接车间")
    assert "工种" in (await worker.reply()).text
    await worker.send("焊工")
    done = await worker.reply()
    assert "设置完成" in done.text
    assert done.reply_keyboard
    assert "📚 学习" in done.reply_keyboard[0]

    await worker.send("/profile")
    card = await worker.reply()
    assert "宝鸡石油机械有限责任公司" in card.text
    assert "焊接车间" in card.text
    assert "焊工" in card.text
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert profile.occupation == "焊工"


async def test_onboarding_in_english_with_picking_and_skipping(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """An English speaker picks an enterprise and skips the rest; each step says what it kept.

    The last message of onboarding is the one carrying the menu keyboard, so nothing the user
    should read is left above the keyboard when it opens.
    """
    await services.enterprises.named(name="Baoji Topda Titanium")
    worker = emulator.user("Li Wei", lang="en")
    await worker.send("/start")
    await worker.reply()
    question = await worker.reply()
    assert "which enterprise" in question.text
    await worker.press("Baoji Topda Titanium")
    assert (await worker.reply()).text == "✅ Enterprise: Baoji Topda Titanium"
    assert "workshop" in (await worker.reply()).text
    await worker.press("Skip")
    assert (await worker.reply()).text.startswith("⏭ Workshop/department left blank")
    assert "trade" in (await worker.reply()).text
    await worker.press("Skip")
    assert (await worker.reply()).text.startswith("⏭ Trade left blank")
    done = await worker.reply()
    assert "All set" in done.text
    assert done.reply_keyboard
    assert "📚 Learn" in done.reply_keyboard[0]
    await worker.settle()
    assert worker.last is not None
    assert worker.last.message_id == done.message_id
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert profile.enterprise == "Baoji Topda Titanium"
    assert profile.department is None


async def test_bad_answer_keeps_earlier_answers(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A sticker and an over-long answer are explained, the question repeats, nothing is lost."""
    worker = emulator.user("赵工", lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("西安航天动力")
    await worker.reply()
    await worker.press("➕ 添加新企业：西安航天动力")
    await worker.replies(2)
    await worker.send_sticker()
    assert "需要输入文字" in (await worker.reply()).text
    assert "车间" in (await worker.reply()).text
    await worker.send("车" * 65)
    assert "最多 64" in (await worker.reply()).text
    assert "车间" in (await worker.reply()).text
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert profile.enterprise == "西安航天动力"


async def test_restart_mid_onboarding_resumes_at_next_question(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """The bot restarts between two answers; the next answer lands on the right question."""
    worker = emulator.user("陈师傅", lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("陕西法士特")
    await worker.reply()
    await bot.restart()
    await worker.press("➕ 添加新企业：陕西法士特")
    assert "陕西法士特" in (await worker.reply()).text
    assert "车间" in (await worker.reply()).text
    await bot.restart()
    await worker.send("装配车间")
    assert "工种" in (await worker.reply()).text
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert (profile.enterprise, profile.department) == ("陕西法士特", "装配车间")


async def test_language_switch_changes_replies_and_menu(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """/language switches to English; the next replies and the menu are in English."""
    worker = emulator.user("周师傅", lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("/cancel")
    await worker.reply()
    await worker.send("/language")
    await worker.reply()
    await worker.press("English（英文）")
    assert "Switched to English" in (await worker.reply()).text
    menu = await worker.reply()
    assert menu.reply_keyboard
    assert "📚 Learn" in menu.reply_keyboard[0]
    await worker.send("/help")
    assert "What you can do" in (await worker.reply()).text
    found = await services.users.find(user_id=worker.id)
    assert found is not None
    assert found.locale == "en"


async def test_language_switch_changes_only_that_users_command_menu(
    emulator: Emulator, bot: BotRunner
) -> None:
    """A Chinese worker who picks English sees English commands; another worker keeps Chinese."""
    worker = emulator.user("周师傅", lang="zh")
    colleague = emulator.user("吴师傅", lang="zh")
    for person in (worker, colleague):
        await person.send("/start")
        await person.replies(2)
        await person.send("/cancel")
        await person.reply()
    assert (await worker.command_menu())["learn"] == "学习课程"
    await worker.send("/language")
    await worker.reply()
    await worker.press("English（英文）")
    await worker.replies(2)
    menu = await worker.command_menu()
    assert menu["learn"] == "Take a lesson"
    assert menu["help"] == "Everything the bot can do"
    assert (await colleague.command_menu())["learn"] == "学习课程"


async def test_a_newcomer_whose_client_has_no_language_gets_a_menu_in_the_bots(
    emulator: Emulator, bot: BotRunner
) -> None:
    """A client without a language shows the English fallback menu; the bot speaks Chinese."""
    worker = emulator.user("孙师傅", lang=None)
    await worker.send("/start")
    assert "孙师傅" in (await worker.reply()).text
    assert (await worker.command_menu())["learn"] == "学习课程"
    shared = {item["command"]: item["description"] for item in emulator.visible_commands("")}
    assert shared["learn"] == "Take a lesson"


async def test_html_in_a_name_is_shown_literally(emulator: Emulator, bot: BotRunner) -> None:
    """A name full of HTML-special characters is escaped, never parsed."""
    worker = emulator.user("<b>A&B</b>", lang="en")
    await worker.send("/start")
    welcome = await worker.reply()
    assert "<b>A&B</b>" in welcome.text


async def test_unknown_text_and_command_get_a_hint(emulator: Emulator, bot: BotRunner) -> None:
    """Text and commands the bot does not understand are answered with a pointer to /help."""
    worker = emulator.user("Sam", lang="en")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("/cancel")
    await worker.reply()
    await worker.send("/nonsense")
    assert "no such command" in (await worker.reply()).text
    await worker.send("hello?")
    assert "/help" in (await worker.reply()).text


async def test_a_restart_does_not_treat_a_newcomers_chat_as_onboarding_answers(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """Someone who wrote /help but never /start is not asked for an enterprise after a restart."""
    worker = emulator.user("赵师傅", lang="zh-hans")
    await worker.send("/help")
    assert "/learn" in (await worker.reply()).text
    await bot.restart()

    await worker.send("车间的空压机太吵了")
    assert "没太明白" in (await worker.reply()).text
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert profile.enterprise is None

    await worker.send("/start")
    assert "哪家企业" in (await worker.reply()).text


async def test_typing_part_of_a_name_finds_the_enterprise_and_adds_nothing(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """“宝鸡” lists the enterprises it is part of, each whole on its own row; nothing is created."""
    await services.enterprises.named(name="宝鸡石油机械有限责任公司")
    await services.enterprises.named(name="宝鸡钛业股份有限公司")
    await services.enterprises.named(name="陕西法士特")
    worker = emulator.user("周师傅", lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("宝鸡")
    found = await worker.reply()
    assert "相近的企业" in found.text
    names = [row[0][0] for row in found.buttons[:2]]
    assert sorted(names) == ["宝鸡石油机械有限责任公司", "宝鸡钛业股份有限公司"]
    assert all(len(row) == 1 for row in found.buttons[:2])
    assert "陕西法士特" not in found.button_texts
    await worker.press("宝鸡钛业股份有限公司")
    assert (await worker.reply()).text == "✅ 企业：宝鸡钛业股份有限公司"
    assert "车间" in (await worker.reply()).text
    profile = await services.users.profile(user_id=worker.id)
    assert profile is not None
    assert profile.enterprise == "宝鸡钛业股份有限公司"
    assert await services.enterprises.search(text="宝鸡") == await services.enterprises.search(
        text="宝鸡 "
    )
    assert [e.name for e in await services.enterprises.unverified()] == []


async def test_a_new_enterprise_needs_confirming_and_stays_out_of_the_list_until_checked(
    emulator: Emulator, bot: BotRunner, services: Services
) -> None:
    """A confirmed new name is the worker's enterprise, hidden from newcomers, listed for admins."""
    from bot.models.users import Role
    from tests.e2e.proposals_helpers import person

    await services.enterprises.named(name="陕西法士特")
    worker = emulator.user("吴师傅", lang="zh")
    await worker.send("/start")
    await worker.replies(2)
    await worker.send("秦川机床")
    offer = await worker.reply()
    assert "没有找到" in offer.text
    assert await services.enterprises.unverified() == []
    await worker.press("➕ 添加新企业：秦川机床")
    assert "秦川机床" in (await worker.reply()).text
    await worker.reply()

    newcomer = emulator.user("郑师傅", lang="zh")
    await newcomer.send("/start")
    question = (await newcomer.replies(2))[-1]
    assert question.button_texts[:1] == ["陕西法士特"]
    assert "秦川机床" not in question.button_texts

    admin = await person(emulator, services, "管理员", role=Role.ADMIN, enterprise=None)
    await admin.send("/enterprises")
    listing = await admin.reply()
    assert "待核对" in listing.text
    assert "秦川机床" in listing.text
    assert "陕西法士特" not in listing.text
    await newcomer.send("/enterprises")
    assert "秦川机床" not in (await newcomer.reply()).text
