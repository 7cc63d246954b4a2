"""The Spanish facilitator pack's HTML in Chromium with axe: no violation, announced as
Spanish (`html-has-lang`, `html-lang-valid`), and its English parts (speaker notes, discussion
prompts, citations) with a valid `lang` of their own (`valid-lang`). The pack is a file opened
in a browser, not a Streamlit page, so it is loaded as it is and needs no server."""

from __future__ import annotations

from course.export import facilitator_pack_html
from tests.browser.a11y import run_axe

RULES = ("html-has-lang", "html-lang-valid", "valid-lang")


def test_the_spanish_pack_has_no_axe_violation_and_declares_its_languages(real_course, page):
    page.set_content(facilitator_pack_html(real_course, "history", "public", "es"))
    results = run_axe(page)
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in results["violations"]] == []
    assert page.evaluate("() => document.documentElement.lang") == "es"
    english = page.evaluate(
        "() => Array.from(document.querySelectorAll('body [lang]')).map(e => e.getAttribute('lang'))"
    )
    assert english and set(english) == {"en"}
    # The language rules ran and passed (they are not among the results that did not apply).
    checked = page.evaluate(
        "(rules) => axe.run(document, {runOnly: {type: 'rule', values: rules}}).then(r => r.passes.map(p => p.id))",
        list(RULES),
    )
    assert sorted(checked) == sorted(RULES)
