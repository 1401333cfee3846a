"""Strips of handwritten digits: numbers to read, for the end-to-end lesson (Course 3, week 2).

:func:`digit_strips` writes ``digits`` 8×8 digit images side by side into one strip with random
gaps and a random vertical offset, the label being the digits left to right (a 3-digit number
for the default). :func:`segment` is the fixed segmenter of the pipeline the lesson compares with
an end-to-end network: it cuts a strip into equal cells, one per digit, wherever the digits
really are.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int, invalid


def digit_strips(images, labels, n: int, rng, digits: int = 3, height: int = 10,
                 width: int = 36, cell_jitter: bool = True):
    """``n`` strips of ``digits`` digits each, drawn from ``images`` (m, 8, 8) with ``labels`` (m,).

    Course 3, week 2; lesson c3w2_end_to_end.

    Each strip (``height`` × ``width``, zeros elsewhere) holds ``digits`` images drawn uniformly
    with replacement, left to right, never overlapping. The ``width − 8·digits`` spare columns
    are shared out at random between the ``digits + 1`` gaps (before, between and after the
    digits: a uniformly random composition), so a digit can sit up to several pixels away from
    the centre of its equal-width cell, across the cell's border; each digit also gets a random
    vertical offset in [0, height − 8]. With ``cell_jitter=False`` every digit is centred in
    its cell instead (what the fixed segmenter assumes).

    Args:
        images: (m, 8, 8) images in [0, 1] (``load_digits(flatten=False)``'s, squeezed).
        labels: (m,) digit labels 0-9.
        n: number of strips.
        rng: a ``np.random.Generator`` or an int seed.
        digits: digits per strip (the number's length).
        height, width: the strip's size; at least 8 and 8·digits.

    Returns:
        ``x`` of shape (n, height, width, 1) float32 and ``y`` of shape (n, digits) int64.
    """
    owner = "digit_strips"
    images = np.asarray(images, "float32")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != (8, 8):
        raise invalid("images", "an array of 8×8 images, shape (m, 8, 8)", images.shape, owner)
    labels = np.asarray(labels)
    if labels.shape != (len(images),):
        raise invalid("labels", f"one label per image, shape ({len(images)},)", labels.shape,
                      owner)
    n = check_int("n", n, low=1, owner=owner)
    digits = check_int("digits", digits, low=1, owner=owner)
    height = check_int("height", height, low=8, owner=owner)
    width = check_int("width", width, low=8 * digits, owner=owner)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        rng = np.random.default_rng(rng)
    if not isinstance(rng, np.random.Generator):
        raise invalid("rng", "a np.random.Generator or an int seed", rng, owner)

    spare = width - 8 * digits
    cell = width / digits
    x = np.zeros((n, height, width), "float32")
    pick = rng.integers(0, len(images), size=(n, digits))
    tops = rng.integers(0, height - 8 + 1, size=(n, digits))
    for k in range(n):
        if cell_jitter:
            # a uniformly random composition of `spare` into digits + 1 gaps (stars and bars)
            bars = np.sort(rng.choice(spare + digits, size=digits, replace=False))
            gaps = np.diff(np.r_[-1, bars]) - 1  # the first `digits` gaps
            lefts = np.cumsum(gaps) + 8 * np.arange(digits)
        else:
            lefts = np.floor(cell * np.arange(digits) + (cell - 8) / 2).astype(int)
        for i in range(digits):
            top, left = tops[k, i], lefts[i]
            x[k, top:top + 8, left:left + 8] = images[pick[k, i]]
    return x[..., None], labels[pick].astype("int64")


def segment(strips, digits: int = 3):
    """The fixed segmenter: each strip cut into ``digits`` equal-width cells, left to right.

    Course 3, week 2; lesson c3w2_end_to_end.

    ``strips`` (n, height, width, 1) -> crops (n·digits, height, width // digits, 1), strip by
    strip (crop ``k·digits + i`` is cell ``i`` of strip ``k``); the columns beyond
    ``digits · (width // digits)`` are dropped. The cells are where the digits would be if
    they were evenly spaced; a digit off its cell's centre is cut, and a neighbour's pixels
    come in.
    """
    strips = np.asarray(strips)
    digits = check_int("digits", digits, low=1, owner="segment")
    if strips.ndim != 4:
        raise invalid("strips", "an array (n, height, width, channels)", strips.shape, "segment")
    n, h, w, c = strips.shape
    cw = w // digits
    if cw < 1:
        raise invalid("digits", f"at most the strip width {w}", digits, "segment")
    cells = strips[:, :, :cw * digits].reshape(n, h, digits, cw, c)
    return cells.transpose(0, 2, 1, 3, 4).reshape(n * digits, h, cw, c)
