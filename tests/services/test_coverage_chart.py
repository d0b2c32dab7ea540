"""The coverage chart: a PNG with Chinese labels given a CJK font, with English ones otherwise."""

from __future__ import annotations

from bot.services.network.coverage_chart import ChartLabels, cjk_font, coverage_png
from bot.services.network.studios import CoverageReport, CoverageRow

REPORT = CoverageReport(
    None,
    CoverageRow(None, 12, 6, 0.8),
    (
        CoverageRow("宝鸡市", 5, 4, 0.8),
        CoverageRow("西安市", 6, 2, 0.9),
        CoverageRow("铜川新区", 1, 0, 0.8),
    ),
    (),
)
CHINESE = ChartLabels("创新工作室覆盖率 · 陕西省", "覆盖率", "目标", "其他", "暂无数据")
ENGLISH = ChartLabels("Innovation studio coverage", "Coverage", "Target", "Other", "no data")


def test_chart_uses_the_installed_cjk_font() -> None:
    """With fonts-noto-cjk installed, Chinese labels are drawn (no missing-glyph warning)."""
    assert cjk_font() is not None
    assert coverage_png(REPORT, CHINESE, ENGLISH).startswith(b"\x89PNG")


def test_chart_falls_back_to_english_labels_without_a_cjk_font() -> None:
    """Without a CJK font every label is ASCII: English words, city names, numbers for the rest."""
    png = coverage_png(REPORT, CHINESE, ENGLISH, font="")
    assert png.startswith(b"\x89PNG")
