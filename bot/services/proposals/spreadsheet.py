"""Proposals as a spreadsheet for union staff: every field, average scores, status history.

CSV is one table (the history in one cell per proposal); the workbook adds a sheet each for
the history, the reviewers' scores and the comments. Text goes in as text: a title starting
with ``=`` is never run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

if TYPE_CHECKING:
    from openpyxl import Workbook

from bot.db import Database
from bot.i18n import Translator
from bot.models.organizations import Studio
from bot.models.proposals import (
    Proposal,
    ProposalComment,
    ProposalMedia,
    ProposalReview,
    ProposalStatus,
    ProposalSupport,
    ProposalTransition,
)
from bot.models.users import Enterprise, User

Cell = str | int | float | None
FORMATS = ("csv", "xlsx")
MAIN = (
    "number", "status", "title", "problem", "solution", "benefit", "benefit_text", "place",
    "studio", "enterprise", "author_id", "author", "anonymous", "submitted_at", "decided_at",
    "photos", "voices", "documents", "supporters", "comments", "reviewers", "feasibility",
    "benefit_score", "novelty", "history",
)  # fmt: skip
HISTORY = ("number", "at", "from_status", "to_status", "actor", "comment")
REVIEWS = ("number", "reviewer", "feasibility", "benefit_score", "novelty")
COMMENTS = ("number", "at", "author", "text")


@dataclass(slots=True)
class ExportData:
    """Rows keyed by column name, for each sheet."""

    proposals: list[dict[str, Cell]] = field(default_factory=list)
    history: list[dict[str, Cell]] = field(default_factory=list)
    reviews: list[dict[str, Cell]] = field(default_factory=list)
    comments: list[dict[str, Cell]] = field(default_factory=list)


def moment(value: datetime | None, zone: ZoneInfo) -> str | None:
    """A timestamp as staff read it, in the campaign's timezone."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else None


def _header(t: Translator, columns: Sequence[str]) -> list[str]:
    return [t(f"proposals.export.{column}") for column in columns]


def _row(values: dict[str, Cell], columns: Sequence[str]) -> list[Cell]:
    return [values.get(column) for column in columns]


def write_csv(data: ExportData, t: Translator) -> bytes:
    """One table, UTF-8 with a byte-order mark so that spreadsheet programs read Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header(t, MAIN))
    writer.writerows(_row(row, MAIN) for row in data.proposals)
    return buffer.getvalue().encode("utf-8-sig")


def _sheet(book: Workbook, title: str, header: list[str], rows: Iterable[list[Cell]]) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_safe(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(name) * 2))
    sheet.freeze_panes = "A2"


def _safe(value: Cell) -> Cell:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_xlsx(data: ExportData, t: Translator) -> bytes:
    """A workbook: proposals, history, scores and comments on four sheets."""
    from openpyxl import Workbook  # 18 MiB, loaded only when a file is asked for

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    sheets = (
        ("proposals", MAIN, data.proposals),
        ("history", HISTORY, data.history),
        ("reviews", REVIEWS, data.reviews),
        ("comments", COMMENTS, data.comments),
    )
    for name, columns, rows in sheets:
        _sheet(
            book,
            t(f"proposals.export.sheet_{name}"),
            _header(t, columns),
            (_row(r, columns) for r in rows),
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(data: ExportData, t: Translator, fmt: str) -> bytes:
    """The export in ``fmt`` (csv or xlsx)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return write_csv(data, t) if fmt == "csv" else write_xlsx(data, t)


@dataclass(slots=True)
class _Loaded:
    """Everything read from the database for one export."""

    proposals: list[Proposal]
    names: dict[str, dict[int, str]]
    media: dict[tuple[int, str], int]
    supporters: dict[int, int]
    transitions: list[ProposalTransition]
    reviews: list[ProposalReview]
    comments: list[ProposalComment]


async def _names(session: AsyncSession, model: type[User | Studio | Enterprise]) -> dict[int, str]:
    rows = await session.exec(select(model.id, model.name))
    return {i: name for i, name in rows.all() if i is not None}


