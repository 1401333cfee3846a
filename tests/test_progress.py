"""Progress: one renderer for trainings, plain loops and searches; bar, lines or quiet."""
import io
import re

import numpy as np
import pytest

from tfcourse.callbacks import Progress
from tfcourse.callbacks.progress import ProgressBar, output_mode, set_quiet, track


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


def tiny_model():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    return model


def tiny_data(m=16):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(m, 2)).astype("float32")
    return x, (x[:, 0] > 0).astype("float32")


LINE = re.compile(r"^(?P<label>.+): (?P<unit>epoch|step|trial) (?P<done>\d+)/(?P<total>\d+) "
                  r"\(\d+%\)  .*elapsed \S+")


def test_output_mode_follows_the_stream_and_quiet():
    assert output_mode(io.StringIO()) == "lines"
    assert output_mode(Terminal()) == "bar"
    assert output_mode(Terminal(), quiet=True) == "quiet"
    set_quiet(True)
    try:
        assert output_mode(Terminal()) == "quiet"
        assert ProgressBar("x", 3, stream=Terminal()).mode == "quiet"
    finally:
        set_quiet(False)
    assert output_mode(Terminal()) == "bar"


def test_not_a_terminal_prints_a_line_every_tenth_of_a_100_epoch_fit():
    x, y = tiny_data()
    out = io.StringIO()
    tiny_model().fit(x, y, epochs=100, batch_size=16, verbose=0,
                     callbacks=[Progress("n_h = 4", stream=out)])
    text = out.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert 9 <= len(lines) <= 11, lines
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert {p["label"] for p in parsed} == {"n_h = 4"}
    assert {p["unit"] for p in parsed} == {"epoch"} and {p["total"] for p in parsed} == {"100"}
    done = [int(p["done"]) for p in parsed]
    assert done == sorted(done) and done[-1] == 100
    assert all("loss " in line for line in lines)
    assert all("ETA " in line for line in lines[:-1]) and "ETA" not in lines[-1]


def test_a_terminal_gets_one_line_redrawn_with_carriage_returns():
    x, y = tiny_data()
    out = Terminal()
    tiny_model().fit(x, y, epochs=30, batch_size=4, verbose=0,
                     callbacks=[Progress("softmax", stream=out, interval=0)])
    text = out.getvalue()
    assert text.count("\r") >= 10 and text.endswith("\n") and text.count("\n") == 1
    frames = text.rstrip("\n").split("\r")[1:]
    assert all(f.startswith("softmax  ") and "/30 epochs [" in f for f in frames)
    assert "ETA" in frames[0] and "loss " in frames[0]
    assert frames[-1].startswith("softmax  30/30 epochs [" + "=" * 24 + "]")
    assert "ETA" not in frames[-1]


