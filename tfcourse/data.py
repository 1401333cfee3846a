"""Datasets for the lessons, offline by default.

Embedded sets (no download, deterministic for a seed):

- :func:`load_flower` — the course's planar "flower" (Course 1, week 3), same formula and seed.
- :func:`load_moons`, :func:`load_circles` — scikit-learn generators with the course's settings.
- :func:`load_football` — a noisy 2-D two-class set that a [2, 20, 3, 1] network overfits
  (stands in for the course's "French football" data, which cannot be had offline).
- :func:`load_digits` — scikit-learn's shipped 8×8 digits, 10 classes or one digit vs the rest.
- :func:`load_house_prices` — a synthetic house-price table from a documented formula.

Downloadable sets, through Keras's own loaders (or a local copy with ``path=``):
:func:`load_mnist`, :func:`load_fashion_mnist`, :func:`load_cifar10` (also cat vs non-cat) and
the course's cat/non-cat HDF5 files (:func:`load_cat_h5`, local files only).

Arrays are examples × features (Keras's layout, the transpose of the course's NumPy layout);
labels are integer vectors of shape ``(m,)``.

Splits: :func:`split` (train/dev/test by ratio), :func:`train_dev_split` and
:func:`normalizer` (input normalization fitted on the training split only).
"""
from __future__ import annotations

import dataclasses
import math
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np

from tfcourse.errors import DataError, UsageError


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Train / dev / test arrays with a name and a one-line description."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_dev: np.ndarray | None = None
    y_dev: np.ndarray | None = None
    classes: tuple = ()
    description: str = ""

    def summary(self) -> str:
        parts = [f"{self.name}: train {len(self.x_train)}"]
        if self.x_dev is not None:
            parts.append(f"dev {len(self.x_dev)}")
        parts.append(f"test {len(self.x_test)}")
        return ", ".join(parts) + f"; x shape {self.x_train.shape[1:]}"


# --------------------------------------------------------------------------------------------
# Embedded, generated sets
# --------------------------------------------------------------------------------------------


