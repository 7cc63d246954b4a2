"""Pure Altair chart builders: plain data in, chart out (no Streamlit import).

Every chart carries its alt text as the Vega `description` (the accessible name of the
chart container), labels its values with text marks so nothing depends on colour alone,
and sets its text colours explicitly, because Vega's default grey is below 4.5:1 contrast.

Every builder takes `scale`, the learner's text size as a factor (1.0 at 100%, 2.0 at 200%;
the UI passes it, this module does not know the learner): text, marks, gaps and row heights
grow with it, text rows wrap sooner, and widths follow the container (`width="container"`),
so a chart reads like the page around it at every text size and width (`vega_lite`).

The learner's charts and the figures' data tables take `lang`, the learner's language: their
titles, descriptions, legends and table headings are marked with `N_` and translated with
`course.i18n.gettext_for` (the trainer's charts stay in English, as the trainer pages do).

Over 600 lines because it is one coherent thing: every chart the course draws, built from one
palette and one row-chart layout (labels above thin marks, values written beside them) that
the learner and trainer charts share; split by audience, the shared layout would have to be
a third module that both import, with no line saved.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import statistics
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

# The colours are course.palette's, shared with the poll chart and the facilitator pack.
from course.i18n import DEFAULT, N_, gettext_for
from course.palette import ACCENT_COLOUR, BAR_COLOUR, GREEN_COLOUR, GRID_COLOUR, PURPLE_COLOUR, TEXT_COLOUR
from course.questions import TYPES as QUESTION_TYPES
from course.schema import Figure

FONT = "Source Sans Pro, Arial, sans-serif"

# --------------------------------------------------------------------------- text size

# Where a chart keeps the text scale it was built for (Vega-Lite's free-form `usermeta`).
SCALE_KEY = "courseTextScale"
# Vega-Lite properties that are lengths in pixels: they grow with the text. A point mark's
# `size` and a legend's `symbolSize` are areas, so they grow with the square of the scale.
_LENGTHS = frozenset(
    {
        "fontSize",
        "labelFontSize",
        "titleFontSize",
        "strokeWidth",
        "thickness",
        "dx",
        "dy",
        "labelPadding",
        "titlePadding",
        "labelLimit",
        "titleLimit",
        "cornerRadiusEnd",
        "step",
        "height",
        "symbolStrokeWidth",
        "strokeDash",
        "offset",
    }
)
_AREAS = frozenset({"symbolSize"})
_AREA_MARKS = frozenset({"point", "circle", "square"})
# Parts of a spec that hold data or data logic, never sizes.
_NOT_SIZES = frozenset({"data", "datasets", "transform", "usermeta", "scale", "description", "text"})


def scaled(spec: dict[str, Any], scale: float) -> dict[str, Any]:
    """A copy of a Vega-Lite spec with every pixel size (text, marks, strokes, gaps, row
    heights, fixed heights) multiplied by `scale`. Widths are left alone: every chart here is
    as wide as its container, which already follows the page."""

    def grow(value: Any, factor: float) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [grow(v, factor) for v in value] if isinstance(value, list) else walk(value)
        return round(value * factor, 2)

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        area_mark = node.get("type") in _AREA_MARKS
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _NOT_SIZES:
                out[key] = value
            elif key in _AREAS or (key == "size" and area_mark):
                out[key] = grow(value, scale * scale)
            elif key in _LENGTHS or key == "size":
                out[key] = grow(value, scale)
            else:
                out[key] = walk(value)
        return out

    result: dict[str, Any] = walk(spec)
    return result


def vega_lite(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec (not validated again: the unit tests validate every builder's
    output), sized for the text scale it was built for."""
    spec: dict[str, Any] = chart.to_dict(validate=False)
    factor = spec.get("usermeta", {}).get(SCALE_KEY, 1.0)
    return spec if factor == 1.0 else scaled(spec, float(factor))


def _with_scale(chart: alt.LayerChart, scale: float) -> alt.LayerChart:
    return chart.properties(usermeta={SCALE_KEY: float(scale)}) if scale != 1.0 else chart


def figure_table(figure: Figure, lang: str = DEFAULT) -> pd.DataFrame:
    """The data-table alternative to a figure, with the figure's own column titles."""
    rows = []
    note = gettext_for(lang, N_("Note"))
    for point in figure.data:
        value = int(point.value) if point.value.is_integer() else point.value
        row = {figure.label_title: point.label, figure.value_title: value}
        if any(p.note for p in figure.data):
            row[note] = point.note or ""
        rows.append(row)
    return pd.DataFrame(rows)


# Axis text set explicitly: Vega's default grey is below 4.5:1 on white.
AXIS_STYLE: dict[str, Any] = {  # values of several types, as Vega-Lite's axis config takes them
    "labelColor": TEXT_COLOUR,
    "titleColor": TEXT_COLOUR,
    "labelFont": FONT,
    "titleFont": FONT,
    "labelFontSize": 13,
    "titleFontSize": 13,
    "gridColor": GRID_COLOUR,
    "domainColor": TEXT_COLOUR,
    "tickColor": TEXT_COLOUR,
    "labelLimit": 300,
}


def _style(chart: alt.LayerChart, figure: Figure, scale: float = 1.0) -> alt.LayerChart:
    styled = (
        chart.properties(
            title=alt.Title(
                _title_lines(figure.title, scale), color=TEXT_COLOUR, font=FONT, fontSize=16, anchor="start"
            ),
            description=figure.alt,
            width="container",
        )
        .configure_axis(**AXIS_STYLE)
        .configure_view(stroke=None)
    )
    return _with_scale(styled, scale)


def _rows(points: Iterable[Any]) -> pd.DataFrame:
    points = list(points)
    return pd.DataFrame({"label": [p.label for p in points], "value": [p.value for p in points]})


def _labelled_rows(data: pd.DataFrame, x: alt.X, figure: Figure, value_format: str) -> tuple[alt.Chart, alt.LayerChart]:
    """Each row's label sits above its mark, not on an axis, so a 320-pixel-wide phone screen
    still has room for the plot; the value is written beside the mark."""
    tooltip = [
        alt.Tooltip("label:N", title=figure.label_title),
        alt.Tooltip("value:Q", title=figure.value_title, format=value_format),
    ]
    y = alt.Y("label:N", sort=None, axis=None)
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    labels = base.mark_text(align="left", baseline="bottom", dy=-8, color=TEXT_COLOUR, font=FONT, fontSize=13).encode(
        x=alt.value(0), text="label:N"
    )
    values = base.mark_text(align="left", dx=8, color=TEXT_COLOUR, font=FONT, fontSize=13).encode(
        x=x, text=alt.Text("value:Q", format=value_format)
    )
    return base.encode(x=x), labels + values


