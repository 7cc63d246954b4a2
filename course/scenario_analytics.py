"""Which way learners go in a branching scenario: per step, how many learners took each choice;
per ending, how many reached it. Pure, like `course.analytics`, whose privacy rule it follows:
a step (or the endings) with fewer than MIN_GROUP learners has no numbers, only the reason.

Counts are of distinct learners: a learner who played a step twice and chose differently
counts once for each choice they took, and once in the step's total. So a trainer sees the
wrong turns staff actually take, not how often one person replayed them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from course.analytics import SUPPRESSED_REASON, suppression_reason
from course.events import ANSWERED, COMPLETED, Event
from course.schema import BranchingScenario, Course


@dataclass(frozen=True)
class StepCounts:
    step_id: str
    situation: str
    learners: int | None  # learners who chose anything here; None when suppressed
    choices: tuple[tuple[str, str, str, int | None], ...]  # (choice id, text, leads to, learners)
    suppressed: str | None = None


@dataclass(frozen=True)
class EndingCounts:
    learners: int | None  # learners who reached any ending; None when suppressed
    endings: tuple[tuple[str, str, str | None, int | None], ...]  # (ending id, title, rating, learners)
    suppressed: str | None = None


@dataclass(frozen=True)
class ScenarioPaths:
    scenario_id: str
    title: str
    module_id: str
    steps: tuple[StepCounts, ...]
    endings: EndingCounts


def scenario_paths(scenario: BranchingScenario, events: Iterable[Event]) -> ScenarioPaths:
    """Per step and choice, and per ending, the number of distinct learners in `events`."""
    step_prefix = f"scenario-step/{scenario.id}/"
    chose: dict[tuple[str, str], set[str]] = {}
    at_step: dict[str, set[str]] = {}
    reached: dict[str, set[str]] = {}
    finished: set[str] = set()
    for e in events:
        if e.verb == ANSWERED and e.activity.startswith(step_prefix) and isinstance(e.response, str):
            step_id = e.activity.removeprefix(step_prefix)
            chose.setdefault((step_id, e.response), set()).add(e.learner_id)
            at_step.setdefault(step_id, set()).add(e.learner_id)
        elif e.verb == COMPLETED and e.activity == f"scenario/{scenario.id}":
            ending = (e.context or {}).get("ending")
            if isinstance(ending, str):
                reached.setdefault(ending, set()).add(e.learner_id)
                finished.add(e.learner_id)
    steps = []
    for step in scenario.steps:
        n = len(at_step.get(step.id, ()))
        reason = suppression_reason(n)
        steps.append(
            StepCounts(
                step_id=step.id,
                situation=step.situation,
                learners=None if reason else n,
                choices=tuple(
                    (c.id, c.text, c.next, None if reason else len(chose.get((step.id, c.id), ())))
                    for c in step.choices
                ),
                suppressed=reason,
            )
        )
    reason = suppression_reason(len(finished))
    endings = EndingCounts(
        learners=None if reason else len(finished),
        endings=tuple(
            (en.id, en.title, en.rating, None if reason else len(reached.get(en.id, ()))) for en in scenario.endings
        ),
        suppressed=reason,
    )
    return ScenarioPaths(scenario.id, scenario.title, scenario.module, tuple(steps), endings)


def all_scenario_paths(course: Course, events: Iterable[Event]) -> list[ScenarioPaths]:
    """`scenario_paths` for every scenario of the course, in course module order, then by id."""
    events = list(events)
    order = {m.id: i for i, m in enumerate(course.modules)}
    scenarios = sorted(course.scenarios.values(), key=lambda s: (order.get(s.module, len(order)), s.id))
    return [scenario_paths(s, events) for s in scenarios]


SUPPRESSED_NOTE = SUPPRESSED_REASON
CSV_COLUMNS = ["scenario", "kind", "step", "option", "text", "leads_to", "rating", "learners", "of_learners", "note"]


def paths_csv(reports: Iterable[ScenarioPaths]) -> str:
    """One row per choice and per ending; suppressed numbers are empty with the reason in `note`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def num(value: int | None) -> str:
        return "" if value is None else str(value)

    for r in reports:
        for st in r.steps:
            for cid, text, leads_to, n in st.choices:
                writer.writerow(
                    [
                        r.scenario_id,
                        "choice",
                        st.step_id,
                        cid,
                        text,
                        leads_to,
                        "",
                        num(n),
                        num(st.learners),
                        st.suppressed or "",
                    ]
                )
        e = r.endings
        for eid, title, rating, n in e.endings:
            writer.writerow(
                [r.scenario_id, "ending", "", eid, title, "", rating or "", num(n), num(e.learners), e.suppressed or ""]
            )
    return out.getvalue()


# --------------------------------------------------------------------------- inline checks


@dataclass(frozen=True)
class CheckStats:
    """How an inline check lands: of the learners who answered it, the share whose first answer
    was right (later answers are second tries after the feedback). None when suppressed."""

    module_id: str
    section_id: str
    check_id: str
    prompt: str
    learners: int | None
    first_right: float | None  # 0..1
    suppressed: str | None = None


def check_stats(course: Course, events: Iterable[Event]) -> list[CheckStats]:
    """Every inline check of the course, in course order, from each learner's first answer."""
    first: dict[tuple[str, str], dict[str, bool]] = {}
    for e in sorted(events, key=lambda e: e.timestamp):
        if e.verb == ANSWERED and e.activity.startswith("check/") and e.activity.count("/") == 2:
            _, module_id, check_id = e.activity.split("/")
            first.setdefault((module_id, check_id), {}).setdefault(e.learner_id, bool(e.success))
    out = []
    for m in course.modules:
        for s in m.sections:
            for c in s.checks:
                answers = first.get((m.id, c.id), {})
                reason = suppression_reason(len(answers))
                out.append(
                    CheckStats(
                        m.id,
                        s.id,
                        c.id,
                        c.prompt,
                        None if reason else len(answers),
                        None if reason else sum(answers.values()) / len(answers),
                        reason,
                    )
                )
    return out
