"""Optimizing and satisficing metrics: choosing a model on one number (Course 3, week 1).

The course: "maximize accuracy subject to running time ≤ 100 ms" — one *optimizing* metric and
N − 1 *satisficing* ones. :func:`latency_ms` measures the running time, :func:`choose_model`
applies the rule.
"""
from __future__ import annotations

import time

import numpy as np

from tfcourse.checks import check_choice, check_int, invalid


def latency_ms(model, x, repeats: int = 5, batch_size: int = 1) -> float:
    """Measured prediction time per example in milliseconds (median over ``repeats`` passes).

    Course 3, week 1; used by no lesson yet.

    ``x`` is run through ``model.predict_on_batch`` in batches of ``batch_size`` (1 = the
    latency of one request) after one warm-up pass. A timing: it varies between machines and
    runs, so it belongs in a model choice made on *this* machine, not in a reproducible result.
    """
    repeats = check_int("repeats", repeats, low=1, owner="latency_ms")
    batch_size = check_int("batch_size", batch_size, low=1, owner="latency_ms")
    x = np.asarray(x, "float32")
    batches = [x[i:i + batch_size] for i in range(0, len(x), batch_size)]
    model.predict_on_batch(batches[0])  # warm-up: tracing and first-call costs
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for b in batches:
            model.predict_on_batch(b)
        times.append((time.perf_counter() - start) / len(x))
    return float(np.median(times) * 1000.0)


_OPS = {"<=": lambda v, b: v <= b, "<": lambda v, b: v < b, ">=": lambda v, b: v >= b,
        ">": lambda v, b: v > b}


def choose_model(candidates: dict, optimizing: str, satisficing: dict | None = None,
                 maximize: bool = True) -> dict:
    """Pick the best candidate on one optimizing metric among those meeting every constraint.

    Course 3, week 1; used by no lesson yet.

    The course: "maximize accuracy subject to running time ≤ 100 ms" — one *optimizing* metric
    (as good as possible) and N − 1 *satisficing* metrics (good enough is enough).

    Args:
        candidates: ``{name: {metric: value}}``.
        optimizing: the metric to maximize (or minimize with ``maximize=False``).
        satisficing: ``{metric: bound}`` meaning ``value <= bound``, or
            ``{metric: (op, bound)}`` with op in ``<=, <, >=, >``.

    Returns:
        ``{"chosen": name or None, "table": [{"name", **metrics, "feasible", "failed"}, ...]}``
        with the table sorted best first (feasible ones before the others).

    Example:
        >>> choose_model({"A": {"accuracy": 0.90, "ms": 80}, "B": {"accuracy": 0.92, "ms": 95},
        ...               "C": {"accuracy": 0.95, "ms": 1500}}, "accuracy", {"ms": 100})["chosen"]
        'B'
    """
    if not candidates:
        raise invalid("candidates", "a dict naming at least one model", candidates,
                      "choose_model")
    satisficing = dict(satisficing or {})
    constraints = {}
    for metric, spec in satisficing.items():
        op, bound = ("<=", spec) if not isinstance(spec, (tuple, list)) else spec
        check_choice(f"satisficing[{metric!r}] op", op, tuple(_OPS), owner="choose_model")
        constraints[metric] = (op, float(bound))
    table = []
    for name, metrics in candidates.items():
        for metric in (optimizing, *constraints):
            if metric not in metrics:
                raise ValueError(f"candidates[{name!r}] lacks the metric {metric!r}")
        failed = [f"{m} {op} {b:g}" for m, (op, b) in constraints.items()
                  if not _OPS[op](float(metrics[m]), b)]
        table.append({"name": name, **metrics, "feasible": not failed, "failed": failed})
    sign = -1.0 if maximize else 1.0
    table.sort(key=lambda r: (not r["feasible"], sign * float(r[optimizing])))
    chosen = table[0]["name"] if table[0]["feasible"] else None
    return {"chosen": chosen, "table": table}
