"""Image sets: the downloadable loaders and the binary-image chooser (Course 1, weeks 2 and 4).

Through Keras's own loaders (or a local copy with ``path=``): :func:`load_mnist`,
:func:`load_fashion_mnist`, :func:`load_cifar10` (also cat vs non-cat), and the course's
cat/non-cat HDF5 files (:func:`load_cat_h5`, local files only). Nothing here is shipped with
the package: a user downloads these sets (Keras caches them under ``~/.keras/datasets``).

:func:`load_binary_images` picks a two-class image task by name (the ``--data`` choices of the
image lessons; the default, ``digits``, is embedded).

Images are ``(m, h, w, c)`` scaled to [0, 1]; labels are integer vectors ``(m,)``. A missing,
unreadable or malformed file is a :class:`tfcourse.errors.DataError` (one line, exit 2 on the
command line).
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np

from tfcourse.data.dataset import Dataset
from tfcourse.data.digits import load_digits
from tfcourse.errors import DataError, UsageError


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

    Course 1, weeks 2 and 4; lessons c1w2_logistic_regression, c1w4_deep_network (``--data mnist``).

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
    """Fashion-MNIST through Keras, or from a local ``.npz`` with the same four arrays.

    Course 2, week 3 (ten classes for a softmax); used by no lesson yet.
    """
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

    Course 1, weeks 2 and 4; lessons c1w2_logistic_regression, c1w4_deep_network (``--data cifar10_cat``).

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

    Course 1, weeks 2 and 4; lessons c1w2_logistic_regression, c1w4_deep_network (``--data cat``).

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

    Course 1, weeks 2 and 4; lessons c1w2_logistic_regression, c1w4_deep_network.

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
