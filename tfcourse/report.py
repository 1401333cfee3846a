"""Measured-vs-course tables from finished runs: ``python -m lessons report``.

Every lesson run writes ``<out>/results.json`` with its results, the keys it promises
(``headline``), the course's figures (``course``) and its settings. This module reads the
``results.json`` under a runs folder (``runs/<lesson>/`` by default) and prints one Markdown table
per course: each lesson's headline results beside the course's figures. The README's results
tables are this output, pasted between the markers ``<!-- report:begin -->`` and
``<!-- report:end -->`` by ``python -m lessons report --readme README.md``; they are never typed by
hand.

Used by ``lessons/__main__.py`` and :mod:`tfcourse.report_html` (the HTML pages); it needs no
TensorFlow of its own.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

from tfcourse.errors import UsageError

BEGIN = "<!-- report:begin -->"
END = "<!-- report:end -->"
_LESSON = re.compile(r"^c(\d+)w(\d+)_\w+$")
COURSES = {
    1: "Course 1 — Neural Networks and Deep Learning",
    2: "Course 2 — Improving Deep Neural Networks",
    3: "Course 3 — Structuring Machine Learning Projects",
    4: "Course 4 — Convolutional Neural Networks",
    5: "Course 5 — Sequence Models",
}


def fmt(v) -> str:
    """A result as the tables print it: integers as they are, floats to four decimals (or in
    scientific notation when tiny or huge), everything else as text."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == 0 or (1e-3 <= abs(v) < 1e5):
            return f"{v:.4f}".rstrip("0").rstrip(".")
        if math.isfinite(v):
            return f"{v:.3e}"
    return str(v)


def _scan(runs_dir) -> dict:
    root = Path(runs_dir)
    if not root.is_dir():
        raise UsageError(f"--runs: no such folder: {root}")
    found = {}
    for path in sorted(root.glob("*/results.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{path}: not a readable results.json ({exc})") from None
        lesson = payload.get("settings", {}).get("lesson")
        if isinstance(lesson, str) and _LESSON.match(lesson):
            found[lesson] = (path.parent, payload)
    return dict(sorted(found.items(), key=lambda kv: _order(kv[0])))


def collect(runs_dir) -> dict:
    """Lesson name -> its ``results.json`` (parsed), for every run under ``runs_dir``.

    A run is a folder ``<runs_dir>/<lesson>/`` whose ``results.json`` names that lesson in its
    settings; folders of other things (a search's workers, TensorBoard logs) are skipped.
    """
    return {name: payload for name, (_, payload) in _scan(runs_dir).items()}


def run_folders(runs_dir) -> dict:
    """Lesson name -> the folder of its run under ``runs_dir`` (the runs :func:`collect` finds)."""
    return {name: folder for name, (folder, _) in _scan(runs_dir).items()}


def _order(name: str):
    c, w = _LESSON.match(name).groups()
    return int(c), int(w), name


def headline_rows(payload: dict):
    """(key, measured, course) for each headline key of a run, formatted with :func:`fmt`;
    the course's figure is "—" where the course gives none."""
    keys = payload.get("headline") or [k for k in payload
                                       if k not in {"settings", "course", "headline", "saved_model"}]
    course = payload.get("course", {})
    for key in dict.fromkeys(keys):  # a key promised twice is shown once
        if key in payload:
            yield key, fmt(payload[key]), fmt(course[key]) if key in course else "—"


def _note(settings: dict) -> str:
    notes = []
    if settings.get("fast"):
        notes.append("--fast")
    if "seed" in settings:
        notes.append(f"seed {settings['seed']}")
    return ", ".join(notes)


def markdown(runs: dict) -> str:
    """One Markdown table per course: lesson, result, measured, the course's figure."""
    if not runs:
        return "(no finished runs)"
    out = []
    by_course: dict = {}
    for name, payload in runs.items():
        by_course.setdefault(int(_LESSON.match(name).group(1)), []).append((name, payload))
    for course_no, lessons in sorted(by_course.items()):
        out += [f"**{COURSES.get(course_no, f'Course {course_no}')}**", "",
                "| Lesson | Result | Measured | Course |", "|---|---|---|---|"]
        for name, payload in lessons:
            first = True
            note = _note(payload.get("settings", {}))
            for key, measured, course in headline_rows(payload):
                label = f"`{name}` ({note})" if first else ""
                out.append(f"| {label} | {key} | {measured} | {course} |")
                first = False
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def update_readme(readme, table: str) -> None:
    """Replace the text between the report markers in ``readme`` with ``table``."""
    path = Path(readme)
    try:
        text = path.read_text(encoding="utf8")
    except OSError as exc:
        raise UsageError(f"--readme: cannot read {path}: {exc.strerror or exc}") from None
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise UsageError(f"--readme: {path} has no '{BEGIN}' ... '{END}' block")
    new = text[:start + len(BEGIN)] + "\n" + table + text[end:]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new, encoding="utf8")
    tmp.replace(path)
