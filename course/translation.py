"""The public track's content in another language (Spanish today): which texts a public
learner sees, where their translations live, how stale or missing ones are found, and the
translated course the pages draw from.

Translations sit in parallel files beside the English, one per English file, so an author
opens both side by side:

    modules/01-history.yaml          ->  modules/es/01-history.yaml
    modules/scenarios/<id>.yaml      ->  modules/es/scenarios/<id>.yaml
    modules/course.yaml              ->  modules/es/course.yaml
    quizzes/history.yaml             ->  quizzes/es/history.yaml

A translation file maps each public text's *key* (its place in the English file, list items
named by their `id`, or by position when they have none, e.g. `sections.origins.plain`) to the
Spanish and the `sha` of the English it translates (`source_sha`). When the English changes,
its sha no longer matches and `validate` reports the Spanish as stale at its FILE:LINE; a public
text with no Spanish is reported at the English FILE:LINE. `python -m course translations
--lang es` adds an entry (with the current sha and an empty `es`) for every text that lacks one.

Which texts are public: everything a learner on the public track can see in a module of that
track, its quiz, the knowledge check and attitude survey, public scenarios, and the course file's
notice, crisis services and track names. Where a text has a plain-language version (`plain`,
`plain_summary`, `plain_caption`, `plain_alt`, `plain_takeaways`), only that version is public.
Presenter material (speaker notes, discussion prompts), references (publication titles stay as
published) and ids are not translated.

A text whose Spanish is missing or stale is shown in English (clinical text is never shown from
an out-of-date translation); validate and the content tests keep the shipped content at none.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from course.schema import BranchingScenario, Course, CourseSettings, Module, Quiz, Survey
from course.yaml_source import Path_, Problem, Source, parse_yaml, parse_yaml_bytes

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
TRANSLATED = ("es",)
PUBLIC_TRACK = "public"

# Keys whose values are never shown as prose: ids, references to other content, settings.
_NOT_TEXT = frozenset(
    {
        "id",
        "type",
        "kind",
        "tracks",
        "answer",
        "objective",
        "reference",
        "references",
        "section",
        "pairs_with",
        "requires",
        "quiz",
        "module",
        "modules",
        "start",
        "next",
        "rating",
        "url",
        "speaker_notes",
        "discussion_prompts",
        "estimated_minutes",
        "audience",
        "pass_mark",
        "sequencing",
        "certificate",
        "validity_months",
        "renewal",
        "completion",
        "pre_test",
        "post_test",
        "attitude_survey",
        "version",
        "reviewer",
        "last_reviewed",
        "next_review",
        "consent",
        "sources",
        "theme",
        "reverse",
        "correct",
        "value",
        "min",
        "max",
    }
)
# Where a plain-language version exists, the public reads it and never the full text.
_PLAIN_OF = {
    "plain": ("body", "text"),
    "plain_summary": ("summary",),
    "plain_takeaways": ("takeaways",),
    "plain_caption": ("caption",),
    "plain_alt": ("alt",),
}
# An ending's `sections` names the module sections that teach its point: ids, not text.
_ID_LISTS = frozenset({"sections"})


@dataclass(frozen=True)
class Slot:
    """One public text: its key, where it is in the English file, and the English."""

    key: str
    path: Path_
    text: str


def source_sha(text: str) -> str:
    """A short fingerprint of an English text, blind to how YAML wrapped its lines."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def _slugs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _visible(item: dict[str, Any]) -> bool:
    tracks = item.get("tracks")
    return not (isinstance(tracks, list) and _slugs(tracks)) or PUBLIC_TRACK in tracks


def _walk(node: Any, key: tuple[str, ...], path: Path_) -> Iterator[Slot]:
    if isinstance(node, str):
        if node.strip():
            yield Slot(".".join(key), path, node)
    elif isinstance(node, dict):
        if not _visible(node):
            return
        hidden = {full for plain, fulls in _PLAIN_OF.items() if node.get(plain) for full in fulls}
        for name, value in node.items():
            name = str(name)
            if name == "tracks" and not _slugs(value):  # the course file's tracks: their names are text
                yield from _walk(value, (*key, name), (*path, name))
                continue
            if name in _NOT_TEXT or name in hidden or name == "review":
                continue
            if name in _ID_LISTS and _slugs(value):
                continue
            yield from _walk(value, (*key, name), (*path, name))
        review = node.get("review")
        if isinstance(review, dict) and isinstance(review.get("changes"), list):
            yield from _walk(review["changes"], (*key, "review", "changes"), (*path, "review", "changes"))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            part = str(item["id"]) if isinstance(item, dict) and isinstance(item.get("id"), str) else str(i)
            yield from _walk(item, (*key, part), (*path, i))


def public_slots(data: Any) -> list[Slot]:
    """Every public text in one English file's parsed data, in file order."""
    return list(_walk(data, (), ()))


# --------------------------------------------------------------------------- which files


