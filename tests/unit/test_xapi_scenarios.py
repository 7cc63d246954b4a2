"""Scenario choices, completed scenarios and inline checks export as valid xAPI statements."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from course.events import Event, check_answered, scenario_choice, scenario_completed
from course.xapi import SCHEMA_PATH, statements

BASE = "https://course.example.org"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def one(event) -> dict:
    (stmt,) = statements([event], BASE)
    return stmt


def test_a_choice_in_a_scenario_is_an_answered_choice_interaction_inside_its_scenario(validator):
    event = Event("L1", **scenario_choice("bp-climbs", "onboarding", "arrival", ["recheck"], "staff"), timestamp=T0)
    stmt = one(event)
    assert list(validator.iter_errors(stmt)) == []
    assert stmt["verb"]["id"].endswith("/answered")
    assert stmt["object"]["id"] == f"{BASE}/activities/scenario-step/bp-climbs/arrival"
    assert stmt["object"]["definition"]["interactionType"] == "choice"
    assert stmt["result"]["response"] == "recheck"
    assert stmt["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/activities/scenario/bp-climbs"


def test_a_completed_scenario_carries_the_path_taken_the_ending_and_its_rating(validator):
    fields = scenario_completed(
        "bp-climbs", "onboarding", "safe-care", "safe", ["recheck", "stay", "emergency"], "staff"
    )
    event = Event("L1", **fields, timestamp=T0)
    stmt = one(event)
    assert list(validator.iter_errors(stmt)) == []
    assert stmt["verb"]["id"].endswith("/completed")
    assert stmt["object"]["definition"]["type"].endswith("/simulation")
    assert stmt["result"]["response"] == "recheck[,]stay[,]emergency"
    assert stmt["result"]["completion"] is True
    ext = stmt["context"]["extensions"]
    assert ext[f"{BASE}/extensions/path"] == ["recheck", "stay", "emergency"]
    assert ext[f"{BASE}/extensions/ending"] == "safe-care"
    assert ext[f"{BASE}/extensions/rating"] == "safe"
    assert stmt["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/activities/module/onboarding"


def test_an_inline_check_is_answered_in_its_section_with_success_and_no_score(validator):
    fields = check_answered("nmda-mechanism", "glutamate-nmda", "nmda-check-1", "a", True, "public")
    event = Event("L1", **fields, timestamp=T0)
    stmt = one(event)
    assert list(validator.iter_errors(stmt)) == []
    assert stmt["object"]["id"] == f"{BASE}/activities/check/nmda-mechanism/nmda-check-1"
    assert stmt["object"]["definition"]["interactionType"] == "choice"
    assert stmt["result"] == {"success": True, "response": "a"}  # no score: checks count for nothing
    parent = stmt["context"]["contextActivities"]["parent"][0]["id"]
    assert parent == f"{BASE}/activities/section/nmda-mechanism/glutamate-nmda"
