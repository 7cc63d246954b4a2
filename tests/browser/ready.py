"""When is a Streamlit page ready to be checked? `wait_ready` waits on what the page does,
with no fixed sleep.

The difficulty: right after a click, Streamlit's frontend has sent its rerun request but has
not yet heard that the run started, so `data-test-script-state="notRunning"` is still the
previous run's, and a wait for it would return at once on the old page. A fixed sleep before
that wait (it was 300 ms, and 300 ms after it to let the page settle) only makes that unlikely.

So each browser context gets `TRACKER_JS` as an init script (it runs in every document and
frame before the page's own scripts; Chromium applies no Content-Security-Policy to it, nor to
`page.evaluate`). It watches the app's own websocket:

- every rerun request the frontend sends (a BackMsg with `rerun_script`, field 11): a button,
  a widget's new value, a page link, a fragment's `run_every` timer, the first run on load;
- every run the server starts (`new_session`, field 4, or `session_status_changed` with
  `script_is_running`) and how it ended (`script_finished`, field 6: FINISHED_EARLY_FOR_RERUN
  (2) is an `st.rerun()` or `st.switch_page`, whose next run follows; any other status ends
  the chain), and the `session_status_changed` that says no script runs any more;
- every commit React makes to the document (React calls a DevTools hook if the page has one:
  the tracker installs a minimal one before React loads).

Its message listener is added after the frontend's, so it runs once the frontend has handled
the message (the frontend's handling has no real await: its state is set by then); React draws
that state in its next commit. `READY_JS` then resolves when: no run is going, the chain of
runs that followed the latest rerun request has ended, React has committed since, the app says
notRunning with no skeleton, no stale element and no finite CSS transition or animation
still moving (the menu slides shut for 300 ms when the window narrows to 320 px, and axe
cannot judge the contrast of text it passes over), and then React has stayed still for
`QUIET_FRAMES` animation frames (the course's own page scripts, the focus move in
course/ui/nav.py and the labels in course/ui/question_widgets.py, act two frames after they are
drawn). An action that sends no request (a resize, an expander, a key that only moves the
focus) waits only for those frames.

Where the order of requests and runs cannot tell which run answered the latest request (it was
sent while another run was going or another request was still unanswered, as on the pages
whose fragments rerun every second), the end of the runs must also have held for
`OVERLAP_SETTLE_MS` (the old fixed wait) with no new run before it counts.
"""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

# Installed on every browser context (tests/browser/conftest.py): see the module docstring.
TRACKER_JS = """
(() => {
  if (window.__courseWait) return;
  const w = (window.__courseWait = {
    requestAt: -1, startAt: -1, doneAt: -1, commitAt: -1, running: false,
    lastFinal: true, overlap: false, hooked: false,
  });
  if (!window.__REACT_DEVTOOLS_GLOBAL_HOOK__) {
    window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true, renderers: new Map(),
      inject() { w.hooked = true; return 1; },
      onCommitFiberRoot() { w.commitAt = performance.now(); },
      onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, checkDCE() {},
    };
  }
  const varint = (b, i) => {
    let v = 0, s = 0, x;
    do { x = b[i++]; v += (x & 127) * 2 ** s; s += 7; } while (x & 128 && i < b.length);
    return [v, i];
  };
  // The top-level fields of a protobuf message: field number -> varint or [start, end).
  const fields = (b, start = 0, end = b.length) => {
    const out = new Map();
    let i = start;
    while (i < end) {
      let tag, v;
      [tag, i] = varint(b, i);
      const type = tag & 7;
      if (type === 0) { [v, i] = varint(b, i); out.set(Math.floor(tag / 8), v); }
      else if (type === 2) { [v, i] = varint(b, i); out.set(Math.floor(tag / 8), [i, i + v]); i += v; }
      else if (type === 1) i += 8;
      else if (type === 5) i += 4;
      else break;
    }
    return out;
  };
  const heard = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const b = new Uint8Array(event.data);
    const m = fields(b);
    const now = performance.now();
    if (m.has(4)) w.startAt = now;  // new_session: a run started
    if (m.has(6)) w.lastFinal = m.get(6) !== 2;  // script_finished; 2: FINISHED_EARLY_FOR_RERUN
    if (m.has(9)) {  // session_status_changed
      const [s, e] = m.get(9);
      w.running = fields(b, s, e).get(2) === 1;
      if (w.running) w.startAt = now;
      else if (w.lastFinal) w.doneAt = now;
    }
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.__courseWait) {
      this.__courseWait = true;
      this.addEventListener("message", heard);
    }
    if (data instanceof Uint8Array && fields(data).has(11)) {  // BackMsg.rerun_script
      const now = performance.now();
      w.overlap = w.running || w.requestAt > w.startAt;
      w.requestAt = now;
    }
    return send.call(this, data);
  };
})();
"""

