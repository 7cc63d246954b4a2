"""Fixtures that inject real faults: a PostgreSQL cluster of the suite's own that tests stop
and freeze, SQLite files made immutable, a full file system, and a learner process to drive.

The PostgreSQL cluster is started with scripts/pg.sh in a data folder and on a port of its
own (never the shared test server), and removed at the end of the session. Freezing sends
SIGSTOP to that cluster's postmaster and its children only, found from its postmaster.pid.
Outside CI, a fault that this machine cannot make (no PostgreSQL binaries, no permission to
mount a file system) skips with the reason; in CI (CI=true) it fails the run instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema

from course.devserver import free_port

ROOT = Path(__file__).resolve().parents[2]
PG_SH = ROOT / "scripts" / "pg.sh"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def cannot(reason: str) -> None:
    """This machine cannot make the fault: fail in CI, skip (saying why) elsewhere."""
    if _in_ci():
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- a learner process


class LearnerProcess:
    """tests/faults/learner_process.py in a child process; `send` one command, get its reply."""

    def __init__(self, url: str, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.learner_process", url],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready = self._reply()
        assert ready.get("ready"), ready

    def _reply(self) -> dict[str, Any]:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=30)
            raise AssertionError(
                f"the learner's process died (exit {self.proc.returncode}, "
                f"{_signal_name(self.proc.returncode)}): {self.proc.stderr.read()[-2000:]}"
            )
        return json.loads(line)

    def send(self, op: str, **args: Any) -> dict[str, Any]:
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        return self._reply()

    def close(self) -> int:
        if self.proc.poll() is None:
            with contextlib.suppress(AssertionError, BrokenPipeError):
                self.send("close")
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()
        return self.proc.returncode


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        return signal.Signals(-code).name
    return "no signal"


@pytest.fixture
def learner_process() -> Iterator[Any]:
    started: list[LearnerProcess] = []

    def start(url: str, env: dict[str, str] | None = None) -> LearnerProcess:
        started.append(LearnerProcess(url, env))
        return started[-1]

    yield start
    for p in started:
        p.close()


# --------------------------------------------------------------------------- file faults


def chattr(flag: str, *paths: Path) -> None:
    """Set or clear the immutable flag (chattr +i / -i) on the files that exist."""
    existing = [str(p) for p in paths if p.exists()]
    subprocess.run(["chattr", flag, *existing], check=True, capture_output=True)


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Any]:
    """chattr +i on files, undone at the end whatever happens (else pytest cannot delete them)."""
    probe = tmp_path / "chattr-probe"
    probe.write_text("x")
    try:
        chattr("+i", probe)
        chattr("-i", probe)
    except (OSError, subprocess.CalledProcessError) as exc:
        cannot(f"cannot set the immutable flag here (chattr needs root and a file system that has it): {exc}")
    marked: list[Path] = []

    def mark(*paths: Path) -> None:
        marked.extend(paths)
        chattr("+i", *paths)

    yield mark
    chattr("-i", *marked)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for this test: a disk that fills for real."""
    where = tmp_path / "small-disk"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        cannot(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in `folder` until the file system is full; return it (delete it to free)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096, 1):  # big writes, then what is left byte by byte
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


# --------------------------------------------------------------------------- PostgreSQL


class Cluster:
    """The suite's own PostgreSQL, which tests may stop, start, freeze and thaw."""

    def __init__(self, data: Path, port: int):
        self.data = data
        self.port = port
        self.env = {**os.environ, "COURSE_PG_DATA": str(data), "COURSE_PG_PORT": str(port)}

    def pg(self, command: str) -> str:
        done = subprocess.run(["bash", str(PG_SH), command], env=self.env, capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"pg.sh {command} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    @property
    def url(self) -> str:
        return self.pg("url")

    def start(self) -> None:
        self.pg("start")

    def stop(self) -> None:
        self.pg("stop")

    def pids(self) -> list[int]:
        """The postmaster first, then its children: this cluster's processes only."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                    children.append(int(entry.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        for pid in self.pids():  # the postmaster first, so it starts no child meanwhile
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in reversed(self.pids()):
            os.kill(pid, signal.SIGCONT)

    def fresh_schema_url(self) -> str:
        """A URL whose tables live in a new schema of their own (tests do not see each other's)."""
        schema = f"fault_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.url)
        with admin.begin() as conn:
            conn.execute(CreateSchema(schema))
        admin.dispose()
        return make_url(self.url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    if not shutil.which("bash"):
        cannot("bash is needed to run scripts/pg.sh")
    port = free_port()
    data = Path(f"/tmp/course-pg-faults-{port}")
    made = Cluster(data, port)
    try:
        made.start()
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(data, ignore_errors=True)
        cannot(f"cannot start a PostgreSQL cluster for the fault tests: {exc}")
    try:
        yield made
    finally:
        with contextlib.suppress(OSError, ValueError):
            made.thaw()
        try:
            made.stop()
        finally:
            shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_cluster(cluster: Cluster) -> Iterator[Cluster]:
    """The cluster, running and thawed again after each test whatever the test did to it."""
    yield cluster
    with contextlib.suppress(OSError, ValueError):
        cluster.thaw()
    cluster.start()


def wait_until(check: Any, seconds: float = 30.0) -> Any:
    """Poll `check` until it returns something true (a recovery, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)
