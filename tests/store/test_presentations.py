"""Presenter-mode rooms and room polls, on SQLite and on PostgreSQL.

A room code works until the presenter ends it or it expires; a poll takes one answer per
participant (answering again replaces it) and is read back only as counts per option.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from course import records
from course.records import UNAMBIGUOUS, Poll, Presentation, RoomEnded, Store, poll_answers_table

CODE = re.compile(rf"^[{UNAMBIGUOUS}]{{3}}-[{UNAMBIGUOUS}]{{3}}$")


def later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> None:
    """Move the store's clock forward, as if that much time had passed."""
    start = records.now()
    monkeypatch.setattr(records.clock, "now", lambda: start + timedelta(**delta))


# --------------------------------------------------------------------------- rooms


def test_a_new_room_has_a_short_unambiguous_code_and_starts_on_slide_one(store: Store):
    code = store.start_presentation("history", "public", created_by="trainer@example.org")
    assert CODE.match(code), code
    room = store.presentation(code)
    assert isinstance(room, Presentation)
    assert (room.code, room.module_id, room.audience, room.slide) == (code, "history", "public", 1)
    assert room.created_by == "trainer@example.org"
    assert room.ended_at is None
    assert timedelta(hours=11, minutes=59) < room.expires_at - room.started_at <= timedelta(hours=12)


def test_room_codes_differ_and_are_found_however_they_are_typed(store: Store):
    codes = {store.start_presentation("history", "public", "t") for _ in range(20)}
    assert len(codes) == 20
    code = next(iter(codes))
    typed = code.lower().replace("-", " ")
    assert store.presentation(typed).code == code
    assert store.presentation(code.replace("-", "")).code == code


@pytest.mark.parametrize("bad", [None, "", "nope", "QX4-7KO", "A" * 500, 42, "QX4-7KD; DROP TABLE polls"])
def test_an_unknown_or_malformed_room_code_finds_nothing_and_does_not_raise(store: Store, bad):
    assert store.presentation(bad) is None
    assert store.current_poll(bad) is None
    assert store.set_slide(bad, 2) is False
    assert store.end_presentation(bad) is False


def test_the_audience_and_ttl_are_checked(store: Store):
    with pytest.raises(ValueError):
        store.start_presentation("history", "everyone", "t")
    with pytest.raises(ValueError):
        store.start_presentation("history", "public", "t", ttl_hours=0)


def test_moving_the_slide_is_what_every_reader_of_the_room_sees(store: Store, db_url: str):
    code = store.start_presentation("safety", "staff", "t")
    assert store.set_slide(code, 3) is True
    other = records.open_store(db_url)  # another process (a projector on another server) reads it too
    try:
        assert other.presentation(code).slide == 3
    finally:
        other.close()
    with pytest.raises(ValueError):
        store.set_slide(code, 0)


def test_an_ended_room_stops_working_at_once_and_closes_its_poll(store: Store):
    code = store.start_presentation("history", "public", "t")
    poll_id = store.open_poll(code, "q1")
    assert store.end_presentation(code) is True
    assert store.presentation(code) is None
    assert store.current_poll(code) is None
    assert store.set_slide(code, 2) is False
    assert store.answer_poll(poll_id, secrets.token_urlsafe(16), "a") is False
    assert store.poll(poll_id).closed_at is not None
    with pytest.raises(RoomEnded):
        store.open_poll(code, "q2")
    assert store.end_presentation(code) is False, "ending twice changes nothing"


def test_a_room_expires_after_its_time_to_live(store: Store, monkeypatch):
    code = store.start_presentation("history", "public", "t", ttl_hours=12)
    poll_id = store.open_poll(code, "q1")
    later(monkeypatch, hours=11, minutes=59)
    assert store.presentation(code) is not None
    later(monkeypatch, hours=12, seconds=1)
    assert store.presentation(code) is None
    assert store.current_poll(code) is None
    assert store.set_slide(code, 2) is False
    assert store.answer_poll(poll_id, "p1", "a") is False
    with pytest.raises(RoomEnded):
        store.open_poll(code, "q2")


# --------------------------------------------------------------------------- polls


def test_a_poll_counts_one_answer_per_participant_and_a_changed_answer_replaces_theirs(store: Store):
    code = store.start_presentation("history", "public", "t")
    poll_id = store.open_poll(code, "ketamine-origin")
    people = [secrets.token_urlsafe(16) for _ in range(5)]
    for person, choice in zip(people, ["a", "a", "b", "c", "a"], strict=True):
        assert store.answer_poll(poll_id, person, choice) is True
    assert store.poll_tally(poll_id) == {"a": 3, "b": 1, "c": 1}
    assert store.answer_poll(poll_id, people[0], "b") is True  # changes their mind
    assert store.answer_poll(poll_id, people[0], "b") is True  # and presses again
    assert store.poll_tally(poll_id) == {"a": 2, "b": 2, "c": 1}
    assert sum(store.poll_tally(poll_id).values()) == len(people)


def test_the_open_poll_is_the_rooms_current_poll_until_it_closes(store: Store):
    code = store.start_presentation("history", "public", "t")
    assert store.current_poll(code) is None
    poll_id = store.open_poll(code, "q1")
    current = store.current_poll(code)
    assert isinstance(current, Poll)
    assert (current.poll_id, current.code, current.question_id, current.revealed) == (poll_id, code, "q1", False)
    assert current.is_open
    assert store.close_poll(poll_id) is True
    assert store.current_poll(code) is None
    assert store.close_poll(poll_id) is False


