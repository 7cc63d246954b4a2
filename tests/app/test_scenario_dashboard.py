"""Issue 27 on the trainer dashboard: per scenario, the learners who took each choice at each
step and reached each ending, against counts worked out by hand; small groups hidden; a CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from course.analytics import SUPPRESSED_REASON
from course.events import REGISTERED, Event, scenario_choice, scenario_completed
from course.records import open_store
from tests.app.test_trainer_dashboard import dashboard

T = datetime.now(UTC) - timedelta(days=1)


def seed(real_course, db_url: str) -> None:
    """Seven staff learners in bp-climbs-at-40. By hand, at the first step: recheck-and-report
    5 (learners 0-4), expected-rise 2 (5, 6), send-home 0; after-report is reached by 5 (all
    keep watching) and ninety-minutes by only 2 (hidden); endings: 7 in all, 5 safe, 2 late."""
    s = real_course.scenarios["bp-climbs-at-40"]
    paths = [["recheck-and-report", "keep-watching", "emergency-now"]] * 5 + [["expected-rise", "emergency-late"]] * 2
    store = open_store(db_url)
    try:
        for i, path in enumerate(paths):
            learner, _ = store.create_learner(learner_id=f"scen-learner-{i}")
            events = [Event(learner, REGISTERED, "course", track="staff", timestamp=T)]
            step = s.step(s.start)
            for k, cid in enumerate(path):
                at = T + timedelta(minutes=k + 1)
                fields = scenario_choice(s.id, s.module, step.id, path[: k + 1], "staff")
                events.append(Event(learner, **fields, timestamp=at))
                nxt = next(c.next for c in step.choices if c.id == cid)
                if s.ending(nxt) is not None:
                    ending = s.ending(nxt)
                    fields = scenario_completed(s.id, s.module, ending.id, ending.rating, path, "staff")
                    events.append(Event(learner, **fields, timestamp=at))
                else:
                    step = s.step(nxt)
            store.append_many(events)
    finally:
        store.close()


def test_scenario_paths_on_the_dashboard_match_hand_counts(real_course, isolated_store):
    seed(real_course, isolated_store)
    at = dashboard(isolated_store)
    at.selectbox(key="dash-scenario").set_value("Blood pressure climbs at 40 minutes").run()
    tables = [t.value for t in at.table if "Leads to" in t.value.columns]
    first = tables[0]
    assert dict(zip(first["Leads to"], first["Learners"], strict=True)) == {
        "after-report": 5,
        "ninety-minutes": 2,
        "unsafe-sent-home": 0,
    }
    after_report = tables[1]
    assert list(after_report["Learners"]) == [5, 0]
    assert SUPPRESSED_REASON in " ".join(m.value for m in at.markdown)  # ninety-minutes: 2 learners
    endings = next(t.value for t in at.table if "Ending" in t.value.columns)
    counts = dict(zip(endings["Ending"], endings["Learners"], strict=True))
    assert counts["You escalated at each step, in time"] == 5
    assert counts["The emergency was caught late"] == 2
    assert counts["She left before she was stable"] == 0
    assert "Scenario paths (CSV)" in {b.proto.label for b in at.get("download_button")}


def test_the_inline_checks_table_lists_every_check_hidden_below_five(real_course, isolated_store):
    at = dashboard(isolated_store)
    table = next(t.value for t in at.table if "Right first time (%)" in t.value.columns)
    n_checks = sum(len(s.checks) for m in real_course.modules for s in m.sections)
    assert len(table) == n_checks
    assert set(table["Learners"]) == {"hidden"}
