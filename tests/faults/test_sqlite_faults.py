"""SQLite faults injected for real: the learner's process survives each one, is told within
a few seconds, and once the fault is mended every answer is on their record exactly once.

Each learner runs in a child process (tests/faults/learner_process.py), because before the
fix a read-only database file killed the whole server with SIGBUS.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from course.records import open_store
from tests.faults.conftest import chattr, fill
from tests.faults.learner_process import LEARNER

pytestmark = pytest.mark.faults

# "Within a few seconds", generously: a notice never waits on a fault's whim.
NOTICE_WITHIN_S = 10


def files(db: Path) -> tuple[Path, Path, Path]:
    return db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")


def on_record(db: Path) -> Counter:
    """How many times each answer is on the learner's record, read afresh from the file."""
    store = open_store(f"sqlite:///{db}")
    try:
        return Counter(e.event_id for e in store.events(LEARNER))
    finally:
        store.close()


def assert_outage(reply: dict) -> None:
    assert reply["ok"] is False or reply.get("saved") is False, reply
    assert reply["seconds"] < NOTICE_WITHIN_S, reply


def test_immutable_database_files_are_an_outage_not_a_crash(tmp_path, learner_process, immutable):
    # chattr +i made BEGIN IMMEDIATE die of SIGBUS in save_draft: WAL's -shm file is
    # memory-mapped, and the kernel refuses writes to an immutable file's pages that way.
    db = tmp_path / "course.sqlite"
    tab = learner_process(f"sqlite:///{db}")
    assert tab.send("answer", id="a1")["saved"] is True
    assert tab.send("draft", item="q1")["ok"]

    immutable(*files(db))
    draft = tab.send("draft", item="q2")
    assert draft["ok"] is False and "read-only" in draft["error"], draft
    assert draft["seconds"] < NOTICE_WITHIN_S
    assert_outage(tab.send("answer", id="a2"))
    assert tab.send("events")["ids"] == ["a2"], "the answer waiting in the tab still shows"

    chattr("-i", *files(db))
    assert tab.send("flush")["pending"] == 0
    assert tab.send("draft", item="q2")["ok"]
    assert tab.close() == 0
    assert on_record(db) == {"a1": 1, "a2": 1}


def test_a_server_stopped_while_its_database_files_are_immutable_exits_cleanly(tmp_path, learner_process, immutable):
    # Closing a WAL connection writes to the -shm file too: the process died of SIGBUS on its
    # way out, after the store had turned every call away.
    db = tmp_path / "course.sqlite"
    tab = learner_process(f"sqlite:///{db}")
    assert tab.send("answer", id="a1")["saved"] is True
    immutable(*files(db))
    assert_outage(tab.send("answer", id="a2"))
    assert tab.close() == 0, "closed and exited without a signal"


def test_a_locked_database_turns_an_answer_away_within_seconds_and_saves_it_later(tmp_path, learner_process):
    # Another process holds the write lock (a stuck tool, a long import). The old 30 s busy
    # timeout kept the learner's click spinning for half a minute.
    db = tmp_path / "course.sqlite"
    tab = learner_process(f"sqlite:///{db}")
    assert tab.send("answer", id="a1")["saved"] is True

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert_outage(tab.send("answer", id="a2"))
        assert tab.send("events")["ids"] == ["a1", "a2"], "reads still work under a write lock"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert tab.send("flush")["pending"] == 0
    assert tab.close() == 0
    assert on_record(db) == {"a1": 1, "a2": 1}


def test_a_full_disk_keeps_answers_in_the_tab_until_there_is_room(small_disk, learner_process):
    db = small_disk / "course.sqlite"
    tab = learner_process(f"sqlite:///{db}")
    assert tab.send("answer", id="a1")["saved"] is True
    with sqlite3.connect(db) as other:  # the log emptied, so the next write needs new space
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = fill(small_disk)

    replies = [tab.send("answer", id=f"a{n}") for n in range(2, 6)]
    assert any(r["saved"] is False for r in replies), "the disk is full: some answer must wait"
    for r in replies:
        assert r["seconds"] < NOTICE_WITHIN_S
    assert tab.send("events")["ids"] == [f"a{n}" for n in range(1, 6)]

    filler.unlink()
    assert tab.send("flush")["pending"] == 0
    assert tab.close() == 0
    assert on_record(db) == {f"a{n}": 1 for n in range(1, 6)}


def test_a_corrupt_page_is_an_outage_and_a_restored_backup_ends_it(tmp_path, learner_process):
    db = tmp_path / "course.sqlite"
    backup = tmp_path / "before.course-backup"
    tab = learner_process(f"sqlite:///{db}")
    assert tab.send("answer", id="a1")["saved"] is True
    assert cli("backup", "--db", f"sqlite:///{db}", "--out", str(backup)) == 0

    with sqlite3.connect(db) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = other.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[0]
        size = other.execute("PRAGMA page_size").fetchone()[0]
    with db.open("r+b") as f:  # garbage over the events table's first page
        f.seek((root - 1) * size)
        f.write(os.urandom(size))
    with sqlite3.connect(db) as other:  # a write elsewhere, so open connections re-read the file
        other.execute("CREATE TABLE fault_probe (x)")

    reply = tab.send("answer", id="a2")
    assert_outage(reply)
    assert tab.send("events")["ids"] == ["a2"]

    assert cli("restore", str(backup), "--db", f"sqlite:///{db}", "--force") == 0
    assert tab.send("flush")["pending"] == 0
    assert tab.close() == 0
    assert on_record(db) == {"a1": 1, "a2": 1}


def test_a_deleted_database_file_is_an_outage_and_restoring_a_backup_ends_it(tmp_path, learner_process):
    # SQLite would go on reading the deleted file (and refuse writes), or make a new empty
    # one; either way the learner's answers would seem saved and be gone.
    db = tmp_path / "course.sqlite"
    backup = tmp_path / "nightly.course-backup"
    tab = learner_process(f"sqlite:///{db}")
    assert tab.send("answer", id="a1")["saved"] is True
    assert cli("backup", "--db", f"sqlite:///{db}", "--out", str(backup)) == 0

    for f in files(db):
        f.unlink(missing_ok=True)
    reply = tab.send("answer", id="a2")
    assert_outage(reply)
    draft = tab.send("draft", item="q1")
    assert draft["ok"] is False and "missing" in draft["error"], draft
    assert not db.exists(), "no empty database was made in its place"

    assert cli("restore", str(backup), "--db", f"sqlite:///{db}") == 0
    assert tab.send("flush")["pending"] == 0
    assert tab.close() == 0
    assert on_record(db) == {"a1": 1, "a2": 1}


def cli(*argv: str) -> int:
    from course.cli import main

    return main(list(argv))
