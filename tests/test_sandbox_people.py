"""People of the sandbox: the demo seeded into a running sandbox, ``--demo``, unstarted chats."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.config import Settings
from bot.context import services_of
from bot.models.users import Role
from bot.sandbox import SimUser
from bot.sandbox.demo import ORGANISER, PEOPLE, seed
from bot.sandbox.demo_network import EXPERT_ROWS
from bot.sandbox.run import Sandbox
from bot.services import Services
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("daytime")


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a sandbox on a free port."""
    return make_settings(database_url, sandbox_port=0)


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """The whole sandbox (emulator, bot, web chat) in this process; no Bot API violation."""
    running = await Sandbox(settings).start()
    try:
        yield running
        running.emulator.assert_no_violations()
    finally:
        await running.stop()


@pytest.fixture
async def web(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the web chat."""
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        yield client


async def _event(web: httpx.AsyncClient, kind: str) -> dict[str, Any]:
    """The next server-sent event of this kind the page would receive."""
    async with web.stream("GET", "/sandbox/app/events") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: ") and (event := json.loads(line[6:]))["type"] == kind:
                return dict(event)
    raise AssertionError(f"the stream ended before a {kind} event")


async def _ask_chemistry(worker: SimUser) -> str:
    """A help request in a field no expert of the demo covers; what the requester is told."""
    await worker.send("/ask")
    await worker.reply()
    await worker.send("反应釜温度控制不稳，怎么办？")
    await worker.reply()
    await worker.press("✅ 说完了")
    await worker.reply()
    await worker.press("化工")
    await worker.replies(2)
    await worker.press("跳过")
    return (await worker.reply()).text


async def test_the_demo_seeded_into_a_running_sandbox_joins_the_page(
    settings: Settings, sandbox: Sandbox, web: httpx.AsyncClient
) -> None:
    """``engage demo seed`` while the sandbox runs: the cast joins the page, and can be reached."""
    told = asyncio.create_task(_event(web, "people_changed"))
    await asyncio.sleep(0.2)
    other = Services.build(settings)  # another process, as the command line is
    try:
        await seed(other)
    finally:
        await other.close()
    await asyncio.wait_for(told, 10)  # the page hears of it without reloading
    listed = (await web.get("/sandbox/app/people")).json()
    assert {p["id"]: p["role"] for p in listed} == {p.id: p.role.value for p in PEOPLE}
    roster = {int(row["telegram_id"]) for row in EXPERT_ROWS} - {p.id for p in PEOPLE}
    assert not roster & {p["id"] for p in listed}, "the roster has no chats"
    menu = (await web.get(f"/sandbox/api/commands?lang=zh&user_id={ORGANISER.id}")).json()
    assert "coverage" in {entry["command"] for entry in menu}

    worker = sandbox.emulator.user_by_id(PEOPLE[1].id)
    admin = sandbox.emulator.user_by_id(ORGANISER.id)
    assert worker is not None
    assert admin is not None
    assert "转给工会工作人员" in await _ask_chemistry(worker)
    assert "反应釜温度控制不稳" in (await admin.reply()).text
    assert sandbox.app is not None
    services = services_of(sandbox.app)
    for person in PEOPLE:
        found = await services.users.find(user_id=person.id)
        assert found is not None
        assert found.is_active, person.name


async def test_sandbox_with_demo_seeds_before_it_starts(settings: Settings) -> None:
    """``engage sandbox --demo``: the cast is there from the first page load."""
    sandbox = await Sandbox(settings, demo=True).start()
    try:
        assert sandbox.seeded.startswith("demo data added:")
        assert {p.id for p in PEOPLE} <= {u.id for u in sandbox.emulator.users}
        sandbox.emulator.assert_no_violations()
    finally:
        await sandbox.stop()


async def test_an_admin_who_never_pressed_start_is_not_messaged(
    sandbox: Sandbox, web: httpx.AsyncClient, services: Services
) -> None:
    """A help request nobody can take waits rather than fail on an admin's unopened chat."""
    await seed(services)
    await web.get("/sandbox/app/people")  # a page load picks the cast up at once
    added = await web.post("/sandbox/app/people", json={"name": "孙敏", "role": "admin"})
    admin_id = added.json()["id"]
    worker = sandbox.emulator.user_by_id(PEOPLE[1].id)
    demo_admin = sandbox.emulator.user_by_id(ORGANISER.id)
    assert worker is not None
    assert demo_admin is not None
    assert "转给工会工作人员" in await _ask_chemistry(worker)
    assert "反应釜温度控制不稳" in (await demo_admin.reply()).text
    newcomer = sandbox.emulator.user_by_id(admin_id)
    assert newcomer is not None
    assert newcomer.history == []
    assert Role.ADMIN in await services.users.roles(user_id=admin_id)
    await newcomer.send("/start")
    assert "孙敏" in (await newcomer.reply()).text
    sandbox.emulator.assert_no_violations()


def test_a_busy_port_stops_the_sandbox_before_it_touches_the_database(
    tmp_path: Path,
) -> None:
    """``engage sandbox`` on a taken port: one line, exit code 2, no database file created."""
    database = tmp_path / "engage.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app,
            ["sandbox", "--port", str(port)],
            env={"ENGAGE_DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
        )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"127.0.0.1:{port}" in lines[0]
    assert "ENGAGE_SANDBOX_PORT" in lines[0]
    assert not database.exists()
