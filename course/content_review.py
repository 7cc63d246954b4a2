"""Content governance: when each module's content review is due (`review.next_review`), as errors
(overdue past the grace period) and warnings (overdue, or due soon) for `python -m course validate`
and the loader.
"""

from __future__ import annotations

from datetime import date

from course.schema import Module
from course.yaml_source import Path_, Problem, Source

# Content governance: `review.next_review` this close is a warning; this long past, an error.
REVIEW_DUE_DAYS = 30
REVIEW_GRACE_DAYS = 90


def review_findings(modules: list[tuple[Module, Source]], today: date) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about when each module's content review is due, as of `today`."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for m, src in modules:
        if m.review is None:
            continue  # reported as missing by the loader
        due = m.review.next_review
        days = (due - today).days
        path: Path_ = ("review", "next_review")
        if days < -REVIEW_GRACE_DAYS:
            errors.append(
                src.problem(
                    path,
                    f"review overdue: next_review was {due.isoformat()}, {-days} days ago (more than the "
                    f"{REVIEW_GRACE_DAYS}-day grace period); review the module, then update its review: block",
                )
            )
        elif days < 0:
            warnings.append(
                src.problem(
                    path,
                    f"review overdue: next_review was {due.isoformat()}, {-days} days ago; after "
                    f"{REVIEW_GRACE_DAYS} days this is an error",
                )
            )
        elif days <= REVIEW_DUE_DAYS:
            warnings.append(
                src.problem(
                    path, f"review due: next_review is {due.isoformat()}, in {days} day{'s' if days != 1 else ''}"
                )
            )
    return errors, warnings
