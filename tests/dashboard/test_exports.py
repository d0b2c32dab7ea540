"""The dashboard's downloads: every line the page lists, and cells that read back as written.

On the province of helpers.py: 甲厂 (西安市) has an accepted, a rejected and a waiting
proposal and a draft, 丙厂 (宝鸡市) one under review.
"""

from __future__ import annotations

import io
from datetime import datetime

import httpx
from openpyxl import load_workbook

from bot.config import Settings
from bot.services.dashboard.xlsx import column, row, workbook
from tests.dashboard.helpers import ADMIN, XIAN_ORGANISER, Province, get, sign


async def _sheet(
    client: httpx.AsyncClient, settings: Settings, table: str, user_id: int
) -> list[tuple[object, ...]]:
    response = await client.get(
        f"/dashboard/api/export/{table}", params={"tma": sign(settings.token or "", user_id)}
    )
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def _day(iso: str | None, settings: Settings) -> str | None:
    return datetime.fromisoformat(iso).astimezone(settings.zone).date().isoformat() if iso else None


async def test_the_proposals_export_holds_every_line_the_list_shows(
    client: httpx.AsyncClient, settings: Settings, made: Province
) -> None:
    """Each submitted proposal once, newest first, dated in the campaign's zone; no draft."""
    listed = await get(client, settings, "proposals", ADMIN)
    rows = await _sheet(client, settings, "proposals", ADMIN)
    assert rows[0] == ("编号", "标题", "状态", "企业", "提交日期", "决定日期", "已等待天数")
    assert rows[1:] == [
        (
            p["number"],
            p["title"],
            p["status"],
            p["enterprise"],
            _day(p["submitted_at"], settings),
            _day(p["decided_at"], settings),
            p["waiting_days"],
        )
        for p in listed
    ]
    assert [r[1] for r in rows[1:]] == ["安全通道", "节能照明", "减少返工", "快换焊枪"]
    assert rows[2][6] == 20  # 节能照明 has waited 20 days; decided ones wait no more
    assert rows[3][5] is not None  # 减少返工 was decided
    assert rows[3][6] is None
    city = await _sheet(client, settings, "proposals", XIAN_ORGANISER)
    assert [r[1] for r in city[1:]] == ["节能照明", "减少返工", "快换焊枪"]


def test_cells_read_back_as_they_were_written() -> None:
    """Text stays text (markup, a leading =, spaces at its ends), numbers stay numbers."""
    cells = ("=SUM(A1)", "<b>焊接</b> & 🔥", "  两端空格 ", 3, 75.0, 0.125, None, "", "a\x00b\x1fc")
    data = workbook(
        "建议 & <列表>", ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"], [row(cells)]
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "建议 & <列表>"
    header, written = list(sheet.iter_rows(values_only=True))
    assert header == ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬")
    assert written == (
        "=SUM(A1)",
        "<b>焊接</b> & 🔥",
        "  两端空格 ",
        3,
        75,
        0.125,
        None,
        None,
        "abc",
    )
    assert sheet["A2"].data_type == "s"  # not a formula


def test_columns_are_lettered_as_spreadsheets_letter_them() -> None:
    """A to Z, then AA; ZZ is followed by AAA."""
    assert [column(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
