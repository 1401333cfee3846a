"""Bad data input on the command line (through c1w2_logistic_regression): one line on stderr,
exit status 2, no traceback; and the course's cat files (tiny copies) run end to end."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON_MODULE = "lessons.c1w2_logistic_regression"


def tiny_cat_h5(folder, n_train=8, n_test=4, side=64, seed=0):
    """The course's train_catvnoncat.h5 / test_catvnoncat.h5, in miniature."""
    import h5py

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    for split_name, n in (("train", n_train), ("test", n_test)):
        with h5py.File(folder / f"{split_name}_catvnoncat.h5", "w") as f:
            f[f"{split_name}_set_x"] = rng.randint(0, 256, (n, side, side, 3)).astype("uint8")
            f[f"{split_name}_set_y"] = (np.arange(n) % 2).astype("int64")
            f["list_classes"] = np.array([b"non-cat", b"cat"])
    return folder


def corrupt_cat_h5(folder):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(1)
    for split_name in ("train", "test"):
        (folder / f"{split_name}_catvnoncat.h5").write_bytes(rng.bytes(4096))
    return folder


@pytest.fixture
def lesson():
    from lessons.c1w2_logistic_regression import LESSON

    return LESSON


def _one_line(err):
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _flags(tmp_path, *flags):
    return [*flags, "--out", str(tmp_path / "out"), "--export-dir", str(tmp_path / "models")]


def test_unknown_data_choice(lesson, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        lesson.main(_flags(tmp_path, "--data", "imagenet"))
    assert exc.value.code == 2
    line = _one_line(capsys.readouterr().err)
    assert "argument --data: invalid choice: 'imagenet'" in line
    for choice in ("digits", "cat", "mnist", "cifar10_cat"):
        assert choice in line


def test_data_path_that_does_not_exist(lesson, tmp_path, capsys):
    missing = tmp_path / "no_such_folder"
    with pytest.raises(SystemExit) as exc:
        lesson.main(_flags(tmp_path, "--data", "cat", "--data-path", str(missing)))
    assert exc.value.code == 2
    line = _one_line(capsys.readouterr().err)
    assert f"argument --data-path: no such file or folder: {missing}" in line


def test_cat_without_data_path(lesson, tmp_path, capsys):
    assert lesson.main(_flags(tmp_path, "--data", "cat", "--fast")) == 2
    line = _one_line(capsys.readouterr().err)
    assert "--data cat needs --data-path" in line
    assert not (tmp_path / "models").exists()  # nothing exported


def test_cat_with_a_corrupt_h5(lesson, tmp_path, capsys):
    folder = corrupt_cat_h5(tmp_path / "cat")
    assert lesson.main(_flags(tmp_path, "--data", "cat", "--data-path", str(folder), "--fast")) == 2
    line = _one_line(capsys.readouterr().err)
    assert "is not the course's cat/non-cat HDF5 file" in line
    assert "train_catvnoncat.h5" in line


def test_corrupt_h5_from_the_real_command_line(tmp_path):
    """A separate process: TensorFlow's and HDF5's own start-up and error chatter must not reach
    stderr either, and there is no traceback."""
    folder = corrupt_cat_h5(tmp_path / "cat")
    proc = subprocess.run(
        [sys.executable, "-m", LESSON_MODULE,
         *_flags(tmp_path, "--data", "cat", "--data-path", str(folder), "--fast")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert line.startswith(f"python -m {LESSON_MODULE}: error: ")
    assert "is not the course's cat/non-cat HDF5 file" in line


def test_tiny_cat_files_run_end_to_end(lesson, tmp_path):
    folder = tiny_cat_h5(tmp_path / "cat")
    flags = _flags(tmp_path, "--data", "cat", "--data-path", str(folder), "--fast")
    assert lesson.main(flags) == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    for key in lesson.keys:
        assert key in results
    assert results["settings"]["data"] == "cat"
    assert results["settings"]["data_path"] == str(folder)
    assert 0 <= results["test_accuracy"] <= 1
    assert (tmp_path / "models" / "c1w2_logistic_regression" / "saved_model.pb").is_file()
