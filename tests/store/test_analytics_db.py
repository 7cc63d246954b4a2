"""The dashboard's database path gives exactly the figures of the pure functions.

`course.analytics` (the pure functions over events, as the dashboard used them before issue 26)
and `course.analytics_db` (aggregates in the database) run on the same stored events, for every
cohort, one cohort and a period, and every figure is compared with ==: facility,
discrimination, option counts, funnel, score distributions, stuck learners, paired change with
its interval, and the suppression of groups under five. The data are the hand-checked cohorts
of tests/unit/test_analytics.py and a random mixture of everything a real log holds (retries,
later sessions, track changes, learners with no registration, pre/post tests, the survey).
Runs on SQLite and on PostgreSQL (tests/store/conftest.py).
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from course import analytics as a
from course import analytics_db as adb
from course.events import ANSWERED, COMPLETED, EXPERIENCED, FAILED, PASSED, REGISTERED, Event
from course.records import open_store
from course.schema import Course
from tests.unit import test_analytics
from tests.unit.test_analytics import ANSWERS, T0, ev, funnel_events, survey_events


@pytest.fixture(scope="module")
def course():
    """The hand-checked small course of tests/unit/test_analytics.py (pre/post tests, survey)."""
    return test_analytics.course.__wrapped__()


COHORTS = ("KX7-P2M", "QQ4-ZT8", None)


def _response(q, rng: random.Random):
    if q.type == "true_false":
        return rng.random() < 0.6
    if q.type == "single":
        return rng.choice([o.id for o in q.options] + [q.answer] * 2)
    ids = [o.id for o in q.options]
    if q.type == "multiple":
        return rng.sample(ids, rng.randint(1, len(ids)))
    return list(q.answer) if rng.random() < 0.4 else rng.sample(ids, len(ids))


def random_log(course: Course, learners: int, seed: int) -> list[Event]:
    """Everything the app writes, mixed: several cohorts and tracks, retries in one and in
    later sessions, fails twice, track changes, no registration, check-ins, ties in time."""
    rng = random.Random(seed)
    s = course.settings
    tracks = [t.id for t in s.tracks]
    out: list[Event] = []
    for n in range(learners):
        lid = f"R{n:03d}"
        cohort = rng.choice(COHORTS)
        track = rng.choice(tracks)
        t = rng.uniform(0, 60 * 24 * 40)  # minutes over 40 days
        kw = {"cohort": cohort}
        used: dict[tuple[str, str], set[int]] = {}  # attempt numbers with a result, per quiz and track

        def add(verb, activity, _kw=kw, _lid=lid, **more):
            nonlocal t
            t += rng.choice((0, 0.5, 3, 30, 600))  # ties happen
            out.append(ev(_lid, t, verb, activity, **_kw, **more))

        if rng.random() < 0.9:
            add(REGISTERED, "course", track=track if rng.random() < 0.95 else "")
        if rng.random() < 0.15:  # changed track later
            track = rng.choice(tracks)
            add(REGISTERED, "course", track=track)
        if rng.random() < 0.5:
            add(
                COMPLETED,
                f"test/{s.pre_test}",
                score=float(rng.randint(0, 1)),
                max_score=1.0,
                track=track,
                context={"test": s.pre_test},
            )
        if rng.random() < 0.6:  # some take it twice: the latest counts
            for _ in range(rng.choice((1, 1, 2))):
                add(
                    COMPLETED,
                    f"test/{s.post_test}",
                    score=float(rng.randint(0, 1)),
                    max_score=1.0,
                    track=track,
                    context={"test": s.post_test},
                )
        if rng.random() < 0.5:
            for _, q in course.quizzes[s.pre_test].items():
                r = _response(q, rng)
                add(
                    ANSWERED,
                    f"question/{q.id}",
                    response=r,
                    score=float(rng.random() < 0.5),
                    max_score=1.0,
                    context={"test": s.pre_test},
                    track=track,
                )
        if rng.random() < 0.4:
            phase_values = {p: [rng.randint(1, 5) for _ in range(3)] for p in ("start", "end")}
            for p in ("start", "end") if rng.random() < 0.8 else ("start",):
                for e in survey_events(lid, 0, p, *phase_values[p]):
                    add(e.verb, e.activity, response=e.response, context=e.context)
        for module in course.track_modules(track):
            for sec in module.sections:
                if rng.random() < 0.8:
                    add(EXPERIENCED, f"section/{module.id}/{sec.id}", track=track if rng.random() < 0.97 else None)
            for attempt in range(rng.choice((0, 1, 1, 2, 3))):
                session_attempt = 1 if rng.random() < 0.3 else attempt + 1  # a later session counts from 1
                # ...but a result is stored once per number (m006): the store gives a taken
                # number's result the learner's next one, with its answers, as the app does.
                taken = used.setdefault((module.quiz, track), set())
                if session_attempt in taken:
                    session_attempt = max(taken) + 1
                taken.add(session_attempt)
                right = 0
                items = [q for _, q in course.quizzes[module.quiz].items(track)]
                for q in items:
                    ok = rng.random() < 0.6
                    right += ok
                    score = float(ok) if rng.random() < 0.9 else None
                    add(
                        ANSWERED,
                        f"question/{q.id}",
                        attempt=session_attempt,
                        response=_response(q, rng),
                        score=score,
                        max_score=1.0 if score is not None else None,
                        success=ok,
                        track=track,
                    )
                verb = PASSED if right * 100 >= 75 * len(items) else FAILED
                add(
                    verb,
                    f"quiz/{module.quiz}",
                    attempt=session_attempt,
                    score=float(right),
                    max_score=float(len(items)) if rng.random() < 0.95 else 0.0,
                    success=verb == PASSED,
                    duration_s=rng.uniform(10, 900),
                    track=track,
                )
        if rng.random() < 0.1:  # an event of a quiz the course no longer has
            add(FAILED, "quiz/retired", score=0.0, max_score=1.0, track=track)
            add(FAILED, "quiz/retired", score=0.0, max_score=1.0, track=track)
    return out


def selections(events: list[Event]) -> list[adb.Selection]:
    mid = T0 + timedelta(days=15)
    return [
        adb.Selection(),
        adb.Selection(cohort="KX7-P2M"),
        adb.Selection(cohort="QQ4-ZT8", since=T0 + timedelta(days=2)),
        adb.Selection(since=mid, until=mid + timedelta(days=12)),
        adb.Selection(cohort="NO-SUCH"),
    ]


def assert_same_figures(course: Course, url: str, events: list[Event]) -> int:
    store = open_store(url)
    store.append_many(events)
    stored = store.events_between()  # the dashboard's old read, oldest first
    compared = 0
    for sel in selections(events):
        old = a.filter_events(stored, sel.cohort, since=sel.since, until=sel.until)
        assert adb.learner_tracks(store, sel) == a.learner_tracks(old)
        for t in course.settings.tracks:
            assert adb.funnel(store, course, sel, t.id) == a.funnel(course, old, t.id)
        quizzes = list(course.quizzes)
        for quiz_id in quizzes:
            for which in ("best", "latest"):
                assert adb.score_distribution(store, sel, quiz_id, which) == a.score_distribution(old, quiz_id, which)
                for t in course.settings.tracks:  # the dashboard's Track filter
                    assert adb.score_distribution(store, sel, quiz_id, which, track=t.id) == a.score_distribution(
                        old, quiz_id, which, track=t.id
                    )
            assert adb.item_analysis(store, course, sel, quiz_id) == a.item_analysis(course, old, quiz_id)
        assert adb.knowledge_gain(store, course, sel) == a.knowledge_gain(course, old)
        assert adb.attitude_change(store, course, sel) == a.attitude_change(course, old)
        for days in (1, 14, 30):
            now = T0 + timedelta(days=45)
            expected = a.stuck_learners(course, old, now, days)
            assert adb.stuck_learners(store, course, sel, now, days) == expected
            # The dashboard's view of it: the count, the first rows shown, the CSV's whole list.
            for shown in (0, 3, 100):
                view = adb.stuck_list(store, course, sel, now, days, shown)
                assert (view.count, view.shown, view.all()) == (len(expected), expected[:shown], expected)
        assert adb.stuck_learners(store, course, sel, now, 14, failed_twice=False) == a.stuck_learners(
            course, old, now, 14, failed_twice=False
        )
        compared += len(old)
    store.close()
    return compared


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_matches_the_pure_functions_on_a_mixed_log(course, db_url, seed):
    events = random_log(course, 160, seed)
    assert assert_same_figures(course, db_url, events) > len(events)  # something was compared


def test_the_hand_checked_cohorts_give_the_same_figures(course, db_url):
    events = funnel_events()
    for n, (learner, answers) in enumerate(ANSWERS.items()):
        for (_, q), (response, right) in zip(course.quizzes["alpha"].items(), answers, strict=True):
            events.append(
                ev(
                    learner,
                    10 + n,
                    ANSWERED,
                    f"question/{q.id}",
                    attempt=1,
                    response=response,
                    score=float(right),
                    max_score=1.0,
                    success=bool(right),
                    track="staff",
                )
            )
    for n in range(5):
        events += survey_events(f"A{n}", 0, "start", 2, 4, 3) + survey_events(f"A{n}", 60, "end", 4, 2, 3 + n % 2)
    assert_same_figures(course, db_url, events)


def test_groups_under_five_are_suppressed_the_same_way(course, db_url):
    four = [e for e in funnel_events() if e.learner_id in ("F0", "F1", "F2", "F3")]
    store = open_store(db_url)
    store.append_many(four)
    for step in adb.funnel(store, course, adb.Selection(), "staff"):
        assert step.suppressed == a.SUPPRESSED_REASON and step.learners is None
    assert adb.score_distribution(store, adb.Selection(), "alpha").suppressed == a.SUPPRESSED_REASON
    assert assert_same_figures(course, db_url, []) > 0


def test_exports_stream_the_same_records_and_their_size_is_told_first(course, db_url):
    import csv
    import io
    import json

    from course import xapi

    events = random_log(course, 40, 9)
    store = open_store(db_url)
    store.append_many(events)
    sel = adb.Selection(cohort="KX7-P2M")
    stored = store.events_for_cohort("KX7-P2M")
    base = "https://course.example.org"
    chunks = list(adb.xapi_chunks(store, sel, base, course, per_chunk=7))
    assert len(chunks) > 3  # it came in pieces
    assert "".join(chunks) == json.dumps(xapi.statements(stored, base, course), indent=2)
    rows = list(csv.DictReader(io.StringIO("".join(adb.events_csv_chunks(store, sel, rows_per_chunk=5)))))
    assert [r["event_id"] for r in rows] == [e.event_id for e in stored]
    assert rows[0]["learner_id"] == stored[0].learner_id
    sizes = adb.export_sizes(store, sel, base, course, sample=10)
    assert sizes.events == len(stored)
    xapi_bytes = len("".join(chunks).encode())
    assert 0.5 * xapi_bytes < sizes.xapi_bytes < 1.5 * xapi_bytes
    csv_bytes = len("".join(adb.events_csv_chunks(store, sel)).encode())
    assert 0.5 * csv_bytes < sizes.csv_bytes < 1.5 * csv_bytes
    empty = adb.Selection(cohort="NO-SUCH")
    assert "".join(adb.xapi_chunks(store, empty, base, course)) == "[]"
    assert adb.export_sizes(store, empty, base, course).events == 0


def test_the_newest_event_number_moves_with_every_new_event(course, db_url):
    store = open_store(db_url)
    assert adb.newest(store).seq == 0 and adb.newest(store).timestamp is None
    store.append_many(funnel_events())
    before = adb.newest(store)
    store.append(ev("late", 1, REGISTERED, "course", track="staff"))
    after = adb.newest(store)
    assert after.seq > before.seq and after.timestamp == T0 + timedelta(minutes=1)


def test_item_statistics_are_those_of_the_original_per_question_sums(course):
    # item_stats works out each learner's rest-of-attempt score once; the code before issue 26
    # summed the other answers again for every question. Both, on fractional scores too.
    events = random_log(course, 120, 5)
    for n, e in enumerate(events):
        if e.verb == ANSWERED and e.score is not None and n % 3 == 0:
            events[n] = Event(**{**e.__dict__, "score": 1 / 3, "max_score": 1.0})
    for quiz_id in course.quizzes:
        answers = a.first_attempt_answers(course, events, quiz_id)
        for stats in a.item_analysis(course, events, quiz_id):
            takers = [lid for lid, given in answers.items() if stats.question_id in given]
            if stats.suppressed:
                continue
            item = [a._item_score(answers[lid][stats.question_id]) for lid in takers]
            rest = [
                sum(a._item_score(e) for qid, e in answers[lid].items() if qid != stats.question_id) for lid in takers
            ]
            assert stats.facility == sum(item) / len(item)
            assert stats.discrimination == a.pearson(item, rest)


def scenario_and_refresher_log(course: Course, learners: int, seed: int) -> list[Event]:
    """Scenario choices and endings, inline-check answers (right and wrong, retried), refresher
    sets and answers, amid quiz answers that look alike but must not count, and activities the
    course does not know (an old scenario step, a retired check)."""
    rng = random.Random(seed)
    out: list[Event] = []
    scenarios = list(course.scenarios.values())
    checks = [(m.id, c.id) for m in course.modules for s in m.sections for c in s.checks]
    questions = [(m.id, q.id) for m in course.modules for _, q in course.quizzes[m.quiz].items()]
    for n in range(learners):
        lid, t = f"S{n:03d}", rng.uniform(0, 60 * 24 * 60)  # minutes over 60 days: two months
        kw = {"cohort": rng.choice(COHORTS), "track": "staff"}

        def add(verb, activity, _kw=kw, _lid=lid, **more):
            nonlocal t
            t += rng.choice((0, 1, 20, 600))
            out.append(ev(_lid, t, verb, activity, **_kw, **more))

        for sc in rng.sample(scenarios, rng.randint(0, len(scenarios))):
            for step in rng.sample(sc.steps, rng.randint(1, len(sc.steps))):
                add(ANSWERED, f"scenario-step/{sc.id}/{step.id}", response=rng.choice(step.choices).id)
            if rng.random() < 0.7:
                add(COMPLETED, f"scenario/{sc.id}", context={"ending": rng.choice(sc.endings).id})
        add(ANSWERED, "scenario-step/retired/s1", response="a")
        for module_id, check_id in rng.sample(checks, rng.randint(0, len(checks))):
            for _ in range(rng.choice((1, 1, 2))):
                add(ANSWERED, f"check/{module_id}/{check_id}", response="a", success=rng.random() < 0.6)
        for set_no in range(rng.choice((0, 1, 2, 3))):
            for module_id, qid in rng.sample(questions, 5):
                ok = rng.random() < 0.7
                add(
                    ANSWERED,
                    f"question/{qid}",
                    score=float(ok),
                    max_score=1.0,
                    success=ok,
                    context={"refresher": set_no + 1, "module": module_id},
                )
            add(COMPLETED, "refresher", attempt=set_no + 1, score=4.0, max_score=5.0, success=True)
        module_id, qid = rng.choice(questions)
        add(ANSWERED, f"question/{qid}", attempt=1, score=1.0, max_score=1.0, success=True)  # a quiz answer
        add(ANSWERED, f"question/{qid}", score=1.0, max_score=1.0, context={"note": "refresher"})  # not one
    return out


def test_scenario_check_and_refresher_figures_read_only_their_events_and_match(real_course, db_url):
    from course import refresh
    from course.scenario_analytics import all_scenario_paths, check_stats

    events = scenario_and_refresher_log(real_course, 60, 4)
    store = open_store(db_url)
    store.append_many(events)
    stored = store.events_between()
    for sel in selections(events):
        old = a.filter_events(stored, sel.cohort, since=sel.since, until=sel.until)
        few = adb.scenario_events(store, real_course, sel)
        assert len(few) < len(old) or not old
        assert all_scenario_paths(real_course, few) == all_scenario_paths(real_course, old)
        assert check_stats(real_course, few) == check_stats(real_course, old)
        refreshers = adb.refresher_events(store, real_course, sel)
        assert refresh.activity(refreshers) == refresh.activity(old)
        assert refresh.retention(real_course, refreshers) == refresh.retention(real_course, old)
    everyone = adb.Selection()
    assert any(
        p.endings.learners for p in all_scenario_paths(real_course, adb.scenario_events(store, real_course, everyone))
    )
    assert any(r.learners for r in refresh.retention(real_course, adb.refresher_events(store, real_course, everyone)))


def _summary_rows(store) -> list[tuple]:
    import sqlalchemy as sa

    from course.records.tables import quiz_first_table as t

    rows = store.query_rows(sa.select(t).order_by(t.c.learner_id, t.c.quiz_id))
    return [tuple(r) for r in rows]


def test_the_summary_kept_as_events_arrive_equals_a_rebuild_from_the_events(course, db_url):
    # The derived item-analysis summary: appends in random batches (later events before
    # earlier ones too, as a tab that was offline sends them), reads in between (each brings
    # the marked learners' rows up to date), learners erased. It must hold exactly what a
    # rebuild from the remaining events gives, and the figures must still match.
    from course import analytics_summary as summary

    rng = random.Random(26)
    events = random_log(course, 120, 7)
    rng.shuffle(events)
    store = open_store(db_url)
    summary.refresh(store, course)  # built (empty) before any event: kept from then on
    erased: set[str] = set()
    start = 0
    while start < len(events):
        size = rng.choice((1, 3, 40, 250))
        store.append_many(events[start : start + size])
        erased -= {e.learner_id for e in events[start : start + size]}  # back with new events
        start += size
        if rng.random() < 0.3:
            summary.refresh(store, course)
        if rng.random() < 0.15:
            learner = rng.choice(events[:start]).learner_id
            store.delete_learner(learner)
            erased.add(learner)
    summary.refresh(store, course)
    victim = _summary_rows(store)[0][0]
    store.delete_learner(victim)  # their rows go in the same transaction as their events
    erased.add(victim)
    assert victim not in {r[0] for r in _summary_rows(store)}
    late = next(e for e in reversed(events) if e.verb == ANSWERED and e.learner_id not in erased)
    store.append(Event(**{**late.__dict__, "event_id": "late-answer", "timestamp": late.timestamp + timedelta(days=1)}))
    assert store.summary_pending()  # the last appends are not worked in yet...
    summary.refresh(store, course)
    assert not store.summary_pending()  # ...until a read
    kept = _summary_rows(store)
    assert not {r[0] for r in kept} & erased  # an erased learner has no rows left
    assert summary.rebuild(store, course) == len(kept)
    assert _summary_rows(store) == kept
    stored = store.events_between()
    for sel in selections(stored):
        old = a.filter_events(stored, sel.cohort, since=sel.since, until=sel.until)
        for quiz_id in course.quizzes:
            assert adb.item_analysis(store, course, sel, quiz_id) == a.item_analysis(course, old, quiz_id)
    store.close()


def test_the_summary_follows_the_course_content(course, db_url):
    # Built for other content (a question moved to another quiz): the next read rebuilds it.
    from course import analytics_summary as summary

    store = open_store(db_url)
    store.append_many(random_log(course, 30, 3))
    summary.refresh(store, course)
    store.summary_rebuild("built for another course version", summary._compute(summary.quiz_map(course)))
    assert store.summary_fingerprint() != summary.quiz_map(course).fingerprint
    sel = adb.Selection()
    stored = store.events_between()
    for quiz_id in course.quizzes:
        assert adb.item_analysis(store, course, sel, quiz_id) == a.item_analysis(course, stored, quiz_id)
    assert store.summary_fingerprint() == summary.quiz_map(course).fingerprint
    store.close()


def test_a_rebuilt_summary_is_ready_to_read_statistics_and_all(course, db_url):
    # A rebuild writes every row anew; the planner's statistics for both summaries are taken
    # at once and, on PostgreSQL, the tables vacuumed, so the first dashboard after a rebuild
    # does not pay for that (docs/performance.md, issue 26).
    import sqlalchemy as sa

    from course import analytics_learners, analytics_summary

    store = open_store(db_url)
    store.append_many(random_log(course, 30, 4))
    analytics_summary.rebuild(store, course)
    analytics_learners.rebuild(store)
    tables = ("analytics_quiz_first", "analytics_learner")
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            stats = {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
            assert set(tables) <= stats
        else:
            done = conn.execute(
                sa.text(
                    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                    " AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
                )
            )
            assert set(tables) <= {r[0] for r in done}
            # the connection the VACUUM used went back to the pool with its usual limit
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() != "0"
    store.close()


def test_the_rebuild_command_builds_the_summary_from_the_events(real_course, db_url, capsys):
    # `python -m course analytics-rebuild --db URL`: after an upgrade, so no trainer waits.
    from course import analytics_summary as summary
    from course.cli import main

    store = open_store(db_url)
    quiz = real_course.module(real_course.track("staff").modules[0]).quiz
    for n in range(6):
        for _, q in real_course.quizzes[quiz].items("staff"):
            store.append(
                ev(f"C{n}", n, ANSWERED, f"question/{q.id}", attempt=1, score=1.0, max_score=1.0, track="staff")
            )
    assert store.summary_fingerprint() is None and len(store.summary_pending()) == 6
    assert main(["analytics-rebuild", "--db", db_url]) == 0
    assert "rebuilt the dashboard summary: 6 learner-and-quiz rows" in capsys.readouterr().out
    assert store.summary_fingerprint() == summary.quiz_map(real_course).fingerprint
    assert not store.summary_pending()
    store.close()


def _learner_rows(store) -> list[tuple]:
    import sqlalchemy as sa

    from course.records.tables import learner_summary_table as t

    return [tuple(r) for r in store.query_rows(sa.select(t).order_by(t.c.learner_id))]


def _per_learner_figures_match(course: Course, store, stored: list[Event]) -> None:
    """Every figure read from the per-learner summary equals the pure functions' on `stored`."""
    now = T0 + timedelta(days=45)
    for sel in selections(stored):
        old = a.filter_events(stored, sel.cohort, since=sel.since, until=sel.until)
        assert adb.learner_tracks(store, sel) == a.learner_tracks(old)
        assert adb.last_activity(store, sel) == {
            e.learner_id: max(x.timestamp for x in old if x.learner_id == e.learner_id) for e in old
        }
        assert adb.event_count(store, sel) == len(old)
        for t in course.settings.tracks:
            assert adb.funnel(store, course, sel, t.id) == a.funnel(course, old, t.id)
        for quiz_id in course.quizzes:
            for which in ("best", "latest"):
                assert adb.score_distribution(store, sel, quiz_id, which) == a.score_distribution(old, quiz_id, which)
        for days in (1, 14):
            assert adb.stuck_learners(store, course, sel, now, days) == a.stuck_learners(course, old, now, days)


