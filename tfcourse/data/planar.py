"""Generated two-feature sets: the flower, moons, circles and the football stand-in (Courses 1-2).

- :func:`flower`, :func:`load_flower`: the course's planar "flower" (Course 1, week 3), same
  formula and seed.
- :func:`load_moons` (Course 2, week 2), :func:`load_circles` (Course 2, week 1):
  scikit-learn generators with the course's settings.
- :func:`load_football` (Course 2, week 1): a noisy 2-D two-class set that a [2, 20, 3, 1]
  network overfits (stands in for the course's "French football" data, which cannot be had
  offline).

Deterministic for a seed; arrays are examples × features, labels integer vectors ``(m,)``.
"""
from __future__ import annotations

import numbers

import numpy as np

from tfcourse.checks import invalid
from tfcourse.data.dataset import Dataset


def flower(m: int = 400, seed: int = 1, noise: float = 0.2):
    """The course's planar "flower": ``m`` points, ``m/2`` per class.

    Course 1, week 3; lesson c1w3_planar_data.

    Class j: θ evenly spaced over [3.12·j, 3.12·(j+1)] plus N(0, noise); radius
    r = 4·sin(4θ) plus N(0, noise); the point is (r·sin θ, r·cos θ). With the defaults this is
    exactly the course's ``load_planar_dataset()`` (same NumPy calls in the same order).

    Returns ``x`` of shape (m, 2) float32 and ``y`` of shape (m,) int.
    """
    if (not isinstance(m, numbers.Integral) or isinstance(m, bool)) or m < 2 or m % 2:
        raise invalid("m", "an even integer >= 2", m, "flower")
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

    Course 1, week 3; lesson c1w3_planar_data.

    The course reports accuracy on its 400 training points; the lessons do the same and also
    report the held-out draw.
    """
    x, y = flower(400, seed)
    x_test, y_test = flower(400, test_seed)
    return Dataset("flower", x, y, x_test, y_test, classes=("red", "blue"),
                   description="planar flower, 400 points (course formula, seed 1)")


def load_moons(n_train: int = 300, n_test: int = 300, noise: float = 0.2, seed: int = 3) -> Dataset:
    """``make_moons(300, noise=0.2)`` with seed 3, as in the course's optimization exercise.

    Course 2, week 2; lesson c2w2_optimization.
    """
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=n_train, noise=noise, random_state=seed)
    xt, yt = make_moons(n_samples=n_test, noise=noise, random_state=seed + 1000)
    return Dataset("moons", x.astype("float32"), y.astype("int64"), xt.astype("float32"),
                   yt.astype("int64"), classes=(0, 1),
                   description=f"make_moons({n_train}, noise={noise}), seed {seed}")


def load_circles(n_train: int = 300, n_test: int = 100, noise: float = 0.05,
                 seed: int = 1, test_seed: int = 2) -> Dataset:
    """``make_circles`` with the course's settings: 300 train (seed 1), 100 test (seed 2).

    Course 2, week 1; lesson c2w1_initialization.
    """
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

    Course 2, week 1; lesson c2w1_regularization.

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
