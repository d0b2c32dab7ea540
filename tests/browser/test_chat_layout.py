"""The web chat on a phone keeps the newest message in sight and tells the bot's time."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.async_api import Browser, expect
from telegram import ReplyKeyboardMarkup

from bot.sandbox.run import Sandbox
from tests.browser.conftest import (
    CHROMIUM,
    PHONE,
    Person,
    add_person,
    assert_bot_time,
    assert_newest_in_sight,
    phone_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]


def _tall_png() -> bytes:
    """A photo taller than the chat, so that it grows the list a lot when it loads."""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 900), (230, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


async def _chatter(sandbox: Sandbox, person: Person, count: int) -> None:
    """Enough messages from the bot that the chat scrolls."""
    assert sandbox.app is not None
    for number in range(1, count + 1):
        await sandbox.app.bot.send_message(person.id, f"第 {number} 条消息\n第二行\n第三行")
    await person.sees(f"第 {count} 条消息")


async def test_the_newest_message_stays_in_sight_as_keyboards_and_photos_arrive(
    browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """A reply keyboard that appears and a tall photo that loads never hide the newest message."""
    page = await phone_page(browser, sandbox, script_errors)
    worker = await add_person(page, "周师傅")
    await worker.chat.locator(".start-button").click()
    await worker.sees("哪家企业")
    await _chatter(sandbox, worker, 12)
    await assert_newest_in_sight(worker)
    assert sandbox.app is not None
    bot = sandbox.app.bot
    rows = [["甲", "乙"], ["丙", "丁"], ["戊", "己"], ["庚", "辛"]]
    await bot.send_message(worker.id, "请选一个", reply_markup=ReplyKeyboardMarkup(rows))
    await expect(worker.chat.locator(".reply-row button", has_text="庚")).to_be_visible()
    await worker.sees("请选一个")
    await assert_newest_in_sight(worker)

    await bot.send_photo(worker.id, _tall_png(), caption="设备铭牌")
    photo = (await worker.sees("设备铭牌")).locator("img.photo")
    await expect(photo).to_have_js_property("complete", True)
    await page.wait_for_timeout(100)  # the scroll that follows a load is the next frame's
    await assert_newest_in_sight(worker)

    messages = worker.chat.locator(".messages")
    await messages.evaluate("box => { box.scrollTop = 0; }")
    await page.wait_for_timeout(100)
    await bot.send_message(worker.id, "读旧消息时来的新消息")
    await worker.sees("读旧消息时来的新消息")
    assert await messages.evaluate("box => box.scrollTop") < 50  # the reader is left in place


async def test_bubble_times_are_the_bots_time_not_the_browsers(
    browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """A browser set to New York shows the times of Beijing, where the bot's people are."""
    page = await phone_page(browser, sandbox, script_errors)
    assert await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") != (
        sandbox.settings.timezone
    )
    worker = await add_person(page, "吴师傅")
    await worker.chat.locator(".start-button").click()
    await worker.sees("哪家企业")
    await assert_bot_time(sandbox, worker)
    box = await worker.chat.bounding_box()
    assert box is not None
    assert box["width"] == PHONE["width"]
