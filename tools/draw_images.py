"""Draw the lessons' pictures into ``content/<course>/images/``: ``python tools/draw_images.py``.

Every picture is drawn from shapes and text in this file, so nothing is downloaded and the
same code always writes the same PNG files. A picture with words in it is drawn once per
language (``name.zh.png`` and ``name.en.png``); a picture without words is shared
(``name.png``). Chinese labels need the Noto Sans CJK font (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, patches
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

CONTENT = Path(__file__).resolve().parents[1] / "content"
FAMILY = "Noto Sans CJK SC"
DPI = 100
WIDTH = 1000
INK, MUTED, PAPER = "#1f2933", "#52606d", "#ffffff"
BLUE, ORANGE, GREEN, RED = "#2f6db5", "#e07b24", "#3d8b40", "#c62828"
PALE = {"blue": "#e3eefb", "orange": "#fdebd8", "green": "#e4f3e2", "red": "#fbe3e3"}
SKIN, STEEL = "#f2c6a0", "#8a96a3"

Drawing = Callable[[dict[str, str]], Figure]


def use_cjk_font() -> None:
    """Register Noto Sans CJK with matplotlib and make it the default, or exit explaining why."""
    for path in font_manager.findSystemFonts():
        if Path(path).name.startswith("NotoSansCJK"):
            font_manager.fontManager.addfont(path)
    if not any(font.name == FAMILY for font in font_manager.fontManager.ttflist):
        sys.exit(
            f"draw_images: the font {FAMILY!r} was not found. Install it "
            "(Debian/Ubuntu: apt-get install fonts-noto-cjk) and run this script again."
        )
    matplotlib.rcParams["font.family"] = FAMILY


def canvas(height: int) -> tuple[Figure, Axes]:
    """A white figure ``WIDTH`` × ``height`` pixels whose data units are pixels."""
    fig = plt.figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor=PAPER)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax: Axes, xy: tuple[float, float], size: tuple[float, float], face: str, edge: str) -> None:
    """A rounded rectangle with its lower-left corner at ``xy``."""
    ax.add_patch(
        patches.FancyBboxPatch(
            xy, *size, boxstyle="round,pad=0,rounding_size=18", fc=face, ec=edge, lw=3
        )
    )


def label(ax: Axes, xy: tuple[float, float], text: str, size: float = 24, **style: Any) -> None:
    """Centred text at ``xy``; ``style`` passes matplotlib text options such as ``color``."""
    options: dict[str, Any] = {"ha": "center", "va": "center", "color": INK, "linespacing": 1.3}
    options.update(style)
    ax.text(*xy, text, fontsize=size, **options)


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], **style: Any) -> None:
    """A thick arrow from ``start`` to ``end``."""
    options: dict[str, Any] = {
        "arrowstyle": "-|>",
        "mutation_scale": 34,
        "lw": 4,
        "color": MUTED,
    }
    options.update(style)
    ax.add_patch(patches.FancyArrowPatch(start, end, **options))


def person(ax: Axes, x: float, y: float, scale: float, color: str) -> None:
    """A simple standing figure (head and shoulders) with its feet at ``(x, y)``."""
    ax.add_patch(
        patches.FancyBboxPatch(
            (x - 32 * scale, y),
            64 * scale,
            70 * scale,
            boxstyle=f"round,pad=0,rounding_size={26 * scale}",
            fc=color,
            ec="none",
        )
    )
    ax.add_patch(patches.Circle((x, y + 98 * scale), 24 * scale, fc=SKIN, ec=color, lw=2))


def factory(ax: Axes, x: float, y: float, scale: float) -> None:
    """A small factory with a saw-tooth roof and a chimney, its lower-left corner at ``(x, y)``."""
    w, h = 120 * scale, 60 * scale
    ax.add_patch(patches.Rectangle((x + 88 * scale, y), 18 * scale, 110 * scale, fc=STEEL))
    ax.add_patch(patches.Rectangle((x, y), w, h, fc="#cfd8e3", ec=MUTED, lw=2))
    teeth = [(x, y + h)]
    for i in range(3):
        teeth += [(x + (i + 0.0) * w / 3, y + h + 30 * scale), (x + (i + 1) * w / 3, y + h)]
    ax.add_patch(patches.Polygon(teeth, closed=True, fc="#cfd8e3", ec=MUTED, lw=2))
    ax.add_patch(patches.Rectangle((x + 46 * scale, y), 28 * scale, 34 * scale, fc=MUTED))


def four_actions(t: dict[str, str]) -> Figure:
    """The campaign's four actions as four cards, each with a small icon."""
    fig, ax = canvas(1000)
    label(ax, (500, 945), t["title"], 34, weight="bold")
    label(ax, (500, 893), t["subtitle"], 20, color=MUTED)
    cards = [("speak", BLUE, 40, 450), ("enterprise", ORANGE, 520, 450)]
    cards += [("innovate", GREEN, 40, 40), ("rural", "#7a5c2e", 520, 40)]
    icons = {"speak": icon_speech, "enterprise": icon_gear, "innovate": icon_bulb}
    icons["rural"] = icon_sprout
    for key, color, x, y in cards:
        box(ax, (x, y), (440, 380), "#f7f9fb", color)
        ax.add_patch(patches.Rectangle((x + 3, y + 280), 434, 80, fc=color, ec="none"))
        icons[key](ax, x + 60, y + 320)
        label(ax, (x + 110, y + 320), t[key], float(t["head_size"]), ha="left", color=PAPER)
        label(ax, (x + 220, y + 140), t[key + "_body"], 23)
    return fig


