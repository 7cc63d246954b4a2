"""What the About page says that does not need Streamlit: how to cite the course.

Kept apart from the page (course/ui/pages/about.py) so the citation's wording is tested on its
own and reused by anything else that cites the course (a printed pack, a README)."""

from __future__ import annotations

from datetime import date

from course.i18n import N_
from course.schema import CourseSettings

__all__ = ["AUTHOR", "citation"]

# The course has no named author: it is written by an open-source project's contributors,
# and its repository's history says who changed what. Nobody is named who did not write it.
AUTHOR = N_("The course's open-source project and its contributors")  # the About page translates it


def citation(settings: CourseSettings, url: str, accessed: date) -> str:
    """A citation in the usual shape for an online resource: author, title, version, medium,
    address, date accessed. Plain text, for copying."""
    return (
        f"{AUTHOR}. {settings.title} (version {settings.version}) [online course]. "
        f"Available at: {url} (accessed {accessed.day} {accessed:%B %Y})."
    )
