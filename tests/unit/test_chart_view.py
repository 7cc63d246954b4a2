"""Charts drawn from cached Vega-Lite JSON send what `st.altair_chart` would have sent (every
content figure of the shipped course: tests/slow/test_chart_view_figures.py)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from course import charts
from course.progress import ModuleProgress
from course.ui import chart_view

MODULES = tuple(
    ModuleProgress(f"m{n}", f"Module {n}", status, 20, 2, 5, 1, best, best, "overview", (), ())
    for n, (status, best) in enumerate([("passed", 92.3), ("in_progress", 55.0), ("not_started", None)], start=1)
)
LEARNER_CHARTS = {
    "progress": ("progress", MODULES),
    "time": ("time", (("History", 12.4), ("Safety", 25.0))),
    "pre_post": ("pre_post", 43.0, 86.0),
    "pre only": ("pre_post", 43.0, None),
    "attitude": ("attitude", (("Treatment", (2.8, 3.9)), ("People", (3.5, None)))),
}


def _normalised(spec: dict, datasets: dict[str, list[dict]]) -> dict:
    """Dataset names replaced by their order of first use, and the rows put in their place."""
    names: dict[str, str] = {}
    text = json.dumps(spec, sort_keys=True)
    for name in datasets:
        names[name] = f"DATA{len(names)}"
        text = text.replace(json.dumps(name), json.dumps(names[name]))
    out = json.loads(text)
    out["datasets"] = {names[n]: rows for n, rows in datasets.items()}
    return out


def _streamlit_sends(chart) -> dict:
    spec = _convert_altair_to_vega_lite_spec(chart)
    rows = {
        name: pa.ipc.open_stream(pa.py_buffer(data)).read_all().to_pylist()
        for name, data in spec.pop("datasets").items()
    }
    for table in rows.values():
        for row in table:
            row.pop("__index__", None)  # Streamlit also sends the data frame's index
    return _normalised(spec, rows)


def _we_send(prepared: chart_view.Prepared) -> dict:
    spec = prepared.spec_dict()
    return _normalised(spec, spec.pop("datasets"))


@pytest.mark.parametrize("name", list(LEARNER_CHARTS))
def test_a_learner_chart_is_the_spec_streamlit_would_send(name):
    kind, *args = LEARNER_CHARTS[name]
    build, _ = chart_view._LEARNER_CHARTS[kind]
    assert _we_send(chart_view.learner_chart(kind, *args)) == _streamlit_sends(build(*args))


def test_the_same_numbers_reuse_one_chart_and_other_numbers_get_their_own():
    first = chart_view.learner_chart("pre_post", 40.0, 80.0)
    assert chart_view.learner_chart("pre_post", 40.0, 80.0) is first
    other = chart_view.learner_chart("pre_post", 40.0, 90.0)
    assert other is not first and "90%" in other.description
    assert list(other.table["Score (%)"]) == [40, 90]


def test_each_draw_gets_its_own_copy_of_the_spec():
    prepared = chart_view.learner_chart("pre_post", 40.0, 80.0)
    copy = prepared.spec_dict()
    copy["description"] = "changed by a caller"
    assert prepared.spec_dict()["description"] == prepared.description


def test_a_figure_is_kept_by_identity_not_rebuilt():
    class Figure:  # figures are not hashable; any object stands in for the identity check
        pass

    built = []
    fig = Figure()
    original = (charts.figure_chart, charts.figure_table)
    charts.figure_chart = lambda f, scale=1.0: built.append(f) or charts.pre_post_chart(1.0, 2.0)
    charts.figure_table = lambda f: charts.pre_post_table(1.0, 2.0)
    try:
        assert chart_view.figure(fig) is chart_view.figure(fig)
        assert built == [fig]
    finally:
        charts.figure_chart, charts.figure_table = original
        chart_view._FIGURES.pop(id(fig), None)


@pytest.mark.parametrize("name", list(LEARNER_CHARTS))
def test_a_drawn_chart_sends_the_same_message_with_its_data_converted_once(name):
    # Streamlit converts a spec's datasets to Arrow on every draw unless they are already
    # bytes; a prepared chart hands it the bytes it converted the first time.
    from streamlit.elements.vega_charts import _marshall_chart_data
    from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

    kind, *args = LEARNER_CHARTS[name]
    prepared = chart_view.learner_chart(kind, *args)
    sent = []
    for spec in (prepared.spec_dict(), prepared.spec_to_draw(), prepared.spec_to_draw()):
        proto = VegaLiteChart()
        _marshall_chart_data(proto, spec)
        sent.append((proto.SerializeToString(), json.dumps(spec, sort_keys=True)))
    assert sent[1] == sent[0] and sent[2] == sent[0]


def test_a_charts_data_table_is_escaped_once_as_every_table_is():
    from course.ui.common import escaped_table

    prepared = chart_view.learner_chart("time", (("1. History", 12.4), ("*Safety*", 25.0)))
    shown = prepared.shown_table()
    assert shown is prepared.shown_table()
    assert shown.equals(escaped_table(prepared.table))
    assert r"1\. History" in list(shown.iloc[:, 0])


def _table_protos(draw) -> list:
    """The table messages a script drawing with `draw` sends."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(draw).run()
    assert not at.exception
    return [t.proto.SerializeToString() for t in at.get("table")]


def _plain_tables():
    import pandas as pd

    from course.ui.chart_view import learner_chart
    from course.ui.common import plain_table

    rows = [
        {"Module": "1. *History*", "Status": "Passed", "Quiz attempts": 1, "Best score": "92%"},
        {"Module": "2. Safety", "Status": "Locked", "Quiz attempts": 0, "Best score": "–"},
    ]
    plain_table(pd.DataFrame(rows))
    plain_table(learner_chart("time", (("1. History", 12.4), ("*Safety*", 25.0))).table)


def _tables_from_arrow():
    from course.ui.chart_view import draw_table, learner_chart, rows_table

    rows = [
        {"Module": "1. *History*", "Status": "Passed", "Quiz attempts": 1, "Best score": "92%"},
        {"Module": "2. Safety", "Status": "Locked", "Quiz attempts": 0, "Best score": "–"},
    ]
    rows_table(rows)
    draw_table(learner_chart("time", (("1. History", 12.4), ("*Safety*", 25.0))).shown_arrow())


def test_a_table_kept_in_arrow_sends_the_message_plain_table_sends():
    # Same cells (escaped), same header, no index: byte for byte what st.table sends for the
    # escaped DataFrame, once converted and once from the kept conversion.
    want = _table_protos(_plain_tables)
    assert len(want) == 2
    assert _table_protos(_tables_from_arrow) == want
    assert _table_protos(_tables_from_arrow) == want  # drawn again from what was kept


def test_rows_table_keeps_one_conversion_per_distinct_rows():
    rows = [{"Module": "1. History", "Quiz attempts": 1}]
    key = lambda r: tuple(tuple((k, type(v), v) for k, v in row.items()) for row in r)  # noqa: E731
    chart_view._ROW_TABLES.clear()
    chart_view.rows_table(rows)  # outside a script run, st.table draws nothing
    first = chart_view._ROW_TABLES[key(rows)]
    other = [{"Module": "1. History", "Quiz attempts": 2}]  # another attempt: another table
    chart_view.rows_table(other)
    chart_view.rows_table(rows)
    assert chart_view._ROW_TABLES[key(rows)] is first
    assert chart_view._ROW_TABLES[key(other)].column("Quiz attempts").to_pylist() == [2]