async def _load(session: AsyncSession, since: datetime | None) -> _Loaded:
    query = select(Proposal).where(Proposal.status != ProposalStatus.DRAFT.value)
    if since is not None:
        query = query.where(col(Proposal.submitted_at) >= since)
    proposals = list(
        (await session.exec(query.order_by(col(Proposal.year), col(Proposal.seq)))).all()
    )
    ids = [p.id for p in proposals]
    media = await session.exec(
        select(ProposalMedia.proposal_id, ProposalMedia.kind, func.count())
        .where(col(ProposalMedia.proposal_id).in_(ids))
        .group_by(col(ProposalMedia.proposal_id), col(ProposalMedia.kind))
    )
    supporters = await session.exec(
        select(ProposalSupport.proposal_id, func.count())
        .where(col(ProposalSupport.proposal_id).in_(ids))
        .group_by(col(ProposalSupport.proposal_id))
    )

    async def rows(model: type[ProposalTransition | ProposalReview | ProposalComment]) -> list:  # type: ignore[type-arg]
        found = await session.exec(select(model).where(col(model.proposal_id).in_(ids)))
        return sorted(found.all(), key=lambda row: getattr(row, "id", 0) or 0)

    return _Loaded(
        proposals=proposals,
        names={
            "user": await _names(session, User),
            "studio": await _names(session, Studio),
            "enterprise": await _names(session, Enterprise),
        },
        media={(pid, kind): int(n) for pid, kind, n in media.all()},
        supporters={pid: int(n) for pid, n in supporters.all()},
        transitions=await rows(ProposalTransition),
        reviews=await rows(ProposalReview),
        comments=await rows(ProposalComment),
    )


def _average(values: Iterable[int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return round(sum(given) / len(given), 2) if given else None


class _Builder:
    """Turns loaded rows into export rows, labels translated and times in the campaign zone."""

    def __init__(self, loaded: _Loaded, t: Translator, zone: ZoneInfo) -> None:
        self.loaded, self.t, self.zone = loaded, t, zone
        self.numbers = {p.id: p.number for p in loaded.proposals}
        self.users = loaded.names["user"]

    def status(self, value: str) -> str:
        return self.t(f"proposals.status.{value}")

    def history(self, row: ProposalTransition) -> dict[str, Cell]:
        return {
            "number": self.numbers[row.proposal_id],
            "at": moment(row.at, self.zone),
            "from_status": self.status(row.from_status),
            "to_status": self.status(row.to_status),
            "actor": self.users.get(row.actor_id or 0),
            "comment": row.comment,
        }

    def review(self, row: ProposalReview) -> dict[str, Cell]:
        return {
            "number": self.numbers[row.proposal_id],
            "reviewer": self.users.get(row.reviewer_id),
            "feasibility": row.feasibility,
            "benefit_score": row.benefit,
            "novelty": row.novelty,
        }

    def comment(self, row: ProposalComment) -> dict[str, Cell]:
        return {
            "number": self.numbers[row.proposal_id],
            "at": moment(row.created_at, self.zone),
            "author": self.users.get(row.author_id),
            "text": row.text,
        }

    def history_text(self, pid: int) -> str:
        lines = []
        for row in self.loaded.transitions:
            if row.proposal_id == pid:
                entry = self.history(row)
                moved = f"{entry['from_status']} → {entry['to_status']}"
                line = f"{entry['at']} {moved} ({entry['actor'] or '-'})"
                lines.append(f"{line}: {row.comment}" if row.comment else line)
        return "\n".join(lines)

    def proposal(self, p: Proposal) -> dict[str, Cell]:
        pid, names, t = p.id or 0, self.loaded.names, self.t
        reviews = [r for r in self.loaded.reviews if r.proposal_id == pid]
        return {
            "number": p.number,
            "status": self.status(p.status),
            "title": p.title,
            "problem": p.problem,
            "solution": p.solution,
            "benefit": t(f"proposals.benefit.{p.benefit}") if p.benefit else None,
            "benefit_text": p.benefit_text,
            "place": p.place,
            "studio": names["studio"].get(p.studio_id or 0),
            "enterprise": names["enterprise"].get(p.enterprise_id or 0),
            "author_id": p.author_id,
            "author": self.users.get(p.author_id),
            "anonymous": t("proposals.export.yes") if p.anonymous else t("proposals.export.no"),
            "submitted_at": moment(p.submitted_at, self.zone),
            "decided_at": moment(p.decided_at, self.zone),
            "photos": self.loaded.media.get((pid, "photo"), 0),
            "voices": self.loaded.media.get((pid, "voice"), 0),
            "documents": self.loaded.media.get((pid, "document"), 0),
            "supporters": self.loaded.supporters.get(pid, 0),
            "comments": sum(c.proposal_id == pid for c in self.loaded.comments),
            "reviewers": len(reviews),
            "feasibility": _average(r.feasibility for r in reviews),
            "benefit_score": _average(r.benefit for r in reviews),
            "novelty": _average(r.novelty for r in reviews),
            "history": self.history_text(pid),
        }


async def gather(
    db: Database, *, since: datetime | None, t: Translator, zone: ZoneInfo
) -> ExportData:
    """Every submitted proposal (since ``since``) with its history, scores and comments."""
    async with db.reader() as session:
        loaded = await _load(session, since)
    build = _Builder(loaded, t, zone)
    return ExportData(
        proposals=[build.proposal(p) for p in loaded.proposals],
        history=[build.history(row) for row in loaded.transitions],
        reviews=[build.review(row) for row in loaded.reviews],
        comments=[build.comment(row) for row in loaded.comments],
    )