def flower(m: int = 400, seed: int = 1, noise: float = 0.2):
    """The course's planar "flower": ``m`` points, ``m/2`` per class.

    Class j: θ evenly spaced over [3.12·j, 3.12·(j+1)] plus N(0, noise); radius
    r = 4·sin(4θ) plus N(0, noise); the point is (r·sin θ, r·cos θ). With the defaults this is
    exactly the course's ``load_planar_dataset()`` (same NumPy calls in the same order).

    Returns ``x`` of shape (m, 2) float32 and ``y`` of shape (m,) int.
    """
    if m < 2 or m % 2:
        raise UsageError(f"m must be an even number >= 2, got {m!r}")
    rng = np.random.RandomState(seed)
    n = m // 2
    x = np.zeros((m, 2))
    y = np.zeros(m, dtype="int64")
    for j in range(2):
        ix = slice(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise  # θ
        r = 4 * np.sin(4 * t) + rng.randn(n) * noise  # radius
        x[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return x.astype("float32"), y


def load_flower(seed: int = 1, test_seed: int = 2) -> Dataset:
    """The flower as the course uses it (400 points, seed 1) plus a fresh test draw (seed 2).

    The course reports accuracy on its 400 training points; the lessons do the same and also
    report the held-out draw.
    """
    x, y = flower(400, seed)
    x_test, y_test = flower(400, test_seed)
    return Dataset("flower", x, y, x_test, y_test, classes=("red", "blue"),
                   description="planar flower, 400 points (course formula, seed 1)")


def load_moons(n_train: int = 300, n_test: int = 300, noise: float = 0.2, seed: int = 3) -> Dataset:
    """``make_moons(300, noise=0.2)`` with seed 3, as in the course's optimization exercise."""
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=n_train, noise=noise, random_state=seed)
    xt, yt = make_moons(n_samples=n_test, noise=noise, random_state=seed + 1000)
    return Dataset("moons", x.astype("float32"), y.astype("int64"), xt.astype("float32"),
                   yt.astype("int64"), classes=(0, 1),
                   description=f"make_moons({n_train}, noise={noise}), seed {seed}")


def load_circles(n_train: int = 300, n_test: int = 100, noise: float = 0.05,
                 seed: int = 1, test_seed: int = 2) -> Dataset:
    """``make_circles`` with the course's settings: 300 train (seed 1), 100 test (seed 2)."""
    from sklearn.datasets import make_circles

    x, y = make_circles(n_samples=n_train, noise=noise, random_state=seed)
    xt, yt = make_circles(n_samples=n_test, noise=noise, random_state=test_seed)
    return Dataset("circles", x.astype("float32"), y.astype("int64"), xt.astype("float32"),
                   yt.astype("int64"), classes=(0, 1),
                   description=f"make_circles, noise {noise}, {n_train} train / {n_test} test")


def load_football(n_train: int = 211, n_test: int = 200, seed: int = 0, clusters: int = 4,
                  per_cluster: int = 6, cluster_radius: float = 0.08,
                  flip: float = 0.03) -> Dataset:
    """A 2-D two-class set that a [2, 20, 3, 1] network overfits (stand-in for the course's data).

    The course's "French football" set (211 train / 200 test positions of the ball, labelled by
    which team headed it) is not available offline. This generator keeps what matters for the
    regularization lesson:

    - points uniform in [-0.75, 0.75]², the true boundary the smooth curve y = 0.25·sin(4x);
    - ``flip`` (3 %) of the labels flipped at random, in train and test alike;
    - in the training set only, ``clusters`` small tight groups of ``per_cluster`` points
      (N(0, (radius/2)²) around a centre 0.08–0.2 off the boundary) labelled as the wrong side —
      like the course's data, where a few tight knots of one team's points sit in the other's
      half.

    An unregularized network carves islands around those knots (higher train accuracy, lower
    test accuracy); L2 and dropout keep the smooth boundary, giving up the knots in training and
    gaining on test, which is the course's table.
    """
    rng = np.random.RandomState(seed)

    def side(x):
        return (x[:, 1] > 0.25 * np.sin(4 * x[:, 0])).astype("int64")

    def uniform(m):
        x = rng.uniform(-0.75, 0.75, size=(m, 2))
        y = side(x)
        flipped = rng.rand(m) < flip
        y[flipped] = 1 - y[flipped]
        return x, y

    x, y = uniform(n_train - clusters * per_cluster)
    cx = rng.uniform(-0.6, 0.6, clusters)
    offset = rng.choice([-1, 1], clusters) * rng.uniform(0.08, 0.2, clusters)
    centres = np.c_[cx, 0.25 * np.sin(4 * cx) + offset]
    knots = np.concatenate([c + rng.normal(0, cluster_radius / 2, size=(per_cluster, 2))
                            for c in centres])
    x = np.concatenate([x, knots])
    y = np.concatenate([y, 1 - side(knots)])
    xt, yt = uniform(n_test)
    return Dataset("football", x.astype("float32"), y, xt.astype("float32"), yt,
                   classes=("blue", "red"),
                   description=f"2-D sine boundary, 3% label noise and {clusters} mislabelled "
                               f"knots in train, {n_train}/{n_test}")


def load_digits(binary: int | None = None, balance: bool = False, ratios=(0.6, 0.2, 0.2),
                seed: int = 0, flatten: bool = True) -> Dataset:
    """scikit-learn's shipped 8×8 digits (1797 images), scaled to [0, 1].

    Args:
        binary: if a digit d is given, the task is "d" (label 1) against the rest (label 0).
        balance: with ``binary``, keep as many "rest" images as "d" images (a 50/50 task).
        ratios: train/dev/test proportions; stratified by label.
        flatten: ``(m, 64)`` vectors if true, else ``(m, 8, 8, 1)`` images.
    """
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    x = (bunch.images / 16.0).astype("float32")
    y = bunch.target.astype("int64")
    classes = tuple(range(10))
    name = "digits"
    if binary is not None:
        if binary not in range(10):
            raise UsageError(f"binary must be a digit 0-9, got {binary!r}")
        rng = np.random.RandomState(seed)
        pos = np.flatnonzero(y == binary)
        neg = np.flatnonzero(y != binary)
        if balance:
            neg = rng.choice(neg, size=len(pos), replace=False)
        keep = np.sort(np.concatenate([pos, neg]))
        x, y = x[keep], (y[keep] == binary).astype("int64")
        classes = (f"not {binary}", str(binary))
        name = f"digits_{binary}_vs_rest"
    x = x.reshape(len(x), -1) if flatten else x[..., None]
    (xtr, ytr), (xd, yd), (xte, yte) = split(x, y, ratios, seed=seed, stratify=True)
    return Dataset(name, xtr, ytr, xte, yte, xd, yd, classes=classes,
                   description=f"scikit-learn digits 8x8, {name}")


HOUSE_FEATURES = ("size_sqft", "bedrooms", "family_size", "zip_code", "wealth")
# Price premium (k$) and median income (k$/year) of each of the 10 zip codes. The premium is
# not monotonic in the code, so a linear model cannot use the code as a number.
_ZIP_PREMIUM = np.array([-40.0, 10, 80, -10, 150, 30, -60, 60, 0, 110])
_ZIP_INCOME = np.array([45.0, 60, 95, 55, 140, 70, 40, 90, 65, 120])


def house_prices(m: int = 2000, seed: int = 0):
    """The synthetic house-price table (Course 1, week 1: "what is a neural network").

    Generating formula (prices in k$):

    - size ~ U(600, 4000) square feet
    - bedrooms = clip(round(size / 800 + N(0, 0.7)), 1, 6)
    - family_size = clip(1 + Poisson(0.8·bedrooms), 1, 8)
    - zip_code ~ U{0..9}; wealth = income[zip] + N(0, 10) (k$/year)
    - price = 50 + 0.12·size + 15·min(bedrooms, family_size) + premium[zip]
              + 0.004·wealth² + 0.00002·size·wealth + N(0, 15)

    The non-linear parts (a square, a min, a product and a look-up table) are what a small
    ReLU network can learn and a linear regression cannot.

    Returns ``x`` (m, 5) float32 with columns :data:`HOUSE_FEATURES` and ``y`` (m,) float32.
    """
    rng = np.random.RandomState(seed)
    size = rng.uniform(600, 4000, m)
    bedrooms = np.clip(np.round(size / 800 + rng.normal(0, 0.7, m)), 1, 6)
    family = np.clip(1 + rng.poisson(0.8 * bedrooms), 1, 8)
    zip_code = rng.randint(0, 10, m)
    wealth = _ZIP_INCOME[zip_code] + rng.normal(0, 10, m)
    price = (50 + 0.12 * size + 15 * np.minimum(bedrooms, family) + _ZIP_PREMIUM[zip_code]
             + 0.004 * wealth ** 2 + 0.00002 * size * wealth + rng.normal(0, 15, m))
    x = np.stack([size, bedrooms, family, zip_code, wealth], axis=1).astype("float32")
    return x, price.astype("float32")


def load_house_prices(m: int = 2000, seed: int = 0, ratios=(0.6, 0.2, 0.2)) -> Dataset:
    """:func:`house_prices` split 60/20/20 into train/dev/test."""
    x, y = house_prices(m, seed)
    (xtr, ytr), (xd, yd), (xte, yte) = split(x, y, ratios, seed=seed)
    return Dataset("house_prices", xtr, ytr, xte, yte, xd, yd, classes=HOUSE_FEATURES,
                   description=f"synthetic house prices, {m} houses (k$)")


# --------------------------------------------------------------------------------------------
# Downloadable sets: Keras's loaders, or a local copy
# --------------------------------------------------------------------------------------------


def _check_file(path) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError(f"data file not found: {p}")
    if not os.access(p, os.R_OK):
        raise DataError(f"data file is not readable: {p}")
    return p


def _keras_download(loader, name: str):
    """Call a ``keras.datasets`` loader, turning a failed download into one clear line."""
    try:
        return loader()
    except Exception as exc:  # URLError, HTTPError, hash mismatch: all mean "no data here"
        raise DataError(
            f"could not download {name} ({type(exc).__name__}); this machine may be offline - "
            f"pass a local copy with --data-path FILE") from exc


def _load_npz_split(path, name):
    p = _check_file(path)
    try:
        with np.load(p, allow_pickle=False) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise DataError(f"{p} is not a {name} .npz file with x_train, y_train, x_test, y_test "
                        f"({exc})") from exc


def _image_dataset(name, train, test, classes, description) -> Dataset:
    (xtr, ytr), (xte, yte) = train, test
    xtr = np.asarray(xtr, "float32") / 255.0
    xte = np.asarray(xte, "float32") / 255.0
    if xtr.ndim == 3:  # (m, h, w) greyscale -> (m, h, w, 1)
        xtr, xte = xtr[..., None], xte[..., None]
    return Dataset(name, xtr, np.asarray(ytr, "int64").reshape(-1), xte,
                   np.asarray(yte, "int64").reshape(-1), classes=classes, description=description)


def load_mnist(path=None) -> Dataset:
    """MNIST through ``keras.datasets.mnist.load_data`` or from a local ``mnist.npz`` (``path``).

    Pixels scaled to [0, 1], images ``(m, 28, 28, 1)``.
    """
    if path is not None:
        train, test = _load_npz_split(path, "MNIST")
    else:
        import keras
        train, test = _keras_download(keras.datasets.mnist.load_data, "MNIST")
    return _image_dataset("mnist", train, test, tuple(range(10)), "MNIST handwritten digits")


FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot")


def load_fashion_mnist(path=None) -> Dataset:
    """Fashion-MNIST through Keras, or from a local ``.npz`` with the same four arrays."""
    if path is not None:
        train, test = _load_npz_split(path, "Fashion-MNIST")
    else:
        import keras
        train, test = _keras_download(keras.datasets.fashion_mnist.load_data, "Fashion-MNIST")
    return _image_dataset("fashion_mnist", train, test, FASHION_CLASSES, "Fashion-MNIST")


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                   "ship", "truck")


