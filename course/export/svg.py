"""The pack's inline SVG charts: a bar or timeline figure drawn as one self-contained
<svg> with a title, a description, and every value written beside its mark, so the offline
HTML and the PDF need no script, no image file and no Altair. Colours come from
`course.palette`, the same as the app's charts.
"""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass

from course.palette import BAR_COLOUR, GRID_COLOUR, TEXT_COLOUR
from course.schema import Figure
from course.slides import format_value


def _nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True)
class _ChartRow:
    label: str
    value: float
    text: str  # the value as written beside the mark


def chart_rows(figure: Figure) -> list[_ChartRow]:
    """Rows in drawing order: timelines earliest first, bars in the author's order."""
    points = sorted(figure.data, key=lambda p: p.value) if figure.type == "timeline" else list(figure.data)
    return [_ChartRow(p.label, p.value, format_value(figure, p.value)) for p in points]


def chart_domain(figure: Figure) -> tuple[float, float]:
    values = [p.value for p in figure.data]
    if figure.type == "timeline":
        lo, hi = min(values), max(values)
        pad = max(2.0, (hi - lo) * 0.08)
        return lo - pad, hi + pad
    lo, hi = min(0.0, *values), max(0.0, *values)
    return lo, hi if hi > lo else lo + 1


def svg_chart(figure: Figure, dom_id: str) -> str:
    """A self-contained SVG of a bar or timeline figure: one row per data point, its label
    to the left (wrapped, never cut) and its value written beside the mark, so nothing
    depends on colour or on hovering."""
    e = html.escape
    width, label_w, right, top, line_h = 640, 220, 76, 6, 18
    plot_x = label_w + 12
    plot_w = width - plot_x - right
    rows = chart_rows(figure)
    lo, hi = chart_domain(figure)

    def x(value: float) -> float:
        return plot_x + (value - lo) / (hi - lo) * plot_w

    body: list[str] = []
    y = top
    for row in rows:
        lines = textwrap.wrap(row.label, 25) or [row.label]
        row_h = 14 + line_h * len(lines)
        mid = y + row_h / 2
        first = mid - (len(lines) - 1) * line_h / 2 + 5
        tspans = "".join(
            f'<tspan x="{label_w}" y="{first + k * line_h:.1f}">{e(line)}</tspan>' for k, line in enumerate(lines)
        )
        body.append(f'<text class="label" text-anchor="end" fill="{TEXT_COLOUR}">{tspans}</text>')
        if figure.type == "bar":
            x0, x1 = sorted((x(0.0), x(row.value)))
            body.append(
                f'<rect class="bar" x="{x0:.1f}" y="{mid - 8:.1f}" width="{max(x1 - x0, 1):.1f}" height="16" '
                f'fill="{BAR_COLOUR}"/>'
            )
            end = x1
        else:
            cx = x(row.value)
            points = f"{cx:.1f},{mid - 8:.1f} {cx + 8:.1f},{mid:.1f} {cx:.1f},{mid + 8:.1f} {cx - 8:.1f},{mid:.1f}"
            body.append(f'<polygon class="mark" points="{points}" fill="{BAR_COLOUR}"/>')
            end = cx + 8
        body.append(
            f'<text class="value" x="{end + 6:.1f}" y="{mid + 5:.1f}" fill="{TEXT_COLOUR}">{e(row.text)}</text>'
        )
        y += row_h
    axis_y = y + 4
    height = axis_y + 46
    grid: list[str] = []
    for tick in _nice_ticks(lo, hi, 7 if figure.type == "timeline" else 6):
        tx = x(tick)
        grid.append(f'<line class="grid" x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{axis_y}" stroke="{GRID_COLOUR}"/>')
        grid.append(
            f'<text class="tick" x="{tx:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="{TEXT_COLOUR}">'
            f"{e(format_value(figure, float(tick)))}</text>"
        )
    return "\n".join(
        [
            f'<svg class="chart" role="img" aria-labelledby="{dom_id}-title {dom_id}-desc" '
            f'viewBox="0 0 {width} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet">',
            f'<title id="{dom_id}-title">{e(figure.title)}</title>',
            f'<desc id="{dom_id}-desc">{e(figure.alt)}</desc>',
            *grid,
            *body,
            f'<line class="axis" x1="{plot_x}" y1="{axis_y:.1f}" x2="{plot_x + plot_w}" y2="{axis_y:.1f}" '
            f'stroke="{TEXT_COLOUR}"/>',
            f'<text class="axis-title" x="{plot_x + plot_w / 2:.1f}" y="{axis_y + 40:.1f}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{e(figure.value_title)}</text>',
            "</svg>",
        ]
    )
