"""A local Streamlit server for the browser tests and the load benchmark.

Starts `python -m streamlit run` on a free 127.0.0.1 port (headless, development mode and
file watcher off) and waits for `/_stcore/health`. Only the standard library is imported:
Streamlit runs in the child process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
# Debian's Chromium, which the browser tests, the screenshots and the benchmarks drive, with
# flags that keep it from calling out or needing a GPU or a sandbox in a container.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What the browser tests drive: Debian's chromium-headless-shell, the same Chromium (Blink and
# V8, same version) built without the desktop browser around it, which is what Playwright itself
# runs for headless tests. An axe matrix run took about 17% less CPU than with the full browser
# (docs/accessibility.md). The screenshots and the benchmarks of what a learner feels
# (bench/vitals.py, bench/coldstart.py) keep the full browser.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
# No proxy, ever: the server is on 127.0.0.1.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 2.0) -> bytes:
    with _HTTP.open(url, timeout=timeout) as response:
        return response.read()


class Server:
    """A Streamlit server on a free 127.0.0.1 port; its output goes to `log`."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        script: Path = APP,
        cwd: Path = ROOT,
        startup_timeout: float = 60.0,
        port: int | None = None,
    ):
        # A given port: a replica restarted where its learners' browsers will reconnect.
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--global.developmentMode",
                "false",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=cwd,
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if http_get(f"{self.url}/_stcore/health") == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{script.name} on port {self.port} did not become healthy; see {log}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()
