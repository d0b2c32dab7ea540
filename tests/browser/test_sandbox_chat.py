"""The sandbox's web chat in Chromium: people chat with the real bot as they would in Telegram."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.config import Settings
from bot.content import load
from bot.models.users import Role
from bot.sandbox.demo import PEOPLE, PROPOSALS, REVIEWER, seed
from bot.sandbox.run import Sandbox
from bot.services import Services
from tests.browser.conftest import (
    CHROMIUM,
    DESKTOP,
    PHONE,
    Person,
    add_person,
    open_page,
    png_bytes,
    propose,
    register,
    screenshot_path,
)
from tests.conftest import CONTENT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk",
    ),
    # Decisions reach authors at once only outside their quiet hours.
    pytest.mark.usefixtures("daytime"),
]

CATALOGUE = load(CONTENT)
FORMATTED = (
    "<b>粗体</b> <i>斜体</i> <u>下划线</u> <s>删除线</s> <tg-spoiler>谜底</tg-spoiler>\n"
    '<a href="https://example.org/a?b=1&amp;c=2">链接</a> 和 <code>code()</code>\n'
    '<pre><code class="language-python">print("你好")</code></pre>'
    "<blockquote>劳模精神</blockquote>"
    "&lt;img src=x onerror=alert(1)&gt; <b>加粗里有 <i>斜体</i></b>"
)


async def test_a_worker_registers_and_uses_the_menus_on_a_phone(phone: Page) -> None:
    """At 390×844 a new worker taps START, registers, then uses the reply keyboard and the menu."""
    worker = await add_person(phone, "王师傅")
    await expect(worker.chat.locator(".start-button")).to_have_text("开始")
    await register(worker)
    await expect(worker.chat.locator(".reply-row button", has_text="📚 学习")).to_be_visible()
    await worker.tap_key("❓ 帮助")
    await worker.sees("可以使用的功能")
    await worker.chat.locator(".menu-button").click()
    await worker.chat.locator(".commands-popup button", has_text="/profile").click()
    card = await worker.sees("焊接车间")
    await expect(card).to_contain_text("宝鸡石油机械有限责任公司")
    await phone.screenshot(path=screenshot_path("sandbox-registered-390"))


async def test_bot_formatting_media_and_edits_are_drawn_like_telegram(
    phone: Page, sandbox: Sandbox
) -> None:
    """Entities become formatting, never raw HTML; photos and files show; edits redraw a bubble."""
    worker = await add_person(phone, "李师傅")
    await worker.chat.locator(".start-button").click()
    await worker.sees("哪家企业")
    assert sandbox.app is not None
    bot = sandbox.app.bot
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("官网", url="https://example.org/")],
            [InlineKeyboardButton("打开沙盒里的机器人", url="https://t.me/engage_bot?start=hello")],
        ]
    )
    sent = await bot.send_message(
        worker.id, FORMATTED, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    bubble = await worker.sees("劳模精神")
    text = bubble.locator(".text")
    await expect(text.locator("strong").first).to_have_text("粗体")
    await expect(text.locator("em").first).to_have_text("斜体")
    await expect(text.locator("u")).to_have_text("下划线")
    await expect(text.locator("s")).to_have_text("删除线")
    await expect(text.locator("a", has_text="链接")).to_have_attribute(
        "href", "https://example.org/a?b=1&c=2"
    )
    await expect(text.locator("code").first).to_have_text("code()")
    await expect(text.locator("pre")).to_have_attribute("data-language", "python")
    await expect(text.locator("blockquote")).to_have_text("劳模精神")
    await expect(text.locator("strong em")).to_have_text("斜体")
    await expect(text).to_contain_text("<img src=x onerror=alert(1)>")
    assert await text.locator("img").count() == 0

    spoiler = text.locator(".spoiler")
    await expect(spoiler).not_to_have_class("spoiler revealed")
    await spoiler.click()
    await expect(spoiler).to_have_class("spoiler revealed")

    await bubble.locator("button.url", has_text="官网").click()
    dialog = phone.locator("#alert-dialog")
    await expect(dialog.locator(".alert-text")).to_contain_text("https://example.org/")
    await dialog.locator(".alert-cancel").click()
    await bubble.locator("button.url", has_text="打开沙盒里的机器人").click()
    await expect(worker.chat.locator(".msg.out", has_text="/start hello")).to_be_visible()

    await bot.edit_message_text(
        "<b>已更新</b>", worker.id, sent.message_id, parse_mode=ParseMode.HTML
    )
    edited = worker.chat.locator(f'.msg[data-mid="{sent.message_id}"]')
    await expect(edited.locator(".text")).to_contain_text("已更新")  # waits for the redraw
    await expect(edited.locator(".text strong")).to_have_text("已更新")
    await expect(edited.locator(".meta")).to_contain_text("已编辑")
    await expect(edited.locator(".inline-row")).to_have_count(0)

    caption = "<i>车间照片</i>"
    await bot.send_photo(worker.id, png_bytes(), caption=caption, parse_mode=ParseMode.HTML)
    photo = (await worker.sees("车间照片")).locator("img.photo")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("img => img.complete && img.naturalWidth") == 320
    await bot.send_document(worker.id, "焊接参数表\n".encode(), filename="参数表.txt")
    document = worker.last.locator("a.file")
    await expect(document).to_have_attribute("download", "参数表.txt")
    await expect(document.locator(".file-name")).to_have_text("参数表.txt")
    await phone.screenshot(path=screenshot_path("sandbox-formatting-390"))


async def test_photo_voice_and_document_go_up_from_the_file_picker(
    phone: Page, sandbox: Sandbox, uploads: dict[str, Path]
) -> None:
    """Files picked in the attach menu reach the bot as a photo, a voice note and a document."""
    worker = await add_person(phone, "赵工")
    await worker.chat.locator(".start-button").click()
    await worker.sees("哪家企业")
    user = sandbox.emulator.user_by_id(worker.id)
    assert user is not None
    sent = worker.chat.locator(".msg.out.media")
    labels = {"photo": "照片", "voice": "语音", "document": "文件"}
    for count, (kind, label) in enumerate(labels.items(), start=1):
        await worker.chat.locator(".attach").click()
        async with phone.expect_file_chooser() as chooser:
            await worker.chat.locator(".attach-popup button", has_text=label).click()
        await (await chooser.value).set_files(uploads[kind])
        await expect(sent).to_have_count(count)
        mine = [m for m in user.messages.values() if m["from"]["id"] == worker.id]
        assert kind in mine[-1]
    await user.settle()
    await expect(worker.chat.locator(".msg.out img.photo")).to_be_visible()
    await expect(worker.chat.locator(".msg.out audio")).to_have_count(1)
    await expect(worker.chat.locator(".msg.out a.file .file-name")).to_have_text("改进方案.txt")


async def test_changing_role_in_the_page_grants_it_and_updates_the_menu(
    phone: Page, services: Services
) -> None:
    """Choosing 管理员 in the person's bar grants admin; /grant joins their command menu."""
    staff = await add_person(phone, "刘芳")
    await staff.chat.locator(".start-button").click()
    await staff.sees("哪家企业")
    menu = staff.chat.locator(".commands-popup button")
    await expect(menu.filter(has_text="/grant")).to_have_count(0)
    await staff.chat.locator(".owner-role").select_option("admin")
    await expect(phone.locator(f'.chip[data-person-id="{staff.id}"] .chip-role')).to_have_text(
        "管理员"
    )
    await expect(menu.filter(has_text="/grant")).to_have_count(1)
    assert Role.ADMIN in await services.users.roles(user_id=staff.id)


