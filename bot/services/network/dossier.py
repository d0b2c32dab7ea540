"""A person's record as a spreadsheet for award nominations and annual reviews."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services.network.reports import Dossier


def dossier_xlsx(dossier: Dossier, t: Translator, zone: ZoneInfo) -> bytes:
    """Two sheets: the summary in numbers, then every activity and solved request by date."""
    from openpyxl import Workbook  # 18 MiB, loaded only when a file is asked for
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = t("network.dossier.summary_sheet")
    summary.append([t("network.dossier.title", name=dossier.name)])
    summary["A1"].font = Font(bold=True, size=14)
    roles = "、".join(t(f"role.{role}") for role in dossier.roles)
    facts = [
        ("enterprise", dossier.enterprise or ""),
        ("honour", t(f"network.honour.{dossier.honour}") if dossier.honour else ""),
        ("field", t(f"network.field.{dossier.field}") if dossier.field else ""),
        ("roles", roles),
        *((f"count_{key}", value) for key, value in dossier.counts.items()),
        ("rating", dossier.rating if dossier.rating is not None else ""),
    ]
    for key, value in facts:
        summary.append([t(f"network.dossier.{key}"), value])
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 40
    record = book.create_sheet(t("network.dossier.record_sheet"))
    record.append([t(f"network.dossier.column_{c}") for c in ("date", "kind", "detail", "place")])
    for cell in record[1]:
        cell.font = Font(bold=True)
    for entry in dossier.entries:
        detail = entry.detail or ""
        if entry.kind == "help" and entry.detail:
            detail = t(f"network.field.{entry.detail}")
        when = entry.when.astimezone(zone).date().isoformat()
        record.append([when, t(f"network.dossier.kind_{entry.kind}"), detail, entry.place or ""])
    for column, width in zip("ABCD", (12, 14, 60, 30), strict=True):
        record.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
