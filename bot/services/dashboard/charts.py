"""Coverage bars as SVG drawn on the server, coloured by the page's theme.

Bars carry the classes ``pass``, ``fail`` and ``none`` and the target a dashed ``target`` line;
the page's CSS gives them Telegram's theme colours, so one drawing serves light and dark.
Sized for a 390 px wide phone: one bar per row, the label above it, the share at its end.
"""

from __future__ import annotations

from html import escape

from bot.services.dashboard.coverage import CoverageLine

WIDTH = 360
ROW = 34
BAR = 12


def coverage_svg(lines: tuple[CoverageLine, ...] | list[CoverageLine], *, title: str) -> str:
    """Horizontal bars of each line's share with its target marked; empty string for no lines."""
    if not lines:
        return ""
    height = ROW * len(lines) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" role="img" aria-label="{escape(title)}">'
    ]
    for index, line in enumerate(lines):
        top = index * ROW + 4
        share = line.share
        state = "none" if line.passing is None else ("pass" if line.passing else "fail")
        track = WIDTH - 56
        width = round((share or 0) * track, 1)
        target_x = round(line.target * track, 1)
        label = escape(line.name or "—")
        shown = f"{share * 100:.0f}%" if share is not None else "—"
        parts += [
            f'<text class="label" x="0" y="{top + 10}">{label}</text>',
            f'<rect class="track" x="0" y="{top + 15}" width="{track}" height="{BAR}" rx="3"/>',
            f'<rect class="{state}" x="0" y="{top + 15}" width="{width}" height="{BAR}" rx="3"/>',
            f'<line class="target" x1="{target_x}" x2="{target_x}" y1="{top + 12}"'
            f' y2="{top + 30}"/>',
            f'<text class="value" x="{WIDTH - 50}" y="{top + 25}">{shown}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
