"""Every setting the course reads, declared once as data, and the one place that reads them.

A setting is an environment variable, and for the running app most can also be a top-level key
in `.streamlit/secrets.toml` (the app's reader, `course.ui.state.setting`, asks `environ()`
here first, then the secrets file). Nothing else in `course/` or `streamlit_app.py` reads
`os.environ` or `st.secrets` for a setting: modules name a setting by its declaration here
(`settings.DB_URL.name`) and read it with `environ()`, which refuses a name not declared.

Each declaration carries its default (the value used when it is unset, or None when being
unset has its own meaning, described in `default_help`), its type, and the help text the
README's settings table repeats; tests/unit/test_settings.py fails when a setting is missing
from that table or a `COURSE_*` name in the source is not declared here, and
tests/unit/test_architecture.py when something reads the environment directly.

To add a setting: declare it here (and add it to `SETTINGS`), add its row to the README's
settings table, and read it through `environ()` (or `course.ui.state.setting` in the app).
`python -m course settings` lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

Scope = Literal["app", "tools"]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, type and what it does."""

    name: str
    default: str | int | float | None
    type: type
    help: str
    # The default in words, where it is not a plain value ("SQLite data/course.sqlite").
    default_help: str = ""
    # Read from the environment; False for a section that only the secrets file can hold.
    env: bool = True
    # May be a top-level key in .streamlit/secrets.toml (read by the app only).
    secrets_file: bool = True
    # "app": the course and its `python -m course` commands; "tools": tests, benchmarks, scripts.
    scope: Scope = "app"

    def number(self) -> float:
        """The default of a numeric setting, as a float."""
        if not isinstance(self.default, int | float):
            raise TypeError(f"{self.name} has no numeric default")
        return float(self.default)

    def describe_default(self) -> str:
        """The default as the README's table shows it."""
        if self.default_help:
            return self.default_help
        if self.default is None:
            return "none"
        if isinstance(self.default, float) and self.default.is_integer():
            return str(int(self.default))
        return str(self.default)


