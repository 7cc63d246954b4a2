// Listen: reads a module part or a question aloud with the browser's own speech synthesis
// (course/ui/listen.py says why and when it is drawn).
//
// A Streamlit components v2 module, served as a file by Streamlit's own route
// (/_stcore/bidi-components/course.listen/listen.js), so the Content-Security-Policy allows it
// as a script from this server. Its parameters come in `data`, never in its source:
//   chunks   the plain text, in pieces of a sentence or so (one utterance each);
//   voices   the languages wanted, best first ("es-US", "es-MX", "es"); the last is a prefix;
//   listen   the Listen button's words ("Listen to this part");
//   labels   the other words: pause, resume, stop, reading, paused, stopped, finished, unavailable.
//
// It never speaks on its own: only a press of its Listen button starts it. Only voices the
// device provides (localService) are used, so the text is not sent to a speech service.
// Streamlit may call this function again for the same element on a rerun: the controls are
// built once per element and only their data is updated, so a reading in progress goes on.

const WAIT_MS = 2000; // how long to wait for the browser's voices before saying there are none
const shared = window.courseListen || (window.courseListen = { active: null });

// Of the controls without a voice, only the first on the page shows the note: the others are
// settled again each time one more finds it has none (they mount one by one, in any order).
shared.notes = () => {
  const silent = document.querySelectorAll(".course-listen-root[data-no-voice]");
  silent.forEach((root, i) => {
    const note = root.querySelector(".course-listen-note");
    if (note) note.hidden = i > 0;
  });
};

const norm = (lang) => String(lang || "").replace(/_/g, "-").toLowerCase();

function pickVoice(voices, wanted) {
  const local = voices.filter((v) => v.localService !== false);
  for (const lang of wanted) {
    const exact = local.find((v) => norm(v.lang) === norm(lang));
    if (exact) return exact;
  }
  const prefix = norm(wanted[wanted.length - 1]).split("-")[0];
  return local.find((v) => norm(v.lang) === prefix || norm(v.lang).startsWith(prefix + "-")) || null;
}

function button(className) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  return b;
}

function build(root) {
  const synth = window.speechSynthesis;
  const ui = { data: null, voice: null, state: "idle", run: 0, utterances: [], timer: null };

  const box = document.createElement("div");
  box.className = "course-listen";
  box.setAttribute("role", "group");
  box.hidden = true; // until a voice for the language is known
  const listen = button("course-listen-start");
  listen.id = `course-listen-${Math.random().toString(36).slice(2)}`;
  box.setAttribute("aria-labelledby", listen.id);
  const pause = button("course-listen-pause");
  const stop = button("course-listen-stop");
  pause.hidden = stop.hidden = true;
  const status = document.createElement("p");
  status.className = "course-listen-state";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  box.append(listen, pause, stop, status);
  const note = document.createElement("p");
  note.className = "course-listen-note";
  note.hidden = true;
  root.append(box, note);

  const words = (name) => (ui.data && ui.data.labels[name]) || "";

  // The state in words, changed only when the state changes: the status region is announced
  // then, and at no other time.
  const setState = (state) => {
    ui.state = state;
    box.dataset.state = state;
    const text = state === "idle" ? "" : words(state);
    if (status.textContent !== text) status.textContent = text;
    const on = state === "reading" || state === "paused";
    pause.hidden = stop.hidden = !on;
    pause.textContent = words(state === "paused" ? "resume" : "pause");
  };

  // Pause and Stop disappear when reading ends: a keyboard user on them goes back to Listen.
  const ended = (state) => {
    const hadFocus = root.contains(document.activeElement) && document.activeElement !== listen;
    ui.run += 1; // the utterances still queued belong to a reading that is over
    ui.utterances = [];
    if (shared.active === ui) shared.active = null;
    setState(state);
    if (hadFocus) listen.focus();
  };
  ui.interrupt = () => ended("stopped");

  const start = () => {
    if (!ui.voice || !ui.data.chunks.length) return;
    if (shared.active && shared.active !== ui) shared.active.interrupt();
    ui.run += 1;
    const run = ui.run;
    synth.cancel();
    synth.resume(); // Chrome stays paused after cancel(): a new reading would never start
    shared.active = ui;
    const lang = ui.voice.lang ? ui.voice.lang.replace(/_/g, "-") : ui.data.voices[0];
    // Kept in `ui`: Chrome has lost the end event of an utterance nothing referred to.
    ui.utterances = ui.data.chunks.map((text, i) => {
      const u = new window.SpeechSynthesisUtterance(text);
      u.lang = lang;
      try { u.voice = ui.voice; } catch (e) { /* a voice from another realm: the language still chooses */ }
      if (i === ui.data.chunks.length - 1) u.onend = () => { if (run === ui.run) ended("finished"); };
      u.onerror = (event) => {
        if (run === ui.run && event.error !== "interrupted" && event.error !== "canceled") ended("stopped");
      };
      return u;
    });
    setState("reading");
    ui.utterances.forEach((u) => synth.speak(u));
  };

  listen.addEventListener("click", start);
  pause.addEventListener("click", () => {
    if (ui.state === "reading") {
      synth.pause();
      setState("paused");
    } else if (ui.state === "paused") {
      synth.resume();
      setState("reading");
    }
  });
  stop.addEventListener("click", () => {
    synth.cancel();
    synth.resume();
    ended("stopped");
  });

  // Shown once a voice for the language is found; else, after the browser has had time to
  // list its voices, a note says why there is no Listen button (on the first control of the
  // page only, not once per question).
  const available = (voice) => {
    ui.voice = voice;
    clearTimeout(ui.timer);
    box.hidden = false;
    delete root.dataset.noVoice;
    note.hidden = true;
    shared.notes();
  };
  const unavailable = () => {
    box.hidden = true;
    root.dataset.noVoice = "";
    shared.notes();
  };
  const check = () => {
    const voice = synth ? pickVoice(synth.getVoices() || [], ui.data.voices) : null;
    if (voice) available(voice);
    return voice;
  };
  const voicesChanged = () => { if (!ui.voice) check(); };

  ui.update = (data) => {
    ui.data = data;
    listen.textContent = data.listen;
    stop.textContent = words("stop");
    note.textContent = words("unavailable");
    setState(ui.state);
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      unavailable();
      return;
    }
    if (!check() && ui.timer === null) {
      if (typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", voicesChanged);
      ui.timer = setTimeout(() => { if (!ui.voice) unavailable(); }, WAIT_MS);
    }
  };

  // Gone from the page (the learner moved on): its reading stops with it.
  ui.cleanup = () => {
    clearTimeout(ui.timer);
    if (synth && typeof synth.removeEventListener === "function") synth.removeEventListener("voiceschanged", voicesChanged);
    if (shared.active === ui) {
      ui.run += 1;
      shared.active = null;
      synth.cancel();
      synth.resume();
    }
    delete root.courseListen;
    delete root.dataset.noVoice;
    root.replaceChildren();
    shared.notes();
  };
  return ui;
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement;
  if (!root.courseListen) {
    root.classList.add("course-listen-root");
    root.courseListen = build(root);
  }
  root.courseListen.update(data);
  return root.courseListen.cleanup;
}