def bar_chart(figure: Figure, scale: float = 1.0) -> alt.LayerChart:
    data = _rows(figure.data)
    x = alt.X("value:Q", title=figure.value_title, scale=alt.Scale(nice=True))
    base, text = _labelled_rows(data, x, figure, ",.6~r")
    bars = base.mark_bar(color=BAR_COLOUR, size=14)
    return _style((bars + text).properties(height=alt.Step(44)), figure, scale)


def timeline_chart(figure: Figure, scale: float = 1.0) -> alt.LayerChart:
    # Earliest first. Sorting the rows, not the encoding, keeps the spec simple for the renderer.
    data = _rows(sorted(figure.data, key=lambda p: p.value))
    lo, hi = float(data["value"].min()), float(data["value"].max())
    pad = max(2.0, (hi - lo) * 0.08)
    x = alt.X(
        "value:Q", title=figure.value_title, scale=alt.Scale(domain=[lo - pad, hi + pad]), axis=alt.Axis(format="d")
    )
    base, text = _labelled_rows(data, x, figure, "d")
    dots = base.mark_point(filled=True, size=110, color=BAR_COLOUR, shape="diamond", opacity=1)
    return _style((dots + text).properties(height=alt.Step(44)), figure, scale)


def figure_chart(figure: Figure, scale: float = 1.0) -> alt.LayerChart:
    """A content figure's chart by its type, at the learner's text scale."""
    build = bar_chart if figure.type == "bar" else timeline_chart
    return build(figure, scale)


# A figure on the projector is drawn for a screen ROOM_WIDTH pixels wide with ROOM_FONT pixel
# text, and the projector page scales the drawing with the screen, as it does the poll results
# (course.poll_charts.ROOM): 36 px text at 1920x1080, 24 px at 1280x720, beside 46 and 31 px
# slide text. Each label sits left of its mark, in a column of its own, so a row is one line
# high: a figure of seven one-line rows fits a 1280x720 screen under the slide's heading and
# two lines of slide text.
ROOM_WIDTH = 1240
ROOM_FONT = 26
ROOM_LINE = 30  # pixels per line of a label
ROOM_ROW_GAP = 16  # pixels between one row's label and the next
ROOM_LABEL_WIDTH = 540  # the label column; the plot takes the rest
ROOM_LABEL_CHARS = 42  # a label wraps here: about 500 pixels of 26-pixel text
ROOM_VALUE_ROOM = 130  # right of the plot, for the value written after a bar


