"""The staff export: every field, averaged scores and the status history, as xlsx and csv."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli.main import app
from bot.models.proposals import ProposalStatus
from bot.services import Services
from tests.conftest import make_settings
from tests.services.proposal_helpers import (
    CRAFTSMAN,
    OTHER,
    REVIEWER,
    cast,
    person,
    submit,
)

S = ProposalStatus
TITLE = "=SUM(A1) <b>焊接</b> & 🔥"


@pytest.fixture
async def svc(database_url: str) -> AsyncIterator[Services]:
    """Services with a worker, a colleague, two reviewers and an admin."""
    async with cast(database_url) as services:
        yield services


def rows(sheet: object) -> list[dict[str, object]]:
    """A worksheet as dicts keyed by its header."""
    values = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


async def test_workbook_has_fields_scores_history_and_comments(svc: Services) -> None:
    """Text stays text (even one starting with "="), scores are averaged, history is listed."""
    moved = await submit(svc, title=TITLE, problem="a < b 😀", solution="定位销 & 夹具")
    pid = moved.proposal_id
    await svc.proposal_reviews.score(user_id=REVIEWER, proposal_id=pid, criterion="f", value=4)
    await svc.proposal_reviews.score(user_id=CRAFTSMAN, proposal_id=pid, criterion="f", value=5)
    await svc.proposals.move(proposal_id=pid, actor_id=REVIEWER, to=S.NEEDS_INFO, comment="尺寸？")
    await svc.proposal_peers.comment(user_id=OTHER, proposal_id=pid, text="好主意 👍")
    data = await svc.proposals.export(fmt="xlsx", t=svc.i18n.translator("en"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Proposals", "History", "Scores", "Comments"]
    (proposal,) = rows(book["Proposals"])
    assert proposal["Number"] == moved.number
    assert proposal["Title"] == TITLE
    assert book["Proposals"]["C2"].data_type == "s"
    assert (proposal["Problem"], proposal["Solution"]) == ("a < b 😀", "定位销 & 夹具")
    assert (proposal["Status"], proposal["Benefit"]) == ("more information needed", "⚡ Efficiency")
    assert (proposal["Feasibility (avg)"], proposal["Reviewers"], proposal["Comments"]) == (
        4.5,
        2,
        1,
    )
    assert "尺寸？" in str(proposal["History"])
    history = rows(book["History"])
    assert [(h["From"], h["To"]) for h in history] == [
        ("draft", "submitted"),
        ("submitted", "more information needed"),
    ]
    assert rows(book["Comments"])[0]["Text"] == "好主意 👍"


async def test_csv_in_chinese_and_since_filter(svc: Services) -> None:
    """CSV has a BOM and headers in the reader's language; ``since`` filters."""
    await submit(svc, title="旧建议")
    data = await svc.proposals.export(fmt="csv", t=svc.i18n.translator("zh"))
    assert data.startswith(b"\xef\xbb\xbf")
    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["标题"] == "旧建议"
    assert row["状态"] == "已提交"
    later = await svc.proposals.export(
        fmt="csv", t=svc.i18n.translator("zh"), since=datetime(2999, 1, 1, tzinfo=UTC)
    )
    assert list(csv.DictReader(io.StringIO(later.decode("utf-8-sig")))) == []


def test_engage_export_proposals_writes_the_file(database_url: str, tmp_path: Path) -> None:
    """`engage export proposals --format xlsx --since DATE --output FILE` writes the workbook."""

    async def prepare() -> None:
        services = Services.build(make_settings(database_url))
        try:
            await person(services, 1, "王师傅", "zh")
            await submit(services, 1, title="命令行导出")
        finally:
            await services.close()

    asyncio.run(prepare())
    target = tmp_path / "proposals.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "proposals",
            "--format",
            "xlsx",
            "--since",
            "2020-01-01",
            "--output",
            str(target),
        ],
        env={"ENGAGE_DATABASE_URL": database_url, "ENGAGE_DEFAULT_LOCALE": "en"},
    )
    assert result.exit_code == 0, result.output
    (row,) = rows(load_workbook(target)["Proposals"])
    assert row["Title"] == "命令行导出"
