"""Issue 27's validation of branching scenarios and inline checks: each test breaks one rule in
the small course's scenario (tests/small_course.py) and expects the one FILE:LINE message."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.loader import CourseError, load_course
from tests import small_course

SCEN = small_course.SCENARIO_FILE
MODULE = "modules/01-basics.yaml"
SETTINGS = "modules/course.yaml"


def problems(root: Path) -> list[str]:
    try:
        load_course(root)
    except CourseError as exc:
        return [str(p) for p in exc.problems]
    return []


def line(root: Path, rel: str, needle: str, after: str | None = None) -> int:
    text = (root / rel).read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


@pytest.fixture
def data():
    return small_course.with_scenario()


def scen(data) -> dict:
    return data[SCEN]


def written(tmp_path: Path, data) -> Path:
    return small_course.write(tmp_path, data)


def test_the_small_course_with_its_scenario_and_check_passes_every_check(tmp_path, data):
    root = written(tmp_path, data)
    assert problems(root) == []
    course = load_course(root)
    assert list(course.scenarios) == ["sam-gets-up"]
    assert course.module("basics").sections[2].checks[0].id == "care-check"


def test_every_path_of_the_scenario_is_listed_from_its_start(tmp_path, data):
    course = load_course(written(tmp_path, data))
    assert course.scenarios["sam-gets-up"].paths() == [["stay", "explain"], ["stay", "rush"], ["leave"]]


def test_a_step_nothing_leads_to_cannot_be_reached(tmp_path, data):
    scen(data)["steps"].append(
        {
            "id": "orphan",
            "situation": "Nobody gets here.",
            "choices": [
                {"id": "a", "text": "One", "feedback": "Fine.", "next": "safe-calm"},
                {"id": "b", "text": "Two", "feedback": "Fine.", "next": "alone"},
            ],
        }
    )
    root = written(tmp_path, data)
    n = line(root, SCEN, "- id: orphan")
    assert problems(root) == [f"{SCEN}:{n}: steps[2].id: step 'orphan' cannot be reached from the start 'arrival'"]


def test_an_ending_no_choice_leads_to_cannot_be_reached(tmp_path, data):
    scen(data)["steps"][1]["choices"][1]["next"] = "safe-calm"
    root = written(tmp_path, data)
    n = line(root, SCEN, "- id: rushed")
    assert problems(root) == [f"{SCEN}:{n}: endings[2].id: ending 'rushed' cannot be reached from the start 'arrival'"]


def test_a_loop_with_no_way_out_is_a_path_that_never_ends(tmp_path, data):
    # Both of calm's choices lead back to calm: a learner there can never reach an ending, and
    # the two endings only calm led to cannot be reached any more.
    for c in scen(data)["steps"][1]["choices"]:
        c["next"] = "calm"
    root = written(tmp_path, data)
    calm = line(root, SCEN, "- id: calm")
    safe = line(root, SCEN, "- id: safe-calm")
    rushed = line(root, SCEN, "- id: rushed")
    assert problems(root) == [
        f"{SCEN}:{calm}: steps[1].id: step 'calm' never leads to an ending: every path from it loops back without one",
        f"{SCEN}:{safe}: endings[0].id: ending 'safe-calm' cannot be reached from the start 'arrival'",
        f"{SCEN}:{rushed}: endings[2].id: ending 'rushed' cannot be reached from the start 'arrival'",
    ]


def test_a_next_that_names_nothing_is_reported_where_it_is_written(tmp_path, data):
    scen(data)["steps"][0]["choices"][1]["next"] = "alon"
    root = written(tmp_path, data)
    n = line(root, SCEN, "next: alon")
    found = problems(root)
    assert f"{SCEN}:{n}: steps[0].choices[1].next: next 'alon' is not a step or an ending of this scenario" in found


def test_a_start_that_is_not_a_step(tmp_path, data):
    scen(data)["start"] = "safe-calm"
    root = written(tmp_path, data)
    n = line(root, SCEN, "start:")
    assert f"{SCEN}:{n}: start: start 'safe-calm' is not a step of this scenario (it is an ending)" in problems(root)


@pytest.mark.parametrize(("keep", "offers"), [(1, "1 choice"), (5, "5 choices")])
def test_a_step_offers_two_to_four_choices(tmp_path, data, keep, offers):
    choices = scen(data)["steps"][1]["choices"]
    extra = [{"id": f"x{i}", "text": f"Choice {i}", "feedback": "Fine.", "next": "safe-calm"} for i in range(3)]
    scen(data)["steps"][1]["choices"] = (choices + extra)[:keep]
    if keep == 1:  # the ending only the dropped choice led to is now unreachable too
        scen(data)["endings"].pop(2)
    root = written(tmp_path, data)
    n = line(root, SCEN, "choices:", after="- id: calm")
    assert problems(root) == [f"{SCEN}:{n}: steps[1].choices: step 'calm' offers {offers}; a step offers 2 to 4"]


def test_a_choice_without_feedback(tmp_path, data):
    del scen(data)["steps"][0]["choices"][1]["feedback"]
    root = written(tmp_path, data)
    n = line(root, SCEN, "- id: leave")
    assert problems(root) == [
        f"{SCEN}:{n}: steps[0].choices[1].id: choice 'leave' has no feedback: say what choosing it means (feedback: ...)"
    ]


def test_an_ending_without_rating_debrief_or_sections(tmp_path, data):
    ending = scen(data)["endings"][1]
    del ending["rating"], ending["debrief"], ending["sections"]
    root = written(tmp_path, data)
    n = line(root, SCEN, "- id: alone", after="endings:")
    assert problems(root) == [
        f"{SCEN}:{n}: endings[1].id: ending 'alone' has no debrief (debrief: what happened and why)",
        f"{SCEN}:{n}: endings[1].id: ending 'alone' has no rating (rating: safe, acceptable or unsafe)",
        f"{SCEN}:{n}: endings[1].id: ending 'alone' links to no section; name at least one section of module "
        "'basics' that teaches the point (sections: [id])",
    ]


def test_a_section_an_ending_links_to_must_exist(tmp_path, data):
    scen(data)["endings"][2]["sections"] = ["riskz"]
    root = written(tmp_path, data)
    n = line(root, SCEN, "- riskz")
    assert problems(root) == [
        f"{SCEN}:{n}: endings[2].sections[0]: module 'basics' has no section 'riskz' (its sections: start, mood, care, risks)"
    ]


def test_a_citation_must_be_in_the_modules_references(tmp_path, data):
    scen(data)["endings"][0]["debrief"] += " [@ref9]"
    root = written(tmp_path, data)
    n = line(root, SCEN, "debrief:", after="- id: safe-calm")
    assert problems(root) == [
        f"{SCEN}:{n}: endings[0].debrief: citation [@ref9] is not in module 'basics''s references"
    ]


def test_a_module_and_track_that_do_not_exist(tmp_path, data):
    scen(data)["tracks"] = ["staff", "families"]
    root = written(tmp_path, data)
    n = line(root, SCEN, "- families")
    assert problems(root) == [f"{SCEN}:{n}: tracks[1]: no track has id 'families'"]


def test_a_public_scenario_must_not_read_as_dosing(tmp_path, data):
    scen(data)["steps"][1]["situation"] = "Sam sits down again. Sam asks if 56 mg was the right amount."
    root = written(tmp_path, data)
    n = line(root, SCEN, "situation:", after="- id: calm")
    assert (
        f"{SCEN}:{n}: steps[1].situation: public text must not read as dosing instructions: remove '56 mg' (keep amounts and schedules in the staff text)"
        in problems(root)
    )


def test_a_staff_only_scenario_may_give_clinical_detail(tmp_path, data):
    scen(data)["tracks"] = ["staff"]
    scen(data)["steps"][1]["situation"] = (
        "Sam sits down again after the 56 mg dose; the pharmacokinetic profile of intranasal esketamine "
        "predicts resolution of perceptual disturbance within approximately two hours of administration."
    )
    assert problems(written(tmp_path, data)) == []


def test_a_public_scenario_reads_at_grade_eight(tmp_path, data):
    scen(data)["endings"][0]["debrief"] = (
        "Notwithstanding considerable interindividual variability, dissociative phenomenology characteristically "
        "attenuates substantially following cessation of administration, necessitating observational continuity."
    )
    root = written(tmp_path, data)
    found = problems(root)
    n = line(root, SCEN, "debrief:", after="- id: safe-calm")
    assert any(
        p.startswith(f"{SCEN}:{n}: endings[0].debrief: the public track shows this text, which reads at grade")
        for p in found
    ), found


def test_every_scenario_text_is_checked_for_stigmatising_words(tmp_path, data):
    scen(data)["tracks"] = ["staff"]
    scen(data)["steps"][0]["choices"][1]["feedback"] = "No. Sam is not an addict; someone stays the whole time."
    root = written(tmp_path, data)
    n = line(root, SCEN, "feedback:", after="- id: leave")
    assert problems(root) == [
        f"{SCEN}:{n}: steps[0].choices[1].feedback: stigmatising term 'addict': use person with a substance use disorder"
    ]


def test_the_file_is_named_after_the_scenario(tmp_path, data):
    data["modules/scenarios/sam.yaml"] = data.pop(SCEN)
    root = written(tmp_path, data)
    assert problems(root) == [
        "modules/scenarios/sam.yaml:1: id: the file is named after its id: rename it sam-gets-up.yaml"
    ]


def test_a_step_and_an_ending_share_one_id_space(tmp_path, data):
    scen(data)["endings"][1]["id"] = "calm"
    scen(data)["steps"][0]["choices"][1]["next"] = "calm"
    root = written(tmp_path, data)
    first = line(root, SCEN, "- id: calm")
    n = line(root, SCEN, "- id: calm", after="endings:")
    assert f"{SCEN}:{n}: endings[1].id: duplicate step or ending id 'calm' (first used at {SCEN}:{first})" in problems(
        root
    )


# --------------------------------------------------------------------------- inline checks


def test_an_inline_check_has_exactly_one_correct_option(tmp_path, data):
    data[MODULE]["sections"][2]["checks"][0]["options"][1]["correct"] = True
    root = written(tmp_path, data)
    n = line(root, MODULE, "- id: care-check")
    assert problems(root) == [f"{MODULE}:{n}: sections[2].checks[0]: exactly one option has correct: true, not 2"]


def test_a_section_has_at_most_two_checks(tmp_path, data):
    check = small_course.CHECK
    data[MODULE]["sections"][2]["checks"] = [check | {"id": f"c{i}"} for i in range(3)]
    root = written(tmp_path, data)
    n = line(root, MODULE, "checks:")
    assert problems(root) == [
        f"{MODULE}:{n}: sections[2].checks: List should have at most 2 items after validation, not 3"
    ]


def test_check_ids_are_unique_in_the_module(tmp_path, data):
    data[MODULE]["sections"][3]["checks"] = [dict(small_course.CHECK)]
    root = written(tmp_path, data)
    first = line(root, MODULE, "- id: care-check")
    n = line(root, MODULE, "- id: care-check", after="id: risks")
    assert problems(root) == [
        f"{MODULE}:{n}: sections[3].checks[0].id: duplicate check id 'care-check' (first used at {MODULE}:{first})"
    ]


def test_a_check_the_public_sees_must_not_read_as_dosing(tmp_path, data):
    data[MODULE]["sections"][2]["checks"][0]["options"][1]["feedback"] = "No. The nurse gives 84 mg and stays."
    root = written(tmp_path, data)
    n = line(root, MODULE, "feedback: No. The nurse gives")
    assert problems(root) == [
        f"{MODULE}:{n}: sections[2].checks[0].options[1].feedback: public text must not read as dosing instructions: "
        "remove '84 mg' (keep amounts and schedules in the staff text)"
    ]


def test_a_staff_only_check_may_name_amounts(tmp_path, data):
    check = data[MODULE]["sections"][2]["checks"][0]
    check["tracks"] = ["staff"]
    check["options"][1]["feedback"] = "No. The nurse gives 84 mg and stays."
    assert problems(written(tmp_path, data)) == []
