"""Course 2 layers, reimplemented from the course's formulas and tested against their Keras twins.

- :class:`InvertedDropout` — the course's inverted dropout (twin: ``keras.layers.Dropout``).
- :class:`BatchNorm` — batch normalization (twin: ``keras.layers.BatchNormalization``).
"""
from tfcourse.layers.batch_norm import BatchNorm
from tfcourse.layers.dropout import InvertedDropout

__all__ = ["BatchNorm", "InvertedDropout"]
