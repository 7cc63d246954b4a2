"""The database timeouts are settings: read from the environment or secrets, and a value that
is not a number of seconds is named in the log, never a crash or a silent change."""

from __future__ import annotations

import logging

from course.records import STATEMENT_TIMEOUT_S, Timeouts, open_store


def test_timeouts_come_from_the_settings_reader_and_reach_the_database(tmp_path):
    settings = {"COURSE_DB_CONNECT_TIMEOUT": "4", "COURSE_DB_STATEMENT_TIMEOUT": "1.5"}
    timeouts = Timeouts.from_settings(settings.get)
    assert (timeouts.connect, timeouts.statement) == (4.0, 1.5)
    with open_store(f"sqlite:///{tmp_path / 'course.sqlite'}", timeouts) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1500


def test_a_timeout_that_is_not_a_number_of_seconds_is_logged_and_the_default_used(caplog, monkeypatch):
    monkeypatch.setattr("course.records._LOGGED", set())  # once per process: once per test here
    with caplog.at_level(logging.ERROR, logger="course.records"):
        timeouts = Timeouts.from_settings({"COURSE_DB_STATEMENT_TIMEOUT": "5s", "COURSE_DB_CONNECT_TIMEOUT": "0"}.get)
        Timeouts.from_settings({"COURSE_DB_STATEMENT_TIMEOUT": "5s"}.get)
    assert timeouts.statement == STATEMENT_TIMEOUT_S
    logged = [r.getMessage() for r in caplog.records if r.name == "course.records"]
    assert len([m for m in logged if m.startswith("COURSE_DB_STATEMENT_TIMEOUT '5s'")]) == 1, "logged once"
    assert any(m.startswith("COURSE_DB_CONNECT_TIMEOUT '0' is not a number of seconds") for m in logged)
