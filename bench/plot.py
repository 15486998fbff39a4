"""The fleet benchmark as a picture: overhead and polls against actuation, per schedule.

`python -m bench.plot RESULTS.json OUT.png` draws an SVG and has Debian's Chromium (through
Playwright, as the browser test does) render it to PNG: no plotting library needed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
import sys
from typing import Any

from playwright.sync_api import sync_playwright

from demo.stack import CHROMIUM_ARGS

WIDTH, HEIGHT = 1100, 490
PANEL = (70, 60, 470, 320)  # left, top, width, height of the first panel
GAP = 90
X_RANGE = (0.3, 40.0)
SCHEDULES = (
    ("sdk", "Seam SDK (0.5 s tick)", "#8c8c8c"),
    ("fixed", "Home Assistant before learning", "#e69f00"),
    ("learning", "Home Assistant learning each lock", "#0072b2"),
)


def _x(left: float, width: float, seconds: float) -> float:
    low, high = (math.log10(v) for v in X_RANGE)
    value = math.log10(min(max(seconds, X_RANGE[0]), X_RANGE[1]))
    return left + (value - low) / (high - low) * width


def _y(top: float, height: float, value: float, top_value: float) -> float:
    return top + height - min(value, top_value) / top_value * height


def _panel(
    left: float, title: str, unit: str, top_value: float, ticks: list[float], points: list[Any]
) -> list[str]:
    _, top, width, height = PANEL
    parts = [
        f'<text x="{left + width / 2}" y="{top - 22}" class="title">{title}</text>',
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" class="frame"/>',
    ]
    for tick in ticks:
        y = _y(top, height, tick, top_value)
        parts.append(f'<line x1="{left}" x2="{left + width}" y1="{y}" y2="{y}" class="grid"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4}" class="ylabel">{tick:g}{unit}</text>')
    for seconds in (0.5, 1, 2, 5, 10, 20):
        x = _x(left, width, seconds)
        parts.append(f'<line x1="{x}" x2="{x}" y1="{top}" y2="{top + height}" class="grid"/>')
        parts.append(f'<text x="{x}" y="{top + height + 18}" class="xlabel">{seconds:g} s</text>')
    parts.append(
        f'<text x="{left + width / 2}" y="{top + height + 40}" class="xlabel">'
        "the lock's actuation (log scale)</text>"
    )
    for x_value, y_value, color, cold in points:
        x, y = _x(left, width, x_value), _y(top, height, y_value, top_value)
        fill = "none" if cold else color
        if y_value > top_value:  # off the chart: a triangle at its top edge
            corners = f"{x - 4:.1f},{y + 6:.1f} {x + 4:.1f},{y + 6:.1f} {x:.1f},{y:.1f}"
            parts.append(f'<polygon points="{corners}" fill="{fill}" stroke="{color}"/>')
            continue
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{fill}" stroke="{color}" '
            'stroke-width="1.2" fill-opacity="0.75"/>'
        )
    return parts


def svg(fleet: dict[str, Any]) -> str:
    """The picture of one fleet run."""
    cold = fleet["cold"]
    overhead: list[Any] = []
    polls: list[Any] = []
    for key, _, color in SCHEDULES:
        for commands in fleet["schedules"].get(key, []):
            for number, record in enumerate(commands):
                is_cold = number < cold
                overhead.append(
                    (record["actuation"], record["seconds"] - record["actuation"], color, is_cold)
                )
                polls.append((record["actuation"], record["polls"], color, is_cold))
    left, _, width, _ = PANEL
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}">',
        "<style>text{font-family:'Liberation Sans',sans-serif;font-size:13px;fill:#222}"
        ".title{font-size:15px;font-weight:bold;text-anchor:middle}"
        ".xlabel{text-anchor:middle}.ylabel{text-anchor:end}"
        ".frame{fill:none;stroke:#444}.grid{stroke:#e4e4e4}</style>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        *_panel(
            left,
            "Waited beyond the lock's actuation",
            " s",
            2.0,
            [0, 0.25, 0.5, 1.0, 1.5, 2.0],
            overhead,
        ),
        *_panel(left + width + GAP, "Polls per command", "", 40, [0, 5, 10, 20, 30, 40], polls),
    ]
    legend_y = HEIGHT - 22
    x = left
    for _, label, color in SCHEDULES:
        parts.append(f'<circle cx="{x}" cy="{legend_y}" r="5" fill="{color}"/>')
        parts.append(f'<text x="{x + 10}" y="{legend_y + 4}">{label}</text>')
        x += 30 + 7 * len(label)
    parts.append(
        f'<text x="{x}" y="{legend_y + 4}">filled: warm · hollow: cold (a lock\'s first '
        f"{cold}) · ▲ off the chart</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def render(svg_text: str, out: Path) -> None:
    """Render the SVG to PNG with Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_content(f"<html><body style='margin:0'>{svg_text}</body></html>")
            page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
        finally:
            browser.close()


def main(argv: list[str]) -> int:
    """Draw RESULTS.json's fleet into OUT.png."""
    results, out = Path(argv[0]), Path(argv[1])
    fleet = json.loads(results.read_text()).get("fleet")
    if not fleet:
        sys.stderr.write("no fleet results to draw\n")
        return 1
    render(svg(fleet), out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
