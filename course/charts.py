"""Pure Altair chart builders: plain data in, chart out (no Streamlit import).

Every chart carries its alt text as the Vega `description` (the accessible name of the
chart container), labels its values with text marks so nothing depends on colour alone,
and sets its text colours explicitly, because Vega's default grey is below 4.5:1 contrast.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.schema import Figure

# Okabe-Ito blue and vermilion: distinguishable with the common colour-vision deficiencies,
# and both at least 3:1 against white for graphical objects (WCAG 1.4.11).
BAR_COLOUR = "#0072B2"
ACCENT_COLOUR = "#D55E00"
TEXT_COLOUR = "#1A1A1A"  # 17:1 on white
GRID_COLOUR = "#D0D0D0"
FONT = "Source Sans Pro, Arial, sans-serif"


def figure_table(figure: Figure) -> pd.DataFrame:
    """The data-table alternative to a figure, with the figure's own column titles."""
    rows = []
    for point in figure.data:
        value = int(point.value) if point.value.is_integer() else point.value
        row = {figure.label_title: point.label, figure.value_title: value}
        if any(p.note for p in figure.data):
            row["Note"] = point.note or ""
        rows.append(row)
    return pd.DataFrame(rows)


def _style(chart: alt.Chart, figure: Figure) -> alt.Chart:
    return (
        chart.properties(
            title=alt.Title(figure.title, color=TEXT_COLOUR, font=FONT, fontSize=16, anchor="start"),
            description=figure.alt,
            width="container",
        )
        .configure_axis(
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=13,
            titleFontSize=13,
            gridColor=GRID_COLOUR,
            domainColor=TEXT_COLOUR,
            tickColor=TEXT_COLOUR,
            labelLimit=300,
        )
        .configure_view(stroke=None)
    )


def _rows(points) -> pd.DataFrame:
    return pd.DataFrame({"label": [p.label for p in points], "value": [p.value for p in points]})


def _labelled_rows(data: pd.DataFrame, x: alt.X, figure: Figure, value_format: str) -> tuple[alt.Chart, alt.Chart]:
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


def bar_chart(figure: Figure) -> alt.Chart:
    data = _rows(figure.data)
    x = alt.X("value:Q", title=figure.value_title, scale=alt.Scale(nice=True))
    base, text = _labelled_rows(data, x, figure, ",.6~r")
    bars = base.mark_bar(color=BAR_COLOUR, size=14)
    return _style((bars + text).properties(height=alt.Step(44)), figure)


def timeline_chart(figure: Figure) -> alt.Chart:
    # Earliest first. Sorting the rows, not the encoding, keeps the spec simple for the renderer.
    data = _rows(sorted(figure.data, key=lambda p: p.value))
    lo, hi = float(data["value"].min()), float(data["value"].max())
    pad = max(2.0, (hi - lo) * 0.08)
    x = alt.X(
        "value:Q", title=figure.value_title, scale=alt.Scale(domain=[lo - pad, hi + pad]), axis=alt.Axis(format="d")
    )
    base, text = _labelled_rows(data, x, figure, "d")
    dots = base.mark_point(filled=True, size=110, color=BAR_COLOUR, shape="diamond", opacity=1)
    return _style((dots + text).properties(height=alt.Step(44)), figure)


def figure_chart(figure: Figure) -> alt.Chart:
    return {"bar": bar_chart, "timeline": timeline_chart}[figure.type](figure)
