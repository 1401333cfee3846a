"""tfcourse.data: the embedded sets, the splits and normalization, and the downloadable loaders
on small files the tests create (nothing is ever downloaded: Keras's downloader is replaced)."""
import importlib
import pickle
import sys
import tarfile

import numpy as np
import pytest

from tfcourse import data
from tfcourse.errors import DataError, UsageError


# ---------------------------------------------------------------------------------------------
# Embedded sets
# ---------------------------------------------------------------------------------------------


def test_flower_is_the_course_data():
    x, y = data.flower()
    assert x.shape == (400, 2) and y.shape == (400,)
    # The course's load_planar_dataset(): X[:, 0] with np.random.seed(1).
    np.testing.assert_allclose(x[0], [1.20444229, 3.57611415], rtol=1e-6)
    assert (y[:200] == 0).all() and (y[200:] == 1).all()
    ds = data.load_flower()
    np.testing.assert_array_equal(ds.x_train, x)
    assert not np.allclose(ds.x_test, x)  # the held-out draw is a different sample


@pytest.mark.parametrize("m", [0, 3, -2])
def test_flower_rejects_odd_or_tiny_sizes(m):
    with pytest.raises(UsageError, match="m must be an even number"):
        data.flower(m)


def test_moons_have_the_course_settings_and_are_deterministic():
    from sklearn.datasets import make_moons

    a, b = data.load_moons(), data.load_moons()
    x, y = make_moons(n_samples=300, noise=0.2, random_state=3)
    np.testing.assert_allclose(a.x_train, x, rtol=1e-6)
    np.testing.assert_array_equal(a.y_train, y)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert len(a.x_test) == 300 and not np.allclose(a.x_test, a.x_train)


def test_circles_have_the_course_settings_and_are_deterministic():
    from sklearn.datasets import make_circles

    ds = data.load_circles()
    assert (len(ds.x_train), len(ds.x_test)) == (300, 100)
    x, y = make_circles(n_samples=300, noise=0.05, random_state=1)
    xt, yt = make_circles(n_samples=100, noise=0.05, random_state=2)
    np.testing.assert_allclose(ds.x_train, x, rtol=1e-6)
    np.testing.assert_allclose(ds.x_test, xt, rtol=1e-6)
    np.testing.assert_array_equal(ds.y_test, yt)
    np.testing.assert_array_equal(data.load_circles().x_train, ds.x_train)


def test_digits_multiclass():
    ds = data.load_digits()
    m = len(ds.x_train) + len(ds.x_dev) + len(ds.x_test)
    assert m == 1797 and ds.x_train.shape[1:] == (64,)
    assert 0 <= ds.x_train.min() and ds.x_train.max() <= 1
    assert set(np.unique(ds.y_train)) == set(range(10))
    assert data.load_digits(flatten=False).x_train.shape[1:] == (8, 8, 1)


def test_digits_binary_one_vs_rest_and_balanced():
    unbalanced = data.load_digits(binary=3)
    ys = np.concatenate([unbalanced.y_train, unbalanced.y_dev, unbalanced.y_test])
    assert len(ys) == 1797 and set(np.unique(ys)) == {0, 1}
    n_threes = int(ys.sum())
    assert n_threes == 183  # scikit-learn's digits hold 183 threes
    balanced = data.load_digits(binary=3, balance=True, seed=5)
    for y in (balanced.y_train, balanced.y_dev, balanced.y_test):
        assert abs(y.mean() - 0.5) <= 1 / len(y)  # stratified: every split stays 50/50
    assert sum(map(len, (balanced.y_train, balanced.y_dev, balanced.y_test))) == 2 * n_threes
    again = data.load_digits(binary=3, balance=True, seed=5)
    np.testing.assert_array_equal(balanced.x_train, again.x_train)
    with pytest.raises(UsageError, match="binary must be a digit 0-9, got 10"):
        data.load_digits(binary=10)


def test_binary_images_digits_is_flat_and_balanced():
    ds = data.load_binary_images("digits", seed=0)
    assert ds.x_train.ndim == 2 and ds.x_train.shape[1] == 64
    assert ds.y_train.mean() == pytest.approx(0.5, abs=0.01)
    with pytest.raises(UsageError, match="unknown data set 'imagenet'"):
        data.load_binary_images("imagenet")


