"""The persistent XLA compile cache (tfcourse.compile_cache): where it goes, that a second
process loads what the first compiled (no new entry, the same weights bit for bit), and that a
damaged entry is compiled afresh with a warning instead of silently stopping the training."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfcourse import compile_cache

ROOT = Path(__file__).resolve().parents[1]

TRAIN = r"""
import sys, warnings
import numpy as np
import tfcourse, keras
from tfcourse.training import fit_steps
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 2)).astype("float32"); y = (x[:, 0] * x[:, 1] > 0).astype("float32")
keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(keras.optimizers.SGD(1.0), "binary_crossentropy")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    history = fit_steps(model, x, y, 200, log_every=50, jit_compile=True)
np.savez(sys.argv[1], *model.get_weights(), epochs=len(history.history["loss"]))
print("WARNINGS", sum("XLA cache entry" in str(w.message) for w in caught))
"""


def _train(tmp_path, name, cache):
    env = {**os.environ, "TFCOURSE_XLA_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("TF_XLA_FLAGS", None)
    out = tmp_path / f"{name}.npz"
    done = subprocess.run([sys.executable, "-c", TRAIN, str(out)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    warned = int(done.stdout.split("WARNINGS")[-1])
    with np.load(out) as f:
        return [f[k] for k in f.files if k != "epochs"], int(f["epochs"]), warned


def _entries(folder):
    return sorted(p.name for p in Path(folder).glob("xla_compile_cache*"))


def test_a_second_process_loads_the_executable_and_gets_the_same_weights(tmp_path):
    cache = tmp_path / "cache"
    fresh, epochs, _ = _train(tmp_path, "off", "off")
    cold, _, _ = _train(tmp_path, "cold", cache)
    entries = _entries(cache)
    assert entries, "the first run wrote no cache entry"
    warm, _, warned = _train(tmp_path, "warm", cache)
    assert _entries(cache) == entries  # a hit: nothing compiled, nothing new written
    assert warned == 0 and epochs == 4
    for a, b, c in zip(fresh, cold, warm):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)

    # A damaged entry (truncated outside TensorFlow): compiled afresh, with a warning, and the
    # training runs its 200 steps (not stopped as if the data had ended).
    for name in entries:
        path = cache / name
        path.write_bytes(path.read_bytes()[:500])
    again, epochs, warned = _train(tmp_path, "damaged", cache)
    assert warned == 1 and epochs == 4
    for a, b in zip(fresh, again):
        np.testing.assert_array_equal(a, b)


def test_enable_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_XLA_FLAGS", raising=False)
    monkeypatch.setenv(compile_cache.ENV, "off")
    assert compile_cache.enable() is None and "TF_XLA_FLAGS" not in os.environ

    monkeypatch.setenv(compile_cache.ENV, str(tmp_path / "a" / "b"))
    monkeypatch.setenv("TF_XLA_FLAGS", "--tf_xla_auto_jit=0")
    assert compile_cache.enable() == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    assert os.environ["TF_XLA_FLAGS"] == (f"--tf_xla_auto_jit=0 {compile_cache.FLAG}="
                                          f"{tmp_path / 'a' / 'b'}")
    assert compile_cache.directory() == tmp_path / "a" / "b"

    # The user's own cache flag is theirs: left alone, whatever TFCOURSE_XLA_CACHE says.
    monkeypatch.setenv("TF_XLA_FLAGS", f"{compile_cache.FLAG}={tmp_path / 'mine'}")
    monkeypatch.setenv(compile_cache.ENV, str(tmp_path / "ours"))
    assert compile_cache.enable() == tmp_path / "mine"
    assert os.environ["TF_XLA_FLAGS"] == f"{compile_cache.FLAG}={tmp_path / 'mine'}"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_an_unwritable_folder_means_no_cache(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.delenv("TF_XLA_FLAGS", raising=False)
    monkeypatch.setenv(compile_cache.ENV, str(locked / "cache"))
    assert compile_cache.enable() is None and "TF_XLA_FLAGS" not in os.environ


def test_default_folder_is_per_tensorflow_version_and_processor(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = compile_cache.default_directory()
    assert folder.parent == tmp_path / "tfcourse" / "xla"
    assert folder.name.startswith("tf-") and compile_cache._machine_tag() in folder.name


def test_the_cache_command_shows_and_clears(tmp_path):
    cache = tmp_path / "c"
    cache.mkdir()
    (cache / "xla_compile_cache__1__2__XLA_CPU_JIT.pb").write_bytes(b"x" * 2048)
    (cache / "unrelated.txt").write_text("kept")
    env = {**os.environ, "TFCOURSE_XLA_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("TF_XLA_FLAGS", None)
    run = lambda *a: subprocess.run([sys.executable, "-m", "lessons", "cache", *a], env=env,
                                    cwd=tmp_path, capture_output=True, text=True, timeout=60)
    shown = run()
    assert shown.returncode == 0 and f"{cache}: 1 entries" in shown.stdout
    cleared = run("--clear")
    assert cleared.returncode == 0 and "removed 1 entries" in cleared.stdout
    assert [p.name for p in cache.iterdir()] == ["unrelated.txt"]
    bad = run("--bogus")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    off = subprocess.run([sys.executable, "-m", "lessons", "cache"],
                         env={**env, "TFCOURSE_XLA_CACHE": "off"}, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert "off" in off.stdout