async def test_people_sit_side_by_side_on_a_desk_and_switch_on_a_phone(
    browser: Browser, sandbox: Sandbox, phone: Page, script_errors: list[str]
) -> None:
    """Two chats sit next to each other at desktop width; on a phone the chips switch them."""
    desk = await open_page(browser, sandbox, DESKTOP, script_errors)
    first = await add_person(desk, "王师傅")
    second = await add_person(desk, "Li Wei", lang="en", role="reviewer")
    left, right = await first.chat.bounding_box(), await second.chat.bounding_box()
    assert left is not None
    assert right is not None
    assert left["x"] + left["width"] <= right["x"]
    await expect(first.chat).to_be_visible()

    await phone.reload()
    chats = phone.locator(".chat:visible")
    await expect(chats).to_have_count(1)
    await expect(chats).to_have_attribute("data-person-id", str(second.id))
    await phone.locator(f'.chip[data-person-id="{first.id}"]').click()
    await expect(chats).to_have_attribute("data-person-id", str(first.id))
    box = await chats.bounding_box()
    assert box is not None
    assert box["width"] == PHONE["width"]


def _right_letters(question_text: str) -> list[str]:
    """The letters of the right options of the quiz question shown in ``question_text``."""
    question = next(
        q
        for course in CATALOGUE.courses
        for q in course.questions
        if q.text.text("zh") in question_text
    )
    return ["ABCDEF"[i] for i, option in enumerate(question.options) if option.correct]


