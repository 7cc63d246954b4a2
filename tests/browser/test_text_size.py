"""Text size and narrow screens (issue 22): at 320 px and 200% text no word in a heading, menu
link or button is split across lines; charts grow with the text; My progress passes axe at
both widths and both text sizes.

Set COURSE_SCREENSHOTS to a folder to keep a full-page screenshot of each state looked at."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.a11y import audit, click
from tests.browser.conftest import start, wait_ready

# Words (split at spaces, hyphens and dashes, where a line may end) of the visible headings,
# menu links and buttons whose boxes lie on more than one line: a word broken mid-word.
SPLIT_WORDS_JS = """() => {
  const split = [];
  const seen = new Set();
  const where = ['[data-testid=stMain] h1', '[data-testid=stMain] h2', '[data-testid=stMain] h3',
                 '[data-testid=stSidebarNavLink]', '[data-testid=stMain] button'];
  for (const el of document.querySelectorAll(where.join(', '))) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest('[data-testid=stIconMaterial]')) continue;  // an icon's ligature name
      const words = /[^\\s\\-\u2010\u2013\u2014/]+/g;
      let m;
      while ((m = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        const key = m[0] + '@' + el.tagName;
        if (tops.size > 1 && !seen.has(key)) { seen.add(key); split.push(m[0] + ' (' + el.tagName.toLowerCase() + ')'); }
      }
    }
  }
  return split;
}"""

# The font sizes of the text drawn in the page's charts (Vega draws SVG text elements).
CHART_FONT_SIZES_JS = """() => Array.from(document.querySelectorAll('[data-testid=stVegaLiteChart] svg text'))
  .filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))"""


def shot(page, name: str) -> None:
    folder = os.environ.get("COURSE_SCREENSHOTS")
    if folder:  # the main area scrolls, not the page: a viewport as tall as its content
        size = page.viewport_size
        tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": min(tall + 50, 12000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
        page.set_viewport_size(size)


def set_text_size(page, server, percent: int) -> None:
    """The learner sets the text size on Display settings (100, 125, 150 or 200)."""
    page.goto(f"{server.url}/settings")
    wait_ready(page)
    slider = page.get_by_role("slider")
    slider.focus()
    for _ in range((100, 125, 150, 200).index(percent)):
        page.keyboard.press("ArrowRight")
    click(page, "button", "Save settings")
    assert f"font-size: {percent}%" in page.content() or percent == 100


def with_history(page, server, course) -> None:
    """A new public-track learner with a history to show: the start check and survey taken,
    module 1 passed, module 2 begun."""
    from course.events import (
        ANSWERED,
        COMPLETED,
        EXPERIENCED,
        PASSED,
        Event,
        knowledge_test_activity,
        question_activity,
        quiz_activity,
        section_activity,
        survey_activity,
    )
    from course.records import open_store

    start(page, server, "Community and self-paced learning")
    page.get_by_text("Save your place: your private resume link").click()
    code = page.locator("[data-testid=stCode] code").first.inner_text().split("?resume=")[1].strip()
    store = open_store(server.db_url)
    settings = course.settings
    modules = [course.module(m) for m in course.track("public").modules]
    when = datetime.now(UTC) - timedelta(hours=1)
    try:
        learner = store.learner_for_resume_code(code)

        def add(**fields) -> None:
            nonlocal when
            when += timedelta(seconds=30)
            store.append(Event(learner_id=learner, track="public", timestamp=when, **fields))

        add(verb=COMPLETED, activity=knowledge_test_activity(settings.pre_test), score=4, max_score=10)
        survey = course.surveys[settings.attitude_survey]
        for n, item in enumerate(survey.items):
            add(
                verb=ANSWERED,
                activity=question_activity(item.id),
                response=str(2 + n % 3),
                context={"survey": survey.id, "phase": "start"},
            )
        add(verb=COMPLETED, activity=survey_activity(survey.id), context={"phase": "start"})
        for section in modules[0].sections:
            add(verb=EXPERIENCED, activity=section_activity(modules[0].id, section.id), duration_s=240)
        add(verb=PASSED, activity=quiz_activity(modules[0].quiz), score=9, max_score=10, success=True)
        add(verb=EXPERIENCED, activity=section_activity(modules[1].id, modules[1].sections[0].id), duration_s=180)
    finally:
        store.close()


def open_my_progress(page, server) -> None:
    page.goto(f"{server.url}/progress")
    wait_ready(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_my_progress_at_both_widths_and_text_sizes_has_no_violations(browser, course_server, real_course, width):
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    with_history(page, course_server, real_course)
    problems = []
    sizes = {}
    for percent in (100, 200):
        set_text_size(page, course_server, percent)
        open_my_progress(page, course_server)
        assert (
            page.get_by_role(
                "button", name=f"Continue: {real_course.module(real_course.track('public').modules[1]).title}"
            ).count()
            == 1
        )
        shot(page, f"my-progress-{width}-{percent}")
        problems += [f"{width} px, {percent}%: {v}" for v in audit(page, f"my progress {width} {percent}")]
        sizes[percent] = page.evaluate(CHART_FONT_SIZES_JS)
    assert not problems, "\n".join(problems)
    # Chart text follows the page's: the smallest chart text doubles with the text size.
    assert sizes[100] and sizes[200]
    assert min(sizes[200]) == pytest.approx(2 * min(sizes[100]), abs=1)


def test_no_word_is_split_across_lines_at_320_px_and_200_percent_text(browser, course_server, real_course):
    page = browser.new_context(viewport={"width": 320, "height": 900}).new_page()
    with_history(page, course_server, real_course)
    set_text_size(page, course_server, 200)
    split = []
    page.goto(course_server.url)
    wait_ready(page)
    split += [f"course map: {w}" for w in page.evaluate(SPLIT_WORDS_JS)]
    shot(page, "map-320-200")
    page.get_by_role("button", name=real_course.module(real_course.track("public").modules[0]).title).count()
    page.goto(f"{course_server.url}/{real_course.track('public').modules[0]}")
    wait_ready(page)
    split += [f"module: {w}" for w in page.evaluate(SPLIT_WORDS_JS)]
    shot(page, "module-320-200")
    open_my_progress(page, course_server)
    split += [f"my progress: {w}" for w in page.evaluate(SPLIT_WORDS_JS)]
    page.get_by_role("button", name="Open sidebar").or_(
        page.locator("[data-testid=stExpandSidebarButton]")
    ).first.click()
    page.locator("[data-testid=stSidebar][data-collapsed=false]").wait_for()
    wait_ready(page)  # no run: until the menu has slid fully open
    split += [f"menu: {w}" for w in page.evaluate(SPLIT_WORDS_JS)]
    shot(page, "menu-320-200")
    assert not split, "\n".join(split)
