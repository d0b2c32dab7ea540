"""Spreadsheets staff exchange with the bot: CSV (UTF-8, Excel's BOM allowed) or XLSX."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

SUFFIXES = (".csv", ".xlsx")


class TableError(ValueError):
    """A file that is not a readable CSV or XLSX table."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows (row ``i`` is line ``i + 2``), each value a stripped string."""
    if path.suffix.lower() not in SUFFIXES:
        raise TableError(f"{path.name}: use a .csv or .xlsx file")
    if not path.exists():
        raise TableError(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.reader(handle))
    else:
        from openpyxl import load_workbook  # 18 MiB, loaded only for a spreadsheet

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            raw = [
                [_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            book.close()
    if not raw:
        raise TableError(f"{path.name}: the file is empty")
    header = [h.strip().lower() for h in raw[0]]
    rows = []
    for values in raw[1:]:
        cells = [_cell(v) for v in values]
        rows.append(
            {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}
        )
    return header, rows


def write_table(path: Path, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    """Write rows under ``columns`` as CSV or XLSX, chosen by the file's suffix."""
    if path.suffix.lower() not in SUFFIXES:
        raise TableError(f"{path.name}: use a .csv or .xlsx file")
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(rows)
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    book.save(path)
