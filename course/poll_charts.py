"""The room-poll result chart: plain data in, Altair chart out (no Streamlit import).

Same promises as `course.charts`: Okabe-Ito colours, dark text set explicitly, every count
written beside its bar (nothing depends on colour or bar length alone), each option's label
above its bar so a long option text fits a phone or a projector, and a Vega `description`
that states the result. `poll_tally_table` is the same numbers as a data table. Two sizes: `SCREEN` for a laptop or
a phone, `ROOM` for the projector, drawn for a 1200 px wide screen that the projector page
scales with the room's screen (course/ui/pages/audience.py).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from course.charts import FONT
from course.i18n import DEFAULT, N_, gettext_for, ngettext_for, quoted
from course.palette import BAR_COLOUR, TEXT_COLOUR

# Room right of the longest bar for its count ("12 answers, 48%").
ROOM_FOR_TEXT = 1.8


@dataclass(frozen=True)
class ChartSize:
    """How large a poll chart is drawn: text, rows and bars in pixels."""

    font_size: int  # option labels and counts
    title_size: int
    row_step: int  # pixels per row (a label line or a bar)
    bar_size: int
    line_chars: int  # an option's label wraps here
    width: int | None = None  # None: the container's width
    title: bool = True  # False where the page shows the question above the chart


# A laptop or a phone: the container's width.
SCREEN = ChartSize(font_size=16, title_size=18, row_step=30, bar_size=16, line_chars=44)
# The projector: drawn 1200 px wide with 28 px text, which the projector page scales to the
# screen (40 px text at 1920x1080, 27 px at 1280x720); four options of up to two lines fit a
# 16:9 screen below the question. The question is on the page above it, so no title.
ROOM = ChartSize(font_size=28, title_size=32, row_step=44, bar_size=30, line_chars=64, width=1200, title=False)

LINE_CHARS = SCREEN.line_chars
ROW_STEP = SCREEN.row_step
FONT_SIZE = SCREEN.font_size


def _answers(n: int, lang: str = DEFAULT) -> str:
    return ngettext_for(lang, "{n} answer", "{n} answers", n).format(n=n)


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def poll_description(options: Sequence[tuple[str, int]], title: str, lang: str = DEFAULT) -> str:
    """The result in words (in `lang`): what the chart shows, for screen readers and the caption."""
    t = functools.partial(gettext_for, lang)
    total = sum(count for _, count in options)
    if total == 0:
        return t(N_("{title}: no answers yet.")).format(title=title)
    top = max(count for _, count in options)
    leaders = [label for label, count in options if count == top]
    if len(leaders) == 1:
        lead = t(N_("The most chosen answer was “{answer}”, with {count} ({percent}%).")).format(
            answer=leaders[0], count=_answers(top, lang), percent=_percent(top, total)
        )
    else:
        joined = ", ".join(quoted(label, lang) for label in leaders)
        lead = t(N_("Tied for most chosen, with {count} each: {answers}.")).format(
            count=_answers(top, lang), answers=joined
        )
    rest = "; ".join(f"{label}: {count}" for label, count in options)
    return t(N_("{title}: {count} in all. {lead} Every option: {rest}.")).format(
        title=title, count=_answers(total, lang), lead=lead, rest=rest
    )


def poll_tally_table(options: Sequence[tuple[str, int]], lang: str = DEFAULT) -> pd.DataFrame:
    """The data-table alternative to `poll_tally_chart`: Answer, Answers, Share (%)."""
    total = sum(count for _, count in options)
    columns = [gettext_for(lang, N_("Answer")), gettext_for(lang, N_("Answers")), gettext_for(lang, N_("Share (%)"))]
    return pd.DataFrame(
        [dict(zip(columns, (label, count, _percent(count, total)), strict=True)) for label, count in options],
        columns=columns,
    )


def poll_tally_chart(
    options: Sequence[tuple[str, int]], title: str, size: ChartSize = SCREEN, lang: str = DEFAULT
) -> alt.LayerChart:
    """One labelled bar per option, in the question's order; the count and share after it (in `lang`)."""
    total = sum(count for _, count in options)
    rows: list[dict[str, object]] = []
    for label, count in options:
        for line in textwrap.wrap(label, size.line_chars) or [""]:
            rows.append({"kind": "label", "text": line, "value": None, "value_text": ""})
        rows.append(
            {
                "kind": "bar",
                "text": label,
                "value": float(count),
                "value_text": f"{_answers(count, lang)}, {_percent(count, total)}%",
            }
        )
    data = pd.DataFrame(rows, columns=["kind", "text", "value", "value_text"])
    data.insert(0, "row", range(len(data)))

    y = alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.2))
    most = max([count for _, count in options] + [1])
    x = alt.X("value:Q", axis=None, scale=alt.Scale(domain=[0, most * ROOM_FOR_TEXT], nice=False))
    labels = (
        alt.Chart()
        .transform_filter(alt.datum.kind == "label")
        .mark_text(
            align="left", baseline="middle", color=TEXT_COLOUR, font=FONT, fontSize=size.font_size, fontWeight="bold"
        )
        .encode(y=y, x=alt.value(0), text="text:N")
    )
    bars_base = alt.Chart().transform_filter(alt.datum.kind == "bar")
    bars = bars_base.mark_bar(size=size.bar_size, cornerRadiusEnd=2, color=BAR_COLOUR).encode(
        y=y,
        x=x,
        tooltip=[
            alt.Tooltip("text:N", title=gettext_for(lang, N_("Answer"))),
            alt.Tooltip("value:Q", title=gettext_for(lang, N_("Answers")), format="d"),
        ],
    )
    counts = bars_base.mark_text(
        align="left", baseline="middle", color=TEXT_COLOUR, font=FONT, fontSize=size.font_size, dx=8
    ).encode(y=y, x=x, text="value_text:N")
    chart = alt.layer(labels, bars, counts, data=data).properties(
        height=alt.Step(size.row_step),
        width=size.width if size.width is not None else "container",
        description=poll_description(options, title, lang),
    )
    if size.title:
        title_lines = textwrap.wrap(title, size.line_chars) or [""]
        chart = chart.properties(
            title=alt.Title(
                title_lines[0] if len(title_lines) == 1 else title_lines,
                color=TEXT_COLOUR,
                font=FONT,
                fontSize=size.title_size,
                anchor="start",
            )
        )
    return chart.configure_view(stroke=None)