def room_figure_chart(figure: Figure) -> alt.LayerChart:
    """A content figure drawn for a room (the projector): labels left of their marks, values
    written beside them, no chart title (the slide's heading is the figure's title)."""
    points = sorted(figure.data, key=lambda p: p.value) if figure.type == "timeline" else list(figure.data)
    wrapped = [_wrap(p.label, ROOM_LABEL_CHARS) or [""] for p in points]
    data = pd.DataFrame(
        {
            "label": [p.label for p in points],
            "value": [p.value for p in points],
            "text": ["\n".join(lines) for lines in wrapped],
        }
    )
    lines = max((len(w) for w in wrapped), default=1)
    plot = [ROOM_LABEL_WIDTH, ROOM_WIDTH - ROOM_VALUE_ROOM]
    if figure.type == "timeline":
        lo, hi = float(data["value"].min()), float(data["value"].max())
        pad = max(2.0, (hi - lo) * 0.08)
        value_format = "d"
        x = alt.X(
            "value:Q",
            title=figure.value_title,
            scale=alt.Scale(domain=[lo - pad, hi + pad], range=plot),
            axis=alt.Axis(format="d", tickCount=6),
        )
    else:
        value_format = ",.6~r"
        x = alt.X(
            "value:Q", title=figure.value_title, scale=alt.Scale(nice=True, range=plot), axis=alt.Axis(tickCount=6)
        )
    y = alt.Y("label:N", sort=None, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.1))
    tooltip = [
        alt.Tooltip("label:N", title=figure.label_title),
        alt.Tooltip("value:Q", title=figure.value_title, format=value_format),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    labels = base.mark_text(
        align="left",
        baseline="middle",
        lineBreak="\n",
        lineHeight=ROOM_LINE,
        color=TEXT_COLOUR,
        font=FONT,
        fontSize=ROOM_FONT,
    ).encode(x=alt.value(0), text="text:N")
    values = base.mark_text(
        align="left", baseline="middle", dx=16, color=TEXT_COLOUR, font=FONT, fontSize=ROOM_FONT
    ).encode(x=x, text=alt.Text("value:Q", format=value_format))
    if figure.type == "timeline":
        marks = base.mark_point(filled=True, size=440, color=BAR_COLOUR, shape="diamond", opacity=1).encode(x=x)
    else:
        marks = base.mark_bar(color=BAR_COLOUR, size=28).encode(x=x)
    room_axis = {**AXIS_STYLE, "labelFontSize": ROOM_FONT, "titleFontSize": ROOM_FONT, "labelPadding": 8}
    return (
        (marks + labels + values)
        .properties(height=alt.Step(lines * ROOM_LINE + ROOM_ROW_GAP), width=ROOM_WIDTH, description=figure.alt)
        .configure_axis(**room_axis)
        .configure_view(stroke=None)
    )


# --------------------------------------------------------------------------- dashboard charts
#
# Learner and trainer dashboard charts. Same promises as the figure charts above: plain data
# in, chart out; the Vega `description` states the chart's takeaway, computed from the data;
# every value is written as text, so colour is never the only cue; text colours are set
# explicitly. Most are "row charts": each row of the y band is either a line of text (a
# module's name, wrapped to fit; a note) or one thin mark, so labels sit above their marks and
# a 320-pixel phone screen keeps its whole width for the plot. Each chart has a `*_table`
# function giving the same numbers as a data table (the accessible alternative). Mark counts
# stay small, so Streamlit keeps SVG (it switches to canvas, without mark labels, above ~2,000).

ROW_STEP = 24  # pixels per row of a row chart
LINE_CHARS = 36  # a text row wraps here: about 250 pixels of 13-pixel text, inside 320
TITLE_CHARS = 30  # the same for the 16-pixel bold title
# Row charts leave room right of the longest bar for its value text ("11 started").
ROOM_FOR_TEXT = 1.7


def _title_lines(title: str, scale: float = 1.0) -> str | list[str]:
    """A title too long for a phone screen becomes several lines instead of being cut off
    (sooner at a larger text size)."""
    return _lines(title, TITLE_CHARS, scale)


def _lines(text: str, chars: int, scale: float) -> str | list[str]:
    """`text` as one line, or as several of at most `chars` characters at `scale`."""
    lines = _wrap(text, _chars(chars, scale))
    return lines[0] if len(lines) == 1 else lines


def _wrap(text: str, chars: int) -> list[str]:
    """`text` in lines of about `chars` characters, broken only between words or after a hyphen
    the text has: a word longer than a line keeps a line of its own rather than being cut in
    two ("antidepres" / "sant" at 200% text, issue 22); the chart leaves room for it."""
    return textwrap.wrap(text, chars, break_long_words=False)


def _chars(chars: int, scale: float) -> int:
    """A wrap width in characters for text `scale` times its usual size."""
    # A little under the straight ratio: at a larger size the page's fallback fonts run wider.
    return max(10, int(chars / scale**1.15))


@functools.cache
def _dash_config() -> alt.Config:
    """The configuration every dashboard chart shares, built once (building Altair objects
    costs milliseconds each, and these never change)."""
    return (
        alt.Chart()
        .configure_axis(**AXIS_STYLE)
        .configure_legend(
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=13,
            titleFontSize=13,
            labelLimit=300,  # Vega's default 160 px cut "Start of course" to "Start of cou…" at 200%
            symbolSize=100,  # Vega's default, set so that it grows with the text size
            orient="top",
        )
        .configure_view(stroke=None)
        # The chart is named by its description and its numbers are in the data table beside
        # it; marks stay out of the accessibility tree, where an empty layer (no data yet, or
        # a hidden small group) would otherwise be an unnamed graphic (axe svg-img-alt).
        .configure_mark(aria=False)
        .config
    )


def _dash_style(chart: alt.LayerChart, title: str, description: str, scale: float = 1.0) -> alt.LayerChart:
    styled = chart.properties(
        title=alt.Title(_title_lines(title, scale), color=TEXT_COLOUR, font=FONT, fontSize=16, anchor="start"),
        description=description,
        width="container",
    )
    styled.config = _dash_config()  # shared, never changed: Altair copies a config before editing it
    return _with_scale(styled, scale)


def _signed(value: float, places: int = 1) -> str:
    """+1.2 / −0.4 with a true minus sign, which screen readers read as "minus"."""
    return f"{value:+.{places}f}".replace("-", "−")


class _Rows:
    """Builds the single data frame of a row chart, top row first.

    kind is "label" (bold text), "note" (text), "bar" (a bar from 0 to `value` with
    `value_text` after it) or "plot" (a row the chart draws its own marks on)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.rows: list[dict[str, Any]] = []
        self.line_chars = _chars(LINE_CHARS, scale)

    def _add(self, kind: str, **fields: Any) -> int:
        self.rows.append({"kind": kind, **fields})
        return len(self.rows) - 1

    def label(self, text: str) -> None:
        for line in _wrap(text, self.line_chars) or [""]:
            self._add("label", text=line)

    def note(self, text: str) -> None:
        for line in _wrap(text, self.line_chars) or [""]:
            self._add("note", text=line)

    def bar(self, name: str, value: float, value_text: str, **fields: Any) -> None:
        self._add("bar", text=name, value=float(value), value_text=value_text, **fields)

    def plot(self, name: str, **fields: Any) -> None:
        self._add("plot", text=name, **fields)

    def frame(self, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        base = ["row", "kind", "text", "value", "value_text", *columns]
        frame = pd.DataFrame(self.rows, columns=[c for c in base if c != "row"])
        frame.insert(0, "row", range(len(frame)))
        return frame


def _row_y() -> alt.Y:
    return alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.2))


def _text_rows() -> list[alt.Chart]:
    """Label rows in bold and note rows in normal weight, from the left edge."""
    return list(_text_row_layers())


@functools.cache
def _text_row_layers() -> tuple[alt.Chart, ...]:
    """Built once: the same two layers serve every row chart (they hold no data)."""
    return tuple(
        alt.Chart()
        .transform_filter(alt.datum.kind == kind)
        .mark_text(
            align="left",
            baseline="middle",
            color=TEXT_COLOUR,
            font=FONT,
            fontSize=13,
            fontWeight="bold" if kind == "label" else "normal",
        )
        .encode(y=_row_y(), x=alt.value(0), text="text:N")
        for kind in ("label", "note")
    )


def _bar_rows(domain_max: float, colour: alt.Color | Mapping[str, Any], tooltip: list[alt.Tooltip]) -> list[alt.Chart]:
    """A thin bar per "bar" row from 0 to `value`, with `value_text` written just after it."""
    key = (float(domain_max), *(_spec_key(part) for part in (colour, *tooltip)))
    layers = _BAR_ROWS.get(key)
    if layers is None:
        x = alt.X("value:Q", axis=None, scale=alt.Scale(domain=[0, domain_max], nice=False))
        bars = alt.Chart().transform_filter(alt.datum.kind == "bar")
        layers = (
            bars.mark_bar(size=12, cornerRadiusEnd=2).encode(y=_row_y(), x=x, color=colour, tooltip=tooltip),
            bars.mark_text(align="left", baseline="middle", dx=6, color=TEXT_COLOUR, font=FONT, fontSize=13).encode(
                y=_row_y(), x=x, text="value_text:N"
            ),
        )
        if len(_BAR_ROWS) >= 256:  # a bound: the domain varies with the data (time, funnel)
            _BAR_ROWS.clear()
        _BAR_ROWS[key] = layers
    return list(layers)


def _round_up(value: float) -> float:
    """Up to a step of half a power of ten (57 -> 60, 123 -> 150): an axis end that every
    learner's time chart shares, so its layers are built once (the bars look the same)."""
    step = 10 ** math.floor(math.log10(value)) / 2 if value > 0 else 1.0
    return round(math.ceil(value / step) * step, 10)


def _spec_key(part: Any) -> str:
    """A channel (an Altair object, or a plain dict such as `alt.value` gives) as a cache key."""
    spec = part.to_dict(validate=False) if hasattr(part, "to_dict") else part
    return json.dumps(spec, sort_keys=True)


# The bar layers of a row chart, by scale, colour and tooltip. They hold no data, so charts
# of the same kind share them instead of rebuilding (building Altair objects is slow).
_BAR_ROWS: dict[tuple, tuple[alt.Chart, ...]] = {}


def _narrow(chart: alt.LayerChart | alt.FacetChart) -> alt.LayerChart:
    """Layered charts, which Altair types as possibly faceted (when a layer is faceted; none
    here is)."""
    if not isinstance(chart, alt.LayerChart):
        raise TypeError("a faceted layer cannot be drawn as a row chart")
    return chart


def _row_chart(
    data: pd.DataFrame, layers: list[alt.Chart], title: str, description: str, scale: float = 1.0
) -> alt.LayerChart:
    chart = _narrow(alt.layer(*layers, data=data)).properties(height=alt.Step(ROW_STEP))
    return _dash_style(chart, title, description, scale)


# --------------------------------------------------------------------------- learner: progress


def _progress_rows(rows: Iterable[Any]) -> list[tuple[str, str, float | None]]:
    """(title, status label, best percent) tuples, or `progress.ModuleProgress` objects."""
    out = []
    for r in rows:
        if hasattr(r, "best_percent"):
            out.append((r.title, r.label, r.best_percent))
        else:
            title, status, best = r
            out.append((title, status, best))
    return out


def progress_table(rows: Iterable[Any], lang: str = DEFAULT) -> pd.DataFrame:
    """The data table behind `progress_chart`: Module, Status, Best score (%)."""
    t = functools.partial(gettext_for, lang)
    columns = [t(N_("Module")), t(N_("Status")), t(N_("Best score (%)"))]
    return pd.DataFrame(
        [
            dict(zip(columns, (title, t(status), None if best is None else round(best)), strict=True))
            for title, status, best in _progress_rows(rows)
        ],
        columns=columns,
    )


def progress_chart(
    rows: Iterable[Any], title: str = N_("Your progress by module"), scale: float = 1.0, lang: str = DEFAULT
) -> alt.LayerChart:
    """Best quiz score per module, each module's name and status written above its bar."""
    t = functools.partial(gettext_for, lang)
    modules = _progress_rows(rows)
    r = _Rows(scale)
    for n, (name, status, best) in enumerate(modules, start=1):
        r.label(f"{n}. {name}: {t(status)}")
        r.bar(
            name,
            best or 0.0,
            t(N_("no quiz attempt yet")) if best is None else t(N_("best {percent}%")).format(percent=f"{best:.0f}"),
        )
    passed = [m for m in modules if m[1].strip().lower() == "passed"]
    scored = [(name, best) for name, _, best in modules if best is not None]
    if not modules:
        description = t(N_("No modules to show yet."))
    else:
        description = t(N_("You have passed {passed} of {total} modules.")).format(
            passed=len(passed), total=len(modules)
        )
        if scored:
            top_name, top_score = max(scored, key=lambda m: m[1])
            description += " " + t(N_("Your best quiz score so far is {percent}% in {module}.")).format(
                percent=f"{top_score:.0f}", module=top_name
            )
        else:
            description += " " + t(N_("You have not tried a quiz yet."))
    tooltip = [
        alt.Tooltip("text:N", title=t(N_("Module"))),
        alt.Tooltip("value:Q", title=t(N_("Best score (%)")), format=".0f"),
    ]
    title = t(title)
    layers = _text_rows() + _bar_rows(100 * ROOM_FOR_TEXT, alt.value(BAR_COLOUR), tooltip)
    return _row_chart(r.frame(), layers, title, description, scale)


# Module status as tiles: (fill, symbol written after the module's number). The
# symbol and the legend's words carry the status as well as the colour. Dark text on every
# fill: at least 4.5:1 on each (5:1 on the green, 8:1 on the sky blue and the orange); each
# tile has a dark outline, so its edge keeps 3:1 against the page whatever its fill.
SKY_COLOUR = "#56B4E9"  # Okabe-Ito sky blue
ORANGE_COLOUR = "#E69F00"  # Okabe-Ito orange
STATUS_TILES = {
    N_("Passed"): (GREEN_COLOUR, "✓"),
    N_("In progress"): (SKY_COLOUR, "…"),
    N_("Quiz not yet passed"): (ORANGE_COLOUR, "↻"),
    N_("Not started"): ("white", ""),
    N_("Locked"): ("white", "–"),
}
TILES_PER_LINE = 5  # at 100% text: fits a 320-pixel phone; fewer per line at larger text


def module_status_chart(
    rows: Iterable[Any], title: str = N_("Modules at a glance"), scale: float = 1.0, lang: str = DEFAULT
) -> alt.LayerChart:
    """One numbered tile per module, coloured and marked by its status (✓ passed, … in
    progress, ↻ quiz not yet passed, – locked, blank not started), in lines of a few tiles, with a
    legend in words: where the learner stands, at a glance."""
    t = functools.partial(gettext_for, lang)
    modules = _progress_rows(rows)
    per_line = max(2, min(len(modules) or 1, int(TILES_PER_LINE / scale)))
    data = pd.DataFrame(
        [
            {
                "n": n,
                "col": (n - 1) % per_line,
                "line": (n - 1) // per_line,
                "tile": f"{n} {STATUS_TILES.get(status, STATUS_TILES['Not started'])[1]}".strip(),
                "module": f"{n}. {name}",
                "status": t(status),
            }
            for n, (name, status, _) in enumerate(modules, start=1)
        ],
        columns=["n", "col", "line", "tile", "module", "status"],
    )
    shown = [s for s in STATUS_TILES if any(m[1] == s for m in modules)] or ["Not started"]
    x = alt.X("col:O", axis=None, scale=alt.Scale(domain=list(range(per_line)), paddingInner=0.12, paddingOuter=0))
    y = alt.Y("line:O", axis=None, scale=alt.Scale(paddingInner=0.2, paddingOuter=0.1))
    tooltip = [alt.Tooltip("module:N", title=t(N_("Module"))), alt.Tooltip("status:N", title=t(N_("Status")))]
    base = alt.Chart().encode(x=x, y=y, tooltip=tooltip)
    tiles = base.mark_rect(stroke=TEXT_COLOUR, strokeWidth=1.5, cornerRadius=4).encode(
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=[t(s) for s in shown], range=[STATUS_TILES[s][0] for s in shown]),
            legend=alt.Legend(
                title=None,
                orient="top",
                direction="horizontal",
                symbolType="square",
                symbolStrokeColor=TEXT_COLOUR,
                symbolStrokeWidth=1.5,
                columns=1 if scale > 1.2 else 2,  # a legend wider than the chart squeezes the plot away
            ),
        )
    )
    labels = base.mark_text(color=TEXT_COLOUR, font=FONT, fontSize=19, fontWeight="bold", baseline="middle").encode(
        text="tile:N"
    )
    counts = {s: sum(m[1] == s for m in modules) for s in STATUS_TILES}
    if not modules:
        description = t(N_("No modules on this track."))
    else:
        parts = [f"{counts[s]} {t(s).lower()}" for s in STATUS_TILES if counts[s] and s != "Passed"]
        description = t(N_("You have passed {passed} of {total} modules")).format(
            passed=counts["Passed"], total=len(modules)
        ) + (f"; {', '.join(parts)}." if parts else ".")
    chart = _narrow(alt.layer(tiles, labels, data=data)).properties(height=alt.Step(52))
    return _dash_style(chart, t(title), description, scale)


