"""A content figure drawn for the projector (charts.room_figure_chart): a valid Vega-Lite chart
for every figure in the course, drawn for a room screen, its labels whole and left of their
marks, every value written beside its mark, and no title (the slide's heading is its title).
Moved from tests/unit/: it builds and validates every figure's chart, about a second."""

from __future__ import annotations

from course import charts as c


def _figures(course):
    for module in course.modules:
        for section in module.sections:
            yield from section.figures


def test_every_course_figure_draws_for_the_room(real_course):
    figures = list(_figures(real_course))
    assert figures
    for figure in figures:
        chart = c.room_figure_chart(figure)
        spec = chart.to_dict()  # validated against the Vega-Lite schema
        assert spec["width"] == c.ROOM_WIDTH and "title" not in spec, figure.title
        assert spec["description"] == figure.alt
        texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
        assert {layer["mark"]["fontSize"] for layer in texts} == {c.ROOM_FONT}
        rows = next(iter(spec["datasets"].values()))
        # A timeline reads earliest first; a bar chart in the content's order.
        order = sorted(figure.data, key=lambda p: p.value) if figure.type == "timeline" else figure.data
        assert [r["label"] for r in rows] == [p.label for p in order], figure.title
        for row in rows:
            lines = row["text"].split("\n")
            assert " ".join(lines).replace("- ", "-") == row["label"], f"a label broken inside a word: {lines}"
            assert all(len(line) <= c.ROOM_LABEL_CHARS or " " not in line for line in lines)