def test_house_prices_shape_ranges_and_determinism():
    x, y = data.house_prices()
    assert x.shape == (2000, len(data.HOUSE_FEATURES)) and y.shape == (2000,)
    size, bedrooms, family, zip_code, _ = x.T
    assert 600 <= size.min() and size.max() <= 4000
    assert set(np.unique(bedrooms)) <= set(range(1, 7))
    assert set(np.unique(family)) <= set(range(1, 9))
    assert set(np.unique(zip_code)) == set(range(10))
    x2, y2 = data.house_prices()
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.allclose(data.house_prices(seed=1)[1], y)
    ds = data.load_house_prices()
    assert (len(ds.x_train), len(ds.x_dev), len(ds.x_test)) == (1200, 400, 400)


def test_house_prices_have_structure_a_linear_fit_misses():
    """Least squares on the raw features leaves the non-linear terms in its residuals; adding
    exactly those terms (wealth², min(bedrooms, family), size·wealth, one-hot zip) brings the
    error down to the N(0, 15) noise."""
    x, y = data.house_prices(4000, seed=3)
    size, bedrooms, family, zip_code, wealth = x.T.astype("float64")

    def lstsq_rmse(features):
        a = np.c_[np.ones(len(y)), features]
        coef, *_ = np.linalg.lstsq(a, y, rcond=None)
        return float(np.sqrt(np.mean((a @ coef - y) ** 2)))

    linear = lstsq_rmse(x)
    zip_onehot = np.eye(10)[zip_code.astype(int)][:, 1:]
    true_terms = lstsq_rmse(np.c_[size, wealth ** 2, np.minimum(bedrooms, family),
                                  size * wealth, zip_onehot])
    assert true_terms == pytest.approx(15, rel=0.1)  # the formula's noise
    assert linear > 1.5 * true_terms


# ---------------------------------------------------------------------------------------------
# Splits and normalization
# ---------------------------------------------------------------------------------------------


def _rows(parts):
    return [len(x) for x, _ in parts]


def test_split_ratios_and_disjoint_cover():
    x = np.arange(100)[:, None]
    parts = data.split(x, np.arange(100), (0.6, 0.2, 0.2), seed=0)
    assert _rows(parts) == [60, 20, 20]
    seen = np.concatenate([p[0][:, 0] for p in parts])
    np.testing.assert_array_equal(np.sort(seen), np.arange(100))  # every row once
    for xs, ys in parts:
        np.testing.assert_array_equal(xs[:, 0], ys)  # x and y shuffled together
    again = data.split(x, np.arange(100), (0.6, 0.2, 0.2), seed=0)
    np.testing.assert_array_equal(parts[1][0], again[1][0])
    other = data.split(x, np.arange(100), (0.6, 0.2, 0.2), seed=1)
    assert not np.array_equal(parts[1][0], other[1][0])


def test_split_98_1_1_on_ten_thousand_rows():
    n = 10_000
    assert _rows(data.split(np.zeros((n, 2)), np.zeros(n), (0.98, 0.01, 0.01))) == [9800, 100, 100]


def test_split_stratify_keeps_label_proportions():
    y = np.r_[np.ones(300), np.zeros(700)].astype(int)
    x = np.arange(1000)[:, None]
    for xs, ys in data.split(x, y, (0.6, 0.2, 0.2), seed=2, stratify=True):
        assert ys.mean() == pytest.approx(0.3, abs=1 / len(ys))
    # without stratify a small split can drift; with it, a 5 % minority stays 5 % everywhere
    y = np.r_[np.ones(50), np.zeros(950)].astype(int)
    parts = data.split(np.arange(1000)[:, None], y, (0.8, 0.1, 0.1), seed=0, stratify=True)
    assert [int(ys.sum()) for _, ys in parts] == [40, 5, 5]


@pytest.mark.parametrize("ratios", [(0.5, 0.5), (0.7, 0.2, 0.2), (-0.1, 0.6, 0.5),
                                    (0.0, 0.5, 0.5), (0.6, 0.2, 0.1, 0.1)])
def test_split_rejects_bad_ratios(ratios):
    with pytest.raises(UsageError, match="ratios must be"):
        data.split(np.zeros((10, 1)), np.zeros(10), ratios)


