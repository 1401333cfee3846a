"""Every lesson, end to end in --fast mode: results, plots, logs and a SavedModel that reloads
without tfcourse and gives the same predictions."""
import importlib
import json
import math
import subprocess
import sys

import pytest

from lessons import available

LESSONS = sorted(available())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return {"root": tmp_path_factory.mktemp("lessons"), "done": {}}


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_fast(name, runs):
    module = importlib.import_module(f"lessons.{name}")
    out = runs["root"] / name
    exports = runs["root"] / "saved_models"
    rc = module.LESSON.main(["--fast", "--out", str(out), "--export-dir", str(exports)])
    assert rc == 0
    results = json.loads((out / "results.json").read_text())
    missing = [k for k in module.LESSON.keys if k not in results]
    assert not missing, f"results.json lacks {missing}"
    assert module.LESSON.keys, "a lesson must declare the results keys it promises"
    for key, value in results.items():
        if isinstance(value, float):
            assert math.isfinite(value), f"{key} = {value}"
    assert results["settings"]["lesson"] == name and results["settings"]["fast"] is True
    assert list(out.glob("*.png")), "no plot written"
    assert list((out / "logs").rglob("events.out.tfevents*")), "no TensorBoard logs"
    assert (exports / name / "saved_model.pb").is_file()
    assert (exports / f"{name}.keras").is_file()
    assert (out / "export_sample.npz").is_file()
    runs["done"][name] = str(out)


RELOAD = r"""
import json, sys
import numpy as np
import tensorflow as tf
exports, done = sys.argv[1], json.loads(sys.argv[2])
assert not any(m.startswith(("tfcourse", "lessons")) for m in sys.modules)
for name, out in done.items():
    model = tf.saved_model.load(f"{exports}/{name}")
    sample = np.load(f"{out}/export_sample.npz")
    got = model.serve(tf.constant(sample["x"])).numpy()
    np.testing.assert_allclose(got, sample["y"], rtol=1e-4, atol=1e-5, err_msg=name)
assert not any(m.startswith(("tfcourse", "lessons")) for m in sys.modules)
print("reloaded", len(done))
"""


def test_saved_models_reload_without_tfcourse(runs, tmp_path):
    if not runs["done"]:
        pytest.skip("no lesson ran in this session")
    proc = subprocess.run(
        [sys.executable, "-c", RELOAD, str(runs["root"] / "saved_models"), json.dumps(runs["done"])],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"reloaded {len(runs['done'])}" in proc.stdout