# --------------------------------------------------------------------------- learner: pre/post

PRE_LABEL, POST_LABEL = N_("Before the course (pre-test)"), N_("After the course (post-test)")


def pre_post_table(pre: float | None, post: float | None, lang: str = DEFAULT) -> pd.DataFrame:
    """The data table behind `pre_post_chart`."""
    t = functools.partial(gettext_for, lang)
    check, score = t(N_("Knowledge check")), t(N_("Score (%)"))
    return pd.DataFrame(
        [
            {check: t(PRE_LABEL), score: None if pre is None else round(pre)},
            {check: t(POST_LABEL), score: None if post is None else round(post)},
        ]
    )


def pre_post_chart(
    pre: float | None,
    post: float | None,
    title: str = N_("Your knowledge check"),
    scale: float = 1.0,
    lang: str = DEFAULT,
) -> alt.LayerChart:
    """Pre-test and post-test percent (a learner's own, or a group's means) as labelled bars."""
    t = functools.partial(gettext_for, lang)
    r = _Rows(scale)
    for label, value in ((t(PRE_LABEL), pre), (t(POST_LABEL), post)):
        r.label(label)
        r.bar(label, value or 0.0, t(N_("not taken yet")) if value is None else f"{value:.0f}%")
    if pre is not None and post is not None:
        gain, points = post - pre, f"{abs(post - pre):.0f}"
        if round(gain) == 0:
            change = t(N_("no change"))
        elif gain > 0:
            change = t(N_("up {points} percentage points")).format(points=points)
        else:
            change = t(N_("down {points} percentage points")).format(points=points)
        description = t(N_("Knowledge check: {pre}% before the course and {post}% after, {change}.")).format(
            pre=f"{pre:.0f}", post=f"{post:.0f}", change=change
        )
    elif pre is not None:
        description = t(N_("Knowledge check: {pre}% before the course; the post-test is not taken yet.")).format(
            pre=f"{pre:.0f}"
        )
    elif post is not None:
        description = t(N_("Knowledge check: {post}% after the course; the pre-test was not taken.")).format(
            post=f"{post:.0f}"
        )
    else:
        description = t(N_("Neither knowledge check has been taken yet."))
    tooltip = [
        alt.Tooltip("text:N", title=t(N_("Knowledge check"))),
        alt.Tooltip("value:Q", title=t(N_("Score (%)")), format=".0f"),
    ]
    layers = _text_rows() + _bar_rows(100 * ROOM_FOR_TEXT, alt.value(BAR_COLOUR), tooltip)
    return _row_chart(r.frame(), layers, t(title), description, scale)


