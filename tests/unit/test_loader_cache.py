"""A server reads back the course that validated before (issue 24, cold start), and only when
no content file, no line of the loader's code and no deciding package changed since: a learner
never sees stale content, and an author sees every content problem exactly as without it."""

from __future__ import annotations

import pytest

from course import loader
from course.loader import CACHE_FILE, CourseError, load_course, load_course_cached

MODULE = "modules/01-history.yaml"
TITLE = 'title: "History: from anaesthetic to antidepressant"'


def _no_parsing(monkeypatch) -> list[int]:
    """Count (and refuse) the loads that parse the YAML: what a read-back must not do."""
    parsed: list[int] = []

    def refuse(*args, **kwargs):
        parsed.append(1)
        raise AssertionError("parsed the content again")

    monkeypatch.setattr(loader, "load_course", refuse)
    return parsed


def _problems(call, root) -> list[str]:
    with pytest.raises(CourseError) as info:
        call(root)
    return [str(p) for p in info.value.problems]


def test_a_course_that_validated_is_read_back_unchanged_without_parsing(course_copy, monkeypatch):
    parsed_now = load_course(course_copy.root)
    load_course_cached(course_copy.root)
    assert (course_copy.root / CACHE_FILE).is_file()
    parsed = _no_parsing(monkeypatch)

    again = load_course_cached(course_copy.root)

    assert parsed == []
    assert again == parsed_now


def test_a_changed_content_file_is_loaded_afresh(course_copy):
    assert course_copy.text(MODULE).count(TITLE) == 1
    load_course_cached(course_copy.root)
    course_copy.replace(MODULE, TITLE, 'title: "History: from anaesthetic to antidepressant, revised"')

    assert (
        load_course_cached(course_copy.root).module("history").title
        == "History: from anaesthetic to antidepressant, revised"
    )


def test_a_content_error_after_a_good_load_is_reported_exactly_as_without_the_copy(course_copy):
    load_course_cached(course_copy.root)
    course_copy.replace(MODULE, "estimated_minutes: 20", "estimated_minutes: twenty")

    expected = _problems(load_course, course_copy.root)
    assert expected  # the edit is a problem the loader reports
    assert _problems(load_course_cached, course_copy.root) == expected
    assert _problems(load_course_cached, course_copy.root) == expected  # and again: errors are never kept


def test_a_file_added_beside_the_content_counts(course_copy):
    load_course_cached(course_copy.root)
    course_copy.write("modules/02-extra.yml", "id: extra\n")

    assert _problems(load_course_cached, course_copy.root) == _problems(load_course, course_copy.root)
    assert any("modules/02-extra.yml" in p for p in _problems(load_course_cached, course_copy.root))


def test_a_change_to_the_loader_code_or_packages_loads_afresh(course_copy, monkeypatch):
    load_course_cached(course_copy.root)
    key = loader.cache_key(course_copy.root)
    monkeypatch.setattr(loader, "CACHE_FORMAT", loader.CACHE_FORMAT + 1)  # stands in for any code change
    assert loader.cache_key(course_copy.root) != key
    monkeypatch.setattr(loader, "_CACHE_PACKAGES", (*loader._CACHE_PACKAGES, "streamlit"))
    assert len({key, loader.cache_key(course_copy.root)}) == 2

    calls: list[int] = []
    real = loader.load_course
    monkeypatch.setattr(loader, "load_course", lambda root: calls.append(1) or real(root))
    load_course_cached(course_copy.root)
    assert calls == [1]


def test_a_damaged_copy_is_ignored_and_written_afresh(course_copy):
    load_course_cached(course_copy.root)
    (course_copy.root / CACHE_FILE).write_bytes(b"not a pickle")

    assert [m.id for m in load_course_cached(course_copy.root).modules] == ["history"]
    assert (course_copy.root / CACHE_FILE).read_bytes() != b"not a pickle"


def test_a_folder_that_cannot_be_written_still_loads(course_copy):
    (course_copy.root / "data").write_text("a file where the data folder would be", encoding="utf-8")

    assert [m.id for m in load_course_cached(course_copy.root).modules] == ["history"]


def test_only_a_server_uses_the_copy(monkeypatch):
    monkeypatch.setattr(loader, "_kept", [])
    assert not loader.kept_course_used()  # tests and the command line parse every time
    loader.use_kept_course()
    assert loader.kept_course_used()


def test_content_that_cannot_be_read_for_the_key_is_loaded_and_reported_as_always(course_copy, monkeypatch):
    def unreadable(*args, **kwargs):
        raise PermissionError("permission denied")

    monkeypatch.setattr(loader, "cache_key", unreadable)
    assert [m.id for m in load_course_cached(course_copy.root).modules] == ["history"]
    course_copy.replace(MODULE, "estimated_minutes: 20", "estimated_minutes: twenty")
    assert _problems(load_course_cached, course_copy.root) == _problems(load_course, course_copy.root)
