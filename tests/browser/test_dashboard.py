"""The organisers' dashboard, opened from the sandbox chat as Telegram opens a Mini App.

On the demo's province at 390×844: the admin (刘芳, zh) makes Li Wei (en) the organiser of
宝鸡市 in the chat, opens the dashboard from the /dashboard button, walks its tabs and drills
into a city and back; Li Wei opens it from the chat's menu button in the dark theme, sees only
宝鸡市 and downloads its enterprises. The screenshots are written to ``docs/images/`` with
``REFRESH_DOCS_IMAGES=1`` (docs/sandbox.md shows them), otherwise to ``tests/artifacts/``.
"""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, FrameLocator, Page, expect

from bot.context import services_of
from bot.sandbox.demo import seed
from bot.sandbox.demo_network import BAOJI_OIL, BAOJI_TI
from bot.sandbox.run import Sandbox
from tests.browser.conftest import CHROMIUM, Person, phone_page, screenshot_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
    pytest.mark.usefixtures("daytime"),
]
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
ADMIN, LI_WEI = 7_100_007, 7_100_003
TABS = ("overview", "coverage", "teams", "proposals", "learning")


def docs_image(name: str) -> Path:
    """Where a screenshot the documentation shows is written."""
    if os.environ.get("REFRESH_DOCS_IMAGES") == "1":
        return DOCS_IMAGES / f"{name}.png"
    return screenshot_path(name)


def mini_app(person: Person) -> FrameLocator:
    """The page inside the Mini App panel over this person's chat."""
    return person.chat.frame_locator(".miniapp-frame")


async def shown(app: FrameLocator, tab: str) -> None:
    """Wait until ``tab`` has drawn without an error."""
    await expect(app.locator(f'#main[data-ready="{tab}"]')).to_be_attached(timeout=15_000)
    await expect(app.locator("#error")).to_have_count(0)


async def open_tab(app: FrameLocator, tab: str) -> None:
    """Tap a tab and wait for it."""
    await app.locator(f'nav button[data-tab="{tab}"]').click()
    await shown(app, tab)


async def grant_baoji(admin: Person) -> None:
    """The admin makes Li Wei the organiser of 宝鸡市, as /organiser asks."""
    await admin.send(f"/organiser {LI_WEI} 陕西省/宝鸡市")
    await admin.sees("宝鸡市")
    await admin.press("✅ 确认")
    await admin.sees("组织者")


async def admin_walk(page: Page, admin: Person) -> None:
    """Every tab loads; coverage drills into 西安市 and back up; those below 80 % come first."""
    await admin.send("/dashboard")
    await admin.sees("看板")
    await admin.press("📊 打开看板")
    app = mini_app(admin)
    await shown(app, "overview")
    await expect(app.locator("#scope")).to_have_text("全部")
    await expect(app.locator("[data-figure]")).to_have_count(7)
    await page.screenshot(path=docs_image("dashboard-overview"))
    for tab in TABS[1:]:
        await open_tab(app, tab)
    await open_tab(app, "coverage")
    await expect(app.locator(".crumbs")).to_have_text("陕西省")
    firms = app.locator("table").last.locator("tbody tr")
    await expect(firms.first.locator(".pill")).to_have_class("pill fail")
    await expect(firms.last.locator(".pill")).to_have_class("pill pass")
    await page.screenshot(path=docs_image("dashboard-coverage"))
    await app.locator("tr.link", has_text="西安市").click()
    await expect(app.locator(".crumbs")).to_have_text("陕西省 / 西安市")
    await expect(app.locator("tr", has_text="高陵区")).to_be_visible()
    await app.locator("#up").click()
    await expect(app.locator(".crumbs")).to_have_text("陕西省")
    await admin.chat.locator(".miniapp-close").click()
    await expect(admin.chat.locator(".miniapp")).to_have_count(0)


async def organiser_walk(page: Page, organiser: Person) -> None:
    """From the menu button, in the dark theme and in English: only 宝鸡市, and its xlsx."""
    await organiser.send("/dashboard")
    await organiser.sees("dashboard")
    menu = organiser.chat.locator(".menu-button")
    await expect(menu.locator(".menu-app")).to_have_text("Dashboard")
    await expect(menu.locator(".menu-commands")).to_be_hidden()
    await menu.click()
    await shown(mini_app(organiser), "overview")
    await organiser.chat.locator(".miniapp-theme").click()  # reopened in the dark theme
    await expect(organiser.chat.locator(".miniapp")).to_have_attribute("data-theme", "dark")
    app = mini_app(organiser)
    await shown(app, "overview")
    await expect(app.locator("#scope")).to_have_text("陕西省 / 宝鸡市")
    await expect(app.locator("nav button").first).to_have_text("Overview")
    background = await app.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(33, 33, 33)"  # Telegram's dark bg_color
    await open_tab(app, "coverage")
    await expect(app.locator(".crumbs")).to_have_text("宝鸡市")
    await page.screenshot(path=docs_image("dashboard-organiser-dark"))
    async with page.expect_download() as started:
        await app.locator('[data-export="coverage_enterprises"]').click()
    download = await started.value
    assert download.suggested_filename == "coverage_enterprises.xlsx"
    data = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert data[:2] == b"PK"  # a zip, as every xlsx is
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {BAOJI_OIL, BAOJI_TI}


async def test_admin_and_city_organiser_open_the_dashboard_from_the_chat(
    browser: Browser, sandbox: Sandbox, script_errors: list[str]
) -> None:
    """The whole path: button → page → signed API calls → data scoped to each viewer."""
    assert sandbox.app is not None
    page = await phone_page(browser, sandbox, script_errors)
    await seed(services_of(sandbox.app))  # the demo's people join the open page
    admin = Person(page, ADMIN, "刘芳")
    await admin.show()
    await grant_baoji(admin)
    await admin_walk(page, admin)
    organiser = Person(page, LI_WEI, "Li Wei")
    await organiser.show()
    await organiser_walk(page, organiser)
