"""Either HTTP client carries the whole conversation: the keep-alive default and PTB's httpx."""

from __future__ import annotations

import pytest
from telegram.request import HTTPXRequest

from bot.edge.transport import KeepAliveRequest
from bot.sandbox import Emulator
from tests.conftest import BotRunner, make_settings


@pytest.mark.parametrize(
    ("client", "kind"), [("keepalive", KeepAliveRequest), ("httpx", HTTPXRequest)]
)
async def test_a_worker_registers_over_either_client(
    emulator: Emulator, database_url: str, client: str, kind: type
) -> None:
    """With ENGAGE_HTTP_CLIENT set either way, /start, three answers and /profile all work."""
    settings = make_settings(database_url, emulator, http_client=client)
    runner = await BotRunner(settings).start()
    try:
        assert isinstance(runner.app.bot.request, kind)
        worker = emulator.user("李工", lang="zh")
        await worker.send("/start")
        assert "李工" in (await worker.reply()).text
        await worker.reply()
        await worker.send("宝鸡石油机械有限责任公司")
        assert "没有找到" in (await worker.reply()).text
        await worker.press("➕ 添加新企业：宝鸡石油机械有限责任公司")
        await worker.reply()  # added
        for answer in ("焊接车间", "焊工"):
            await worker.reply()
            await worker.send(answer)
        assert "设置完成" in (await worker.reply()).text
        await worker.send("/profile")
        assert "焊接车间" in (await worker.reply()).text
    finally:
        await runner.stop()
