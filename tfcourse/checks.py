"""Argument validation with one message style for the whole package.

Keras's style: name the argument, say what was expected, show the value received::

    InvertedDropout: argument `rate` must be a number in [0, 1). Received: rate=1.5

Every constructor and public function in tfcourse validates its arguments with these helpers,
so that a wrong call fails at once with a message that a user can act on, rather than deep
inside a training step.

>>> check_int("units", 4, low=1)
4
>>> check_number("rate", 1.5, low=0, high=1, high_open=True, owner="InvertedDropout")
Traceback (most recent call last):
...
ValueError: InvertedDropout: argument `rate` must be a number in [0, 1). Received: rate=1.5
>>> check_choice("mode", "mean", ("max", "average"))
Traceback (most recent call last):
...
ValueError: argument `mode` must be one of 'max', 'average'. Received: mode='mean'
"""
from __future__ import annotations

import math
import numbers


def invalid(name: str, expected: str, value, owner: str | None = None) -> ValueError:
    """The package's one error for a bad argument (returned, so the caller writes ``raise``)."""
    where = f"{owner}: " if owner else ""
    return ValueError(f"{where}argument `{name}` must be {expected}. Received: {name}={value!r}")


def is_number(value) -> bool:
    """A real number that is not a bool (``True`` is an int in Python, never a rate here)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _interval(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return ""


def check_number(name: str, value, low=None, high=None, *, low_open: bool = False,
                 high_open: bool = False, owner: str | None = None) -> float:
    """``value`` as a float, if it is a finite real number in the given interval."""
    interval = _interval(low, high, low_open, high_open)
    expected = f"a number {interval}" if interval else "a finite number"
    if not is_number(value) or not math.isfinite(float(value)):
        raise invalid(name, expected, value, owner)
    v = float(value)
    if low is not None and (v < low or (low_open and v == low)):
        raise invalid(name, expected, value, owner)
    if high is not None and (v > high or (high_open and v == high)):
        raise invalid(name, expected, value, owner)
    return v


def check_int(name: str, value, low=None, high=None, *, owner: str | None = None) -> int:
    """``value`` as an int, if it is an integer (not a bool, not a float) in [low, high]."""
    if low == 1 and high is None:
        expected = "a positive integer"
    elif low == 0 and high is None:
        expected = "a non-negative integer"
    else:
        expected = ("an integer " + _interval(low, high, False, False)).strip()
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise invalid(name, expected, value, owner)
    if (low is not None and value < low) or (high is not None and value > high):
        raise invalid(name, expected, value, owner)
    return int(value)


def check_choice(name: str, value, choices, *, owner: str | None = None):
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        raise invalid(name, "one of " + ", ".join(repr(c) for c in choices), value, owner)
    return value
