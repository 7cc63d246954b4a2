"""Text a learner or trainer typed is shown as typed: Markdown, Streamlit's maths, colours and
icons, and HTML are escaped; course text keeps its dollar signs."""

from __future__ import annotations

import re

import pytest

from course.ui.common import dollars, escape_markdown


def unescaped(text: str) -> str:
    """What a reader sees: backslash escapes of ASCII punctuation resolved, the invisible word
    joiner that keeps addresses from becoming links gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("\u2060", "")


@pytest.mark.parametrize(
    "name",
    [
        "<b>Ann</b> **Bold** :red[x] $y$ [l](https://e.x)",
        "1. Not a list",
        "- nor this",
        "Ann :material/star: _O'Neil_ `code` # hash | pipe ~strike~",
        "Łukasz Nguyễn 王芳 محمد",
        "Ann https://evil.example www.evil.example ann@evil.example",
    ],
)
def test_escaped_text_reads_back_exactly_and_has_no_live_syntax(name):
    escaped = escape_markdown(name)
    assert unescaped(escaped) == name
    # every character Markdown or Streamlit could act on is escaped
    for ch in "*_[]()<>`#|~$:":
        assert ch not in re.sub(r"\\.", "", escaped)
    assert not re.match(r"^\d+[.)]\s|^[-+]\s", escaped)
    # bare addresses, which Streamlit links whatever is escaped, are broken by a word joiner
    assert not re.search(r"(?i)https?\\?:|www\\?\.|\w\\?@", escaped)


def test_dollars_keep_two_amounts_from_becoming_maths():
    assert dollars("about $237,000 to $242,000") == r"about \$237,000 to \$242,000"