# --------------------------------------------------------------------------- learner: attitudes

START_LABEL, END_LABEL = N_("Start of course"), N_("End of course")


def attitude_table(themes: Mapping[str, tuple[float | None, float | None]], lang: str = DEFAULT) -> pd.DataFrame:
    """The data table behind `attitude_chart`: Theme, Start, End, Change."""
    t = functools.partial(gettext_for, lang)
    columns = [t(N_("Theme")), t(N_("Start")), t(N_("End")), t(N_("Change"))]
    rows = []
    for theme, (start, end) in themes.items():
        values = (
            theme,
            None if start is None else round(start, 1),
            None if end is None else round(end, 1),
            None if start is None or end is None else round(end - start, 1),
        )
        rows.append(dict(zip(columns, values, strict=True)))
    return pd.DataFrame(rows, columns=columns)


def attitude_chart(
    themes: Mapping[str, tuple[float | None, float | None]],
    scale_range: tuple[int, int] = (1, 5),
    title: str = N_("Your views, start and end"),
    scale: float = 1.0,
    lang: str = DEFAULT,
) -> alt.LayerChart:
    """Theme means (higher = more supportive) at the start and end of the course: a circle for
    the start, a diamond for the end, joined by a line, with both numbers written just above;
    a blank row between themes keeps each label with its own dots."""
    t = functools.partial(gettext_for, lang)
    r = _Rows(scale)
    for n, (theme, (start, end)) in enumerate(themes.items()):
        if n:
            r.note("")
        if start is not None and end is not None:
            r.label(f"{theme}: {start:.1f} → {end:.1f} ({_signed(end - start)})")
        elif start is not None:
            r.label(t(N_("{theme}: {score} at the start")).format(theme=theme, score=f"{start:.1f}"))
        elif end is not None:
            r.label(t(N_("{theme}: {score} at the end")).format(theme=theme, score=f"{end:.1f}"))
        else:
            r.label(t(N_("{theme}: not answered yet")).format(theme=theme))
        r.plot(theme, start=start, end=end)
    data = r.frame(("start", "end"))
    lo, hi = scale_range
    x_scale = alt.Scale(domain=[lo, hi], nice=False)
    plot = alt.Chart().transform_filter(alt.datum.kind == "plot")

    line = plot.transform_filter("isValid(datum.start) && isValid(datum.end)").mark_rule(
        color=TEXT_COLOUR, strokeWidth=2
    )
    line = line.encode(y=_row_y(), x=alt.X("start:Q", scale=x_scale), x2="end:Q")
    ends = [t(START_LABEL), t(END_LABEL)]
    points = (
        plot.transform_fold(["start", "end"], as_=["moment", "score"])
        .transform_filter("isValid(datum.score)")
        .transform_calculate(when=f"datum.moment === 'start' ? {json.dumps(ends[0])} : {json.dumps(ends[1])}")
        .mark_point(filled=True, size=150, opacity=1)
        .encode(
            y=_row_y(),
            x=alt.X(
                "score:Q",
                scale=x_scale,
                # An axis title wider than the chart squeezes the plot away: wrapped like a row.
                title=_lines(t(N_("Higher = more supportive ({lo} to {hi})")).format(lo=lo, hi=hi), LINE_CHARS, scale),
                axis=alt.Axis(values=list(range(lo, hi + 1)), format="d", grid=False),
            ),
            color=alt.Color(
                "when:N",
                scale=alt.Scale(domain=ends, range=[BAR_COLOUR, ACCENT_COLOUR]),
                title=None,
                # One line per entry at a large text size: a legend wider than the chart
                # squeezes the plot to nothing.
                legend=alt.Legend(columns=1) if scale > 1.2 else alt.Legend(),
            ),
            shape=alt.Shape("when:N", scale=alt.Scale(domain=ends, range=["circle", "diamond"]), title=None),
            tooltip=[
                alt.Tooltip("text:N", title=t(N_("Theme"))),
                alt.Tooltip("when:N", title=t(N_("When"))),
                alt.Tooltip("score:Q", title=t(N_("Score")), format=".1f"),
            ],
        )
    )
    paired = [(t, s, e) for t, (s, e) in themes.items() if s is not None and e is not None]
    if not themes:
        description = t(N_("No survey answers yet."))
    elif not paired:
        description = t(N_("Views at the start of the course are recorded; the end-of-course survey is not taken yet."))
    else:
        up = [p for p in paired if p[2] > p[1]]
        biggest = max(paired, key=lambda p: abs(p[2] - p[1]))
        description = t(
            N_(
                "Higher means more supportive. Views became more supportive on {up} of {total} themes; "
                "the biggest change was {theme}, from {start} to {end}."
            )
        ).format(up=len(up), total=len(paired), theme=biggest[0], start=f"{biggest[1]:.1f}", end=f"{biggest[2]:.1f}")
    return _row_chart(data, [*_text_rows(), line, points], t(title), description, scale)


