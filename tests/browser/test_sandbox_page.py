"""The sandbox page on a phone: room to read, long messages from their start, a live header."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect
from telegram import ReplyKeyboardMarkup

from bot.config import Settings
from bot.sandbox.demo import ORGANISER, PEOPLE, seed
from bot.sandbox.run import Sandbox
from bot.services import Services
from tests.browser.conftest import (
    CHROMIUM,
    PHONE,
    Person,
    add_person,
    assert_newest_in_sight,
    open_page,
    phone_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
    pytest.mark.usefixtures("daytime"),
]
KEYS = [["甲", "乙"], ["丙", "丁"], ["戊", "己"], ["庚", "辛"]]


@pytest.fixture
async def seeded(settings: Settings) -> None:
    """The database after ``engage demo seed``: eight people, so the chips take two rows."""
    services = Services.build(settings)
    try:
        await seed(services)
    finally:
        await services.close()


async def _box(page: Page, selector: str) -> dict[str, float]:
    box = await page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


async def test_the_chat_gets_most_of_a_phone_under_the_header_and_keyboard(
    seeded: None, browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """With the whole demo cast and the main menu keyboard, 60 % of 390×844 is left to read."""
    page = await open_page(browser, sandbox, PHONE, script_errors)
    await expect(page.locator(".chip[data-person-id]")).to_have_count(len(PEOPLE))
    worker = Person(page, PEOPLE[0].id, PEOPLE[0].name)
    await worker.show()
    await worker.send("/start")
    await worker.sees("欢迎回来")
    await expect(worker.chat.locator(".reply-row button", has_text="📚 学习")).to_be_visible()
    messages = await worker.chat.locator(".messages").bounding_box()
    assert messages is not None
    header = messages["y"]
    below = PHONE["height"] - (messages["y"] + messages["height"])
    print(f"390×844: header {header:.0f} px, composer and keyboard {below:.0f} px, "
          f"chat {messages['height']:.0f} px")  # fmt: skip
    assert messages["height"] >= 0.6 * PHONE["height"], (header, below, messages)
    assert (await _box(page, ".banner"))["height"] <= 30  # one line
    for chip in await page.locator(".chip[data-person-id]").all():
        await expect(chip).to_be_in_viewport()  # everyone still in sight
    await expect(worker.chat.locator(".owner-role")).to_be_visible()
    await expect(worker.chat.locator(".bot-name")).to_be_visible()


async def test_a_long_new_message_opens_at_its_beginning(
    browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """A message taller than the chat is shown from its first line, a short one whole."""
    page = await phone_page(browser, sandbox, script_errors)
    worker = await add_person(page, "钱师傅")
    await worker.chat.locator(".start-button").click()
    await worker.sees("哪家企业")
    assert sandbox.app is not None
    bot = sandbox.app.bot
    lines = "\n".join(f"第 {n} 段：焊接前检查焊机接地和电缆。" for n in range(1, 61))
    text = f"第一课 开头\n{lines}\n第一课 结尾"
    await bot.send_message(worker.id, text, reply_markup=ReplyKeyboardMarkup(KEYS))
    long = await worker.sees("第一课 结尾")
    await expect(worker.chat.locator(".reply-row button", has_text="庚")).to_be_visible()
    await page.wait_for_timeout(100)  # the keyboard's resize is followed in the next frame
    box = await worker.chat.locator(".messages").bounding_box()
    bubble = await long.bounding_box()
    assert box is not None
    assert bubble is not None
    assert bubble["height"] > box["height"]
    assert box["y"] - 1 <= bubble["y"] <= box["y"] + 16, (bubble, box)
    await assert_newest_in_sight(worker)

    messages = worker.chat.locator(".messages")
    await messages.evaluate("box => { box.scrollTop = box.scrollHeight; }")  # read to the end
    await page.wait_for_timeout(100)
    await bot.send_message(worker.id, "读完了吗？")
    await worker.sees("读完了吗？")
    await page.wait_for_timeout(100)
    await assert_newest_in_sight(worker)
    await bot.send_message(worker.id, f"第二课 开头\n{lines}")
    await worker.sees("第二课 开头")
    await page.wait_for_timeout(100)
    await assert_newest_in_sight(worker)
    first_line = worker.last.locator(".text")
    top = await first_line.bounding_box()
    assert top is not None
    box = await messages.bounding_box()
    assert box is not None
    assert box["y"] <= top["y"] < box["y"] + box["height"]


async def test_role_and_language_follow_grant_and_language_without_a_reload(
    seeded: None, browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """/grant @username in the admin's chat and /language in the worker's redraw both at once."""
    page = await open_page(browser, sandbox, PHONE, script_errors)
    await expect(page.locator(".chip[data-person-id]")).to_have_count(len(PEOPLE))
    worker = Person(page, PEOPLE[0].id, PEOPLE[0].name)
    chip = page.locator(f'.chip[data-person-id="{worker.id}"]')
    await expect(chip).to_have_attribute("title", f"{worker.name} · @wang_jianguo · 职工")
    admin = Person(page, ORGANISER.id, ORGANISER.name)
    await admin.show()
    await expect(admin.chat.locator(".owner-username")).to_have_text("@liu_fang")
    await admin.send("/grant @wang_jianguo reviewer")
    await admin.sees("确认给用户")
    await admin.press("✅ 确认")
    await admin.sees("已授予")
    await expect(chip.locator(".chip-role")).to_have_text("评审人")
    await expect(worker.chat.locator(".owner-role")).to_have_value("reviewer")

    await worker.show()
    await expect(worker.chat.locator(".owner-lang")).to_have_text("中文")
    await worker.send("/language")
    await worker.sees("请选择语言")
    await worker.press("English（英文）")
    await expect(worker.chat.locator(".owner-lang")).to_have_text("English")
    await expect(worker.chat.locator(".owner-role")).to_have_value("reviewer")


async def test_the_command_menu_leaves_its_button_in_sight(
    browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """Over a reply keyboard the command menu opens above the input field; its button closes it."""
    page = await phone_page(browser, sandbox, script_errors)
    worker = await add_person(page, "孙师傅")
    await worker.chat.locator(".start-button").click()
    await worker.sees("哪家企业")
    assert sandbox.app is not None
    await sandbox.app.bot.send_message(worker.id, "请选", reply_markup=ReplyKeyboardMarkup(KEYS))
    await expect(worker.chat.locator(".reply-row button", has_text="庚")).to_be_visible()
    button = worker.chat.locator(".menu-button")
    popup = worker.chat.locator(".commands-popup")
    await button.click()
    await expect(popup).to_be_visible()
    menu = await popup.bounding_box()
    place = await button.bounding_box()
    assert menu is not None
    assert place is not None
    assert menu["y"] + menu["height"] <= place["y"], (menu, place)
    head = await worker.chat.locator(".chat-head").bounding_box()
    assert head is not None
    assert menu["y"] >= head["y"]
    hit = await page.evaluate(
        "([x, y]) => Boolean(document.elementFromPoint(x, y)?.closest('.menu-button'))",
        [place["x"] + place["width"] / 2, place["y"] + place["height"] / 2],
    )
    assert hit, "the menu button is covered"
    await button.click()
    await expect(popup).to_be_hidden()
