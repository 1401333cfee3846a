"""The package's shape: one home for every idea, and the runner's contract around it.

- ``import tfcourse`` alone lets Keras load a ``.keras`` file that uses tfcourse components;
- no lesson or benchmark imports a lesson; every Keras layer lives under ``tfcourse.layers``;
- every public component names its course week and lesson (the course map);
- a lesson checks ``--out`` and ``--export-dir`` before any work;
- ``python -m lessons report`` builds the README's tables from ``results.json`` files.
"""
import ast
import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules():
    import tfcourse

    names = ["tfcourse"]
    for info in pkgutil.walk_packages(tfcourse.__path__, "tfcourse."):
        names.append(info.name)
    return sorted(names)


# -- registration -------------------------------------------------------------------------------
SAVE = r"""
import sys, keras, numpy as np
from tfcourse.layers import BatchNorm, InvertedDropout
from tfcourse.optimizers import Adam
from tfcourse.regularizers import L2
model = keras.Sequential([keras.Input((3,)),
                          keras.layers.Dense(4, kernel_regularizer=L2(0.7, m=10)),
                          BatchNorm(), InvertedDropout(0.5), keras.layers.Dense(1)])
model.compile(optimizer=Adam(0.01), loss="mse")
model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=1, verbose=0)
model.save(sys.argv[1])
"""
LOAD = r"""
import sys
import tfcourse
import keras
model = keras.saving.load_model(sys.argv[1])
print(type(model.layers[1]).__name__, type(model.optimizer).__module__)
"""


def test_import_tfcourse_is_enough_to_load_a_keras_file(tmp_path):
    path = tmp_path / "m.keras"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"}
    for script in (SAVE, LOAD):
        proc = subprocess.run([sys.executable, "-c", script, str(path)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["BatchNorm", "tfcourse.optimizers"]


def test_component_modules_are_the_ones_that_register():
    import keras

    import tfcourse

    registered = {v.__module__.split(".")[1] for k, v in
                  keras.saving.get_custom_objects().items() if k.startswith("tfcourse>")}
    assert registered <= set(tfcourse.COMPONENT_MODULES), registered


# -- layout -------------------------------------------------------------------------------------
def _imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("c*.py"))
                         + sorted((ROOT / "benchmarks").glob("*.py")), ids=lambda p: p.name)
def test_lessons_and_benchmarks_import_no_lesson(path):
    bad = [m for m in _imports_of(path) if m == "lessons" or m.startswith("lessons.")]
    assert not bad, f"{path.name} imports {bad}: shared pieces belong in tfcourse"


def test_every_keras_layer_lives_in_tfcourse_layers():
    import keras

    outside = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, keras.layers.Layer)
                    and obj.__module__ == name and not issubclass(obj, keras.Model)
                    and not name.startswith("tfcourse.layers")):
                outside.append(f"{name}.{attr}")
    assert not outside, f"Layer subclasses outside tfcourse.layers: {outside}"


# Modules that are the package's own machinery (the runner, the report, argument checks, errors)
# rather than course components; their objects name no course week.
MACHINERY = {"tfcourse", "tfcourse.lesson", "tfcourse.report", "tfcourse.checks",
             "tfcourse.errors", "tfcourse._deprecation", "tfcourse.compile_cache"}
COURSE_LINE = re.compile(r"Courses? \d")
LESSON_LINE = re.compile(r"lessons? c\d+w\d+_\w+|used by no lesson|every lesson")


def _public_components():
    for name in _modules():
        if name in MACHINERY:
            continue
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if getattr(obj, "__module__", None) != name:
                continue  # imported from elsewhere; checked at its home
            yield f"{name}.{attr}", obj


def test_every_public_component_names_its_course_week_and_lesson():
    missing = [qual for qual, obj in _public_components()
               if not (COURSE_LINE.search(inspect.getdoc(obj) or "")
                       and LESSON_LINE.search(inspect.getdoc(obj) or ""))]
    assert not missing, ("docstrings without a 'Course N, week W; lesson cNwW_name.' line: "
                         + ", ".join(missing))


def test_every_lesson_named_in_a_course_line_exists():
    from lessons import available

    lessons = set(available())
    named = set()
    for _, obj in _public_components():
        for match in re.finditer(r"c\d+w\d+_[a-z0-9_]+[a-z0-9]", inspect.getdoc(obj) or ""):
            named.add(match.group(0))
    assert named - lessons == set()


