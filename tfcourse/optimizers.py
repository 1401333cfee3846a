"""The course's optimizers (Course 2, week 2) as Keras 3 optimizers.

Each class is a `keras.optimizers.Optimizer` subclass written like Keras's own `sgd.py` and
`adam.py`: per-variable state made in `build` with `add_variable_from_reference`, the update
written in `update_step` with `self.assign_add` / `self.assign_sub`, and `t = iterations + 1` for
bias correction (`self.iterations` is still 0 during the first update). Everything the base class
provides therefore works unchanged: `clipnorm` / `clipvalue` / `global_clipnorm`, a
`keras.optimizers.schedules.LearningRateSchedule` (or a callable) as `learning_rate`,
`weight_decay`, and `.keras` saving (the classes are registered under the package "tfcourse").

The formulas are the course's, which are not always Keras's:

| course                         | Keras built-in                    | relation                          |
|--------------------------------|-----------------------------------|-----------------------------------|
| `GradientDescent(α)`           | `SGD(α)`                          | identical                         |
| `Momentum(α, β)`: v = βv+(1−β)g | `SGD(lr, momentum=β)`: v = βv−lr·g | identical with lr = α(1 − β)      |
| `RMSprop(α, β, ε)`: √s + ε      | `RMSprop(α, rho=β, ε')`: √(s + ε') | identical as ε, ε' → 0            |
| `Adam(α, β1, β2, ε)`: √v̂ + ε    | `Adam(α, β1, β2, ε')`: √v + ε'     | identical with ε' = ε·√(1 − β2ᵗ)  |

The class docstrings derive each relation; `tests/test_optimizers.py` checks them by training
twin models.

Beyond the course, `BarzilaiBorwein(α0, variant)` (a learner's question: why a fixed rate?) is
gradient descent with the step sᵀs/sᵀy or sᵀy/yᵀy from the last two iterates, computed over
all the variables jointly; Keras has no twin, and `tests/test_barzilai_borwein.py` checks it
against the closed form on a quadratic.
"""

import keras
from keras import ops

from tfcourse.checks import invalid

_register = keras.saving.register_keras_serializable(package="tfcourse")


# -- argument checks (shared with tfcourse.schedules) ------------------------------------------

def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_learning_rate(learning_rate, name="learning_rate", owner=None):
    """Return `learning_rate` as a float (ints accepted), or unchanged if it is a schedule/callable.

    Raises ValueError naming the argument for a negative number or anything else.

    Course 2, week 2; used by no lesson directly (every optimizer and schedule here calls it).
    """
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule) or (
        callable(learning_rate) and not _is_number(learning_rate)
    ):
        return learning_rate
    if not _is_number(learning_rate) and not hasattr(learning_rate, "__float__"):
        raise invalid(name, "a number >= 0, a LearningRateSchedule or a callable",
                      learning_rate, owner)
    value = float(learning_rate)
    if not value >= 0.0:  # also rejects NaN
        raise invalid(name, "a number >= 0", learning_rate, owner)
    return value


def check_beta(beta, name="beta", owner=None):
    """Return `beta` as a float in [0, 1) or raise ValueError naming the argument and the value.

    Course 2, week 2; used by no lesson directly (the optimizers here call it).
    """
    if not _is_number(beta) and not hasattr(beta, "__float__") or isinstance(beta, bool):
        raise invalid(name, "a number in [0, 1)", beta, owner)
    value = float(beta)
    if not 0.0 <= value < 1.0:
        raise invalid(name, "a number in [0, 1)", beta, owner)
    return value


def check_epsilon(epsilon, name="epsilon", owner=None):
    """Return `epsilon` as a float >= 0 or raise ValueError naming the argument and the value.

    Course 2, week 2; used by no lesson directly (the optimizers here call it).
    """
    if not _is_number(epsilon) and not hasattr(epsilon, "__float__") or isinstance(epsilon, bool):
        raise invalid(name, "a number >= 0", epsilon, owner)
    value = float(epsilon)
    if not value >= 0.0:
        raise invalid(name, "a number >= 0", epsilon, owner)
    return value


# -- the optimizers ---------------------------------------------------------------------------

