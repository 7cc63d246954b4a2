"""`python -m course backup` and `restore`: a backup taken while learners write holds every
event committed before it began, and restore refuses what would lose records."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from course.backup import pg_tool
from course.cli import main
from course.devserver import free_port
from course.events import ANSWERED, Event
from course.records import open_store
from tests.faults.conftest import cannot

pytestmark = pytest.mark.faults

BATCH = 5


def batch(writer: int, n: int) -> list[Event]:
    return [Event(f"L{writer}", ANSWERED, f"question/q{k}", event_id=f"w{writer}-b{n}-e{k}") for k in range(BATCH)]


def test_a_backup_taken_mid_load_restores_every_event_committed_before_it_began(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    store = open_store(url)
    committed: list[str] = []  # batch ids, appended after their transaction committed
    stop = threading.Event()

    def write(w: int) -> None:
        n = 0
        while not stop.is_set():
            store.append_many(batch(w, n))
            committed.append(f"w{w}-b{n}")
            n += 1

    writers = [threading.Thread(target=write, args=(w,)) for w in range(3)]
    for t in writers:
        t.start()
    try:
        while len(committed) < 60:  # under way
            stop.wait(0.01)
        before = set(committed)  # everything here was committed before the backup began
        out = tmp_path / "mid-load.course-backup"
        assert main(["backup", "--db", url, "--out", str(out)]) == 0
        during = len(committed)
    finally:
        stop.set()
        for t in writers:
            t.join()
        store.close()
    assert during > len(before), "the writers went on during the backup"
    assert "backed up" in capsys.readouterr().out

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    assert main(["restore", str(out), "--db", restored_url]) == 0
    restored = open_store(restored_url)
    try:
        ids = Counter(e.event_id.rsplit("-e", 1)[0] for w in range(3) for e in restored.events(f"L{w}"))
    finally:
        restored.close()
    assert before <= set(ids), f"missing: {sorted(before - set(ids))[:5]}"
    assert set(ids.values()) == {BATCH}, "each batch whole, each event once"


def test_restore_will_not_replace_a_store_that_holds_records_without_force(tmp_path, capsys):
    source, target = f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"
    for url, writer in ((source, 1), (target, 2)):
        with open_store(url) as s:
            s.append_many(batch(writer, 0))
    out = tmp_path / "a.course-backup"
    assert main(["backup", "--db", source, "--out", str(out)]) == 0

    assert main(["restore", str(out), "--db", target]) == 2
    err = capsys.readouterr().err
    assert f"holds {BATCH} events" in err and "--force" in err
    with open_store(target) as s:
        assert len(s.events("L2")) == BATCH and s.events("L1") == [], "nothing changed"

    assert main(["restore", str(out), "--db", target, "--force"]) == 0
    with open_store(target) as s:
        assert len(s.events("L1")) == BATCH and s.events("L2") == []


def test_restore_checks_the_file_is_a_course_backup(tmp_path, capsys):
    target = f"sqlite:///{tmp_path / 'new.sqlite'}"
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    for path, says in ((text, "not a SQLite database"), (other, "is not a course backup: it has no events")):
        assert main(["restore", str(path), "--db", target]) == 2
        assert says in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.course-backup"), "--db", target]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "new.sqlite").exists(), "a refused restore makes nothing"


def test_a_backup_never_replaces_a_file(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    open_store(url).close()
    out = tmp_path / "kept.course-backup"
    out.write_text("an earlier backup")
    assert main(["backup", "--db", url, "--out", str(out)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert out.read_text() == "an earlier backup"


def test_a_postgresql_restore_says_how_to_do_it_with_pg_restore(capsys):
    url = "postgresql://course:secret@db.example/course"
    assert main(["restore", "x.dump", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "pg_restore --no-owner --dbname 'postgresql://course:***@db.example/course' x.dump" in err
    assert "secret" not in err


@pytest.mark.postgres
def test_a_postgresql_backup_is_a_pg_dump_that_holds_the_course_tables(pg_cluster, tmp_path, capsys):
    url = pg_cluster.fresh_schema_url()
    with open_store(url) as s:
        s.append_many(batch(1, 0))
    out = tmp_path / "course.dump"
    assert main(["backup", "--db", url, "--out", str(out)]) == 0
    assert "pg_dump" in capsys.readouterr().out
    listed = subprocess.run([pg_tool("pg_restore"), "--list", str(out)], capture_output=True, text=True).stdout
    assert " TABLE DATA " in listed and " events " in listed


def test_a_postgresql_backup_that_cannot_reach_the_database_says_so(tmp_path, capsys):
    if pg_tool("pg_dump") is None:
        cannot("pg_dump is not installed (Debian's postgresql-client; scripts/pg.sh installs it)")
    url = f"postgresql://course@127.0.0.1:{free_port()}/course"  # nothing listens there
    assert main(["backup", "--db", url, "--out", str(tmp_path / "x.dump")]) == 2
    assert "pg_dump failed" in capsys.readouterr().err
    assert not (tmp_path / "x.dump").exists()


def test_a_server_killed_mid_write_leaves_whole_transactions_only(tmp_path):
    # The process writing is killed at a random moment (SIGKILL: no clean-up of any kind).
    db = tmp_path / "course.sqlite"
    code = (
        "import sys\n"
        "from course.records import open_store\n"
        "from tests.faults.test_backup_restore import batch\n"
        f"store = open_store({f'sqlite:///{db}'!r})\n"
        "n = 0\n"
        "while True:\n"
        "    store.append_many(batch(0, n))\n"
        "    print(n, flush=True)\n"
        "    n += 1\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=Path(__file__).parents[2], stdout=subprocess.PIPE, text=True
    )
    acknowledged = [child.stdout.readline() for _ in range(40)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with open_store(f"sqlite:///{db}") as s:
        ids = Counter(e.event_id.rsplit("-e", 1)[0] for e in s.events("L0"))
    assert {f"w0-b{int(n)}" for n in acknowledged} <= set(ids)
    assert set(ids.values()) == {BATCH}, "no transaction half-written"
