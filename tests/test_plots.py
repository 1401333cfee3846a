"""tfcourse.plots: one backend selected by the call itself, one way to save, explicit split labels."""
import subprocess
import sys

import numpy as np
import pytest

from tfcourse import plots


def test_pyplot_selects_agg_whatever_was_imported_before(tmp_path):
    # Another backend chosen first (pyplot imported under it): pyplot() must still give Agg.
    code = ("import matplotlib; matplotlib.use('pdf'); import matplotlib.pyplot as plt; "
            "from tfcourse import plots; p = plots.pyplot(); print(p.get_backend())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().lower() == "agg"


def test_save_creates_folders_uses_the_dpi_and_closes(tmp_path):
    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    path = plots.save(fig, tmp_path / "a" / "b" / "line.png")
    assert path == tmp_path / "a" / "b" / "line.png" and path.is_file()
    assert not plt.fignum_exists(fig.number)
    image = plt.imread(path)
    assert image.shape[:2] == (1 * plots.DPI, 2 * plots.DPI)


def _spy_legends(monkeypatch):
    seen = {}
    real_save = plots.save

    def spy(fig, path):
        seen["texts"] = [t.get_text() for ax in fig.axes if ax.get_legend()
                         for t in ax.get_legend().get_texts()]
        return real_save(fig, path)

    monkeypatch.setattr(plots, "save", spy)
    return seen


@pytest.mark.parametrize("kwargs, suffix", [({}, "dev"), ({"val_label": "test"}, "test")])
def test_learning_curves_label_the_validation_split(tmp_path, monkeypatch, kwargs, suffix):
    seen = _spy_legends(monkeypatch)
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    plots.learning_curves({"net": history}, tmp_path / "lc.png", **kwargs)
    assert seen["texts"] == ["net", f"net ({suffix})"]
    assert (tmp_path / "lc.png").is_file()


def test_learning_curves_without_the_metrics_names_the_argument(tmp_path):
    with pytest.raises(ValueError, match=r"learning_curves: argument `metrics`.*"
                                         r"Received: metrics=\('accuracy',\)"):
        plots.learning_curves({"net": {"loss": [1.0]}}, tmp_path / "x.png",
                              metrics=("accuracy",))


def test_attention_maps(tmp_path):
    weights = np.full((3, 4), 0.25)
    path = plots.attention_maps([("“abcd” → xyz", weights, "abcd", "xyz")], tmp_path / "att.png",
                                title="attention", vmin=0)
    assert path.is_file()
    with pytest.raises(ValueError, match="attention_maps: argument `panels`"):
        plots.attention_maps([], tmp_path / "none.png")


def test_learning_curves_callback_passes_its_validation_label(tmp_path, monkeypatch):
    import keras

    from tfcourse.callbacks import LearningCurves

    seen = _spy_legends(monkeypatch)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.ones((4, 2), "float32")
    model.fit(x, np.ones(4), validation_data=(x, np.ones(4)), epochs=2, verbose=0,
              callbacks=[LearningCurves(tmp_path / "lc.png", val_label="train-dev")])
    assert seen["texts"][-2:] == ["model", "model (train-dev)"]
    with pytest.raises(ValueError, match="LearningCurves: argument `val_label`"):
        LearningCurves(tmp_path / "lc.png", val_label="")


def test_roc_curves_and_cost_curves_write_pngs(tmp_path):
    path = plots.roc_curves({"a": ([0, 0.2, 1], [0, 0.8, 1])}, tmp_path / "roc.png", "t",
                            points={"t = 0.7": (0.2, 0.8)})
    assert path.is_file() and path.stat().st_size > 0
    path = plots.cost_curves({"J": {"total": [3, 2, 1]}, "parts": {"a": [1, 0.5], "b": [2, 1]}},
                             tmp_path / "costs.png")
    assert path.is_file()
    with pytest.raises(ValueError, match="curves"):
        plots.cost_curves({}, tmp_path / "none.png")


def _figure(plt, title="x"):
    fig, ax = plt.subplots(figsize=(3, 2))
    xx, yy = np.meshgrid(np.linspace(-1, 1, 50), np.linspace(-1, 1, 50))
    ax.contourf(xx, yy, np.sin(3 * xx * yy))
    ax.set_title(title)
    return fig


def test_background_writes_the_same_bytes_as_saving_in_place(tmp_path, monkeypatch):
    monkeypatch.delenv("TFCOURSE_PLOT_HELPER", raising=False)
    plt = plots.pyplot()
    plots.save(_figure(plt), tmp_path / "direct.png")
    with plots.background():
        assert plots._renderer is not None
        path = plots.save(_figure(plt), tmp_path / "sub" / "helper.png")
        assert path == tmp_path / "sub" / "helper.png"
        plots.flush()  # the report's moment: every queued figure is on disk
        assert path.is_file() and plots._renderer._proc is None
        plots.save(_figure(plt, "second"), tmp_path / "after_flush.png")  # a new helper
    assert plots._renderer is None
    assert (tmp_path / "sub" / "helper.png").read_bytes() == (tmp_path / "direct.png").read_bytes()
    assert (tmp_path / "after_flush.png").is_file()
    assert not list(tmp_path.rglob("*.tmp"))


def test_background_falls_back_to_saving_in_place(tmp_path, monkeypatch):
    """A figure that does not pickle, a helper that died, a path saved twice: the files are
    still those an in-place save writes."""
    monkeypatch.delenv("TFCOURSE_PLOT_HELPER", raising=False)
    plt = plots.pyplot()
    from matplotlib.ticker import FuncFormatter

    with plots.background():
        fig = _figure(plt)
        fig.axes[0].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"<{v:g}>"))
        plots.save(fig, tmp_path / "lambda.png")  # not picklable: written here, at once
        assert (tmp_path / "lambda.png").is_file()
        plots.save(_figure(plt, "first"), tmp_path / "twice.png")
        plots.save(_figure(plt, "second"), tmp_path / "twice.png")
        plots._renderer._proc.kill()  # the helper dies with figures queued
        plots._renderer._proc.wait()
        plots.save(_figure(plt, "after"), tmp_path / "after_death.png")
    plots.save(_figure(plt, "second"), tmp_path / "second_in_place.png")
    assert (tmp_path / "twice.png").read_bytes() == (tmp_path / "second_in_place.png").read_bytes()
    assert (tmp_path / "after_death.png").is_file()


def test_background_off_saves_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("TFCOURSE_PLOT_HELPER", "off")
    with plots.background():
        assert plots._renderer is None
        plots.save(_figure(plots.pyplot()), tmp_path / "p.png")
        assert (tmp_path / "p.png").is_file()