def icon_speech(ax: Axes, x: float, y: float) -> None:
    """A speech bubble centred at ``(x, y)``."""
    ax.add_patch(patches.Ellipse((x, y + 4), 62, 44, fc=PAPER, ec="none"))
    ax.add_patch(patches.Polygon([(x - 14, y - 12), (x - 24, y - 28), (x, y - 14)], fc=PAPER))


def icon_gear(ax: Axes, x: float, y: float) -> None:
    """A cog wheel centred at ``(x, y)``."""
    for i in range(8):
        angle = i * math.pi / 4
        ax.add_patch(
            patches.Rectangle(
                (x + 24 * math.cos(angle) - 7, y + 24 * math.sin(angle) - 7),
                14,
                14,
                angle=math.degrees(angle),
                rotation_point="center",
                fc=PAPER,
            )
        )
    ax.add_patch(patches.Circle((x, y), 22, fc=PAPER))
    ax.add_patch(patches.Circle((x, y), 9, fc=ORANGE))


def icon_bulb(ax: Axes, x: float, y: float) -> None:
    """A light bulb centred at ``(x, y)``."""
    ax.add_patch(patches.Circle((x, y + 6), 20, fc=PAPER))
    ax.add_patch(patches.Rectangle((x - 10, y - 26), 20, 16, fc=PAPER))


def icon_sprout(ax: Axes, x: float, y: float) -> None:
    """A seedling with two leaves centred at ``(x, y)``."""
    ax.add_patch(patches.Rectangle((x - 3, y - 28), 6, 36, fc=PAPER))
    ax.add_patch(patches.Ellipse((x - 16, y + 10), 30, 16, angle=30, fc=PAPER))
    ax.add_patch(patches.Ellipse((x + 16, y + 16), 30, 16, angle=-30, fc=PAPER))
    ax.add_patch(patches.Rectangle((x - 28, y - 32), 56, 8, fc=PAPER))


