"""Helpers for the browser accessibility tests: axe audits, page checks, answering a quiz."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from course.i18n import gettext_for
from tests.browser.conftest import wait_ready

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
_axe = Axe()

# Headings inside the main area, in order; the sidebar and toolbar are Streamlit's own.
HEADINGS_JS = """
() => Array.from(document.querySelectorAll(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map(h => '[data-testid=stMain] ' + h).join(', ')))
  .filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))
"""

UNLABELLED_GRAPHICS_JS = """
() => {
  const bad = [];
  document.querySelectorAll('[data-testid=stVegaLiteChart]').forEach(c => {
    if (!(c.getAttribute('aria-label') || '').trim()) bad.push('chart without a text alternative');
  });
  document.querySelectorAll('[data-testid=stMain] img').forEach(i => {
    if (!i.hasAttribute('alt')) bad.push('img without alt: ' + i.src.slice(0, 60));
  });
  return bad;
}
"""

OVERFLOW_JS = """
() => {
  const main = document.querySelector('[data-testid=stMain]');
  const doc = document.documentElement;
  return {doc: doc.scrollWidth - doc.clientWidth, main: main ? main.scrollWidth - main.clientWidth : 0};
}
"""

# Text cut off, whether hidden outright or ended with "...": in the page, in buttons (whose
# label sits in a Markdown container) and in the sidebar's menu links.
CLIPPED_TEXT_JS = """
() => Array.from(document.querySelectorAll(
    ['button', 'button [data-testid=stMarkdownContainer]', 'p', 'label', 'h1', 'h2', 'h3']
      .map(t => '[data-testid=stMain] ' + t)
      .concat(['[data-testid=stSidebarNavLink] span', '[data-testid=stSidebarNavLink] [data-testid=stMarkdownContainer]'])
      .join(', ')))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 2 && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.tagName + ': ' + e.innerText.slice(0, 50))