# --------------------------------------------------------------------------- learner: time


def time_per_module_table(minutes: Mapping[str, float], lang: str = DEFAULT) -> pd.DataFrame:
    """The data table behind `time_per_module_chart`: Module, Minutes."""
    module, minutes_ = gettext_for(lang, N_("Module")), gettext_for(lang, N_("Minutes"))
    return pd.DataFrame([{module: t, minutes_: round(m, 1)} for t, m in minutes.items()], columns=[module, minutes_])


def minutes_text(m: float, lang: str = DEFAULT) -> str:
    """ "12 min"; a bar that is there but under half a minute says so rather than "0 min"."""
    if 0 < m < 0.5:
        return gettext_for(lang, N_("under 1 min"))
    return gettext_for(lang, N_("{minutes} min")).format(minutes=f"{m:.0f}")


def time_per_module_chart(
    minutes: Mapping[str, float], title: str = N_("Estimated time per module"), scale: float = 1.0, lang: str = DEFAULT
) -> alt.LayerChart:
    """Estimated minutes per module (module title -> minutes), written beside each bar."""
    t = functools.partial(gettext_for, lang)
    r = _Rows(scale)
    for name, m in minutes.items():
        r.label(name)
        r.bar(name, m, minutes_text(m, lang))
    if minutes:
        top = max(minutes, key=lambda name: minutes[name])
        total = sum(minutes.values())
        in_all = (
            t(N_("Under 1 minute"))
            if 0 < total < 0.5
            else t(N_("About {minutes} minutes")).format(minutes=f"{total:.0f}")
        )
        description = t(N_("{in_all} in all; the most time on {module} ({time}).")).format(
            in_all=in_all, module=top, time=minutes_text(minutes[top], lang)
        )
    else:
        description = t(N_("No time recorded yet."))
    most = max(minutes.values(), default=0.0) or 1.0
    tooltip = [
        alt.Tooltip("text:N", title=t(N_("Module"))),
        alt.Tooltip("value:Q", title=t(N_("Minutes")), format=".0f"),
    ]
    layers = _text_rows() + _bar_rows(_round_up(most * ROOM_FOR_TEXT), alt.value(BAR_COLOUR), tooltip)
    return _row_chart(r.frame(), layers, t(title), description, scale)


# --------------------------------------------------------------------------- trainer: funnel

# (FunnelStep field, words after the count, colour): three Okabe-Ito colours, and the stage
# is also written after every count, so the colours are never the only cue.
FUNNEL_STAGES = (
    ("started", "started", BAR_COLOUR),
    ("attempted", "tried the quiz", PURPLE_COLOUR),
    ("passed", "passed", GREEN_COLOUR),
)


def funnel_table(steps: Sequence[Any]) -> pd.DataFrame:
    """The data table behind `funnel_chart`; a hidden step reads as the suppression reason."""
    rows = []
    for s in steps:
        if s.suppressed:
            rows.append({"Module": s.title, "Learners": s.suppressed, "Started": "", "Tried quiz": "", "Passed": ""})
        else:
            rows.append(
                {
                    "Module": s.title,
                    "Learners": s.learners,
                    "Started": s.started,
                    "Tried quiz": s.attempted,
                    "Passed": s.passed,
                }
            )
    return pd.DataFrame(rows, columns=["Module", "Learners", "Started", "Tried quiz", "Passed"])


def funnel_chart(steps: Sequence[Any], title: str = "How far learners get", scale: float = 1.0) -> alt.LayerChart:
    """Per module (`analytics.FunnelStep`), learners who started it, tried its quiz, passed it."""
    shown = [s for s in steps if not s.suppressed]
    r = _Rows(scale)
    for n, s in enumerate(steps, start=1):
        r.label(f"{n}. {s.title}")
        if s.suppressed:
            r.note(s.suppressed)
            continue
        for field, words, _ in FUNNEL_STAGES:
            count = getattr(s, field)
            r.bar(s.title, count, f"{count} {words}", stage=words.capitalize())
    if not steps:
        description = "No modules on this track."
    elif not shown:
        description = steps[0].suppressed or "Hidden."
    else:
        total = shown[0].learners
        best = max(shown, key=lambda s: s.passed)
        worst = min(shown, key=lambda s: s.passed)
        if best.passed == worst.passed:
            description = f"Of {total} learners on this track, {best.passed} passed each module."
        else:
            description = (
                f"Of {total} learners on this track, {best.passed} passed {best.title}, the most of any module; "
                + (f"only {worst.passed} passed {worst.title}." if worst.passed else f"none passed {worst.title}.")
            )
        if len(shown) < len(steps):
            hidden = len(steps) - len(shown)
            description += f" {hidden} module{'s' if hidden > 1 else ''} hidden (fewer than 5 learners)."
    stages = [w.capitalize() for _, w, _ in FUNNEL_STAGES]
    colour = alt.Color(
        "stage:N",
        scale=alt.Scale(domain=stages, range=[c for _, _, c in FUNNEL_STAGES]),
        title=None,
        legend=None,  # each bar says what it counts
    )
    tooltip = [
        alt.Tooltip("text:N", title="Module"),
        alt.Tooltip("stage:N", title="Stage"),
        alt.Tooltip("value:Q", title="Learners", format="d"),
    ]
    most = max((s.learners for s in shown), default=1) or 1
    layers = _text_rows() + _bar_rows(most * ROOM_FOR_TEXT, colour, tooltip)
    return _row_chart(r.frame(("stage",)), layers, title, description, scale)


# --------------------------------------------------------------------------- trainer: scores


