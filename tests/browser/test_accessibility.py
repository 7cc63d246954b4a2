"""WCAG 2.2 AA in a real browser: axe on every page and state a learner can reach, plus
reflow, text size, keyboard-only use, headings, text alternatives and announced feedback."""

from __future__ import annotations

import shutil

import pytest

from course.devserver import Server
from tests.browser.a11y import (
    CLIPPED_TEXT_JS,
    FOCUS_VISIBLE_JS,
    OVERFLOW_JS,
    answer_quiz,
    audit,
    click,
)
from tests.browser.conftest import ROOT, first_quiz_on_the_public_track, pass_every_staff_module, start, wait_ready
from tests.browser.ready import wait_frames

pytestmark = pytest.mark.browser


def test_every_learner_page_and_state_has_no_accessibility_violations(page, course_server, real_course):
    problems: list[str] = []
    page.goto(course_server.url)
    problems += audit(page, "home: choose a track")
    click(page, "button", "Display settings")
    problems += audit(page, "display settings", wait=False)
    click(page, "button", "Back to the course")

    page.get_by_text("Community and self-paced learning", exact=True).click()
    click(page, "button", "Start the course")
    problems += audit(page, "home: course map", wait=False)
    click(page, "button", "Take the start check")
    problems += audit(page, "before you start: check-ins", wait=False)

    # The menu lists this (the public) track's modules, numbered in its order: no staff-only module.
    staff_only = [m for m in real_course.modules if m.id not in real_course.track("public").modules]
    assert staff_only, "the course has a staff-only module"
    for m in staff_only:
        assert page.get_by_role("link", name=m.title).count() == 0, m.id
    # Every module page on this track, every part of it, and every quiz before answering.
    for n, module in enumerate(real_course.track_modules("public"), start=1):
        click(page, "link", f"{n}. {module.title}", exact=True)
        problems += audit(page, f"{module.id}: overview", wait=False)
        while page.get_by_role("button", name="Take the quiz").count() == 0:
            click(page, "button", "Next:")
            problems += audit(page, f"{module.id}: {page.locator('h2').first.inner_text()}", wait=False)
        click(page, "button", "Take the quiz")
        problems += audit(page, f"{module.id}: quiz before answering", wait=False)

    # A quiz after submitting with nothing answered, and after a wrong answer (feedback shown).
    first = real_course.modules[0]
    quiz = real_course.quizzes[first.quiz]
    click(page, "link", f"1. {first.title}", exact=True)
    while page.get_by_role("button", name="Take the quiz").count() == 0:
        click(page, "button", "Next:")
    click(page, "button", "Take the quiz")
    click(page, "button", "Submit answers")
    problems += audit(page, "quiz: submitted with questions unanswered", wait=False)
    q1 = quiz.items("public")[0][1]
    answer_quiz(page, quiz, "public", wrong={q1.id: next(o.id for o in q1.options if o.id != q1.answer)})
    assert "Passed." in page.locator("[data-testid=stMain]").inner_text()
    problems += audit(page, "quiz: after a wrong answer, passed", wait=False)
    click(page, "button", "Try again")
    answer_quiz(
        page,
        quiz,
        "public",
        wrong={q.id: (not q.answer) for _, q in quiz.items("public") if q.type == "true_false"}
        | {
            q.id: next(o.id for o in q.options if o.id != q.answer)
            for _, q in quiz.items("public")
            if q.type == "single"
        },
    )
    problems += audit(page, "quiz: not passed", wait=False)

    click(page, "link", "My progress", exact=True)
    problems += audit(page, "my progress with data", wait=False)
    click(page, "link", "Final check", exact=True)
    problems += audit(page, "final check", wait=False)
    click(page, "link", "Verify a certificate", exact=True)
    problems += audit(page, "verify: empty", wait=False)
    page.get_by_label("Certificate id").fill("KT-NOPE-NOPE-NOPE")
    click(page, "button", "Check")
    problems += audit(page, "verify: not valid", wait=False)
    assert not problems, "\n".join(problems)


