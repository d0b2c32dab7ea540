"""``engage sandbox``: what it prints, where it listens, how it stops."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.sandbox.run import banner, check_bind, is_loopback, run_sandbox
from tests.conftest import make_settings


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses_are_allowed(host: str) -> None:
    """Addresses only this computer can reach need no flag."""
    assert is_loopback(host)
    check_bind(host, public=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", ""])
def test_public_bind_is_refused_without_the_flag(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any other address ends the program with code 2 and says how to allow it."""
    with pytest.raises(SystemExit) as stopped:
        check_bind(host, public=False)
    assert stopped.value.code == 2
    assert "--allow-public" in capsys.readouterr().err
    check_bind(host, public=True)


async def test_run_sandbox_refuses_public_bind_before_starting_anything(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENGAGE_SANDBOX_HOST=0.0.0.0 without --allow-public stops at once; nothing on stdout."""
    settings = make_settings(database_url, sandbox_host="0.0.0.0", sandbox_port=0)
    with pytest.raises(SystemExit):
        await run_sandbox(settings)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "refusing to serve the sandbox on 0.0.0.0" in captured.err


def test_cli_refuses_public_host() -> None:
    """``engage sandbox --host 0.0.0.0`` exits with code 2 and the reason."""
    result = CliRunner().invoke(app, ["sandbox", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--allow-public" in result.output


def test_cli_refuses_a_missing_watch_folder() -> None:
    """``--watch`` must name an existing folder."""
    result = CliRunner().invoke(app, ["sandbox", "--watch", "/no/such/folder"])
    assert result.exit_code == 2
    assert "is not a folder" in result.output


async def _until_printed(capsys: pytest.CaptureFixture[str], task: asyncio.Task[None]) -> str:
    out = ""
    for _ in range(300):
        out += capsys.readouterr().out
        if out or task.done():
            return out
        await asyncio.sleep(0.05)
    raise AssertionError("the sandbox printed nothing within 15 s")


async def test_prints_one_line_with_the_address_and_stops_on_ctrl_c(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Started, the sandbox says in one line that it is local and where; SIGINT ends it cleanly."""
    settings = make_settings(database_url, sandbox_port=0)
    task = asyncio.create_task(run_sandbox(settings))
    out = await _until_printed(capsys, task)
    lines = out.splitlines()
    assert len(lines) == 1
    assert "local sandbox" in lines[0]
    assert "http://127.0.0.1:" in lines[0]
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.wait_for(task, 20)
    assert capsys.readouterr().out == ""


async def test_a_busy_port_is_reported_in_one_line(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the port is taken the sandbox says so and exits with code 2, without a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = make_settings(database_url, sandbox_port=taken.getsockname()[1])
        with pytest.raises(SystemExit) as stopped:
            await run_sandbox(settings)
    assert stopped.value.code == 2
    assert "cannot serve the sandbox" in capsys.readouterr().err


@pytest.mark.slow
async def test_engage_sandbox_serves_the_page_and_ctrl_c_ends_it_cleanly(
    database_url: str, tmp_path: Path
) -> None:
    """The real command prints its one line, serves the page, and exits 0 on SIGINT."""
    env = {**os.environ, "ENGAGE_DATABASE_URL": database_url, "ENGAGE_LOG_LEVEL": "WARNING"}
    env.pop("ENGAGE_BOT_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--port", "0",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        url = line.split(" at ")[1].split(";")[0]
        async with httpx.AsyncClient() as client:
            assert "本地沙盒" in (await client.get(url)).text
    finally:
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert out == b""
    assert b"Traceback" not in err


def test_the_line_says_when_the_sandbox_is_open_to_the_network() -> None:
    """With --allow-public the line no longer claims that nothing leaves the computer."""
    assert "nothing leaves this computer" in banner("http://127.0.0.1:8080", None)
    public = banner("http://0.0.0.0:8080", Path("content"), loopback=False)
    assert "open to your network" in public
    assert "reloading content from content" in public


def test_sandbox_help_names_the_settings_behind_its_options() -> None:
    """``engage sandbox --help`` says which variable sets the port and the address."""
    result = CliRunner().invoke(app, ["sandbox", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "ENGAGE_SANDBOX_PORT" in result.output
    assert "ENGAGE_SANDBOX_HOST" in result.output
