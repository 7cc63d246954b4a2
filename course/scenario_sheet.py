"""Branching scenarios as a discussion sheet in the facilitator pack (HTML part).

A group reads each step, talks through the choices, and the facilitator reads out where each
one leads; the sheet gives every choice's feedback and every ending's rating (in words) and
debrief, with citations numbered as in the rest of the pack. Pure: data in, HTML text out.
"""

from __future__ import annotations

import html
import string

from course.schema import BranchingScenario, Course, Module
from course.slides import number_citations


def pack_scenarios(course: Course, module: Module, audience: str) -> tuple[BranchingScenario, ...]:
    """The module's scenarios that a track of `audience` sees (a public pack gets no staff-only one)."""
    audiences = {t.id: t.audience for t in course.settings.tracks}
    return tuple(s for s in course.module_scenarios(module.id) if any(audiences.get(t) == audience for t in s.tracks))


def _text(text: str, numbers: dict[str, int]) -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(number_citations(p, numbers))}</p>" for p in paragraphs)


def scenarios_html(scenarios: tuple[BranchingScenario, ...], module: Module, numbers: dict[str, int]) -> str:
    """The sheet: one part per scenario, steps then endings; "" when there are none."""
    if not scenarios:
        return ""
    e = html.escape
    headings = {s.id: s.heading for s in module.sections}
    out = [
        '<section id="scenarios" aria-labelledby="scenarios-heading">',
        '<h2 id="scenarios-heading">Scenarios for discussion</h2>',
        "<p>Read each step to the group and ask which choice they would make, and why. Then read out the "
        "feedback for the choice they settle on, and follow it to the next step. No choice is timed; the "
        "endings are rated safe, acceptable or unsafe, and each says which part of the module teaches the point.</p>",
    ]
    for s in scenarios:
        labels = {st.id: f"Step {i}" for i, st in enumerate(s.steps, start=1)}
        labels.update({en.id: f"Ending: {en.title}" for en in s.endings})
        out.append(f'<article class="scenario" id="scenario-{e(s.id)}">')
        out.append(f"<h3>{e(s.title)}</h3>")
        out.append(f"<p>{e(s.summary)} (About {s.estimated_minutes} minutes; it starts at {e(labels[s.start])}.)</p>")
        for i, step in enumerate(s.steps, start=1):
            out.append(f"<h4>Step {i}</h4>")
            out.append(_text(step.situation, numbers))
            if step.vitals is not None:
                head = "".join(f'<th scope="col">{e(c)}</th>' for c in step.vitals.columns)
                rows = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in r) + "</tr>" for r in step.vitals.rows)
                out.append(
                    f"<table><caption>{e(step.vitals.caption)}</caption><thead><tr>{head}</tr></thead>"
                    f"<tbody>{rows}</tbody></table>"
                )
            out.append('<p><strong>Which would you do, and why?</strong></p><ol type="A">')
            for letter, c in zip(string.ascii_uppercase, step.choices, strict=False):
                out.append(
                    f'<li value="{string.ascii_uppercase.index(letter) + 1}">{e(c.text)}'
                    f"<br><em>Feedback:</em> {e(number_citations(' '.join(c.feedback.split()), numbers))}"
                    f" <em>Leads to:</em> {e(labels.get(c.next, c.next))}.</li>"
                )
            out.append("</ol>")
        for en in s.endings:
            out.append(f"<h4>Ending: {e(en.title)}</h4>")
            out.append(f"<p><strong>Outcome: {e(en.rating_words)}</strong></p>")
            out.append(_text(en.debrief, numbers))
            taught = ", ".join(headings.get(sid, sid) for sid in en.sections)
            out.append(f"<p>Read more in the module: {e(taught)}.</p>")
        out.append("</article>")
    out.append("</section>")
    return "\n".join(out)
