"""Backups of the learning records, and restoring one.

SQLite: `backup()` copies the database with SQLite's online backup API, in one step, so the
copy is the database as it was at one moment (every event committed before the backup began,
none half-written) while learners go on writing; the copy is checked before it is kept.
`restore()` checks that a file is a course backup and not damaged, refuses to replace a
store that holds records unless told to (`force`), and copies it in with the same API, so a
running server reads the restored records at its next query.

PostgreSQL has its own tools for this: `backup()` runs `pg_dump` (custom format, a consistent
copy while learners write) when it is installed, and `postgres_guidance()` says how to use
`pg_dump` and `pg_restore` by hand; restoring a PostgreSQL database is left to `pg_restore`,
with the servers stopped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from course.records import MIGRATIONS, open_store, resolve_url

SQLITE_HEADER = b"SQLite format 3\x00"
# What makes a file a course backup: the tables the first migration made, and its record of
# migrations (newer backups have more tables; all have these).
COURSE_TABLES = ("events", "learners", "cohorts", "certificates", "schema_migrations")


def counted(n: int, what: str) -> str:
    """`1 event`, `2 events`."""
    return f"{n} {what}{'' if n == 1 else 's'}"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what and why."""


@dataclass(frozen=True)
class Contents:
    """What a course database or backup holds."""

    events: int
    learners: int
    version: int  # the newest migration applied


def sqlite_path(url: str | None) -> Path | None:
    """The file of a SQLite store URL (resolved as the app does), or None for PostgreSQL."""
    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise BackupError(f"{parsed.database or 'a database in memory'} is not a file that can be backed up")
    return Path(parsed.database)


def contents(path: Path) -> Contents:
    """Check that `path` is a course database (or backup) that is not damaged, and count what
    it holds. Raises BackupError saying what is wrong."""
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not a course backup: it is not a SQLite database")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {path}: {exc}") from exc
    try:
        check = conn.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise BackupError(f"{path} is damaged: {check[0][0]}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in COURSE_TABLES if t not in tables]
        if missing:
            raise BackupError(f"{path} is not a course backup: it has no {', '.join(missing)} table")
        version = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        learners = conn.execute("SELECT count(*) FROM learners").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a course database: {exc}") from exc
    finally:
        conn.close()
    return Contents(events=events, learners=learners, version=version)


def backup(url: str | None, out: Path) -> Contents | None:
    """Copy the store at `url` to the new file `out` while it stays in use; return what the
    copy holds (None for PostgreSQL, whose dump is pg_dump's own format)."""
    if out.exists():
        raise BackupError(f"{out} exists already; choose a new file name (a backup never replaces a file)")
    source = sqlite_path(url)
    if source is None:
        _pg_dump(url, out)
        return None
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    aside = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            dest = sqlite3.connect(aside)
            try:
                # pages=-1: one step under one read transaction, so the copy is one moment of
                # the database; in WAL mode learners' writes go on meanwhile.
                src.backup(dest, pages=-1)
                # A backup is one self-contained file: no -wal beside it to lose on the way.
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            src.close()
        found = contents(aside)
        with aside.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(aside, out)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {source}: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        aside.unlink(missing_ok=True)
    return found


def restore(backup_file: Path, url: str | None, force: bool = False) -> Contents:
    """Put the records of `backup_file` in the SQLite store at `url`, which must be empty or
    missing unless `force`. The store is migrated afterwards (a backup from an older version
    gets the newer tables). Raises BackupError, changing nothing, when it cannot."""
    target = sqlite_path(url)
    if target is None:
        raise BackupError(postgres_guidance(url, backup_file, restore=True))
    found = contents(backup_file)
    newest = MIGRATIONS[-1][0]
    if found.version > newest:
        raise BackupError(
            f"{backup_file} was made by a newer version of the course (schema {found.version}; this one knows "
            f"up to {newest}): update the course first"
        )
    if target.exists() and target.resolve() == backup_file.resolve():
        raise BackupError(f"{backup_file} is the database itself; restore into another store")
    if target.exists() and not force:
        try:
            there = contents(target)
        except BackupError as exc:
            raise BackupError(
                f"the store at {target} cannot be read ({exc}); add --force to replace it with the backup"
            ) from exc
        if there.events or there.learners:
            raise BackupError(
                f"the store at {target} holds {counted(there.events, 'event')} and "
                f"{counted(there.learners, 'learner')}; restoring would "
                "replace them with the backup's. Add --force to do so (take a backup of it first)"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dest, pages=-1)
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {target}: {exc}") from exc
    open_store(f"sqlite:///{target}").close()  # migrate, and the WAL mode the app uses
    return found


def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program: on PATH, or where Debian's packages put it."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


def _pg_dump(url: str | None, out: Path) -> None:
    """pg_dump the PostgreSQL store to `out`, then check the dump lists the course's tables."""
    dump, list_tool = pg_tool("pg_dump"), pg_tool("pg_restore")
    if dump is None or list_tool is None:
        raise BackupError(postgres_guidance(url, out, restore=False) + "\n(pg_dump is not installed here)")
    parsed = make_url(resolve_url(url))
    # The password goes in the environment, not on the command line where `ps` shows it.
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    dsn = parsed.set(drivername="postgresql", password=None, query={}).render_as_string(hide_password=False)
    aside = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        done = subprocess.run(
            [dump, "--format=custom", "--no-owner", "--file", str(aside), dsn], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        listed = subprocess.run([list_tool, "--list", str(aside)], capture_output=True, text=True)
        tables = {line.split()[-2] for line in listed.stdout.splitlines() if " TABLE " in line and "DATA" not in line}
        missing = [t for t in COURSE_TABLES if t not in tables]
        if listed.returncode != 0 or missing:
            raise BackupError(
                f"the dump of {parsed.render_as_string(hide_password=True)} has no {', '.join(missing)} table"
            )
        os.replace(aside, out)
    except OSError as exc:
        raise BackupError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        aside.unlink(missing_ok=True)


def postgres_guidance(url: str | None, file: Path, restore: bool) -> str:
    """How to back up or restore a PostgreSQL store with PostgreSQL's own tools."""
    parsed = make_url(resolve_url(url))
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=True)
    if restore:
        return (
            "the store is PostgreSQL: restore with PostgreSQL's own tool, into an empty database, with the "
            f"servers stopped:\n  pg_restore --no-owner --dbname '{plain}' {file}\n"
            "(the password as in COURSE_DB_URL, or in ~/.pgpass; then start the servers: they migrate it)"
        )
    return (
        "the store is PostgreSQL: back it up with PostgreSQL's own tool, which takes a consistent copy while "
        f"learners go on writing:\n  pg_dump --format=custom --no-owner --file {file} '{plain}'\n"
        "(the password as in COURSE_DB_URL, or in ~/.pgpass)"
    )
