"""The learning-event store keeps every event exactly once, on SQLite and on PostgreSQL.

Each test here runs against both databases (see conftest.py), because "the same SQL runs on
PostgreSQL" is a promise only a test on PostgreSQL can keep.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from course import certificates
from course.events import (
    ANSWERED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    Event,
    course_activity,
    question_activity,
    quiz_activity,
    section_activity,
)
from course.records import (
    INDEXES,
    MIGRATIONS,
    PendingWriter,
    QuizSummary,
    Store,
    StoreUnavailable,
    certificates_table,
    learners_table,
    metadata,
    open_store,
    resolve_url,
    schema_migrations_table,
)

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def ev(
    n: int, verb: str = EXPERIENCED, activity: str = section_activity("history", "origins"), learner: str = "L1", **kw
) -> Event:
    return Event(learner_id=learner, verb=verb, activity=activity, timestamp=T0 + timedelta(minutes=n), **kw)


# --------------------------------------------------------------------------- events


def test_every_field_of_an_event_survives_a_round_trip(store: Store):
    full = Event(
        learner_id="L1",
        verb=ANSWERED,
        activity=question_activity("ketamine-origin"),
        track="staff",
        attempt=3,
        score=0.1 + 0.2,  # a float that is not exact in decimal must come back bit for bit
        max_score=1.0,
        success=False,
        response=["b", "a", "ünïcode ✓"],
        duration_s=12.345678,
        cohort="KX7-P2M",
        context={"phase": "start", "nested": {"n": [1, 2.5, None, True]}},
        # A non-UTC zone with microseconds: it is the same instant that must come back.
        timestamp=datetime(2026, 3, 1, 11, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2))),
        event_id="evt-full",
    )
    bare = Event(learner_id="L1", verb=REGISTERED, activity=course_activity(), timestamp=T0 + timedelta(days=1))
    store.append(full)
    store.append(bare)

    got_full, got_bare = store.events("L1")

    assert got_full == full
    assert got_full.timestamp.utcoffset() == timedelta(0), "timestamps come back in UTC"
    assert got_full.response == ["b", "a", "ünïcode ✓"] and got_full.context["nested"] == {"n": [1, 2.5, None, True]}
    assert got_bare == bare
    assert got_bare.response is None and got_bare.context is None and got_bare.success is None


@pytest.mark.parametrize("response", [True, False, "a", 4, ["x"], {"k": "v"}, ""])
def test_each_kind_of_response_comes_back_as_it_was_given(store: Store, response):
    store.append(ev(0, ANSWERED, question_activity("q1"), response=response))
    (got,) = store.events("L1")
    assert got.response == response and type(got.response) is type(response)


def test_events_come_back_oldest_first_whatever_order_they_were_written(store: Store):
    store.append_many([ev(3), ev(1), ev(2)])
    store.append(ev(0))
    assert [e.timestamp for e in store.events("L1")] == [T0 + timedelta(minutes=n) for n in range(4)]


def test_events_at_the_same_instant_keep_the_order_they_were_stored(store: Store):
    same = [Event("L1", ANSWERED, question_activity(f"q{n}"), timestamp=T0) for n in range(5)]
    for e in same:
        store.append(e)
    assert [e.activity for e in store.events("L1")] == [f"question/q{n}" for n in range(5)]


def test_a_retried_event_is_stored_once(store: Store):
    answer = ev(0, ANSWERED, question_activity("q1"), response="a")
    store.append(answer)
    store.append(answer)
    store.append_many([answer, ev(1), answer])
    assert [e.event_id for e in store.events("L1")].count(answer.event_id) == 1
    assert len(store.events("L1")) == 2


def test_a_learner_sees_only_their_own_events(store: Store):
    store.append_many([ev(0, learner="L1"), ev(1, learner="L2"), ev(2, learner="L1")])
    assert {e.learner_id for e in store.events("L1")} == {"L1"} and len(store.events("L1")) == 2
    assert store.events("nobody") == []


def test_tabs_appending_interleaved_events_for_one_learner_keep_every_event(db_url: str):
    # Two tabs served by one app process share its store; a third is served by another
    # process with its own. All write at once, with the same timestamps.
    shared, other = open_store(db_url), open_store(db_url)
    tabs = [shared, shared, other]
    start = threading.Barrier(len(tabs))
    failures: list[BaseException] = []

    def work(tab: int) -> None:
        start.wait()
        try:
            for n in range(40):
                tabs[tab].append(
                    Event("L1", ANSWERED, question_activity(f"tab{tab}-{n}"), timestamp=T0 + timedelta(seconds=n))
                )
        except BaseException as exc:  # reported below: a thread's exception would vanish
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(len(tabs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert failures == []
        events = shared.events("L1")
        assert len(events) == 120
        assert {e.activity for e in events} == {f"question/tab{t}-{n}" for t in range(3) for n in range(40)}
        assert events == other.events("L1"), "every process sees the same history in the same order"
    finally:
        shared.close()
        other.close()


def test_an_overlong_field_is_refused_the_same_way_on_every_database(store: Store):
    with pytest.raises(ValueError, match="activity"):
        store.append_many([ev(0), ev(1, activity="x" * 513)])
    assert store.events("L1") == [], "a refused batch writes nothing"


def test_events_for_a_cohort_respect_the_time_window(store: Store):
    store.append_many(
        [
            ev(0, cohort="AAA-BBB"),
            ev(10, cohort="AAA-BBB", learner="L2"),
            ev(20, cohort="AAA-BBB"),
            ev(5, cohort="CCC-DDD"),
            ev(6),
        ]
    )
    assert [e.timestamp for e in store.events_for_cohort("AAA-BBB")] == [T0 + timedelta(minutes=m) for m in (0, 10, 20)]
    window = store.events_for_cohort("AAA-BBB", since=T0 + timedelta(minutes=10), until=T0 + timedelta(minutes=20))
    assert [e.learner_id for e in window] == ["L2"], "since is inclusive, until exclusive"
    assert store.events_for_cohort("ZZZ-ZZZ") == []


def test_the_cohort_summary_counts_learners_not_attempts(store: Store):
    c = "AAA-BBB"
    store.append_many(
        [
            ev(0, FAILED, quiz_activity("history"), learner="L1", cohort=c),
            ev(1, FAILED, quiz_activity("history"), learner="L1", cohort=c),
            ev(2, PASSED, quiz_activity("history"), learner="L1", cohort=c),
            ev(3, PASSED, quiz_activity("history"), learner="L2", cohort=c),
            ev(4, FAILED, quiz_activity("history"), learner="L3", cohort=c),
            ev(5, FAILED, quiz_activity("routes"), learner="L1", cohort=c),
            ev(6, ANSWERED, question_activity("q1"), learner="L4", cohort=c),  # not a quiz result
            ev(7, PASSED, quiz_activity("routes"), learner="L9", cohort="CCC-DDD"),  # another cohort
        ]
    )
    assert store.cohort_summary(c) == [
        QuizSummary(quiz_activity("history"), learners_attempted=3, learners_passed=2),
        QuizSummary(quiz_activity("routes"), learners_attempted=1, learners_passed=0),
    ]
    assert store.cohort_summary("ZZZ-ZZZ") == []


# --------------------------------------------------------------------------- migrations


def test_migrations_are_recorded_and_opening_again_changes_nothing(db_url: str):
    first = open_store(db_url)
    try:
        assert first.applied_migrations() == [v for v, _ in MIGRATIONS]
        first.append(ev(0))
    finally:
        first.close()
    second = open_store(db_url)
    try:
        assert second.migrate() == [], "nothing left to apply"
        assert second.applied_migrations() == [v for v, _ in MIGRATIONS]
        assert len(second.events("L1")) == 1, "reopening keeps the data"
    finally:
        second.close()


def test_the_migrated_schema_has_every_column_and_index_the_queries_use(store: Store):
    inspector = sa.inspect(store.engine)
    for table in metadata.tables.values():
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys()), table.name
    for index in INDEXES:
        names = {i["name"] for i in inspector.get_indexes(index.table.name)}
        assert index.name in names


def test_processes_opening_a_fresh_database_at_the_same_moment_all_succeed(db_url: str):
    code = (
        "import sys; from course.records import open_store; "
        "s = open_store(sys.argv[1]); print(s.applied_migrations()); s.close()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == str([v for v, _ in MIGRATIONS])
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            versions = conn.execute(sa.select(schema_migrations_table.c.version)).scalars().all()
        versions.sort()
        assert versions == [v for v, _ in MIGRATIONS], "each migration recorded exactly once"
    finally:
        store.close()


# --------------------------------------------------------------------------- identity


def test_a_resume_code_has_at_least_128_bits_and_finds_its_learner(store: Store):
    learner_id, code = store.create_learner("Ada")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", code)
    assert len(code) * 6 >= 128, "base64url carries 6 bits a character"
    assert store.learner_for_resume_code(code) == learner_id
    assert store.learner_for_resume_code(f"  {code}\n") == learner_id, "pasted with whitespace still works"
    assert store.learner(learner_id).display_name == "Ada"


def test_only_the_hash_of_a_resume_code_is_stored(store: Store):
    learner_id, code = store.create_learner()
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(learners_table).where(learners_table.c.learner_id == learner_id)).one()
    assert row.resume_code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert code not in {str(v) for v in row}


def test_resume_codes_are_different_for_every_learner(store: Store):
    codes = {store.create_learner()[1] for _ in range(20)}
    assert len(codes) == 20


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "short",
        "A" * 32,  # well formed, never issued
        "A" * 31 + "!",
        "é" * 32,
        "x" * 1_000_000,
        "' OR '1'='1' --                  ",
        None,
        12345,
        b"bytes-are-not-a-code-at-all-nope",
        ["list"],
    ],
    ids=lambda v: f"{type(v).__name__}:{str(v)[:12]!r}:{len(v) if hasattr(v, '__len__') else ''}",
)
def test_an_unknown_or_malformed_resume_code_finds_no_one_and_does_not_raise(store: Store, bad):
    store.create_learner()
    assert store.learner_for_resume_code(bad) is None


def test_a_resume_code_with_one_character_changed_finds_no_one(store: Store):
    _, code = store.create_learner()
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert store.learner_for_resume_code(altered) is None
    assert store.learner_for_resume_code(code[:-1]) is None


def test_a_new_resume_code_replaces_the_old_one(store: Store):
    learner_id, old = store.create_learner()
    new = store.reset_resume_code(learner_id)
    assert new != old
    assert store.learner_for_resume_code(new) == learner_id
    assert store.learner_for_resume_code(old) is None
    assert store.reset_resume_code("nobody") is None


def test_saving_an_anonymous_session_keeps_its_learner_id_and_events(store: Store):
    store.append(ev(0, learner="session-123"))
    learner_id, code = store.create_learner("Sam", learner_id="session-123")
    assert learner_id == "session-123"
    assert len(store.events(store.learner_for_resume_code(code))) == 1
    with pytest.raises(ValueError, match="already exists"):
        store.create_learner(learner_id="session-123")


def test_signing_in_again_with_the_same_identity_returns_the_same_learner(store: Store):
    first = store.learner_for_subject("https://idp.example|abc", "Ada Lovelace")
    again = store.learner_for_subject("https://idp.example|abc", "Someone Else")
    other = store.learner_for_subject("https://idp.example|xyz")
    assert first == again != other
    learner = store.learner(first)
    assert learner.display_name == "Ada Lovelace", "a sign-in does not overwrite the name"
    assert learner.auth_subject == "https://idp.example|abc" and not learner.has_resume_code
    assert store.learner(other).display_name is None
    with pytest.raises(ValueError):
        store.learner_for_subject("  ")


def test_a_display_name_can_be_changed_and_cleared(store: Store):
    learner_id, _ = store.create_learner("Ada")
    assert store.set_display_name(learner_id, "  Ada   King ")
    assert store.learner(learner_id).display_name == "Ada King"
    assert store.set_display_name(learner_id, "   ")
    assert store.learner(learner_id).display_name is None
    assert not store.set_display_name("nobody", "X")


# --------------------------------------------------------------------------- cohorts


def test_a_new_cohort_has_a_short_unambiguous_code_that_finds_it(store: Store):
    code = store.create_cohort("Spring intake", "staff", created_by="trainer-1")
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}", code)
    cohort = store.cohort(code)
    assert (cohort.name, cohort.track, cohort.created_by) == ("Spring intake", "staff", "trainer-1")
    assert store.cohort(code.lower().replace("-", " ")) == cohort, "typed in lower case with a space"
    assert store.cohort("ZZZ-ZZZ") is None and store.cohort("not a code") is None and store.cohort(None) is None


def test_joining_a_cohort_makes_the_learner_a_member_and_joining_another_moves_them(store: Store):
    spring = store.create_cohort("Spring", "staff", "t")
    autumn = store.create_cohort("Autumn", "public", "t")
    learner_id, _ = store.create_learner()
    assert store.join_cohort(learner_id, spring).code == spring
    assert store.cohort_members(spring) == [learner_id] and store.learner(learner_id).cohort == spring
    store.join_cohort(learner_id, autumn)
    assert store.cohort_members(spring) == [] and store.cohort_members(autumn) == [learner_id]
    store.leave_cohort(learner_id)
    assert store.learner(learner_id).cohort is None


def test_joining_an_unknown_cohort_changes_nothing(store: Store):
    spring = store.create_cohort("Spring", "staff", "t")
    learner_id, _ = store.create_learner()
    store.join_cohort(learner_id, spring)
    assert store.join_cohort(learner_id, "ZZZ-ZZZ") is None
    assert store.learner(learner_id).cohort == spring
    with pytest.raises(KeyError):
        store.join_cohort("no-such-learner", spring)


# --------------------------------------------------------------------------- deletion


def test_deleting_a_learner_removes_their_events_identity_and_certificates(store: Store, secret, real_course):
    learner_id, code = store.create_learner("Ada")
    other_id, other_code = store.create_learner("Bo")
    store.append_many([ev(0, learner=learner_id), ev(1, learner=learner_id), ev(2, learner=other_id)])
    cert = certificates.issue(store, learner_id, "Ada", real_course, 90, secret)
    kept = certificates.issue(store, other_id, "Bo", real_course, 85, secret)
    store.save_draft(learner_id, quiz_activity("history-quiz"), "public", 1, "q1", "a")
    store.save_draft(other_id, quiz_activity("history-quiz"), "public", 1, "q1", "b")

    assert store.delete_learner(learner_id) == 2

    assert store.events(learner_id) == []
    assert store.learner(learner_id) is None
    assert store.learner_for_resume_code(code) is None
    assert certificates.verify(store, cert.certificate_id, secret) is None
    assert store.certificates_for(learner_id) == []
    assert store.drafts(learner_id, "quiz/history-quiz", "public", 1) == {}, "answers not yet submitted go too"
    # Nobody else loses anything.
    assert len(store.events(other_id)) == 1
    assert store.drafts(other_id, "quiz/history-quiz", "public", 1) == {"q1": "b"}
    assert store.learner_for_resume_code(other_code) == other_id
    assert certificates.verify(store, kept.certificate_id, secret) == kept


# --------------------------------------------------------------------------- answers not yet submitted


@pytest.mark.parametrize("answer", ["b", True, False, ["a", "c"], [], {"a": 2, "b": 1}, {"a": None}])
def test_an_answer_kept_before_submitting_comes_back_as_it_was_chosen(store: Store, answer):
    store.save_draft("L1", quiz_activity("mechanism-quiz"), "staff", 2, "q3", answer)
    assert store.drafts("L1", "quiz/mechanism-quiz", "staff", 2) == {"q3": answer}


def test_answering_again_replaces_the_kept_answer_and_other_items_stay(store: Store):
    store.save_draft("L1", quiz_activity("q"), "staff", 1, "q1", "a")
    store.save_draft("L1", quiz_activity("q"), "staff", 1, "q2", True)
    store.save_draft("L1", quiz_activity("q"), "staff", 1, "q1", "c")
    assert store.drafts("L1", "quiz/q", "staff", 1) == {"q1": "c", "q2": True}


def test_kept_answers_belong_to_one_learner_activity_track_and_attempt(store: Store):
    store.save_draft("L1", quiz_activity("q"), "staff", 1, "q1", "a")
    assert store.drafts("L2", "quiz/q", "staff", 1) == {}
    assert store.drafts("L1", "quiz/other", "staff", 1) == {}
    assert store.drafts("L1", "quiz/q", "public", 1) == {}
    assert store.drafts("L1", "quiz/q", "staff", 2) == {}, "an earlier attempt's answers do not fill a new one"
    store.save_draft("L1", quiz_activity("q"), "staff", 2, "q2", "b")
    assert store.drafts("L1", "quiz/q", "staff", 2) == {"q2": "b"}
    assert store.drafts("L1", "quiz/q", "staff", 1) == {"q1": "a"}


def test_clearing_kept_answers_after_submitting_leaves_other_activities(store: Store):
    store.save_draft("L1", quiz_activity("q"), "staff", 1, "q1", "a")
    store.save_draft("L1", quiz_activity("q"), "staff", 1, "q2", "b")
    store.save_draft("L1", quiz_activity("other"), "staff", 1, "q1", "a")
    assert store.clear_drafts("L1", "quiz/q", "staff") == 2
    assert store.drafts("L1", "quiz/q", "staff", 1) == {}
    assert store.drafts("L1", "quiz/other", "staff", 1) == {"q1": "a"}


def test_tabs_answering_different_questions_at_once_keep_every_answer(db_url: str):
    stores = [open_store(db_url) for _ in range(4)]
    try:

        def answer(i: int) -> None:
            for n in range(10):
                stores[i].save_draft("L1", quiz_activity("q"), "staff", 1, f"q{i}-{n}", n)

        threads = [threading.Thread(target=answer, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kept = stores[0].drafts("L1", quiz_activity("q"), "staff", 1)
        assert kept == {f"q{i}-{n}": n for i in range(4) for n in range(10)}
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize("field", ["learner_id", "activity", "track", "item"])
def test_a_kept_answer_with_an_empty_or_overlong_key_is_refused_before_any_write(store: Store, field):
    args = dict(learner_id="L1", activity=quiz_activity("q"), track="staff", attempt=1, item="q1", answer="a")
    for bad in ("", "x" * 600):
        with pytest.raises(ValueError, match=field):
            store.save_draft(**{**args, field: bad})
    assert store.drafts("L1", "quiz/q", "staff", 1) == {}


# --------------------------------------------------------------------------- certificates in the database


def test_an_issued_certificate_verifies_after_a_trip_through_the_database(store: Store, secret, real_course):
    cert = certificates.issue(
        store, "L1", "Zoë Łukasiewicz", real_course, 92.31, secret, now=datetime(2026, 3, 1, 23, 59, 59, 999999, UTC)
    )
    assert certificates.verify(store, cert.certificate_id, secret) == cert
    assert [r.certificate_id for r in store.certificates_for("L1")] == [cert.certificate_id]


@pytest.mark.parametrize(
    "change",
    [
        {"score_percent": 100.0},
        {"display_name": "Mallory"},
        {"learner_id": "someone-else"},
        {"issued_at": datetime(2020, 1, 1, tzinfo=UTC)},
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_certificate_altered_in_the_database_no_longer_verifies(store: Store, secret, real_course, change):
    cert = certificates.issue(store, "L1", "Ada", real_course, 81, secret)
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(certificates_table)
            .where(certificates_table.c.certificate_id == cert.certificate_id)
            .values(change)
        )
    assert certificates.verify(store, cert.certificate_id, secret) is None


# --------------------------------------------------------------------------- availability


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_postgresql_raises_store_unavailable():
    url = f"postgresql+psycopg://course@127.0.0.1:{_closed_port()}/course_test"
    with pytest.raises(StoreUnavailable):
        open_store(url)
    store = Store(url)
    try:
        assert store.ping() is False
        with pytest.raises(StoreUnavailable):
            store.append(ev(0))
        with pytest.raises(StoreUnavailable):
            store.events("L1")
        with pytest.raises(StoreUnavailable):
            store.learner_for_resume_code("A" * 32)
    finally:
        store.close()


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_an_unwritable_sqlite_path_raises_store_unavailable(tmp_path, where):
    if where == "under-a-file":
        (tmp_path / "plain-file").write_text("not a folder")
        path = tmp_path / "plain-file" / "course.sqlite"
    else:
        path = Path("/proc/course-test/course.sqlite")  # even root cannot create files in /proc
    with pytest.raises(StoreUnavailable):
        open_store(f"sqlite:///{path}")


def test_a_working_store_answers_ping(store: Store):
    assert store.ping() is True


def test_the_default_database_is_a_sqlite_file_under_data_unless_configured(monkeypatch):
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    assert resolve_url() == f"sqlite:///{ROOT / 'data' / 'course.sqlite'}"
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://u@db.example/course")
    assert resolve_url() == "postgresql+psycopg://u@db.example/course", "plain postgresql:// means psycopg 3"
    assert resolve_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite", "an explicit URL wins"


def test_a_sqlite_store_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'deep' / 'folder' / 'course.sqlite'}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        store.close()
    assert (tmp_path / "deep" / "folder" / "course.sqlite").exists(), "the folder is created"


# --------------------------------------------------------------------------- pending writes


class FlakyStore:
    """A real store behind a switch: while `down`, every call raises StoreUnavailable.

    With `lose_acks`, a write reaches the database but the caller still hears a failure,
    as when a connection drops between COMMIT and its reply."""

    def __init__(self, store: Store):
        self.store = store
        self.down = False
        self.lose_acks = False
        self.fail_after: int | None = None
        self.calls = 0
        self.batches: list[int] = []

    def append(self, event: Event) -> None:
        self.append_many([event])

    def append_many(self, events: list[Event]) -> None:
        """One call, one transaction: all of `events` are stored, or none."""
        self.calls += 1
        self.batches.append(len(events))
        if self.down or (self.fail_after is not None and self.calls > self.fail_after):
            raise StoreUnavailable("switched off")
        self.store.append_many(events)
        if self.lose_acks:
            raise StoreUnavailable("reply lost")

    def events(self, learner_id: str) -> list[Event]:
        if self.down:
            raise StoreUnavailable("switched off")
        return self.store.events(learner_id)


def test_pending_writer_keeps_events_while_the_store_is_down_and_writes_each_once_when_back(store: Store):
    flaky = FlakyStore(store)
    writer = PendingWriter(flaky, retry_after_s=0)
    first = [ev(n, ANSWERED, question_activity(f"q{n}")) for n in range(3)]

    flaky.down = True
    assert [writer.append(e) for e in first] == [False, False, False]
    assert writer.pending == tuple(first) and not writer.available
    assert writer.events("L1") == first, "progress still shows from pending answers"
    writer.append(first[0])  # a double click while down
    assert len(writer.pending) == 3

    flaky.down = False
    later = ev(3, COMPLETED, quiz_activity("history"))
    assert writer.append(later) is True, "the first write after recovery flushes the backlog"
    assert writer.pending == () and writer.available
    assert store.events("L1") == [*first, later]
    assert writer.flush() == 0
    writer.append(first[1])
    assert len(store.events("L1")) == 4, "a late retry of a stored event is not doubled"


def test_a_write_whose_reply_was_lost_is_retried_without_doubling(store: Store):
    flaky = FlakyStore(store)
    writer = PendingWriter(flaky, retry_after_s=0)
    flaky.lose_acks = True
    answer = ev(0, ANSWERED, question_activity("q1"))
    assert writer.append(answer) is False
    assert writer.events("L1") == [answer], "shown once although it is both stored and pending"
    flaky.lose_acks = False
    assert writer.flush() == 1
    assert store.events("L1") == [answer]


def test_a_backlog_is_written_in_one_transaction_or_kept_whole_in_order(store: Store):
    flaky = FlakyStore(store)
    writer = PendingWriter(flaky, retry_after_s=0)
    events = [ev(n, ANSWERED, question_activity(f"q{n}")) for n in range(5)]
    flaky.down = True
    for e in events:
        writer.append(e)
    flaky.down = False
    flaky.calls, flaky.batches = 0, []
    flaky.fail_after = 0
    assert writer.flush() == 0
    assert writer.pending == tuple(events), "nothing written, everything still queued in order"
    assert store.events("L1") == []
    flaky.fail_after = None
    assert writer.flush() == 5
    assert flaky.batches == [5, 5], "each attempt is one write of the whole backlog"
    assert store.events("L1") == events


def test_a_quiz_submission_is_one_write(store: Store):
    flaky = FlakyStore(store)
    writer = PendingWriter(flaky, retry_after_s=0)
    answers = [ev(n, ANSWERED, question_activity(f"q{n}")) for n in range(13)]
    assert writer.append_many([*answers, ev(13, COMPLETED, quiz_activity("history"))]) is True
    assert flaky.batches == [14]
    assert len(store.events("L1")) == 14


def test_pending_events_are_shown_with_stored_ones_in_time_order(store: Store):
    flaky = FlakyStore(store)
    writer = PendingWriter(flaky, retry_after_s=0)
    writer.append(ev(0))
    writer.append(ev(2))
    flaky.fail_after = flaky.calls  # reads work, writes fail
    writer.append(ev(1, learner="L1", activity=section_activity("history", "essential-medicine")))
    writer.append(ev(3, learner="L2"))
    assert [e.timestamp for e in writer.events("L1")] == [T0 + timedelta(minutes=m) for m in (0, 1, 2)]
    assert [e.learner_id for e in writer.events("L2")] == ["L2"]


def test_after_a_failure_appends_queue_without_waiting_on_the_store_until_the_retry_time(store: Store):
    flaky = FlakyStore(store)
    writer = PendingWriter(flaky, retry_after_s=3600)
    flaky.down = True
    first = ev(0)
    writer.append(first)
    calls = flaky.calls
    flaky.down = False
    quiz = [ev(n, ANSWERED, question_activity(f"q{n}")) for n in range(1, 6)]
    assert writer.append_many(quiz) is False, "queued, not yet written"
    assert writer.events("L1") == [first, *quiz], "progress shows from the queue meanwhile"
    assert flaky.calls == calls, "no time spent on a store known to be down"
    assert writer.flush() == 6, "an explicit flush always tries"
    assert writer.available and store.events("L1") == [first, *quiz]


def test_display_preferences_are_kept_with_the_learner(store):
    learner_id, _ = store.create_learner()
    assert store.preferences(learner_id) == {}
    assert store.set_preferences(learner_id, {"text_size": 150, "high_contrast": True})
    assert store.preferences(learner_id) == {"text_size": 150, "high_contrast": True}
    assert not store.set_preferences("nobody", {"text_size": 125})


def test_cohorts_are_listed_newest_first_and_events_can_be_read_by_period(store):
    first = store.create_cohort("First", "staff", "t")
    second = store.create_cohort("Second", "public", "t")
    assert [c.code for c in store.cohorts()][:2] in ([second, first], [first, second])
    assert {c.name for c in store.cohorts()} >= {"First", "Second"}
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    for n in range(3):
        store.append(
            Event(learner_id=f"p{n}", verb="registered", activity=course_activity(), timestamp=t0 + timedelta(days=n))
        )
    got = store.events_between(t0 + timedelta(days=1), t0 + timedelta(days=2))
    assert [e.learner_id for e in got] == ["p1"]


def _write_from_threads(store: Store, threads: int = 8, rounds: int = 25) -> list[BaseException]:
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def work(t: int) -> None:
        start.wait()
        try:
            for n in range(rounds):
                store.append_many([Event(f"L{t}", ANSWERED, question_activity(f"q{n}-{k}")) for k in range(3)])
        except BaseException as exc:  # reported below: a thread's exception would vanish
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return failures


def test_sqlite_writers_in_one_process_take_turns_instead_of_waiting_in_sqlite(tmp_path, monkeypatch):
    # With no busy wait at all, SQLite turns a second writer away at once. Writers of one
    # process queue on the store's own lock, so none of them ever meets SQLite's busy handler
    # (which sleeps in steps of up to 100 ms while it waits).
    monkeypatch.setattr("course.records.engine.SQLITE_BUSY_TIMEOUT_MS", 0)
    store = open_store(f"sqlite:///{tmp_path / 'course.sqlite'}")
    try:
        assert _write_from_threads(store) == []
        assert sum(len(store.events(f"L{t}")) for t in range(8)) == 8 * 25 * 3
    finally:
        store.close()


def test_a_learners_events_read_by_position_are_the_events_every_other_reader_sees(store: Store):
    # store.events unpacks each row by position (it is read on every script run); the columns
    # are Event's fields in order, and the events equal what the by-name reader makes of them.
    import dataclasses

    from course.records.event_store import EVENT_FIELDS, event_from_row
    from course.records.tables import events_table

    assert tuple(f.name for f in dataclasses.fields(Event)) == EVENT_FIELDS
    store.append(
        Event("L1", ANSWERED, question_activity("q1"), "staff", 2, 0.5, 1.0, True, {"a": 1}, 3.5, "C1", {"k": 2}, T0)
    )
    store.append(ev(1, ANSWERED, question_activity("q2"), response="x"))
    store.append(Event("L2", REGISTERED, course_activity(), timestamp=T0))
    query = sa.select(events_table).where(events_table.c.learner_id == "L1").order_by(events_table.c.seq)
    with store.engine.connect() as conn:
        by_name = [event_from_row(r) for r in conn.execute(query)]
    assert store.events("L1") == by_name and len(by_name) == 2
