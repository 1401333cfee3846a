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
    with pytest.raises(ValueError, match=f"flower: argument `m` must be an even integer >= 2. "
                                         f"Received: m={m}"):
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
    with pytest.raises(ValueError, match=r"load_digits: argument `binary` must be an integer "
                                         r"in \[0, 9\]. Received: binary=10"):
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
    with pytest.raises(ValueError, match="split: argument `ratios` must be three non-negative "
                                         "numbers summing to 1"):
        data.split(np.zeros((10, 1)), np.zeros(10), ratios)


def test_split_rejects_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match=r"split: arguments `x` and `y` must have the same number "
                                         r"of rows. Received: len\(x\)=10, len\(y\)=9"):
        data.split(np.zeros((10, 1)), np.zeros(9))


def test_train_dev_split():
    x = np.arange(1000)[:, None]
    (xa, ya), (xb, yb) = data.train_dev_split(x, np.arange(1000), fraction=0.1, seed=0)
    assert (len(xa), len(xb)) == (900, 100)
    assert not set(xa[:, 0]) & set(xb[:, 0])
    assert set(xa[:, 0]) | set(xb[:, 0]) == set(range(1000))
    np.testing.assert_array_equal(xb[:, 0], yb)
    for bad in (0, 1, 1.5, -0.2):
        with pytest.raises(ValueError, match=f"train_dev_split: argument `fraction` must be a "
                                             f"number in \\(0, 1\\). Received: fraction={bad}"):
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


# ---------------------------------------------------------------------------------------------
# The package: one module per job, every old name still at tfcourse.data
# ---------------------------------------------------------------------------------------------

HOMES = {
    "dataset": ["Dataset"],
    "planar": ["flower", "load_flower", "load_moons", "load_circles", "load_football"],
    "houses": ["HOUSE_FEATURES", "house_prices", "load_house_prices"],
    "digits": ["load_digits", "digits_transfer_split", "TransferSplit"],
    "images": ["load_mnist", "FASHION_CLASSES", "load_fashion_mnist", "CIFAR10_CLASSES",
               "load_cifar10", "load_cat_h5", "BINARY_IMAGE_SETS", "load_binary_images"],
    "splits": ["split", "train_dev_split", "normalizer"],
    "names": ["DINOSAUR_NAMES_FILE", "load_dinosaur_names"],
    "glove": ["GLOVE_INSTALL", "GLOVE_PACKAGE", "SMALL_GLOVE_FILE", "WordVectors",
              "glove_package_installed", "load_glove", "load_glove_package", "load_glove_text",
              "load_small_glove", "read_glove_vecs"],
    "emojify": ["EMOJI", "EMOJIFY_TRAIN_FILE", "EMOJIFY_TEST_FILE", "convert_to_one_hot",
                "label_to_emoji", "load_emojify", "read_csv"],
    "analogies": ["ANALOGY_FILE", "load_analogy_questions"],
}


@pytest.mark.parametrize("module", sorted(HOMES))
def test_every_name_is_re_exported_from_its_home(module):
    home = importlib.import_module(f"tfcourse.data.{module}")
    for name in HOMES[module]:
        assert getattr(data, name) is getattr(home, name), name
        assert name in data.__all__


def test_the_package_docstring_is_a_table_of_every_data_set():
    doc = data.__doc__
    for loader in ("load_house_prices", "load_flower", "load_circles", "load_football",
                   "load_moons", "load_digits", "digits_transfer_split", "load_dinosaur_names",
                   "dates.make_dates", "load_cat_h5", "load_mnist", "load_cifar10",
                   "load_fashion_mnist", "load_glove", "load_small_glove",
                   "load_analogy_questions", "load_emojify"):
        assert f"\n{loader} " in doc or f"\n{loader}\n" in doc, loader  # the table's first column
    for word in ("Licence", "generated", "embedded", "downloaded", "CC BY 4.0", "CC BY-SA 3.0"):
        assert word in doc


