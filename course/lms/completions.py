"""Completions for spreadsheet imports: one row per learner and module, and per learner and
course, for an employer's own staff list (a cohort). docs/lms.md documents the columns.

The layout follows what LMS "historical completion" uploads take (a user key, a course key, a
completion date, a score and a status), UTF-8 with a header row:

| column | holds |
| --- | --- |
| `learner_id` | the course's pseudonymous learner id (always present) |
| `email` | the learner's e-mail when their single sign-on gave one, else empty |
| `name` | the name the learner gave when joining the cohort, else empty |
| `course_code` | `<course id>-<track>`, e.g. `ketamine-therapy-staff` |
| `item` | a module id, or `course` for the whole track |
| `item_title` | the module's title, or the course and track title |
| `completion_date` | the day (UTC, YYYY-MM-DD) the module's quiz was first passed, the course completed, or (for `fail`) last attempted |
| `score_percent` | best quiz score when passed, else the latest; for the course, the certificate's score or the mean of the modules' best |
| `result` | `pass` or `fail` |
| `certificate_id` | the course certificate's id (course rows of certified learners), else empty |

A row is written for an attempt made on or after `since`. These are individual records for
the employer that runs the cohort, not aggregates: the small-group rule (no figures for groups
under 5) applies to the trainer's statistics, not to this list.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from course.events import FAILED, PASSED, quiz_activity
from course.progress import project
from course.records import Store
from course.schema import Course

COLUMNS = (
    "learner_id",
    "email",
    "name",
    "course_code",
    "item",
    "item_title",
    "completion_date",
    "score_percent",
    "result",
    "certificate_id",
)


@dataclass(frozen=True)
class Row:
    learner_id: str
    email: str
    name: str
    course_code: str
    item: str
    item_title: str
    completion_date: date
    score_percent: float
    result: str
    certificate_id: str

    def values(self) -> list[str]:
        return [
            self.learner_id,
            self.email,
            self.name,
            self.course_code,
            self.item,
            self.item_title,
            self.completion_date.isoformat(),
            f"{self.score_percent:g}",
            self.result,
            self.certificate_id,
        ]


def _email(subject: str | None) -> str:
    tail = (subject or "").rsplit("|", 1)[-1]
    return tail if "@" in tail and " " not in tail else ""


def rows(store: Store, course: Course, cohort: str, since: date) -> list[Row]:
    """The cohort's completions since `since` (inclusive), by learner then course order."""
    found = store.cohort(cohort)
    if found is None:
        raise LookupError(f"no cohort with the code {cohort!r}")
    track = course.track(found.track)
    code = f"{course.settings.id}-{track.id}"
    out: list[Row] = []
    for learner_id in sorted(store.cohort_members(found.code)):
        learner = store.learner(learner_id)
        events = store.events(learner_id)
        email, name = _email(learner.auth_subject if learner else None), (learner.display_name or "") if learner else ""
        progress = project(course, events, track.id)
        passed_on: dict[str, datetime] = {}
        last_on: dict[str, datetime] = {}
        for e in events:
            if e.verb in (PASSED, FAILED) and e.track == track.id:
                last_on[e.activity] = e.timestamp
                if e.verb == PASSED:
                    passed_on.setdefault(e.activity, e.timestamp)
        best: list[float] = []
        completed_at: datetime | None = None
        for module, mp in zip(course.track_modules(track.id), progress.modules, strict=True):
            activity = quiz_activity(module.quiz)
            when = passed_on.get(activity) or last_on.get(activity)
            if when is None or mp.latest_percent is None:
                continue
            ok = activity in passed_on
            score = mp.best_percent if ok else mp.latest_percent
            if ok:
                best.append(mp.best_percent or 0.0)
                completed_at = max(completed_at or when, when)
            if when.date() >= since:
                out.append(
                    Row(
                        learner_id,
                        email,
                        name,
                        code,
                        module.id,
                        module.title,
                        when.date(),
                        round(score or 0.0, 1),
                        "pass" if ok else "fail",
                        "",
                    )
                )
        if progress.complete and completed_at is not None and completed_at.date() >= since:
            certs = store.certificates_for(learner_id)
            cert = certs[-1] if certs else None
            score = cert.score_percent if cert else sum(best) / len(best)
            out.append(
                Row(
                    learner_id,
                    email,
                    name,
                    code,
                    "course",
                    f"{course.settings.title}: {track.title}",
                    completed_at.date(),
                    round(score, 1),
                    "pass",
                    cert.certificate_id if cert else "",
                )
            )
    return out


def to_csv(found: list[Row]) -> str:
    """UTF-8 text with a header row (write it with encoding='utf-8'; a byte order mark is not
    added: the import tools that want one say so, and most reject it in the first header)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in found:
        writer.writerow(row.values())
    return buf.getvalue()
