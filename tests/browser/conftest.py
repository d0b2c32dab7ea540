"""A real browser (Debian's Chromium, driven by Playwright) on the sandbox's web chat."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.config import Settings
from bot.sandbox.run import Sandbox
from tests.conftest import make_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 860}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a sandbox on a free port."""
    return make_settings(database_url, sandbox_port=0)


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """Emulator, bot and web chat running in this process; no Bot API violation allowed."""
    running = await Sandbox(settings).start()
    try:
        yield running
        running.emulator.assert_no_violations()
    finally:
        await running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Chromium, headless."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def script_errors() -> Iterator[list[str]]:
    """Errors thrown by the page's script; the test fails if there are any."""
    found: list[str] = []
    yield found
    assert not found, f"script errors on the page: {found}"


async def open_page(
    browser: Browser, sandbox: Sandbox, viewport: dict[str, int], errors: list[str]
) -> Page:
    """A fresh page on the web chat, its script errors collected in ``errors``."""
    context = await browser.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(sandbox.url)
    await expect(page.locator(".banner-badge")).to_have_text("本地沙盒")
    return page


@pytest.fixture
async def phone(browser: Browser, sandbox: Sandbox, script_errors: list[str]) -> Page:
    """The web chat at a phone's size (390×844)."""
    return await open_page(browser, sandbox, PHONE, script_errors)


def screenshot_path(name: str) -> Path:
    """Where a screenshot is kept as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


class Person:
    """Someone in the page: their chat panel, and what they do in it."""

    def __init__(self, page: Page, person_id: int, name: str) -> None:
        self.page, self.id, self.name = page, person_id, name
        self.chat = page.locator(f'.chat[data-person-id="{person_id}"]')

    @property
    def incoming(self) -> Locator:
        """The bot's messages, oldest first."""
        return self.chat.locator(".msg.in")

    @property
    def last(self) -> Locator:
        """The bot's newest message."""
        return self.incoming.last

    async def show(self) -> None:
        """Bring this person's chat to the front (tap their chip)."""
        await self.page.locator(f'.chip[data-person-id="{self.id}"]').click()
        await expect(self.chat).to_be_visible()

    async def send(self, text: str) -> None:
        """Type a message and press Enter."""
        await self.chat.locator(".input").fill(text)
        await self.chat.locator(".input").press("Enter")

    async def press(self, text: str, *, prefix: bool = False) -> None:
        """Tap the newest inline button with exactly this text (or starting with it)."""
        pattern = re.compile(f"^{re.escape(text)}{'' if prefix else '$'}")
        await self.chat.locator(".inline-row button", has_text=pattern).last.click()

    async def tap_key(self, text: str) -> None:
        """Tap a button of the reply keyboard."""
        await self.chat.locator(".reply-row button", has_text=text).click()

    async def sees(self, text: str, wait_ms: float = 10_000) -> Locator:
        """Wait until a bot message containing ``text`` is in the chat; return it."""
        found = self.incoming.filter(has_text=text).last
        await expect(found).to_be_visible(timeout=wait_ms)
        return found


async def add_person(page: Page, name: str, *, lang: str = "zh", role: str = "worker") -> Person:
    """Fill in the add-person dialog like a trainer would."""
    before = await page.locator(".chat").count()
    await page.locator("#add-person").click()
    dialog = page.locator("#add-dialog")
    await dialog.locator("input[name=name]").fill(name)
    await dialog.locator("select[name=lang]").select_option(lang)
    await dialog.locator("select[name=role]").select_option(role)
    await dialog.locator("button[value=add]").click()
    await expect(page.locator(".chat")).to_have_count(before + 1)
    chat = page.locator(".chat").last
    person = Person(page, int(await chat.get_attribute("data-person-id") or 0), name)
    await expect(person.chat).to_be_visible()
    return person


async def register(person: Person) -> None:
    """Start the chat and answer the three onboarding questions."""
    await person.chat.locator(".start-button").click()
    await person.sees("哪家企业")
    await person.send("宝鸡石油机械有限责任公司")
    await person.sees("车间")
    await person.send("焊接车间")
    await person.sees("工种")
    await person.send("焊工")
    await person.sees("设置完成")