def test_the_learner_summary_kept_as_events_arrive_equals_a_rebuild_from_the_events(course, db_url):
    # The derived per-learner summary (m012): every learner's events appended in random
    # batches and order (a tab that was offline sends older events late), reads in between,
    # learners erased, some learners' later events made in another cohort (a learner who
    # moved). It must hold exactly what a rebuild from the remaining events gives, and every
    # figure it serves must equal the pure functions' on those events, for every selection.
    from course import analytics_learners as summary
    from course.records.summary import PER_LEARNER

    rng = random.Random(12)
    events = random_log(course, 120, 5)
    moved = {e.learner_id for e in events if rng.random() < 0.02}
    events = [
        Event(**{**e.__dict__, "cohort": "ZZ9-MOV"}) if e.learner_id in moved and rng.random() < 0.5 else e
        for e in events
    ]
    rng.shuffle(events)
    store = open_store(db_url)
    summary.refresh(store)  # built (empty) before any event: kept from then on
    erased: set[str] = set()
    start = 0
    while start < len(events):
        size = rng.choice((1, 3, 40, 250))
        store.append_many(events[start : start + size])
        erased -= {e.learner_id for e in events[start : start + size]}
        start += size
        if rng.random() < 0.3:
            summary.refresh(store)
        if rng.random() < 0.15:
            learner = rng.choice(events[:start]).learner_id
            store.delete_learner(learner)
            erased.add(learner)
    summary.refresh(store)
    victim = _learner_rows(store)[0][0]
    store.delete_learner(victim)  # their row goes in the same transaction as their events
    erased.add(victim)
    assert victim not in {r[0] for r in _learner_rows(store)}
    late = next(e for e in reversed(events) if e.learner_id not in erased)
    store.append(Event(**{**late.__dict__, "event_id": "late-one", "timestamp": late.timestamp - timedelta(days=3)}))
    assert store.summary_pending(PER_LEARNER)  # the last appends are not worked in yet...
    summary.refresh(store)
    assert not store.summary_pending(PER_LEARNER)  # ...until a read
    kept = _learner_rows(store)
    assert not {r[0] for r in kept} & erased
    assert any(r[4] for r in kept), "a learner who moved cohort has a row marked mixed"
    assert summary.rebuild(store) == len(kept)
    assert _learner_rows(store) == kept
    _per_learner_figures_match(course, store, store.events_between())
    store.close()


