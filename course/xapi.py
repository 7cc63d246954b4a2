"""Learning events -> xAPI 1.0.3 statements, for export to a Learning Record Store.

One event is one statement; the mapping is a renaming, because the events already use ADL
verbs and name content by stable slugs:

- actor: a pseudonymous account `{homePage: base, name: learner_id}`; no names or emails.
- verb: `http://adlnet.gov/expapi/verbs/<verb>` with an en-US display.
- object: the activity `<base>/activities/<activity>` with an ADL activity type; questions
  are `cmi.interaction`s, attitude-survey items `likert` interactions.
- result: score (scaled, raw, min, max), success, completion, response as xAPI's string
  form (`a[,]b` for several choices, `true`/`false`), duration in ISO 8601 (`PT12.5S`).
- context: the parent activity (section -> module, question -> quiz/test/survey when the
  event says so, else the course) and extensions for track, cohort, attempt and anything in
  the event's own context, as IRIs under `<base>/extensions/`.
- id: a UUID derived from the event_id (and base), so re-exporting an event yields the
  same statement and an LRS stores it once.

`xapi_statement.schema.json` (next to this file) is the JSON Schema the output is tested
against. Pass `course` to get exact interaction types for quiz questions (choice,
true-false, sequencing) with their correctResponsesPattern, as each question type gives them
(course/questions/), and each quiz's module as its parent.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import quote

from course.events import (
    ANSWERED,
    CHECK,
    COMPLETED,
    COURSE,
    EXPERIENCED,
    FAILED,
    MODULE,
    PASSED,
    QUESTION,
    QUIZ,
    REFRESHER,
    REGISTERED,
    REVOKED,
    SCENARIO,
    SCENARIO_STEP,
    SECTION,
    SURVEY,
    TEST,
    Event,
    course_activity,
    kind_of,
    knowledge_test_activity,
    module_activity,
    question_of,
    quiz_activity,
    quiz_of,
    refresher_activity,
    scenario_activity,
    section_activity,
    section_of,
    survey_activity,
)
from course.schema import Course, Gradable

XAPI_VERSION = "1.0.3"
SCHEMA_PATH = Path(__file__).with_name("xapi_statement.schema.json")
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
VERB_DISPLAY = {
    REGISTERED: "registered",
    EXPERIENCED: "experienced",
    ANSWERED: "answered",
    PASSED: "passed",
    FAILED: "failed",
    COMPLETED: "completed",
    REVOKED: "revoked",
}
# Verbs with no ADL id: named under the course's own base, `<base>/verbs/<verb>`.
LOCAL_VERBS = (REVOKED,)
# The first part of an activity id -> its ADL activity type.
ACTIVITY_TYPES = {
    COURSE: "course",
    MODULE: "module",
    SECTION: "lesson",
    QUIZ: "assessment",
    TEST: "assessment",
    SURVEY: "assessment",
    QUESTION: "cmi.interaction",
    REFRESHER: "assessment",
    # Branching scenarios: the play-through is a simulation, each step's choice an interaction.
    SCENARIO: "simulation",
    SCENARIO_STEP: "cmi.interaction",
    CHECK: "cmi.interaction",
}
# Context keys that name the parent of a question event, with how its activity id is made.
_PARENT_KEYS = (("quiz", quiz_activity), ("test", knowledge_test_activity), ("survey", survey_activity))
_EXTENSION_KEY = re.compile(r"[^A-Za-z0-9._~-]+")


def statement_id(event_id: str, base: str) -> str:
    """Deterministic: the same event exported to the same base gets the same id."""
    return str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, _base(base)), event_id))


def iso_duration(seconds: float) -> str | None:
    """Seconds as an ISO 8601 duration at 0.01 s precision: 12.5 -> PT12.5S, 3725 -> PT1H2M5S."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None
    centis = round(seconds * 100)
    hours, centis = divmod(centis, 360_000)
    minutes, centis = divmod(centis, 6_000)
    secs = f"{centis / 100:.2f}".rstrip("0").rstrip(".")
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if centis or out == "PT":
        out += f"{secs}S"
    return out


def activity_id(activity: str, base: str) -> str:
    return f"{_base(base)}/activities/{quote(activity, safe='/-_.~')}"


def statements(events: Iterable[Event], base: str, course: Course | None = None) -> list[dict[str, Any]]:
    """xAPI statements for `events`, in the order given. `base` is the course's home IRL,
    e.g. https://course.example.org; it prefixes activity and extension ids."""
    lookup = _Lookup(course)
    base = _base(base)
    return [_statement(e, base, lookup) for e in events]


def statement(event: Event, base: str, course: Course | None = None) -> dict[str, Any]:
    """The xAPI statement for one event (see `statements`)."""
    return _statement(event, _base(base), _Lookup(course))


def _statement(event: Event, base: str, lookup: _Lookup) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": statement_id(event.event_id, base),
        "actor": {"objectType": "Agent", "account": {"homePage": base, "name": event.learner_id}},
        "verb": {"id": _verb_id(event.verb, base), "display": {"en-US": VERB_DISPLAY[event.verb]}},
        "object": {**_activity(event.activity, base), "definition": _definition(event, lookup)},
    }
    result = _result(event)
    if result:
        out["result"] = result
    context = _context(event, base, lookup)
    if context:
        out["context"] = context
    out["timestamp"] = event.timestamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    out["version"] = XAPI_VERSION
    return out


# --------------------------------------------------------------------------- parts


def _verb_id(verb: str, base: str) -> str:
    return f"{base}/verbs/{verb}" if verb in LOCAL_VERBS else ADL_VERBS + verb


