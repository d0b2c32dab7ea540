"""A PNG bar chart of studio coverage by area against the target (matplotlib, Agg backend).

Chinese labels need a CJK font (Debian ``fonts-noto-cjk`` or ``fonts-wqy-microhei``). When the
machine has none, the chart is drawn with the English labels it is given and place names it
cannot show are replaced by their English names or numbers, so it never prints empty boxes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

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
    passing: str = "≥ target"
    failing: str = "< target"
    direct: str = "{name}"  # the people of enterprises attached to the unit shown itself


PASSING, FAILING, NO_DATA, TARGET = "#2e7d32", "#c62828", "#9e9e9e", "#1a237e"
WIDTH_INCHES, DPI, TEXT_POINTS = 4.2, 240, 13
"""About 1,000 pixels wide, shown at a phone's 390: text of 13 points reads like 12 px there."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar as drawn: its label, length in percent, colour and the target it is held to."""

    name: str
    percent: float
    colour: str
    target: float
    count: str


def bars(report: CoverageReport, words: ChartLabels) -> list[Bar]:
    """What each bar shows: passing bars green, failing red, no data grey."""
    rows: Sequence[CoverageRow] = report.by_area or (report.total,)
    out = []
    for row in rows:
        name = row.label or (report.unit.name if report.unit else words.other)
        if row.direct:
            name = words.direct.format(name=name)
        colour = NO_DATA if not row.known else PASSING if row.met else FAILING
        count = f"{row.covered}/{row.population}" if row.known else words.none
        out.append(Bar(name, row.share * 100, colour, row.target * 100, count))
    return out


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
    """Coverage per area as horizontal bars against the target line; PNG bytes.

    Sized for a phone: narrow, with large text. Uses a bare ``Figure`` (no pyplot, no global
    style changes), so it may run in a worker thread.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    family = font if font is not None else cjk_font()
    words = labels if family else fallback
    families = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    shown = bars(report, words)
    if not family:
        shown = [replace(b, name=_ascii_label(b.name, i)) for i, b in enumerate(shown)]
    figure = Figure(figsize=(WIDTH_INCHES, 1.5 + 0.55 * len(shown)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(shown)))
    axes.barh(positions, [b.percent for b in shown], color=[b.colour for b in shown], height=0.7)
    for position, bar in zip(positions, shown, strict=True):
        axes.vlines(bar.target, position - 0.45, position + 0.45, colors=TARGET, linewidth=2.5)
        inside = bar.percent > 60
        axes.text(
            bar.percent - 2 if inside else bar.percent + 2,
            position,
            bar.count,
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=TEXT_POINTS - 2,
        )
    targets = {b.target for b in shown}
    if len(targets) == 1:
        axes.axvline(targets.pop(), color=TARGET, linestyle="--", linewidth=1.2, zorder=0)
    axes.set_yticks(positions, [b.name for b in shown], fontfamily=families, fontsize=TEXT_POINTS)
    axes.tick_params(axis="x", labelsize=TEXT_POINTS - 2)
    axes.invert_yaxis()
    axes.set_xlim(0, 105)
    axes.set_xlabel("%", fontsize=TEXT_POINTS - 2)
    axes.set_title(words.title, fontfamily=families, fontsize=TEXT_POINTS + 1)
    axes.spines[["top", "right"]].set_visible(False)
    handles = [
        Patch(color=PASSING, label=words.passing),
        Patch(color=FAILING, label=words.failing),
        Patch(color=TARGET, label=words.target),
    ]
    legend = {"family": families, "size": TEXT_POINTS - 2}
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.3 / len(shown)),
        ncol=3,
        frameon=False,
        prop=legend,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