def public_files(course: Course, root: Path) -> list[str]:
    """The English files (relative to `root`) a public learner reads from, in course order."""
    track = next((t for t in course.settings.tracks if t.id == PUBLIC_TRACK), None)
    if track is None:
        return []
    files = ["modules/course.yaml"]
    quizzes: list[str] = []
    for module_id in track.modules:
        found = sorted((root / "modules").glob(f"[0-9][0-9]-{module_id}.yaml"))
        if found:
            files.append(f"modules/{found[0].name}")
        quizzes.append(course.module(module_id).quiz)
    for scenario in course.scenarios.values():
        if scenario.visible_to(PUBLIC_TRACK) and scenario.module in track.modules:
            files.append(f"modules/scenarios/{scenario.id}.yaml")
    s = course.settings
    quizzes += [q for q in (s.pre_test, s.post_test, s.attitude_survey) if q]
    files += [f"quizzes/{q}.yaml" for q in dict.fromkeys(quizzes)]
    return files


def translation_file(rel: str, lang: str) -> str:
    """Where the `lang` translation of the English file `rel` lives."""
    folder, _, rest = rel.partition("/")
    return f"{folder}/{lang}/{rest}"


# --------------------------------------------------------------------------- translation files


@dataclass(frozen=True)
class Entry:
    text: str
    sha: str
    line: int


def read_translation(root: Path, rel: str, lang: str) -> tuple[dict[str, Entry], list[Problem]]:
    """The entries of `rel`'s translation file (empty when there is none) and what is wrong
    with its shape, each at its line."""
    trel = translation_file(rel, lang)
    path = root / trel
    if not path.exists():
        return {}, []
    src, problems = parse_yaml(path, trel)
    if src is None:
        return {}, problems
    data = src.data
    if not isinstance(data, dict) or not isinstance(data.get("texts", {}), dict):
        return {}, [
            src.problem((), "a translation file is a mapping with `texts:` mapping keys to {sha, " + lang + "}")
        ]
    if data.get("source") not in (None, rel):
        problems.append(src.problem(("source",), f"this file translates {rel}; `source` says {data.get('source')!r}"))
    out: dict[str, Entry] = {}
    for key, value in (data.get("texts") or {}).items():
        where: Path_ = ("texts", str(key))
        if not isinstance(value, dict):
            problems.append(src.problem(where, f"each text is a mapping with `sha:` and `{lang}:`"))
            continue
        if not isinstance(value.get("sha", ""), str):
            problems.append(src.problem((*where, "sha"), 'put the sha in double quotes, e.g. sha: "0123456789ab"'))
            continue
        text = value.get(lang)
        if text is None or (isinstance(text, str) and not text.strip()):
            continue  # an entry still to translate: reported as missing
        if not isinstance(text, str):
            problems.append(src.problem((*where, lang), f"the {LANGUAGES.get(lang, lang)} text must be text"))
            continue
        out[str(key)] = Entry(text, str(value.get("sha") or ""), src.line((*where, lang)))
    return out, problems


def _english(root: Path, rel: str) -> Source | None:
    """`rel`'s English file, parsed once for each text it has had: the checks, the stubs and
    every translated course (`translate_course`, once a language a course load) read the same
    files. Keyed by the bytes, not the path or its time, so an edited file is parsed again.
    Callers only read the result."""
    path = root / rel
    return _parsed(rel, path.read_bytes()) if path.is_file() else None


@functools.lru_cache(maxsize=64)
def _parsed(rel: str, raw: bytes) -> Source | None:
    return parse_yaml_bytes(raw, rel)[0]


def translation_problems(course: Course, root: Path, lang: str) -> list[Problem]:
    """Every public text without its `lang` translation (at the English FILE:LINE), every
    translation whose English changed since (stale) or whose English is gone, at the
    translation's FILE:LINE, plus the language checks of the translated texts."""
    from course.translation_checks import text_problems  # the language checks (textstat) load lazily

    problems: list[Problem] = []
    for rel in public_files(course, root):
        src = _english(root, rel)
        if src is None:
            continue
        entries, found = read_translation(root, rel, lang)
        problems += found
        trel = translation_file(rel, lang)
        slots = public_slots(src.data)
        keys = {s.key for s in slots}
        name = LANGUAGES.get(lang, lang)
        for slot in slots:
            entry = entries.get(slot.key)
            if entry is None:
                problems.append(src.problem(slot.path, f"no {name} text: add `{slot.key}` to {trel}"))
            elif entry.sha != source_sha(slot.text):
                problems.append(
                    Problem(
                        trel,
                        entry.line,
                        slot.key,
                        f"stale: the English at {rel}:{src.line(slot.path)} changed since this was translated "
                        f"(sha {entry.sha or 'missing'}, now {source_sha(slot.text)}); update the {name} and its sha",
                    )
                )
        for key, entry in entries.items():
            if key not in keys:
                problems.append(Problem(trel, entry.line, key, f"no public English text has this key in {rel}"))
        problems += text_problems(trel, entries, lang)
    return sorted(problems)


