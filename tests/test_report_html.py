"""One page per run: report.html from a real lesson run, index.html, and a real browser.

The lesson (c2w1_gradient_checking, --fast: a few seconds) runs once for the module. The
structural tests always run (html.parser); the browser test renders the page in headless
Chromium and skips, saying why, where no Chromium is installed (.ci/run installs Debian's).
"""
import base64
import html.parser
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tfcourse import report_html
from tfcourse.report import fmt

LESSON_NAME = "c2w1_gradient_checking"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A real run of the lesson: runs/<lesson>/ with results.json, PNGs and report.html."""
    import tfcourse  # noqa: F401  (TensorFlow imported quietly, before the lesson's Keras)
    from lessons.c2w1_gradient_checking import LESSON

    root = tmp_path_factory.mktemp("runs")
    out = root / LESSON_NAME
    assert LESSON.main(["--fast", "--out", str(out),
                        "--export-dir", str(root.parent / "saved_models")]) == 0
    return out


class _Page(html.parser.HTMLParser):
    """Tags with their attributes, table rows as lists of cell texts, and all the text."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.rows, self.text, self.pre = [], [], [], []
        self._row = self._cell = self._pre = None
        self.feed(text)
        self.all_text = " ".join(" ".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self._row = []
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "pre":
            self._pre = []

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self.rows.append(self._row)
            self._row = None
        elif tag == "pre":
            self.pre.append("".join(self._pre))
            self._pre = None

    def handle_data(self, data):
        self.text.append(data)
        for part in (self._cell, self._pre):
            if part is not None:
                part.append(data)


def test_report_holds_results_plots_narrative_export_and_settings(run):
    import keras
    import tensorflow as tf

    from lessons.c2w1_gradient_checking import LESSON

    results = json.loads((run / "results.json").read_text())
    page = _Page((run / "report.html").read_text(encoding="utf8"))

    # The measured-vs-course table: one row per headline key, with the course's figure.
    assert ("table", {"class": "results"}) in page.tags
    for key in LESSON.keys:
        assert [key, fmt(results[key]), fmt(results["course"][key])] in page.rows

    # Every PNG of the run inline, byte for byte, as a data: URI; nothing from the network.
    pngs = sorted(run.glob("*.png"))
    assert [p.name for p in pngs] == ["differences.png", "learning_curves.png"]
    srcs = [a["src"] for t, a in page.tags if t == "img"]
    assert len(srcs) == len(pngs)
    for src, png in zip(srcs, pngs):
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64" and base64.b64decode(data) == png.read_bytes()
    assert not [t for t, _ in page.tags if t in {"script", "link", "iframe"}]
    assert not [a for _, a in page.tags for k in ("src", "href")
                if k in a and not a[k].startswith(("data:", "#"))]

    # The narrative: the docstring's prose, and its formula as a literal block.
    assert "Backprop can be wrong and still make the cost go down" in page.all_text
    assert any("difference = ‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂)" in p for p in page.pre)

    # Settings: the command that reproduces the run, the flags and the versions.
    assert any(p.startswith(f"python -m lessons.{LESSON_NAME} ") and "--fast" in p
               for p in page.pre)
    assert ["seed", "1"] in page.rows and ["epochs", str(LESSON.fast_epochs)] in page.rows
    assert ["TensorFlow", tf.__version__] in page.rows and ["Keras", keras.__version__] in page.rows
    assert ["Device", "CPU"] in page.rows or any(r[0] == "Device" and "GPU" in r[1]
                                                 for r in page.rows)
    assert any(r[0] == "Wall time" and r[1].endswith(" s") for r in page.rows)

    # The export: both paths, and the serving signature read back from the SavedModel (the
    # lesson's network takes 4 features and gives one probability).
    saved = results["saved_model"]
    assert ["SavedModel", f"{saved}/"] in page.rows and ["Keras file", f"{saved}.keras"] in page.rows
    assert ["Serving signature", "serve(x: float32[None, 4]) -> output_0: float32[None, 1]"] \
        in page.rows


def test_report_skips_plots_an_earlier_run_left_in_the_folder(run, tmp_path):
    # A run writes its own page from its own plots: a stale PNG (older than the run) is not shown.
    from lessons.c2w1_gradient_checking import LESSON

    out = tmp_path / "run"
    shutil.copytree(run, out, ignore=shutil.ignore_patterns("logs"))
    stale = out / "stale.png"
    shutil.copy(run / "differences.png", stale)
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    assert LESSON.main(["--fast", "--out", str(out), "--no-export"]) == 0
    page = _Page((out / "report.html").read_text(encoding="utf8"))
    assert [a["alt"] for t, a in page.tags if t == "img"] == ["differences.png",
                                                              "learning_curves.png"]
    assert "Not exported in this run" in page.all_text


def test_every_text_is_escaped():
    payload = {"<b>key</b>": "<script>alert(1)</script>", "headline": ["<b>key</b>"],
               "course": {"<b>key</b>": "a & b"},
               "settings": {"lesson": "c1w1_x", "seed": 1, "flag": "\"><img src=x>"}}
    text = report_html.run_page(payload=payload, narrative="Title <i>\n\nText ``<code>`` & more",
                                environment={"<env>": "<v>"}, command="python -m x '<y>'")
    page = _Page(text)
    assert not [t for t, _ in page.tags if t in {"script", "b", "i", "img"}]
    assert ["<b>key</b>", "<script>alert(1)</script>", "a & b"] in page.rows
    assert "Text <code> & more" in page.all_text and ["<env>", "<v>"] in page.rows


def test_narrative_has_paragraphs_lists_and_literal_blocks():
    doc = ("Title line.\n\nA paragraph with ``code``\nover two lines::\n\n    x = 1\n      y = 2\n\n"
           "- one item\n- another ``item``\n\nLast.\n")
    assert report_html.narrative_html(doc) == (
        "<p>A paragraph with <code>code</code> over two lines:</p>\n"
        "<pre><code>x = 1\n  y = 2</code></pre>\n"
        "<ul><li>one item</li><li>another <code>item</code></li></ul>\n"
        "<p>Last.</p>")


def test_report_html_writes_an_index_linking_every_run(run, capsys):
    from lessons.__main__ import main

    root = run.parent
    other = root / "c1w1_house_prices"  # a run from before report.html existed: no link
    other.mkdir(exist_ok=True)
    (other / "results.json").write_text(json.dumps(
        {"test_rmse": 17.7, "headline": ["test_rmse"], "course": {},
         "settings": {"lesson": "c1w1_house_prices", "seed": 1, "fast": False}}))
    assert main(["report", "--runs", str(root), "--html"]) == 0
    index = root / "index.html"
    assert capsys.readouterr().out == f"{index}\n"
    page = _Page(index.read_text(encoding="utf8"))
    links = [a["href"] for t, a in page.tags if t == "a"]
    assert links == [f"{LESSON_NAME}/report.html"] and (root / links[0]).is_file()
    results = json.loads((run / "results.json").read_text())
    assert any(r[-3:] == ["difference_buggy", fmt(results["difference_buggy"]), "0.285"]
               for r in page.rows)
    assert any(r[-3:] == ["test_rmse", "17.7", "—"] for r in page.rows)
    assert "(no report.html)" in page.all_text
    assert not [t for t, _ in page.tags if t in {"script", "link", "img"}]


# -- in a real browser --------------------------------------------------------------------------
_CHECKER = """<!DOCTYPE html><html><body>
<pre id="report">pending</pre><pre id="control">pending</pre>
<iframe id="f-report" src="%(report)s" style="width:1200px;height:2000px"></iframe>
<iframe id="f-control" src="control.html" style="width:600px;height:400px"></iframe>
<script>
// Test-only: for each framed page, how many images decoded and whether the results table is laid
// out and visible. The control page has a broken image, so a checker that cannot fail shows up.
["report", "control"].forEach(function (name) {
  document.getElementById("f-" + name).addEventListener("load", function () {
    var out = {};
    try {
      var d = this.contentDocument, w = this.contentWindow;
      var imgs = Array.prototype.slice.call(d.images);
      out.images = imgs.length;
      out.loaded = imgs.filter(function (i) {
        return i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0;
      }).length;
      var t = d.querySelector("table.results");
      var r = t && t.getBoundingClientRect(), s = t && w.getComputedStyle(t);
      out.table = !!(t && r.width > 0 && r.height > 0 && s.display !== "none"
                     && s.visibility !== "hidden");
      out.rows = t ? t.tBodies[0].rows.length : 0;
    } catch (e) { out.error = String(e); }
    document.getElementById(name).textContent = JSON.stringify(out);
  });
});
</script></body></html>
"""
_CONTROL = ('<!DOCTYPE html><html><body><table class="results"><tbody><tr><td>x</td></tr>'
            '</tbody></table><img src="data:image/png;base64,bm90IGEgcG5n" alt="broken">'
            '<img src="%s" alt="good"></body></html>')


@pytest.fixture
def chromium():
    """The browser's path; the test skips, saying why, where there is none."""
    for name in BROWSERS:
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip(f"no Chromium found (looked for {', '.join(BROWSERS)} on PATH): the page is "
                f"checked structurally only; install Debian's 'chromium' (.ci/run does) to "
                f"render it in a browser")


def _browse(chromium, profile, *args):
    cmd = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_report_renders_in_headless_chromium(chromium, run, tmp_path):
    import matplotlib.image
    import numpy as np

    page = run / "report.html"
    good = report_html.figure_html(run / "differences.png").split('src="')[1].split('"')[0]
    (run.parent / "control.html").write_text(_CONTROL % good)
    checker = run.parent / "checker.html"
    checker.write_text(_CHECKER % {"report": f"{run.name}/report.html"})

    # 1. Every image decoded and the table is laid out, as the browser's DOM says.
    # (File pages are each their own origin unless allowed to read each other: the checker is
    # test-only and needs it; the report itself has no script.)
    done = _browse(chromium, tmp_path / "profile", "--allow-file-access-from-files",
                   "--virtual-time-budget=15000", "--dump-dom", checker.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Page(done.stdout)
    verdicts = dict(zip(["report", "control"], [json.loads(p) for p in dom.pre[:2]]))
    n_png = len(list(run.glob("*.png")))
    assert verdicts["report"] == {"images": n_png, "loaded": n_png, "table": True, "rows": 2}
    assert verdicts["control"] == {"images": 2, "loaded": 1, "table": True, "rows": 1}

    # 2. A screenshot of the page itself is not blank and shows the plots' colours: the bars of
    # differences.png are matplotlib's orange (C1, #ff7f0e), which nothing else on the page uses.
    shot = tmp_path / "report.png"
    done = _browse(chromium, tmp_path / "profile", f"--screenshot={shot}",
                   "--window-size=1200,3000", page.as_uri())
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)[..., :3] * 255.0  # PNG: floats in [0, 1], RGB(A)
    assert pixels.shape == (3000, 1200, 3)
    assert pixels.std() > 20  # a blank (white) page has 0
    orange = np.all(np.abs(pixels - [255, 127, 14]) < 40, axis=-1)
    assert orange.sum() > 2000, f"only {orange.sum()} orange pixels: the plot did not render"
