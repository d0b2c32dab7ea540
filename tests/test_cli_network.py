"""``engage import`` and ``engage report``: bad rows reported and refused; clean files upserted."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import func, select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.db import Database
from bot.models.network import ExpertProfile
from bot.models.users import User
from tests.network_helpers import FIXTURES

runner = CliRunner()


def _engage(database_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"ENGAGE_DATABASE_URL": database_url})
    return result.exit_code, result.stdout, result.stderr


def _count(database_url: str) -> tuple[int, int]:
    async def count() -> tuple[int, int]:
        db = Database(database_url)
        try:
            async with db.reader() as session:
                users = (await session.exec(select(func.count()).select_from(User))).one()
                profiles = (
                    await session.exec(select(func.count()).select_from(ExpertProfile))
                ).one()
                return int(users), int(profiles)
        finally:
            await db.dispose()

    return asyncio.run(count())


def test_import_with_bad_rows_reports_each_and_changes_nothing(database_url: str) -> None:
    """Every bad cell is named by row and column, the exit code is 1, and no row is written."""
    code, out, err = _engage(
        database_url, "import", "experts", str(FIXTURES / "network_experts_bad.csv")
    )
    assert code == 1
    assert "row 3, column telegram_id: must be a Telegram user id" in err
    assert "row 4, column name: required" in err
    assert "row 5, column field: must be one of" in err
    assert "row 5, column first_line: must be yes or no" in err
    assert "row 6, column telegram_id: same as row 2" in err
    assert "nothing was imported" in out
    assert _count(database_url) == (0, 0)


def test_import_twice_changes_nothing_the_second_time(database_url: str, tmp_path: Path) -> None:
    """A clean file is imported; the same file again leaves every row unchanged; coverage prints."""
    files = {
        kind: str(FIXTURES / f"network_{kind}.csv")
        for kind in ("enterprises", "experts", "studios")
    }
    assert _engage(database_url, "import", "enterprises", files["enterprises"])[0] == 0
    code, out, _ = _engage(database_url, "import", "experts", files["experts"])
    assert code == 0
    assert "13 created, 0 updated, 0 unchanged" in out
    code, out, _ = _engage(database_url, "import", "experts", files["experts"])
    assert code == 0
    assert "0 created, 0 updated, 13 unchanged" in out
    assert _engage(database_url, "import", "studios", files["studios"])[0] == 0
    chart = tmp_path / "coverage.png"
    code, out, _ = _engage(database_url, "report", "coverage", "--chart", str(chart))
    assert code == 0
    assert "陕西省: 6/12 = 50.0% (target 80%, 4 more needed)" in out
    assert "西安市: 2/6 = 33.3% (target 80%, 3 more needed)" in out
    assert chart.read_bytes().startswith(b"\x89PNG")
    code, out, _ = _engage(database_url, "report", "target", "陕西省/西安市", "0.9")
    assert code == 0
    assert "target 90%" in out
    exported = tmp_path / "experts.xlsx"
    assert _engage(database_url, "report", "export", "experts", str(exported))[0] == 0
    code, out, _ = _engage(database_url, "import", "experts", str(exported), "--check")
    assert code == 0
    assert "13 unchanged" in out


def test_coverage_of_nobody_is_no_data(database_url: str, tmp_path: Path) -> None:
    """On an empty database 0 of 0 reads "no data", never "target met", and no chart is drawn."""
    chart = tmp_path / "coverage.png"
    code, out, _ = _engage(database_url, "report", "coverage", "--chart", str(chart))
    assert code == 0
    assert out.startswith("all: no data")
    assert "target met" not in out
    assert "no chart drawn" in out
    assert not chart.exists()
