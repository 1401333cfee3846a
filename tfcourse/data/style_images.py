"""Content and style images for neural style transfer, from photographs shipped with scikit-learn (Course 4, week 4).

scikit-learn ships two photographs with its wheels (``sklearn.datasets.load_sample_image``, no
download): ``china.jpg`` (a Chinese temple tower, 427×640) and
``flower.jpg`` (a dahlia, 427×640); both are licensed CC BY 2.0 by their authors (see
scikit-learn's ``sklearn/datasets/images/README.txt``). The course's are its own photographs
(the Louvre, Monet) and cannot be had offline.

:func:`style_image_pair` crops a square of each (the tower; the petals) and resizes it, as
(1, size, size, 3) float32 arrays in [0, 1], the course's layout for the generated image.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int

# (row0, col0, row1, col1) crops of the 427×640 photographs
CROPS = {"china.jpg": (0, 60, 427, 487), "flower.jpg": (110, 210, 310, 410)}


def sample_photo(name: str, size: int, box=None) -> np.ndarray:
    """scikit-learn's shipped photograph ``name``, cropped to ``box`` and resized to size×size.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    Returns a (1, size, size, 3) float32 array in [0, 1] (antialiased bilinear resize).
    """
    import tensorflow as tf
    from sklearn.datasets import load_sample_image

    size = check_int("size", size, low=8, owner="sample_photo")
    img = load_sample_image(name)
    r0, c0, r1, c1 = box or CROPS.get(name, (0, 0, img.shape[0], img.shape[1]))
    crop = img[r0:r1, c0:c1].astype("float32") / 255.0
    resized = tf.image.resize(crop, (size, size), antialias=True).numpy()
    return np.clip(resized, 0, 1)[None].astype("float32")


def style_image_pair(size: int):
    """``(content, style)``: the tower of ``china.jpg`` and the petals of ``flower.jpg``.

    Course 4, week 4; lesson c4w4_neural_style_transfer.
    """
    return sample_photo("china.jpg", size), sample_photo("flower.jpg", size)
