"""Certificates verify only when issued here and unchanged, and print as a PDF with the
learner's name as they wrote it, in any script."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa

from course import certificates
from course.certificates import Certificate, issue, latin1, render_pdf, verify
from course.records import Store, certificates_table, open_store
from tests.pdfua import missing_glyphs

SECRET = b"unit-test-secret-0123456789abcdef"
ISSUED = datetime(2026, 3, 1, 14, 30, 5, tzinfo=UTC)


@pytest.fixture
def store(tmp_path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'course.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def cert(store, real_course) -> Certificate:
    return issue(store, "L1", "Ada Lovelace", real_course, 92.31, SECRET, now=ISSUED)


def tamper(store: Store, certificate_id: str, **values) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(certificates_table).where(certificates_table.c.certificate_id == certificate_id).values(**values)
        )


# --------------------------------------------------------------------------- issue and verify


def test_a_certificate_names_the_learner_course_version_date_and_score(cert, real_course):
    assert re.fullmatch(r"KT-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", cert.certificate_id)
    assert cert.display_name == "Ada Lovelace"
    assert (cert.course_title, cert.course_version) == (real_course.settings.title, real_course.settings.version)
    assert cert.issued_at == ISSUED and cert.score_percent == 92.31


def test_the_certificate_record_holds_only_what_a_verifier_may_see():
    assert [f.name for f in dataclasses.fields(Certificate)] == [
        "certificate_id",
        "display_name",
        "course_title",
        "course_version",
        "issued_at",
        "score_percent",
        "expires_at",  # printed on the certificate since issue 21, so a verifier may see it
    ]


def test_a_valid_certificate_verifies_even_when_the_id_is_typed_loosely(store, cert):
    assert verify(store, cert.certificate_id, SECRET) == cert
    assert verify(store, f"  {cert.certificate_id.lower()} ", SECRET) == cert
    # as read out over the phone: groups with spaces, or no separators at all
    assert verify(store, cert.certificate_id.replace("-", " "), SECRET) == cert
    assert verify(store, cert.certificate_id.replace("-", ""), SECRET) == cert


def test_each_certificate_gets_its_own_id(store, real_course):
    ids = {issue(store, "L1", "Ada", real_course, 90, SECRET).certificate_id for _ in range(10)}
    assert len(ids) == 10


@pytest.mark.parametrize(
    "change",
    [
        {"score_percent": 100.0},
        {"score_percent": 92.32},
        {"display_name": "Mallory"},
        {"display_name": "Ada Lovelace "},
        {"course_title": "Another course"},
        {"course_version": "9.9.9"},
        {"learner_id": "L2"},
        {"issued_at": datetime(2025, 3, 1, 14, 30, 5, tzinfo=UTC)},
        {"signature": "0" * 64},
        {"signature": ""},
    ],
    ids=lambda c: f"{next(iter(c))}={next(iter(c.values()))!s:.20}",
)
def test_a_certificate_changed_in_the_database_does_not_verify(store, cert, change):
    tamper(store, cert.certificate_id, **change)
    assert verify(store, cert.certificate_id, SECRET) is None


def test_a_signature_copied_from_another_certificate_does_not_verify(store, real_course, cert):
    other = issue(store, "L2", "Bo", real_course, 99, SECRET, now=ISSUED)
    stolen = store.certificate_record(other.certificate_id).signature
    tamper(store, cert.certificate_id, signature=stolen)
    assert verify(store, cert.certificate_id, SECRET) is None


def test_a_well_formed_id_that_was_never_issued_does_not_verify(store, cert):
    forged = "KT-" + "-".join(["ABCD", "EFGH", "JKMN"])
    assert forged != cert.certificate_id
    assert verify(store, forged, SECRET) is None


@pytest.mark.parametrize(
    "bad", ["", "KT-", "KT-ABCD-EFGH-JKM0", "XX-ABCD-EFGH-JKMN", "KT-ABCD-EFGH-JKMN-PQRS", "x" * 100_000, None, 7]
)
def test_a_malformed_id_does_not_verify_and_does_not_raise(store, cert, bad):
    assert verify(store, bad, SECRET) is None


def test_a_certificate_checked_with_another_secret_does_not_verify(store, cert):
    assert verify(store, cert.certificate_id, b"another-secret-of-enough-length!") is None


def test_a_short_secret_is_refused_before_anything_is_issued(store, real_course):
    with pytest.raises(ValueError, match="secret"):
        issue(store, "L1", "Ada", real_course, 90, b"short")
    assert store.certificates_for("L1") == []


@pytest.mark.parametrize(("name", "score"), [("   ", 90), ("Ada", 101), ("Ada", -1)])
def test_a_certificate_needs_a_name_and_a_score_between_0_and_100(store, real_course, name, score):
    with pytest.raises(ValueError):
        issue(store, "L1", name, real_course, score, SECRET)


def test_course_settings_alone_are_enough_to_issue(store, real_course):
    cert = issue(store, "L1", "Ada", real_course.settings, 80, SECRET)
    assert cert.course_title == real_course.settings.title


# --------------------------------------------------------------------------- PDF


def page_text(pdf: bytes) -> str:
    """What a reader (or a screen reader, or copy and paste) gets out of the PDF."""
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def font_names(pdf: bytes) -> set[str]:
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]) for f in fonts.values()}


def test_the_pdf_shows_the_name_course_score_date_id_and_how_to_verify(cert):
    pdf = render_pdf(cert)
    assert pdf.startswith(b"%PDF")
    text = page_text(pdf)
    for shown in (
        cert.certificate_id,
        "Ada Lovelace",
        cert.course_title,
        f"Version {cert.course_version}",
        "92.3%",
        "1 March 2026",
        certificates.VERIFY_SENTENCE,
    ):
        assert shown in text, shown


def test_the_pdf_is_one_a4_landscape_page(cert):
    pdf = render_pdf(cert, compress=False)
    assert b"/Count 1" in pdf
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert [round(float(v), 2) for v in box] == [0, 0, 841.89, 595.28]


def test_the_pdf_is_compressed_by_default(cert):
    packed = render_pdf(cert)
    assert packed.startswith(b"%PDF") and b"/FlateDecode" in packed
    assert len(packed) < len(render_pdf(cert, compress=False))


@pytest.mark.parametrize(
    "name",
    [
        "Łukasz Żółć",
        "Nguyễn Thị Minh Khai",
        "Ngũgĩ wa Thiong'o",
        "Ольга Петрова",
        "Δήμητρα Παππά",
        "王芳",
        "山田 花子",
        "김민준",
        "محمد عبد الله",
        "שרה כהן",
        "अनन्या शर्मा",
        "O’Brien — “Jr”",
    ],
)
def test_a_name_in_any_script_is_printed_as_written(cert, name, caplog):
    pdf = render_pdf(dataclasses.replace(cert, display_name=name))
    assert name in page_text(pdf)
    assert not any(f.endswith("Helvetica") or f.endswith("Helvetica-Bold") for f in font_names(pdf))
    assert ".notdef" not in caplog.text and "no installed font" not in caplog.text
    assert missing_glyphs(pdf) == []


def test_only_the_fonts_a_name_needs_are_embedded(cert):
    latin = font_names(render_pdf(cert))
    chinese = font_names(render_pdf(dataclasses.replace(cert, display_name="王芳")))
    assert all("DejaVu" in f for f in latin), latin
    assert any("WenQuanYi" in f for f in chinese - latin), chinese


@pytest.mark.parametrize(
    "name",
    ["Zoë 😀 Smith", "👩🏽‍⚕️", "Ａｄａ", "tab\there\x00", "x" * 400, "Łukasz " * 20],
)
def test_any_name_renders_on_one_page_without_error(cert, name):
    pdf = render_pdf(dataclasses.replace(cert, display_name=name), compress=False)
    assert pdf.startswith(b"%PDF") and cert.certificate_id in page_text(pdf)
    assert b"/Count 1" in pdf, "a long name shrinks to fit rather than spilling onto a second page"


def only_fonts(tmp_path: Path, monkeypatch, *fonts: tuple[str, bytes]) -> None:
    """Make fontconfig (and so Pango and WeasyPrint) see only these font files."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name, data in fonts:
        (folder / name).write_bytes(data)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{folder}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>',
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


