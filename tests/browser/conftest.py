"""A real browser (Debian's Chromium, driven by Playwright) on the sandbox's web chat."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
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
ELSEWHERE = "America/New_York"  # a browser's own timezone, far from the bot's


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


async def phone_page(browser: Browser, sandbox: Sandbox, errors: list[str]) -> Page:
    """The web chat on a phone whose clock is set to New York, not Beijing."""
    context = await browser.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        locale="zh-CN",
        timezone_id=ELSEWHERE,
    )
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(sandbox.url)
    await expect(page.locator("#welcome")).to_be_visible()
    return page


async def assert_newest_in_sight(person: Person) -> None:
    """The newest message is in sight: whole when it fits the list, else from its beginning."""
    box = await person.chat.locator(".messages").bounding_box()
    newest = await person.chat.locator(".msg").last.bounding_box()
    assert box is not None
    assert newest is not None
    top, end = newest["y"], newest["y"] + newest["height"]
    assert box["y"] - 1 <= top, (newest, box)
    if newest["height"] <= box["height"] - 12:  # the list's padding and a margin
        assert end <= box["y"] + box["height"] + 1, (newest, box)
    else:
        assert top <= box["y"] + 16, (newest, box)


async def assert_bot_time(sandbox: Sandbox, person: Person) -> None:
    """The newest bubble shows the time in the bot's timezone, whatever the browser's is."""
    user = sandbox.emulator.user_by_id(person.id)
    assert user is not None
    assert user.last is not None
    sent = datetime.fromtimestamp(user.last.raw["date"], UTC)
    local = sent.astimezone(ZoneInfo(sandbox.settings.timezone)).strftime("%H:%M")
    await expect(person.last.locator(".meta")).to_contain_text(local)


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
    await person.sees("没有找到")  # a name nobody has: added once confirmed
    await person.press("➕ 添加新企业：宝鸡石油机械有限责任公司")
    await person.sees("车间")
    await person.send("焊接车间")
    await person.sees("工种")
    await person.send("焊工")
    await person.sees("设置完成")


def png_bytes() -> bytes:
    """A small blue PNG, as a phone photo would be."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (51, 144, 236)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path: Path) -> dict[str, Path]:
    """Files on disk for the file picker: a photo, a voice note and a document."""
    files = {
        "photo": (tmp_path / "机床.png", png_bytes()),
        "voice": (tmp_path / "说明.ogg", b"OggS" + bytes(200)),
        "document": (tmp_path / "改进方案.txt", "把夹具换成快换式\n".encode()),
    }
    for path, data in files.values():
        path.write_bytes(data)
    return {kind: path for kind, (path, _) in files.items()}


async def propose(worker: Person, title: str, *, photo: Path, studio: str | None = None) -> None:
    """Write a short proposal with one photo from the file picker, and submit it.

    Where the worker's enterprise has studios, ``studio`` is the one it is handed to.
    """
    await worker.tap_key("💡 提建议")
    await worker.sees("写个标题")
    # Each wait names the step's own question: the intro lists every step by name, so a
    # bare "问题" or "补充" would match it and the next tap would land on an earlier step.
    answers = (
        (title, "现场发现了什么"),
        ("换型时找正要 30 分钟", "是什么？"),
        ("在工装上加两个定位销", "哪方面的"),
    )
    for text, next_question in answers:
        await worker.send(text)
        await worker.sees(next_question)
    await worker.press("⚡ 效率")
    await worker.sees("预期效果")
    await worker.send("每班节省 30 分钟")
    await worker.sees("拍几张现场照片")
    await worker.chat.locator(".attach").click()
    async with worker.page.expect_file_chooser() as chooser:
        await worker.chat.locator(".attach-popup button", has_text="照片").click()
    await (await chooser.value).set_files(photo)
    await worker.press("✅ 完成（1 张）")
    await worker.sees("还有补充吗")
    await worker.press("跳过")
    if studio is not None:
        await worker.sees("想交给哪个")
        await worker.press(studio)
    await worker.sees("匿名提交？")
    await worker.press("🙋 署名提交")
    await worker.sees("提交前再看一眼")
    await worker.press("📨 提交")
