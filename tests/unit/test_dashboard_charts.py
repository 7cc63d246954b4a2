"""Dashboard charts state their takeaway, write values as text, and match their data tables."""

from __future__ import annotations

import dataclasses
import functools

import pytest

from course import charts as c
from course.analytics import SUPPRESSED_REASON, Change, Distribution, FunnelStep, ItemStats
from course.progress import ModuleProgress

OKABE_ITO = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"}
ALLOWED_COLOURS = OKABE_ITO | {c.TEXT_COLOUR, "white"}

STEPS = [
    FunnelStep("history", "History", 12, 12, 11, 10),
    FunnelStep("safety", "Safety", 12, 6, 5, 3),
]
HIDDEN_STEPS = [FunnelStep(m, m.capitalize(), None, None, None, None, SUPPRESSED_REASON) for m in ("history", "safety")]
ITEMS = [
    ItemStats(
        "h-q1",
        "p",
        "single",
        None,
        ("history", "origins"),
        ("a",),
        12,
        0.95,
        0.30,
        {"a": 11, "b": 1},
        None,
        ("too easy",),
        True,
    ),
    ItemStats(
        "h-q2",
        "p",
        "ordering",
        "case",
        ("history", "later"),
        ("correct order",),
        12,
        0.5,
        0.41,
        {"correct order": 6, "other order": 6},
        {"x": 6},
        (),
        True,
    ),
    ItemStats(
        "h-q3", "p", "true_false", None, None, ("true",), None, None, None, None, None, (), True, SUPPRESSED_REASON
    ),
]
CHANGES = {
    "Knowledge check": Change(14, 21.3, 12.0, 30.6, before_mean=40.0, after_mean=61.3),
    "Stigma": Change(14, -0.2, -0.6, 0.3, before_mean=3.1, after_mean=2.9),
    "Small group": Change(None, None, None, None, suppressed=SUPPRESSED_REASON),
}
SCORES = [45, 62, 78, 80, 83, 85, 91, 92.3, 100, 100, 55, 71]


def builders():
    return {
        "progress": lambda: c.progress_chart(
            [("History", "Passed", 92.3), ("Routes", "Quiz not yet passed", 54), ("Safety", "Locked", None)]
        ),
        "pre_post": lambda: c.pre_post_chart(43, 86),
        "attitude": lambda: c.attitude_chart({"Treatment": (2.8, 3.9), "People": (3.5, 3.4)}),
        "time": lambda: c.time_per_module_chart({"History": 12.4, "Safety": 25.0, "Ethics": 3.0}),
        "funnel": lambda: c.funnel_chart(STEPS),
        "scores": lambda: c.score_distribution_chart(SCORES, 80),
        "items": lambda: c.item_facility_chart(ITEMS),
        "change": lambda: c.change_chart(CHANGES),
    }


def layers(spec: dict):
    for layer in spec.get("layer", []):
        yield from layers(layer)
    if "mark" in spec:
        yield spec


def marks(spec: dict) -> list[tuple[str, dict, dict]]:
    return [(layer["mark"]["type"], layer["mark"], layer.get("encoding", {})) for layer in layers(spec)]


def rows(spec: dict) -> list[dict]:
    """The chart's own (top-level) data rows."""
    return spec["datasets"][spec["data"]["name"]]


def texts(spec: dict) -> list[str]:
    return [r.get("text") for r in rows(spec)] + [r.get("value_text") for r in rows(spec)]


# --------------------------------------------------------------------------- every chart


@functools.cache
def spec_of(name: str) -> dict:
    """The chart's Vega-Lite, validated against the schema (`to_dict`): built once for the three
    checks below, which only read it (building and validating a chart takes about 45 ms)."""
    return builders()[name]().to_dict()