def _bins(scores: Iterable[float]) -> list[tuple[int, int, int]]:
    """Ten bands of ten points: 0–9, 10–19, ..., 90–100 (a perfect score is in the top band)."""
    # Counted off the sorted scores at the nine band edges (a score s is in band
    # max(0, min(s // 10, 9))): a dashboard's distribution comes sorted, so this is a pass in C
    # rather than a Python step per learner (100,000 of them at hospital scale).
    ordered = sorted(scores)
    edges = [0, *(bisect.bisect_left(ordered, 10 * i) for i in range(1, 10)), len(ordered)]
    return [(10 * i, 10 * i + 10, edges[i + 1] - edges[i]) for i in range(10)]


def _band(lo: int) -> str:
    return f"{lo}–{lo + 9}%" if lo < 90 else "90–100%"


def _scores_of(scores: Any) -> tuple[list[float], str | None]:
    if hasattr(scores, "scores"):  # analytics.Distribution
        return list(scores.scores), scores.suppressed
    return [float(s) for s in scores], None


def score_distribution_table(scores: Any) -> pd.DataFrame:
    """The data table behind `score_distribution_chart`: Score band, Learners."""
    values, suppressed = _scores_of(scores)
    if suppressed:
        return pd.DataFrame([{"Score band": suppressed, "Learners": ""}], columns=["Score band", "Learners"])
    return pd.DataFrame(
        [{"Score band": _band(lo), "Learners": c} for lo, _, c in _bins(values)], columns=["Score band", "Learners"]
    )


