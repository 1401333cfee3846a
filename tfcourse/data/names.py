"""Dinosaur names for the character-level language model (Course 5, week 1).

The course's "Dinosaur Island" trains on 1536 dinosaur names; that file cannot be downloaded
here, so the package ships its own list of 271 well-known dinosaur genus names
(``tfcourse/data/dinosaur_names.txt``, written for this project, installed as package data).
"""
from __future__ import annotations

import string
from pathlib import Path

DINOSAUR_NAMES_FILE = Path(__file__).with_name("dinosaur_names.txt")


def load_dinosaur_names(alphabet: str = string.ascii_lowercase) -> list:
    """The shipped dinosaur genus names, lower-cased, in file order.

    Course 5, week 1; lesson c5w1_rnn.

    Names with a character outside ``alphabet`` (the course's 26 letters by default) are left
    out, so every name can be written in the model's vocabulary.
    """
    names = [n.strip().lower() for n in DINOSAUR_NAMES_FILE.read_text(encoding="utf8").split()]
    return [n for n in names if n and set(n) <= set(alphabet)]