@_register
class GradientDescent(keras.optimizers.Optimizer):
    """Plain (mini-batch) gradient descent: W = W − α·dW.

    Course 2, week 2; lesson c2w2_optimization.

    The course's update for every parameter W with gradient dW. It is exactly
    `keras.optimizers.SGD(learning_rate)` (momentum 0); it is here so that the lessons compare
    the three course optimizers side by side with one import.

    Args:
        learning_rate: α, a float >= 0, a `LearningRateSchedule` or a callable. Defaults to 0.01.
        **kwargs: the base optimizer's arguments (`clipnorm`, `clipvalue`, `global_clipnorm`,
            `weight_decay`, `name`, ...).

    Example:
        >>> opt = GradientDescent(0.0007)   # model.compile(optimizer=opt, ...)
    """

    def __init__(self, learning_rate=0.01, name=None, **kwargs):
        learning_rate = check_learning_rate(learning_rate, owner="GradientDescent")
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        self.assign_sub(variable, ops.multiply(lr, gradient))


@_register
class Momentum(keras.optimizers.Optimizer):
    """Gradient descent with momentum, the course's form: an EWMA of the gradients.

    Course 2, week 2; lessons c2w2_optimization, c2w3_hyperparameter_search.

    Course formula, for each parameter W (velocity v starts at 0, no bias correction):

        v = β·v + (1 − β)·dW
        W = W − α·v

    Variant: Keras's `SGD(lr, momentum=β)` keeps v_k = β·v_k − lr·dW and does W = W + v_k (no
    (1 − β) factor, sign folded in). With lr = α·(1 − β) the two trajectories coincide for a
    constant rate: if v_k = −α·v before a step, then after it

        v_k' = β·(−α·v) − α(1 − β)·dW = −α·(β·v + (1 − β)·dW) = −α·v',

    and W + v_k' = W − α·v'. So `Momentum(α, β) ≡ keras.optimizers.SGD(α·(1 − β), momentum=β)`.
    With a schedule the mapping breaks (Keras scales each gradient by the rate of its own step,
    the course scales the whole average by the current rate).

    Args:
        learning_rate: α, a float >= 0, a `LearningRateSchedule` or a callable. Defaults to 0.01.
        beta: β in [0, 1), the averaging weight (~1/(1 − β) gradients). Defaults to 0.9.
        **kwargs: the base optimizer's arguments (`clipnorm`, `weight_decay`, `name`, ...).

    Example:
        >>> opt = Momentum(learning_rate=0.0007, beta=0.9)
        >>> twin = keras.optimizers.SGD(0.0007 * (1 - 0.9), momentum=0.9)   # same updates
    """

    def __init__(self, learning_rate=0.01, beta=0.9, name=None, **kwargs):
        learning_rate = check_learning_rate(learning_rate, owner="Momentum")
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta = check_beta(beta, "beta", "Momentum")

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = [self.add_variable_from_reference(w, "velocity") for w in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        v = self._velocities[self._get_variable_index(variable)]
        # v = β·v + (1 − β)·dW, written as v += (1 − β)·(dW − v): the same value, one tensor
        # operation fewer (the add happens inside the variable update, as in Keras's Adam).
        self.assign_add(v, ops.multiply(ops.subtract(gradient, v), 1.0 - self.beta))
        self.assign_sub(variable, ops.multiply(lr, v))

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


@_register
class RMSprop(keras.optimizers.Optimizer):
    """RMSprop, the course's form: divide the gradient by the root of an EWMA of its square.

    Course 2, week 2; used by no lesson yet.

    Course formula, for each parameter W (s starts at 0, no bias correction):

        s = β·s + (1 − β)·dW²
        W = W − α·dW / (√s + ε)

    Variant: `keras.optimizers.RMSprop(α, rho=β, epsilon=ε')` has the same s (its "velocity",
    with `rho` for β) but puts epsilon inside the square root (keras/src/optimizers/rmsprop.py):

        W = W − α·dW / √(s + ε')

    √(s + ε') = √s + ε only for ε' = 2ε√s + ε², which depends on s (per element, per step), so
    there is no constant mapping; the two agree as ε, ε' → 0, and differ wherever √s is not
    large against ε (tiny gradients, the first steps). Note also the defaults: the course uses
    β = 0.999, Keras rho = 0.9; Keras epsilon defaults to 1e-7, the course's ε to 1e-8.

    Args:
        learning_rate: α, a float >= 0, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta: β in [0, 1) for the average of dW². Defaults to 0.999.
        epsilon: ε >= 0, added to √s. Defaults to 1e-8.
        **kwargs: the base optimizer's arguments (`clipnorm`, `weight_decay`, `name`, ...).

    Example:
        >>> opt = RMSprop(learning_rate=0.001, beta=0.999, epsilon=1e-8)
    """

    def __init__(self, learning_rate=0.001, beta=0.999, epsilon=1e-8, name=None, **kwargs):
        learning_rate = check_learning_rate(learning_rate, owner="RMSprop")
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta = check_beta(beta, "beta", "RMSprop")
        self.epsilon = check_epsilon(epsilon, "epsilon", "RMSprop")

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._squares = [self.add_variable_from_reference(w, "square") for w in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        s = self._squares[self._get_variable_index(variable)]
        # s = β·s + (1 − β)·dW², as s += (1 − β)·(dW² − s) (see Momentum).
        self.assign_add(s, ops.multiply(ops.subtract(ops.square(gradient), s), 1.0 - self.beta))
        # W = W − α·dW · 1/(√s + ε). A multiplication by the reciprocal, not a division: on
        # CPU a float division is several times slower than a multiplication, and TensorFlow
        # rewrites Keras's dW / √(s + ε') into dW · rsqrt(s + ε'), leaving it no division at
        # all; with ops.divide this class took 10-20 % longer per step than Keras's RMSprop
        # (benchmarks/bench_components.py), with the reciprocal it is level. The result is
        # within a few float32 rounding steps of the division's (and the float64 course-
        # formula test holds at 1e-12).
        self.assign_sub(
            variable,
            ops.multiply(ops.multiply(lr, gradient),
                         ops.reciprocal(ops.add(ops.sqrt(s), self.epsilon))),
        )

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "epsilon": self.epsilon}


@_register
class Adam(keras.optimizers.Optimizer):
    """Adam, the course's form: momentum and RMSprop, both bias-corrected, ε outside the root.

    Course 2, week 2; lesson c2w2_optimization.

    Course formula, for each parameter W at step t = 1, 2, … (v, s start at 0):

        v = β1·v + (1 − β1)·dW          v̂ = v / (1 − β1ᵗ)
        s = β2·s + (1 − β2)·dW²         ŝ = s / (1 − β2ᵗ)
        W = W − α·v̂ / (√ŝ + ε)

    Variant: `keras.optimizers.Adam` keeps the same two averages (its m and v) but folds the
    bias correction into the rate and adds epsilon to the *uncorrected* root
    (keras/src/optimizers/adam.py):

        α_t = α·√(1 − β2ᵗ) / (1 − β1ᵗ)
        W = W − α_t·m / (√v + ε')

    Multiplying the course's numerator and denominator by √(1 − β2ᵗ) gives
    α·√(1 − β2ᵗ)/(1 − β1ᵗ)·v / (√s + ε·√(1 − β2ᵗ)), so the two are identical when
    ε' = ε·√(1 − β2ᵗ), a value that changes with t (≈ 0.032·ε at t = 1, → ε as t grows). No
    constant ε' does it, so `Adam(α, β1, β2, ε)` matches `keras.optimizers.Adam(α, β1, β2, ε)`
    only as ε → 0; with the same ε the Keras step is larger early on, where √v is small. Keras's
    default epsilon is 1e-7, the course's 1e-8.

    Args:
        learning_rate: α, a float >= 0, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: β1 in [0, 1), for the average of dW. Defaults to 0.9.
        beta_2: β2 in [0, 1), for the average of dW². Defaults to 0.999.
        epsilon: ε >= 0, added to √ŝ. Defaults to 1e-8.
        **kwargs: the base optimizer's arguments (`clipnorm`, `weight_decay`, `name`, ...).

    Example:
        >>> opt = Adam(learning_rate=0.0007)        # the course's β1, β2, ε by default
        >>> twin = keras.optimizers.Adam(0.0007, epsilon=1e-12)  # ≈ the same as ε → 0

    Reference: Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2014 (Algorithm 1).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, name=None,
                 **kwargs):
        learning_rate = check_learning_rate(learning_rate, owner="Adam")
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_beta(beta_1, "beta_1", "Adam")
        self.beta_2 = check_beta(beta_2, "beta_2", "Adam")
        self.epsilon = check_epsilon(epsilon, "epsilon", "Adam")

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._firsts = [self.add_variable_from_reference(w, "first_moment") for w in var_list]
        self._seconds = [self.add_variable_from_reference(w, "second_moment") for w in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        # iterations is still 0 during the first update: the course's t starts at 1.
        t = ops.cast(self.iterations + 1, variable.dtype)
        i = self._get_variable_index(variable)
        v, s = self._firsts[i], self._seconds[i]

        # v = β1·v + (1 − β1)·dW and s = β2·s + (1 − β2)·dW², as in-place adds (see Momentum).
        self.assign_add(v, ops.multiply(ops.subtract(gradient, v), 1.0 - self.beta_1))
        self.assign_add(s, ops.multiply(ops.subtract(ops.square(gradient), s), 1.0 - self.beta_2))
        # The course's step α·v̂ / (√ŝ + ε), with v̂ = v / c1 and ŝ = s / c2, c = 1 − βᵗ, is
        # computed with the bias corrections moved onto scalars:
        #     α·v̂ / (√ŝ + ε) = (α·√c2 / c1)·v / (√s + ε·√c2)
        # (multiply through by √c2). Same value, but the big tensors see no extra divisions, so
        # the step costs what keras.optimizers.Adam's does.
        sqrt_c2 = ops.sqrt(1.0 - ops.power(self.beta_2, t))
        step_size = lr * sqrt_c2 / (1.0 - ops.power(self.beta_1, t))
        self.assign_sub(
            variable,
            ops.divide(ops.multiply(v, step_size),
                       ops.add(ops.sqrt(s), ops.multiply(self.epsilon, sqrt_c2))),
        )

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


@_register
class BarzilaiBorwein(keras.optimizers.Optimizer):
    """Gradient descent with the Barzilai–Borwein step size: a step from the last two iterates.

    Course 2, week 2 (a learner's question beyond the course); lesson c2w2_adaptive_step_size.

    "Why a fixed learning rate?" Barzilai and Borwein (1988) choose the step α_k of
    x_{k+1} = x_k − α_k·g_k so that α_k·I best matches the inverse Hessian on the last step,
    in the least-squares sense of the secant equation. With

        s = x_k − x_{k−1},   y = g_k − g_{k−1}   (over ALL the trainable variables, jointly)

    the two solutions are

        "long"  (BB1):  α_k = sᵀs / sᵀy          (min over α of ‖s/α − y‖)
        "short" (BB2):  α_k = sᵀy / yᵀy          (min over α of ‖s − α·y‖)

    On a quadratic f(x) = ½xᵀAx, y = A·s, so α_k is the inverse of a Rayleigh quotient of A: a
    step between 1/λ_max and 1/λ_min that changes every iteration. The method is not monotone
    (the cost can go up for a few steps) but on strictly convex quadratics it converges
    (Raydan 1993) and is often far faster than the best fixed rate.

    The inner products are over every variable of the model at once, as one vector x: that is
    the method (one scalar step, like the learning rate), so this class overrides
    ``_backend_update_step(grads, trainable_variables, learning_rate)``, the one hook of Keras's
    ``Optimizer.apply`` that sees all the (clipped) gradients and variables together: it sums
    sᵀs, sᵀy and yᵀy over the variables, computes the step, stores it in ``step_size``, and
    hands it to the base class's per-variable loop as the ``learning_rate`` of
    ``update_step``, which keeps x_k and g_k for the next step and does x −= α·g. Keras's own
    machinery therefore still runs around it (gradient clipping, ``model.fit`` with or without
    ``jit_compile``). A per-variable ``update_step`` alone could not do it (it sees one variable
    at a time), and overriding ``apply`` would bypass the base class's filtering and clipping.
    Under a ``tf.distribute`` strategy with several replicas the products would be per replica
    (Keras all-reduces the gradients after this hook); the lessons run on one device.

    Safeguards (the method has none of its own):

    - the first step is ``learning_rate`` (there is no s or y yet);
    - non-positive curvature, sᵀy <= 0 (a non-convex stretch: the BB step would be negative or
      infinite), or a step that is not finite: fall back to the previous step
      (``fallback="previous"``) or to ``learning_rate`` (``fallback="initial"``); ``fallbacks``
      counts them;
    - the BB step is clipped to [min_step, max_step].

    No line search: Raydan (1997) proves global convergence for general smooth functions only
    with a nonmonotone (Grippo–Lampariello–Lucidi) line search, which needs the cost at trial
    points and so does not fit Keras's gradients-in, update-out optimizer interface. With
    mini-batches, s and y come from different batches, y is dominated by the batch-to-batch
    noise of the gradient and the step is erratic; Tan, Ma, Dai and Qian (2016) ("Barzilai-
    Borwein step size for stochastic gradient descent", NeurIPS 2016) compute the step once
    per epoch instead, from epoch-level quantities: SVRG-BB from the full gradients at
    successive snapshot points, SGD-BB from the averages of each epoch's stochastic gradients
    (with a smoothing of the steps), and divide it by the number of inner steps.

    Variant: Keras has no BB optimizer; with a constant step it would be ``SGD(α)``. Keras's
    ``weight_decay`` (if set) uses ``learning_rate``, not the BB step.

    Args:
        learning_rate: the first step α_0 (and the fallback with ``fallback="initial"``); a
            float >= 0, a schedule or a callable. Defaults to 0.01.
        variant: ``"long"`` (BB1, sᵀs/sᵀy) or ``"short"`` (BB2, sᵀy/yᵀy). Defaults to "long".
        min_step, max_step: bounds of the BB step, 0 < min_step <= max_step. Default 1e-6, 10.
        fallback: ``"previous"`` or ``"initial"``: the step when sᵀy <= 0.
        **kwargs: the base optimizer's arguments (``clipnorm``, ``global_clipnorm``, ``name``,
            ...).

    Example:
        >>> opt = BarzilaiBorwein(learning_rate=0.1, variant="long", max_step=50.0)

    References: J. Barzilai and J. M. Borwein, "Two-point step size gradient methods", IMA
    Journal of Numerical Analysis 8 (1988) 141–148; M. Raydan, "On the Barzilai and Borwein
    choice of steplength for the gradient method", IMA J. Numer. Anal. 13 (1993) 321–326;
    M. Raydan, "The Barzilai and Borwein gradient method for the large scale unconstrained
    minimization problem", SIAM J. Optim. 7 (1997) 26–33; C. Tan, S. Ma, Y.-H. Dai, Y. Qian,
    "Barzilai-Borwein step size for stochastic gradient descent", NeurIPS 2016.
    """

    def __init__(self, learning_rate=0.01, variant="long", min_step=1e-6, max_step=10.0,
                 fallback="previous", name=None, **kwargs):
        from tfcourse.checks import check_choice, check_number

        owner = "BarzilaiBorwein"
        learning_rate = check_learning_rate(learning_rate, owner=owner)
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.variant = check_choice("variant", variant, ("long", "short"), owner=owner)
        self.min_step = check_number("min_step", min_step, low=0, low_open=True, owner=owner)
        self.max_step = check_number("max_step", max_step, low=self.min_step, owner=owner)
        self.fallback = check_choice("fallback", fallback, ("previous", "initial"), owner=owner)
        if self.gradient_accumulation_steps:
            raise invalid("gradient_accumulation_steps", "None (the BB step needs the "
                          "gradient of every step)", self.gradient_accumulation_steps, owner)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._previous_values = [self.add_variable_from_reference(w, "previous_value")
                                 for w in var_list]
        self._previous_gradients = [self.add_variable_from_reference(w, "previous_gradient")
                                    for w in var_list]
        wide = "float64" if any(w.dtype == "float64" for w in var_list) else "float32"
        self._step_size = self.add_variable((), dtype=wide, name="step_size")
        self._fallbacks = self.add_variable((), dtype="int64", name="fallbacks")

    @property
    def step_size(self):
        """The step α_k of the last update (0 before the first)."""
        return self._step_size

    @property
    def fallbacks(self):
        """How many updates used the fallback step (sᵀy <= 0 or a non-finite BB step)."""
        return self._fallbacks

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        dtype = self._step_size.dtype
        sts = sty = yty = ops.zeros((), dtype)
        for grad, var in zip(grads, trainable_variables):
            i = self._get_variable_index(var)
            # x_k − x_{k−1} and g_k − g_{k−1}; read before update_step overwrites them
            s = ops.cast(ops.subtract(var, self._previous_values[i]), dtype)
            y = ops.cast(ops.subtract(grad, self._previous_gradients[i]), dtype)
            sts = sts + ops.sum(ops.multiply(s, s))
            sty = sty + ops.sum(ops.multiply(s, y))
            yty = yty + ops.sum(ops.multiply(y, y))
        if self.variant == "long":
            bb = ops.divide(sts, sty)
        else:
            bb = ops.divide(sty, yty)
        lr = ops.cast(learning_rate, dtype)
        usable = ops.logical_and(ops.greater(sty, 0), ops.isfinite(bb))
        bb = ops.clip(ops.where(usable, bb, lr), self.min_step, self.max_step)
        fallback = self._step_size if self.fallback == "previous" else lr
        first = ops.equal(self.iterations, 0)
        step = ops.where(first, lr, ops.where(usable, bb, fallback))
        self._fallbacks.assign_add(ops.cast(
            ops.logical_and(ops.logical_not(first), ops.logical_not(usable)), "int64"))
        self._step_size.assign(step)
        super()._backend_update_step(grads, trainable_variables, step)

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        gradient = ops.cast(gradient, variable.dtype)
        self.assign(self._previous_values[i], variable)
        self.assign(self._previous_gradients[i], gradient)
        self.assign_sub(variable, ops.multiply(ops.cast(learning_rate, variable.dtype), gradient))

    def get_config(self):
        return {**super().get_config(), "variant": self.variant, "min_step": self.min_step,
                "max_step": self.max_step, "fallback": self.fallback}