def test_certificate_and_verify_pages_have_no_violations(page, course_server, real_course):
    pass_every_staff_module(page, course_server, real_course)
    click(page, "link", "My progress", exact=True)
    page.get_by_label("Your full name, as it should appear").fill("Alex Ngata")
    click(page, "button", "Issue my certificate")
    problems = audit(page, "my progress: certificate issued")
    cert_id = page.get_by_text("Certificate KT-").inner_text().split()[1]
    click(page, "link", "Verify a certificate", exact=True)
    page.get_by_label("Certificate id").fill(cert_id)
    click(page, "button", "Check")
    assert "This certificate is valid." in page.locator("[data-testid=stMain]").inner_text()
    problems += audit(page, "verify: valid certificate")
    assert not problems, "\n".join(problems)


def test_content_error_page_has_no_violations(browser, tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(ROOT / "modules", broken / "modules")
    shutil.copytree(ROOT / "quizzes", broken / "quizzes")
    path = broken / "modules" / "01-history.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("estimated_minutes: 20", "estimated_minutes: twenty"))
    server = Server(
        {"COURSE_CONTENT_ROOT": str(broken), "COURSE_DB_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        tmp_path / "server.log",
    )
    # Under the policy, as browser.new_page() had it; a context of the fixture's, for wait_ready.
    context = browser.new_context(bypass_csp=False)
    try:
        page = context.new_page()
        page.goto(server.url)
        wait_ready(page)
        assert "estimated_minutes: expected a whole number" in page.locator("[data-testid=stMain]").inner_text()
        assert audit(page, "content problems") == []
    finally:
        context.close()
        server.stop()


def no_overflow(page, name: str) -> list[str]:
    wait_ready(page)
    over = page.evaluate(OVERFLOW_JS)
    problems = [f"{name}: scrolls sideways by {over}"] if over["doc"] > 0 or over["main"] > 0 else []
    problems += [f"{name}: text cut off in {t}" for t in page.evaluate(CLIPPED_TEXT_JS)]
    return problems


# Words of the page's h1 and h2 headings that the browser had to break across two lines
# (a break after a hyphen or dash, as in "off-label", is fine).
BROKEN_HEADING_WORDS_JS = """() => {
  const broken = [];
  for (const h of document.querySelectorAll('[data-testid=stMain] h1, [data-testid=stMain] h2')) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, words = /[^\\s\\-\u2013\u2014]+/g; // a hyphen or dash may end a line
      let m;
      while ((m = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def on_a_phone(page, name: str) -> list[str]:
    problems = no_overflow(page, name)
    return problems + [f"{name}: heading word broken across lines: {w}" for w in page.evaluate(BROKEN_HEADING_WORDS_JS)]


@pytest.mark.parametrize("width", [320])
def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(browser, course_server, real_course, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    problems = []
    page.goto(course_server.url)
    problems += on_a_phone(page, "home")
    page.get_by_text("Community and self-paced learning", exact=True).click()
    click(page, "button", "Start the course")
    problems += on_a_phone(page, "course map")
    first = real_course.modules[0]
    click(page, "button", f"Start: {first.title}")
    while page.get_by_role("button", name="Take the quiz").count() == 0:
        click(page, "button", "Next:")
        problems += on_a_phone(page, page.locator("h2").first.inner_text())
    click(page, "button", "Take the quiz")
    problems += on_a_phone(page, "quiz")
    assert not problems, "\n".join(problems)
    # A screen reader names each question's group by its label as written: no Markdown marks.
    names = page.evaluate(
        "() => [...document.querySelectorAll('[role=radiogroup]')].map(e => e.getAttribute('aria-label'))"
    )
    assert names and all(n.startswith("Question ") and "*" not in n for n in names), names


TEXT_SIZES_JS = """() => {
  const size = s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
  return {heading: size('h1'), body: size('[data-testid=stMain] [data-testid=stMarkdownContainer] > p'),
          button: size('[data-testid=stMain] button p'), label: size('[data-testid=stWidgetLabel] p')};
}"""


def test_nothing_is_cut_off_at_200_percent_text(page, course_server, real_course):
    page.goto(course_server.url)
    wait_ready(page)
    normal = page.evaluate(TEXT_SIZES_JS)
    click(page, "button", "Display settings")
    slider = page.get_by_role("slider")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    click(page, "button", "Save settings")
    assert "font-size: 200%" in page.content()
    problems = no_overflow(page, "settings at 200%")
    click(page, "button", "Back to the course")
    # Twice the size, every kind of text: not body text at four times (scaled twice).
    doubled = page.evaluate(TEXT_SIZES_JS)
    assert {k: doubled[k] / normal[k] for k in normal} == pytest.approx({k: 2.0 for k in normal}, abs=0.05)
    problems += no_overflow(page, "home at 200%")
    page.get_by_text("Community and self-paced learning", exact=True).click()
    click(page, "button", "Start the course")
    click(page, "button", f"Start: {real_course.modules[0].title}")
    click(page, "button", "Next:")
    problems += no_overflow(page, "a section at 200%")
    assert not problems, "\n".join(problems)


def test_quiz_feedback_is_announced_by_a_live_region_that_is_updated_not_replaced(page, course_server, real_course):
    first_quiz_on_the_public_track(page, course_server, real_course)
    first = real_course.modules[0]
    region = page.locator("[data-testid=stMain] [role=status]").filter(has_text="Answer every question, then press")
    assert region.count() == 1
    region.evaluate("el => { el.dataset.marker = 'before-submit'; }")
    answer_quiz(page, real_course.quizzes[first.quiz], "public")
    same = page.locator("[role=status][data-marker=before-submit]")
    assert same.count() == 1, "the live region was replaced, so a screen reader may not read the result"
    assert same.inner_text().splitlines()[-1].startswith("Passed.")  # the icon name before it is aria-hidden


MAIN_SCROLL_JS = "() => document.querySelector('[data-testid=stMain]').scrollTop"
FOCUSED_HEADING_JS = "() => document.activeElement?.tagName === 'H2' ? document.activeElement.innerText : null"


def test_next_and_previous_take_focus_and_view_to_the_top_of_the_new_part(page, course_server, real_course):
    # Pressed at the bottom of a long part, Next used to leave the learner near the bottom of
    # the next one, with the focus on the page body.
    staff = next(t for t in real_course.settings.tracks if t.audience == "staff")
    start(page, course_server, staff.title)
    first = real_course.module(staff.modules[0])
    parts = [s.heading for s in first.sections]
    # A button that opens another page moves the focus to its title, not to the page body.
    start_button = page.get_by_role("button", name=f"Start: {first.title}")
    start_button.focus()
    page.keyboard.press("Enter")
    focused_title = "() => document.activeElement?.tagName === 'H1' ? document.activeElement.innerText : null"
    page.wait_for_function(f"() => ({focused_title})() === {first.title!r}", timeout=30000)
    wait_ready(page)
    for heading, button in ((parts[0], "Next:"), (parts[1], "Next:"), (parts[0], "Previous:")):
        pager = page.get_by_role("button", name=button)
        pager.scroll_into_view_if_needed()
        assert page.evaluate(MAIN_SCROLL_JS) > 0, "the page is long enough to scroll to its pager"
        pager.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => ({FOCUSED_HEADING_JS})() === {heading!r}", timeout=30000)
        wait_ready(page)
        assert page.evaluate(MAIN_SCROLL_JS) == 0
        assert page.evaluate(FOCUSED_HEADING_JS) == heading
    toggle = page.get_by_role("switch", name="Plain-language version")
    toggle.focus()
    # Until a run ends, the page being left stays on screen marked stale, and on a busy machine
    # its focus script could act after the new page had begun to draw, taking the focus from the
    # new page's title (a CI failure). A focus script whose own element is stale does nothing.
    page.evaluate(
        """() => {
          const old = document.querySelector('script[data-focus]');
          const box = old.closest('[data-testid=stElementContainer]');
          box.setAttribute('data-stale', 'true');
          const again = document.createElement('script');
          again.textContent = old.textContent;
          box.appendChild(again);
        }"""
    )
    wait_frames(page, 10)  # the script would act two frames after it ran
    assert page.evaluate("() => document.activeElement?.type") == "checkbox"
    assert page.evaluate(FOCUSED_HEADING_JS) is None
    # Switching to the plain-language version redraws the part but is not a move: the focus
    # stays on the switch.
    page.keyboard.press("Space")
    wait_ready(page)
    assert page.evaluate("() => document.activeElement?.type") == "checkbox"
    assert page.evaluate(FOCUSED_HEADING_JS) is None


def tab_to(page, predicate_js: str, limit: int = 150) -> list[str]:
    """Press Tab until the focused element matches; every stop must show a focus indicator."""
    unseen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.wait_for_timeout(40)
        state = page.evaluate(FOCUS_VISIBLE_JS)
        if not state["ok"]:
            unseen.append(state["what"])
        if page.evaluate(predicate_js):
            return unseen
    raise AssertionError(f"Tab never reached an element matching {predicate_js}")


def focused_button(text: str) -> str:
    # innerText also holds the icon's ligature name (e.g. "play_arrow"), so match by inclusion.
    return f"() => document.activeElement?.tagName === 'BUTTON' && (document.activeElement.innerText || '').includes({text!r})"


def test_a_whole_module_and_quiz_can_be_done_with_the_keyboard_alone(page, course_server, real_course):
    first = real_course.modules[0]
    quiz = real_course.quizzes[first.quiz]
    page.goto(course_server.url)
    wait_ready(page)
    unseen = tab_to(page, "() => document.activeElement?.type === 'radio'")
    page.keyboard.press("ArrowDown")  # second track: community and self-paced
    unseen += tab_to(page, focused_button("Start the course"))
    page.keyboard.press("Enter")
    wait_ready(page)
    unseen += tab_to(page, focused_button(f"Start: {first.title}"))
    page.keyboard.press("Enter")
    wait_ready(page)
    while True:
        target = "Take the quiz" if page.get_by_role("button", name="Take the quiz").count() else "Next:"
        before = page.locator("[data-testid=stMain] h1, [data-testid=stMain] h2").all_inner_texts()
        unseen += tab_to(page, focused_button(target))
        page.keyboard.press("Enter")
        # Wait for the next part to replace this one before pressing Tab again.
        page.wait_for_function(
            "before => JSON.stringify(Array.from(document.querySelectorAll("
            "'[data-testid=stMain] h1, [data-testid=stMain] h2')).map(h => h.innerText)) !== JSON.stringify(before)",
            arg=before,
            timeout=30000,
        )
        wait_ready(page)
        if target == "Take the quiz":
            break

    in_widget = "() => !!document.activeElement?.closest('[data-testid={t}]') && Array.from(document.querySelectorAll('[data-testid=stMain] [data-testid={t}]')).indexOf(document.activeElement.closest('[data-testid={t}]')) === {i}"
    counters = {"stRadio": 0, "stCheckbox": 0, "stSelectbox": 0}
    for _, q in quiz.items("public"):
        if q.type in ("single", "true_false"):
            i = counters["stRadio"]
            unseen += tab_to(page, in_widget.format(t="stRadio", i=i))
            index = [o.id for o in q.options].index(q.answer) if q.type == "single" else (0 if q.answer else 1)
            page.keyboard.press("Space")  # choose the first option, then move to the answer
            for _ in range(index):
                page.keyboard.press("ArrowDown")
            counters["stRadio"] += 1
        elif q.type == "multiple":
            for o in q.options:
                i = counters["stCheckbox"]
                unseen += tab_to(page, in_widget.format(t="stCheckbox", i=i))
                if o.id in q.answer:
                    page.keyboard.press("Space")
                counters["stCheckbox"] += 1
        else:
            for o in q.options:
                i = counters["stSelectbox"]
                unseen += tab_to(page, in_widget.format(t="stSelectbox", i=i))
                page.keyboard.press("ArrowDown")  # open the list on its first position
                for _ in range(q.answer.index(o.id)):
                    page.keyboard.press("ArrowDown")
                page.keyboard.press("Enter")
                counters["stSelectbox"] += 1
    unseen += tab_to(page, focused_button("Submit answers"))
    page.keyboard.press("Enter")
    wait_ready(page)
    assert "Passed." in page.locator("[data-testid=stMain]").inner_text()
    assert not unseen, f"focus was not visible on: {unseen}"


def test_trainer_dashboard_with_data_has_no_violations_and_learners_cannot_open_it(page, course_server, real_course):
    from tests.app.test_trainer_dashboard import seed
    from tests.browser.conftest import TRAINER_PASSCODE

    code, _, _, _ = seed(real_course, course_server.db_url)
    page.goto(f"{course_server.url}/trainer")  # a learner typing the address
    wait_ready(page)
    assert "Trainer dashboard" not in page.locator("h1").all_inner_texts()
    dialog = page.get_by_role("dialog")
    if dialog.count():  # Streamlit says the page does not exist, then shows Home
        assert "Page not found" in dialog.inner_text()
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")

    click(page, "link", "Trainer sign-in", exact=True)
    problems = audit(page, "trainer sign-in")
    page.get_by_label("Trainer passcode").fill(TRAINER_PASSCODE)
    click(page, "button", "Sign in")
    assert page.locator("h1").first.inner_text() == "Trainer dashboard"
    page.get_by_label("Cohort", exact=True).click()
    page.get_by_role("option", name=f"Seeded cohort ({code})").click()
    wait_ready(page)
    assert "6 learners active" in page.locator("[data-testid=stMain]").inner_text()
    problems += audit(page, "trainer dashboard with data")
    assert not problems, "\n".join(problems)


def test_presenter_and_audience_views_have_no_violations_and_the_projector_follows(browser, course_server, real_course):
    from tests.browser.conftest import present_a_module

    presenter = present_a_module(browser, course_server)
    problems = audit(presenter, "present a module: start")
    click(presenter, "button", "Start presenting")
    problems += audit(presenter, "presenter view")
    room = presenter.evaluate("new URLSearchParams(location.search).get('room')")
    assert room, "the room code is in the presenter's address"

    projector = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    projector.goto(f"{course_server.url}/audience?room={room}")
    wait_ready(projector)
    problems += audit(projector, "audience view")
    assert "Slide 1 of" in projector.locator("[data-testid=stMain]").inner_text()
    click(presenter, "button", "Next slide")
    projector.wait_for_function(
        "document.querySelector('[data-testid=stMain]').innerText.includes('Slide 2 of')", timeout=2000
    )
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{course_server.url}/join?room={room}")
    wait_ready(phone)
    problems += audit(phone, "join a room poll (phone)")
    assert not problems, "\n".join(problems)


def test_on_a_phone_tab_does_not_pass_through_the_closed_menu(browser, course_server):
    page = browser.new_context(viewport={"width": 320, "height": 800}).new_page()
    page.goto(f"{course_server.url}/join")
    wait_ready(page)
    stops = []
    # Skip link, menu button, the notice's crisis links, the field's help: then the room code.
    for _ in range(12):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
            " return {x: r.x, label: e.getAttribute('aria-label') || e.innerText.slice(0, 30)}; }"
        )
        stops.append(stop)
        if stop["label"] == "Room code":
            break
    assert all(s["x"] > -1 for s in stops), f"focus went off screen: {stops}"
    assert stops[-1]["label"] == "Room code", stops
    page.context.close()


GROUPS_JS = """() => {
  const widgets = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stCheckbox], [data-testid=stMain] [data-testid=stSelectbox]')];
  return widgets.map(w => {
    const g = w.closest('[role=group]');
    const legend = g && document.getElementById(g.getAttribute('aria-labelledby'));
    return legend ? legend.innerText : null;
  });
}"""


def test_a_question_answered_with_several_widgets_is_a_group_named_by_the_question(page, course_server, real_course):
    first_quiz_on_the_public_track(page, course_server, real_course)
    page.wait_for_function(f"() => ({GROUPS_JS})().every(name => name !== null)", timeout=10000)
    names = page.evaluate(GROUPS_JS)
    assert names and all(n.startswith("Question ") for n in names), names
