"""Which language a learner gets: the negotiation (a link, a saved choice, the browser), the
Accept-Language header, and the served page's `<html lang>` (course/ui/web.py, `PageLanguage`)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from course.i18n import from_accept_language, gettext_for, negotiate, ngettext_for, supported
from course.ui.web import PageLanguage, page_language, set_html_lang

INDEX = b'<!doctype html><html lang="en"><head><title>Streamlit</title></head><body><div id="root"></div></body></html>'


@pytest.mark.parametrize(
    ("tag", "found"),
    [("es", "es"), ("es-MX", "es"), ("ES_us", "es"), ("en-GB", "en"), ("fr", None), ("", None), (None, None)],
)
def test_a_language_tag_is_one_the_course_speaks_or_none(tag, found):
    assert supported(tag) == found


def test_the_first_candidate_the_course_speaks_wins_else_english():
    assert negotiate("es", "en") == "es"  # a link's ?lang= before the saved choice
    assert negotiate(None, "fr-FR", "es-419") == "es"  # the browser's locale when nothing else
    assert negotiate("de", None) == "en"
    assert negotiate() == "en"


@pytest.mark.parametrize(
    ("header", "found"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,es;q=0.5", "es"),  # French is not offered: the best the course speaks
        ("fr-FR,de;q=0.9", None),
        ("es;q=0, en;q=0.1", "en"),  # q=0 means "not this one"
        ("es;q=abc, en", "en"),  # a quality that is not a number: that part is skipped
        ("", None),
        (None, None),
    ],
)
def test_accept_language_gives_the_most_preferred_language_the_course_speaks(header, found):
    assert from_accept_language(header) == found


def test_the_spanish_catalogue_translates_and_english_is_as_written():
    assert gettext_for("es", "Home") == "Inicio"
    assert gettext_for("en", "Home") == "Home"
    assert gettext_for("es", "a string nobody marked") == "a string nobody marked"
    assert ngettext_for("es", "{n} answer", "{n} answers", 1).format(n=1) == "1 respuesta"
    assert ngettext_for("es", "{n} answer", "{n} answers", 3).format(n=3) == "3 respuestas"


def scope(query: bytes = b"", headers: dict[bytes, bytes] | None = None, method: str = "GET") -> dict:
    return {
        "type": "http",
        "method": method,
        "path": "/",
        "query_string": query,
        "headers": list((headers or {}).items()),
    }


def test_the_page_language_comes_from_the_link_then_the_cookie_then_the_browser():
    cookie = {b"cookie": b"other=1; ketamine_course_lang=es"}
    assert page_language(scope(b"lang=es")) == "es"
    assert page_language(scope(b"lang=en", {b"accept-language": b"es"})) == "en"  # the link wins
    assert page_language(scope(b"", cookie)) == "es"
    assert page_language(scope(b"", {**cookie, b"accept-language": b"en"})) == "es"  # a choice beats the browser
    assert page_language(scope(b"", {b"accept-language": b"es-419,es;q=0.9"})) == "es"
    assert page_language(scope(b"lang=xx", {b"accept-language": b"fr"})) == "en"


def test_set_html_lang_rewrites_only_the_html_element():
    assert set_html_lang(INDEX, "es").startswith(b'<!doctype html><html lang="es"><head>')
    other = b'<html class="x" lang="en" dir="ltr"><p lang="en">'
    assert set_html_lang(other, "es") == b'<html class="x" lang="es" dir="ltr"><p lang="en">'


def serve(request: dict, body: bytes = INDEX, content_type: bytes = b"text/html") -> tuple[dict, bytes]:
    """Run one request through PageLanguage around an app that answers `body` in two chunks."""

    async def app(scope, receive, send):
        conditional = any(k in (b"if-none-match", b"if-modified-since") for k, _ in scope["headers"])
        assert not (conditional and b"text/html" in dict(scope["headers"]).get(b"accept", b""))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"etag", b'"abc"'),
                    (b"vary", b"Accept-Encoding"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    sent: list[dict] = []

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    # On a thread of its own: a browser test earlier in the same run leaves Playwright's event
    # loop running on this one, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, PageLanguage(app)(request, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    return dict(start["headers"]), b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_served_page_says_the_language_of_a_link_and_no_cache_can_answer_for_another():
    headers, body = serve(scope(b"lang=es", {b"if-none-match": b'"abc"', b"accept": b"text/html,*/*;q=0.8"}))
    assert b'<html lang="es">' in body
    assert headers[b"content-length"] == str(len(body)).encode()
    assert headers[b"content-language"] == b"es"
    assert b"etag" not in headers  # a 304 would hand back the copy in the other language
    assert headers[b"vary"] == b"Accept-Encoding, Accept-Language, Cookie"


def test_a_spanish_browser_gets_a_spanish_page_and_other_responses_are_untouched():
    _, body = serve(scope(b"", {b"accept-language": b"es-ES,es;q=0.9"}))
    assert b'<html lang="es">' in body
    script = b'const html = "<html lang=\\"en\\">";'
    headers, body = serve(scope(b"lang=es"), script, b"application/javascript")
    assert body == script and headers[b"etag"] == b'"abc"'
    # HTML that is not Streamlit's page (an LMS route's English error page) keeps its language.
    error = b'<!doctype html><html lang="en"><head><title>Cannot open the lesson</title></head></html>'
    headers, body = serve(scope(b"lang=es"), error)
    assert body == error and headers[b"etag"] == b'"abc"'


def test_engine_words_a_public_learner_sees_come_in_their_language():
    from course.polls import answers_text
    from course.progress import STATUS_LABELS

    assert answers_text(1) == "1 answer" and answers_text(4, "es") == "4 respuestas"
    assert [gettext_for("es", label) for label in STATUS_LABELS.values()] == [
        "Bloqueado",
        "Sin empezar",
        "En curso",
        "Prueba aún no aprobada",
        "Aprobado",
    ]
