"""The room-poll result chart: plain data in, Altair chart out (no Streamlit import).

Same promises as `course.charts`: Okabe-Ito colours, dark text set explicitly, every count
written beside its bar (nothing depends on colour or bar length alone), each option's label
above its bar so a long option text fits a phone or a projector, and a Vega `description`
that states the result. `poll_tally_table` is the same numbers as a data table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

from course.charts import FONT
from course.palette import BAR_COLOUR, TEXT_COLOUR

LINE_CHARS = 44  # an option's label wraps here
ROW_STEP = 30  # pixels per row; large enough to read from the back of a room
FONT_SIZE = 16
# Room right of the longest bar for its count ("12 answers, 48%").
ROOM_FOR_TEXT = 1.8


def _answers(n: int) -> str:
    return f"{n} answer{'s' if n != 1 else ''}"


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def poll_description(options: Sequence[tuple[str, int]], title: str) -> str:
    """The result in words: what the chart shows, for screen readers and the caption."""
    total = sum(count for _, count in options)
    if total == 0:
        return f"{title}: no answers yet."
    top = max(count for _, count in options)
    leaders = [label for label, count in options if count == top]
    if len(leaders) == 1:
        lead = f"The most chosen answer was “{leaders[0]}”, with {_answers(top)} ({_percent(top, total)}%)."
    else:
        joined = ", ".join(f"“{label}”" for label in leaders)
        lead = f"Tied for most chosen, with {_answers(top)} each: {joined}."
    rest = "; ".join(f"{label}: {count}" for label, count in options)
    return f"{title}: {_answers(total)} in all. {lead} Every option: {rest}."


def poll_tally_table(options: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """The data-table alternative to `poll_tally_chart`: Answer, Answers, Share (%)."""
    total = sum(count for _, count in options)
    return pd.DataFrame(
        [{"Answer": label, "Answers": count, "Share (%)": _percent(count, total)} for label, count in options],
        columns=["Answer", "Answers", "Share (%)"],
    )


def poll_tally_chart(options: Sequence[tuple[str, int]], title: str) -> alt.LayerChart:
    """One labelled bar per option, in the question's order; the count and share after it."""
    total = sum(count for _, count in options)
    rows: list[dict[str, object]] = []
    for label, count in options:
        for line in textwrap.wrap(label, LINE_CHARS) or [""]:
            rows.append({"kind": "label", "text": line, "value": None, "value_text": ""})
        rows.append(
            {
                "kind": "bar",
                "text": label,
                "value": float(count),
                "value_text": f"{_answers(count)}, {_percent(count, total)}%",
            }
        )
    data = pd.DataFrame(rows, columns=["kind", "text", "value", "value_text"])
    data.insert(0, "row", range(len(data)))

    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.2))
    most = max([count for _, count in options] + [1])
    x = alt.X("value:Q", axis=None, scale=alt.Scale(domain=[0, most * ROOM_FOR_TEXT], nice=False))
    text_style = {"baseline": "middle", "color": TEXT_COLOUR, "font": FONT, "fontSize": FONT_SIZE}
    labels = (
        alt.Chart()
        .transform_filter(alt.datum.kind == "label")
        .mark_text(align="left", fontWeight="bold", **text_style)
        .encode(y=y, x=alt.value(0), text="text:N")
    )
    bars_base = alt.Chart().transform_filter(alt.datum.kind == "bar")
    bars = bars_base.mark_bar(size=16, cornerRadiusEnd=2, color=BAR_COLOUR).encode(
        y=y,
        x=x,
        tooltip=[alt.Tooltip("text:N", title="Answer"), alt.Tooltip("value:Q", title="Answers", format="d")],
    )
    counts = bars_base.mark_text(align="left", dx=8, **text_style).encode(y=y, x=x, text="value_text:N")
    title_lines = textwrap.wrap(title, LINE_CHARS) or [""]
    return (
        alt.layer(labels, bars, counts, data=data)
        .properties(
            height=alt.Step(ROW_STEP),
            width="container",
            title=alt.Title(
                title_lines[0] if len(title_lines) == 1 else title_lines,
                color=TEXT_COLOUR,
                font=FONT,
                fontSize=18,
                anchor="start",
            ),
            description=poll_description(options, title),
        )
        .configure_view(stroke=None)
    )
