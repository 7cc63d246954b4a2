"""The course in the systems employers already use (issue 20).

- `package`: SCORM 1.2 zips and cmi5 course structures for an LMS to import.
- `launch`: the signed, short-lived launch tokens an LMS launch page trades its learner for,
  and the stable learner key behind them.
- `cmi5`: a cmi5 launch (auth token fetched server-side, the AU's required statements).
- `outbox`: learning events forwarded to an LRS through a durable outbox in the store.
- `completions`: one CSV row per learner and module or course, for spreadsheet imports.

No streamlit imports here: the app's side is course/ui/lms_launch.py and the routes in
course/ui/web.py. docs/lms.md is the operator's guide.
"""
