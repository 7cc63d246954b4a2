"""Learner records in the app: resume anywhere, outages lose nothing, delete, certificates, login."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from streamlit.testing.v1 import AppTest

from course.events import PASSED, REGISTERED, Event, quiz_activity
from course.records import open_store
from course.ui.pages.home import STAFF_CODE_LABEL
from tests.app.test_walkthrough import APP, answer, button, choose_track, open_quiz, texts
from tests.completing import rule_done


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def pass_first_quiz(real_course) -> tuple[AppTest, str, str]:
    at = choose_track(new_app(), "Clinic staff onboarding")
    first = real_course.track("staff").modules[0]
    at = open_quiz(button(at, "Start: ").click().run())
    at = answer(at, real_course, first, "staff")
    learner = at.session_state["learner"]
    return at, learner.learner_id, learner.resume_code


def test_resume_link_restores_progress_in_a_new_session(real_course, isolated_store):
    at, learner_id, code = pass_first_quiz(real_course)
    assert code and len(code) >= 22  # token_urlsafe(24): 192 bits
    assert any(f"/?resume={code}" in c.value for c in button(at, "Course map").click().run().code)

    fresh = new_app(resume=code)  # another device: a brand-new session
    assert "Welcome back. Your progress is restored." in texts(fresh)
    assert fresh.header[0].value == "Your course: Clinic staff onboarding"
    assert fresh.session_state["learner"].learner_id == learner_id
    staff_modules = len(real_course.track("staff").modules)
    assert f"1 of {staff_modules} modules passed" in fresh.get("progress")[0].proto.text


def test_an_unknown_resume_code_says_so_without_a_hint(real_course):
    at = new_app(resume="not-a-real-code-but-long-enough-0123456789")
    assert "That resume link is not valid." in at.error[0].value
    assert not at.exception
    assert at.header[0].value == "Choose how you want to take the course"
    malformed = new_app(resume="'; drop table events; --")
    assert malformed.error[0].value == at.error[0].value  # same words for every wrong code


def test_an_outage_keeps_answers_and_writes_them_when_the_database_is_back(real_course, monkeypatch, tmp_path):
    good = f"sqlite:///{tmp_path / 'back.sqlite'}"
    monkeypatch.setenv("COURSE_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    st.cache_resource.clear()
    at = choose_track(new_app(), "Community and self-paced learning")
    assert "We can't reach the course database right now." in texts(at)
    assert at.header[0].value == "Your course: Community and self-paced learning"  # progress still shows
    learner = at.session_state["learner"]
    assert [e.verb for e in learner.writer.pending] == [REGISTERED]

    monkeypatch.setenv("COURSE_DB_URL", good)  # the database is back
    at.run()
    assert "We can't reach the course database" not in texts(at)
    stored = open_store(good).events(learner.learner_id)
    assert [e.verb for e in stored] == [REGISTERED] and not learner.writer.pending


def test_a_wrong_database_url_keeps_learners_going_and_tells_the_operator(real_course, monkeypatch, caplog):
    # A mistyped COURSE_DB_URL crashed every page with Streamlit's redacted error.
    monkeypatch.setenv("COURSE_DB_URL", "mysql://course:secret@db/course")
    st.cache_resource.clear()
    with caplog.at_level("ERROR", logger="course.ui.state"):
        at = choose_track(new_app(), "Community and self-paced learning")
    assert not at.exception
    assert "We can't reach the course database right now." in texts(at)
    assert at.header[0].value == "Your course: Community and self-paced learning"
    assert [e.verb for e in at.session_state["learner"].writer.pending] == [REGISTERED]
    logged = [r.getMessage() for r in caplog.records if r.name == "course.ui.state"]
    assert logged == [
        "COURSE_DB_URL 'mysql://course:***@db/course' cannot be used: the course works with SQLite and "
        "PostgreSQL (psycopg) only, not 'mysql'; use sqlite:///path/to/course.sqlite or "
        "postgresql://user:password@host/dbname"
    ]


def test_a_database_that_cannot_be_reached_is_logged_once_with_its_reason_and_once_when_back(
    real_course, monkeypatch, caplog, tmp_path
):
    # An outage, or a database or user that does not exist, left the server log silent: the
    # operator saw learners' "can't reach" notices and nothing saying why.
    monkeypatch.setenv("COURSE_DB_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:9/none?connect_timeout=1")
    st.cache_resource.clear()
    with caplog.at_level("WARNING", logger="course.ui.state"):
        at = choose_track(new_app(), "Community and self-paced learning")
        at.run()
        at.run()
        monkeypatch.setenv("COURSE_DB_URL", f"sqlite:///{tmp_path / 'back.sqlite'}")
        at.run()
        at.run()
    assert not at.exception
    logged = [r.getMessage() for r in caplog.records if r.name == "course.ui.state"]
    assert len(logged) == 2, logged
    assert logged[0].startswith("the learning records database cannot be reached: connection failed")
    assert "postgresql+psycopg://nobody:***@127.0.0.1:9/none" in logged[0] and "secret" not in logged[0]
    assert logged[1] == "the learning records database is reachable again"


def test_an_auth_section_that_cannot_log_in_is_logged_and_learners_keep_resume_links(real_course, caplog):
    # An [auth] section without its cookie_secret (or client keys) showed Log in, and pressing
    # it ended the page in Streamlit's redacted error.
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "client_id": "id"}
    with caplog.at_level("ERROR", logger="course.ui.state"):
        at = choose_track(at.run(), "Community and self-paced learning")
        at.run()
    assert not at.exception
    assert [b.label for b in at.button if b.label == "Log in"] == []
    assert any("/?resume=" in c.value for c in at.code), "the learner still gets a resume link"
    assert [r.getMessage() for r in caplog.records if r.name == "course.ui.state"] == [
        "[auth] in .streamlit/secrets.toml cannot be used (missing cookie_secret, client_secret, "
        "server_metadata_url): learners get resume links instead of Log in until it is fixed and the server "
        "restarted"
    ]


def test_a_public_url_that_is_not_an_address_is_logged_and_links_use_the_browsers(real_course, monkeypatch, caplog):
    # COURSE_PUBLIC_URL=course.example.org (no https://) made every resume link relative, and
    # so broken, with nothing said.
    monkeypatch.setenv("COURSE_PUBLIC_URL", "course.example.org")
    with caplog.at_level("ERROR", logger="course.ui.state"):
        at = choose_track(new_app(), "Community and self-paced learning")
    links = [c.value for c in at.code if "?resume=" in c.value]
    assert links and not any("course.example.org" in link for link in links)
    assert [r.getMessage() for r in caplog.records if r.name == "course.ui.state"] == [
        "COURSE_PUBLIC_URL 'course.example.org' cannot be used (it must start with https:// or http:// and name "
        "a host, e.g. https://course.example.org): links use the address the browser opened instead"
    ]
    monkeypatch.setenv("COURSE_PUBLIC_URL", "https://course.example.org/ketamine/")
    at.run()
    assert any(c.value.startswith("https://course.example.org/ketamine/?resume=") for c in at.code)


def test_a_too_short_certificate_key_turns_certificates_off_with_a_message(real_course, monkeypatch, caplog):
    # COURSE_CERT_SECRET=short crashed the Verify page (and My progress) with a ValueError.
    from tests.app.test_walkthrough import go

    monkeypatch.setenv("COURSE_CERT_SECRET", "short")
    with caplog.at_level("ERROR", logger="course.ui.state"):
        at = go(new_app(), "verify")
        at.text_input[0].set_value("KT-ABCD-EFGH-JKMN")
        at = button(at, "Check").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Can't issue or check certificates right now: the server's certificate key is not set up correctly. "
        "The course administrator can see why in the server log."
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "course.ui.state"] == [
        "certificates are off: the COURSE_CERT_SECRET setting is 5 bytes long, and a certificate key needs at "
        "least 16 (python -c 'import secrets; print(secrets.token_hex(32))' makes one)"
    ]


def test_delete_my_records_removes_them_after_confirmation(real_course, isolated_store):
    at, learner_id, _ = pass_first_quiz(real_course)
    at = button(button(at, "Course map").click().run(), "View my progress").click().run()
    delete = next(b for b in at.button if b.label == "Delete my records")
    assert delete.disabled  # needs the confirmation first
    at.checkbox(key="confirm-delete").check().run()
    at = next(b for b in at.button if b.label == "Delete my records").click().run()
    assert "Your records are deleted." in texts(at)
    assert open_store(isolated_store).events(learner_id) == []


def test_download_my_records_offers_xapi_json(real_course):
    at, _, _ = pass_first_quiz(real_course)
    at = button(button(at, "Course map").click().run(), "View my progress").click().run()
    downloads = [e for e in at.get("download_button") if "xAPI" in e.proto.label]
    assert downloads and not downloads[0].proto.disabled


def complete_the_staff_track(course, store, learner_id: str, now: datetime) -> None:
    """Every staff module passed (9/10) and, as the staff track's completion rule asks, every
    section read and every scenario it sees played to an ending."""
    for m in course.track("staff").modules:
        store.append(
            Event(
                learner_id=learner_id,
                verb=PASSED,
                activity=quiz_activity(m),
                track="staff",
                score=9,
                max_score=10,
                timestamp=now,
            )
        )
    store.append_many(rule_done(course, learner_id, "staff", now))


def test_certificate_is_issued_when_every_module_is_passed_and_verifies(real_course, isolated_store):
    at = choose_track(new_app(), "Clinic staff onboarding")
    learner = at.session_state["learner"]
    store = open_store(isolated_store)
    now = datetime.now(UTC)
    complete_the_staff_track(real_course, store, learner.learner_id, now)
    at = button(at, "View my progress").click().run()
    name_box = next(t for t in at.text_input if t.label.startswith("Your full name"))
    name_box.set_value("Alex Ngata")  # inside a form: sent with the submit button
    at = button(at, "Issue my certificate").click().run()
    issued = next(s.value for s in at.success if s.value.startswith("Certificate KT-"))
    cert_id = issued.split()[1]
    assert "to Alex Ngata" in issued

    from course import certificates

    secret = b"test-secret-for-certificates-0123456789"
    cert = certificates.verify(store, cert_id, secret)
    assert cert.display_name == "Alex Ngata" and round(cert.score_percent) == 90
    assert certificates.verify(store, cert_id[:-1] + ("A" if cert_id[-1] != "A" else "B"), secret) is None


def test_login_identity_replaces_resume_codes(real_course, isolated_store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "s",
        "server_metadata_url": "https://id.example/.well-known/openid-configuration",
    }
    at.user = {
        "is_logged_in": True,
        "email": "alex@example.org",
        "name": "Alex",
        "sub": "user-42",
        "iss": "https://id.example",
    }
    at.run()
    at = choose_track(at, "Community and self-paced learning")
    assert "Your progress is saved to your account." in texts(at)
    learner_id = at.session_state["learner"].learner_id
    assert open_store(isolated_store).learner_for_subject("https://id.example|user-42") == learner_id


def test_a_page_reads_the_records_once_per_run_and_sees_what_another_tab_wrote(
    real_course, isolated_store, monkeypatch
):
    from course.records import Store

    at, learner_id, _ = pass_first_quiz(real_course)
    at = button(at, "Course map").click().run()
    reads: list[str] = []
    real_events = Store.events
    monkeypatch.setattr(Store, "events", lambda self, lid: reads.append(lid) or real_events(self, lid))
    at = button(at, "View my progress").click().run()
    assert at.title[0].value == "My progress"
    runs = 2  # the button's run, then the page it switches to
    assert len(reads) <= runs, f"{len(reads)} reads of the same records in {runs} runs"
    staff_modules = len(real_course.track("staff").modules)
    assert f"1 of {staff_modules} modules passed" in at.get("progress")[0].proto.text

    # Another tab (or another server) records a pass, after reading the module's sections as
    # the staff track's completion rule asks; this tab's next run shows it.
    second = real_course.track("staff").modules[1]
    store = open_store(isolated_store)
    store.append_many(
        e for e in rule_done(real_course, learner_id, "staff", datetime.now(UTC)) if f"/{second}/" in e.activity
    )
    store.append(Event(learner_id, PASSED, quiz_activity(second), track="staff", score=9, max_score=10, success=True))
    at.run()
    assert f"2 of {staff_modules} modules passed" in at.get("progress")[0].proto.text


def test_a_learner_who_left_the_code_blank_joins_their_cohort_on_my_progress(real_course, isolated_store):
    store = open_store(isolated_store)
    staff = store.create_cohort("Northside, March", "staff", "test")
    public = store.create_cohort("Library talk", "public", "test")
    at = choose_track(new_app(), "Clinic staff onboarding")
    at = button(at, "View my progress").click().run()
    code_box = next(t for t in at.text_input if t.label == "Cohort code from your trainer")

    code_box.set_value(public.lower().replace("-", " "))
    at = button(at, "Join cohort").click().run()
    assert "is for the track “Community and self-paced learning”" in at.error[0].value
    assert store.learner(at.session_state["learner"].learner_id).cohort is None

    next(t for t in at.text_input if t.label == "Cohort code from your trainer").set_value(staff)
    at = button(at, "Join cohort").click().run()
    assert "You joined the cohort “Northside, March”" in texts(at)
    assert f"cohort **{staff}**" in texts(at)
    assert store.learner(at.session_state["learner"].learner_id).cohort == staff
    assert not any(t.label == "Cohort code from your trainer" for t in at.text_input)


def test_a_code_typed_on_home_is_shown_as_typed_not_as_markdown(real_course, isolated_store):
    at = new_app()
    at.radio[0].set_value("Clinic staff onboarding")
    next(t for t in at.text_input if t.label == STAFF_CODE_LABEL).set_value("**X** [y](z)")
    at = button(at, "Start the course").click().run()
    assert at.error[0].value.startswith(r"No cohort has the code “\*\*X\*\* \[y\]\(z\)”.")


def test_without_pango_an_issued_certificate_says_the_pdf_cannot_be_made_and_stays_valid(
    real_course, isolated_store, monkeypatch, caplog
):
    from course import html_pdf

    def no_pango():
        raise html_pdf.PdfUnavailable("PDFs cannot be made on this server: Pango is not installed (test).")

    monkeypatch.setattr(html_pdf, "_weasyprint", no_pango)
    at = choose_track(new_app(), "Clinic staff onboarding")
    learner = at.session_state["learner"]
    store = open_store(isolated_store)
    now = datetime.now(UTC)
    complete_the_staff_track(real_course, store, learner.learner_id, now)
    at = button(at, "View my progress").click().run()
    next(t for t in at.text_input if t.label.startswith("Your full name")).set_value("Alex Ngata")
    at = button(at, "Issue my certificate").click().run()
    assert any(s.value.startswith("Certificate KT-") for s in at.success)
    assert "Download certificate (PDF)" not in [d.proto.label for d in at.get("download_button")]
    assert any("can't be made on this server right now" in w.value for w in at.warning)
    assert "Pango is not installed" in caplog.text


def test_a_resume_link_opens_with_the_learners_own_track_menu(real_course, isolated_store):
    # The menu is built before the resume link names the learner: it used to list every module
    # in course order (the public learner saw the staff-only Onboarding module) until the next
    # click.
    from tests.app.test_walkthrough import menu

    at = choose_track(new_app(), "Community and self-paced learning")
    code = at.session_state["learner"].resume_code
    fresh = new_app(resume=code)  # another device: a brand-new session
    assert "Welcome back. Your progress is restored." in texts(fresh)
    public = real_course.track("public")
    assert menu(fresh) == [f"{n}. {real_course.module(mid).title}" for n, mid in enumerate(public.modules, start=1)]


def test_my_progress_reads_the_learners_certificates_once_per_run(real_course, isolated_store, monkeypatch):
    # It read them twice (the renewal check, then the certificate shown), and each time read
    # every certificate again by its id to verify it: 2 + 2N store reads for N certificates.
    from course.records import Store

    at = choose_track(new_app(), "Clinic staff onboarding")
    learner = at.session_state["learner"]
    store = open_store(isolated_store)
    complete_the_staff_track(real_course, store, learner.learner_id, datetime.now(UTC))
    at = button(at, "View my progress").click().run()
    next(t for t in at.text_input if t.label.startswith("Your full name")).set_value("Alex Ngata")
    at = button(at, "Issue my certificate").click().run()
    reads: list[str] = []
    for method in ("certificates_for", "certificate_record"):
        real = getattr(Store, method)
        monkeypatch.setattr(
            Store, method, lambda self, key, _real=real, _m=method: reads.append(_m) or _real(self, key)
        )
    at.run()
    assert any(s.value.startswith("Certificate KT-") and "to Alex Ngata" in s.value for s in at.success)
    assert reads == ["certificates_for"], f"{reads}: the certificates read more than once in one run"