def tool(ax: Axes, kind: str, x: float, y: float, shadow: bool) -> None:
    """A hanging tool (or, with ``shadow``, its painted outline) with its top at ``(x, y)``."""
    dark = "#2b2f36"
    face = {"handle": dark if shadow else RED, "metal": dark if shadow else STEEL}
    edge = {"ec": dark, "lw": 14} if shadow else {"ec": "none"}
    shapes: dict[str, list[tuple[str, patches.Patch]]] = {
        "hammer": [
            ("metal", patches.Rectangle((x - 55, y - 60), 110, 42)),
            ("handle", patches.Rectangle((x - 11, y - 330), 22, 272)),
        ],
        "wrench": [
            ("metal", patches.Rectangle((x - 13, y - 320), 26, 270)),
            ("metal", patches.Circle((x, y - 40), 34)),
            ("metal", patches.Circle((x, y - 330), 24)),
        ],
        "screwdriver": [
            (
                "handle",
                patches.FancyBboxPatch((x - 20, y - 120), 40, 110, "round,pad=0,rounding_size=16"),
            ),
            ("metal", patches.Rectangle((x - 6, y - 330), 12, 212)),
        ],
        "pliers": [
            (
                "metal",
                patches.Polygon(
                    [(x - 18, y - 10), (x + 18, y - 10), (x + 8, y - 120), (x - 8, y - 120)]
                ),
            ),
            (
                "handle",
                patches.Polygon(
                    [(x - 8, y - 120), (x - 40, y - 330), (x - 18, y - 330), (x, y - 140)]
                ),
            ),
            (
                "handle",
                patches.Polygon(
                    [(x + 8, y - 120), (x + 40, y - 330), (x + 18, y - 330), (x, y - 140)]
                ),
            ),
            ("metal", patches.Circle((x, y - 118), 20)),
        ],
    }
    for part, shape in shapes[kind]:
        shape.set(fc=face[part], **edge)
        ax.add_patch(shape)
    if not shadow and kind == "wrench":
        ax.add_patch(patches.Rectangle((x - 12, y - 30), 24, 40, fc="#f4efe6"))


def shadow_board(_: dict[str, str]) -> Figure:
    """A tool shadow board: every tool has a painted place, and the empty one shows at a glance."""
    fig, ax = canvas(620)
    box(ax, (40, 40), (920, 540), "#f4efe6", "#b8a98f")
    for i in range(23):
        for j in range(13):
            ax.add_patch(patches.Circle((70 + i * 39, 70 + j * 40), 4, fc="#d9cdb8"))
    for index, kind in enumerate(("hammer", "wrench", "screwdriver", "pliers", "wrench")):
        x, y = 150 + index * 175, 500
        ax.add_patch(patches.Circle((x, y + 30), 9, fc=MUTED))
        tool(ax, kind, x, y, shadow=True)
        if index != 3:
            tool(ax, kind, x, y, shadow=False)
    ax.add_patch(patches.Ellipse((675, 320), 190, 420, fc="none", ec=ORANGE, lw=7, ls=(0, (4, 2))))
    return fig


def five_whys(t: dict[str, str]) -> Figure:
    """The scratched-parts example as a chain of why-questions down to the fix."""
    fig, ax = canvas(1320)
    label(ax, (500, 1270), t["title"], 34, weight="bold")
    steps = [("red", RED, t["problem"])]
    steps += [("blue", BLUE, t[f"why{i}"]) for i in range(1, 5)]
    steps.append(("green", GREEN, t["fix"]))
    top = 1210
    for index, (pale, color, text) in enumerate(steps):
        y = top - index * 200 - 130
        box(ax, (70, y), (860, 130), PALE[pale], color)
        label(ax, (500, y + 65), text, 24)
        if index < len(steps) - 1:
            arrow(ax, (500, y - 2), (500, y - 68), color=MUTED)
            last = index == len(steps) - 2
            tag, tag_color = (t["act"], GREEN) if last else (t["why"], color)
            label(ax, (530, y - 36), tag, 22, ha="left", color=tag_color, weight="bold")
    return fig


def skill_ladder(t: dict[str, str]) -> Figure:
    """The eight skill levels as steps, the three added in 2022 in a second colour."""
    fig, ax = canvas(1000)
    label(ax, (500, 950), t["title"], 32, weight="bold")
    for level in range(8):
        new = level in (0, 6, 7)
        x, y = 60 + level * 44, 120 + level * 96
        color = ORANGE if new else BLUE
        box(ax, (x, y), (560, 82), PALE["orange" if new else "blue"], color)
        label(ax, (x + 40, y + 41), str(level + 1), 26, weight="bold", color=color)
        label(ax, (x + 80, y + 41), t[f"level{level}"], 25, ha="left")
    for row, (color, text) in enumerate(((ORANGE, t["added"]), (BLUE, t["kept"]))):
        ax.add_patch(patches.Rectangle((60, 60 - row * 44), 30, 30, fc=color))
        label(ax, (104, 75 - row * 44), text, 21, ha="left", color=MUTED)
    return fig


