"""Screenshots of the course's main pages for the README, taken from the running app.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...]

Starts the app on a free 127.0.0.1 port with a throwaway SQLite database, opens each page in
Debian's Chromium (/usr/bin/chromium) through Playwright, and writes one PNG per page. The
projector pages are seeded straight into the store (a room, a poll, a few answers), so they show
what a room sees without anyone clicking. Each PNG is reduced to a 256-colour palette and saved
optimised (screens of text lose nothing visible), so the README's images stay small; so they
stay true, regenerate them after a change to what a page shows.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from course.devserver import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from course.trainer_auth import hash_passcode  # noqa: E402

PASSCODE = "screenshots passcode"
MODULE = "history"


@dataclass(frozen=True)
class Shot:
    name: str  # the file is NAME.png
    path: str  # the page's address below the app's URL
    width: int
    height: int
    prepare: Callable | None = None  # what to do on the page before the picture


def wait_ready(page) -> None:
    """Streamlit has finished its run and drawn the page (as tests/browser/conftest.py waits)."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30000)
    page.wait_for_selector("[data-testid=stSkeleton]", state="detached", timeout=30000)
    page.wait_for_selector('[data-stale="true"]', state="detached", timeout=30000)
    page.wait_for_timeout(600)


def choose_public_track(page) -> None:
    page.get_by_text("Community and self-paced learning", exact=True).click()
    page.get_by_role("button", name="Start the course").first.click()
    wait_ready(page)


def sign_in_as_trainer(page, passcode: str) -> None:
    page.goto(page.url.rstrip("/") + "/trainer-sign-in")
    wait_ready(page)
    page.get_by_label("Trainer passcode").fill(passcode)
    page.get_by_role("button", name="Sign in").click()
    wait_ready(page)


def seed_room(db_url: str, *, poll: bool) -> str:
    """A public room on the history module at its third slide; with `poll`, its first poll
    question open with eight answers, revealed."""
    from course.loader import load_course
    from course.polls import poll_questions
    from course.records import open_store

    store = open_store(db_url)
    try:
        code = store.start_presentation(MODULE, "public", created_by="screenshots")
        store.set_slide(code, 3)
        if poll:
            question = poll_questions(load_course(ROOT), MODULE, "public")[0]
            poll_id = store.open_poll(code, question.id)
            votes = [0, 0, 0, 0, 0, 1, 1, 2]  # an illustration: eight made-up phones, counts only
            for n, option in enumerate(votes):
                store.answer_poll(poll_id, f"screenshot-phone-{n}", question.options[option % len(question.options)][0])
            store.reveal_poll(poll_id)
        return code
    finally:
        store.close()


def shots(db_url: str, passcode: str) -> list[Shot]:
    """Every picture: the rooms are made in the store first."""
    from course.loader import load_course

    module = load_course(ROOT).module(MODULE)
    with_figure = next((s.id for s in module.sections if s.figures), module.sections[0].id)
    slides_room = seed_room(db_url, poll=False)
    poll_room = seed_room(db_url, poll=True)
    return [
        Shot("home", "/", 1280, 900, choose_public_track),
        Shot("module", f"/{MODULE}?step={with_figure}", 1280, 900, choose_public_track),
        Shot("quiz", f"/{MODULE}-quiz", 1280, 900, choose_public_track),
        Shot("about", "/about", 1280, 900),
        Shot("presenter", "/present", 1280, 900, functools.partial(sign_in_as_trainer, passcode=passcode)),
        Shot("projector", f"/audience?room={slides_room}", 1280, 720),
        Shot("projector-results", f"/audience?room={poll_room}", 1280, 720),
        Shot("join-phone", f"/join?room={poll_room}", 390, 844),
    ]


def take(
    out: Path,
    only: set[str] | None = None,
    *,
    url: str | None = None,
    db_url: str | None = None,
    passcode: str = PASSCODE,
    browser: Any = None,
) -> list[Path]:
    """Take every screenshot (or those named in `only`) into `out`. With `url` and `db_url`, of
    an app already running there (the browser tests' server, whose trainer `passcode` is
    given); else of an app started here and stopped after. With `browser`, in that Playwright
    browser (a test's); else in Chromium started here."""
    out.mkdir(parents=True, exist_ok=True)
    if url is not None and db_url is not None:
        return _take(out, only, url, db_url, passcode, browser)
    with tempfile.TemporaryDirectory(prefix="course-screenshots-") as tmp:
        env = {
            "COURSE_DB_URL": f"sqlite:///{Path(tmp) / 'course.sqlite'}",
            "COURSE_CERT_SECRET": "screenshots-secret-0123456789abcdef",
            "COURSE_TRAINER_PASSCODE_HASH": hash_passcode(PASSCODE, iterations=1000),
        }
        server = Server(env, Path(tmp) / "server.log")
        try:
            return _take(out, only, server.url, env["COURSE_DB_URL"], PASSCODE, browser)
        finally:
            server.stop()


def _take(out: Path, only: set[str] | None, url: str, db_url: str, passcode: str, browser: Any) -> list[Path]:
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return _take(out, only, url, db_url, passcode, own)
            finally:
                own.close()
    written: list[Path] = []
    for shot in shots(db_url, passcode):
        if only and shot.name not in only:
            continue
        context = browser.new_context(viewport={"width": shot.width, "height": shot.height})
        page = context.new_page()
        if shot.prepare is not None:  # e.g. choose a track on Home first
            page.goto(url)
            wait_ready(page)
            shot.prepare(page)
        page.goto(url + shot.path)
        wait_ready(page)
        target = out / f"{shot.name}.png"
        page.screenshot(path=str(target))
        optimise(target)
        written.append(target)
        context.close()
    return written


def optimise(path: Path) -> None:
    """256 colours, optimised: a screen of text and flat colours looks the same at a fraction of the size."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNG files")
    parser.add_argument("--only", nargs="*", help="take only these screenshots (by name)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is missing at {CHROMIUM}: apt-get install chromium (scripts/test.sh does).", file=sys.stderr)
        return 1
    for path in take(args.out, set(args.only) if args.only else None):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
