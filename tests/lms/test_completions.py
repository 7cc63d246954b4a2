"""Completions for spreadsheet imports (issue 20): one row per learner and module, and per
learner who completed the course, with the documented columns, UTF-8 with a header."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from course.cli import main
from course.events import FAILED, PASSED, REGISTERED, Event, scenario_completed
from course.lms.completions import COLUMNS, rows, to_csv
from course.records import CertificateRecord

DAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _quiz(learner, module, passed, score, attempt, when, track="staff"):
    return Event(
        learner_id=learner,
        verb=PASSED if passed else FAILED,
        activity=f"quiz/{module}",
        track=track,
        attempt=attempt,
        score=score,
        max_score=10,
        success=passed,
        timestamp=when,
    )


def _cohort(store, real_course):
    code = store.create_cohort("Northside clinic, November", "staff", "trainer")
    ana, _ = store.create_learner("Ana Lúcia Ñúñez")
    ben, _ = store.create_learner(None)
    for lid in (ana, ben):
        store.join_cohort(lid, code)
        store.append(Event(learner_id=lid, verb=REGISTERED, activity="course", track="staff", timestamp=DAY))
    modules = real_course.track("staff").modules
    # Ana: fails history once, then passes every module; she has a certificate
    events = [_quiz(ana, real_course.module(modules[0]).quiz, False, 5, 1, DAY)]
    for n, m in enumerate(modules):
        events.append(
            _quiz(ana, real_course.module(m).quiz, True, 9 if n else 8, 2 if n == 0 else 1, DAY + timedelta(days=n + 1))
        )
    # ... and, as the staff track's completion rule asks, plays every staff scenario to an ending
    for scenario in real_course.scenarios.values():
        if "staff" in scenario.tracks:
            ending = scenario.endings[0]
            done = scenario_completed(scenario.id, scenario.module, ending.id, ending.rating, [], "staff")
            events.append(Event(learner_id=ana, **done, timestamp=DAY + timedelta(days=1)))
    # Ben: failed the first module only
    events.append(_quiz(ben, real_course.module(modules[0]).quiz, False, 4, 1, DAY + timedelta(days=3)))
    store.append_many(events)
    store.add_certificate(
        CertificateRecord(
            "KC-ABC-234", ana, "Ana Lúcia Ñúñez", "Ketamine", "0.1.0", DAY + timedelta(days=20), 88.0, "sig"
        )
    )
    return code, ana, ben, modules


def test_one_row_per_learner_and_module_and_one_for_the_course(store, real_course):
    code, ana, ben, modules = _cohort(store, real_course)
    found = rows(store, real_course, code, date(2026, 11, 1))
    ana_rows = [r for r in found if r.learner_id == ana]
    assert [r.item for r in ana_rows] == [*modules, "course"]
    first = ana_rows[0]
    assert (first.result, first.score_percent, first.completion_date) == (
        "pass",
        80.0,
        (DAY + timedelta(days=1)).date(),
    )
    course_row = ana_rows[-1]
    assert (course_row.result, course_row.certificate_id, course_row.score_percent) == ("pass", "KC-ABC-234", 88.0)
    assert course_row.course_code == "ketamine-therapy-staff"
    ben_rows = [r for r in found if r.learner_id == ben]
    assert [(r.item, r.result, r.score_percent) for r in ben_rows] == [(modules[0], "fail", 40.0)]


def test_since_leaves_out_earlier_attempts(store, real_course):
    code, ana, ben, modules = _cohort(store, real_course)
    found = rows(store, real_course, code, (DAY + timedelta(days=4)).date())
    assert all(r.completion_date >= (DAY + timedelta(days=4)).date() for r in found)
    assert ben not in {r.learner_id for r in found}


def test_the_csv_is_utf8_with_the_documented_header(store, real_course, tmp_path, monkeypatch, capsys):
    code, ana, _, _ = _cohort(store, real_course)
    text = to_csv(rows(store, real_course, code, date(2026, 1, 1)))
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == COLUMNS
    assert any(row[2] == "Ana Lúcia Ñúñez" for row in table[1:])
    out = tmp_path / "c.csv"
    assert (
        main(["completions", "--cohort", code.lower(), "--since", "2026-01-01", "--out", str(out), "--db", store.url])
        == 0
    )
    assert out.read_bytes().decode("utf-8") == text


def test_bad_options_get_a_clear_message(store, capsys):
    assert main(["completions", "--cohort", "KX7-P2M", "--since", "31/01/2026", "--db", store.url]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["completions", "--cohort", "nonsense!", "--since", "2026-01-01", "--db", store.url]) == 2
    assert "not a cohort code" in capsys.readouterr().err
    assert main(["completions", "--cohort", "KX7-P2M", "--since", "2026-01-01", "--db", store.url]) == 2
    assert "no cohort with the code" in capsys.readouterr().err