def team_and_pair(t: dict[str, str]) -> Figure:
    """A service team going into several enterprises, beside one enterprise paired with one."""
    fig, ax = canvas(820)
    for x, color, key in ((40, ORANGE, "team"), (520, BLUE, "pair")):
        box(ax, (x, 40), (440, 740), "#f7f9fb", color)
        label(ax, (x + 220, 730), t[key], 32, weight="bold", color=color)
        label(ax, (x + 220, 135), t[key + "_body"], 22)
    for dx in (0, 60, 120):
        person(ax, 110 + dx, 440, 0.9, ORANGE)
    ax.add_patch(patches.Rectangle((296, 440), 6, 210, fc=MUTED))
    ax.add_patch(patches.Polygon([(302, 650), (380, 622), (302, 594)], fc=RED))
    for index in range(3):
        factory(ax, 330 - index * 115, 250, 0.8)
        arrow(ax, (230, 430), (390 - index * 115, 340), color=ORANGE, mutation_scale=24, lw=3)
    person(ax, 610, 400, 1.3, BLUE)
    factory(ax, 790, 400, 1.1)
    arrow(ax, (662, 450), (785, 450), color=BLUE, arrowstyle="<|-|>")
    return fig


def head(ax: Axes, x: float, y: float) -> None:
    """A face seen from the front, centred at ``(x, y)``."""
    ax.add_patch(patches.Ellipse((x, y), 220, 280, fc=SKIN, ec="#c99a74", lw=2))
    ax.add_patch(patches.Ellipse((x, y + 120), 230, 90, fc="#4a3b31"))
    ax.add_patch(patches.Arc((x, y - 70), 70, 30, theta1=200, theta2=340, color="#9b5d45", lw=3))


def glasses(ax: Axes, x: float, y: float) -> None:
    """Wrap-around safety glasses with side shields, centred at ``(x, y)``."""
    for side in (-1, 1):
        ax.add_patch(
            patches.FancyBboxPatch(
                (x + side * 55 - 42, y - 26),
                84,
                52,
                boxstyle="round,pad=0,rounding_size=16",
                fc="#cfe8f7",
                ec=INK,
                lw=4,
            )
        )
        ax.add_patch(patches.Rectangle((x + side * 112 - 8, y - 18), 16, 40, fc=INK))
    ax.add_patch(patches.Rectangle((x - 14, y + 6), 28, 8, fc=INK))


def eye_face_ppe(t: dict[str, str]) -> Figure:
    """Grinding: a face shield over safety glasses; arc welding: a filtered helmet over glasses."""
    fig, ax = canvas(860)
    for x, key in ((40, "grind"), (520, "weld")):
        box(ax, (x, 40), (440, 780), "#f7f9fb", BLUE)
        label(ax, (x + 220, 775), t[key], 30, weight="bold", color=BLUE)
        label(ax, (x + 220, 130), t[key + "_body"], 21)
    head(ax, 260, 460)
    glasses(ax, 260, 480)
    ax.add_patch(patches.Rectangle((140, 600), 240, 24, fc=MUTED))
    shield = patches.FancyBboxPatch(
        (140, 320), 240, 280, boxstyle="round,pad=0,rounding_size=40", fc="#9fd3f2", ec=BLUE, lw=4
    )
    shield.set_alpha(0.45)
    ax.add_patch(shield)
    label(ax, (260, 660), t["shield"], 21, color=BLUE, weight="bold")
    label(ax, (260, 250), t["glasses"], 21, color=INK, weight="bold")
    arrow(ax, (260, 272), (250, 445), color=INK, mutation_scale=22, lw=3)
    head(ax, 740, 460)
    glasses(ax, 740, 480)
    helmet = patches.FancyBboxPatch(
        (600, 290), 280, 350, boxstyle="round,pad=0,rounding_size=70", fc="#3b4450", ec=INK, lw=3
    )
    helmet.set_alpha(0.88)
    ax.add_patch(helmet)
    window = patches.Rectangle((640, 445), 200, 72, fc="#1b5e20", ec="#0d2e10", lw=5)
    window.set_alpha(0.55)
    ax.add_patch(window)
    label(ax, (740, 665), t["helmet"], 21, color=BLUE, weight="bold")
    label(ax, (740, 250), t["under"], 21, color=INK, weight="bold")
    arrow(ax, (740, 272), (740, 445), color=INK, mutation_scale=22, lw=3)
    return fig


