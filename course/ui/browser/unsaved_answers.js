// The browser's copy of answers marked "Not saved yet" (course/ui/kept.py, `mirror`).
//
// A Streamlit components v2 module, served as a file by Streamlit's own route
// (/_stcore/bidi-components/course.unsaved_answers/unsaved_answers.js) so the course's
// Content-Security-Policy allows it as a script from this server ('self'): given inline, Streamlit
// would load it from a blob: URL, which the policy does not allow. Its parameters come in `data`:
//   key   the localStorage key;
//   read  whether this session has had the browser's copy already;
//   keep  {flag: entry} of answers this session still has to save, as JSON text;
//   drop  flags of answers saved or turned down since they were copied, as JSON text.
// (Text, not objects: Streamlit checks every dict or list value in `data` for a data frame,
// which imports pandas and pyarrow into a new server's first page. An object is read as well.)
export default function (component) {
  const { data, setStateValue } = component;
  const KEY = data.key;
  const parsed = (value) => (typeof value === "string" ? JSON.parse(value) : value);
  let stored = {};
  try { stored = JSON.parse(window.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { stored = {}; }
  if (!data.read && Object.keys(stored).length) {
    setStateValue("found", stored);  // a new session: hand this browser's copy over, once
    return;
  }
  // Add what this session still has to save; remove what it saved or turned down. Other
  // tabs' answers stay: they share this storage.
  for (const flag of parsed(data.drop)) delete stored[flag];
  Object.assign(stored, parsed(data.keep));
  try {
    if (Object.keys(stored).length) window.localStorage.setItem(KEY, JSON.stringify(stored));
    else window.localStorage.removeItem(KEY);
  } catch (e) { /* storage full or blocked: the session still holds the answers */ }
}