# -- the runner ---------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--export-dir", "--out"])
def test_unwritable_folders_are_refused_before_any_work(flag, tmp_path, capsys):
    from lessons.c1w3_planar_data import LESSON

    out = tmp_path / "out"
    flags = ["--fast", "--out", str(out), "--export-dir", str(tmp_path / "sm")]
    flags[flags.index(flag) + 1] = "/proc/nope"
    assert LESSON.main(flags) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().count("\n") == 0, captured.err
    assert flag in captured.err and "/proc/nope" in captured.err
    assert "Logistic regression" not in captured.out  # no training started
    assert not (out / "results.json").exists()


def test_export_dir_may_be_unwritable_with_no_export(tmp_path):
    from lessons.c1w3_planar_data import LESSON

    assert LESSON.main(["--epochs", "4", "--out", str(tmp_path), "--export-dir", "/proc/nope",
                        "--no-export"]) == 0


# -- the report ---------------------------------------------------------------------------------
def _fake_run(root, name, results, course, headline, fast=False, seed=1):
    folder = root / name
    folder.mkdir(parents=True)
    payload = {**results, "headline": headline, "course": course,
               "settings": {"lesson": name, "seed": seed, "fast": fast}}
    (folder / "results.json").write_text(json.dumps(payload))


def test_report_prints_one_table_per_course_in_course_order(tmp_path, capsys):
    from lessons.__main__ import main

    _fake_run(tmp_path, "c2w1_initialization", {"he_test_accuracy": 0.95, "extra": 3},
              {"he_test_accuracy": 0.96}, ["he_test_accuracy"])
    _fake_run(tmp_path, "c1w3_planar_data", {"logreg_accuracy": 0.47, "hidden_4_accuracy": 0.9075},
              {"logreg_accuracy": 0.47}, ["logreg_accuracy", "hidden_4_accuracy", "hidden_4_accuracy"],
              fast=True)
    (tmp_path / "c2w3_hyperparameter_search" / "workers" / "tuner0").mkdir(parents=True)
    assert main(["report", "--runs", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines.index("**Course 1 — Neural Networks and Deep Learning**") \
        < lines.index("**Course 2 — Improving Deep Neural Networks**")
    assert "| `c1w3_planar_data` (--fast, seed 1) | logreg_accuracy | 0.47 | 0.47 |" in lines
    assert lines.count("|  | hidden_4_accuracy | 0.9075 | — |") == 1
    assert "| `c2w1_initialization` (seed 1) | he_test_accuracy | 0.95 | 0.96 |" in lines
    assert "extra" not in captured.out  # only the lesson's headline keys
    assert "--fast smoke tests: c1w3_planar_data" in captured.err


def test_report_writes_between_the_readme_markers(tmp_path, capsys):
    from lessons.__main__ import main

    _fake_run(tmp_path / "runs", "c1w1_house_prices", {"test_rmse": 17.7}, {}, ["test_rmse"])
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n<!-- report:begin -->\nold table\n<!-- report:end -->\nAfter.\n")
    assert main(["report", "--runs", str(tmp_path / "runs"), "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert "old table" not in text and "| `c1w1_house_prices` (seed 1) | test_rmse | 17.7 | — |" \
        in text
    assert text.startswith("# Title\n<!-- report:begin -->\n") and text.endswith(
        "<!-- report:end -->\nAfter.\n")


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such folder"),
    (lambda p: p.mkdir(), "no lesson's results.json"),
])
def test_report_bad_runs_folder_is_one_line_and_status_2(make, message, tmp_path, capsys):
    from lessons.__main__ import main

    runs = tmp_path / "runs"
    make(runs)
    assert main(["report", "--runs", str(runs)]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and message in err


def test_readme_results_block_is_the_reports_output():
    """The README's results tables sit between the markers that ``--readme`` rewrites."""
    text = (ROOT / "README.md").read_text(encoding="utf8")
    from tfcourse.report import BEGIN, END

    assert text.count(BEGIN) == 1 and text.count(END) == 1
    block = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
    assert "| Lesson | Result | Measured | Course |" in block
