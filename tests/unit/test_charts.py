"""Figure charts carry their alt text, label values in text (not colour alone), and readable colours."""

from __future__ import annotations

import functools

import pytest

from course.charts import BAR_COLOUR, TEXT_COLOUR, figure_chart, figure_table
from course.schema import Figure


def fig(kind: str) -> Figure:
    return Figure(
        id="f",
        type=kind,
        title="Bioavailability by route",
        alt="Intravenous 100%, nasal 48%.",
        caption="Route matters.",
        label_title="Route",
        value_title="Bioavailability (%)",
        data=[{"label": "Intravenous", "value": 100}, {"label": "Nasal", "value": 48, "note": "label"}],
    )


@functools.cache
def spec_of(kind: str) -> dict:
    """`fig(kind)`'s chart as Vega-Lite, validated (`to_dict`): built once for the three checks
    below, which only read it."""
    return figure_chart(fig(kind)).to_dict()


def contrast(hex_colour: str) -> float:
    def lum(c: str) -> float:
        rgb = [int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    return (1.05) / (lum(hex_colour) + 0.05)


@pytest.mark.parametrize("kind", ["bar", "timeline"])
def test_chart_is_described_by_its_alt_text_and_titled(kind):
    spec = spec_of(kind)
    assert spec["description"] == "Intravenous 100%, nasal 48%."
    assert spec["title"]["text"] == "Bioavailability by route"


@pytest.mark.parametrize("kind", ["bar", "timeline"])
def test_values_are_written_as_text_not_colour_alone(kind):
    def marks(spec):
        for layer in spec.get("layer", []):
            yield from marks(layer)
        if "mark" in spec:
            yield spec["mark"]["type"], spec.get("encoding", {}).get("text", {}).get("field")

    found = set(marks(spec_of(kind)))
    # The value is written beside each mark and the label above it, so nothing relies on colour.
    assert {("text", "value"), ("text", "label")} <= found


@pytest.mark.parametrize("kind", ["bar", "timeline"])
def test_axis_text_is_set_dark_enough_for_4_5_to_1(kind):
    axis = spec_of(kind)["config"]["axis"]
    assert axis["labelColor"] == axis["titleColor"] == TEXT_COLOUR
    assert contrast(TEXT_COLOUR) >= 4.5
    assert contrast(BAR_COLOUR) >= 3.0  # graphical objects, WCAG 1.4.11


def test_data_table_alternative_has_every_point_and_the_figure_titles():
    table = figure_table(fig("bar"))
    assert list(table.columns) == ["Route", "Bioavailability (%)", "Note"]
    assert table.to_dict("records") == [
        {"Route": "Intravenous", "Bioavailability (%)": 100, "Note": ""},
        {"Route": "Nasal", "Bioavailability (%)": 48, "Note": "label"},
    ]


def test_timeline_lists_events_earliest_first():
    f = Figure(
        id="t",
        type="timeline",
        title="T",
        alt="A",
        caption="C",
        label_title="Event",
        value_title="Year",
        data=[{"label": "Later", "value": 2019}, {"label": "Earlier", "value": 1962}],
    )
    values = figure_chart(f).to_dict()["datasets"]
    rows = next(iter(values.values()))
    assert [r["label"] for r in rows] == ["Earlier", "Later"]


@pytest.mark.parametrize("kind", ["bar", "timeline"])
def test_a_long_figure_title_wraps_instead_of_being_cut_at_320_pixels(kind):
    long = fig(kind).model_copy(update={"title": "Key dates in ketamine's history"})
    spec = figure_chart(long).to_dict()
    assert spec["title"]["text"] == ["Key dates in ketamine's", "history"]
