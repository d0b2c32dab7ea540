"""A PNG bar chart of studio coverage by area against the target (matplotlib, Agg backend).

Chinese labels need a CJK font (Debian ``fonts-noto-cjk`` or ``fonts-wqy-microhei``). When the
machine has none, the chart is drawn with the English labels it is given and place names it
cannot show are replaced by their English names or numbers, so it never prints empty boxes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.network.regions import CITIES
from bot.services.network.studios import CoverageReport, CoverageRow

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Droid Sans Fallback",
)
_ENGLISH = {zh: en[0].upper() + en[1:] for en, zh in CITIES.items() if en not in ("xian", "yanan")}


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The words on the chart, in one language."""

    title: str
    share: str
    target: str
    other: str
    none: str


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed font that can draw Chinese, if any."""
    from matplotlib import font_manager

    def pick() -> str | None:
        installed = {font.name for font in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in installed), None)

    found = pick()
    if found is None:
        # Matplotlib caches the font list once; a CJK font installed later is not in it.
        for path in font_manager.findSystemFonts():
            if "CJK" in path:
                font_manager.fontManager.addfont(path)
        found = pick()
    return found


def _ascii_label(label: str, index: int) -> str:
    if label.isascii():
        return label
    city = label.removesuffix("市")
    return _ENGLISH.get(city, f"#{index + 1}")


def coverage_png(
    report: CoverageReport, labels: ChartLabels, fallback: ChartLabels, *, font: str | None = None
) -> bytes:
    """Coverage per area as horizontal bars, the target as a mark on each bar; PNG bytes.

    Uses a bare ``Figure`` (no pyplot, no global style changes), so it may run in a worker thread.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = font if font is not None else cjk_font()
    words = labels if family else fallback
    families = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    rows: Sequence[CoverageRow] = report.by_area or (report.total,)
    names = [r.label or words.other for r in rows]
    if not family:
        names = [_ascii_label(name, i) for i, name in enumerate(names)]
    figure = Figure(figsize=(7, 1.4 + 0.5 * len(rows)), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    axes.barh(positions, [r.share * 100 for r in rows], color="#c0392b", label=words.share)
    targets = [r.target * 100 for r in rows]
    axes.scatter(
        targets, positions, marker="|", s=400, color="#2c3e50", label=words.target, zorder=3
    )
    for position, row in zip(positions, rows, strict=True):
        count = f"{row.covered}/{row.population}" if row.known else words.none
        axes.text(min(row.share * 100 + 1, 100), position, count, va="center", fontsize=8)
    axes.set_yticks(positions, names, fontfamily=families)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xlabel("%")
    axes.set_title(words.title, fontfamily=families)
    legend = {"family": families, "size": 8}
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False, prop=legend)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
