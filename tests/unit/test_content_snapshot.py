"""The copy of the last content that validated (course/content_snapshot.py)."""

from __future__ import annotations

import pytest

from course import content_snapshot


def test_a_saved_copy_loads_as_the_same_course_after_the_content_breaks(course_copy):
    good = content_snapshot.load_course(course_copy.root)
    assert content_snapshot.save(course_copy.root)
    assert content_snapshot.save(course_copy.root)  # saving again replaces the copy, leaves no temp folders
    assert sorted(p.name for p in content_snapshot.snapshot_dir(course_copy.root).parent.iterdir()) == [
        "last-good-content"
    ]
    course_copy.replace("modules/01-history.yaml", "estimated_minutes: 20", "estimated_minutes: twenty")
    assert content_snapshot.last_good(course_copy.root) == good


def test_no_copy_yet_means_no_fallback(course_copy):
    assert content_snapshot.last_good(course_copy.root) is None


@pytest.mark.parametrize(("value", "env"), [(None, "production"), ("", "production"), (" Development ", "development")])
def test_the_environment_setting(value, env):
    assert content_snapshot.environment(value) == env


def test_an_unknown_environment_says_what_is_allowed():
    with pytest.raises(ValueError, match="production, development"):
        content_snapshot.environment("staging")
