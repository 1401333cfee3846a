"""The weight initializations the course compares (Course 2, week 1, "Initialization").

The course initializes ``W[l]`` of shape (n[l], n[l−1]) and sets every bias to zero. Keras's
``Dense`` kernel is the transpose, (n[l−1], n[l]), so ``fan_in`` = n[l−1] = the course's
``n_prev``; Keras's biases start at zero too. The four schemes and what they are in Keras:

=============  ==========================================  ===========================================
course         formula                                     Keras
=============  ==========================================  ===========================================
zeros          W = 0                                       ``keras.initializers.Zeros()`` — the same
large random   W = randn · 10                              ``RandomNormal(stddev=10)`` — the same
               (:class:`LargeRandom`)
He             W = randn · √(2 / n_prev)                   ``VarianceScaling(2, "fan_in",
               (:class:`He`)                               "untruncated_normal")`` — the same.
                                                           NOT ``HeNormal``: that one draws from a
                                                           normal TRUNCATED at ±2σ' and widens σ' =
                                                           √(2/n_prev) / 0.8796 so that the variance
                                                           is still 2/n_prev: same variance, no
                                                           tails beyond ±2.27·√(2/n_prev).
"Xavier"       W = randn · √(1 / n_prev)                   ``VarianceScaling(1, "fan_in",
               (:class:`Xavier`)                           "untruncated_normal")`` — the same. Keras's
                                                           ``LecunNormal`` has this variance but is
                                                           truncated (as above); Keras's
                                                           ``GlorotNormal`` (Glorot & Bengio's
                                                           "Xavier") uses 2 / (n_prev + n), not
                                                           1 / n_prev, and is truncated too.
=============  ==========================================  ===========================================

So :class:`He`, :class:`Xavier` and :class:`LargeRandom` are thin, named subclasses of Keras's
own initializers (registered, so a saved model keeps the name); zeros is Keras's ``Zeros``.

Example::

    keras.layers.Dense(10, activation="relu", kernel_initializer=He(seed=1))
    keras.layers.Dense(10, kernel_initializer=get("he", seed=1))
"""
from __future__ import annotations

import keras

from tfcourse.checks import invalid

Zeros = keras.initializers.Zeros  # the course's "zeros": the same thing, re-exported


@keras.saving.register_keras_serializable(package="tfcourse")
class He(keras.initializers.VarianceScaling):
    """He initialization as the course writes it: ``W = randn · √(2 / n_prev)``.

    Course 2, week 1; lessons c2w1_initialization, c2w2_optimization.

    A plain (untruncated) normal with standard deviation √(2 / fan_in), for ReLU layers.
    Equals ``keras.initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal")``; differs
    from ``keras.initializers.HeNormal`` (truncated at two standard deviations, same variance).

    Args:
        seed: int or None, as for every Keras initializer.
    """

    def __init__(self, seed=None):
        super().__init__(scale=2.0, mode="fan_in", distribution="untruncated_normal", seed=seed)

    def get_config(self):
        return {"seed": super().get_config()["seed"]}


@keras.saving.register_keras_serializable(package="tfcourse")
class Xavier(keras.initializers.VarianceScaling):
    """The course's "Xavier" initialization: ``W = randn · √(1 / n_prev)``.

    Course 2, week 1; lessons c2w1_initialization, c2w1_regularization.

    A plain normal with standard deviation √(1 / fan_in) (the course's choice for tanh layers).
    Equals ``VarianceScaling(1.0, "fan_in", "untruncated_normal")``. It is LeCun's scaling;
    ``keras.initializers.GlorotNormal`` (Glorot & Bengio) uses √(2 / (fan_in + fan_out)) and a
    truncated normal, and ``LecunNormal`` has this variance but is truncated.

    Args:
        seed: int or None.
    """

    def __init__(self, seed=None):
        super().__init__(scale=1.0, mode="fan_in", distribution="untruncated_normal", seed=seed)

    def get_config(self):
        return {"seed": super().get_config()["seed"]}


@keras.saving.register_keras_serializable(package="tfcourse")
class LargeRandom(keras.initializers.RandomNormal):
    """The course's "large random" initialization: ``W = randn · scale`` (the course: ×10).

    Course 2, week 1; lesson c2w1_initialization.

    Equals ``keras.initializers.RandomNormal(mean=0, stddev=scale)``. With ×10 the first
    pre-activations are huge, sigmoid outputs saturate at 0 or 1, and the first cost is ``inf``
    in the course (a log of 0); training then crawls.

    Args:
        scale: the standard deviation (the course's multiplier of randn), > 0. Default 10.
        seed: int or None.
    """

    def __init__(self, scale=10.0, seed=None):
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
            raise invalid("scale", "a number > 0", scale, "LargeRandom")
        self.scale = float(scale)
        super().__init__(mean=0.0, stddev=self.scale, seed=seed)

    def get_config(self):
        return {"scale": self.scale, "seed": super().get_config()["seed"]}


COURSE_INITIALIZERS = ("zeros", "random", "he", "xavier")


def get(name: str, seed=None) -> keras.initializers.Initializer:
    """The course's initialization by the name its assignment uses: zeros, random, he, xavier.

    Course 2, week 1; lesson c2w1_initialization.
    """
    if name == "zeros":
        return Zeros()
    if name == "random":
        return LargeRandom(10.0, seed=seed)
    if name == "he":
        return He(seed=seed)
    if name == "xavier":
        return Xavier(seed=seed)
    raise invalid("name", "one of " + ", ".join(repr(n) for n in COURSE_INITIALIZERS), name,
                  "initializers.get")