@pytest.mark.parametrize("name", list(builders()))
def test_every_chart_has_a_title_a_takeaway_and_dark_text(name):
    spec = spec_of(name)
    assert spec["title"]["text"] and spec["title"]["color"] == c.TEXT_COLOUR
    assert len(spec["description"]) > 30
    assert spec["config"]["axis"]["labelColor"] == spec["config"]["axis"]["titleColor"] == c.TEXT_COLOUR
    assert spec["config"]["legend"]["labelColor"] == c.TEXT_COLOUR
    text_marks = [m for kind, m, _ in marks(spec) if kind == "text"]
    assert text_marks, "values must be written as text, not shown by colour alone"
    assert all(m["color"] == c.TEXT_COLOUR for m in text_marks)
    assert spec["width"] == "container"


@pytest.mark.parametrize("name", list(builders()))
def test_every_colour_is_okabe_ito_or_the_text_colour(name):
    spec = spec_of(name)
    used = set()
    for _, mark, encoding in marks(spec):
        used |= {mark[k] for k in ("color", "stroke") if k in mark}
        colour = encoding.get("color", {})
        if "value" in colour:
            used.add(colour["value"])
        used |= set(colour.get("scale", {}).get("range", []))
    assert used and used <= ALLOWED_COLOURS


@pytest.mark.parametrize("name", list(builders()))
def test_charts_stay_small_enough_for_svg(name):
    spec = spec_of(name)
    n_rows = sum(len(v) for v in spec["datasets"].values())
    assert n_rows * len(list(layers(spec))) < 2000


def test_a_long_title_wraps_instead_of_being_cut_at_320_pixels():
    spec = c.time_per_module_chart({"A": 1.0}, title="Estimated minutes per module over the whole course").to_dict()
    assert spec["title"]["text"] == ["Estimated minutes per module", "over the whole course"]


def test_long_module_names_wrap_onto_several_label_rows():
    spec = c.progress_chart([("History: from anaesthetic to antidepressant", "Passed", 100)]).to_dict()
    labels = [r["text"] for r in rows(spec) if r["kind"] == "label"]
    assert labels == ["1. History: from anaesthetic to", "antidepressant: Passed"]


# --------------------------------------------------------------------------- learner charts


def test_progress_chart_states_modules_passed_and_best_score():
    spec = builders()["progress"]().to_dict()
    assert spec["description"] == "You have passed 1 of 3 modules. Your best quiz score so far is 92% in History."
    assert {"best 92%", "best 54%", "no quiz attempt yet"} <= set(texts(spec))
    assert "3. Safety: Locked" in texts(spec)


def test_progress_chart_and_table_accept_module_progress():
    m = ModuleProgress("history", "History", "passed", 30, 3, 3, 2, 92.3, 92.3, "quiz", (), ())
    table = c.progress_table([m])
    assert table.to_dict("records") == [{"Module": "History", "Status": "Passed", "Best score (%)": 92}]
    assert "best 92%" in texts(c.progress_chart([m]).to_dict())


def test_pre_post_chart_states_the_gain_and_handles_a_missing_post_test():
    assert builders()["pre_post"]().to_dict()["description"] == (
        "Knowledge check: 43% before the course and 86% after, up 43 percentage points."
    )
    spec = c.pre_post_chart(43, None).to_dict()
    assert "post-test is not taken yet" in spec["description"]
    assert "not taken yet" in texts(spec)
    assert c.pre_post_table(43, None)["Score (%)"].tolist()[0] == 43


def test_attitude_chart_uses_shape_as_well_as_colour_and_names_the_biggest_change():
    spec = builders()["attitude"]().to_dict()
    assert spec["description"] == (
        "Higher means more supportive. Views became more supportive on 1 of 2 themes; "
        "the biggest change was Treatment, from 2.8 to 3.9."
    )
    (point,) = [e for kind, _, e in marks(spec) if kind == "point"]
    assert point["shape"]["scale"]["range"] == ["circle", "diamond"]
    assert point["color"]["field"] == point["shape"]["field"] == "when"
    assert "Treatment: 2.8 → 3.9 (+1.1)" in texts(spec)
    table = c.attitude_table({"Treatment": (2.8, 3.9), "People": (3.5, None)})
    assert table.to_dict("records")[0] == {"Theme": "Treatment", "Start": 2.8, "End": 3.9, "Change": 1.1}
    assert table["Change"].isna().tolist() == [False, True]


