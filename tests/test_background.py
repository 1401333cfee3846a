"""tfcourse.background: the course's NumPy code in a helper process gives the in-process value;
whatever the helper cannot do is done in place."""
import numpy as np
import pytest

from tfcourse import background, data
from tfcourse.scratch import planar


def _flower():
    ds = data.load_flower()
    return ds.x_train.T.astype("float64"), ds.y_train[None, :].astype("float64")


def test_a_helper_gives_the_in_process_value(monkeypatch):
    monkeypatch.delenv("TFCOURSE_BACKGROUND", raising=False)
    X, Y = _flower()
    job = background.call(planar.nn_model, X, Y, 4, 300, return_costs=True)
    (parameters, costs), seconds = job.result()
    assert job.in_helper and seconds > 0
    here, here_costs = planar.nn_model(X, Y, 4, 300, return_costs=True)
    assert costs == here_costs
    for name in here:
        np.testing.assert_array_equal(parameters[name], here[name])


def _fails(x):
    raise ValueError(f"x: expected a positive number, received {x}")


def test_an_error_in_the_call_is_raised_in_place(monkeypatch):
    monkeypatch.delenv("TFCOURSE_BACKGROUND", raising=False)
    job = background.call(_fails, -1)  # the helper's import of this test module may fail too
    with pytest.raises(ValueError, match="received -1"):
        job.result()
    assert not job.in_helper


def test_unpicklable_arguments_and_off_run_in_place(monkeypatch):
    monkeypatch.delenv("TFCOURSE_BACKGROUND", raising=False)
    job = background.call(sorted, [3, 1, 2], key=lambda v: -v)
    assert job.result()[0] == [3, 2, 1] and not job.in_helper
    monkeypatch.setenv("TFCOURSE_BACKGROUND", "off")
    job = background.call(planar.sigmoid, np.zeros(2))
    np.testing.assert_array_equal(job.result()[0], [0.5, 0.5])
    assert not job.in_helper


def test_cancel_stops_the_helper(monkeypatch):
    monkeypatch.delenv("TFCOURSE_BACKGROUND", raising=False)
    X, Y = _flower()
    job = background.call(planar.nn_model, X, Y, 4, 10_000_000)
    assert job._proc is not None and job._proc.poll() is None  # running
    job.cancel()
    assert job._proc.poll() is not None