async def read_on(worker: Person) -> None:
    """Press "下一部分 ▶" under each part of the open lesson until its last part is shown."""
    next_part = worker.last.locator(".inline-row button", has_text="下一部分 ▶")
    while await next_part.count():
        shown = await worker.incoming.count()
        await next_part.click()
        await expect(worker.incoming).not_to_have_count(shown)


async def test_a_worker_learns_proposes_and_a_reviewer_sees_it_arrive(
    phone: Page, uploads: dict[str, Path]
) -> None:
    """On a phone: register, read a lesson, answer a quiz question, propose; a reviewer gets it."""
    worker = await add_person(phone, "王师傅")
    await register(worker)
    await worker.tap_key("📚 学习")
    await worker.press("▫️ 0/4 劳模精神与工匠精神")
    await worker.sees("已学完 0/4 课")
    await worker.press("📖 1.", prefix=True)
    await worker.sees("第 1/4 课")
    await read_on(worker)
    await expect(worker.last.locator(".inline-row button", has_text="下一课 ▶️")).to_be_visible()
    await phone.screenshot(path=screenshot_path("sandbox-lesson-390"))
    await worker.press("下一课 ▶️")
    await expect(worker.chat.locator(".toast")).to_have_text("✅ 学完一课，+10 积分")
    await worker.sees("第 2/4 课")
    await worker.press("📝 测验")
    question = await worker.sees("📝 第 1/")
    for letter in _right_letters(await question.inner_text()):
        await worker.press(letter)
    await expect(question.locator(".text")).to_contain_text("💡")
    await expect(question.locator(".meta")).to_contain_text("已编辑")
    await worker.press("下一题 ▶")  # the explanation stays until the learner moves on
    await worker.sees("📝 第 2/")
    await phone.screenshot(path=screenshot_path("sandbox-quiz-390"))

    title = "焊接工装加快速定位销"
    await propose(worker, title, photo=uploads["photo"])
    submitted = await worker.sees("提交成功")
    number = (await submitted.inner_text()).split("№")[1].split()[0][:9]
    await phone.screenshot(path=screenshot_path("sandbox-proposal-390"))

    reviewer = await add_person(phone, "赵明", role="reviewer")
    await reviewer.chat.locator(".start-button").click()
    await reviewer.sees("哪家企业")
    await reviewer.send("/cancel")
    await reviewer.sees("已停止")
    await reviewer.chat.locator(".menu-button").click()
    await reviewer.chat.locator(".commands-popup button", has_text="/review").click()
    card = await reviewer.sees(number)
    await expect(card).to_contain_text(title)
    await expect(reviewer.chat.locator(".msg.in img.photo")).to_be_visible()
    await phone.screenshot(path=screenshot_path("sandbox-review-390"))
    await reviewer.press("✅ 采纳")
    await reviewer.sees("确定采纳")
    await reviewer.press("✅ 不写评语，直接采纳")

    await worker.show()
    accepted = await worker.sees("已被采纳")
    await expect(accepted).to_contain_text(number)


@pytest.fixture
async def seeded(settings: Settings) -> None:
    """The database after ``engage demo seed``."""
    services = Services.build(settings)
    try:
        await seed(services)
    finally:
        await services.close()


async def test_the_demo_cast_is_waiting_and_a_decision_reaches_the_author_live(
    seeded: None, browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """After ``engage demo seed`` the cast is in the page; a reviewer accepts; the author hears."""
    desk = await open_page(browser, sandbox, DESKTOP, script_errors)
    chips = desk.locator(".chip[data-person-id]")
    await expect(chips).to_have_count(len(PEOPLE))
    reviewer = Person(desk, REVIEWER.id, REVIEWER.name)
    author = Person(desk, PROPOSALS[0].author.id, PROPOSALS[0].author.name)
    await reviewer.show()
    await expect(reviewer.chat.locator(".start-button")).to_be_hidden()
    await reviewer.send("/review")
    await expect(await reviewer.sees(PROPOSALS[0].title)).to_contain_text("№")
    await reviewer.press("✅ 采纳")
    await reviewer.sees("确定采纳")
    comment = "先在一号线试用"
    await reviewer.send(comment)
    await author.show()
    accepted = await author.sees("已被采纳")
    await expect(accepted).to_contain_text(PROPOSALS[0].title)
    await expect(accepted).to_contain_text(comment)
    await desk.screenshot(path=screenshot_path("sandbox-demo-desktop"))