def system_font(file_name: str) -> bytes:
    path = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, check=True).stdout
    return Path(next(p for p in path.splitlines() if p.endswith("/" + file_name))).read_bytes()


def latin_1_only(font: bytes) -> bytes:
    """DejaVu Sans cut down to Latin-1: a font with "ó" but no "Ł" or "ż"."""
    from fontTools import subset

    options = subset.Options()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x100))
    face = subset.load_font(io.BytesIO(font), options)
    subsetter.subset(face)
    out = io.BytesIO()
    subset.save_font(face, out, options)
    return out.getvalue()


def test_a_letter_no_installed_font_has_is_a_question_mark_and_a_symbol_is_left_out(cert, tmp_path, monkeypatch):
    # only the body font: it has no Chinese and no 🩺
    only_fonts(tmp_path, monkeypatch, *((n, system_font(n)) for n in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")))
    pdf = render_pdf(dataclasses.replace(cert, display_name="Zoë 🩺 Wáng 王"))
    assert "Zoë Wáng ?" in page_text(pdf)
    assert missing_glyphs(pdf) == []


def test_without_unicode_fonts_the_name_is_spelled_as_closely_as_latin_1_allows(cert, tmp_path, monkeypatch):
    only_fonts(tmp_path, monkeypatch, ("Latin1Sans.ttf", latin_1_only(system_font("DejaVuSans.ttf"))))
    pdf = render_pdf(dataclasses.replace(cert, display_name="Łukasz Żółć"))
    assert "Lukasz Zólc" in page_text(pdf)
    assert missing_glyphs(pdf) == []


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Łukasz Żółć", "Lukasz Zólc"),
        ("Zoë Straße", "Zoë Straße"),
        ("Zoë 😀 Smith", "Zoë Smith"),
        ("O’Brien — “Jr”", 'O\'Brien - "Jr"'),
        ("李", "?"),
        ("Ｆｕｌｌ", "Full"),
        ("tab\there\x00", "tab here"),
    ],
)
def test_names_outside_latin_1_are_spelled_as_closely_as_the_core_fonts_allow(text, printed):
    assert latin1(text) == printed


def test_a_learner_sees_only_their_own_certificates_that_still_verify(store, real_course, cert):
    later = issue(store, "L1", "Ada Lovelace", real_course, 97, SECRET, now=datetime(2026, 4, 1, tzinfo=UTC))
    issue(store, "L2", "Bo", real_course, 90, SECRET)
    assert certificates.for_learner(store, "L1", SECRET) == [cert, later]
    tamper(store, later.certificate_id, score_percent=100.0)
    assert certificates.for_learner(store, "L1", SECRET) == [cert]


def test_a_damaged_font_file_still_gives_the_learner_their_certificate(cert, tmp_path, monkeypatch, caplog):
    regular = system_font("DejaVuSans.ttf")
    only_fonts(
        tmp_path,
        monkeypatch,
        ("DejaVuSans.ttf", regular[:50_000]),  # cut short
        ("Latin1Sans.ttf", latin_1_only(regular)),
    )
    pdf = render_pdf(dataclasses.replace(cert, display_name="Łukasz Żółć"))
    assert "Lukasz Zólc" in page_text(pdf) and cert.certificate_id in page_text(pdf)
    assert "no installed font has" in caplog.text and "U+0141" in caplog.text
