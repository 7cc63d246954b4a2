"""One palette (`course.palette`) for every chart: the app's figure charts, the room-poll chart
and the facilitator pack's inline SVG draw a bar in the same colour and write text in the same
dark colour, at the contrast WCAG 2.2 AA asks for."""

from __future__ import annotations

import json
import re

from course import palette
from course.charts import figure_chart
from course.export import svg_chart
from course.export.css import STYLESHEET
from course.poll_charts import poll_tally_chart


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def _first_figure(course):
    return next(f for m in course.modules for s in m.sections for f in s.figures)


def _colours(spec: object) -> set[str]:
    return {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}", json.dumps(spec))}


def test_the_app_chart_the_poll_chart_and_the_pack_draw_bars_and_text_in_the_palette_colours(real_course):
    figure = _first_figure(real_course)
    app = _colours(figure_chart(figure).to_dict())
    poll = _colours(poll_tally_chart([("Yes", 3), ("No", 1)], "Ready?").to_dict())
    svg = svg_chart(figure, "fig")
    pack = {c.upper() for c in re.findall(r'fill="(#[0-9A-Fa-f]{6})"', svg)}
    for colours in (app, poll, pack):
        assert palette.BAR_COLOUR in colours
        assert palette.TEXT_COLOUR in colours
    # Nothing in the pack's chart is drawn in a colour of its own.
    assert pack <= {palette.BAR_COLOUR, palette.TEXT_COLOUR}


def test_the_pack_stylesheet_writes_text_and_headings_in_the_palette_colours():
    assert f"color: {palette.TEXT_COLOUR.lower()};" in STYLESHEET
    assert f"h1 {{ color: {palette.HEADING_COLOUR.lower()};" in STYLESHEET
    assert "$" not in STYLESHEET  # every colour of the template was filled in


def test_the_palette_keeps_its_contrast_on_white():
    assert contrast_on_white(palette.TEXT_COLOUR) >= 4.5
    assert contrast_on_white(palette.HEADING_COLOUR) >= 4.5  # headings and links are text
    for colour in (palette.BAR_COLOUR, palette.ACCENT_COLOUR, palette.GREEN_COLOUR, palette.PURPLE_COLOUR):
        assert contrast_on_white(colour) >= 3.0  # graphical objects, WCAG 1.4.11
