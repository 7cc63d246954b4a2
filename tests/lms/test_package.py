"""SCORM 1.2 and cmi5 packages (issue 20): what an LMS administrator uploads, and the
command's answers to options that make no sense."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from course.cli import main
from course.lms import launch as lms_launch
from course.lms.package import PackageError, PackageOptions, cmi5_xml, scorm12_zip
from course.ui.lms_routes import allowed_origin, launch_path

CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
CMI5 = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"
URL = "https://course.example.org"


def test_the_scorm_package_has_one_sco_per_module_with_the_pass_mark(real_course):
    data = scorm12_zip(real_course, PackageOptions("staff", URL))
    z = zipfile.ZipFile(io.BytesIO(data))
    manifest = ET.fromstring(z.read("imsmanifest.xml"))
    assert manifest.find(f"{CP}metadata/{CP}schemaversion").text == "1.2"
    items = manifest.findall(f".//{CP}organization/{CP}item")
    track = real_course.track("staff")
    assert [i.get("identifierref") for i in items] == [f"sco-{m}" for m in track.modules]
    assert {i.find(f"{ADLCP}masteryscore").text for i in items} == {str(track.pass_mark)}
    titles = [i.find(f"{CP}title").text for i in items]
    assert titles[0].endswith(real_course.module(track.modules[0]).title)
    names = set(z.namelist())
    for res in manifest.findall(f".//{CP}resource"):
        for f in res.findall(f"{CP}file"):
            assert f.get("href") in names  # every file the manifest names is in the zip
        if res.get(f"{ADLCP}scormtype") == "sco":
            page = z.read(res.get("href")).decode()
            assert f'data-course="{URL}"' in page and 'src="launch.js"' in page
    # the launch page holds no course content: no question or section text
    js = z.read("sco/launch.js").decode()
    assert "LMSInitialize" in js and "LMSFinish" in js
    assert "suspend_data" not in js  # the course's own record holds the state, not the LMS's 4,096 characters
    assert real_course.module("history").sections[0].body[:80] not in "".join(z.read(n).decode() for n in names)
    # the same course and options make the same bytes
    assert scorm12_zip(real_course, PackageOptions("staff", URL)) == data


def test_the_cmi5_structure_has_one_au_per_module_moved_on_by_the_pass_mark(real_course):
    root = ET.fromstring(cmi5_xml(real_course, PackageOptions("public", URL)))
    aus = root.findall(f"{CMI5}au")
    track = real_course.track("public")
    assert len(aus) == len(track.modules)
    assert {a.get("moveOn") for a in aus} == {"CompletedAndPassed"}
    assert {float(a.get("masteryScore")) for a in aus} == {track.pass_mark / 100}
    assert aus[0].find(f"{CMI5}url").text == f"{URL}/api/course/cmi5/launch?module={track.modules[0]}&track=public"


@pytest.mark.parametrize(
    "url, message",
    [
        ("course.example.org", "public address"),
        ("http://course.example.org", "plain http"),
        ("https://course.example.org/?x=1", "without ?query"),
        ("https://course.example.org:notaport", "not a web address"),
    ],
)
def test_a_bad_course_address_is_refused(real_course, url, message):
    with pytest.raises(PackageError, match=message.replace("?", r"\?")):
        scorm12_zip(real_course, PackageOptions("staff", url))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--format", "scorm12", "--track", "staff"], "needs --url"),
        (["--format", "cmi5", "--url", URL], "needs --track"),
        (
            ["--format", "scorm12", "--track", "staff", "--url", URL, "--module", "history"],
            "--module is for facilitator",
        ),
        (["--format", "scorm12", "--track", "staff", "--url", URL, "--audience", "staff"], "--audience is for"),
        (["--format", "scorm12", "--track", "nope", "--url", URL], "no track 'nope'"),
        (["--format", "html", "--track", "staff"], "--track is for LMS packages"),
        (["--format", "pdf"], "needs --module"),
    ],
)
def test_nonsense_options_get_a_clear_message(argv, message, capsys, tmp_path):
    assert main(["export", *argv, "--out", str(tmp_path / "p.zip")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p.zip").exists()


def test_the_command_writes_the_package(tmp_path, capsys):
    out = tmp_path / "pkg" / "staff.zip"
    assert main(["export", "--format", "scorm12", "--track", "staff", "--url", URL, "--out", str(out)]) == 0
    assert zipfile.ZipFile(out).testzip() is None
    assert (
        main(["export", "--format", "scorm12", "--track", "staff", "--url", URL, "--out", str(tmp_path / "x.xml")]) == 2
    )
    assert "a SCORM package is a .zip" in capsys.readouterr().err


# --------------------------------------------------------------------------- launch tokens


def test_a_launch_token_round_trips_and_cannot_be_altered_or_reused_late():
    secret = b"k" * 32
    launch = lms_launch.new_launch("emp-42", "Ana Silva", "https://lms.example.org", "history", "staff", "s2", now=1000)
    token = lms_launch.sign(launch, secret)
    assert lms_launch.read(token, secret, now=1000) == launch
    data, mac = token.split(".")
    with pytest.raises(lms_launch.LaunchError, match="not one the course made"):
        lms_launch.read(data[:-2] + "AA." + mac, secret, now=1000)
    with pytest.raises(lms_launch.LaunchError, match="not one the course made"):
        lms_launch.read(token, b"another key", now=1000)
    with pytest.raises(lms_launch.LaunchError, match="expired"):
        lms_launch.read(token, secret, now=1000 + lms_launch.TOKEN_SECONDS + 1)


def test_the_same_lms_learner_is_the_same_course_learner():
    a = lms_launch.learner_subject("https://lms.example.org", "emp-42")
    assert a == lms_launch.learner_subject("https://LMS.example.org", "emp-42")
    assert a != lms_launch.learner_subject("https://other-lms.example.org", "emp-42")
    assert a != lms_launch.learner_subject("https://lms.example.org", "emp-43")
    assert "emp-42" not in a


@pytest.mark.parametrize("student_id, message", [("", "no learner id"), ("x" * 300, "longer than")])
def test_a_launch_without_a_usable_learner_is_refused(student_id, message):
    with pytest.raises(lms_launch.LaunchError, match=message):
        lms_launch.new_launch(student_id, "", "https://lms.example.org", "history", "staff", None)


def test_a_saved_location_opens_that_step():
    base = lms_launch.new_launch("a", "", "https://l.example", "history", "staff", "quiz")
    assert launch_path(base, "T").startswith("/history-quiz?lms=T")
    odd = lms_launch.new_launch("a", "", "https://l.example", "history", "staff", "../../etc")
    assert launch_path(odd, "T") == "/history?lms=T"


@pytest.mark.parametrize(
    "origin, ancestors, ok",
    [
        ("https://lms.example.org", "'self' https://lms.example.org", True),
        ("https://lms.example.org", "'self'", False),
        ("https://evil.example", "https://lms.example.org", False),
        ("http://lms.example.org", "https://lms.example.org", False),
        ("https://a.lms.example.org", "https://*.lms.example.org", True),
        ("https://lms.example.org:8443", "https://lms.example.org", False),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001", True),
        ("null", "https://lms.example.org", False),
        (None, "https://lms.example.org", False),
    ],
)
def test_only_origins_allowed_to_frame_the_course_may_launch_it(origin, ancestors, ok):
    assert allowed_origin(origin, ancestors) is ok
