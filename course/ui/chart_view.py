"""Show a chart the accessible way: the chart (described by its alt text), a caption that
states the takeaway, and the same numbers as a table in an expander.

Building an Altair chart and turning it into Vega-Lite (Altair checks the spec against the
Vega-Lite JSON schema) costs tens of milliseconds per chart, while the browser needs only the
JSON. So charts are turned into JSON once per distinct input and drawn from that with
`st.vega_lite_chart` (docs/performance.md, finding 6).

Charts follow the learner's text size (Display settings): each is built for `text_scale()`,
so its text, marks and row heights grow with the page's text, and it is as wide as the page.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from course import charts
from course.i18n import DEFAULT, N_
from course.ui import display
from course.ui.common import escaped_table
from course.ui.i18n import _

# A pyarrow.Table (pyarrow has no type information for mypy; Streamlit imports it when it converts).
ArrowTable = Any


@dataclass(frozen=True)
class Prepared:
    """A chart ready to draw: Vega-Lite JSON, its takeaway and its numbers."""

    spec: str
    description: str
    table: pd.DataFrame

    def spec_dict(self) -> dict[str, Any]:
        """A fresh copy for each draw: Streamlit edits the spec it is given."""
        return json.loads(self.spec)

    def spec_to_draw(self) -> dict[str, Any]:
        """`spec_dict()` with its tables of data already in Arrow, as Streamlit sends them: it
        converts a dataset on every draw unless it is bytes already (about 1 ms a chart), and a
        prepared chart is drawn many times. The message sent is the same."""
        spec = self.spec_dict()
        if "datasets" in spec:
            spec["datasets"] = {**spec["datasets"], **self._arrow_datasets}
        return spec

    # Worked out once per prepared chart: cached_property keeps each in the instance's own
    # dict, so the frozen value is not changed (and its fields, equality and hash stay as they are).
    @functools.cached_property
    def _arrow_datasets(self) -> dict[str, bytes]:
        # Converted by Streamlit's own function. Only lists of rows: anything else (GeoJSON,
        # none here) is left for Streamlit to handle as it does.
        return {
            name: dataframe_util.convert_anything_to_arrow_bytes(rows)
            for name, rows in self.spec_dict().get("datasets", {}).items()
            if isinstance(rows, list) and all(isinstance(r, dict) and "type" not in r for r in rows)
        }

    @functools.cached_property
    def _shown(self) -> pd.DataFrame:
        return escaped_table(self.table)

    def shown_table(self) -> pd.DataFrame:
        """The numbers as `plain_table` shows them (text escaped), worked out once."""
        return self._shown

    @functools.cached_property
    def _shown_arrow(self) -> ArrowTable:
        return dataframe_util.convert_pandas_df_to_arrow_table(self._shown)

    def shown_arrow(self) -> ArrowTable:
        """`shown_table()` in Arrow, converted once: `st.table` converts a DataFrame on every
        call (about 0.5 ms a table), an Arrow table it only serialises (see `draw_table`)."""
        return self._shown_arrow


def vega_lite_json(chart: Any) -> str:
    """The chart's Vega-Lite spec as Streamlit's `st.altair_chart` would send it.

    Streamlit converts Altair charts under Altair's "none" theme; the default theme adds only
    a 300 x 300 continuous view size, which is left out here for the same result (checked
    against Streamlit's own conversion in tests/unit/test_chart_view.py)."""
    # Not validated against the Vega-Lite schema again here: every chart builder's output is
    # validated in tests/unit (test_charts.py, test_dashboard_charts.py), and validation costs
    # more than building the spec.
    spec = charts.vega_lite(chart)
    view = spec.get("config", {}).get("view")
    if isinstance(view, dict):
        for key in ("continuousWidth", "continuousHeight"):
            view.pop(key, None)
    return json.dumps(spec)


def text_scale() -> float:
    """The learner's text size as a factor (1.0 at 100%, 2.0 at 200%)."""
    return display.text_size(display.current()) / 100


def prepare(chart: Any, table: pd.DataFrame) -> Prepared:
    return Prepared(vega_lite_json(chart), chart.description, table)


def draw(prepared: Prepared, name: str, caption: str | None = None, table: bool = True) -> None:
    """The chart, its takeaway as a caption and its numbers in an expander; `table=False` when
    the page shows a fuller table of the same numbers right after the chart."""
    with st.container(border=True):
        st.vega_lite_chart(spec=prepared.spec_to_draw(), width="stretch")
        st.caption(prepared.description if caption is None else caption)
        if table:
            with st.expander(_("Data table: {name}").format(name=name)):
                draw_table(prepared.shown_arrow())  # as plain_table shows it


def draw_table(table: ArrowTable) -> None:
    """`st.table` of an Arrow table converted by `dataframe_util.convert_pandas_df_to_arrow_table`
    from an escaped DataFrame: the message is the one `plain_table` sends for that DataFrame
    (Streamlit's DataFrame path is that conversion, then the same serialisation), without the
    conversion. The header is shown as it is for a DataFrame (`st.table` decides by the kind of
    data it is given; tests/unit/test_chart_view.py compares the messages)."""
    st.table(table, hide_index=True, hide_header=False)


# Tables of rows (My progress's module table), kept per distinct rows for every session: the
# same statuses and scores give the same table. Building the DataFrame, escaping each cell and
# converting it to Arrow cost about 2 ms a run; an entry is a few KB, the 256 kept (least
# recently used dropped first) well under a few MB.
_ROW_TABLES: OrderedDict[tuple[Any, ...], ArrowTable] = OrderedDict()
_ROW_TABLES_LOCK = threading.Lock()  # script threads of many sessions share it
_ROW_TABLES_MAX = 256


def rows_table(rows: Sequence[Mapping[str, Any]]) -> None:
    """`plain_table(pd.DataFrame(rows))`, drawn from Arrow converted once per distinct rows."""
    # Each value's type is part of the key: 1, 1.0 and True are equal as keys, not as cells.
    key = tuple(tuple((k, type(v), v) for k, v in row.items()) for row in rows)
    with _ROW_TABLES_LOCK:
        table = _ROW_TABLES.get(key)
        if table is not None:
            _ROW_TABLES.move_to_end(key)
    if table is None:
        table = dataframe_util.convert_pandas_df_to_arrow_table(escaped_table(pd.DataFrame(list(rows))))
        with _ROW_TABLES_LOCK:
            _ROW_TABLES[key] = table
            while len(_ROW_TABLES) > _ROW_TABLES_MAX:
                _ROW_TABLES.popitem(last=False)
    draw_table(table)


def show(chart: Any, table: pd.DataFrame, name: str) -> None:
    """Draw a chart built for this render only (the trainer's dashboard caches its own),
    captioned with its takeaway. A chart built without a text scale of its own is drawn at
    the learner's (its text rows keep the wrap width they were built with)."""
    prepared = prepare(chart, table)
    scale = text_scale()
    if scale != 1.0 and charts.SCALE_KEY not in json.loads(prepared.spec).get("usermeta", {}):
        prepared = Prepared(
            json.dumps(charts.scaled(prepared.spec_dict(), scale)), prepared.description, prepared.table
        )
    draw(prepared, name)


# One entry per distinct input, shared by every session: a learner's charts depend only on
# the numbers drawn, never on who they are. An entry is about 5 KB, so the 2,048 kept (least
# recently used dropped first) stay near 10 MB.
_LEARNER_CHARTS: dict[str, tuple[Callable[..., Any], Callable[..., pd.DataFrame]]] = {
    "progress": (charts.progress_chart, charts.progress_table),
    "scores": (
        lambda rows, scale=1.0, lang=DEFAULT: charts.progress_chart(
            rows, title=N_("Best quiz score by module"), scale=scale, lang=lang
        ),
        charts.progress_table,
    ),
    "status": (charts.module_status_chart, charts.progress_table),
    "time": (
        lambda rows, scale=1.0, lang=DEFAULT: charts.time_per_module_chart(dict(rows), scale=scale, lang=lang),
        lambda rows, lang=DEFAULT: charts.time_per_module_table(dict(rows), lang),
    ),
    "pre_post": (charts.pre_post_chart, charts.pre_post_table),
    "attitude": (
        lambda rows, scale=1.0, lang=DEFAULT: charts.attitude_chart(dict(rows), scale=scale, lang=lang),
        lambda rows, lang=DEFAULT: charts.attitude_table(dict(rows), lang),
    ),
}


_FIGURES: dict[tuple[int, str, float, bool, str], tuple[Any, Prepared]] = {}


def figure(fig: Any, audience: str = "staff", scale: float = 1.0, room: bool = False, lang: str = DEFAULT) -> Prepared:
    """A content figure's chart, built once per figure object and audience (the parsed course
    lives for the whole process); `room=True` draws it for the projector
    (charts.room_figure_chart, sized with the screen by the projector page; `scale` unused).
    The public audience's chart is described by the figure's public alt text where it has one. Figures are not hashable, so they are kept by identity,
    each entry holding its figure so that the identity cannot be reused while the entry exists."""
    key = (id(fig), audience, 1.0 if room else scale, room, lang)
    entry = _FIGURES.get(key)
    if entry is not None and entry[0] is fig:
        return entry[1]
    described = fig
    if audience == "public" and getattr(fig, "plain_alt", None):
        described = fig.model_copy(update={"alt": fig.plain_alt})
    chart = charts.room_figure_chart(described) if room else charts.figure_chart(described, scale)
    table = charts.figure_table(fig) if lang == DEFAULT else charts.figure_table(fig, lang)
    prepared = prepare(chart, table)
    if len(_FIGURES) >= 512:  # another course was loaded (tests): start again
        _FIGURES.clear()
    _FIGURES[key] = (fig, prepared)
    return prepared


@functools.lru_cache(maxsize=2048)
def learner_chart(kind: str, *args: Any, scale: float = 1.0, lang: str = DEFAULT) -> Prepared:
    """A learner chart by kind, for hashable arguments (tuples, not dicts), at a text scale, in
    the learner's language."""
    build, table = _LEARNER_CHARTS[kind]
    return prepare(build(*args, scale=scale, lang=lang), table(*args, lang=lang))