def test_public_functions_name_their_course_week():
    for name in data.__all__:
        obj = getattr(data, name)
        if callable(obj) and not isinstance(obj, tuple):
            assert "Course" in (obj.__doc__ or ""), name


# ---------------------------------------------------------------------------------------------
# Dinosaur names (c5w1) and dates (c5w3, c5w4)
# ---------------------------------------------------------------------------------------------


def test_dinosaur_names_ship_with_the_package_and_install():
    import configparser
    from pathlib import Path

    names = data.load_dinosaur_names()
    assert len(names) == 271 and names[0] == "aardonyx"
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyz") for n in names)
    assert len(set(names)) == len(names)
    assert data.DINOSAUR_NAMES_FILE.parent == Path(data.__file__).parent
    assert data.load_dinosaur_names("aeiou") == [n for n in names if set(n) <= set("aeiou")]
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    # the names (*.txt), the GloVe subset (*.txt.gz), the Emojify sentences (*.csv)
    assert cfg["options.package_data"]["tfcourse.data"].strip() == "*.txt, *.csv, *.txt.gz"


def test_dates_encode_decode_and_disjoint_days():
    from tfcourse.data import dates

    parts = dates.make_dates(300, 100, seed=0)
    (h_train, iso_train, f_train), (h_test, iso_test, f_test) = parts["train"], parts["test"]
    assert len(h_train) == len(iso_train) == len(f_train) == 300 and len(h_test) == 100
    assert not set(iso_train) & set(iso_test)  # held-out calendar days
    assert set(f_train) <= set(dates.FORMATS)
    again = dates.make_dates(300, 100, seed=0)
    assert again["train"] == parts["train"] and again["test"] == parts["test"]
    x = dates.encode_input(h_train)
    assert x.shape == (300, dates.TX) and x.dtype == np.int32 and x.max() <= len(dates.INPUT_CHARS)
    y = dates.encode_output(iso_train)
    assert y.shape == (300, dates.TY)
    assert dates.decode(np.eye(len(dates.OUTPUT_CHARS))[y]) == iso_train
    import datetime
    d = datetime.date(1979, 5, 3)
    assert dates.human_date(d, "weekday, month d, yyyy") == "thursday, may 3, 1979"
    assert dates.human_date(d, "le d mois yyyy (fr)") == "le 3 mai 1979"
    assert dates.encode_input(["3 may 1979"])[0, :2].tolist() == [
        dates.INPUT_CHARS.index("3") + 1, dates.INPUT_CHARS.index(" ") + 1]
    with pytest.raises(ValueError, match="make_dates: argument `n_train` must be a "
                                         "non-negative integer. Received: n_train=-1"):
        dates.make_dates(-1, 10, seed=0)
    with pytest.raises(ValueError, match="human_date: argument `fmt` must be one of"):
        dates.human_date(d, "yyyy/mm/dd")


@pytest.mark.filterwarnings("default::DeprecationWarning")
def test_the_lessons_old_data_paths_warn_and_return_the_library_objects():
    import lessons.c5w1_rnn as rnn
    import lessons.c5w3_attention as attention
    from tfcourse.data import dates

    for old, new in (("MONTHS", dates.MONTHS), ("human_date", dates.human_date),
                     ("FIRST", dates.FIRST)):
        with pytest.warns(DeprecationWarning, match=f"c5w3_attention.{old} moved to "
                                                    f"tfcourse.data.dates.{old}"):
            assert getattr(attention, old) is new
    assert attention.make_dates is dates.make_dates  # still imported there, no warning needed
    with pytest.warns(DeprecationWarning, match="moved to tfcourse.data.load_dinosaur_names"):
        assert rnn.load_names is data.load_dinosaur_names
    with pytest.warns(DeprecationWarning, match="moved to tfcourse.data.DINOSAUR_NAMES_FILE"):
        assert rnn.NAMES_FILE == data.DINOSAUR_NAMES_FILE


def test_no_lesson_imports_another_lesson():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "lessons"
    for path in sorted(root.glob("c*.py")):
        assert not re.search(r"^\s*(from lessons|import lessons)", path.read_text(), re.M), path


