"""The Emojify data: short sentences labelled with one of five emoji (Course 5, week 2).

The course's own set (``train_emoji.csv``, 132 sentences; ``tesss.csv``, 56) cannot be
downloaded here, so this project wrote its own in the same format and spirit (``sentence,label``
CSV files shipped in ``tfcourse/data/``): 200 training and 100 test sentences, 40 and 20 per
class, lower-case, no punctuation. The test sentences were written to use words the training
sentences never use ("adore", "soccer", "miserable", "sushi"): 87 of the 100 have at least one
such word, so a model can only get them right through what the word vectors know. The five
negations among the training sentences ("i am not happy", "this is not good") are all sad
ones (class 3), so a model can learn "not" as a sad word rather than as a flip: the lesson's
negation probes show it.

Labels, as the course's ``label_to_emoji``: 0 ❤️ (love), 1 ⚾ (sport), 2 😄 (happy),
3 😞 (sad), 4 🍴 (food).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

EMOJI = ("❤️", "⚾", "😄", "😞", "🍴")
EMOJI_NAMES = ("heart", "baseball", "smile", "disappointed", "fork_and_knife")
EMOJIFY_TRAIN_FILE = Path(__file__).with_name("emojify_train.csv")
EMOJIFY_TEST_FILE = Path(__file__).with_name("emojify_test.csv")


def read_csv(filename):
    """The course's reader: ``(X, Y)``, sentences (m,) and integer labels (m,).

    Course 5, week 2; lesson c5w2_emojify.
    """
    with open(filename, newline="", encoding="utf8") as f:
        rows = [r for r in csv.reader(f) if r and r[0] != "sentence"]
    X = np.asarray([r[0] for r in rows])
    Y = np.asarray([int(r[1]) for r in rows], dtype=int)
    return X, Y


def load_emojify():
    """The shipped set: ``(X_train, Y_train, X_test, Y_test)``.

    Course 5, week 2; lesson c5w2_emojify.
    """
    return (*read_csv(EMOJIFY_TRAIN_FILE), *read_csv(EMOJIFY_TEST_FILE))


def label_to_emoji(label) -> str:
    """The emoji of a label (0-4), as the course's ``label_to_emoji``.

    Course 5, week 2; lesson c5w2_emojify.
    """
    return EMOJI[int(label)]


def convert_to_one_hot(Y, C):
    """One-hot rows ``(m, C)`` from labels ``(m,)``, as the course's ``np.eye(C)[Y.reshape(-1)]``.

    Course 5, week 2; lesson c5w2_emojify.
    """
    return np.eye(C)[np.asarray(Y).reshape(-1)]
