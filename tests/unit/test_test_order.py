"""The test files handed out first (tests/conftest.py LONGEST_FIRST) are real files, each named
once: a renamed or split file would otherwise silently lose its place at the front."""

from __future__ import annotations

from tests.conftest import LONGEST_FIRST, ROOT


def test_every_file_handed_out_first_exists_and_is_named_once():
    assert [f for f in LONGEST_FIRST if not (ROOT / f).is_file()] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
