"""The lessons: one module per course topic, run as ``python -m lessons.<name>``.

``python -m lessons`` lists them with their one-line summaries (read from the modules' docstrings
without importing TensorFlow).
"""
import ast
import re
import sys
from pathlib import Path

import tfcourse

# `python -m lessons.<name>`: the lesson imports TensorFlow next; import it now with its start-up
# chatter muted, so that the lesson's own output (or its one-line error) is what the user sees.
# Listing (`python -m lessons`) does not need TensorFlow and stays fast.
_argv = getattr(sys, "orig_argv", [])
_module = _argv[_argv.index("-m") + 1] if "-m" in _argv[:-1] else ""
if _module.startswith("lessons."):
    tfcourse.import_tensorflow_quietly()

_HERE = Path(__file__).parent
_NAME = re.compile(r"^c\d+w\d+_\w+$")


def available() -> dict:
    """Lesson name -> one-line summary, in course order."""
    found = {}
    for f in sorted(_HERE.glob("c*.py")):
        if not _NAME.match(f.stem):
            continue
        doc = ast.get_docstring(ast.parse(f.read_text(encoding="utf8"))) or ""
        found[f.stem] = doc.strip().splitlines()[0] if doc.strip() else ""
    return found