def padlock(ax: Axes, x: float, y: float, color: str) -> None:
    """A padlock whose shackle hangs from ``(x, y)``."""
    ax.add_patch(patches.Arc((x, y - 20), 44, 60, theta1=0, theta2=180, color=STEEL, lw=9))
    ax.add_patch(patches.Rectangle((x - 22, y - 42), 8, 22, fc=STEEL))
    ax.add_patch(patches.Rectangle((x + 14, y - 42), 8, 22, fc=STEEL))
    box(ax, (x - 36, y - 110), (72, 72), color, INK)
    ax.add_patch(patches.Circle((x, y - 70), 8, fc=INK))


def lockout(t: dict[str, str]) -> Figure:
    """An isolator handle at O, a hasp with two padlocks and a danger tag with name and date."""
    fig, ax = canvas(900)
    box(ax, (60, 330), (320, 450), "#dfe3e8", MUTED)
    label(ax, (220, 730), "I", 34, weight="bold", color=MUTED)
    label(ax, (95, 580), "O", 34, weight="bold", color=INK)
    ax.add_patch(patches.Circle((220, 580), 70, fc="#b0b8c1", ec=INK, lw=3))
    ax.add_patch(
        patches.FancyBboxPatch(
            (125, 562), 95, 36, boxstyle="round,pad=0,rounding_size=14", fc="#e53935", ec=INK
        )
    )
    ax.add_patch(patches.Rectangle((207, 430), 26, 80, fc=STEEL, ec=INK))
    ax.add_patch(patches.Circle((220, 450), 7, fc=PAPER, ec=INK))
    ax.add_patch(patches.Ellipse((220, 412), 40, 112, fc="none", ec="#6b7785", lw=9))
    box(ax, (150, 330), (140, 50), "#6b7785", INK)
    for hole in (175, 220, 265):
        ax.add_patch(patches.Circle((hole, 355), 9, fc=PAPER, ec=INK))
    padlock(ax, 175, 357, RED)
    padlock(ax, 265, 357, BLUE)
    label(ax, (220, 175), t["isolator"], 21, color=MUTED)
    ax.plot([290, 520], [360, 700], color=MUTED, lw=3)
    box(ax, (470, 120), (440, 640), "#fffdf3", INK)
    ax.add_patch(patches.Rectangle((473, 620), 434, 120, fc=RED))
    ax.add_patch(patches.Circle((520, 700), 11, fc=PAPER, ec=INK, lw=2))
    label(ax, (690, 665), t["danger"], 34, weight="bold", color=PAPER)
    label(ax, (690, 545), t["locked"], 26, weight="bold")
    for row, key in enumerate(("name", "date", "reason")):
        label(ax, (505, 445 - row * 80), t[key], 23, ha="left")
        ax.plot([625, 880], [425 - row * 80] * 2, color=MUTED, lw=2)
    label(ax, (635, 292), t["reason_value"], 23, ha="left", color=BLUE)
    label(ax, (500, 60), t["rule"], 22, color=INK, weight="bold")
    return fig