def test_split_rejects_x_and_y_of_different_lengths():
    with pytest.raises(UsageError, match="differ in length: 10 != 9"):
        data.split(np.zeros((10, 1)), np.zeros(9))


def test_train_dev_split():
    x = np.arange(1000)[:, None]
    (xa, ya), (xb, yb) = data.train_dev_split(x, np.arange(1000), fraction=0.1, seed=0)
    assert (len(xa), len(xb)) == (900, 100)
    assert not set(xa[:, 0]) & set(xb[:, 0])
    assert set(xa[:, 0]) | set(xb[:, 0]) == set(range(1000))
    np.testing.assert_array_equal(xb[:, 0], yb)
    for bad in (0, 1, 1.5, -0.2):
        with pytest.raises(UsageError, match=f"fraction must be in \\(0, 1\\), got {bad}"):
            data.train_dev_split(x, np.arange(1000), fraction=bad)


def test_normalizer_statistics_come_from_train_only():
    rng = np.random.RandomState(0)
    x_train = rng.normal(5.0, 2.0, size=(500, 3)).astype("float32")
    x_test = rng.normal(100.0, 30.0, size=(200, 3)).astype("float32")
    layer = data.normalizer(x_train)
    np.testing.assert_allclose(np.asarray(layer.mean).reshape(-1), x_train.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layer.variance).reshape(-1), x_train.var(axis=0),
                               rtol=1e-4)
    z_train = np.asarray(layer(x_train))
    np.testing.assert_allclose(z_train.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(z_train.std(axis=0), 1, atol=1e-3)
    # test data is transformed with the training statistics, not its own
    expected = (x_test - x_train.mean(axis=0)) / x_train.std(axis=0)
    np.testing.assert_allclose(np.asarray(layer(x_test)), expected, rtol=1e-3)
    assert np.asarray(layer(x_test)).mean() > 10


# ---------------------------------------------------------------------------------------------
# Downloadable sets, on tiny files the tests create
# ---------------------------------------------------------------------------------------------


def tiny_npz(path, n_train=6, n_test=4, side=28, seed=0):
    rng = np.random.RandomState(seed)
    arrays = dict(x_train=rng.randint(0, 256, (n_train, side, side)).astype("uint8"),
                  y_train=(np.arange(n_train) % 10).astype("uint8"),
                  x_test=rng.randint(0, 256, (n_test, side, side)).astype("uint8"),
                  y_test=(np.arange(n_test) % 10).astype("uint8"))
    np.savez(path, **arrays)
    return arrays


@pytest.mark.parametrize("loader, name", [(data.load_mnist, "mnist"),
                                          (data.load_fashion_mnist, "fashion_mnist")])
def test_mnist_style_loaders_read_a_local_npz(tmp_path, loader, name):
    arrays = tiny_npz(tmp_path / "tiny.npz")
    ds = loader(tmp_path / "tiny.npz")
    assert ds.name == name
    assert ds.x_train.shape == (6, 28, 28, 1) and ds.x_test.shape == (4, 28, 28, 1)
    assert ds.x_train.dtype == np.float32
    np.testing.assert_allclose(ds.x_train[..., 0], arrays["x_train"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(ds.y_test, arrays["y_test"])
    assert ds.y_train.dtype == np.int64 and len(ds.classes) == 10


def test_local_npz_errors_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="data file not found"):
        data.load_mnist(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(np.random.RandomState(0).bytes(2000))
    with pytest.raises(DataError, match="is not a MNIST .npz file"):
        data.load_mnist(tmp_path / "junk.npz")
    np.savez(tmp_path / "keys.npz", images=np.zeros((2, 28, 28)))
    with pytest.raises(DataError, match="x_train, y_train, x_test, y_test"):
        data.load_fashion_mnist(tmp_path / "keys.npz")


def _keras_dataset_module(name):
    """The module whose ``get_file`` Keras's ``load_data`` calls (keras/src/datasets/<name>.py)."""
    import keras

    load_data = getattr(keras.datasets, name).load_data
    module = sys.modules[load_data.__module__]
    assert module is importlib.import_module(f"keras.src.datasets.{name}")
    assert module.load_data is load_data and callable(module.get_file)
    return module


def test_load_mnist_goes_through_keras_load_data(tmp_path, monkeypatch):
    arrays = tiny_npz(tmp_path / "mnist.npz")
    calls = []

    def local_copy(fname=None, origin=None, **kwargs):  # stands in for the download
        calls.append((fname, origin))
        return str(tmp_path / "mnist.npz")

    monkeypatch.setattr(_keras_dataset_module("mnist"), "get_file", local_copy)
    ds = data.load_mnist()
    assert calls and calls[0][0] == "mnist.npz" and calls[0][1].endswith("mnist.npz")
    np.testing.assert_allclose(ds.x_test[..., 0], arrays["x_test"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(ds.y_train, arrays["y_train"])


@pytest.mark.parametrize("loader, module, label", [
    (data.load_mnist, "mnist", "MNIST"),
    (data.load_fashion_mnist, "fashion_mnist", "Fashion-MNIST"),
    (data.load_cifar10, "cifar10", "CIFAR-10"),
])
def test_failed_download_is_one_clear_data_error(monkeypatch, loader, module, label):
    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- "
                        "[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(_keras_dataset_module(module), "get_file", offline)
    with pytest.raises(DataError) as info:
        loader()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"could not download {label}")
    assert "--data-path" in message


def _cifar_batch(n, seed, label_offset=0):
    rng = np.random.RandomState(seed)
    return {b"batch_label": b"tiny batch", b"data": rng.randint(0, 256, (n, 3072)).astype("uint8"),
            b"labels": [(i + label_offset) % 10 for i in range(n)],
            b"filenames": [f"img_{i}.png".encode() for i in range(n)]}


def tiny_cifar_folder(root):
    """CIFAR-10's python version, in miniature: cifar-10-batches-py/{data_batch_1,2, test_batch}."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    batches = {"data_batch_1": _cifar_batch(4, 1), "data_batch_2": _cifar_batch(3, 2, 4),
               "test_batch": _cifar_batch(5, 3)}
    for name, batch in batches.items():
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f, protocol=2)  # written by Python 2, keys are bytes
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({b"label_names": [c.encode() for c in data.CIFAR10_CLASSES]}, f, protocol=2)
    return folder, batches


def _check_tiny_cifar(ds, batches):
    assert ds.x_train.shape == (7, 32, 32, 3) and ds.x_test.shape == (5, 32, 32, 3)
    first = batches["data_batch_1"][b"data"][0]
    # the python batches are channel-major rows: 1024 red, 1024 green, 1024 blue values
    assert ds.x_train[0, 0, 0, 0] == pytest.approx(first[0] / 255.0)
    assert ds.x_train[0, 0, 0, 1] == pytest.approx(first[1024] / 255.0)
    assert ds.x_train[0, 0, 1, 2] == pytest.approx(first[2049] / 255.0)
    np.testing.assert_array_equal(
        ds.y_train, batches["data_batch_1"][b"labels"] + batches["data_batch_2"][b"labels"])
    np.testing.assert_array_equal(ds.y_test, batches["test_batch"][b"labels"])


def test_cifar10_from_a_tar_gz_and_from_a_folder(tmp_path):
    folder, batches = tiny_cifar_folder(tmp_path / "src")
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    from_tar = data.load_cifar10(archive)
    _check_tiny_cifar(from_tar, batches)
    from_folder = data.load_cifar10(folder)
    _check_tiny_cifar(from_folder, batches)
    np.testing.assert_array_equal(from_tar.x_train, from_folder.x_train)
    assert from_tar.classes == data.CIFAR10_CLASSES


def test_cifar10_cat_vs_noncat(tmp_path):
    folder, batches = tiny_cifar_folder(tmp_path)
    ds = data.load_cifar10(folder, cat_vs_noncat=True)
    cat = data.CIFAR10_CLASSES.index("cat")
    labels = np.array(batches["data_batch_1"][b"labels"] + batches["data_batch_2"][b"labels"])
    np.testing.assert_array_equal(ds.y_train, (labels == cat).astype(int))
    assert ds.y_train.sum() == 1 and ds.classes == ("non-cat", "cat") and ds.name == "cifar10_cat"
    flat = data.load_binary_images("cifar10_cat", folder)
    assert flat.x_train.shape == (7, 32 * 32 * 3)


def test_cifar10_bad_local_copies(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(np.random.RandomState(0).bytes(3000))
    with pytest.raises(DataError, match="is not a CIFAR-10 archive"):
        data.load_cifar10(junk)
    folder, _ = tiny_cifar_folder(tmp_path / "no_test")
    (folder / "test_batch").unlink()
    with pytest.raises(DataError, match="holds no CIFAR-10 data_batch_"):
        data.load_cifar10(folder)
    (folder / "test_batch").write_bytes(b"not a pickle")
    with pytest.raises(DataError, match="is not a CIFAR-10 python batch"):
        data.load_cifar10(folder)


def tiny_cat_h5(folder, n_train=6, n_test=4, side=64, seed=0):
    """The course's two files, in miniature, with the course's keys."""
    import h5py

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    arrays = {}
    for split_name, n in (("train", n_train), ("test", n_test)):
        x = rng.randint(0, 256, (n, side, side, 3)).astype("uint8")
        y = (np.arange(n) % 2).astype("int64")
        with h5py.File(folder / f"{split_name}_catvnoncat.h5", "w") as f:
            f[f"{split_name}_set_x"] = x
            f[f"{split_name}_set_y"] = y
            f["list_classes"] = np.array([b"non-cat", b"cat"])
        arrays[split_name] = (x, y)
    return arrays


def test_cat_h5_from_the_folder_or_either_file(tmp_path):
    arrays = tiny_cat_h5(tmp_path / "cat")
    for path in (tmp_path / "cat", tmp_path / "cat" / "train_catvnoncat.h5",
                 tmp_path / "cat" / "test_catvnoncat.h5"):
        ds = data.load_cat_h5(path)
        assert ds.x_train.shape == (6, 64, 64, 3) and ds.x_test.shape == (4, 64, 64, 3)
        np.testing.assert_allclose(ds.x_train, arrays["train"][0] / 255.0, rtol=1e-6)
        np.testing.assert_array_equal(ds.y_test, arrays["test"][1])
        assert ds.classes == ("non-cat", "cat")
    flat = data.load_binary_images("cat", tmp_path / "cat")
    assert flat.x_train.shape == (6, 64 * 64 * 3)  # the course's "image to vector"


def test_cat_h5_missing_files(tmp_path):
    with pytest.raises(DataError, match="data file not found"):
        data.load_cat_h5(tmp_path / "nowhere")
    tiny_cat_h5(tmp_path / "cat")
    (tmp_path / "cat" / "test_catvnoncat.h5").unlink()
    with pytest.raises(DataError, match="test_catvnoncat.h5"):
        data.load_cat_h5(tmp_path / "cat")
    (tmp_path / "other.h5").write_bytes(b"")
    with pytest.raises(DataError, match="expected train_catvnoncat.h5 or test_catvnoncat.h5"):
        data.load_cat_h5(tmp_path / "other.h5")
    with pytest.raises(DataError, match="--data cat needs --data-path"):
        data.load_binary_images("cat", None)


def test_cat_h5_corrupt_file(tmp_path):
    tiny_cat_h5(tmp_path)
    (tmp_path / "train_catvnoncat.h5").write_bytes(np.random.RandomState(0).bytes(4096))
    with pytest.raises(DataError, match="is not the course's cat/non-cat HDF5 file") as info:
        data.load_cat_h5(tmp_path)
    assert "train_catvnoncat.h5" in str(info.value) and "\n" not in str(info.value)


def test_cat_h5_wrong_keys(tmp_path):
    import h5py

    tiny_cat_h5(tmp_path)
    with h5py.File(tmp_path / "test_catvnoncat.h5", "w") as f:  # overwrite with other keys
        f["images"] = np.zeros((2, 64, 64, 3), "uint8")
        f["labels"] = np.zeros(2, "int64")
    with pytest.raises(DataError, match="is not the course's cat/non-cat HDF5 file") as info:
        data.load_cat_h5(tmp_path)
    assert "test_catvnoncat.h5" in str(info.value)


def test_binary_images_mnist_is_one_digit_against_the_rest(tmp_path):
    arrays = tiny_npz(tmp_path / "mnist.npz", n_train=20)
    ds = data.load_binary_images("mnist", tmp_path / "mnist.npz", digit=3)
    np.testing.assert_array_equal(ds.y_train, (arrays["y_train"] == 3).astype(int))
    assert ds.x_train.shape == (20, 784) and ds.classes == ("not 3", "3")
