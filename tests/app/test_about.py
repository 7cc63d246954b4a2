"""The About page, as a learner opens it from the menu."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from course.about import AUTHOR
from tests.app.test_walkthrough import APP, go


def test_the_about_page_says_who_makes_the_course_its_licence_how_to_cite_and_how_to_report_a_mistake(
    real_course,
):
    at = go(AppTest.from_file(APP, default_timeout=60).run(), "about")
    assert not at.exception
    assert [t.value for t in at.title] == ["About this course"]
    assert [h.value for h in at.header] == ["Who made it", "Licence", "How to cite this course", "Found a mistake?"]
    text = "\n".join(m.value for m in at.markdown)
    assert AUTHOR in text, "the makers are the project and its contributors: no invented names"
    assert "does not include a licence file" in text, "no licence is claimed that the repository does not grant"
    assert "Education, not medical advice" in text, "the notice stands on this page too"
    (citation,) = [c.value for c in at.code]
    assert citation.startswith(AUTHOR) and f"(version {real_course.settings.version})" in citation
    assert "docs/content-review.md" in text and "Content problems page" in text
