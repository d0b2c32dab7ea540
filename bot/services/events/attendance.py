"""An event's attendance list as CSV or XLSX, headed in the organiser's language.

Names come from Telegram profiles, so a cell that starts like a formula (``=``, ``+``, ``-``,
``@``) is kept as text: in CSV behind an apostrophe, in XLSX as a string cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services.events.views import AttendanceRow

FORMATS = ("csv", "xlsx")
COLUMNS = ("name", "user_id", "enterprise", "department", "answer", "answered_at", "checked_in_at")
_FORMULA = ("=", "+", "-", "@")


def _cells(row: AttendanceRow, t: Translator, zone: ZoneInfo) -> list[str]:
    def moment(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    return [
        row.name,
        str(row.user_id),
        row.enterprise,
        row.department,
        t(f"events.answer.{row.answer.value}"),
        moment(row.answered_at),
        moment(row.checked_in_at),
    ]


def _header(t: Translator) -> list[str]:
    return [t(f"events.export.{column}") for column in COLUMNS]


def _csv(header: list[str], rows: Sequence[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"'{cell}" if cell.startswith(_FORMULA) else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(title: str, header: list[str], rows: Sequence[list[str]]) -> bytes:
    from openpyxl import Workbook  # 18 MiB, loaded only when a file is asked for
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "attendance"
    sheet.append(header)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(
    rows: Sequence[AttendanceRow], *, title: str, t: Translator, zone: ZoneInfo, fmt: str
) -> bytes:
    """The attendance list in ``fmt`` (csv: UTF-8 with a BOM so spreadsheets read Chinese)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    cells = [_cells(row, t, zone) for row in rows]
    return _csv(_header(t), cells) if fmt == "csv" else _xlsx(title, _header(t), cells)