def _base(base: str) -> str:
    base = base.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", base):
        raise ValueError(f"xAPI base must be an http(s) address, not {base!r}")
    return base


class _Lookup:
    """What the course knows that an event does not: question types and quiz parents."""

    def __init__(self, course: Course | None):
        self.question_type: dict[str, str] = {}
        self.questions: dict[str, Gradable] = {}
        self.question_quiz: dict[str, str] = {}
        self.quiz_module: dict[str, str] = {}
        self.survey_items: set[str] = set()
        if course is None:
            return
        for m in course.modules:
            self.quiz_module[m.quiz] = m.id
        s = course.settings
        tests = {s.pre_test, s.post_test}
        for quiz in course.quizzes.values():
            for _, q in quiz.items():
                self.question_type[q.id] = q.type
                self.questions[q.id] = q
                self.question_quiz.setdefault(
                    q.id, knowledge_test_activity(quiz.id) if quiz.id in tests else quiz_activity(quiz.id)
                )
        for survey in course.surveys.values():
            for item in survey.items:
                self.survey_items.add(item.id)
                self.question_quiz.setdefault(item.id, survey_activity(survey.id))


_kind = kind_of


def _is_likert(event: Event, lookup: _Lookup) -> bool:
    ctx = event.context or {}
    question = question_of(event.activity) or ""
    return (
        "survey" in ctx
        or "phase" in ctx
        or question.startswith("att-")
        or (question in lookup.survey_items and question not in lookup.question_type)
    )


def _definition(event: Event, lookup: _Lookup) -> dict[str, Any]:
    kind = _kind(event.activity)
    definition = _type_of(event.activity)
    if kind in (SCENARIO_STEP, CHECK):
        definition["interactionType"] = "choice"
    if kind == QUESTION:
        question = question_of(event.activity) or ""
        if _is_likert(event, lookup):
            definition["interactionType"] = "likert"
        elif question in lookup.questions:
            q = lookup.questions[question]
            definition["interactionType"] = q.interaction_type
            # The right answer, as xAPI writes responses: an LRS's reports can mark answers
            # right or wrong from the definition alone, as SCORM's correct_responses did.
            definition["correctResponsesPattern"] = q.correct_responses_pattern()
        elif isinstance(event.response, bool):
            definition["interactionType"] = "true-false"
        else:
            definition["interactionType"] = "choice"
    return definition


def _response(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        # xAPI's delimiter for several choices, or the items of a sequence in order.
        return "[,]".join(_response(v) or "" for v in value)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _result(event: Event) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if event.score is not None:
        score: dict[str, Any] = {"raw": event.score}
        if event.max_score is not None and event.max_score > 0:
            score["scaled"] = max(-1.0, min(1.0, round(event.score / event.max_score, 4)))
            score["min"] = 0
            score["max"] = event.max_score
        result["score"] = score
    if event.success is not None:
        result["success"] = event.success
    if event.verb in (COMPLETED, PASSED, FAILED):
        result["completion"] = True
    response = _response(event.response)
    if response is not None:
        result["response"] = response
    duration = iso_duration(event.duration_s) if event.duration_s is not None else None
    if duration is not None:
        result["duration"] = duration
    return result


def _parent(event: Event, lookup: _Lookup) -> str:
    kind = _kind(event.activity)
    ctx = event.context or {}
    section = section_of(event.activity)
    if section is not None:
        return module_activity(section[0])
    question = question_of(event.activity)
    if question is not None:
        if ctx.get(REFRESHER) is not None:
            return refresher_activity()  # a spaced-refresher answer: its set is the parent
        for key, parent_activity in _PARENT_KEYS:
            if isinstance(ctx.get(key), str) and ctx[key]:
                return parent_activity(ctx[key])
        if question in lookup.question_quiz:
            return lookup.question_quiz[question]
    if kind == SCENARIO_STEP and isinstance(ctx.get("scenario"), str):
        return scenario_activity(ctx["scenario"])
    if kind in (SCENARIO, CHECK) and isinstance(ctx.get("module"), str):
        if kind == CHECK and isinstance(ctx.get("section"), str):
            return section_activity(ctx["module"], ctx["section"])
        return module_activity(ctx["module"])
    quiz = quiz_of(event.activity)
    if quiz is not None and quiz in lookup.quiz_module:
        return module_activity(lookup.quiz_module[quiz])
    return course_activity()


def _extension_iri(base: str, key: str) -> str:
    return f"{base}/extensions/{_EXTENSION_KEY.sub('-', key).strip('-') or 'value'}"


def _type_of(activity: str) -> dict[str, Any]:
    """An activity definition holding just its ADL type (empty for an unknown kind)."""
    kind = ACTIVITY_TYPES.get(_kind(activity))
    return {"type": ADL_ACTIVITIES + kind} if kind else {}


def _activity(activity: str, base: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": activity_id(activity, base), "definition": _type_of(activity)}


def _context(event: Event, base: str, lookup: _Lookup) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if event.activity != COURSE:
        parent = _parent(event, lookup)
        activities: dict[str, Any] = {"parent": [_activity(parent, base)]}
        if parent != COURSE:
            activities["grouping"] = [_activity(course_activity(), base)]
        context["contextActivities"] = activities
    extensions: dict[str, Any] = {}
    for key, value in (event.context or {}).items():
        if key == "language":  # xAPI's own field: the language the learner did it in (RFC 5646)
            context["language"] = str(value)
            continue
        extensions[_extension_iri(base, str(key))] = value
    for key in ("track", "cohort", "attempt"):
        value = getattr(event, key)
        if value is not None:
            extensions[_extension_iri(base, key)] = value
    if extensions:
        context["extensions"] = extensions
    return context
