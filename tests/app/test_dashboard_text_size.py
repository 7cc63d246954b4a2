"""The trainer dashboard's charts follow the trainer's text size (issue 22): at 200% text every
chart's text is twice its size at 100%, like the page around it, and its text rows wrap sooner."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from course.ui import display
from tests.app.test_trainer_dashboard import seed
from tests.app.test_walkthrough import APP
from tests.unit.test_chart_scale import font_sizes


def _title(spec: dict) -> str:
    text = spec["title"]["text"]
    return text if isinstance(text, str) else " ".join(text)


def _charts(text_size: int, code: str) -> list[dict]:
    """Every chart the dashboard draws for the seeded cohort, in page order, at a text size."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[display.KEY] = {"text_size": text_size}
    at.session_state["trainer"] = True
    at.session_state["open-after-trainer-sign-in"] = "trainer"
    at = at.run()
    assert at.title[0].value == "Trainer dashboard"
    at.selectbox(key="dash-cohort").set_value(f"Seeded cohort ({code})").run()
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_at_200_percent_text_every_dashboard_chart_s_text_doubles(real_course, isolated_store):
    code, *_ = seed(real_course, isolated_store)
    normal = _charts(100, code)
    big = _charts(200, code)
    # The completion funnel, the quiz scores, the question facility and the knowledge change
    # at least; the same charts at both sizes.
    assert len(normal) >= 4, [_title(s) for s in normal]
    assert [_title(s) for s in big] == [_title(s) for s in normal]
    for spec, twice in zip(normal, big, strict=True):
        title = _title(spec)
        assert font_sizes(spec), f"{title}: no text marks"
        assert twice["title"]["fontSize"] == 2 * spec["title"]["fontSize"] == 32, title
        assert font_sizes(twice) == [2 * s for s in font_sizes(spec)], title
