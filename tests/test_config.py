"""Configuration: one readable line for every mistake, the token never shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def _engage(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_defaults_are_sensible(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With nothing set, the bot uses SQLite in ./data, Shanghai time and Chinese."""
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Asia/Shanghai"
    assert settings.default_locale == "zh"
    assert settings.token is None


def test_admin_ids_accept_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """ENGAGE_ADMIN_IDS="1, 2,3" gives three admins."""
    monkeypatch.setenv("ENGAGE_ADMIN_IDS", "1, 2,3")
    assert load_settings().admin_ids == [1, 2, 3]


def test_invalid_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each problem names its ENGAGE_ variable."""
    monkeypatch.setenv("ENGAGE_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("ENGAGE_DATABASE_URL", "mysql://x")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "ENGAGE_TIMEZONE" in str(caught.value)
    assert "ENGAGE_DATABASE_URL" in str(caught.value)


def test_help_request_settings_are_read_and_checked_with_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ENGAGE_HELP_* reach the help requests; a bad one is named like every other setting."""
    from bot.services.network.help_requests import HelpSettings

    monkeypatch.setenv("ENGAGE_HELP_ESCALATE_MINUTES", "10")
    monkeypatch.setenv("ENGAGE_HELP_EXPERT_ROUNDS", "1")
    assert HelpSettings.of(load_settings()) == HelpSettings(10, 3, 1)
    monkeypatch.setenv("ENGAGE_HELP_OFFER_SIZE", "0")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "ENGAGE_HELP_OFFER_SIZE" in str(caught.value)


def test_every_setting_is_in_env_example_and_the_readme() -> None:
    """Each ENGAGE_ variable the bot reads is in .env.example and the README's table."""
    from bot.config import Settings

    root = Path(__file__).resolve().parents[1]
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        variable = f"ENGAGE_{name.upper()}"
        assert f"\n{variable}=" in example, variable
        assert f"`{variable}`" in readme, variable


def test_token_is_masked_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token never appears when settings are printed or logged."""
    monkeypatch.setenv("ENGAGE_BOT_TOKEN", "123456:SECRET-token")
    settings = load_settings()
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings)
    assert settings.token == "123456:SECRET-token"


def test_cli_reports_bad_configuration_in_one_line_with_exit_code_2(tmp_path: Path) -> None:
    """`engage run` with a bad variable prints one line, no traceback, and exits 2."""
    result = _engage("run", env={"ENGAGE_TIMEZONE": "Nowhere/Land"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "ENGAGE_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_version_and_help() -> None:
    """`engage --version` and `--help` work without any configuration."""
    assert "engage 0.1.0" in _engage("--version").stdout
    assert "run" in _engage("--help").stdout


def test_cli_grants_and_revokes_roles(tmp_path: Path) -> None:
    """`engage admin grant` creates the database if needed and records the role once."""
    env = {"ENGAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    first = _engage("admin", "grant", "42", "reviewer", env=env)
    assert first.returncode == 0
    assert "granted" in first.stdout
    assert "already held" in _engage("admin", "grant", "42", "reviewer", env=env).stdout
    assert "revoked" in _engage("admin", "revoke", "42", "reviewer", env=env).stdout
    bad = _engage("admin", "grant", "42", "emperor", env=env)
    assert bad.returncode != 0
    assert "one of" in bad.stderr
