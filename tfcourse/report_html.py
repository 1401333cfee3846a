"""One page per run: ``<out>/report.html``, and ``<runs>/index.html`` linking them all.

A lesson run ends (``tfcourse.lesson.Context.finish``) by writing ``report.html`` beside its
``results.json``: the measured-vs-course table, every plot the run wrote (inline), the lesson's
narrative (its module docstring), the export's paths and serving signature, and the settings
(the command line, seed, versions, device, wall time). ``python -m lessons report --html``
writes ``<runs>/index.html``: one table per course, each lesson's headline numbers, linking its
page.

Both pages are self-contained files: inline CSS, PNGs as base64 ``data:`` URIs, no script, no
font or stylesheet from the network, so a page opens the same from a laptop, a CI artifact or an
e-mail attachment. Every piece of text is escaped (``html.escape``). Files are written
atomically (a temporary file, then ``os.replace``), as ``results.json`` is.

The tables reuse :mod:`tfcourse.report` (``fmt``, ``headline_rows``, ``collect``), so the page,
the Markdown report and the README show the same numbers the same way. This module imports no
TensorFlow: the lesson runner hands it plain data.
"""
from __future__ import annotations

import base64
import html
import inspect
import os
import re
import struct
from pathlib import Path

from tfcourse.report import COURSES, _LESSON, fmt, headline_rows

