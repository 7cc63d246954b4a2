"""Every content figure of the shipped course, drawn from cached Vega-Lite JSON, sends what
`st.altair_chart` would have sent (moved from tests/unit/test_chart_view.py: it builds and
validates every figure's chart twice)."""

from __future__ import annotations

from course import charts
from course.ui import chart_view
from tests.unit.test_chart_view import _streamlit_sends, _we_send


def test_a_content_figure_is_the_spec_streamlit_would_send(real_course):
    figures = [f for m in real_course.modules for s in m.sections for f in s.figures]
    assert figures
    for figure in figures:
        assert _we_send(chart_view.figure(figure)) == _streamlit_sends(charts.figure_chart(figure)), figure.id
