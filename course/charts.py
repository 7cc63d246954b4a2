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


def bar_chart(figure: Figure) -> alt.Chart:
    data = pd.DataFrame({"label": [p.label for p in figure.data], "value": [p.value for p in figure.data]})
    y = alt.Y("label:N", title=None, sort=None)  # the label title is in the tooltip and table
    x = alt.X("value:Q", title=figure.value_title)
    tooltip = [alt.Tooltip("label:N", title=figure.label_title), alt.Tooltip("value:Q", title=figure.value_title)]
    base = alt.Chart(data).encode(y=y, x=x, tooltip=tooltip)
    bars = base.mark_bar(color=BAR_COLOUR)
    labels = base.mark_text(align="left", dx=4, color=TEXT_COLOUR, font=FONT, fontSize=13).encode(
        text=alt.Text("value:Q", format=",.6~r")
    )
    return _style((bars + labels).properties(height=alt.Step(34)), figure)


def timeline_chart(figure: Figure) -> alt.Chart:
    # Earliest first. Sorting the rows, not the encoding: Streamlit 1.67's renderer left a
    # layered chart with both an encoding sort and a fixed scale domain blank.
    points = sorted(figure.data, key=lambda p: p.value)
    data = pd.DataFrame({"label": [p.label for p in points], "value": [p.value for p in points]})
    lo, hi = float(data["value"].min()), float(data["value"].max())
    pad = max(2.0, (hi - lo) * 0.08)
    y = alt.Y("label:N", title=None, sort=None)  # the label title is in the tooltip and table
    x = alt.X(
        "value:Q", title=figure.value_title, scale=alt.Scale(domain=[lo - pad, hi + pad]), axis=alt.Axis(format="d")
    )
    tooltip = [
        alt.Tooltip("label:N", title=figure.label_title),
        alt.Tooltip("value:Q", title=figure.value_title, format="d"),
    ]
    base = alt.Chart(data).encode(y=y, x=x, tooltip=tooltip)
    dots = base.mark_point(filled=True, size=120, color=BAR_COLOUR, shape="diamond")
    labels = base.mark_text(align="left", dx=9, color=TEXT_COLOUR, font=FONT, fontSize=13).encode(
        text=alt.Text("value:Q", format="d")
    )
    return _style((dots + labels).properties(height=alt.Step(34)), figure)


def figure_chart(figure: Figure) -> alt.Chart:
    return {"bar": bar_chart, "timeline": timeline_chart}[figure.type](figure)