def spraying_ppe(t: dict[str, str]) -> Figure:
    """A sprayer dressed in respirator, goggles, gloves, suit and boots, each part labelled."""
    fig, ax = canvas(1100)
    label(ax, (500, 1055), t["title"], 30, weight="bold")
    suit, dark = "#cfe7e1", "#2b2f36"
    ax.add_patch(patches.Rectangle((215, 130), 60, 330, fc=suit, ec=MUTED, lw=2))
    ax.add_patch(patches.Rectangle((285, 130), 60, 330, fc=suit, ec=MUTED, lw=2))
    box(ax, (190, 430), (180, 330), suit, MUTED)
    for side in (-1, 1):
        ax.add_patch(patches.Rectangle((280 + side * 112 - 22, 470), 44, 280, fc=suit, ec=MUTED))
        box(ax, (280 + side * 112 - 26, 410), (52, 70), GREEN, "#1f5e22")
        box(ax, (280 + side * 35 - 38, 70), (76, 80), dark, dark)
    ax.add_patch(patches.Ellipse((280, 860), 150, 190, fc=SKIN, ec="#c99a74", lw=2))
    ax.add_patch(patches.Ellipse((280, 940), 160, 70, fc=suit, ec=MUTED, lw=2))
    ax.add_patch(patches.Rectangle((205, 870), 150, 12, fc=dark))
    box(ax, (222, 860), (116, 44), "#cfe8f7", INK)
    box(ax, (230, 775), (100, 70), "#9aa5b1", INK)
    for side in (-1, 1):
        ax.add_patch(patches.Circle((280 + side * 58, 800), 28, fc="#f0c419", ec=INK, lw=3))
    items = [("goggles", 882), ("respirator", 800), ("suit", 620), ("gloves", 445), ("boots", 110)]
    anchors = {"goggles": (338, 882), "respirator": (366, 800), "suit": (370, 620)}
    anchors |= {"gloves": (418, 445), "boots": (356, 110)}
    for key, y in items:
        ax.plot([anchors[key][0], 470], [anchors[key][1], y], color=MUTED, lw=2)
        ax.add_patch(patches.Circle((470, y), 6, fc=MUTED))
        label(ax, (490, y), t[key], 22, ha="left")
    box(ax, (480, 230), (460, 130), PALE["blue"], BLUE)
    label(ax, (710, 295), t["after"], 21, color=BLUE, weight="bold")
    return fig


def polytunnel(ax: Axes, x: float, y: float) -> None:
    """A plastic-film greenhouse tunnel with its base centred at ``(x, y)``, and two trees."""
    ax.add_patch(patches.Wedge((x, y), 100, 0, 180, fc="#e3f2fd", ec=BLUE, lw=3))
    for dx in (-50, 0, 50):
        ax.plot([x + dx, x + dx], [y, y + math.sqrt(100**2 - dx**2)], color=BLUE, lw=1.5)
    for tx in (x - 160, x + 160):
        ax.add_patch(patches.Rectangle((tx - 7, y), 14, 50, fc="#795548"))
        ax.add_patch(patches.Circle((tx, y + 78), 38, fc=GREEN))
        ax.add_patch(patches.Circle((tx + 13, y + 84), 7, fc=RED))
    ax.add_patch(patches.Rectangle((x - 210, y - 12), 420, 12, fc="#a1887f"))


def demo_base(t: dict[str, str]) -> Figure:
    """The five ways a demonstration base can teach, as a loop around a farm sketch."""
    fig, ax = canvas(1000)
    label(ax, (500, 955), t["title"], 30, weight="bold")
    polytunnel(ax, 500, 330)
    person(ax, 500, 330, 0.6, ORANGE)
    centre, radius = (500, 450), 330
    points = []
    for step in range(5):
        angle = math.radians(90 - step * 72)
        points.append((centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)))
    for step, (x, y) in enumerate(points):
        box(ax, (x - 155, y - 45), (310, 90), PALE["green"], GREEN)
        label(ax, (x, y), t[f"step{step}"], 23, weight="bold")
    for step in range(5):
        (x1, y1), (x2, y2) = points[step], points[(step + 1) % 5]
        start = (x1 + (x2 - x1) * 0.3, y1 + (y2 - y1) * 0.3)
        end = (x1 + (x2 - x1) * 0.7, y1 + (y2 - y1) * 0.7)
        arrow(ax, start, end, color=GREEN, connectionstyle="arc3,rad=-0.25")
    return fig


