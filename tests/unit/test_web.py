"""The course's HTTP layer without a server: who a connection is from, which scheme it came
over, and the cookie tokens the page posts (course/ui/web.py)."""

from __future__ import annotations

import json

import pytest

from course.trainer_auth import parse_proxies
from course.ui import web


def scope(peer: str, **headers: str) -> dict:
    return {
        "type": "http",
        "scheme": "http",
        "client": (peer, 5000),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


def test_a_forwarded_address_from_a_client_is_ignored():
    s = scope("203.0.113.9", x_forwarded_for="198.51.100.1", x_forwarded_proto="https")
    web.resolve(s, parse_proxies("127.0.0.1, ::1"))
    assert s["client"][0] == "203.0.113.9" and s["scheme"] == "http"


def test_a_trusted_proxy_gives_the_address_it_saw_and_the_scheme():
    s = scope("127.0.0.1", x_forwarded_for="6.6.6.6, 198.51.100.1", x_forwarded_proto="https")
    web.resolve(s, parse_proxies("127.0.0.1"))
    assert s["client"][0] == "198.51.100.1" and s["scheme"] == "https"


def test_with_no_proxy_trusted_even_this_machine_is_just_a_client():
    s = scope("127.0.0.1", x_forwarded_for="198.51.100.1", x_forwarded_proto="https")
    web.resolve(s, parse_proxies("none"))
    assert s["client"][0] == "127.0.0.1" and s["scheme"] == "http"


def test_a_cookie_token_names_one_allowed_cookie_and_expires(monkeypatch):
    monkeypatch.setenv("COURSE_CERT_SECRET", "unit-test-secret-0123456789abcdef")
    token = web.cookie_token("ketamine_course_resume", "Abc_123-xyz", now=1000)
    assert web.read_cookie_token(token, now=1000) == ("ketamine_course_resume", "Abc_123-xyz")
    assert web.read_cookie_token(token, now=1000 + web.TOKEN_SECONDS + 1) is None
    assert web.read_cookie_token(web.cookie_token("other_cookie", "x", now=1000), now=1000) is None
    assert web.read_cookie_token(web.cookie_token("ketamine_course_resume", "a;b", now=1000), now=1000) is None
    data, mac = token.split(".")
    assert web.read_cookie_token(data + "." + "0" * len(mac), now=1000) is None
    monkeypatch.setenv("COURSE_CERT_SECRET", "another-secret-0123456789abcdef-xx")
    assert web.read_cookie_token(token, now=1000) is None  # signed by another server


def test_set_cookie_attributes():
    assert web.cookie_header("ketamine_course_trainer", "v", https=True) == (
        "ketamine_course_trainer=v; Path=/; HttpOnly; SameSite=Strict; Secure"
    )
    assert "Max-Age=0" in web.cookie_header("ketamine_course_resume", None, https=False)


@pytest.mark.parametrize(
    ("value", "problem"),
    [("self", "needs its quotes"), ("javascript:alert(1)", "is not a site"), ("'none' https://a.org", "'none'")],
)
def test_frame_ancestors_that_cannot_be_used_say_why(value, problem):
    with pytest.raises(ValueError, match=problem):
        web.frame_ancestors(value)


def test_frame_ancestors_default_to_self_and_take_a_list():
    assert web.frame_ancestors(None) == "'self'"
    assert web.frame_ancestors("'self', https://lms.example.org") == "'self' https://lms.example.org"


def test_the_unsaved_answer_script_carries_any_answer_as_data_and_keeps_the_body_the_policy_allows():
    """The browser's copy of an answer marked "Not saved yet" was written by a script with the
    answer inlined in its body, which the policy (scripts by hash only) refused to run. The body
    is constant now; the answer travels in data- attributes, whatever it holds."""
    from html.parser import HTMLParser

    from course.ui import kept

    answer = '</script><script>alert(1)</script> "quoted" & {drop} \u00e9'
    add = {"unsaved-q-x-1-a": {"learner": "L", "item": "a", "answer": answer}}
    html = kept.step_script(add, ["unsaved-q-x-1-b"])

    class Attributes(HTMLParser):
        found: dict = {}

        def handle_starttag(self, tag, attrs):
            if tag == "script":
                Attributes.found = dict(attrs)

    Attributes().feed(html)
    assert Attributes.found["data-course-unsaved"] == kept.BROWSER_KEY
    assert json.loads(Attributes.found["data-set"]) == add
    assert json.loads(Attributes.found["data-drop"]) == ["unsaved-q-x-1-b"]
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert web._script_bodies(html) == web._script_bodies(kept.STEP_SCRIPT)
    assert web._hash(web._script_bodies(html)[0]) in web.content_security_policy("'self'")