def _read_cifar_batch(fileobj, where):
    try:
        d = pickle.load(fileobj, encoding="bytes")
        d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
        x = np.asarray(d["data"], "uint8").reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return x, np.asarray(d["labels"], "int64")
    except Exception as exc:
        raise DataError(f"{where} is not a CIFAR-10 python batch ({type(exc).__name__}: {exc})") from exc


def _load_cifar_local(path):
    """Read CIFAR-10 from the python-version archive (``cifar-10-python.tar.gz``) or its folder."""
    p = _check_file(path)
    batches = {}
    if p.is_dir():
        for f in sorted(q for q in p.rglob("*_batch*") if q.is_file()):
            with open(f, "rb") as fh:
                batches[f.name] = _read_cifar_batch(fh, f)
    else:
        try:
            with tarfile.open(p) as tar:
                for member in tar.getmembers():
                    base = os.path.basename(member.name)
                    if member.isfile() and (base.startswith("data_batch") or base == "test_batch"):
                        batches[base] = _read_cifar_batch(tar.extractfile(member), f"{p}:{member.name}")
        except tarfile.TarError as exc:
            raise DataError(f"{p} is not a CIFAR-10 archive ({exc})") from exc
    train = [batches[k] for k in sorted(batches) if k.startswith("data_batch")]
    if not train or "test_batch" not in batches:
        raise DataError(f"{p} holds no CIFAR-10 data_batch_* and test_batch files")
    x = np.concatenate([b[0] for b in train])
    y = np.concatenate([b[1] for b in train])
    return (x, y), batches["test_batch"]