def test_time_chart_states_the_total_and_the_longest_module():
    spec = builders()["time"]().to_dict()
    assert spec["description"] == "About 40 minutes in all; the most time on Safety (25 min)."
    assert {"12 min", "25 min", "3 min"} <= set(texts(spec))
    assert c.time_per_module_table({"History": 12.44})["Minutes"].tolist() == [12.4]


def test_a_module_opened_for_seconds_is_not_labelled_0_min():
    spec = c.time_per_module_chart({"History": 0.2, "Safety": 0.1}).to_dict()
    assert "0 min" not in texts(spec) and "under 1 min" in texts(spec)
    assert spec["description"] == "Under 1 minute in all; the most time on History (under 1 min)."


# --------------------------------------------------------------------------- trainer charts


def test_funnel_chart_writes_each_count_with_its_stage_and_states_the_weak_module():
    spec = builders()["funnel"]().to_dict()
    assert spec["description"] == (
        "Of 12 learners on this track, 10 passed History, the most of any module; only 3 passed Safety."
    )
    bars = [(r["value"], r["value_text"]) for r in rows(spec) if r["kind"] == "bar"]
    assert bars == [
        (12, "12 started"),
        (11, "11 tried the quiz"),
        (10, "10 passed"),
        (6, "6 started"),
        (5, "5 tried the quiz"),
        (3, "3 passed"),
    ]


def test_funnel_table_matches_the_steps():
    assert c.funnel_table(STEPS).to_dict("records") == [
        {"Module": "History", "Learners": 12, "Started": 12, "Tried quiz": 11, "Passed": 10},
        {"Module": "Safety", "Learners": 12, "Started": 6, "Tried quiz": 5, "Passed": 3},
    ]


def test_a_hidden_funnel_shows_the_reason_and_no_number():
    spec = c.funnel_chart(HIDDEN_STEPS).to_dict()
    assert spec["description"] == SUPPRESSED_REASON
    assert not [r for r in rows(spec) if r["kind"] == "bar"]
    notes = " ".join(r["text"] for r in rows(spec) if r["kind"] == "note")
    assert "fewer than 5 learners" in notes
    assert c.funnel_table(HIDDEN_STEPS)["Learners"].tolist() == [SUPPRESSED_REASON] * 2


def test_score_histogram_bins_by_ten_and_labels_the_pass_mark_in_text():
    spec = builders()["scores"]().to_dict()
    assert spec["description"] == "7 of 12 learners (58%) reached the 80% pass mark; the median score was 82%."
    table = c.score_distribution_table(SCORES)
    # 45 | 55 | 62 | 71, 78 | 80, 83, 85 | 91, 92.3, 100, 100
    assert table["Learners"].tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 3, 4]
    assert table["Score band"].tolist()[-1] == "90–100%"
    assert [r["count"] for r in rows(spec)] == table["Learners"].tolist()
    kinds = [kind for kind, _, _ in marks(spec)]
    assert "rule" in kinds
    pass_rows = [r for d in spec["datasets"].values() for r in d if "label" in r]
    assert pass_rows == [{"mark": 80.0, "label": "Pass mark 80%", "y": pytest.approx(4 * 1.38)}]


