"""Store fixtures: every store test runs on SQLite (a temporary file) and on PostgreSQL.

PostgreSQL comes from COURSE_TEST_PG_URL, e.g. after

    scripts/pg.sh start && export COURSE_TEST_PG_URL=$(scripts/pg.sh url)

Each PostgreSQL test gets a fresh schema (via the connection's search_path), dropped after.
Without the variable the PostgreSQL cases are skipped and say why, except in CI
(CI=true), where a missing database fails the run instead of quietly testing half of it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema

from course.records import Store, open_store

PG_URL_ENV = "COURSE_TEST_PG_URL"
SECRET = b"test-secret-for-certificates-0123456789"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get(PG_URL_ENV, "").strip()
    if not url:
        message = (
            f"{PG_URL_ENV} is not set, so the PostgreSQL cases cannot run. Start a test server with "
            f"`scripts/pg.sh start` and set {PG_URL_ENV}=$(scripts/pg.sh url)."
        )
        if _in_ci():
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL for an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'course.sqlite'}"
        return
    server = request.getfixturevalue("pg_server_url")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server)
    try:
        with admin.begin() as conn:
            conn.execute(CreateSchema(schema))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"{PG_URL_ENV} is set but PostgreSQL cannot be reached: {exc.orig}", pytrace=False)
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(DropSchema(schema, cascade=True))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def secret() -> bytes:
    return SECRET