def load_cifar10(path=None, cat_vs_noncat: bool = False) -> Dataset:
    """CIFAR-10 through Keras, or from a local copy of the python-version archive or folder.

    With ``cat_vs_noncat`` the labels become 1 for "cat" and 0 for the other nine classes (the
    course's cat/non-cat task on data that can be downloaded).
    """
    if path is not None:
        train, test = _load_cifar_local(path)
    else:
        import keras
        train, test = _keras_download(keras.datasets.cifar10.load_data, "CIFAR-10")
    ds = _image_dataset("cifar10", train, test, CIFAR10_CLASSES, "CIFAR-10 32x32 colour images")
    if cat_vs_noncat:
        cat = CIFAR10_CLASSES.index("cat")
        ds = dataclasses.replace(ds, name="cifar10_cat", y_train=(ds.y_train == cat).astype("int64"),
                                 y_test=(ds.y_test == cat).astype("int64"),
                                 classes=("non-cat", "cat"), description="CIFAR-10, cat vs non-cat")
    return ds


def load_cat_h5(path) -> Dataset:
    """The course's cat/non-cat files (``train_catvnoncat.h5`` and ``test_catvnoncat.h5``).

    ``path`` is the folder holding both, or either file (the other is looked for beside it).
    Images are 64×64×3, scaled to [0, 1]; labels 1 = cat.
    """
    import h5py

    p = _check_file(path)
    folder = p if p.is_dir() else p.parent
    files = {"train": folder / "train_catvnoncat.h5", "test": folder / "test_catvnoncat.h5"}
    if p.is_file() and p.name not in {f.name for f in files.values()}:
        raise DataError(f"{p}: expected train_catvnoncat.h5 or test_catvnoncat.h5 (or their folder)")
    arrays = {}
    for split_name, f in files.items():
        _check_file(f)
        try:
            with h5py.File(f, "r") as h:
                arrays[split_name] = (np.array(h[f"{split_name}_set_x"]),
                                      np.array(h[f"{split_name}_set_y"]))
        except (OSError, KeyError) as exc:
            raise DataError(f"{f} is not the course's cat/non-cat HDF5 file ({exc})") from exc
    return _image_dataset("cat", arrays["train"], arrays["test"], ("non-cat", "cat"),
                          "course cat/non-cat, 64x64x3")


# --------------------------------------------------------------------------------------------
# Binary image tasks by name (the --data choices of the image lessons)
# --------------------------------------------------------------------------------------------

BINARY_IMAGE_SETS = ("digits", "cat", "mnist", "cifar10_cat")