def stub_translations(course: Course, root: Path, lang: str, prune: bool = False) -> list[str]:
    """Add an entry (current sha, empty text) to each translation file for every public text
    that has none, creating files as needed; with `prune`, drop the entries whose key is no
    longer a public English text. Returns the files written."""
    written: list[str] = []
    for rel in public_files(course, root):
        src = _english(root, rel)
        if src is None:
            continue
        trel = translation_file(rel, lang)
        path = root / trel
        existing: dict[str, Any] = {}
        if path.exists():
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            existing = dict(loaded.get("texts") or {}) if isinstance(loaded, dict) else {}
        slots = public_slots(src.data)
        keys = {s.key for s in slots}
        if all(k in existing for k in keys) and path.exists() and not (prune and set(existing) - keys):
            continue
        texts: dict[str, Any] = {}
        for slot in slots:
            texts[slot.key] = existing.get(slot.key) or {"sha": source_sha(slot.text), lang: ""}
        for key, value in existing.items():  # kept unless pruned: validate reports it
            if not prune:
                texts.setdefault(key, value)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_translation(rel, lang, texts), encoding="utf-8")
        written.append(trel)
    return written


_PLAIN_SCALAR = re.compile(r"^[^\s#&*!|>'\"%@`{}\[\],?:-][^#:\n]*(?<=\S)$")


def _scalar(text: str, indent: str) -> str:
    if "\n" in text.strip():
        body = "\n".join(f"{indent}  {line}" if line.strip() else "" for line in text.rstrip("\n").split("\n"))
        return f"|-\n{body}"
    return yaml.safe_dump(text, allow_unicode=True, width=10_000, default_style='"').strip()


def dump_translation(rel: str, lang: str, texts: dict[str, Any]) -> str:
    """A translation file as text: one entry per key, multi-line texts as literal blocks."""
    lines = [
        f"# {LANGUAGES.get(lang, lang)} ({lang}) for {rel}: see docs/translation.md.",
        "# Each text's sha is the English it translates; `python -m course validate` reports stale ones.",
        f"language: {lang}",
        f"source: {rel}",
        "texts:",
    ]
    for key, value in texts.items():
        value = value if isinstance(value, dict) else {"sha": "", lang: value}
        lines.append(f"  {key}:")
        lines.append(f'    sha: "{value.get("sha") or ""!s}"')  # quoted: a sha of digits only is not a number
        lines.append(f"    {lang}: {_scalar(str(value.get(lang) or ''), '    ')}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the translated course


def _apply(data: Any, parts: list[str], text: str) -> bool:
    node = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            if part not in node:
                return False
            if last:
                node[part] = text
                return True
            node = node[part]
        elif isinstance(node, list):
            item = next((x for x in node if isinstance(x, dict) and x.get("id") == part), None)
            if item is None and part.isdigit() and int(part) < len(node):
                if last:
                    node[int(part)] = text
                    return True
                item = node[int(part)]
            if item is None:
                return False
            node = item
        else:
            return False
    return False


def _overlay(data: dict[str, Any], english: Source | None, entries: dict[str, Entry]) -> dict[str, Any]:
    current = {s.key: source_sha(s.text) for s in public_slots(english.data)} if english else {}
    for key, entry in entries.items():
        if current.get(key) == entry.sha:  # stale or orphaned Spanish is never shown
            _apply(data, key.split("."), entry.text)
    return data


def translate_course(course: Course, root: Path | str, lang: str) -> Course:
    """The course as a learner reading `lang` sees it: every public text with a current
    translation replaced by it, everything else as in English. English returns `course`."""
    if lang not in TRANSLATED:
        return course
    root = Path(root)

    def over(rel: str, model: Any) -> dict[str, Any]:
        entries, _ = read_translation(root, rel, lang)
        return _overlay(model.model_dump(), _english(root, rel) if entries else None, entries)

    files = set(public_files(course, root))
    settings = course.settings
    if "modules/course.yaml" in files:
        settings = CourseSettings.model_validate(over("modules/course.yaml", settings))
    modules = []
    for m in course.modules:
        found = sorted((root / "modules").glob(f"[0-9][0-9]-{m.id}.yaml"))
        rel = f"modules/{found[0].name}" if found else ""
        modules.append(Module.model_validate(over(rel, m)) if rel in files else m)
    quizzes = {
        qid: Quiz.model_validate(over(f"quizzes/{qid}.yaml", q)) if f"quizzes/{qid}.yaml" in files else q
        for qid, q in course.quizzes.items()
    }
    surveys = {
        sid: Survey.model_validate(over(f"quizzes/{sid}.yaml", s)) if f"quizzes/{sid}.yaml" in files else s
        for sid, s in course.surveys.items()
    }
    scenarios = {
        sid: BranchingScenario.model_validate(over(f"modules/scenarios/{sid}.yaml", s))
        if f"modules/scenarios/{sid}.yaml" in files
        else s
        for sid, s in course.scenarios.items()
    }
    return Course(settings=settings, modules=tuple(modules), quizzes=quizzes, surveys=surveys, scenarios=scenarios)
