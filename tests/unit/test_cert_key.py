"""The certificate key made beside the default database: made once, kept, and never a crash."""

from __future__ import annotations

import stat

import pytest

from course.ui import state


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv(state.CERT_SECRET_ENV, raising=False)
    monkeypatch.setattr(state, "default_root", lambda: tmp_path)
    monkeypatch.setattr(state, "_REPORTED", set())
    return tmp_path


def test_a_key_is_made_once_readable_by_its_owner_only_and_kept(root):
    first = state.cert_secret()
    key = root / "data" / "certificate.key"
    assert first and len(first) == 64 and first == key.read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert state.cert_secret() == first
    assert [p.name for p in key.parent.iterdir()] == ["certificate.key"], "nothing left aside"


def test_a_key_another_server_made_first_is_used_not_overwritten(root):
    key = root / "data" / "certificate.key"
    key.parent.mkdir()
    key.write_text("theirs-" + "k" * 40, encoding="utf-8")
    state._create_key(key)  # this server lost the race between its check and its write
    assert key.read_text(encoding="utf-8") == "theirs-" + "k" * 40
    assert state.cert_secret() == b"theirs-" + b"k" * 40


@pytest.mark.parametrize(
    ("breakage", "words"),
    [
        (lambda root: (root / "data").write_text("a file where the folder goes"), "cannot be made or read"),
        (
            lambda root: ((root / "data").mkdir(), (root / "data" / "certificate.key").write_bytes(b"\xff\xfe" * 20)),
            "cannot be made or read",
        ),
    ],
    ids=["data is a file", "key not UTF-8"],
)
def test_a_key_file_that_cannot_be_made_or_read_turns_certificates_off_with_one_log_line(root, caplog, breakage, words):
    # Both raised out of the Verify page and My progress.
    breakage(root)
    with caplog.at_level("ERROR", logger="course.ui.state"):
        assert state.cert_secret() is None
        assert state.cert_secret() is None
    logged = [r.getMessage() for r in caplog.records if r.name == "course.ui.state"]
    assert len(logged) == 1 and words in logged[0] and "COURSE_CERT_SECRET" in logged[0]
