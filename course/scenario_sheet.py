"""Branching scenarios as a discussion sheet in the facilitator pack (HTML part).

A group reads each step, talks through the choices, and the facilitator reads out where each
one leads; the sheet gives every choice's feedback and every ending's rating (in words) and
debrief, with citations numbered as in the rest of the pack. Pure: data in, HTML text out.
The sheet's own words come from the gettext catalogue in the pack's language (`lang`); the
scenarios' texts come translated with the course (`course.translation`).
"""

from __future__ import annotations

import html
import string

from course.i18n import DEFAULT, N_, gettext_for
from course.schema import BranchingScenario, Course, Module
from course.slides import number_citations

# An ending's rating in words (`Ending.rating_words`, English): marked here for the catalogue.
_RATING_WORDS = (N_("Safe"), N_("Acceptable, with gaps"), N_("Unsafe"), N_("Not rated"))


def pack_scenarios(course: Course, module: Module, audience: str) -> tuple[BranchingScenario, ...]:
    """The module's scenarios that a track of `audience` sees (a public pack gets no staff-only one)."""
    audiences = {t.id: t.audience for t in course.settings.tracks}
    return tuple(s for s in course.module_scenarios(module.id) if any(audiences.get(t) == audience for t in s.tracks))


def _text(text: str, numbers: dict[str, int]) -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(number_citations(p, numbers))}</p>" for p in paragraphs)


def scenarios_html(
    scenarios: tuple[BranchingScenario, ...], module: Module, numbers: dict[str, int], lang: str = DEFAULT
) -> str:
    """The sheet: one part per scenario, steps then endings; "" when there are none."""
    if not scenarios:
        return ""
    e = html.escape
    headings = {s.id: s.heading for s in module.sections}
    heading = gettext_for(lang, "Scenarios for discussion")
    out = [
        '<section id="scenarios" aria-labelledby="scenarios-heading">',
        f'<h2 id="scenarios-heading">{e(heading)}</h2>',
        "<p>"
        + e(
            gettext_for(
                lang,
                "Read each step to the group and ask which choice they would make, and why. Then read out the "
                "feedback for the choice they settle on, and follow it to the next step. No choice is timed; the "
                "endings are rated safe, acceptable or unsafe, and each says which part of the module teaches "
                "the point.",
            )
        )
        + "</p>",
    ]
    step_label = gettext_for(lang, "Step {number}")
    ending_label = gettext_for(lang, "Ending: {title}")
    for s in scenarios:
        labels = {st.id: step_label.format(number=i) for i, st in enumerate(s.steps, start=1)}
        labels.update({en.id: ending_label.format(title=en.title) for en in s.endings})
        out.append(f'<article class="scenario" id="scenario-{e(s.id)}">')
        out.append(f"<h3>{e(s.title)}</h3>")
        about = gettext_for(lang, "(About {minutes} minutes; it starts at {start}.)").format(
            minutes=s.estimated_minutes, start=labels[s.start]
        )
        out.append(f"<p>{e(s.summary)} {e(about)}</p>")
        for i, step in enumerate(s.steps, start=1):
            out.append(f"<h4>{e(step_label.format(number=i))}</h4>")
            out.append(_text(step.situation, numbers))
            if step.vitals is not None:
                head = "".join(f'<th scope="col">{e(c)}</th>' for c in step.vitals.columns)
                rows = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in r) + "</tr>" for r in step.vitals.rows)
                out.append(
                    f"<table><caption>{e(step.vitals.caption)}</caption><thead><tr>{head}</tr></thead>"
                    f"<tbody>{rows}</tbody></table>"
                )
            which = e(gettext_for(lang, "Which would you do, and why?"))
            out.append(f'<p><strong>{which}</strong></p><ol type="A">')
            feedback, leads_to = e(gettext_for(lang, "Feedback:")), e(gettext_for(lang, "Leads to:"))
            for letter, c in zip(string.ascii_uppercase, step.choices, strict=False):
                out.append(
                    f'<li value="{string.ascii_uppercase.index(letter) + 1}">{e(c.text)}'
                    f"<br><em>{feedback}</em> {e(number_citations(' '.join(c.feedback.split()), numbers))}"
                    f" <em>{leads_to}</em> {e(labels.get(c.next, c.next))}.</li>"
                )
            out.append("</ol>")
        for en in s.endings:
            out.append(f"<h4>{e(ending_label.format(title=en.title))}</h4>")
            outcome = gettext_for(lang, "Outcome: {rating}").format(rating=gettext_for(lang, en.rating_words))
            out.append(f"<p><strong>{e(outcome)}</strong></p>")
            out.append(_text(en.debrief, numbers))
            taught = ", ".join(headings.get(sid, sid) for sid in en.sections)
            read_more = gettext_for(lang, "Read more in the module: {sections}.").format(sections=taught)
            out.append(f"<p>{e(read_more)}</p>")
        out.append("</article>")
    out.append("</section>")
    return "\n".join(out)