def score_distribution_chart(
    scores: Any, pass_mark: float, title: str = "Quiz scores", scale: float = 1.0
) -> alt.LayerChart:
    """A histogram of learners' percent scores (a list, or an `analytics.Distribution`) in bands
    of ten points, each band's count written on top, and the pass mark as a labelled rule."""
    values, suppressed = _scores_of(scores)
    bins = [] if suppressed else _bins(values)
    data = pd.DataFrame(
        [
            {"start": lo, "end": hi, "mid": lo + 5, "count": c, "band": _band(lo), "count_text": str(c) if c else ""}
            for lo, hi, c in bins
        ],
        columns=["start", "end", "mid", "count", "band", "count_text"],
    )
    top = max(int(data["count"].max()) if len(data) else 0, 1)
    x_scale = alt.Scale(domain=[0, 100], nice=False)
    y_scale = alt.Scale(domain=[0, top * 1.4], nice=False)
    x = alt.X("start:Q", title="Score (%)", scale=x_scale, axis=alt.Axis(values=list(range(0, 101, 20)), grid=False))
    y = alt.Y(
        "count:Q",
        title="Learners",
        scale=y_scale,
        axis=alt.Axis(format="d", values=list(range(0, top + 1, max(1, -(-top // 4))))),
    )
    base = alt.Chart(data)
    bars = base.mark_bar(color=BAR_COLOUR, stroke="white", strokeWidth=1).encode(
        x=x,
        x2="end:Q",
        y=y,
        y2=alt.datum(0),
        tooltip=[alt.Tooltip("band:N", title="Score band"), alt.Tooltip("count:Q", title="Learners")],
    )
    counts = base.mark_text(baseline="bottom", dy=-3, color=TEXT_COLOUR, font=FONT, fontSize=13).encode(
        x=alt.X("mid:Q", scale=x_scale), y=y, text="count_text:N"
    )
    mark = pd.DataFrame([{"mark": float(pass_mark), "label": f"Pass mark {pass_mark:g}%", "y": top * 1.38}])
    right = pass_mark > 50  # keep the label inside the plot at 320 pixels
    rule = (
        alt.Chart(mark)
        .mark_rule(color=TEXT_COLOUR, strokeDash=[5, 3], strokeWidth=2)
        .encode(x=alt.X("mark:Q", scale=x_scale))
    )
    rule_text = (
        alt.Chart(mark)
        .mark_text(
            align="right" if right else "left",
            dx=-5 if right else 5,
            baseline="top",
            color=TEXT_COLOUR,
            font=FONT,
            fontSize=13,
            fontWeight="bold",
        )
        .encode(x=alt.X("mark:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="label:N")
    )
    if suppressed:
        description = suppressed
    elif not values:
        description = "No quiz attempts yet."
    else:
        reached = sum(v >= pass_mark for v in values)
        median = statistics.median(values)
        description = (
            f"{reached} of {len(values)} learners ({100 * reached / len(values):.0f}%) reached the "
            f"{pass_mark:g}% pass mark; the median score was {median:.0f}%."
        )
    # Its own autosize: Streamlit's default ("fit") fits the whole chart, title included, into
    # the fixed height, so a title wrapped to several lines at 200% squeezed the plot flat.
    # "fit-x" fits the width only; the plot keeps its height and the chart grows with its title.
    chart = _narrow(bars + counts + rule + rule_text).properties(
        height=220, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )
    return _dash_style(chart, title, description, scale)


# --------------------------------------------------------------------------- trainer: items

TYPE_WORDS = {name: kind.label for name, kind in QUESTION_TYPES.items()}


def question_label(n: int, item: Any, chars: int = 60) -> str:
    """A question by its text, shortened at a word, with its id second: "3. Which of these is
    the first thing to do… (k-q7)" (trainers read the text; the id finds it in the YAML)."""
    text = textwrap.shorten(" ".join(item.prompt.split()), chars, placeholder="…")
    return f"{n}. {text} ({item.question_id})"


def item_facility_table(items: Sequence[Any]) -> pd.DataFrame:
    """The data table behind `item_facility_chart` (`analytics.ItemStats` in)."""
    rows = []
    for n, i in enumerate(items, start=1):
        flags = list(i.flags)
        if i.uncertain and not i.suppressed:
            flags.append("fewer than 20 answers")
        rows.append(
            {
                "Question": question_label(n, i),
                "Type": TYPE_WORDS.get(i.type, i.type),
                "Learners": i.suppressed or i.n,
                "Facility (%)": None if i.facility is None else round(100 * i.facility),
                "Discrimination": None if i.discrimination is None else round(i.discrimination, 2),
                "Flags": ", ".join(flags),
                "Section": "/".join(i.section) if i.section else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["Question", "Type", "Learners", "Facility (%)", "Discrimination", "Flags", "Section"]
    )


def item_facility_chart(
    items: Sequence[Any], title: str = "How hard each question is", scale: float = 1.0
) -> alt.LayerChart:
    """Facility (share right on first attempts) per question, flags written under each bar."""
    r = _Rows(scale)
    for n, i in enumerate(items, start=1):
        r.label(f"{question_label(n, i)}, {TYPE_WORDS.get(i.type, i.type)}")
        if i.suppressed:
            r.note(i.suppressed)
            continue
        r.bar(i.question_id, 100 * i.facility, f"{100 * i.facility:.0f}% right", flagged=bool(i.flags))
        disc = "–" if i.discrimination is None else f"{i.discrimination:.2f}"
        r.note(f"n = {i.n} · discrimination {disc}")
        for flag in i.flags:  # one line each, so a flag is never split across lines
            r.note(f"FLAG: {flag}")
        if i.uncertain:
            r.note("Few answers: read with care")
    shown = [i for i in items if not i.suppressed]
    flagged = [i for i in shown if i.flags]
    hidden = len(items) - len(shown)
    if not items:
        description = "This quiz has no questions."
    elif not shown:
        description = f"All {len(items)} questions are hidden: fewer than 5 learners answered them."
    else:
        lo = min(shown, key=lambda i: i.facility)
        hi = max(shown, key=lambda i: i.facility)
        description = (
            f"{len(shown)} questions shown; facility ranges from {100 * lo.facility:.0f}% ({lo.question_id}) "
            f"to {100 * hi.facility:.0f}% ({hi.question_id}). "
        )
        if flagged:
            description += f"{len(flagged)} flagged: "
            description += "; ".join(f"{i.question_id} {', '.join(i.flags)}" for i in flagged) + "."
        else:
            description += "No question is flagged."
        if hidden:
            description += f" {hidden} hidden (fewer than 5 learners each)."
    colour = alt.Color(
        "flagged:N",
        scale=alt.Scale(domain=[False, True], range=[BAR_COLOUR, ACCENT_COLOUR]),
        legend=None,  # the flag is written out in the note under the bar
    )
    tooltip = [alt.Tooltip("text:N", title="Question"), alt.Tooltip("value:Q", title="Facility (%)", format=".0f")]
    layers = _text_rows() + _bar_rows(100 * ROOM_FOR_TEXT, colour, tooltip)
    return _row_chart(r.frame(("flagged",)), layers, title, description, scale)


# --------------------------------------------------------------------------- trainer: change


def _changes_of(changes: Any) -> list[tuple[str, Any]]:
    if isinstance(changes, Mapping):
        return list(changes.items())
    return [(c.label, c) for c in changes]


def change_table(changes: Any) -> pd.DataFrame:
    """The data table behind `change_chart` (a mapping of name -> `analytics.Change`, or a list)."""
    rows = []
    for name, c in _changes_of(changes):
        rows.append(
            {
                "Measure": name,
                "Learners": c.suppressed or c.n,
                "Before": None if c.before_mean is None else round(c.before_mean, 1),
                "After": None if c.after_mean is None else round(c.after_mean, 1),
                "Change": None if c.mean is None else round(c.mean, 1),
                "95% CI low": None if c.ci_low is None else round(c.ci_low, 1),
                "95% CI high": None if c.ci_high is None else round(c.ci_high, 1),
            }
        )
    return pd.DataFrame(rows, columns=["Measure", "Learners", "Before", "After", "Change", "95% CI low", "95% CI high"])


def _verdict(c: Any) -> str:
    if c.ci_low is None or c.ci_high is None:
        return "too few learners for an interval"
    if c.ci_low > 0:
        return "a clear rise"
    if c.ci_high < 0:
        return "a clear fall"
    return "no clear change"


def change_chart(
    changes: Any, unit: str = "points", title: str = "Change from start to end", scale: float = 1.0
) -> alt.LayerChart:
    """Mean paired change per measure: a diamond at the mean, its 95% confidence interval as a
    whiskered line, a tick at zero, and the numbers and verdict written beneath."""
    r = _Rows(scale)
    pairs = _changes_of(changes)
    for name, c in pairs:
        r.label(name if c.suppressed else f"{name} (n = {c.n})")
        if c.suppressed:
            r.note(c.suppressed)
            continue
        r.plot(name, mean=c.mean, low=c.ci_low, high=c.ci_high)
        ci = "" if c.ci_low is None else f" (95% CI {_signed(c.ci_low)} to {_signed(c.ci_high)})"
        r.note(f"{_signed(c.mean)} {unit}{ci}: {_verdict(c)}")
    data = r.frame(("mean", "low", "high"))
    ends = [abs(v) for _, c in pairs if not c.suppressed for v in (c.mean, c.ci_low, c.ci_high) if v is not None]
    reach = max([*ends, 1.0]) * 1.15
    x_scale = alt.Scale(domain=[-reach, reach], nice=False)
    plot = alt.Chart().transform_filter(alt.datum.kind == "plot")
    with_ci = plot.transform_filter("isValid(datum.low) && isValid(datum.high)")
    layers = [
        *_text_rows(),
        plot.mark_tick(color=TEXT_COLOUR, thickness=1, size=22).encode(y=_row_y(), x=alt.datum(0, scale=x_scale)),
        with_ci.mark_rule(color=TEXT_COLOUR, strokeWidth=2).encode(
            y=_row_y(), x=alt.X("low:Q", scale=x_scale), x2="high:Q"
        ),
        with_ci.mark_tick(color=TEXT_COLOUR, thickness=2, size=12).encode(y=_row_y(), x=alt.X("low:Q", scale=x_scale)),
        with_ci.mark_tick(color=TEXT_COLOUR, thickness=2, size=12).encode(y=_row_y(), x=alt.X("high:Q", scale=x_scale)),
        plot.mark_point(filled=True, shape="diamond", size=150, color=BAR_COLOUR, opacity=1).encode(
            y=_row_y(),
            x=alt.X(
                "mean:Q",
                scale=x_scale,
                title=_lines(f"Change ({unit}); the tick marks zero", LINE_CHARS, scale),
                axis=alt.Axis(grid=False),
            ),
            tooltip=[
                alt.Tooltip("text:N", title="Measure"),
                alt.Tooltip("mean:Q", title="Mean change", format="+.1f"),
                alt.Tooltip("low:Q", title="95% CI low", format="+.1f"),
                alt.Tooltip("high:Q", title="95% CI high", format="+.1f"),
            ],
        ),
    ]
    shown = [(name, c) for name, c in pairs if not c.suppressed]
    hidden = len(pairs) - len(shown)
    if not shown:
        description = "Hidden: fewer than 5 learners took both measures." if hidden else "No change to show yet."
    else:
        parts = [f"{name}: {_signed(c.mean)} {unit}, {_verdict(c)}" for name, c in shown]
        description = "Mean change from start to end, with 95% confidence intervals. " + "; ".join(parts) + "."
        if hidden:
            description += f" {hidden} hidden (fewer than 5 learners each)."
    return _row_chart(data, layers, title, description, scale)