def test_the_per_learner_figures_are_read_when_the_summary_was_never_built(course, db_url):
    # Just after the upgrade to m012 the summary is empty and unbuilt: the first read builds it
    # from the events (a new event after that is worked in by the next read).
    from course.records.summary import PER_LEARNER

    store = open_store(db_url)
    events = random_log(course, 40, 9)
    store.append_many(events)
    assert store.summary_fingerprint(PER_LEARNER) is None and not _learner_rows(store)
    _per_learner_figures_match(course, store, store.events_between())
    assert len(_learner_rows(store)) == len({e.learner_id for e in events})
    extra = ev("NEW1", 2000, REGISTERED, "course", track=course.settings.tracks[0].id)
    store.append(extra)
    _per_learner_figures_match(course, store, store.events_between())
    store.close()


def test_the_rebuild_command_builds_the_learner_summary_too(real_course, db_url, capsys):
    from course.cli import main
    from course.records.summary import PER_LEARNER

    store = open_store(db_url)
    for n in range(4):
        store.append(ev(f"C{n}", n, REGISTERED, "course", track="staff"))
    assert len(store.summary_pending(PER_LEARNER)) == 4
    assert main(["analytics-rebuild", "--db", db_url]) == 0
    assert "and 4 learner rows" in capsys.readouterr().out
    assert not store.summary_pending(PER_LEARNER) and len(_learner_rows(store)) == 4
    store.close()
