"""The benchmark scripts refuse bad flags with one line and exit status 2 (they are not run here:
their figures are timings and long searches, see benchmarks/README.md)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("flags, words", [
    (["--c2f", "depth=2"], "NAME one of rounds, top_k, margin, min_quality"),
    (["--c2f", "top_k=three"], "top_k must be an int, got 'three'"),
    (["--c2f", "margin=5"], "argument `margin` must be a number in [0, 1]. Received: margin=5.0"),
    (["--tuners", "bayes"], "got 'bayes'"),
])
def test_bench_tuners_refuses_bad_flags(flags, words):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_tuners.py"), *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert words in last and "bench_tuners.py: error:" in last


@pytest.mark.parametrize("flags, words", [
    (["--lessons", "c9w9_nothing"], "unknown: c9w9_nothing"),
    (["--lessons", ","], "expected lesson names from lessons/"),
    (["--fastest"], "unrecognized arguments: --fastest"),
])
def test_bench_lessons_refuses_bad_flags(flags, words):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_lessons.py"), *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "bench_lessons.py: error:" in lines[0]


def _load(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_digits_table_refuses_bad_jobs():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_digits_table.py"),
                           "--jobs", "0"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == ["make_digits_table: --jobs must be at least 1, got 0"]


def test_digits_table_grid_lies_in_the_lessons_space():
    import keras_tuner

    from tfcourse.tuning import digits

    table = _load("make_digits_table")
    hp = keras_tuner.HyperParameters()
    digits.make_hypermodel(digits.search_space(), 100, 10, 0).build(hp)
    assert sorted(table.GRID) == sorted(hp.values)
    ranges = {"learning_rate": digits.SPACE["lr"], "units": digits.SPACE["units"],
              "layers": digits.SPACE["layers"], "batch_size": digits.SPACE["batch_size"],
              "decay_rate": digits.SPACE["decay"],
              "one_minus_beta": tuple(1 - b for b in reversed(digits.SPACE["beta"]))}
    for name, values in table.GRID.items():
        lo, hi = ranges[name]
        assert all(lo - 1e-9 <= v <= hi + 1e-9 for v in values), name
        assert values == sorted(values) or values == sorted(values, reverse=True), name
    configs = table.configurations()
    assert len(configs) == 7 * 3 * 3 * 3 * 3 * 2
    assert len({table.key(c) for c in configs}) == len(configs)


def test_digits_table_task_scores_what_the_table_holds(tmp_path):
    import json

    bench = _load("bench_tuners")
    path = tmp_path / "table.json"
    path.write_text(json.dumps({"axes": ["a", "b"], "grid": {"a": [1, 2, 3], "b": [0.0, 1.0]},
                                "scores": {"00": [0.1, 0.3], "01": [0.2, 0.2], "10": [0.5, 0.7],
                                           "11": [0.4, 0.4], "20": [0.9, 0.7], "21": [0.0, 0.2]}}))
    task = bench.DigitsTable("t", "judge", "test")
    task.FILE = path
    task.load()
    assert task.optimum == pytest.approx(0.8) and task.worst == pytest.approx(0.1)
    hp = task.space()
    assert [(p.name, p.min_value, p.max_value) for p in hp.space] == [("a", 0, 2), ("b", 0, 1)]
    assert task.true({"a": 2, "b": 0}) == pytest.approx(0.8)
    seen = {task.observe({"a": 2, "b": 0}, seed) for seed in range(20)}
    assert seen == {0.9, 0.7}  # one seed's run per search, both runs over the searches
    assert task.observe({"a": 2, "b": 0}, 3) == task.observe({"a": 2, "b": 0}, 3)
    assert task.worst < task.expected_random_best(5) < task.optimum


def test_shipped_digits_table_covers_the_grid():
    table = _load("make_digits_table")
    if not table.OUT.exists():
        pytest.skip(f"{table.OUT.relative_to(ROOT)} not made yet "
                    "(python benchmarks/make_digits_table.py)")
    import json

    shipped = json.loads(table.OUT.read_text())
    assert shipped["axes"] == list(table.GRID) and shipped["grid"] == table.GRID
    assert sorted(shipped["scores"]) == sorted(table.key(c) for c in table.configurations())
    scores = [s for runs in shipped["scores"].values() for s in runs]
    assert all(len(runs) == len(table.SEEDS) for runs in shipped["scores"].values())
    assert all(0.0 <= s <= 1.0 for s in scores)
    # The lesson's claim, on the table: good configurations reach ~98 % in 5 epochs, bad ones
    # stay near chance (10 classes).
    assert max(scores) > 0.95 and min(scores) < 0.2
