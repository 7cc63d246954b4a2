"""Charts follow the learner's text size: at 200% text their text, marks and rows double and
their text rows wrap sooner, so a chart reads like the page around it (issue 22)."""

from __future__ import annotations

import pytest

from course import charts as c
from tests.unit.test_dashboard_charts import ALLOWED_COLOURS, builders, layers, marks, rows

MODULES = [("History", "Passed", 92.3), ("Routes", "In progress", 54.0), ("Safety", "Not started", None)]


def font_sizes(spec: dict) -> list[float]:
    return [m["fontSize"] for kind, m, _ in marks(spec) if kind == "text"]


@pytest.mark.parametrize("name", list(builders()))
def test_at_200_percent_every_chart_text_and_row_doubles(name):
    build = builders()[name]
    normal = c.vega_lite(build())
    big = c.scaled(normal, 2.0)
    assert font_sizes(big) == [2 * s for s in font_sizes(normal)]
    assert big["title"]["fontSize"] == 2 * normal["title"]["fontSize"] == 32
    assert big["config"]["axis"]["labelFontSize"] == 26
    if isinstance(normal.get("height"), dict):
        assert big["height"]["step"] == 2 * normal["height"]["step"]
    # Widths stay "container": the page decides them.
    assert big["width"] == "container"


def test_a_point_mark_grows_by_area_and_a_bar_by_thickness():
    normal = c.vega_lite(c.attitude_chart({"Treatment": (2.8, 3.9)}))
    big = c.vega_lite(c.attitude_chart({"Treatment": (2.8, 3.9)}, scale=2.0))
    (small_point,) = [m for kind, m, _ in marks(normal) if kind == "point"]
    (big_point,) = [m for kind, m, _ in marks(big) if kind == "point"]
    assert big_point["size"] == 4 * small_point["size"]
    bars = [m for kind, m, _ in marks(c.vega_lite(c.pre_post_chart(40, 80, scale=2.0))) if kind == "bar"]
    assert bars and all(b["size"] == 24 for b in bars)


def test_a_chart_built_for_200_percent_is_drawn_at_200_percent_and_wraps_sooner():
    name = "History: from anaesthetic to antidepressant"
    normal = c.vega_lite(c.progress_chart([(name, "Passed", 100)]))
    big = c.vega_lite(c.progress_chart([(name, "Passed", 100)], scale=2.0))
    assert font_sizes(big) == [2 * s for s in font_sizes(normal)]
    labels = [r["text"] for r in rows(big) if r["kind"] == "label"]
    # 36 characters of 13-pixel text fit a phone; at 26 pixels, half as many.
    assert len(labels) > 2 and max(len(t) for t in labels) <= 18
    assert " ".join(labels) == f"1. {name}: Passed"


def test_the_data_is_never_scaled():
    spec = c.vega_lite(c.time_per_module_chart({"History": 12.4}, scale=2.0))
    assert [r["value"] for r in rows(spec) if r["kind"] == "bar"] == [12.4]


def test_module_tiles_say_each_status_in_words_colour_and_symbol():
    spec = c.vega_lite(c.module_status_chart(MODULES))
    assert spec["description"] == "You have passed 1 of 3 modules; 1 in progress, 1 not started."
    tiles = {r["tile"]: r["status"] for r in rows(spec)}
    assert tiles == {"1 ✓": "Passed", "2 …": "In progress", "3": "Not started"}
    used = set()
    for _, mark, encoding in marks(spec):
        used |= {mark[k] for k in ("color", "stroke") if k in mark}
        used |= set((encoding.get("color", {}).get("scale") or {}).get("range", []))
    assert used <= ALLOWED_COLOURS
    legend = next(e["color"] for kind, _, e in marks(spec) if kind == "rect")
    assert legend["scale"]["domain"] == ["Passed", "In progress", "Not started"]
    assert len(list(layers(spec))) == 2


def test_module_tiles_take_fewer_per_line_at_larger_text():
    nine = [(f"M{n}", "Not started", None) for n in range(9)]
    assert max(r["col"] for r in rows(c.vega_lite(c.module_status_chart(nine)))) == 4
    assert max(r["col"] for r in rows(c.vega_lite(c.module_status_chart(nine, scale=2.0)))) == 1


def test_chart_view_builds_a_learner_chart_for_the_text_size():
    from course.ui import chart_view

    normal = chart_view.learner_chart("pre_post", 40.0, 80.0).spec_dict()
    big = chart_view.learner_chart("pre_post", 40.0, 80.0, scale=2.0).spec_dict()
    assert font_sizes(big) == [2 * s for s in font_sizes(normal)]
