"""A first hour on a phone: the demo seeded into a running sandbox, then worker, reviewer, admin.

The screenshots are the ones the README and docs/sandbox.md show; with
``REFRESH_DOCS_IMAGES=1`` they are written to ``docs/images/``, otherwise to
``tests/artifacts/`` so that a test run leaves the documentation alone.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from bot.config import Settings
from bot.sandbox.demo import ORGANISER, PEOPLE, PROPOSALS, REVIEWER
from bot.sandbox.run import Sandbox
from tests.browser.conftest import (
    CHROMIUM,
    PHONE,
    Person,
    assert_bot_time,
    assert_newest_in_sight,
    phone_page,
    propose,
    screenshot_path,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
    pytest.mark.usefixtures("daytime"),  # decisions reach authors at once outside quiet hours
]
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def docs_image(name: str) -> Path:
    """Where a screenshot the documentation shows is written."""
    if os.environ.get("REFRESH_DOCS_IMAGES") == "1":
        return DOCS_IMAGES / f"{name}.png"
    return screenshot_path(name)


async def engage(settings: Settings, *args: str) -> str:
    """Run the real ``engage`` command on the sandbox's database, as a second terminal would."""
    env = {**os.environ, "ENGAGE_DATABASE_URL": settings.database_url}
    env.pop("ENGAGE_BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_first_hour_worker_reviewer_and_admin_on_a_phone(
    browser: Browser,
    sandbox: Sandbox,
    settings: Settings,
    script_errors: list[str],
    uploads: dict[str, Path],
) -> None:
    """Seeded while it runs, the cast appears; then worker, reviewer and admin do their part.

    The worker learns and proposes, the reviewer rejects the demo proposal with a reason the
    author reads, the admin reads coverage with its chart and a report.
    """
    page = await phone_page(browser, sandbox, script_errors)
    assert "demo data added" in await engage(settings, "demo", "seed")
    chips = page.locator(".chip[data-person-id]")
    await expect(chips).to_have_count(len(PEOPLE), timeout=15_000)  # no reload needed
    add = await page.locator("#add-person").bounding_box()
    assert add is not None
    assert add["x"] + add["width"] <= PHONE["width"]
    for chip in await chips.all():
        await expect(chip).to_be_in_viewport()

    worker = Person(page, PEOPLE[0].id, PEOPLE[0].name)
    await worker.show()
    await expect(worker.chat.locator(".start-button")).to_be_hidden()
    await worker.send("/start")
    await worker.sees("欢迎回来")
    await expect(worker.chat.locator(".reply-row button", has_text="📚 学习")).to_be_visible()
    await assert_newest_in_sight(worker)
    await assert_bot_time(sandbox, worker)
    await page.screenshot(path=docs_image("sandbox-demo-joined"))

    await worker.tap_key("📚 学习")
    await worker.chat.locator(".inline-row button", has_text="劳模精神与工匠精神").last.click()
    await worker.press("📖 1.", prefix=True)
    await worker.sees("第 1/4 课")
    await assert_newest_in_sight(worker)
    await page.screenshot(path=docs_image("sandbox-lesson"))
    studio = "张卫东劳模创新工作室"
    await propose(worker, "夜班焊接区加装局部排烟罩", photo=uploads["photo"], studio=studio)
    await worker.sees("提交成功")
    await assert_newest_in_sight(worker)

    reviewer = Person(page, REVIEWER.id, REVIEWER.name)
    demo = PROPOSALS[0]
    await reviewer.show()
    await reviewer.send("/review")
    card = await reviewer.sees(demo.title)
    await expect(card).to_contain_text(demo.author.name)
    await assert_newest_in_sight(reviewer)
    await page.screenshot(path=docs_image("sandbox"))
    await reviewer.press("❌ 不采纳")
    await reviewer.sees("理由")
    reason = "车间下月统一更换新工装，到时一并考虑定位销。"
    await reviewer.send(reason)
    await reviewer.sees("未采纳")

    await worker.show()
    rejected = await worker.sees("没有被采纳")
    await expect(rejected).to_contain_text(reason)

    admin = Person(page, ORGANISER.id, ORGANISER.name)
    await admin.show()
    await admin.send("/coverage")
    table = await admin.sees("宝鸡市：5/6 人，83.3%")
    await expect(table).to_contain_text("西安市：1/4 人，25.0%（目标 80%，还差 3 人）")
    chart = admin.chat.locator(".msg.in img.photo").last
    await expect(chart).to_be_visible()
    await expect(chart).to_have_js_property("complete", True)
    assert await chart.evaluate("img => img.naturalWidth") > 0
    await assert_newest_in_sight(admin)
    await page.screenshot(path=docs_image("sandbox-coverage"))
    await admin.press("西安市")
    await admin.sees("陕西省 / 西安市")
    await admin.send("/report")
    report = await admin.sees("今年以来")
    await expect(report).to_contain_text("走访 1")
    await assert_newest_in_sight(admin)
