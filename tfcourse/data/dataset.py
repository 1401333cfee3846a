"""The :class:`Dataset` record every loader in :mod:`tfcourse.data` returns (Courses 1-5)."""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Train / dev / test arrays with a name and a one-line description.

    Courses 1-5; every lesson that loads a data set through ``tfcourse.data``.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_dev: np.ndarray | None = None
    y_dev: np.ndarray | None = None
    classes: tuple = ()
    description: str = ""

    def summary(self) -> str:
        parts = [f"{self.name}: train {len(self.x_train)}"]
        if self.x_dev is not None:
            parts.append(f"dev {len(self.x_dev)}")
        parts.append(f"test {len(self.x_test)}")
        return ", ".join(parts) + f"; x shape {self.x_train.shape[1:]}"
