"""The lesson runner: listing, flags, bad input (one line, exit 2), reproducibility."""
import json
import subprocess
import sys

import pytest

from lessons import available
from lessons.__main__ import main as lessons_main
from tfcourse.lesson import results_table

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_listing_names_every_lesson_with_a_summary(capsys):
    assert lessons_main([]) == 0
    out = capsys.readouterr().out
    lessons = available()
    assert "c1w3_planar_data" in lessons
    for name, summary in lessons.items():
        assert summary, f"{name} has no one-line docstring summary"
        assert name in out and summary in out


def test_listing_does_not_import_tensorflow():
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys, runpy; sys.argv=['lessons']; "
         "import lessons.__main__ as m; m.main([]); assert 'tensorflow' not in sys.modules"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_unknown_lesson_is_one_line_and_status_2():
    proc = run_cli("lessons", "no_such_lesson")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "unknown lesson 'no_such_lesson'" in proc.stderr


@pytest.mark.parametrize("flags, message", [
    (["--epochs", "0"], "must be a positive integer, got 0"),
    (["--epochs", "-5"], "must be a positive integer, got -5"),
    (["--epochs", "many"], "expected a positive integer, got 'many'"),
    (["--seed", "-1"], "must be a non-negative integer, got -1"),
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
])
def test_bad_flags_are_one_line_and_status_2(flags, message, capsys):
    from lessons.c1w3_planar_data import LESSON

    with pytest.raises(SystemExit) as exc:
        LESSON.main(flags)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0, err
    assert message in err


def test_bad_flag_from_the_real_command_line_has_no_traceback():
    proc = run_cli("lessons.c1w3_planar_data", "--epochs", "0")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    proc = run_cli("lessons", "c1w3_planar_data", "--epochs", "-1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_help_shows_the_lesson_narrative(capsys):
    from lessons.c1w3_planar_data import LESSON

    with pytest.raises(SystemExit) as exc:
        LESSON.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--epochs" in out and "--seed" in out and "--fast" in out and "--no-export" in out
    assert "flower" in out  # the docstring teaches


def test_same_seed_same_results(tmp_path):
    from lessons.c1w3_planar_data import LESSON

    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        assert LESSON.main(["--epochs", "60", "--seed", "7", "--out", str(out), "--no-export"]) == 0
        outs.append(json.loads((out / "results.json").read_text()))
    assert outs[0] == outs[1]
    other = tmp_path / "other"
    assert LESSON.main(["--epochs", "60", "--seed", "8", "--out", str(other), "--no-export"]) == 0
    assert json.loads((other / "results.json").read_text())["settings"]["seed"] == 8


def test_export_replaces_atomically_and_keeps_the_old_model_on_failure(tmp_path):
    import keras
    import numpy as np

    from tfcourse.export import export_model

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    path = export_model(model, "m", tmp_path)
    assert (path / "saved_model.pb").is_file() and (tmp_path / "m.keras").is_file()
    before = sorted(p.name for p in tmp_path.iterdir())

    class Broken(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(Exception):
        export_model(Broken(), "m", tmp_path)  # never built: export fails midway
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no leftovers, old model intact
    reloaded = keras.saving.load_model(tmp_path / "m.keras")
    x = np.ones((3, 2), "float32")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_results_table_shows_course_column():
    table = results_table({"a_accuracy": 0.9051, "n": 3, "diagnosis": "high bias"},
                          {"a_accuracy": 0.905})
    lines = table.splitlines()
    assert lines[0].split() == ["result", "measured", "course"]
    assert "0.9051" in table and "0.905" in lines[2] and "high bias" in table


def test_export_serves_in_inference_mode(tmp_path):
    """Random augmentation layers default to training=True; the export must not augment."""
    import keras
    import numpy as np
    import tensorflow as tf

    from tfcourse.export import export_model

    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.RandomTranslation(0.3, 0.3),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    x = np.random.RandomState(0).rand(16, 8, 8, 1).astype("float32")
    export_model(model, "aug", tmp_path)
    loaded = tf.saved_model.load(str(tmp_path / "aug"))  # keep a reference: it owns the variables
    served = loaded.serve(tf.constant(x)).numpy()
    np.testing.assert_allclose(served, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_argv_reproduces_the_parsed_flags():
    """Lesson.argv gives back flags that parse to the same settings (the search's workers are
    started with it), with the requested changes."""
    from lessons.c2w3_hyperparameter_search import LESSON as search

    flags = ["--fast", "--seed", "0", "--workers", "2", "--min-quality", "0.3", "--max-decay", "0",
             "--mixed-precision", "--tuner", "random", "--out", "somewhere"]
    args = search.parser().parse_args(flags)
    assert search.parser().parse_args(search.argv(args)) == args
    changed = search.parser().parse_args(search.argv(args, workers=None, out="w", no_export=True))
    assert changed.workers == 0 and str(changed.out) == "w" and changed.no_export
    assert {k: v for k, v in vars(changed).items() if k not in ("workers", "out", "no_export")} \
        == {k: v for k, v in vars(args).items() if k not in ("workers", "out", "no_export")}


def test_measured_times_stay_out_of_results(tmp_path):
    # c1w2 times the course's NumPy model and its Keras twin: those wall times go to
    # timings.json (and the report page), so that results.json is still fixed by the seed.
    from lessons.c1w2_logistic_regression import LESSON

    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        assert LESSON.main(["--epochs", "40", "--out", str(out), "--no-export", "--quiet"]) == 0
        outs.append(json.loads((out / "results.json").read_text()))
    assert outs[0] == outs[1]
    assert not any(k.endswith("_seconds") for k in outs[0])
    timings = json.loads((tmp_path / "run0" / "timings.json").read_text())
    assert set(timings) == {"scratch_seconds", "keras_seconds"}
    assert "scratch_seconds" in (tmp_path / "run0" / "report.html").read_text()
