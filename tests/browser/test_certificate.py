"""A certificate downloaded in the browser names the learner exactly as they wrote it."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests.browser.a11y import click
from tests.browser.conftest import pass_every_staff_module

pytestmark = pytest.mark.browser

NAME = "Łukasz Nguyễn 王芳 محمد"


def test_the_downloaded_certificate_prints_a_name_in_several_scripts_as_written(page, course_server, real_course):
    pass_every_staff_module(page, course_server, real_course)
    click(page, "link", "My progress", exact=True)
    page.get_by_label("Your full name, as it should appear").fill(NAME)
    click(page, "button", "Issue my certificate")
    cert_id = page.get_by_text("Certificate KT-").inner_text().split()[1]

    with page.expect_download() as download:
        page.get_by_role("button", name="Download certificate (PDF)").click()
    assert download.value.suggested_filename == f"certificate-{cert_id}.pdf"
    pdf = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = pdf.pages[0].extract_text()
    assert NAME in text
    assert cert_id in text

    click(page, "link", "Verify a certificate", exact=True)
    page.get_by_label("Certificate id").fill(cert_id)
    click(page, "button", "Check")
    assert NAME in page.locator("[data-testid=stMain]").inner_text()
