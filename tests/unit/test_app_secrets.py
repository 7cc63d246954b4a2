"""Settings come from the environment or secrets.toml; a missing secrets file is looked for once."""

from __future__ import annotations

import pytest
import streamlit as st

from course.ui import state


class FakeSecrets:
    """Stands in for st.secrets: `keys()` raises, as Streamlit's does, when there is no file."""

    def __init__(self, data: dict | None = None):
        self.data = data
        self.lookups = 0

    def keys(self):
        self.lookups += 1
        if self.data is None:
            raise FileNotFoundError("No secrets found")
        return self.data.keys()

    def get(self, key, default=None):
        return self.data.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self.data


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(state, "_NO_SECRETS", [])
    monkeypatch.delenv("COURSE_TRAINER_EMAILS", raising=False)


def test_without_a_secrets_file_the_disk_is_searched_once_per_process(monkeypatch):
    missing = FakeSecrets()
    monkeypatch.setattr(st, "secrets", missing)
    assert [state.app_secrets() for _ in range(3)] == [{}, {}, {}]
    assert state.setting("COURSE_TRAINER_EMAILS") is None
    assert missing.lookups == 1


def test_secrets_are_read_when_present_and_the_environment_wins(monkeypatch):
    monkeypatch.setattr(st, "secrets", FakeSecrets())
    state.app_secrets()  # remembered as missing for that object only
    monkeypatch.setattr(st, "secrets", FakeSecrets({"COURSE_TRAINER_EMAILS": "lead@clinic.example", "auth": {}}))
    assert state.setting("COURSE_TRAINER_EMAILS") == "lead@clinic.example"
    assert "auth" in state.app_secrets()
    monkeypatch.setenv("COURSE_TRAINER_EMAILS", "other@clinic.example")
    assert state.setting("COURSE_TRAINER_EMAILS") == "other@clinic.example"


def test_a_secrets_file_that_cannot_be_read_is_reported_not_ignored_silently(monkeypatch, tmp_path, caplog):
    broken = tmp_path / "secrets.toml"
    broken.write_text("auth = [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(state, "_secrets_paths", lambda: [broken, tmp_path / "absent.toml"])
    monkeypatch.setattr(st, "secrets", FakeSecrets())
    with caplog.at_level("WARNING", logger="course.ui.state"):
        assert state.app_secrets() == {}
    assert f"cannot read {broken}" in caplog.text


def test_no_secrets_file_at_all_is_not_a_warning(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(state, "_secrets_paths", lambda: [tmp_path / "absent.toml"])
    monkeypatch.setattr(st, "secrets", FakeSecrets())
    with caplog.at_level("WARNING", logger="course.ui.state"):
        assert state.app_secrets() == {}
    assert caplog.text == ""


def test_a_toml_list_of_addresses_reads_as_the_same_addresses(monkeypatch):
    # COURSE_TRAINER_EMAILS = ["ana@…", "sam@…"] read as "['ana@…', 'sam@…']": nobody matched it.
    from course.trainer_auth import allowed_email

    emails = ["ana@clinic.example", "sam@clinic.example"]
    monkeypatch.setattr(st, "secrets", FakeSecrets({"COURSE_TRAINER_EMAILS": emails}))
    allow_list = state.setting("COURSE_TRAINER_EMAILS")
    assert all(allowed_email(e, allow_list) for e in emails)
    assert not allowed_email("other@clinic.example", allow_list)


@pytest.mark.parametrize(("value", "kind"), [({"url": "sqlite:///x"}, "table"), ([5432], "list")])
def test_a_setting_written_as_a_table_is_not_used_and_says_how_to_write_it(monkeypatch, caplog, value, kind):
    monkeypatch.setattr(state, "_REPORTED", set())
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    monkeypatch.setattr(st, "secrets", FakeSecrets({"COURSE_DB_URL": value}))
    with caplog.at_level("ERROR", logger="course.ui.state"):
        assert state.setting("COURSE_DB_URL") is None
        assert state.setting("COURSE_DB_URL") is None
    assert [r.getMessage() for r in caplog.records] == [
        f'COURSE_DB_URL in .streamlit/secrets.toml is a {kind}; write it as one line: COURSE_DB_URL = "value"'
    ]