def load_binary_images(name: str, path=None, seed: int = 0, digit: int = 3) -> Dataset:
    """A binary image task by name, flattened to vectors (the course's "image to vector").

    - ``digits`` (default, embedded): ``digit`` vs the rest, balanced 50/50, split 60/20/20.
    - ``cat``: the course's HDF5 files (``path`` required).
    - ``mnist``: ``digit`` vs the rest on MNIST.
    - ``cifar10_cat``: CIFAR-10 cat vs non-cat.
    """
    if name == "digits":
        if path is not None:
            raise UsageError("--data digits is embedded and takes no --data-path; the path is "
                             "for cat, mnist or cifar10_cat")
        ds = load_digits(binary=digit, balance=True, seed=seed)
    elif name == "cat":
        if path is None:
            raise DataError("--data cat needs --data-path: the folder with the course's "
                            "train_catvnoncat.h5 and test_catvnoncat.h5")
        ds = load_cat_h5(path)
    elif name == "mnist":
        ds = load_mnist(path)
        ds = dataclasses.replace(ds, name=f"mnist_{digit}_vs_rest",
                                 y_train=(ds.y_train == digit).astype("int64"),
                                 y_test=(ds.y_test == digit).astype("int64"),
                                 classes=(f"not {digit}", str(digit)))
    elif name == "cifar10_cat":
        ds = load_cifar10(path, cat_vs_noncat=True)
    else:
        raise UsageError(f"unknown data set {name!r}; choose from {', '.join(BINARY_IMAGE_SETS)}")
    flat = lambda a: None if a is None else a.reshape(len(a), -1)  # noqa: E731
    return dataclasses.replace(ds, x_train=flat(ds.x_train), x_test=flat(ds.x_test),
                               x_dev=flat(ds.x_dev))


# --------------------------------------------------------------------------------------------
# Splits and normalization
# --------------------------------------------------------------------------------------------


def split(x, y, ratios=(0.6, 0.2, 0.2), seed: int = 0, stratify: bool = False):
    """Shuffle and split into train / dev / test by ``ratios`` (e.g. 60/20/20 or 98/1/1).

    The course: 60/20/20 for small data sets; with a million examples, 98/1/1 (10 000 dev and
    test examples are enough to compare models). Dev and test come from the same distribution
    because they come from the same shuffle. With ``stratify`` each split keeps the label
    proportions.

    Returns ``((x_train, y_train), (x_dev, y_dev), (x_test, y_test))``.
    """
    ratios = tuple(float(r) for r in ratios)
    if (len(ratios) != 3 or not all(math.isfinite(r) for r in ratios) or min(ratios) < 0
            or abs(sum(ratios) - 1) > 1e-6 or ratios[0] == 0):
        raise UsageError(f"ratios must be three non-negative numbers summing to 1 with a "
                         f"non-zero train share, got {ratios!r}")
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise UsageError(f"x and y differ in length: {len(x)} != {len(y)}")
    rng = np.random.RandomState(seed)
    if stratify:
        parts = [[], [], []]
        for label in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == label))
            for i, chunk in enumerate(_cut(idx, ratios)):
                parts[i].append(chunk)
        idxs = [rng.permutation(np.concatenate(p)) for p in parts]
    else:
        idxs = _cut(rng.permutation(len(x)), ratios)
    return tuple((x[i], y[i]) for i in idxs)


def _cut(idx, ratios):
    n = len(idx)
    n_train = int(round(ratios[0] * n))
    n_dev = int(round(ratios[1] * n))
    return idx[:n_train], idx[n_train:n_train + n_dev], idx[n_train + n_dev:]


def train_dev_split(x_train, y_train, fraction: float = 0.1, seed: int = 0):
    """Carve a train-dev set out of the training data (same distribution as train, not trained on).

    The course (C3W2): when train and dev come from different distributions, train-dev error
    minus train error is variance, and dev error minus train-dev error is data mismatch.

    Returns ``((x_train, y_train), (x_train_dev, y_train_dev))``.
    """
    if not 0 < fraction < 1:
        raise UsageError(f"fraction must be in (0, 1), got {fraction!r}")
    (xa, ya), _, (xb, yb) = split(x_train, y_train, (1 - fraction, 0.0, fraction), seed=seed)
    return (xa, ya), (xb, yb)


def normalizer(x_train):
    """A ``keras.layers.Normalization`` adapted on the training split only.

    Put it first in the model: dev/test data and the exported model then get the training
    statistics, never their own (which would leak information and shift at serving time).
    """
    import keras

    layer = keras.layers.Normalization(axis=-1)
    layer.adapt(np.asarray(x_train, "float32"))
    return layer