QUIET_FRAMES = 3
OVERLAP_SETTLE_MS = 300
TIMEOUT_MS = 30000

# Resolves to "" once the page is ready, or to what it still waits for at the deadline.
READY_JS = """
async ([quietFrames, overlapMs, timeoutMs]) => {
  const w = window.__courseWait;
  if (!w) return "no tracker in this page: make its context with the browser fixture's new_context";
  // A frame, or 100 ms if the page gets no frames (a hidden page): never stuck.
  const frame = () => new Promise((r) => {
    const t = setTimeout(r, 100);
    requestAnimationFrame(() => { clearTimeout(t); r(); });
  });
  const pending = () => {
    const app = document.querySelector("[data-testid=stApp]");
    if (!app) return "no stApp";
    if (app.getAttribute("data-test-script-state") !== "notRunning") return "script state " + app.getAttribute("data-test-script-state");
    if (w.running) return "a run is going";
    if (!(w.doneAt > w.requestAt)) return "the runs after the latest rerun request have not ended";
    if (w.hooked && !(w.commitAt > w.doneAt)) return "React has not drawn the end of the run";
    if (w.overlap && performance.now() - w.doneAt < overlapMs) return "settling after overlapping runs";
    if (document.querySelector("[data-testid=stSkeleton]")) return "a skeleton";
    if (document.querySelector('[data-stale="true"]')) return "stale elements";
    // A transition or animation still moving (the menu closing at a new width, a fade-in):
    // axe cannot judge the contrast of text whose colour or opacity is still changing.
    if (document.getAnimations().some(moving)) return "an animation is running";
    return "";
  };
  const moving = (a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity;
  const deadline = performance.now() + timeoutMs;
  // Two frames first: a widget that sends its value from an effect has sent it by then.
  await frame();
  await frame();
  let quiet = 0;
  let why = "";
  while (performance.now() < deadline) {
    const before = performance.now();
    why = pending();
    if (!why && quiet >= quietFrames) return "";
    await frame();
    quiet = !why && w.commitAt < before ? quiet + 1 : 0;
  }
  return why || "React kept drawing";
}
"""


def wait_ready(page) -> None:
    """Streamlit has finished the runs the last action started, and drawn the page (`page`: a
    Playwright Page or Frame whose context has `TRACKER_JS`). Raises TimeoutError after 30 s."""
    for _ in range(5):
        try:
            why = page.evaluate(READY_JS, [QUIET_FRAMES, OVERLAP_SETTLE_MS, TIMEOUT_MS])
        except PlaywrightError as e:
            # The document was replaced while waiting (a reload, a link): wait in the new one.
            if "context was destroyed" in str(e) or "navigat" in str(e):
                page.wait_for_load_state("domcontentloaded")
                continue
            raise
        if why:
            raise TimeoutError(f"wait_ready: the page is not ready after {TIMEOUT_MS} ms: {why}")
        return
    raise TimeoutError("wait_ready: the page kept navigating")


def wait_frames(page, count: int) -> None:
    """Let the page draw `count` animation frames (each at most 100 ms if it gets none): time
    for a page script that acts a set number of frames after it runs (nav.py's focus move acts
    two frames after it is drawn) to have acted, or to have shown that it does nothing."""
    page.evaluate(
        """async (count) => {
          for (let i = 0; i < count; i++) {
            await new Promise((r) => { const t = setTimeout(r, 100); requestAnimationFrame(() => { clearTimeout(t); r(); }); });
          }
        }""",
        count,
    )