# ---------------------------------------------------------------------------------------------
# The digits 0-4 -> 5-9 transfer split (c3w2, c4w2)
# ---------------------------------------------------------------------------------------------


def _old_c3w2_split(ds, per_class, seed):
    """The split c3w2_transfer_learning wrote inline before the library had one."""
    def task(x, y, digits):
        keep = np.isin(y, digits)
        return x[keep], (y[keep] - digits[0]).astype("int64")

    xb, yb = task(ds.x_train, ds.y_train, (5, 6, 7, 8, 9))
    rng = np.random.RandomState(seed)
    few = np.concatenate([rng.choice(np.flatnonzero(yb == c), per_class, replace=False)
                          for c in range(5)])
    return task(ds.x_train, ds.y_train, (0, 1, 2, 3, 4)), (xb[few], yb[few])


def _old_c4w2_split(ds, shots, seed):
    """The split c4w2_residual_networks wrote inline before the library had one."""
    rng = np.random.default_rng(seed)
    few = np.concatenate([rng.choice(np.flatnonzero(ds.y_train == d), shots, replace=False)
                          for d in range(5, 10)])
    return (ds.x_train[few], ds.y_train[few] - 5), (ds.x_dev[ds.y_dev >= 5],
                                                    ds.y_dev[ds.y_dev >= 5] - 5)


def _same(a, b):
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
        assert u.dtype == v.dtype


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_transfer_split_draws_what_both_lessons_drew(seed):
    ds = data.load_digits(seed=seed, flatten=False)
    tasks = data.digits_transfer_split(ds, 2, np.random.RandomState(seed))
    a_train, b_train = _old_c3w2_split(ds, 2, seed)
    _same(tasks.a_train, a_train)
    _same(tasks.b_train, b_train)
    tasks = data.digits_transfer_split(ds, 10, np.random.default_rng(seed))
    b_train, b_dev = _old_c4w2_split(ds, 10, seed)
    _same(tasks.b_train, b_train)
    _same(tasks.b_dev, b_dev)
    again = data.digits_transfer_split(ds, 10, seed)  # an int seed means default_rng(seed)
    _same(again.b_train, tasks.b_train)


def test_transfer_split_tasks_and_sizes():
    ds = data.load_digits(seed=0)
    tasks = data.digits_transfer_split(ds, 3, 0)
    assert tasks.task_a == (0, 1, 2, 3, 4) and tasks.task_b == (5, 6, 7, 8, 9)
    assert np.bincount(tasks.b_train[1]).tolist() == [3] * 5
    assert len(tasks.a_train[0]) == int(np.sum(ds.y_train < 5))
    assert len(tasks.b_test[0]) == int(np.sum(ds.y_test >= 5))
    assert set(np.unique(tasks.a_dev[1])) == set(range(5))
    odd = data.digits_transfer_split(ds, 1, 0, task_a=(0, 2, 4), task_b=(9, 7))
    assert len(odd.b_train[0]) == 2
    np.testing.assert_array_equal(odd.b_test[1], (ds.y_test[np.isin(ds.y_test, (9, 7))] == 7))


@pytest.mark.parametrize("kwargs, match", [
    (dict(per_class=0), "argument `per_class` must be an integer in \\[1, "),
    (dict(per_class=1000), "argument `per_class` must be an integer in \\[1, "),
    (dict(rng="seed"), "argument `rng` must be a np.random.RandomState"),
    (dict(task_b=(4, 5)), "argument `task_b` must be digits not in task_a"),
    (dict(task_a=(0, 0, 1)), "argument `task_a` must be distinct digits 0-9"),
])
def test_transfer_split_rejects_bad_arguments(kwargs, match):
    args = dict(per_class=2, rng=0, **{k: v for k, v in kwargs.items()
                                       if k not in ("per_class", "rng")})
    args.update({k: v for k, v in kwargs.items() if k in ("per_class", "rng")})
    with pytest.raises(ValueError, match="digits_transfer_split: " + match):
        data.digits_transfer_split(data.load_digits(seed=0), **args)
