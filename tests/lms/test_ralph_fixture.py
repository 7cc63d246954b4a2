"""The test LRS itself: Ralph instances run side by side (one per test, in several pytest
workers), so each must keep every file it writes in its own folder. Ralph's fs backend rewrites a
"history" file on every read and write; shared in the user's config folder, one Ralph read
another's half-written file and answered HTTP 500 (a failed CI run on 7 December 2026)."""

from __future__ import annotations

import uuid

from course.lms import outbox
from tests.lms.conftest import RALPH_PASSWORD, RALPH_USER


def _statement() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:learner@example.org", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://course.example.org/section/history/s1", "objectType": "Activity"},
    }


def test_each_ralph_keeps_its_history_in_its_own_folder(ralph):
    settings = outbox.LrsSettings(ralph.endpoint, RALPH_USER, RALPH_PASSWORD, "https://course.example.org")
    outbox.post_statements(settings, [_statement()])
    outbox.post_statements(settings, [_statement()])
    assert (ralph.folder / "history.json").is_file()
    assert len(ralph.statements()) == 2
