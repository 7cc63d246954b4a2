"""Events export as xAPI 1.0.3 statements an LRS accepts: checked against our JSON Schema."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import jsonschema
import pytest

from course.events import ANSWERED, COMPLETED, EXPERIENCED, FAILED, PASSED, REFRESHER, REGISTERED, REVOKED, VERBS, Event
from course.xapi import LOCAL_VERBS, SCHEMA_PATH, iso_duration, statement_id, statements

BASE = "https://course.example.org"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def errors(validator, stmt) -> list[str]:
    return [e.message for e in validator.iter_errors(stmt)]


def one(event: Event, course=None) -> dict:
    (stmt,) = statements([event], BASE, course)
    return stmt


def questions_by_type(course) -> dict[str, str]:
    found: dict[str, str] = {}
    for quiz in course.quizzes.values():
        for _, q in quiz.items():
            found.setdefault(q.type, q.id)
    return found


# One event of every verb, each as the app writes it.
EXAMPLES = {
    REGISTERED: Event("L1", REGISTERED, "course", track="staff", cohort="KX7-P2M", timestamp=T0),
    EXPERIENCED: Event("L1", EXPERIENCED, "section/history/origins", track="staff", timestamp=T0),
    ANSWERED: Event(
        "L1",
        ANSWERED,
        "question/ketamine-origin",
        track="staff",
        attempt=2,
        score=1.0,
        max_score=1.0,
        success=True,
        response="phencyclidine",
        timestamp=T0,
    ),
    PASSED: Event(
        "L1",
        PASSED,
        "quiz/history",
        track="staff",
        attempt=2,
        score=12.0,
        max_score=13.0,
        success=True,
        duration_s=312.4,
        timestamp=T0,
    ),
    FAILED: Event(
        "L1", FAILED, "quiz/history", track="public", attempt=1, score=5.0, max_score=13.0, success=False, timestamp=T0
    ),
    COMPLETED: Event(
        "L1", COMPLETED, "survey/attitudes", context={"phase": "end", "survey": "attitudes"}, timestamp=T0
    ),
    REVOKED: Event(
        "L1",
        REVOKED,
        "certificate/KT-ABCD-EFGH-JKMN",
        context={"reason": "Issued to the wrong person", "by": "trainer"},
        timestamp=T0,
    ),
}
ADL = [v for v in VERBS if v not in LOCAL_VERBS]


def test_there_is_an_example_for_every_verb():
    assert set(EXAMPLES) == set(VERBS)


@pytest.mark.parametrize("verb", ADL)
def test_a_statement_for_every_verb_matches_the_xapi_schema(validator, verb):
    stmt = one(EXAMPLES[verb])
    assert errors(validator, stmt) == []
    assert stmt["verb"] == {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}}


def test_a_whole_learners_history_from_the_real_course_matches_the_schema(validator, real_course):
    by_type = questions_by_type(real_course)
    events = [EXAMPLES[v] for v in VERBS]
    responses = {"single": "a", "multiple": ["a", "c"], "true_false": False, "ordering": ["c", "a", "b"]}
    for kind, qid in by_type.items():
        events.append(Event("L1", ANSWERED, f"question/{qid}", score=0.0, max_score=1.0, response=responses[kind]))
    for phase in ("start", "end"):
        events.append(
            Event("L1", ANSWERED, "question/att-safe", response=4, context={"survey": "attitudes", "phase": phase})
        )
    out = statements(events, BASE, real_course)
    assert len(out) == len(events)
    for stmt in out:
        assert errors(validator, stmt) == [], stmt


def test_the_actor_is_a_pseudonymous_account_and_nothing_more(validator):
    stmt = one(EXAMPLES[ANSWERED])
    assert stmt["actor"] == {"objectType": "Agent", "account": {"homePage": BASE, "name": "L1"}}


def test_activity_ids_are_built_from_the_base_and_the_content_slug():
    assert one(EXAMPLES[PASSED])["object"]["id"] == f"{BASE}/activities/quiz/history"
    assert statements([EXAMPLES[PASSED]], BASE + "/")[0]["object"]["id"] == f"{BASE}/activities/quiz/history"


@pytest.mark.parametrize(
    ("verb", "activity_type"),
    [
        (REGISTERED, "course"),
        (EXPERIENCED, "lesson"),
        (ANSWERED, "cmi.interaction"),
        (PASSED, "assessment"),
        (COMPLETED, "assessment"),
    ],
)
def test_each_kind_of_activity_has_its_adl_type(verb, activity_type):
    definition = one(EXAMPLES[verb])["object"]["definition"]
    assert definition["type"] == f"http://adlnet.gov/expapi/activities/{activity_type}"


def test_a_quiz_result_carries_scaled_and_raw_score_success_completion_and_duration():
    result = one(EXAMPLES[PASSED])["result"]
    assert result == {
        "score": {"raw": 12.0, "scaled": 0.9231, "min": 0, "max": 13.0},
        "success": True,
        "completion": True,
        "duration": "PT5M12.4S",
    }


def test_a_single_answer_is_not_marked_as_completing_anything():
    result = one(EXAMPLES[ANSWERED])["result"]
    assert "completion" not in result and result["response"] == "phencyclidine"


@pytest.mark.parametrize(
    ("response", "as_text"),
    [("a", "a"), (["a", "c"], "a[,]c"), (True, "true"), (False, "false"), (4, "4"), ("", "")],
)
def test_responses_use_the_xapi_string_forms(response, as_text):
    stmt = one(Event("L1", ANSWERED, "question/q", response=response))
    assert stmt["result"]["response"] == as_text


@pytest.mark.parametrize(
    ("seconds", "iso"),
    [(12.5, "PT12.5S"), (0, "PT0S"), (60, "PT1M"), (3725, "PT1H2M5S"), (3600.25, "PT1H0.25S"), (59.999, "PT1M")],
)
def test_durations_are_iso_8601(seconds, iso):
    assert iso_duration(seconds) == iso


def test_a_negative_or_impossible_duration_is_left_out(validator):
    for bad in (-1.0, float("nan"), float("inf")):
        stmt = one(Event("L1", PASSED, "quiz/history", score=1.0, max_score=2.0, duration_s=bad))
        assert "duration" not in stmt["result"]
        assert errors(validator, stmt) == []


def test_attitude_items_are_likert_interactions_with_their_phase_and_survey(validator):
    start = one(
        Event("L1", ANSWERED, "question/att-safe", response=2, context={"survey": "attitudes", "phase": "start"})
    )
    end = one(Event("L1", ANSWERED, "question/att-safe", response=5, context={"survey": "attitudes", "phase": "end"}))
    for stmt, phase, answer in ((start, "start", "2"), (end, "end", "5")):
        assert stmt["object"]["definition"]["interactionType"] == "likert"
        assert stmt["context"]["extensions"][f"{BASE}/extensions/phase"] == phase
        assert stmt["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/activities/survey/attitudes"
        assert stmt["result"]["response"] == answer
    # Recognised by its id alone too (an item answered before the survey context existed).
    bare = one(Event("L1", ANSWERED, "question/att-other", response=3))
    assert bare["object"]["definition"]["interactionType"] == "likert"


def test_with_the_course_each_question_gets_its_exact_interaction_type_and_quiz(real_course):
    expected = {"single": "choice", "multiple": "choice", "true_false": "true-false", "ordering": "sequencing"}
    for kind, qid in questions_by_type(real_course).items():
        stmt = one(Event("L1", ANSWERED, f"question/{qid}"), real_course)
        assert stmt["object"]["definition"]["interactionType"] == expected[kind], kind
        parent = stmt["context"]["contextActivities"]["parent"][0]["id"]
        assert parent.startswith(f"{BASE}/activities/quiz/") or parent.startswith(f"{BASE}/activities/test/")


def test_without_the_course_a_true_false_answer_is_still_recognised():
    assert one(Event("L1", ANSWERED, "question/q", response=True))["object"]["definition"]["interactionType"] == (
        "true-false"
    )


def test_a_section_sits_in_its_module_and_a_quiz_in_its_module_when_the_course_is_known(real_course):
    section = one(EXAMPLES[EXPERIENCED])["context"]["contextActivities"]
    assert section["parent"][0]["id"] == f"{BASE}/activities/module/history"
    assert section["grouping"][0]["id"] == f"{BASE}/activities/course"
    quiz = one(EXAMPLES[PASSED], real_course)["context"]["contextActivities"]
    assert quiz["parent"][0]["id"] == f"{BASE}/activities/module/history"


def test_track_cohort_and_attempt_travel_as_extensions_under_the_base():
    extensions = one(Event("L1", PASSED, "quiz/history", track="staff", cohort="KX7-P2M", attempt=3))["context"][
        "extensions"
    ]
    assert extensions == {
        f"{BASE}/extensions/track": "staff",
        f"{BASE}/extensions/cohort": "KX7-P2M",
        f"{BASE}/extensions/attempt": 3,
    }


def test_the_timestamp_is_the_same_instant_in_utc():
    local = datetime(2026, 3, 1, 11, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))
    assert one(Event("L1", REGISTERED, "course", timestamp=local))["timestamp"] == "2026-03-01T09:00:00.250Z"


def test_the_statement_id_is_a_uuid_fixed_by_the_event_id():
    a = Event("L1", REGISTERED, "course", event_id="evt-1")
    again = Event("L2", PASSED, "quiz/x", event_id="evt-1")
    other = Event("L1", REGISTERED, "course", event_id="evt-2")
    ids = [one(e)["id"] for e in (a, again, other)]
    assert ids[0] == ids[1] != ids[2]
    assert uuid.UUID(ids[0]).version == 5 and ids[0] == statement_id("evt-1", BASE)
    assert statement_id("evt-1", "https://other.example") != ids[0], "another deployment's ids do not collide"


def test_a_base_that_is_not_a_web_address_is_refused():
    with pytest.raises(ValueError):
        statements([EXAMPLES[REGISTERED]], "course.example.org")


# --------------------------------------------------------------------------- the schema says no


@pytest.fixture
def good() -> dict:
    return one(EXAMPLES[PASSED])


def test_the_statement_the_negative_cases_start_from_is_valid(validator, good):
    assert errors(validator, good) == []


def _set(stmt: dict, path: str, value) -> dict:
    stmt = copy.deepcopy(stmt)
    *parents, last = path.split(".")
    target = stmt
    for key in parents:
        target = target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return stmt


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("result.score.scaled", 1.5),
        ("result.score.scaled", -1.01),
        ("actor", _DELETE),
        ("verb", _DELETE),
        ("object", _DELETE),
        ("result.duration", "12 seconds"),
        ("result.duration", "PT"),
        ("result.duration", "P"),
        ("result.duration", "12.5S"),
        ("timestamp", "2026-03-01T09:00:00"),
        ("timestamp", "1 March 2026"),
        ("id", "not-a-uuid"),
        ("verb.id", "answered"),
        ("verb.display", {"en-US": 5}),
        ("verb.display", {}),
        ("verb.display", "answered"),
        ("object.id", "quiz/history"),
        ("object.definition.interactionType", "essay"),
        ("actor.account.homePage", "not a url"),
        ("actor.account", _DELETE),
        ("actor.mbox_sha1sum", "unexpected"),
        ("result.success", "yes"),
        ("result.score.grade", "A"),
        ("context.registration", "123"),
        ("context.extensions", {"track": "staff"}),
        ("favourite", "colour"),
    ],
    ids=lambda v: "DELETE" if v is _DELETE else str(v)[:40],
)
def test_the_schema_rejects_a_statement_the_spec_does_not_allow(validator, good, path, value):
    assert errors(validator, _set(good, path, value)) != []


# --------------------------------------------------------------------------- issue 21


def test_a_revocation_matches_the_schema_under_the_courses_own_verb_with_its_reason(validator):
    stmt = one(EXAMPLES[REVOKED])
    assert errors(validator, stmt) == []
    # ADL has no "revoked": the course names the verb under its own base, as it does extensions.
    assert stmt["verb"] == {"id": f"{BASE}/verbs/revoked", "display": {"en-US": "revoked"}}
    assert stmt["object"]["id"] == f"{BASE}/activities/certificate/KT-ABCD-EFGH-JKMN"
    assert stmt["context"]["extensions"][f"{BASE}/extensions/reason"] == "Issued to the wrong person"


def test_a_refresher_answer_sits_in_the_refresher_not_in_a_quiz_and_the_set_is_an_assessment(validator, real_course):
    answer = Event(
        "L1",
        ANSWERED,
        "question/ketamine-origin",
        track="staff",
        score=1.0,
        max_score=1.0,
        success=True,
        response="phencyclidine",
        context={REFRESHER: 3, "module": "history"},
        timestamp=T0,
    )
    done = Event("L1", COMPLETED, "refresher", track="staff", attempt=3, score=4.0, max_score=5.0, success=True)
    a, d = statements([answer, done], BASE, real_course)
    assert errors(validator, a) == [] and errors(validator, d) == []
    assert a["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/activities/refresher"
    assert a["context"]["extensions"][f"{BASE}/extensions/refresher"] == 3
    assert d["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert d["result"]["score"]["scaled"] == 0.8 and d["result"]["success"] is True


def test_a_real_scenario_played_to_its_end_and_a_check_answered_match_the_schema(validator, real_course):
    # Issue 27: one statement per choice, one for the completed scenario, one for an inline check.
    from course.events import check_answered, scenario_choice, scenario_completed

    scenario = real_course.scenarios["bp-climbs-at-40"]
    path = scenario.paths()[0]
    step = scenario.step(scenario.start)
    events = []
    for i, cid in enumerate(path):
        events.append(Event("L1", **scenario_choice(scenario.id, scenario.module, step.id, path[: i + 1], "staff")))
        nxt = next(c.next for c in step.choices if c.id == cid)
        step = scenario.step(nxt)
    ending = scenario.ending(nxt)
    events.append(
        Event("L1", **scenario_completed(scenario.id, scenario.module, ending.id, ending.rating, path, "staff"))
    )
    module = real_course.module("nmda-mechanism")
    section = next(s for s in module.sections if s.checks)
    check = section.checks[0]
    events.append(Event("L1", **check_answered(module.id, section.id, check.id, check.options[0].id, True, "public")))
    out = statements(events, BASE, real_course)
    for stmt in out:
        assert errors(validator, stmt) == [], stmt
    assert out[-2]["result"]["response"] == "[,]".join(path)
