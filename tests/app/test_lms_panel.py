"""The trainer dashboard's learning-platform panel (issue 20): a cohort's completions for an
LMS or spreadsheet import, and how many statements wait for, or were refused by, the LRS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from course.events import PASSED, REGISTERED, Event
from course.records import open_store
from tests.app.test_trainer_dashboard import dashboard
from tests.app.test_walkthrough import texts

NOW = datetime.now(UTC)


def _cohort(url: str) -> str:
    store = open_store(url)
    code = store.create_cohort("Northside", "staff", "test")
    learner, _ = store.create_learner("Ana")
    store.join_cohort(learner, code)
    t = NOW - timedelta(days=1)
    store.append_many(
        [
            Event(learner_id=learner, verb=REGISTERED, activity="course", track="staff", cohort=code, timestamp=t),
            Event(
                learner_id=learner,
                verb=PASSED,
                activity="quiz/history",
                track="staff",
                cohort=code,
                attempt=1,
                score=9,
                max_score=10,
                success=True,
                timestamp=t + timedelta(minutes=5),
            ),
        ]
    )
    store.close()
    return code


def test_a_cohort_s_completions_can_be_downloaded(isolated_store):
    code = _cohort(isolated_store)
    at = dashboard(isolated_store)
    assert "Choose a cohort in the filters above to download its completions." in texts(at)
    at.selectbox(key="dash-cohort").set_value(f"Northside ({code})").run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Completions (CSV)" in labels  # one learner: completions are not an aggregate
    assert any("One row per learner and module" in c.value for c in at.caption)
    assert "No learning record store is set up" in texts(at)


def test_waiting_statements_are_counted_while_the_lrs_cannot_be_reached(isolated_store, monkeypatch):
    _cohort(isolated_store)
    monkeypatch.setenv("COURSE_LRS_ENDPOINT", "http://127.0.0.1:9/xAPI/")  # nothing listens there
    monkeypatch.setenv("COURSE_PUBLIC_URL", "https://course.example.org")
    # No background thread outliving the test: the counts come from the database either way.
    from course.lms import outbox

    monkeypatch.setattr(outbox, "start_background", lambda forwarder, every_s=5.0: None)
    at = dashboard(isolated_store)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Waiting to be sent"] == "2" and metrics["Refused by the LRS"] == "0"
    assert len(open_store(isolated_store).events_between()) == 2  # nothing lost
