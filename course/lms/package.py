"""SCORM 1.2 packages and cmi5 course structures for one track of the course.

A SCORM 1.2 package holds no copy of the course: each SCO is a small launch page that finds
the LMS's API, trades the LMS's learner (student id and name) for a signed launch token from
the hosted course, shows the course's module in a frame, and writes back to the LMS what the
course reports by `postMessage` (see `LAUNCH_JS`). docs/lms.md explains the trust model.

A cmi5 course structure (`cmi5.xml`) names one AU per module, at the hosted course's
`/api/course/cmi5/launch` address, moved on by the track's pass mark.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from course.schema import Course

FORMATS = ("scorm12", "cmi5")
LAUNCH_ROUTE = "/api/course/lms/launch"
CMI5_LAUNCH_ROUTE = "/api/course/cmi5/launch"
# A fixed date so that the same course and options always make the same zip, byte for byte.
_ZIP_DATE = (2026, 1, 1, 0, 0, 0)


class PackageError(ValueError):
    """An option that makes no sense for a package; the message says which and why."""


@dataclass(frozen=True)
class PackageOptions:
    track: str
    url: str  # the hosted course's public address, e.g. https://course.example.org


def course_origin(url: str) -> str:
    """The hosted course's base address (scheme, host, port and any path, no trailing slash),
    or PackageError saying what is wrong with `url`."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as exc:
        raise PackageError(f"--url {url!r} is not a web address ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PackageError(f"--url {url!r} must be the course's public address, such as https://course.example.org")
    if parts.query or parts.fragment:
        raise PackageError(f"--url {url!r} must be the course's address alone, without ?query or #fragment")
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise PackageError(
            f"--url {url!r} uses plain http: an LMS served over https cannot frame it (browsers block mixed "
            "content); use the course's https address"
        )
    return url.rstrip("/")


def check(course: Course, options: PackageOptions) -> tuple[str, list]:
    """(the course's base address, the track's modules), or PackageError."""
    tracks = {t.id: t for t in course.settings.tracks}
    if options.track not in tracks:
        raise PackageError(f"no track {options.track!r}; choose one of {', '.join(sorted(tracks))}")
    return course_origin(options.url), course.track_modules(options.track)


def package_id(base: str, track: str) -> str:
    """Stable across course versions: an updated package replaces the old one in the LMS and
    its learners keep their records (the learner key does not depend on it either)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/lms/{track}"))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


# --------------------------------------------------------------------------- SCORM 1.2


def scorm12_manifest(course: Course, options: PackageOptions) -> str:
    base, modules = check(course, options)
    track = course.track(options.track)
    ident = "ketamine-course-" + _slug(options.track)
    items, resources = [], []
    for n, m in enumerate(modules, start=1):
        items.append(
            f'      <item identifier="item-{m.id}" identifierref="sco-{m.id}" isvisible="true">\n'
            f"        <title>{escape(f'{n}. {m.title}')}</title>\n"
            f"        <adlcp:masteryscore>{track.pass_mark}</adlcp:masteryscore>\n"
            f"      </item>"
        )
        resources.append(
            f'    <resource identifier="sco-{m.id}" type="webcontent" adlcp:scormtype="sco" href="sco/{m.id}.html">\n'
            f'      <file href="sco/{m.id}.html"/>\n'
            f'      <dependency identifierref="launch-common"/>\n'
            f"    </resource>"
        )
    resources.append(
        '    <resource identifier="launch-common" type="webcontent" adlcp:scormtype="asset">\n'
        '      <file href="sco/launch.js"/>\n'
        '      <file href="sco/launch.css"/>\n'
        "    </resource>"
    )
    title = f"{course.settings.title}: {track.title}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<manifest identifier={quoteattr(ident)} version={quoteattr(str(course.settings.version))}\n"
        '  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"\n'
        '  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"\n'
        '  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
        '  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd '
        "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
        'http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">\n'
        "  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>1.2</schemaversion>\n  </metadata>\n"
        f'  <organizations default="org-{_slug(options.track)}">\n'
        f'    <organization identifier="org-{_slug(options.track)}">\n'
        f"      <title>{escape(title)}</title>\n" + "\n".join(items) + "\n    </organization>\n  </organizations>\n"
        "  <resources>\n" + "\n".join(resources) + "\n  </resources>\n</manifest>\n"
    )


def sco_page(course: Course, options: PackageOptions, module_id: str) -> str:
    """One SCO's launch page: its settings in the script tag's data- attributes, the logic in
    launch.js (the same for every SCO)."""
    base, _ = check(course, options)
    module = course.module(module_id)
    title = escape(module.title)
    pid = package_id(base, options.track)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="launch.css">
</head>
<body>
<main>
<p id="status" role="status">Opening “{title}”…</p>
<iframe id="course" title="{title}" hidden></iframe>
</main>
<script src="launch.js" data-course={quoteattr(base)} data-module={quoteattr(module_id)} data-package={quoteattr(pid)} data-track={quoteattr(options.track)}></script>
</body>
</html>
"""


LAUNCH_CSS = """html, body, main { margin: 0; height: 100%; }
body { font-family: system-ui, sans-serif; }
#status { margin: 1rem; font-size: 1.1rem; }
#status:empty { display: none; }
iframe { border: 0; width: 100%; height: 100%; display: block; }
iframe[hidden] { display: none; }
"""

# The launch page's logic. It keeps no course content and decides nothing about results:
# the hosted course says what to record, and this page only writes it to the LMS.
LAUNCH_JS = r"""/* SCORM 1.2 launch page for the hosted ketamine therapy course (see docs/lms.md). */
(function () {
  "use strict";
  var cfg = document.currentScript.dataset;
  var courseOrigin = new URL(cfg.course).origin;
  var statusEl = document.getElementById("status");
  var frame = document.getElementById("course");
  var api = null, started = 0, finished = false, passed = false;

  function say(text) { statusEl.textContent = text; }

  // The standard search (ADL's SCORM 1.2 run-time guide): up the parent windows, then the opener's.
  function search(win) {
    var tries = 0;
    while (win && !win.API && win.parent && win.parent !== win && tries < 10) { tries += 1; win = win.parent; }
    return (win && win.API) || null;
  }
  function findApi() {
    var found = null;
    try { found = search(window); } catch (e) { found = null; }
    if (!found && window.opener) { try { found = search(window.opener); } catch (e) { found = null; } }
    return found;
  }
  function get(name) { var v = api.LMSGetValue(name); return v === undefined || v === null ? "" : String(v); }
  function set(name, value) { return String(api.LMSSetValue(name, String(value))) === "true"; }

  function sessionTime() { // CMITimespan: HHHH:MM:SS.SS
    var cs = Math.max(0, Math.round((Date.now() - started) / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs % 360000 / 6000), s = (cs % 6000) / 100;
    function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s.toFixed(2), 5);
  }

  function finish() {
    if (!api || finished) return;
    finished = true;
    set("cmi.core.session_time", sessionTime());
    set("cmi.core.exit", passed ? "" : "suspend");
    api.LMSCommit("");
    api.LMSFinish("");
  }

  function record(msg) {
    var status = msg.lesson_status;
    if (["incomplete", "passed", "failed"].indexOf(status) < 0) return;
    if (typeof msg.location === "string" && msg.location.length <= 255) set("cmi.core.lesson_location", msg.location);
    if (typeof msg.score_raw === "number" && isFinite(msg.score_raw)) {
      set("cmi.core.score.min", msg.score_min);
      set("cmi.core.score.max", msg.score_max);
      set("cmi.core.score.raw", Math.round(msg.score_raw));
    }
    set("cmi.core.lesson_status", status);
    passed = status === "passed";
    api.LMSCommit("");
  }

  window.addEventListener("message", function (event) {
    // Only the course, in this page's own frame, may report: a strict origin and source.
    if (event.origin !== courseOrigin || event.source !== frame.contentWindow) return;
    var msg = event.data;
    if (!msg || msg.type !== "ketamine-course-lms" || msg.module !== cfg.module) return;
    record(msg);
  });
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  api = findApi();
  if (!api) { say("This page must be opened from your learning platform (no SCORM 1.2 API was found)."); return; }
  if (String(api.LMSInitialize("")) !== "true") { say("Your learning platform did not start this lesson (LMSInitialize failed)."); api = null; return; }
  started = Date.now();
  if (get("cmi.core.lesson_status") === "not attempted") set("cmi.core.lesson_status", "incomplete");
  var body = JSON.stringify({
    student_id: get("cmi.core.student_id"),
    student_name: get("cmi.core.student_name"),
    location: get("cmi.core.lesson_location"),
    module: cfg.module, track: cfg.track, package: cfg.package
  });
  // text/plain: a simple request, so no preflight; the course checks this page's Origin.
  fetch(cfg.course + "/api/course/lms/launch", { method: "POST", body: body, headers: { "Content-Type": "text/plain" }, credentials: "omit" })
    .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
    .then(function (res) {
      if (!res.ok || !res.j.path) { say(res.j.error || "The course could not be opened."); return; }
      frame.src = cfg.course + res.j.path;
      frame.hidden = false;
      say("");
    })
    .catch(function () { say("The course at " + cfg.course + " cannot be reached. Check your connection and open this lesson again."); });
})();
"""


def scorm12_zip(course: Course, options: PackageOptions) -> bytes:
    """The package an LMS administrator uploads as it is."""
    _, modules = check(course, options)
    files = {
        "imsmanifest.xml": scorm12_manifest(course, options),
        "sco/launch.js": LAUNCH_JS,
        "sco/launch.css": LAUNCH_CSS,
    }
    for m in modules:
        files[f"sco/{m.id}.html"] = sco_page(course, options, m.id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name, _ZIP_DATE), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --------------------------------------------------------------------------- cmi5


def cmi5_xml(course: Course, options: PackageOptions) -> str:
    """A cmi5 course structure: one AU per module of the track, moveOn CompletedAndPassed with
    the track's pass mark as masteryScore (0..1)."""
    base, modules = check(course, options)
    track = course.track(options.track)
    course_id = f"{base}/lms/{_slug(options.track)}"
    aus = []
    for m in modules:
        aus.append(
            f'  <au id={quoteattr(f"{base}/activities/module/{m.id}")} moveOn="CompletedAndPassed" '
            f'masteryScore="{track.pass_mark / 100:.2f}" launchMethod="AnyWindow">\n'
            f'    <title><langstring lang="en-US">{escape(m.title)}</langstring></title>\n'
            f'    <description><langstring lang="en-US">{escape(m.title)}</langstring></description>\n'
            f"    <url>{escape(base + CMI5_LAUNCH_ROUTE + '?module=' + m.id + '&track=' + options.track)}</url>\n"
            f"  </au>"
        )
    title = f"{course.settings.title}: {track.title}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">\n'
        f"  <course id={quoteattr(course_id)}>\n"
        f'    <title><langstring lang="en-US">{escape(title)}</langstring></title>\n'
        f'    <description><langstring lang="en-US">{escape(track.description)}</langstring></description>\n'
        "  </course>\n" + "\n".join(aus) + "\n</courseStructure>\n"
    )


def default_filename(fmt: str, track: str) -> str:
    return f"ketamine-course-{track}-{fmt}.zip" if fmt == "scorm12" else f"ketamine-course-{track}-cmi5.xml"
