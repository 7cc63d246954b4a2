"""What people type or paste into the app's fields and addresses (an audit of 21 November:
Streamlit dropped any paste longer than a field's limit without a word, invisible characters
made blank or look-alike names, and codes from an address were shown as Markdown)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from course.records import open_store
from course.ui.pages.home import STAFF_CODE_LABEL, STAFF_NAME_LABEL
from tests.app.test_trainer_dashboard import PASSCODE, dashboard, sign_in, trainer_env  # noqa: F401
from tests.app.test_walkthrough import APP, button, go


def home_form(code: str = "", name: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio[0].set_value("Clinic staff onboarding")
    next(t for t in at.text_input if t.label == STAFF_CODE_LABEL).set_value(code)
    next(t for t in at.text_input if t.label == STAFF_NAME_LABEL).set_value(name)
    return button(at, "Start the course").click().run()


def test_a_cohort_code_pasted_with_words_around_it_or_odd_characters_joins(isolated_store):
    code = open_store(isolated_store).create_cohort("Northside, March", "staff", "test")
    for pasted in (f"Cohort code: {code} (staff)", code.replace("-", "\u2013"), code.replace("-", "\u200b-")):
        at = home_form(pasted, "Ana Nguyen")
        assert not at.error, [e.value for e in at.error]
        assert at.session_state["learner"].cohort == code
        assert at.session_state["learner"].display_name == "Ana Nguyen"


def test_a_name_with_no_letters_or_too_long_is_refused_with_what_is_wrong():
    at = home_form(name="\u2014 ! \u2014")
    assert at.error[0].value == (
        "The name for your certificate has no letters or digits in it. Type it again with letters. "
        "Your other answers are kept."
    )
    at = home_form(name="A" * 150)
    assert at.error[0].value.startswith(
        "The name for your certificate is 150 characters long; it can have at most 100."
    )
    at = home_form(name="\u202eevil\u202c Ana")  # a direction override showed it reversed
    assert not at.error and at.session_state["learner"].display_name == "evil Ana"


def test_a_cohort_name_cannot_be_blank_or_a_look_alike_twin(isolated_store, trainer_env):  # noqa: F811
    at = dashboard(isolated_store)
    field = next(t for t in at.text_input if t.label == "Cohort name")
    field.set_value("\u200b\u200b")
    at = next(b for b in at.button if b.label == "Create cohort").click().run()
    assert at.error[0].value == "Give the cohort a name, so you can find it later."
    next(t for t in at.text_input if t.label == "Cohort name").set_value("Staff test")
    at = next(b for b in at.button if b.label == "Create cohort").click().run()
    next(t for t in at.text_input if t.label == "Cohort name").set_value("Staff\u200b test")
    at = next(b for b in at.button if b.label == "Create cohort").click().run()
    assert at.error[0].value.startswith("There is already a cohort “Staff test” on this track")
    next(t for t in at.text_input if t.label == "Cohort name").set_value("x" * 250)
    at = next(b for b in at.button if b.label == "Create cohort").click().run()
    assert at.error[0].value.startswith("The cohort name is 250 characters long; it can have at most 200.")
    assert [c.name for c in open_store(isolated_store).cohorts()] == ["Staff test"]


def test_verify_says_when_what_was_typed_is_not_an_id_at_all():
    at = go(AppTest.from_file(APP, default_timeout=60).run(), "verify")
    at.text_input[0].set_value("KT-1 **x**")
    at = button(at, "Check").click().run()
    assert at.error[0].value == (
        r"“KT-1 \*\*x\*\*” is not a certificate id. An id looks like KT-ABCD-EFGH-JKMN: KT and three groups of "
        "four letters or digits, as printed on the certificate."
    )


def test_a_passcode_pasted_with_a_space_at_the_end_signs_in(trainer_env):  # noqa: F811
    at = go(AppTest.from_file(APP, default_timeout=60).run(), "trainer-sign-in")
    at = sign_in(at, PASSCODE + " \n")
    assert at.session_state["trainer"] is True
