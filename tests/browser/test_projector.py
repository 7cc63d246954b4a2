"""The projector page as a room sees it, at 1920x1080 and on a 1280x720 projector; the course's
own fonts and icon, with nothing fetched from another site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course.polls import poll_questions
from course.records import open_store
from course.slides import build_slides
from tests.browser.a11y import audit
from tests.browser.conftest import wait_ready

MODULE = "history"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # git ignores it: pictures to look at
SCREENS = [(1920, 1080), (1280, 720)]

# Streamlit's chrome and the learner's menu: none of it belongs on the projector.
VISIBLE_CHROME_JS = """
() => ['[data-testid=stSidebar]', '[data-testid=stSidebarNav]', '[data-testid=stSidebarCollapsedControl]',
       '[data-testid=stExpandSidebarButton]', '[data-testid=stHeader]', '[data-testid=stToolbar]',
       '[data-testid=stMainMenu]']
  .filter(s => [...document.querySelectorAll(s)].some(e => e.checkVisibility() && e.getBoundingClientRect().width > 0))
"""

# Every visible text on the page with the size it is drawn at: chart text (SVG) at its size on
# screen, after the chart is scaled to the page.
TEXT_SIZES_JS = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid=stMain]'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !el.checkVisibility()) continue;
    if (el.closest('style, script, [aria-hidden=true]')) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg) {
      const drawn = svg.getBoundingClientRect().width, own = svg.width.baseVal.value;
      if (own) size = size * drawn / own;
    }
    out.push({text: n.textContent.trim().slice(0, 40), size: Math.round(size * 10) / 10,
              colour: getComputedStyle(el).color || getComputedStyle(el).fill});
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def rooms(course_server, real_course):
    """A room showing slide 3, a room showing the module's figure, and a room whose first
    poll's results are revealed."""
    store = open_store(course_server.db_url)
    try:
        slides = store.start_presentation(MODULE, "public", created_by="browser test")
        store.set_slide(slides, 3)
        figure = store.start_presentation(MODULE, "public", created_by="browser test")
        deck = build_slides(real_course, MODULE, "public")
        store.set_slide(figure, next(s.number for s in deck if s.figure is not None))
        polled = store.start_presentation(MODULE, "public", created_by="browser test")
        question = poll_questions(real_course, MODULE, "public")[0]
        poll_id = store.open_poll(polled, question.id)
        for n, option in enumerate([0, 0, 0, 1, 1, 2]):
            store.answer_poll(poll_id, f"browser-phone-{n}", question.options[option][0])
        store.reveal_poll(poll_id)
        return {"slides": slides, "figure": figure, "results": polled}
    finally:
        store.close()


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_projector_shows_no_menu_or_chrome_and_every_text_reads_from_the_back(
    browser, course_server, rooms, width, height
):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    problems: list[str] = []
    # The smallest text a room should have to read: a 32nd of the screen's height (34 px at
    # 1080p, 23 px at 720p), about 24 pt on a 1080p screen.
    smallest = height / 32
    for kind, code in rooms.items():
        page.goto(f"{course_server.url}/audience?room={code}")
        wait_ready(page)
        assert page.evaluate(VISIBLE_CHROME_JS) == [], f"{kind}: the menu or Streamlit's chrome is on the projector"
        # What the room sees, taken before any check so that a failing check has its picture.
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"projector-{kind}-{width}x{height}.png"))
        texts = page.evaluate(TEXT_SIZES_JS)
        assert texts, f"{kind}: no text found"
        small = [t for t in texts if t["size"] < smallest]
        assert not small, f"{kind} at {width}x{height}: text under {smallest:.0f} px: {small[:5]}"
        if kind in ("results", "figure"):
            assert page.locator("[data-testid=stVegaLiteChart]").count() == 1, f"the {kind} chart"
            chart = page.locator("[data-testid=stVegaLiteChart] svg.marks").first.bounding_box()
            assert chart and chart["width"] >= 0.8 * width, f"the {kind} chart spans the screen"
        if kind == "figure":
            # A figure is drawn for the room like the results: its labels, values and title
            # sized with the screen (the test above: none under 1/32 of its height), its
            # longest side inside the screen, and the chart whole on the screen with the
            # slide's heading above it, no scrolling needed.
            svg = page.locator("[data-testid=stVegaLiteChart] svg.marks").first
            chart_texts = svg.evaluate("s => [...s.querySelectorAll('text')].map(t => t.textContent)")
            assert "First made (CI-581)" in chart_texts, chart_texts
            sizes = [t["size"] for t in texts if t["text"] in chart_texts]
            assert sizes and min(sizes) >= smallest, f"figure text at {width}x{height}: {sorted(sizes)[:5]}"
            assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width, f"the figure is cut off: {chart}"
            assert chart["y"] + chart["height"] <= height, f"the figure runs below a {width}x{height} screen: {chart}"
        problems += audit(page, f"projector {kind} at {width}x{height}")
    page.context.close()
    assert not problems, "\n".join(problems)


def test_the_course_font_and_icon_come_from_the_app_itself(browser, course_server, rooms):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    origin = urlsplit(course_server.url).netloc
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if urlsplit(r.url).netloc not in ("", origin) else None)
    for path in ("/", "/about", f"/audience?room={rooms['slides']}"):
        page.goto(course_server.url + path)
        wait_ready(page)
        page.evaluate("document.fonts.ready.then(() => true)")
        family = page.evaluate("getComputedStyle(document.querySelector('[data-testid=stMain] h1')).fontFamily")
        assert "Atkinson Hyperlegible" in family, f"{path}: headings are in {family}"
        assert page.evaluate("document.fonts.check('700 32px \"Atkinson Hyperlegible\"')"), f"{path}: font not loaded"
    icon = page.evaluate("(document.querySelector('link[rel~=icon]') || {}).href || ''")
    assert icon and (icon.startswith("data:") or urlsplit(icon).netloc == origin), f"favicon {icon!r}"
    page.context.close()
    assert not elsewhere, f"requests to other sites: {elsewhere[:5]}"
