"""LMS test fixtures: a real LRS (Ralph) on 127.0.0.1, and stores on SQLite and PostgreSQL.

Ralph (`ralph-malph[cli,lrs]`) lives in its own virtual environment, `.venv-ralph`, made by
scripts/test.sh: its pins (pydantic, fastapi, httpx ...) clash with the app's, and the app never
imports it. It runs on its `fs` backend with every POST appended (design.md section 4: the fs
backend otherwise writes only the first batch). Every file an instance writes stays in its own
folder, so instances in several pytest workers never share one.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.records import Store, open_store
from tests.store.conftest import db_url, pg_server_url  # noqa: F401 (fixtures: SQLite and PostgreSQL)

ROOT = Path(__file__).resolve().parents[2]
RALPH_PYTHON = ROOT / ".venv-ralph" / "bin" / "python"
RALPH_USER, RALPH_PASSWORD = "course", "course-test-passphrase"
SERVE = """
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@functools.cache
def _auth_file() -> Path:
    """Ralph's users file with the tests' one user: every instance has the same, so `ralph auth`
    (about a second: an interpreter importing Ralph, and bcrypt) runs once per test process."""
    folder = Path(tempfile.mkdtemp(prefix="ralph-auth-"))
    atexit.register(shutil.rmtree, folder, True)
    subprocess.run(
        [
            str(RALPH_PYTHON),
            "-m",
            "ralph",
            "auth",
            "-u",
            RALPH_USER,
            "-p",
            RALPH_PASSWORD,
            "-s",
            "all",
            "-M",
            "mailto:course-tests@example.org",
            "-w",
        ],
        env={**os.environ, "RALPH_AUTH_FILE": str(folder / "auth.json"), "RALPH_RUNSERVER_BACKEND": "fs"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder / "auth.json"


class Ralph:
    """A Ralph LRS process that a test can stop and start again on the same port and files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            # Ralph rewrites its history file on every read and write; in the shared default
            # (~/.config/ralph) instances side by side read each other's half-written file.
            "RALPH_HISTORY_FILE": str(folder / "history.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
        }
        (folder / "data").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_auth_file(), folder / "auth.json")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(RALPH_PYTHON), "-c", SERVE, str(self.port)],
            env=self.env,
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "ralph.log", "ab"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        raise RuntimeError(f"Ralph did not start: {(self.folder / 'ralph.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None

    def statements(self) -> list[dict]:
        """Every statement Ralph stored, read from its own file (its GET pages and caps)."""
        import json

        out = []
        for path in sorted((self.folder / "data").glob("*")):
            if path.is_file():
                out += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return out


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[Ralph]:
    if not RALPH_PYTHON.exists():
        message = "Ralph is not installed: run scripts/test.sh, which makes .venv-ralph"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    lrs = Ralph(tmp_path / "ralph")
    lrs.start()
    try:
        yield lrs
    finally:
        lrs.stop()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:  # noqa: F811 (db_url is the imported fixture)
    """A migrated store on SQLite and on PostgreSQL (COURSE_TEST_PG_URL), as tests/store does."""
    s = open_store(db_url)
    try:
        yield s
    finally:
        s.close()
