"""tfcourse.ewma against the course's lecture example and values computed by hand."""

import numpy as np
import pytest

from tfcourse.ewma import EWMA, ewma


def test_lecture_example_beta_098_first_two_days():
    # Lecture "Bias correction": with β = 0.98, v1 = 0.02·θ1 and v2 = 0.0196·θ1 + 0.02·θ2,
    # both far below the temperatures; dividing by 1 − β^t (0.02, then 0.0396) fixes it.
    theta = [40.0, 49.0]
    v = ewma(theta, beta=0.98)
    assert v == pytest.approx([0.8, 0.0196 * 40 + 0.02 * 49])
    corrected = ewma(theta, beta=0.98, bias_correction=True)
    assert corrected[0] == pytest.approx(40.0)
    assert corrected[1] == pytest.approx((0.784 + 0.98) / 0.0396)


def test_hand_computed_beta_09():
    # V1 = 0.1·10 = 1, V2 = 0.9·1 + 0.1·20 = 2.9, V3 = 0.9·2.9 + 0.1·30 = 5.61
    v = ewma([10.0, 20.0, 30.0], beta=0.9)
    np.testing.assert_allclose(v, [1.0, 2.9, 5.61])
    corr = ewma([10.0, 20.0, 30.0], beta=0.9, bias_correction=True)
    np.testing.assert_allclose(corr, [1.0 / 0.1, 2.9 / 0.19, 5.61 / 0.271])


def test_constant_series_is_exact_only_with_bias_correction():
    x = np.full(30, 7.0)
    np.testing.assert_allclose(ewma(x, beta=0.9, bias_correction=True), x)
    v = ewma(x, beta=0.9)
    np.testing.assert_allclose(v, 7.0 * (1 - 0.9 ** np.arange(1, 31)))   # biased toward 0 early
    assert v[0] < 1.0 and v[-1] > 6.6


def test_beta_zero_is_identity():
    x = [3.0, -1.0, 2.5]
    np.testing.assert_allclose(ewma(x, beta=0.0), x)


def test_running_form_matches_pure_function():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    avg = EWMA(beta=0.95)
    corrected = [avg.update(xi) for xi in x]
    np.testing.assert_allclose(corrected, ewma(x, beta=0.95, bias_correction=True))
    assert avg.t == 50
    assert avg.value == pytest.approx(ewma(x, beta=0.95)[-1])
    assert avg.corrected == pytest.approx(corrected[-1])


def test_initial_state():
    avg = EWMA()
    assert (avg.beta, avg.value, avg.corrected, avg.t) == (0.9, 0.0, 0.0, 0)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, "0.9", None])
def test_bad_beta_names_argument_and_value(beta):
    with pytest.raises(ValueError, match=r"beta.*" + repr(beta).replace(".", r"\.")):
        EWMA(beta)
    with pytest.raises(ValueError, match="beta"):
        ewma([1.0], beta=beta)


def test_values_must_be_1d():
    with pytest.raises(ValueError, match="1-D"):
        ewma(np.zeros((2, 2)))
