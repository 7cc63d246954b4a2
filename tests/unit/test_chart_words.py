"""Chart text wraps at word boundaries at every text size: at 200% a chart title or text row
never breaks a word in two ("antidepres" / "sant"), as the page's own text does not (issue 22)."""

from __future__ import annotations

from course import charts as c
from tests.unit.test_chart_scale import rows

LONG = "Best quiz scores: History: from anaesthetic to antidepressant"


def _rejoined(lines: list[str]) -> str:
    """The lines as one text again: a line may end at a space or after a hyphen the text has."""
    return " ".join(lines).replace("- ", "-")


def test_a_chart_title_at_200_percent_keeps_every_word_whole():
    spec = c.vega_lite(c.score_distribution_chart([50.0, 80.0, 90.0, 70.0, 60.0, 85.0], 80, title=LONG, scale=2.0))
    lines = spec["title"]["text"]
    assert isinstance(lines, list) and len(lines) > 1, "the title wraps at 200%"
    assert _rejoined(lines) == LONG, f"a word broken in two: {lines}"


def test_a_text_row_at_200_percent_keeps_every_word_whole():
    name = "Electroconvulsive therapy and ketamine-assisted psychotherapy compared"
    spec = c.vega_lite(c.progress_chart([(name, "Passed", 100)], scale=2.0))
    labels = [r["text"] for r in rows(spec) if r["kind"] == "label"]
    assert len(labels) > 2
    assert _rejoined(labels) == f"1. {name}: Passed", f"a word broken in two: {labels}"


def test_a_long_title_at_200_percent_does_not_squeeze_the_score_histogram():
    """The histogram has a fixed plot height. Streamlit fits a chart without its own `autosize`
    into that height title and all, so at 200% a six-line title left a plot 35 px high (seen on
    the trainer dashboard at 1280 px); the chart fits only its width and keeps its plot height."""
    spec = c.vega_lite(c.score_distribution_chart([50.0, 80.0, 90.0, 70.0, 60.0, 85.0], 80, title=LONG, scale=2.0))
    assert spec["height"] == 440
    assert spec.get("autosize", {}).get("type") == "fit-x", spec.get("autosize")
