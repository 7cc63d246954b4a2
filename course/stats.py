"""Content statistics: the table of modules, sections, questions, figures and references."""

from __future__ import annotations

import statistics
from collections import Counter

from course.content_checks import reading_grade
from course.questions import TYPES as QUESTION_TYPES
from course.questions import type_label
from course.schema import Course

TYPES = tuple(QUESTION_TYPES)
# A cell of the table: a module's name, a count, or a median grade (None without plain text).
Cell = str | int | float | None
COUNTED = ("Sections", "Questions", *TYPES, "scenarios", "Figures", "References")


def content_rows(course: Course) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for n, m in enumerate(course.modules, start=1):
        quiz = course.quizzes[m.quiz]
        kinds: Counter[str] = Counter(q.type for _, q in quiz.items())
        scenarios = sum(q.type == "scenario" for q in quiz.questions)
        grades = [reading_grade(s.plain) for s in m.sections if s.plain]
        rows.append(
            {
                "Module": f"{n}. {m.title}",
                "Sections": len(m.sections),
                "Questions": len(quiz.items()),
                **{t: kinds.get(t, 0) for t in TYPES},
                "scenarios": scenarios,
                "Figures": sum(len(s.figures) for s in m.sections),
                "References": len(m.references),
                "Median plain grade": round(statistics.median(grades), 1) if grades else None,
            }
        )
    return rows


def _count(cell: Cell) -> int:
    """A count column's cell (`content_rows` writes an int in each)."""
    if not isinstance(cell, int):
        raise TypeError(f"expected a count, got {cell!r}")
    return cell


def markdown_table(course: Course) -> str:
    rows = content_rows(course)
    grades = [reading_grade(s.plain) for m in course.modules for s in m.sections if s.plain]
    total: dict[str, Cell] = {
        "Module": "**All modules**",
        **{k: sum(_count(r[k]) for r in rows) for k in COUNTED},
        "Median plain grade": round(statistics.median(grades), 1) if grades else None,
    }
    headers = list(rows[0])
    titles = {
        **{t: type_label(t) for t in TYPES},
        "scenarios": "scenarios (staff)",
    }
    lines = [
        "| " + " | ".join(titles.get(h, h) for h in headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|",
    ]
    for r in [*rows, total]:
        lines.append("| " + " | ".join(str(r[h]) for h in headers) + " |")
    extras = []
    for key, label in (("pre_test", "Pre-test"), ("post_test", "Post-test")):
        qid = getattr(course.settings, key)
        if qid:
            extras.append(f"{label}: {len(course.quizzes[qid].items())} questions")
    if course.settings.attitude_survey:
        survey = course.surveys[course.settings.attitude_survey]
        extras.append(
            f"Attitude survey: {len(survey.items)} items ({sum(i.reverse for i in survey.items)} reverse-scored)"
        )
    note = (
        "Questions count every gradable item, including the parts of scenarios; "
        "the median plain grade is the Flesch-Kincaid grade of the plain-language text."
    )
    return "\n".join(lines) + "\n\n" + (" · ".join(extras) + "\n\n" if extras else "") + note + "\n"