LABELS: dict[str, dict[str, str]] = {
    "four-actions.zh": {
        "title": "四个行动",
        "subtitle": "陕西劳模工匠助力发展新质生产力行动",
        "head_size": "30",
        "speak": "宣讲行",
        "speak_body": "劳模工匠讲经历、讲经验\n引导职工积极投身\n发展新质生产力",
        "enterprise": "助企行",
        "enterprise_body": "劳模工匠服务队进企业\n送技术、送培训、送服务",
        "innovate": "创新行",
        "innovate_body": "创建劳模和工匠人才\n创新工作室\n2026年底创建率约80%",
        "rural": "乡村行",
        "rural_body": "乡村经济指导服务\n现代农业技术支持\n乡村振兴劳模示范基地",
    },
    "four-actions.en": {
        "title": "The four actions",
        "subtitle": "Shaanxi's campaign for new quality productivity",
        "head_size": "24",
        "speak": "Speaking",
        "speak_body": "Model workers and\ncraftsmen share their\nstories and experience",
        "enterprise": "Helping enterprises",
        "enterprise_body": "Service teams bring\ntechnology, training\nand services",
        "innovate": "Innovation",
        "innovate_body": (
            "Innovation studios for\nabout 80% of frontline\nmodel workers by end-2026"
        ),
        "rural": "To the countryside",
        "rural_body": "Rural guidance,\nfarming technology,\ndemonstration bases",
    },
    "five-whys.zh": {
        "title": "连问几个“为什么”",
        "problem": "问题：外壳零件划伤多，每周都要返工",
        "why1": "零件在周转箱里互相碰撞、摩擦",
        "why2": "零件直接堆在箱里，中间没有隔开",
        "why3": "原来有隔板，坏了以后没有补",
        "why4": "周转箱不在任何人的点检范围里",
        "fix": "对策：补上隔板；把周转箱写进点检表，\n明确由谁来查",
        "why": "为什么？",
        "act": "能动手改了",
    },
    "five-whys.en": {
        "title": "Keep asking why",
        "problem": "Problem: housings arrive scratched;\na batch is reworked every week",
        "why1": "Parts knock and rub together in the boxes",
        "why2": "They are piled in with nothing between them",
        "why3": "The dividers broke and were never replaced",
        "why4": "The boxes are on nobody's inspection checklist",
        "fix": (
            "Fix: put the dividers back; add the boxes\nto the checklist and name who checks them"
        ),
        "why": "Why?",
        "act": "Something we can change",
    },
    "skill-ladder.zh": {
        "title": "“新八级工”职业技能等级",
        "level0": "学徒工",
        "level1": "初级工",
        "level2": "中级工",
        "level3": "高级工",
        "level4": "技师",
        "level5": "高级技师",
        "level6": "特级技师",
        "level7": "首席技师",
        "added": "2022年人社部意见补设、增设的等级",
        "kept": "原有的五级",
    },
    "skill-ladder.en": {
        "title": "The new eight-level skill ladder",
        "level0": "Apprentice",
        "level1": "Junior worker",
        "level2": "Intermediate worker",
        "level3": "Senior worker",
        "level4": "Technician",
        "level5": "Senior technician",
        "level6": "Special-grade technician",
        "level7": "Chief technician",
        "added": "Levels added by the 2022 ministry opinion",
        "kept": "The original five levels",
    },
    "team-and-pair.zh": {
        "team": "服务队",
        "team_body": "劳模工匠组成队伍\n深入企业\n送技术、送培训、送服务",
        "pair": "服务对子",
        "pair_body": "一家企业\n和一位劳模工匠\n一对一结对",
    },
    "team-and-pair.en": {
        "team": "Service team",
        "team_body": (
            "Model workers and\ncraftsmen go into\n"
            "enterprises with technology,\ntraining and services"
        ),
        "pair": "Service pair",
        "pair_body": "One enterprise and\none model worker\nor craftsman,\npaired one to one",
    },
    "eye-face-ppe.zh": {
        "grind": "打磨",
        "grind_body": "面罩罩在护目镜外面\n不能用面罩代替护目镜",
        "shield": "防护面罩",
        "glasses": "里面戴护目镜",
        "weld": "电弧焊",
        "weld_body": "焊接面罩的滤光片\n遮光号要合适\n面罩里面照样戴护目镜",
        "helmet": "焊接面罩",
        "under": "里面戴护目镜",
    },
    "eye-face-ppe.en": {
        "grind": "Grinding",
        "grind_body": "The face shield goes over\nsafety glasses,\nnever instead of them",
        "shield": "Face shield",
        "glasses": "Safety glasses under it",
        "weld": "Arc welding",
        "weld_body": (
            "A welding helmet with\na filter of the right shade,\nsafety glasses underneath"
        ),
        "helmet": "Welding helmet",
        "under": "Safety glasses under it",
    },
    "lockout.zh": {
        "danger": "危  险",
        "locked": "已上锁\n禁止操作",
        "name": "姓名：",
        "date": "日期：",
        "reason": "原因：",
        "reason_value": "检修",
        "isolator": "隔离开关扳到 O（断开）",
        "rule": "一人一锁一钥匙：两人检修，就挂两把锁",
    },
    "lockout.en": {
        "danger": "DANGER",
        "locked": "LOCKED OUT\nDO NOT OPERATE",
        "name": "Name:",
        "date": "Date:",
        "reason": "Reason:",
        "reason_value": "maintenance",
        "isolator": "Isolator switched to O (off)",
        "rule": "One person, one lock, one key: two people working, two locks",
    },
    "spraying-ppe.zh": {
        "title": "打药时，这样护好自己",
        "goggles": "护目镜",
        "respirator": "防毒呼吸器\n（防农药滤毒盒）",
        "suit": "长袖长裤防护服",
        "gloves": "防化手套",
        "boots": "胶靴",
        "after": "打完药：洗澡、换衣服\n脏衣服单独洗",
    },
    "spraying-ppe.en": {
        "title": "Protect yourself when spraying",
        "goggles": "Goggles",
        "respirator": "Respirator with\npesticide filters",
        "suit": "Long-sleeved\nprotective suit",
        "gloves": "Chemical-resistant\ngloves",
        "boots": "Rubber boots",
        "after": "Afterwards: shower, change,\nwash work clothes separately",
    },
    "demo-base.zh": {
        "title": "示范基地可以这样带着大家干",
        "step0": "① 示范",
        "step1": "② 观摩",
        "step2": "③ 动手",
        "step3": "④ 跟踪指导",
        "step4": "⑤ 对比总结",
    },
    "demo-base.en": {
        "title": "How a demonstration base can work",
        "step0": "1 Demonstrate",
        "step1": "2 Visit",
        "step2": "3 Try it",
        "step3": "4 Follow up",
        "step4": "5 Compare, share",
    },
}

