"""About the course: who made it, its licence, how to cite it and how to report a mistake in it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from course.about import AUTHOR, citation
from course.ui import language, state
from course.ui.common import app_url, notice_text
from course.ui.i18n import _

__all__ = ["render"]


def render() -> None:
    """The About page: facts about the course, no claims it cannot back."""
    course = state.course()
    settings = course.settings
    st.title(_("About this course"))
    st.write(
        _(
            "{title} (version {version}) is an open-source e-learning course about ketamine "
            "and esketamine treatment for depression. It is written for clinic staff in onboarding training, "
            "for community educators presenting to a room, and for anyone learning at their own pace."
        ).format(title=settings.title, version=settings.version)
    )
    notice_text()

    st.header(_("Who made it"), anchor=False)
    reviewed = [m for m in course.modules if m.review is not None]
    st.write(
        _(
            "{author}. The course is developed in the open: its content is plain text files (YAML) that anyone "
            "can read, and every change is recorded in its repository's history, which says who changed what "
            "and why. Every clinical statement cites its source in the module's references."
        ).format(author=_(AUTHOR))
    )
    st.write(
        _(
            "{reviewed} of {total} modules record a content review on their overview page "
            "(the date, the version and what changed). The course has not yet been reviewed by a practising "
            "clinician: use it as education alongside your own training and your clinic's protocols."
        ).format(reviewed=len(reviewed), total=len(course.modules))
    )

    st.header(_("Licence"), anchor=False)
    st.write(
        _(
            "The course's repository does not include a licence file yet, so no licence to reuse the course has "
            "been granted: ask the course's maintainers before you copy or adapt it. The works the course cites "
            "belong to their authors and publishers; the course text is written in its own words from them."
        )
    )

    st.header(_("How to cite this course"), anchor=False)
    # The citation is the course's English title as published: it says so on a page in another language.
    with language.english("citation"):
        st.code(citation(state.english_course().settings, app_url(), date.today()), language=None, wrap_lines=True)

    st.header(_("Found a mistake?"), anchor=False)
    st.write(
        _(
            "If something in the course is wrong, out of date, unclear, or reads as advice about taking a "
            "medicine, please tell the trainer or the organisation that gave you the course. Say which module "
            "and section (the page's address names them), what you think is wrong and, if you can, your source."
        )
    )
    st.write(
        _(
            "The course's maintainers check each report against the module's references, record what is still "
            "open in the repository's content review (docs/content-review.md), and list what changed on the "
            "module's overview page once it is fixed. If the content files themselves have an error, the course "
            "shows a Content problems page that names each file and line instead of the course."
        )
    )
