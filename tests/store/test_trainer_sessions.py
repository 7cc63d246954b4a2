"""Trainer sign-ins as sessions in the database: signing out revokes every copy of the
cookie; a session expires; a new passcode ends the old ones (issue 18, defect 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import records
from course.records import Store, trainer_sessions_table


def later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> None:
    at = records.now() + timedelta(**delta)
    monkeypatch.setattr(records, "now", lambda: at)


def test_a_session_works_until_it_is_ended(store: Store):
    session = store.create_trainer_session("passcode-a", timedelta(hours=12))
    assert store.trainer_session_valid(session, "passcode-a")
    store.end_trainer_session(session)
    assert not store.trainer_session_valid(session, "passcode-a")


def test_a_session_made_under_another_passcode_or_unknown_does_not_work(store: Store):
    session = store.create_trainer_session("passcode-a", timedelta(hours=12))
    assert not store.trainer_session_valid(session, "passcode-b")
    assert not store.trainer_session_valid("x" * 43, "passcode-a")
    assert not store.trainer_session_valid(None, "passcode-a")


def test_a_session_expires_and_expired_ones_are_cleared(store: Store, monkeypatch):
    old = store.create_trainer_session("passcode-a", timedelta(hours=12))
    later(monkeypatch, hours=12, seconds=1)
    assert not store.trainer_session_valid(old, "passcode-a")
    store.create_trainer_session("passcode-a", timedelta(hours=12))
    with store.engine.connect() as conn:
        rows = conn.execute(trainer_sessions_table.select()).fetchall()
    assert len(rows) == 1  # the expired one is gone


def test_the_database_holds_only_a_hash_of_the_session_id(store: Store):
    session = store.create_trainer_session("passcode-a", timedelta(hours=12))
    with store.engine.connect() as conn:
        (row,) = conn.execute(trainer_sessions_table.select()).fetchall()
    assert session not in row.session_hash
