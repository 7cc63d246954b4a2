"""A bad value in a track's `completion:` rule is reported as FILE:LINE: path: message."""

from __future__ import annotations

import pytest

from course.loader import CourseError, load_course


def test_an_unknown_completion_value_names_the_file_the_line_and_the_values_allowed(course_copy):
    line = course_copy.replace("modules/course.yaml", "sections: all", "sections: most")
    with pytest.raises(CourseError) as info:
        load_course(course_copy.root)
    assert [str(p) for p in info.value.problems] == [
        f"modules/course.yaml:{line}: tracks[0].completion.sections: 'most' is not allowed; expected 'all' or 'none'"
    ]
