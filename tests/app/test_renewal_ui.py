"""Issue 21 in the app: a certificate with an expiry, refreshers falling due as the clock moves,
renewal by a refresher set, the Verify page for each status, and the trainers' renewal report.

"Now" is moved with the session's `course-now` (course.ui.state.now), never by sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from course import certificates, dates, renewal
from course.events import (
    ANSWERED,
    COMPLETED,
    PASSED,
    REFRESHER,
    REGISTERED,
    Event,
    course_activity,
    question_activity,
    quiz_activity,
    refresher_activity,
)
from course.progress import PASSED_STATUS, project
from course.records import open_store
from course.ui.common import escape_markdown
from course.ui.state import NOW_KEY
from tests.app.test_trainer_dashboard import dashboard
from tests.app.test_walkthrough import APP, answer, button, choose_track, fill, go, open_quiz, submit_refresher, texts
from tests.completing import rule_done

SECRET = b"test-secret-for-certificates-0123456789"


def day(moment: datetime) -> str:
    return dates.day(moment)  # the course's one date format: "1 June 2028"


def test_pass_then_certificate_with_expiry_then_refresher_due_after_the_clock_moves_then_renewed(
    real_course, isolated_store
):
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Clinic staff onboarding")
    first, *rest = real_course.track("staff").modules
    at = open_quiz(button(at, "Start: ").click().run())
    at = answer(at, real_course, first, "staff")  # passed in the app: its answers enter the schedule
    learner = at.session_state["learner"].learner_id
    store = open_store(isolated_store)
    now = datetime.now(UTC)
    store.append_many(
        Event(
            learner,
            PASSED,
            quiz_activity(real_course.module(m).quiz),
            track="staff",
            score=9,
            max_score=10,
            timestamp=now,
        )
        for m in rest
    )
    # the staff track's rule: every section read and every scenario played too
    store.append_many(rule_done(real_course, learner, "staff", now))
    at = button(at, "Course map").click().run()
    assert "due for a refresher" not in texts(at)  # nothing is due right after passing

    at = button(at, "View my progress").click().run()
    next(t for t in at.text_input if t.label.startswith("Your full name")).set_value("Alex Ngata")
    at = button(at, "Issue my certificate").click().run()
    (cert,) = certificates.for_learner(store, learner, SECRET)
    assert cert.expires_at == renewal.add_months(cert.issued_at, 12)
    shown = next(s.value for s in at.success if s.value.startswith("Certificate KT-"))
    assert f"Valid until {day(cert.expires_at)}" in shown
    assert any(b.label.startswith("Add a renewal reminder") for b in at.get("download_button"))

    # Ten months on: the renewal window (90 days before expiry) is open and questions are due.
    at.session_state[NOW_KEY] = cert.issued_at + timedelta(days=300)
    at = at.run()
    assert "Renewal is open now" in texts(at)
    assert "due for a refresher" in texts(at)
    at = button(at, "Refresh what you learnt").click().run()
    assert at.title[0].value == "Refresh what you learnt"
    attempt, qids = at.session_state["refresher-set"]
    assert attempt == 1 and 1 <= len(qids) <= 5
    quiz = real_course.quizzes[real_course.module(first).quiz]
    by_id = {q.id: q for _, q in quiz.items("staff")}
    for qid in qids:
        fill(at, f"q-{quiz.id}-refresh-{attempt}-{qid}", by_id[qid])
    at = button(at, "Submit answers").click().run()
    assert any(s.value.startswith("Your certificate is renewed") for s in at.success)
    assert any(b.label.startswith("Read “") for b in at.button)  # a way back to each question's section

    old, new = certificates.for_learner(store, learner, SECRET)
    assert old.certificate_id == cert.certificate_id
    assert new.issued_at == (cert.issued_at + timedelta(days=300)).replace(microsecond=0)
    assert new.expires_at == renewal.add_months(new.issued_at, 12)
    events = store.events(learner)
    assert sum(e.verb == ANSWERED and REFRESHER in (e.context or {}) for e in events) == len(qids)
    assert [e.success for e in events if e.verb == COMPLETED and e.activity == refresher_activity()] == [True]
    # The passed module stays passed, and the questions just answered right are not asked again.
    assert project(real_course, events).module(first).status == PASSED_STATUS
    at = button(at, "Done").click().run()
    attempt, again = at.session_state["refresher-set"]
    assert attempt == 2 and not set(again) & set(qids)


def verify_page(now: datetime | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if now is not None:
        at.session_state[NOW_KEY] = now
    return go(at.run(), "verify")


def check(at: AppTest, cert_id: str) -> AppTest:
    at.text_input[0].set_value(cert_id)
    return button(at, "Check").click().run()


def test_the_verify_page_says_valid_expiring_soon_expired_or_revoked_with_the_issue_date(real_course, isolated_store):
    store = open_store(isolated_store)
    issued = datetime(2027, 6, 1, 9, tzinfo=UTC)
    cert = certificates.issue(store, "L1", "Alex Ngata", real_course, 90, SECRET, issued, 12)
    cases = [
        (issued + timedelta(days=10), "success", "This certificate is valid. It expires on 1 June 2028.", "Valid"),
        (
            issued + timedelta(days=350),
            "success",
            "This certificate is valid. It expires soon, on 1 June 2028.",
            "Valid, expiring soon",
        ),
        (
            issued + timedelta(days=400),
            "warning",
            "This certificate was genuine but expired on 1 June 2028.",
            "Expired",
        ),
    ]
    for now, kind, message, label in cases:
        at = check(verify_page(now), cert.certificate_id)
        assert [a.value for a in getattr(at, kind)] == [message]
        table = at.table[0].value
        assert list(table.columns) == ["Name", "Course", "Version", "Issued", "Valid until", "Status"]
        assert table.iloc[0].tolist()[3:] == ["1 June 2027", "1 June 2028", label]
    store.append(renewal.revocation_event("L1", cert.certificate_id, "Completed by someone else", "trainer"))
    at = check(verify_page(issued + timedelta(days=10)), cert.certificate_id)
    revoked_on = day(datetime.now(UTC))
    assert [a.value for a in at.error] == [
        f"This certificate was revoked on {revoked_on}. It no longer certifies completion."
    ]
    assert "Completed by someone else" not in texts(at)  # the reason says more than the certificate does
    assert at.table[0].value.iloc[0].tolist()[-1] == "Revoked"


def test_a_trainer_revokes_with_a_reason_and_the_report_lists_who_expires_by_ids_only(real_course, isolated_store):
    store = open_store(isolated_store)
    now = datetime.now(UTC)
    soon = certificates.issue(store, "learner-soon", "Sam", real_course, 90, SECRET, now - timedelta(days=350), 12)
    gone = certificates.issue(store, "learner-gone", "Kim", real_course, 90, SECRET, now - timedelta(days=400), 12)
    fine = certificates.issue(store, "learner-fine", "Lee", real_course, 90, SECRET, now - timedelta(days=10), 12)
    for lid in ("learner-soon", "learner-gone", "learner-fine"):
        store.append(Event(lid, REGISTERED, course_activity(), track="staff", timestamp=now - timedelta(days=1)))
    at = dashboard(isolated_store)
    assert (
        "Expiring within 30 days: **1** · Expiring in 31 to 60 days: **0** · Expiring in 61 to 90 days: **0** · Expired: **1** · Revoked: **0** (of 3 learners holding a certificate)"
        in texts(at)
    )
    rows = next(t.value for t in at.table if "Certificate" in t.value.columns)
    assert rows["Certificate"].tolist() == [soon.certificate_id, gone.certificate_id]
    assert rows["Learner"].tolist() == ["learner-", "learner-"]  # pseudonymous ids, no names
    assert "Sam" not in texts(at) and "Kim" not in texts(at)

    at.text_input(key="revoke-id").set_value(fine.certificate_id.lower())
    at.text_area(key="revoke-reason").set_value("Issued before the safety module was passed")
    at = button(at, "Revoke certificate").click().run()
    assert f"Certificate {fine.certificate_id} is revoked." in texts(at)
    checked = certificates.check(store, fine.certificate_id, SECRET)
    assert checked.status == renewal.REVOKED_STATUS
    assert checked.revocation.reason == "Issued before the safety module was passed"


def test_refresher_figures_on_the_dashboard_match_hand_counts(real_course, isolated_store):
    store = open_store(isolated_store)
    module = real_course.track_modules("staff")[0]
    qs = [q.id for _, q in real_course.quizzes[module.quiz].items("staff")][:2]
    now = datetime.now(UTC).replace(day=1, hour=12) + timedelta(days=2)  # one month, inside the date filter
    for n, rights in enumerate([(1, 1), (1, 1), (1, 0), (0, 0), (1, 1)], start=1):
        lid = f"L{n}"
        store.append(Event(lid, REGISTERED, course_activity(), track="staff", timestamp=now - timedelta(hours=1)))
        for q, ok in zip(qs, rights, strict=True):
            store.append(
                Event(
                    lid,
                    ANSWERED,
                    question_activity(q),
                    track="staff",
                    success=bool(ok),
                    context={REFRESHER: 1},
                    timestamp=now,
                )
            )
        store.append(Event(lid, COMPLETED, refresher_activity(), track="staff", success=True, timestamp=now))
    if now > datetime.now(UTC):
        now = datetime.now(UTC)  # (never in the future: the dashboard's dates end today)
    at = dashboard(isolated_store)
    retention = next(t.value for t in at.table if "Share right" in t.value.columns)
    month = f"{now:%Y-%m}"
    assert retention.iloc[0].tolist() == [month, escape_markdown(module.title), 5, 10, "70%", ""]  # 7 of 10 right
    sets = next(t.value for t in at.table if "Refresher sets done" in t.value.columns)
    assert sets.iloc[0].tolist() == [month, 5, 5, ""]


def test_refresher_answers_are_kept_as_chosen_and_come_back_on_another_device(real_course, isolated_store):
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Clinic staff onboarding")
    first = real_course.track("staff").modules[0]
    at = answer(open_quiz(button(at, "Start: ").click().run()), real_course, first, "staff")
    later = datetime.now(UTC) + timedelta(days=200)
    at.session_state[NOW_KEY] = later
    at = go(at.run(), "refresh")
    _, qids = at.session_state["refresher-set"]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    by_id = {q.id: q for _, q in quiz.items("staff")}
    key = f"q-{quiz.id}-refresh-1-{qids[0]}"
    fill(at, key, by_id[qids[0]])
    at = at.run()
    code = at.session_state["learner"].resume_code

    other = AppTest.from_file(APP, default_timeout=60)
    other.query_params["resume"] = code
    other.session_state[NOW_KEY] = later
    other = go(other.run(), "refresh")
    assert other.session_state["refresher-set"][1] == qids
    assert f"Your answers from before are back: 1 of {len(qids)} questions are filled in." in texts(other)


def test_a_refresher_set_done_while_the_database_is_down_is_kept_and_written_when_it_is_back(
    real_course, monkeypatch, tmp_path
):
    import streamlit as st

    good = f"sqlite:///{tmp_path / 'back.sqlite'}"
    monkeypatch.setenv("COURSE_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    st.cache_resource.clear()
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
    first = real_course.track("public").modules[0]
    at = answer(open_quiz(button(at, "Start: ").click().run()), real_course, first, "public")
    at.session_state[NOW_KEY] = datetime.now(UTC) + timedelta(days=200)
    at = go(at.run(), "refresh")
    qids = at.session_state["refresher-set"][1]
    at = submit_refresher(at, real_course, first, "public")
    assert any(h.value == "Your result" for h in at.header)
    learner = at.session_state["learner"]
    pending = [e for e in learner.writer.pending if REFRESHER in (e.context or {})]
    assert len(pending) == len(qids)

    monkeypatch.setenv("COURSE_DB_URL", good)  # the database is back
    at.run()
    stored = open_store(good).events(learner.learner_id)
    assert sum(REFRESHER in (e.context or {}) for e in stored) == len(qids)
    assert any(e.verb == COMPLETED and e.activity == refresher_activity() for e in stored)
    assert not learner.writer.pending
