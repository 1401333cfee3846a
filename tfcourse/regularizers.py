"""L2 and L1 regularization with the course's λ/(2m) convention (Course 2, week 1).

The course's regularized cost over a training set of m examples::

    J = (1/m) Σᵢ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)  +  λ/(2m) · Σ_l ‖W[l]‖²_F          (L2, "weight decay")

and its gradient adds ``(λ/m) · W[l]`` to every ``dW[l]``, so each step also shrinks W by the
factor (1 − α·λ/m): hence "weight decay". Biases are not regularized.

Keras writes the same thing differently. ``keras.regularizers.L2(l2=λ')`` adds ``λ'·Σ w²`` for
the layer to the loss that ``model.fit`` minimizes, and that loss is the MEAN of the per-example
losses over the batch. Hence the mapping::

    λ' = λ / (2m)        with m the size of the TRAINING SET (not of the mini-batch)

A mini-batch's mean loss estimates (1/m)·Σᵢ L, and the penalty term does not depend on the
batch, so the same λ' is right for full-batch and mini-batch training alike. Then
d(λ'·Σw²)/dW = 2λ'·W = (λ/m)·W: the course's gradient. The course's λ = 0.7 with m = 211
training examples is Keras's ``l2=0.7/422 ≈ 0.00166``; passing ``l2=0.7`` to Keras would
regularize 422 times more strongly.

L1, by the lecture's same convention: ``λ/(2m) · Σ|w|``, which is ``keras.regularizers.L1(l1=λ/(2m))``;
its gradient is (λ/(2m))·sign(W) and it drives weights to exactly zero (sparse W).

:class:`L2` and :class:`L1` are registered subclasses of Keras's regularizers that take the
course's (λ, m) and save them; they compute the penalty with Keras's own code.

Example::

    keras.layers.Dense(20, "relu", kernel_regularizer=L2(0.7, m=len(x_train)))
"""
from __future__ import annotations

import numbers

import keras

from tfcourse.checks import invalid


def keras_factor(lambd: float, m: int) -> float:
    """The Keras ``l2=``/``l1=`` factor for the course's λ and training-set size m: λ / (2m).

    Course 2, week 1; used by no lesson yet.
    """
    _check(lambd, m, "keras_factor")
    return float(lambd) / (2.0 * int(m))


def course_lambda(factor: float, m: int) -> float:
    """The course's λ for a Keras ``l2=``/``l1=`` factor and training-set size m: 2m · factor.

    Course 2, week 1; used by no lesson yet.
    """
    return 2.0 * int(m) * float(factor)


def _check(lambd, m, who):
    if isinstance(lambd, bool) or not isinstance(lambd, numbers.Real) or not lambd >= 0:
        raise invalid("lambd", "a number >= 0", lambd, who)
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise invalid("m", "a positive integer (the training-set size)", m, who)


@keras.saving.register_keras_serializable(package="tfcourse")
class L2(keras.regularizers.L2):
    """The course's L2 penalty ``λ/(2m) · ‖W‖²_F``; equals ``keras.regularizers.L2(λ/(2m))``.

    Course 2, week 1 and Course 3, week 1; lessons c2w1_regularization, c3w1_bias_variance.

    Args:
        lambd: the course's λ (``lambd`` as in the assignment; ``lambda`` is a Python keyword).
        m: the number of training examples (the m of the course's cost).
    """

    def __init__(self, lambd=0.7, m=1):
        _check(lambd, m, "L2")
        self.lambd, self.m = float(lambd), int(m)
        super().__init__(l2=keras_factor(lambd, m))

    def get_config(self):
        return {"lambd": self.lambd, "m": self.m}


@keras.saving.register_keras_serializable(package="tfcourse")
class L1(keras.regularizers.L1):
    """The L1 penalty ``λ/(2m) · Σ|w|``; equals ``keras.regularizers.L1(λ/(2m))``.

    Course 2, week 1; used by no lesson yet.

    Args:
        lambd: λ >= 0.
        m: the number of training examples.
    """

    def __init__(self, lambd=0.01, m=1):
        _check(lambd, m, "L1")
        self.lambd, self.m = float(lambd), int(m)
        super().__init__(l1=keras_factor(lambd, m))

    def get_config(self):
        return {"lambd": self.lambd, "m": self.m}