_CSS = """
:root { --ink: #1d2330; --muted: #5b6474; --rule: #c9ced8; --soft: #f3f5f8; --accent: #2856a3; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 58rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 1.5rem; padding-bottom: .75rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem;
     border-bottom: 1px solid var(--rule); }
.meta { color: var(--muted); margin: 0; font-size: .95rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .25rem; font-size: .85rem;
         background: #fff1c7; border: 1px solid #e3c25a; color: #6b5200; }
nav { font-size: .9rem; margin-top: .5rem; }
nav a { margin-right: 1rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid var(--rule); padding: .35rem .7rem; text-align: left;
         vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.results { min-width: 28rem; }
table.kv { width: 100%; }
table.kv th { width: 11rem; }
table.index { width: 100%; table-layout: fixed; }  /* the same columns in every course */
table.index td { overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
            font-size: .88em; }
code { background: var(--soft); padding: .05rem .25rem; border-radius: .2rem; }
pre { background: var(--soft); border: 1px solid var(--rule); border-radius: .3rem;
      padding: .6rem .8rem; overflow-x: auto; line-height: 1.4; }
pre code { background: none; padding: 0; }
pre.command { white-space: pre-wrap; word-break: break-all; }
figure { margin: 1rem 0 1.75rem; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
.narrative p { margin: .6rem 0; }
.empty { color: var(--muted); font-style: italic; }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def write_atomic(path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace`` (never half a page).

    Courses 1-5; every lesson (its report.html) and ``python -m lessons report --html``.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf8")
    os.replace(tmp, path)
    return path


# -- the narrative: the module docstring, as the lessons write it --------------------------------
def _inline(text: str) -> str:
    """Escape ``text``, with ````code```` spans as <code>."""
    parts = re.split(r"``(.+?)``", text, flags=re.S)
    return "".join(f"<code>{_e(p)}</code>" if i % 2 else _e(p) for i, p in enumerate(parts))


def narrative_html(doc: str) -> str:
    """The lesson's docstring (after its first line) as HTML: paragraphs, ``- `` lists, and the
    indented literal blocks that follow a ``::`` (formulas), with ````code```` inline.

    Courses 1-5; every lesson (the narrative section of its report.html).
    """
    lines = inspect.cleandoc(doc or "").splitlines()[1:]
    out, para, i = [], [], 0

    def flush():
        if not para:
            return
        text = " ".join(line.strip() for line in para)
        if text.startswith("- "):
            items = re.split(r"(?:^|\s)- (?=\S)", text)
            out.append("<ul>" + "".join(f"<li>{_inline(it.strip())}</li>" for it in items
                                        if it.strip()) + "</ul>")
        else:
            out.append(f"<p>{_inline(text)}</p>")
        para.clear()

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
            continue
        para.append(line)
        i += 1
        if line.rstrip().endswith("::"):
            # reST: "text::" reads "text:", a lone "::" disappears; the indented block is literal.
            para[-1] = re.sub(r"\s*::$", ":", line.rstrip()) if line.strip() != "::" else ""
            if para[-1].strip() in {"", ":"}:
                para.pop()
            flush()
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1].isspace()):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            if block:
                width = min(len(b) - len(b.lstrip()) for b in block if b.strip())
                out.append("<pre><code>" + _e("\n".join(b[width:] for b in block))
                           + "</code></pre>")
    flush()
    return "\n".join(out)


# -- pieces of the run page ---------------------------------------------------------------------
def _png_size(data: bytes):
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def figure_html(png: Path) -> str:
    """A PNG file as an inline ``<figure>`` (base64 ``data:`` URI), its file name as caption.

    Courses 1-5; every lesson (the plots section of its report.html).
    """
    data = Path(png).read_bytes()
    size = _png_size(data)
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return (f'<figure><img src="{uri}" alt="{_e(png.name)}"{dims}>'
            f"<figcaption>{_e(png.name)}</figcaption></figure>")


def _kv_table(rows, cls="kv") -> str:
    body = "".join(f"<tr><th scope=\"row\">{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="{cls}"><tbody>{body}</tbody></table>'


_NUMBER = re.compile(r"^([-+]?(\d[\d.]*(e[-+]?\d+)?|nan|inf)|—)$", re.I)  # "—": no figure


def _cell(text: str) -> str:
    """A results cell: numbers right-aligned (digits under digits), words left-aligned."""
    cls = ' class="num"' if _NUMBER.match(text) else ""
    return f"<td{cls}>{_e(text)}</td>"


def _results_table(rows, with_course=True) -> str:
    head = "<tr><th>Result</th><th>Measured</th>" + ("<th>Course</th>" if with_course else "") \
        + "</tr>"
    body = "".join(
        f"<tr><td><code>{_e(k)}</code></td>{_cell(m)}" + (_cell(c) if with_course else "")
        + "</tr>"
        for k, m, c in rows)
    return f'<table class="results"><thead>{head}</thead><tbody>{body}</tbody></table>'


def signature_text(signature: dict) -> str:
    """A serving signature as one line: ``serve(x: float32[None, 4]) -> output_0: float32[None, 1]``.

    ``signature`` is ``{"endpoint": name, "inputs": [...], "outputs": [...]}``, each tensor a
    ``{"name", "dtype", "shape"}`` dict (``tfcourse.lesson`` reads it from the SavedModel).

    Courses 1-5; every lesson (the export section of its report.html).
    """
    def spec(t):
        if t["shape"] is None:  # unknown rank
            return f"{t['name']}: {t['dtype']}[...]"
        shape = ", ".join("None" if d is None else str(d) for d in t["shape"])
        return f"{t['name']}: {t['dtype']}[{shape}]"

    ins = ", ".join(spec(t) for t in signature["inputs"])
    outs = ", ".join(spec(t) for t in signature["outputs"])
    return f"{signature['endpoint']}({ins}) -> {outs}"


def _export_html(export: dict | None) -> str:
    if not export:
        return '<p class="empty">Not exported in this run (<code>--no-export</code>).</p>'
    rows = [("SavedModel", f"<code>{_e(export['saved_model'])}/</code>"),
            ("Keras file", f"<code>{_e(export['keras'])}</code>")]
    sig = export.get("signature")
    if sig:
        rows.append(("Serving signature", f"<code>{_e(signature_text(sig))}</code>"))
    if export.get("sample"):
        rows.append(("Sample", f"<code>{_e(export['sample'])}</code> (inputs <code>x</code> "
                               f"and <code>model.predict(x)</code> as <code>y</code>)"))
    endpoint = sig["endpoint"] if sig else "serve"
    snippet = (f"import tensorflow as tf\n"
               f"model = tf.saved_model.load({str(export['saved_model'])!r})\n"
               f"y = model.{endpoint}(x)  # no tfcourse import needed")
    return _kv_table(rows) + f"<pre><code>{_e(snippet)}</code></pre>"


def _week(name: str) -> str:
    m = _LESSON.match(name)
    return f"Course {m.group(1)}, week {m.group(2)}" if m else ""


def run_page(*, payload: dict, narrative: str, environment: dict, plots=(), export=None,
             command: str = "") -> str:
    """The HTML of one run's report.html.

    Args:
        payload: the run's ``results.json`` content (results, ``headline``, ``course``,
            ``settings``).
        narrative: the lesson's module docstring (its first line is the page title).
        environment: label -> value (versions, device, wall time), shown as given.
        plots: the PNG files to show inline, in order.
        export: ``{"saved_model", "keras", "signature", "sample"}``, or None when not exported.
        command: the command line that reproduces the run.

    Courses 1-5; every lesson (Context.finish writes it).
    """
    settings = payload.get("settings", {})
    name = settings.get("lesson", "lesson")
    lines = inspect.cleandoc(narrative or "").splitlines()
    title = lines[0] if lines else name
    fast = settings.get("fast")
    week = _week(name) if _week(name) not in title else ""  # most titles end "(Course 2, week 1)."
    meta = " · ".join(x for x in (f"<code>{_e(name)}</code>", _e(week),
                                  f"seed {_e(settings.get('seed'))}" if "seed" in settings else "",
                                  '<span class="badge">--fast smoke test</span>' if fast else "")
                      if x)
    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in (
        ("results", "Results"), ("plots", "Plots"), ("lesson", "The lesson"),
        ("export", "Export"), ("settings", "Settings")))
    parts = [f"<header><h1>{_e(title)}</h1><p class=\"meta\">{meta}</p><nav>{nav}</nav></header>"]

    headline = list(headline_rows(payload)) if payload.get("headline") else []
    parts.append('<section id="results"><h2>Results: measured and the course\'s figures</h2>')
    if headline:
        parts.append(_results_table(headline))
    else:
        parts.append('<p class="empty">This run records no headline results.</p>')
    shown = {k for k, _, _ in headline}
    course = payload.get("course", {})
    others = [(k, fmt(v), fmt(course[k]) if k in course else "—") for k, v in payload.items()
              if k not in shown and k not in {"settings", "course", "headline", "saved_model"}]
    if others:
        parts.append("<h3>All other results</h3>" + _results_table(others, with_course=any(
            k in course for k, _, _ in others)))
    parts.append("</section>")

    parts.append('<section id="plots"><h2>Plots</h2>')
    plots = list(plots)
    parts += [figure_html(Path(p)) for p in plots] or ['<p class="empty">No plots.</p>']
    parts.append("</section>")

    parts.append(f'<section id="lesson" class="narrative"><h2>The lesson</h2>'
                 f"{narrative_html(narrative)}</section>")
    parts.append(f'<section id="export"><h2>Export</h2>{_export_html(export)}</section>')

    flag_rows = [(k, f"<code>{_e(v)}</code>") for k, v in settings.items() if k != "lesson"]
    env_rows = [(k, _e(v)) for k, v in environment.items()]
    parts.append('<section id="settings"><h2>Settings</h2>')
    if command:
        parts.append(f'<pre class="command"><code>{_e(command)}</code></pre>')
    parts.append("<h3>Flags</h3>" + _kv_table(flag_rows) + "<h3>Environment</h3>"
                 + _kv_table(env_rows))
    parts.append("</section>")
    return _page(f"{name}: {title}", "\n".join(parts))


# -- the index of all runs ----------------------------------------------------------------------
def index_page(runs: dict, folders: dict) -> str:
    """The HTML of ``<runs>/index.html``: one table per course, each lesson's headline numbers,
    its name linking its report.html.

    Args:
        runs: lesson -> its results.json payload (``tfcourse.report.collect``).
        folders: lesson -> the folder that holds its run (``tfcourse.report.run_folders``);
            the link is relative (``<folder name>/report.html``), so the runs folder can move.

    Courses 1-5; every lesson (``python -m lessons report --html``).
    """
    parts = ["<header><h1>Runs: measured and the course's figures</h1>"
             f"<p class=\"meta\">{len(runs)} lesson run{'s' if len(runs) != 1 else ''}; "
             "each name opens the run's own page.</p></header>"]
    by_course: dict = {}
    for name, payload in runs.items():
        by_course.setdefault(int(_LESSON.match(name).group(1)), []).append((name, payload))
    for course_no, lessons in sorted(by_course.items()):
        parts.append(f"<h2>{_e(COURSES.get(course_no, f'Course {course_no}'))}</h2>")
        rows = []
        for name, payload in lessons:
            results = list(headline_rows(payload)) or [("—", "", "")]
            settings = payload.get("settings", {})
            folder = folders.get(name)
            has_page = folder is not None and (Path(folder) / "report.html").is_file()
            link = (f'<a href="{_e(Path(folder).name)}/report.html"><code>{_e(name)}</code></a>'
                    if has_page else f"<code>{_e(name)}</code> <span class=\"empty\">"
                                     "(no report.html)</span>")
            note = f"seed {_e(settings.get('seed'))}" if "seed" in settings else ""
            if settings.get("fast"):
                note += ' <span class="badge">--fast</span>'
            span = f' rowspan="{len(results)}"' if len(results) > 1 else ""
            for i, (key, measured, course) in enumerate(results):
                lead = f"<td{span}>{link}</td><td{span}>{note}</td>" if i == 0 else ""
                rows.append(f"<tr>{lead}<td><code>{_e(key)}</code></td>{_cell(measured)}"
                            f"{_cell(course)}</tr>")
        cols = "".join(f'<col style="width:{w}%">' for w in (30, 14, 28, 14, 14))
        parts.append(f'<table class="results index"><colgroup>{cols}</colgroup>'
                     '<thead><tr><th>Lesson</th><th>Run</th>'
                     "<th>Result</th><th>Measured</th><th>Course</th></tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table>")
    return _page("tfcourse runs", "\n".join(parts))