def test_quiet_prints_nothing(capsys):
    x, y = tiny_data()
    for stream in (io.StringIO(), Terminal()):
        tiny_model().fit(x, y, epochs=5, verbose=0,
                         callbacks=[Progress("x", stream=stream, mode="quiet")])
        assert stream.getvalue() == ""
    set_quiet(True)
    try:
        tiny_model().fit(x, y, epochs=5, verbose=0, callbacks=[Progress("x")])
        with ProgressBar("loop", 5) as bar:
            bar.update(5)
    finally:
        set_quiet(False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("steps, log_every", [(230, 10), (235, 10)])
def test_a_fit_steps_run_counts_its_steps(steps, log_every):
    from tfcourse.training import fit_steps

    x, y = tiny_data()
    out = io.StringIO()
    history = fit_steps(tiny_model(), x, y, steps, log_every=log_every,
                        callbacks=[Progress("fit_steps", stream=out)])
    assert len(history.history["loss"]) == -(-steps // log_every)
    parsed = [LINE.match(line) for line in out.getvalue().splitlines()]
    assert parsed and all(parsed)
    assert {p["unit"] for p in parsed} == {"step"}
    assert {p["total"] for p in parsed} == {str(steps)}
    assert parsed[-1]["done"] == str(steps)


def test_steps_are_counted_from_the_batch_index_not_from_calls():
    # steps_per_execution = 5: Keras calls on_train_batch_end every 5 steps, with the index of
    # the last step done. Driven by hand, as Keras would, so the count is exact.
    out = io.StringIO()
    cb = Progress("spe", unit="step", stream=out, interval=0)
    cb.set_params({"epochs": 4, "steps": 25, "verbose": 0})
    cb.on_train_begin()
    for epoch in range(4):
        cb.on_epoch_begin(epoch)
        for batch in range(4, 25, 5):
            cb._next = 0  # no throttling between the hand-made calls
            cb.on_train_batch_end(batch, {"loss": 1.0})
        cb.on_epoch_end(epoch, {"loss": 1.0})
    cb.on_train_end()
    done = [int(LINE.match(line)["done"]) for line in out.getvalue().splitlines()]
    assert done == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]


def test_count_steps_overrides_the_total():
    out = io.StringIO()
    cb = Progress("x", stream=out)
    cb.count_steps(7)
    cb.set_params({"epochs": 1, "steps": 10, "verbose": 0})
    cb.on_train_begin()
    assert cb.bar.total == 7 and cb.bar.unit == "step"


def test_progress_is_checked_and_deep_copyable():
    import copy

    with pytest.raises(ValueError, match="Progress: argument `unit` must be"):
        Progress("x", unit="batches")
    with pytest.raises(ValueError, match="Progress: argument `label`"):
        Progress("")
    a = Progress("x", stream=io.StringIO())
    b = copy.deepcopy(a)  # Keras Tuner copies a search's callbacks for every trial
    assert b is not a and b.stream is a.stream and b.label == "x"


def test_track_a_plain_loop():
    out = Terminal()
    assert list(track(range(3), "sampling", unit="name", stream=out, interval=0)) == [0, 1, 2]
    frames = out.getvalue().rstrip("\n").split("\r")[1:]
    assert frames[-1].startswith("sampling  3/3 names [")


def test_lesson_quiet_flag_silences_progress_but_not_the_lesson(tmp_path, capsys):
    from lessons.c1w3_planar_data import LESSON

    common = ["--epochs", "20", "--no-export"]
    assert LESSON.main([*common, "--out", str(tmp_path / "loud")]) == 0
    loud = capsys.readouterr().out
    progress = [line for line in loud.splitlines() if LINE.match(line)]
    assert progress, loud
    assert {LINE.match(line)["total"] for line in progress} == {"20"}
    assert {LINE.match(line)["unit"] for line in progress} == {"step"}

    assert LESSON.main([*common, "--quiet", "--out", str(tmp_path / "quiet")]) == 0
    quiet = capsys.readouterr().out
    assert not [line for line in quiet.splitlines() if LINE.match(line)], quiet
    assert "== c1w3_planar_data" in quiet and "results:" in quiet  # the runner still speaks
    assert len([line for line in loud.splitlines() if not LINE.match(line)]) == \
        len(quiet.splitlines())  # only the progress lines are gone


def test_quiet_is_in_help(capsys):
    from lessons.c1w3_planar_data import LESSON

    with pytest.raises(SystemExit):
        LESSON.main(["--help"])
    assert "--quiet" in capsys.readouterr().out


def _search(tmp_path, callbacks, trials=3):
    import keras

    from tfcourse import tuning

    x, y = tiny_data(32)

    def build(hp):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(hp.Int("units", 1, 4),
                                                                        activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(keras.optimizers.SGD(hp.Choice("lr", [0.01, 0.1])), "binary_crossentropy",
                      metrics=["accuracy"])
        return model

    tuner = tuning.CoarseToFine(build, "val_accuracy", max_trials=trials, rounds=1, seed=0,
                                directory=str(tmp_path))
    tuner.search(x, y, validation_data=(x, y), epochs=2, verbose=1, callbacks=callbacks)
    return tuner


def test_a_search_shows_trial_k_of_n_and_the_best_so_far(tmp_path, capsys):
    out = io.StringIO()
    tuner = _search(tmp_path / "lines", [Progress("search", stream=out)])
    lines = out.getvalue().splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert len(lines) == 3 and all(parsed), lines  # one line per trial (a tenth or more)
    assert [(p["label"], p["unit"], p["done"], p["total"]) for p in parsed] == \
        [("search", "trial", str(k), "3") for k in (1, 2, 3)]
    best = max(t.score for t in tuner.oracle.trials.values())
    assert f"best val_accuracy {best:.4f}" in lines[-1]
    # Keras Tuner's own printout ("Search: Running Trial #1", "Best val_accuracy So Far") is
    # off, and the trials' own trainings print nothing in a log: the search's lines say it.
    captured = capsys.readouterr().out
    assert "Running Trial" not in captured and "So Far" not in captured

    term = Terminal()
    _search(tmp_path / "bar", [Progress("search", stream=term, interval=0)], trials=2)
    frames = term.getvalue().rstrip("\n").split("\r")[1:]
    assert frames[-1].startswith("search  2/2 trials [")
    assert any("| trial 1: " in f and "/2 epochs" in f for f in frames)  # a trial's epochs

    quiet = io.StringIO()
    _search(tmp_path / "quiet", [Progress("search", stream=quiet, mode="quiet")], trials=1)
    assert quiet.getvalue() == ""
