"""Shared fixtures: the real course, a small editable copy of it for bad-input tests, and a
migrated SQLite store of a test's own; and the session's garbage-collector settings (collection
paused while the test modules are imported, then what it made frozen; everything frozen once
pytest is done, so the process exits at once)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gc
import shutil
from pathlib import Path

import pytest
import yaml

from course.schema import Course
from tests.cli_run import shipped_course

ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    """Collect with the garbage collector paused: importing the test modules (pandas, altair,
    Streamlit, SQLAlchemy, the course's code) makes hundreds of thousands of objects that live
    until the session ends, and the full collections their allocation triggered walked them
    again and again (about 0.7 s of CPU for tests/unit) while finding nothing to free."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        if paused:
            gc.enable()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collecting made out of the garbage collector's sight: it lives until the
    session ends, and each full collection during the tests walked it again (about 1.5 s of CPU
    over tests/unit). Objects the tests make are collected as before."""
    gc.collect()
    gc.freeze()


# The longest files, first, longest to shortest: pytest-xdist (`--dist loadfile`,
# scripts/test.sh) hands each file to one process in this order (then the rest in collection
# order, which ends with the quick tests/unit), so the processes finish close together
# instead of one working alone on a long file at the end. Order only; every test still runs.
# From `pytest --durations` of the whole suite (December 2026: every file over about 40 s on
# a busy 2-core machine); a file missing from the list only runs later.
LONGEST_FIRST = (
    "tests/browser/test_accessibility.py",
    "tests/browser/test_a11y_matrix.py",
    "tests/slow/test_bench_issue24_smoke.py",
    "tests/pdf/test_all_pdfs.py",
    "tests/browser/test_a11y_matrix_high_contrast.py",
    "tests/browser/test_listen.py",
    "tests/browser/test_focus.py",
    "tests/browser/test_http_hardening.py",
    "tests/pdf/test_pack_pdf_es.py",
    "tests/browser/test_reload.py",
    "tests/pdf/test_pack_pdf.py",
    "tests/browser/test_text_size.py",
    "tests/store/test_analytics_db.py",
    "tests/store/test_records.py",
    "tests/browser/test_spanish_journey.py",
    "tests/lms/test_outbox.py",
    "tests/lms/test_cmi5.py",
    "tests/slow/test_bench_smoke.py",
    "tests/app/test_outage_identity.py",
    "tests/app/test_presenter.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """Hand out the files in collection order (LONGEST_FIRST, then the rest). pytest-xdist's
    `--dist loadfile` otherwise reorders them by their number of tests, most first, which put
    the long browser files of a few tests each (the axe matrix files have 3) after a hundred
    quick unit files, where they decided when the run ended."""
    if hasattr(config.option, "loadscopereorder"):  # the xdist option --no-loadscope-reorder
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        where = Path(str(item.path)).resolve().relative_to(ROOT).as_posix()
        return LONGEST_FIRST.index(where) if where in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Freeze everything once the session is over, so the interpreter's shutdown does not walk it
    all with the garbage collector again (about 1 s at the end of every tests/unit run). Nothing
    is left to run but atexit handlers (which do not depend on it) and the process's exit."""
    gc.freeze()


def run_in_own_loop(coro_factory):
    """asyncio.run on a fresh thread: the browser tests' Playwright session keeps an event loop
    running on the main thread, and asyncio.run refuses to start inside one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coro_factory())).result()


@pytest.fixture(scope="session")
def real_course() -> Course:
    return shipped_course()  # one load per session, shared with tests/cli_run.py


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store with every migration applied, made once per session."""
    from course.records import open_store

    path = tmp_path_factory.mktemp("migrated") / "course.sqlite"
    open_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, _migrated_sqlite: Path) -> str:
    """The URL of a new SQLite store of this test's own (tmp_path/course.sqlite), already
    migrated: a copy of the session's migrated one. Migrating each test's store took about
    40 ms, most of the setup of the store tests in tests/unit; `open_store` on the copy still
    reads its migrations and applies any missing."""
    path = tmp_path / "course.sqlite"
    shutil.copyfile(_migrated_sqlite, path)
    return f"sqlite:///{path}"


class CourseCopy:
    """A one-module course (History) in a temporary folder, edited as text so lines are real."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def text(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).parent.mkdir(parents=True, exist_ok=True)
        self.path(rel).write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> int:
        """Replace `old` (which must occur) and return the 1-based line where it was."""
        text = self.text(rel)
        assert old in text, f"{old!r} not in {rel}"
        line = text[: text.index(old)].count("\n") + 1
        self.write(rel, text.replace(old, new, count))
        return line

    def line_of(self, rel: str, needle: str) -> int:
        text = self.text(rel)
        assert needle in text, f"{needle!r} not in {rel}"
        return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def course_copy(tmp_path: Path) -> CourseCopy:
    (tmp_path / "modules").mkdir()
    (tmp_path / "quizzes").mkdir()
    shutil.copy(ROOT / "modules" / "01-history.yaml", tmp_path / "modules")
    shutil.copy(ROOT / "quizzes" / "history.yaml", tmp_path / "quizzes")
    (tmp_path / "modules" / "course.yaml").write_text(_one_module_settings(), encoding="utf-8")
    return CourseCopy(tmp_path)


@functools.cache
def _one_module_settings() -> str:
    """The shipped course.yaml cut down to the History module: the same text for every copy, so
    it is made once per session (reading and writing it in pure-Python YAML took about 7 ms a
    copy)."""
    settings = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    settings["modules"] = ["history"]
    for track in settings["tracks"]:
        track["modules"] = ["history"]
    for key in ("pre_test", "post_test", "attitude_survey"):
        settings.pop(key, None)
    return yaml.safe_dump(settings, sort_keys=False)
