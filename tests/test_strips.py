"""tfcourse.data.strips: digit strips (shape, labels, no overlap, reproducible) and the segmenter."""
import numpy as np
import pytest

from tfcourse.data import digit_strips, load_digits, segment


@pytest.fixture(scope="module")
def digits():
    ds = load_digits(flatten=False)
    return ds.x_train[..., 0], ds.y_train


def test_strips_hold_the_labelled_digits_without_overlap(digits):
    images, labels = digits
    x, y = digit_strips(images, labels, 50, rng=0)
    assert x.shape == (50, 10, 36, 1) and x.dtype == np.float32
    assert y.shape == (50, 3) and set(np.unique(y)) <= set(range(10))
    # each strip's ink is exactly its three images' ink: nothing overlaps or is cut off
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(images), size=(50, 3))
    np.testing.assert_array_equal(y, labels[pick])
    np.testing.assert_allclose(x.sum(axis=(1, 2, 3)), images[pick].sum(axis=(2, 3)).sum(1),
                               rtol=1e-5)


def test_same_seed_same_strips_and_centred_cells(digits):
    images, labels = digits
    a, ya = digit_strips(images, labels, 20, rng=3)
    b, yb = digit_strips(images, labels, 20, rng=3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    x, y = digit_strips(images, labels, 5, rng=1, cell_jitter=False, height=8)
    crops = segment(x)
    # centred in its 12-px cell, each digit is whole in its crop (columns 2-9)
    rng = np.random.default_rng(1)
    pick = rng.integers(0, len(images), size=(5, 3))
    np.testing.assert_array_equal(crops[:, :, 2:10, 0], images[pick].reshape(15, 8, 8))


def test_segment_cuts_equal_cells_strip_by_strip():
    strips = np.arange(2 * 2 * 9).reshape(2, 2, 9, 1)
    crops = segment(strips, digits=3)
    assert crops.shape == (6, 2, 3, 1)
    np.testing.assert_array_equal(crops[4], strips[1, :, 3:6])


@pytest.mark.parametrize("kwargs, name", [
    ({"n": 0}, "n"), ({"width": 20}, "width"), ({"height": 7}, "height"),
    ({"rng": "seed"}, "rng"), ({"digits": 0}, "digits"),
])
def test_bad_arguments_name_the_argument(digits, kwargs, name):
    images, labels = digits
    args = {"n": 3, "rng": 0, **kwargs}
    with pytest.raises(ValueError, match=rf"digit_strips: argument `{name}` must be"):
        digit_strips(images, labels, **args)
