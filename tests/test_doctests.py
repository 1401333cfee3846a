"""Worked values in docstrings are doctests, and they run in the default suite.

A docstring's ``>>>`` lines are checked against the printed values (schedules, EWMA, argument
checks, ...); snippets that need a trained model are written as ``Example::`` blocks instead.
"""
import doctest
import importlib
import pkgutil

import pytest

import tfcourse

MODULES = sorted(["tfcourse"] + [m.name for m in pkgutil.walk_packages(tfcourse.__path__,
                                                                        "tfcourse.")])
# Modules whose worked examples the course states (learning-rate decay, EWMA, argument checks):
# they must keep having doctests, not only pass when there are none.
MUST_HAVE = {"tfcourse.schedules", "tfcourse.ewma", "tfcourse.checks"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests failed in {name}"
    if name in MUST_HAVE:
        assert result.attempted > 0, f"{name} lost its worked examples"