def test_score_bands_put_every_score_where_its_tens_digit_says_edges_included():
    # Bands are counted off the sorted scores at their edges; each score must land in band
    # max(0, min(score // 10, 9)), as one counted score by score: the edges themselves, just
    # below them, a perfect score, and scores in any order.
    import random

    rng = random.Random(5)
    edges = [x for e in range(0, 101, 10) for x in (e, e - 1e-9, e + 1e-9, e - 0.5)]
    for scores in (edges, [rng.uniform(0, 100) for _ in range(500)], [100.0] * 3, []):
        rng.shuffle(scores)
        expected = [0] * 10
        for s in scores:
            expected[max(0, min(int(s // 10), 9))] += 1
        table = c.score_distribution_table(scores)
        assert table["Learners"].tolist() == expected, scores


def test_score_histogram_of_a_hidden_distribution_shows_only_the_reason():
    hidden = Distribution("history", "best", (), SUPPRESSED_REASON)
    spec = c.score_distribution_chart(hidden, 80).to_dict()
    assert spec["description"] == SUPPRESSED_REASON
    assert rows(spec) == []
    assert c.score_distribution_table(hidden)["Score band"].tolist() == [SUPPRESSED_REASON]


def test_item_chart_writes_flags_and_discrimination_and_hides_small_items():
    spec = builders()["items"]().to_dict()
    assert spec["description"] == (
        "2 questions shown; facility ranges from 50% (h-q2) to 95% (h-q1). "
        "1 flagged: h-q1 too easy. 1 hidden (fewer than 5 learners each)."
    )
    assert {"95% right", "50% right"} <= set(texts(spec))
    notes = [r["text"] for r in rows(spec) if r["kind"] == "note"]
    assert notes[:3] == ["n = 12 · discrimination 0.30", "FLAG: too easy", "Few answers: read with care"]
    flagged = {r["text"]: r["flagged"] for r in rows(spec) if r["kind"] == "bar"}
    assert flagged == {"h-q1": True, "h-q2": False}


def test_item_table_matches_the_item_statistics():
    table = c.item_facility_table(ITEMS).to_dict("records")
    assert table[0] == {
        "Question": "1. p (h-q1)",  # the question's text, its id second (issue 22)
        "Type": "single choice",
        "Learners": 12,
        "Facility (%)": 95,
        "Discrimination": 0.3,
        "Flags": "too easy, fewer than 20 answers",
        "Section": "history/origins",
    }
    assert table[2]["Learners"] == SUPPRESSED_REASON
    assert table[2]["Facility (%)"] is None or table[2]["Facility (%)"] != table[2]["Facility (%)"]  # None or NaN


def test_questions_are_labelled_by_their_text_shortened_with_the_id_second():
    long = dataclasses.replace(
        ITEMS[0],
        question_id="k-q7",
        prompt="Which of these is the first thing to do when a patient's blood pressure climbs during a session?",
    )
    table = c.item_facility_table([long])
    label = table["Question"][0]
    assert label.startswith("1. Which of these is the first thing to do when") and label.endswith("… (k-q7)")
    assert len(label) < 80
    spec = c.item_facility_chart([long]).to_dict()
    labels = " ".join(r["text"] for r in rows(spec) if r["kind"] == "label")
    assert "Which of these is the first thing" in labels and "k-q7" in labels


def test_change_chart_draws_mean_and_interval_and_says_which_change_is_clear():
    spec = builders()["change"]().to_dict()
    assert spec["description"] == (
        "Mean change from start to end, with 95% confidence intervals. "
        "Knowledge check: +21.3 points, a clear rise; Stigma: −0.2 points, no clear change. "
        "1 hidden (fewer than 5 learners each)."
    )
    kinds = [kind for kind, _, _ in marks(spec)]
    assert "point" in kinds and "rule" in kinds and "tick" in kinds
    notes = [r["text"] for r in rows(spec) if r["kind"] in ("note", "label")]
    assert "Knowledge check (n = 14)" in notes
    assert any(n.startswith("+21.3 points (95% CI +12.0 to") for n in notes)
    plotted = [(r["mean"], r["low"], r["high"]) for r in rows(spec) if r["kind"] == "plot"]
    assert plotted == [(21.3, 12.0, 30.6), (-0.2, -0.6, 0.3)]


def test_change_table_matches_the_changes_and_never_shows_a_hidden_number():
    table = c.change_table(CHANGES).to_dict("records")
    assert table[0] == {
        "Measure": "Knowledge check",
        "Learners": 14,
        "Before": 40.0,
        "After": 61.3,
        "Change": 21.3,
        "95% CI low": 12.0,
        "95% CI high": 30.6,
    }
    hidden = table[2]
    assert hidden["Learners"] == SUPPRESSED_REASON
    assert all(hidden[k] is None or hidden[k] != hidden[k] for k in ("Change", "95% CI low", "95% CI high"))


def test_dashboard_chart_marks_stay_out_of_the_accessibility_tree():
    from course import charts

    spec = charts.funnel_chart([]).to_dict()
    assert spec["config"]["mark"]["aria"] is False
    assert spec["description"]