PICTURES: list[tuple[str, str, Drawing]] = [
    ("01-model-worker-spirit", "four-actions", four_actions),
    ("02-new-quality-productivity", "shadow-board", shadow_board),
    ("03-from-problem-to-proposal", "five-whys", five_whys),
    ("04-enterprise-service-and-skills", "skill-ladder", skill_ladder),
    ("04-enterprise-service-and-skills", "team-and-pair", team_and_pair),
    ("05-safety-and-quality-routines", "eye-face-ppe", eye_face_ppe),
    ("05-safety-and-quality-routines", "lockout", lockout),
    ("06-rural-revitalization-and-agri-tech", "spraying-ppe", spraying_ppe),
    ("06-rural-revitalization-and-agri-tech", "demo-base", demo_base),
]


def save(fig: Figure, path: Path) -> None:
    """Write ``fig`` as a PNG without a timestamp or version, so reruns give identical bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, facecolor=PAPER, metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {path.relative_to(CONTENT.parent)} ({path.stat().st_size // 1024} KB)")


def main() -> None:
    """Draw every picture, in each language where it has words."""
    use_cjk_font()
    for course, name, draw in PICTURES:
        folder = CONTENT / course / "images"
        languages = [key.rsplit(".", 1)[1] for key in LABELS if key.rsplit(".", 1)[0] == name]
        if not languages:
            save(draw({}), folder / f"{name}.png")
        for language in languages:
            save(draw(LABELS[f"{name}.{language}"]), folder / f"{name}.{language}.png")


if __name__ == "__main__":
    main()
