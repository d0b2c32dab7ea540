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


def test_passing_and_failing_bars_differ_and_the_province_line_is_named() -> None:
    """Baoji at target is green, Xi'an below it red; the province's own people are not "其他"."""
    from dataclasses import replace

    from bot.services.network.coverage_chart import FAILING, PASSING, bars
    from bot.services.network.orgtree import UnitView

    province = UnitView(1, "陕西省", "province", "陕西省", 0.8, False, None)
    own = CoverageRow("陕西省", 2, 2, 0.8, None, direct=True)
    report = replace(REPORT, unit=province, by_area=(*REPORT.by_area, own))
    words = replace(CHINESE, direct="{name}（直属）")
    drawn = {bar.name: bar for bar in bars(report, words)}
    assert drawn["宝鸡市"].colour == PASSING
    assert drawn["西安市"].colour == FAILING
    assert "陕西省（直属）" in drawn
    assert "其他" not in drawn
    assert drawn["西安市"].target == 90


def test_chart_is_phone_sized_with_large_text() -> None:
    """About 1,000 px wide, so its 13-point text stays readable shown 390 px wide."""
    import struct

    from bot.services.network.coverage_chart import TEXT_POINTS

    png = coverage_png(REPORT, CHINESE, ENGLISH)
    width = struct.unpack(">I", png[16:20])[0]
    assert 700 <= width <= 1200
    assert TEXT_POINTS * 240 / 72 / width * 390 >= 11  # text height in phone pixels