"""

# axe cannot decide contrast for text inside a chart's SVG ("contains an image node"), so we
# compute it ourselves: each text's fill against the chart background, WCAG formula.
SVG_TEXT_CONTRAST_JS = """
() => {
  const parse = c => { const m = (c || '').match(/\\d+(\\.\\d+)?/g); return m && m.length >= 3 ? m.slice(0, 3).map(Number) : null; };
  const lum = rgb => { const l = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
  const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const out = [];
  document.querySelectorAll('[data-testid=stVegaLiteChart] svg').forEach(svg => {
    const page = parse(getComputedStyle(svg).backgroundColor) || [255, 255, 255];
    // Filled marks a label could sit on: bars, points, areas.
    const marks = Array.from(svg.querySelectorAll('path[role=graphics-symbol], rect[role=graphics-symbol]'))
      .map(m => ({box: m.getBoundingClientRect(), fill: parse(getComputedStyle(m).fill)})).filter(m => m.fill);
    // A title on several lines is a <text> of <tspan>s: each line is checked with its own fill.
    svg.querySelectorAll('text, tspan').forEach(t => {
      if (!t.textContent.trim()) return;
      const fg = parse(getComputedStyle(t).fill);
      if (!fg) { out.push({text: t.textContent, ratio: 0}); return; }
      const box = t.getBoundingClientRect();
      const backgrounds = [page, ...marks.filter(m => overlaps(box, m.box)).map(m => m.fill)];
      const worst = Math.min(...backgrounds.map(bg => ratio(fg, bg)));
      const size = parseFloat(getComputedStyle(t).fontSize);
      const need = size >= 24 || (size >= 18.66 && Number(getComputedStyle(t).fontWeight) >= 700) ? 3 : 4.5;
      if (worst < need) out.push({text: t.textContent.slice(0, 40), ratio: Math.round(worst * 100) / 100});
    });
  });
  return out;
}
"""

FOCUS_VISIBLE_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {ok: true, what: 'body'};
  const shows = e => {
    if (!e) return false;
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    return outline || (s.boxShadow && s.boxShadow !== 'none');
  };
  const label = el.closest('label');
  const what = (el.getAttribute('aria-label') || el.innerText || el.value || el.tagName).slice(0, 60);
  return {ok: shows(el) || shows(label), what};
}
"""


# Only violations and undecided results are read: passes and rules that do not apply are
# listed without their nodes, which axe would otherwise gather and send back on every audit
# (the same rules run either way). axe is injected once per document, not on every audit.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations", "incomplete"]}


def run_axe(page) -> dict:
    """axe's results for the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    return page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)


# axe's rules on the page's language (WCAG 3.1.1 and 3.1.2): the document has a lang, it is a
# valid one, and every other lang attribute in the page is valid.
LANG_RULES = ("html-has-lang", "html-lang-valid", "valid-lang")


def language_problems(page, name: str, lang: str, response: dict) -> list[str]:
    """The document says `lang` and axe's language rules ran on it and passed. valid-lang
    applies only where an element below <html> has a lang of its own (an English part in a
    Spanish page); on a page with none, axe reports it as not applicable, which is right."""
    problems = []
    said = page.evaluate("() => document.documentElement.lang")
    if said != lang:
        problems.append(f"{name}: <html lang={said!r}>, the page is shown in {lang!r}")
    passed = {r["id"] for r in response["passes"]}
    inapplicable = {r["id"] for r in response["inapplicable"]}
    own_lang = page.evaluate("() => document.body.querySelectorAll('[lang]').length")
    for rule in LANG_RULES:
        if rule == "valid-lang" and not own_lang and rule in inapplicable:
            continue
        if rule not in passed:
            problems.append(f"{name}: axe's {rule} did not run and pass")
    return problems


def audit(page, name: str, lang: str | None = None, wait: bool = True) -> list[str]:
    """Every problem on the current page: axe violations (and colour-contrast results axe could
    not decide), more than one h1, skipped heading levels, charts or images without text; with
    `lang`, also a document not in that language (`language_problems`). It first waits for the
    page to be drawn; `wait=False` when the caller has just waited (`click`, `answer_quiz`), as
    a second wait finds the same page and costs a few animation frames."""
    if wait:
        wait_ready(page)
    problems = []
    response = run_axe(page)
    if lang is not None:
        problems += language_problems(page, name, lang, response)
    for v in response["violations"]:
        targets = [n["target"] for n in v["nodes"][:3]]
        first = v["nodes"][0] if v["nodes"] else {}
        why = first.get("failureSummary", "").replace("\n", " ")[:200]
        problems.append(f"{name}: axe {v['id']} ({v['impact']}) at {targets}: {first.get('html', '')[:120]} {why}")
    for v in response["incomplete"]:
        if v["id"] != "color-contrast":
            continue
        # Chart text (and the lines of a wrapped chart title) is checked by
        # SVG_TEXT_CONTRAST_JS below; anything else undecided fails.
        undecided = [
            n
            for n in v["nodes"]
            if not n["html"].startswith(("<text", "<tspan"))
            or (n["any"][0].get("data") or {}).get("messageKey") not in ("imgNode", "shortTextContent")
        ]
        if undecided:
            problems.append(f"{name}: colour contrast axe could not decide at {[n['target'] for n in undecided[:3]]}")
    for low in page.evaluate(SVG_TEXT_CONTRAST_JS):
        problems.append(f"{name}: chart text {low['text']!r} has contrast {low['ratio']}:1")
    levels = page.evaluate(HEADINGS_JS)
    if levels.count(1) != 1:
        problems.append(f"{name}: {levels.count(1)} h1 elements (want exactly one)")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"{name}: heading level jumps from h{before} to h{after}")
    problems += [f"{name}: {p}" for p in page.evaluate(UNLABELLED_GRAPHICS_JS)]
    return problems


def click(page, role: str, name: str, exact: bool = False) -> None:
    page.get_by_role(role, name=name, exact=exact).first.click()
    wait_ready(page)


def answer_quiz(
    page, quiz, track: str, wrong: dict | None = None, lang: str = "en", submit: str = "Submit answers"
) -> None:
    """Answer the quiz form in the browser by clicking, every answer right except `wrong`, on a
    page in `lang` (`quiz` as that page shows it); then press `submit` (its English)."""
    wrong = wrong or {}
    form = page.locator("[data-testid=stMain]")  # the quiz is not a form: answers are kept as chosen
    radios, boxes, selects = (form.locator(f"[data-testid={t}]") for t in ("stRadio", "stCheckbox", "stSelectbox"))
    r = c = s = 0
    for _, q in quiz.items(track):
        if q.type == "single":
            choice = wrong.get(q.id, q.answer)
            text = next(o.text for o in q.options if o.id == choice)
            radios.nth(r).get_by_text(text, exact=True).click()
            r += 1
        elif q.type == "true_false":
            value = wrong.get(q.id, q.answer)
            radios.nth(r).get_by_text(gettext_for(lang, "True" if value else "False"), exact=True).click()
            r += 1
        elif q.type == "multiple":
            for o in q.options:
                if o.id in q.answer:
                    boxes.nth(c).locator("label").click()
                c += 1
        else:
            for o in q.options:
                box = selects.nth(s).locator("input")
                box.click()
                box.fill(str(q.answer.index(o.id) + 1))  # type to filter the list, then take it
                page.keyboard.press("Enter")
                s += 1
    page.get_by_role("button", name=gettext_for(lang, submit)).click()
    wait_ready(page)
