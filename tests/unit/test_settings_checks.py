"""Operator settings that cannot work are named before they break a page."""

from __future__ import annotations

import pytest

from course.ui.common import public_url_problem
from course.ui.identity import auth_problem

GOOD_AUTH = {
    "redirect_uri": "https://course.example.org/oauth2callback",
    "cookie_secret": "a long random string",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def test_a_complete_auth_section_has_no_problem():
    assert auth_problem(GOOD_AUTH) is None
    nested = {k: GOOD_AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    nested["default"] = {k: GOOD_AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    assert auth_problem(nested) is None  # the provider's keys in [auth.default]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"cookie_secret": None}, "missing cookie_secret"),
        ({"client_id": "", "server_metadata_url": None}, "missing client_id, server_metadata_url"),
        ({"redirect_uri": "https://course.example.org/"}, "must be the app's address followed by /oauth2callback"),
        ({"redirect_uri": "course.example.org/oauth2callback"}, "must be the app's address"),
        ({"default": "google"}, "[auth.default] must be a table"),
    ],
)
def test_an_auth_section_streamlit_cannot_log_in_with_says_why(change, problem):
    section = {k: v for k, v in {**GOOD_AUTH, **change}.items() if v is not None}
    assert problem in auth_problem(section)


def test_an_auth_value_instead_of_a_section_says_it_must_be_a_table():
    assert "must be a table" in auth_problem("https://login.example.org")


@pytest.mark.parametrize(
    "url", ["https://course.example.org", "http://192.168.1.20:8501/", "https://example.org/ketamine/"]
)
def test_whole_addresses_can_be_the_public_url(url):
    assert public_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("course.example.org", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("https://", "name a host"),
        ("https://course.example.org:port/", "not an address"),
        ("https://course example.org", "contains a space"),
        ("https://course.example.org/?x=1", "must not have a ? or # part"),
    ],
)
def test_an_address_links_cannot_be_built_on_says_why(url, problem):
    assert problem in public_url_problem(url)
