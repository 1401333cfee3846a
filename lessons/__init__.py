"""The lessons: one module per course topic, run as ``python -m lessons.<name>``.

``python -m lessons`` lists them with their one-line summaries, read from the modules'
docstrings without importing TensorFlow (this package does not import ``tfcourse``: the library
imports TensorFlow and registers its components when it is imported, which a listing does not
need). ``python -m lessons report`` prints the measured-vs-course tables of finished runs.
"""
import ast
import re
import sys
from pathlib import Path

# `python -m lessons.<name>`: the lesson imports Keras, hence TensorFlow, next. Import tfcourse
# first: it imports TensorFlow with its C++ start-up chatter muted, so that the lesson's own
# output (or its one-line error) is what the user sees. Listing needs neither.
_argv = getattr(sys, "orig_argv", [])
if "-m" in _argv[:-1] and _argv[_argv.index("-m") + 1].startswith("lessons."):
    import tfcourse  # noqa: F401

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