DB_URL = Setting(
    "COURSE_DB_URL",
    None,
    str,
    "the learning records database: sqlite:///path/to/course.sqlite or postgresql://user:password@host/dbname",
    default_help="SQLite data/course.sqlite",
)
DB_CONNECT_TIMEOUT = Setting(
    "COURSE_DB_CONNECT_TIMEOUT",
    3.0,
    float,
    "longest wait, in seconds (0.1 to 3600), to open a PostgreSQL connection before the app reports an outage",
)
DB_STATEMENT_TIMEOUT = Setting(
    "COURSE_DB_STATEMENT_TIMEOUT",
    5.0,
    float,
    "longest wait, in seconds (0.1 to 3600), for one database statement or lock "
    "(PostgreSQL statement_timeout/lock_timeout, SQLite busy timeout)",
)
CERT_SECRET = Setting(
    "COURSE_CERT_SECRET",
    None,
    str,
    "certificate signing key; also keys the cookie tokens",
    default_help="generated into data/certificate.key",
)
PUBLIC_URL = Setting(
    "COURSE_PUBLIC_URL",
    None,
    str,
    "base of resume, room and certificate links, and of the ids in statements forwarded to an LRS",
    default_help="the address the browser used",
)
CONTENT_ROOT = Setting(
    "COURSE_CONTENT_ROOT",
    None,
    str,
    "the folder holding modules/ and quizzes/ that the app serves",
    default_help="this repository",
    secrets_file=False,  # read before the app could look at a secrets file
)
ENV = Setting(
    "COURSE_ENV",
    "production",
    str,
    "production: content that does not validate is not served, learners keep the last content that did "
    "and trainers see the problems; development: everyone sees the problems page",
)
TRAINER_PASSCODE_HASH = Setting(
    "COURSE_TRAINER_PASSCODE_HASH", None, str, "trainer sign-in by passcode (docs/trainers.md)"
)
TRAINER_EMAILS = Setting(
    "COURSE_TRAINER_EMAILS", None, str, "trainer sign-in by single sign-on e-mail (comma-separated, or a TOML list)"
)
TRUSTED_PROXIES = Setting(
    "COURSE_TRUSTED_PROXIES",
    "127.0.0.1, ::1",
    str,
    "proxies whose X-Forwarded-For/-Proto are believed; none for none",
)
FRAME_ANCESTORS = Setting(
    "COURSE_FRAME_ANCESTORS",
    "'self'",
    str,
    "sites allowed to frame the course (CSP frame-ancestors); also the LMS origins whose SCORM launch "
    "pages get a launch token",
)
LRS_ENDPOINT = Setting(
    "COURSE_LRS_ENDPOINT", None, str, "an LRS's xAPI address: every learning event is forwarded to it"
)
LRS_USERNAME = Setting("COURSE_LRS_USERNAME", None, str, "HTTP Basic user name for that LRS")
LRS_PASSWORD = Setting("COURSE_LRS_PASSWORD", None, str, "HTTP Basic password for that LRS")
AUTH = Setting(
    "auth",
    None,
    dict,
    "the [auth] section of .streamlit/secrets.toml: single sign-on (OIDC) for st.login()",
    env=False,
)
FONTCONFIG_FILE = Setting(
    "FONTCONFIG_FILE",
    None,
    str,
    "fontconfig's own variable: the fonts the PDF renderer uses; read to know which scripts they cover",
    default_help="the system's fonts",
    secrets_file=False,
)
TEST_PG_URL = Setting(
    "COURSE_TEST_PG_URL",
    None,
    str,
    "a PostgreSQL URL the store tests and benchmarks also run against (scripts/pg.sh url)",
    default_help="SQLite only",
    secrets_file=False,
    scope="tools",
)
BENCH_DB_URL = Setting(
    "COURSE_BENCH_DB_URL",
    None,
    str,
    "the database bench/load.py drives",
    default_help="a temporary SQLite file",
    secrets_file=False,
    scope="tools",
)
TEST_WORKERS = Setting(
    "COURSE_TEST_WORKERS",
    3,
    int,
    "scripts/test.sh: how many processes run the tests (pytest-xdist; 0 runs them in one)",
    secrets_file=False,
    scope="tools",
)
STEP_TIMER = Setting(
    "COURSE_STEP_TIMER",
    None,
    str,
    "bench/profile_steps.py --by-step: set on the course server it starts, the path its step timer writes to",
    default_help="off",
    secrets_file=False,
    scope="tools",
)
PG_DATA = Setting(
    "COURSE_PG_DATA", "/tmp/course-pg", str, "scripts/pg.sh: the cluster's folder", secrets_file=False, scope="tools"
)
PG_PORT = Setting("COURSE_PG_PORT", 54329, int, "scripts/pg.sh: its port", secrets_file=False, scope="tools")
PG_VERSION = Setting(
    "COURSE_PG_VERSION", 15, int, "scripts/pg.sh: the PostgreSQL version to use", secrets_file=False, scope="tools"
)
PG_BIN = Setting(
    "COURSE_PG_BIN",
    None,
    str,
    "scripts/pg.sh: the folder of that version's programs",
    default_help="/usr/lib/postgresql/VERSION/bin",
    secrets_file=False,
    scope="tools",
)

SETTINGS: tuple[Setting, ...] = (
    DB_URL,
    CERT_SECRET,
    PUBLIC_URL,
    CONTENT_ROOT,
    ENV,
    TRAINER_PASSCODE_HASH,
    TRAINER_EMAILS,
    TRUSTED_PROXIES,
    FRAME_ANCESTORS,
    LRS_ENDPOINT,
    LRS_USERNAME,
    LRS_PASSWORD,
    DB_CONNECT_TIMEOUT,
    DB_STATEMENT_TIMEOUT,
    AUTH,
    FONTCONFIG_FILE,
    TEST_PG_URL,
    TEST_WORKERS,
    STEP_TIMER,
    BENCH_DB_URL,
    PG_DATA,
    PG_PORT,
    PG_VERSION,
    PG_BIN,
)
_BY_NAME = {s.name: s for s in SETTINGS}


def declared(name: str) -> Setting:
    """The declaration of `name`; KeyError (saying so) for a name not declared here."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name} is not a declared setting: declare it in course/settings.py") from None


def environ(name: str) -> str | None:
    """The environment's value for the declared setting `name`, as given; None when it is unset
    or empty (an empty variable means the default, as it always has)."""
    setting = declared(name)
    if not setting.env:
        raise KeyError(f"{name} is read from .streamlit/secrets.toml only, not the environment")
    return os.environ.get(name) or None


def table(scope: Scope | None = None) -> str:
    """The settings as a Markdown table: name, default, what it does."""
    rows = ["| setting | default | what it does |", "| --- | --- | --- |"]
    for s in SETTINGS:
        if scope is None or s.scope == scope:
            name = f"`[{s.name}]`" if not s.env else f"`{s.name}`"
            rows.append(f"| {name} | {s.describe_default()} | {s.help} |")
    return "\n".join(rows)
