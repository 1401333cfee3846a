"""Old import paths that keep working for one release, with a ``DeprecationWarning``.

A module whose names moved sets ``__getattr__ = moved_names(__name__, {old: "new.module"})``
(PEP 562: Python calls it only for names the module does not define). A value ``"pkg.mod:new"``
also renames the object.
"""
from __future__ import annotations

import importlib
import warnings


def moved_names(module: str, moved: dict):
    """A module ``__getattr__`` that warns and returns each moved name from its new home."""

    def __getattr__(name):
        if name not in moved:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        target, _, new_name = moved[name].partition(":")
        new_name = new_name or name
        warnings.warn(f"{module}.{name} moved to {target}.{new_name}; the old path goes in the "
                      f"next release", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(target), new_name)

    return __getattr__