def test_results_are_shown_only_once_revealed(store: Store):
    code = store.start_presentation("history", "public", "t")
    poll_id = store.open_poll(code, "q1")
    assert store.current_poll(code).revealed is False
    assert store.reveal_poll(poll_id) is True
    assert store.current_poll(code).revealed is True
    store.close_poll(poll_id)
    assert store.reveal_poll(poll_id) is False, "a closed poll stays as it was"


def test_a_closed_poll_takes_no_more_answers_and_keeps_its_tally(store: Store):
    code = store.start_presentation("history", "public", "t")
    poll_id = store.open_poll(code, "q1")
    store.answer_poll(poll_id, "p1", "a")
    store.close_poll(poll_id)
    assert store.answer_poll(poll_id, "p2", "b") is False
    assert store.answer_poll(poll_id, "p1", "b") is False
    assert store.poll_tally(poll_id) == {"a": 1}


def test_opening_a_new_poll_closes_the_one_before(store: Store):
    code = store.start_presentation("history", "public", "t")
    first = store.open_poll(code, "q1")
    second = store.open_poll(code, "q2")
    assert store.current_poll(code).poll_id == second
    assert store.poll(first).closed_at is not None
    assert store.answer_poll(first, "p1", "a") is False
    assert store.answer_poll(second, "p1", "a") is True


def test_polls_of_different_rooms_do_not_mix(store: Store):
    a = store.start_presentation("history", "public", "t")
    b = store.start_presentation("safety", "staff", "t")
    poll_a, poll_b = store.open_poll(a, "q1"), store.open_poll(b, "q1")
    store.answer_poll(poll_a, "p1", "x")
    store.answer_poll(poll_b, "p1", "y")
    assert store.poll_tally(poll_a) == {"x": 1}
    assert store.poll_tally(poll_b) == {"y": 1}
    store.end_presentation(a)
    assert store.poll_tally(poll_a) == {}, "an ended room's answers are deleted"
    assert store.poll_tally(poll_b) == {"y": 1}
    assert store.current_poll(b).poll_id == poll_b


def test_an_unknown_poll_takes_no_answers(store: Store):
    assert store.answer_poll("no-such-poll", "p1", "a") is False
    assert store.poll("no-such-poll") is None
    assert store.poll_tally("no-such-poll") == {}
    assert store.reveal_poll("no-such-poll") is False
    assert store.close_poll("no-such-poll") is False


def test_an_overlong_participant_token_or_option_is_refused_the_same_way_on_every_database(store: Store):
    code = store.start_presentation("history", "public", "t")
    poll_id = store.open_poll(code, "q1")
    with pytest.raises(ValueError):
        store.answer_poll(poll_id, "p" * 65, "a")
    with pytest.raises(ValueError):
        store.answer_poll(poll_id, "p1", "o" * 129)
    with pytest.raises(ValueError):
        store.answer_poll(poll_id, "", "a")


def test_a_room_answering_at_once_counts_every_participant_exactly_once(store: Store, db_url: str):
    code = store.start_presentation("history", "public", "t")
    poll_id = store.open_poll(code, "q1")
    people = [secrets.token_urlsafe(16) for _ in range(24)]
    errors: list[BaseException] = []

    def phone(person: str, n: int) -> None:
        s = records.open_store(db_url)
        try:
            for choice in ("a", "b" if n % 2 else "a"):  # half of them change their answer
                assert s.answer_poll(poll_id, person, choice)
        except BaseException as exc:  # surfaced below: a thread's assert would vanish
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=phone, args=(p, n)) for n, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert store.poll_tally(poll_id) == {"a": 12, "b": 12}


def test_poll_answers_hold_a_random_token_and_nothing_that_names_a_person(store: Store):
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("poll_answers")}
    assert columns == {"poll_id", "participant", "option_id", "answered_at"}
    assert set(poll_answers_table.columns.keys()) == columns


def answer_rows(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(poll_answers_table.c.poll_id, poll_answers_table.c.participant))
        return sorted((r.poll_id, r.participant) for r in rows)


def test_ending_a_room_deletes_its_answers_and_leaves_other_rooms_alone(store: Store):
    ended, live = (store.start_presentation("history", "public", "t") for _ in range(2))
    first = store.open_poll(ended, "q1")
    store.answer_poll(first, "p1", "a")
    second = store.open_poll(ended, "q2")  # closes q1, which keeps its answer until the room ends
    store.answer_poll(second, "p1", "b")
    other = store.open_poll(live, "q1")
    store.answer_poll(other, "p2", "a")
    assert len(answer_rows(store)) == 3
    store.end_presentation(ended)
    assert answer_rows(store) == [(other, "p2")]
    assert store.poll_tally(other) == {"a": 1}


def test_answers_of_a_room_left_to_expire_are_deleted_when_the_next_room_starts(store: Store, monkeypatch):
    code = store.start_presentation("history", "public", "t", ttl_hours=1)
    poll_id = store.open_poll(code, "q1")
    store.answer_poll(poll_id, "p1", "a")
    later(monkeypatch, minutes=59)
    store.start_presentation("history", "public", "t")
    assert answer_rows(store) == [(poll_id, "p1")], "a live room keeps its answers"
    later(monkeypatch, hours=1, seconds=1)
    store.start_presentation("history", "public", "t")
    assert answer_rows(store) == []
    assert store.purge_finished_rooms() == 0
