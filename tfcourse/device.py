"""Device set-up: a GPU is used when there is one, with no flag.

TensorFlow places work on a visible GPU by default. What it does not do by default is grow its
memory as needed: without memory growth one process reserves nearly all of a GPU's memory,
which breaks running several trials or workers on one card. ``configure_devices`` turns memory
growth on for every GPU (it must run before TensorFlow touches a GPU) and says what it found.

Courses 1-5 (every lesson runs it at set-up).
"""
from __future__ import annotations


def configure_devices() -> str:
    """Enable memory growth on every visible GPU; return a short description of the devices.

    Courses 1-5; every lesson (tfcourse.lesson calls it at set-up); benchmark bench_tuners.
    """
    import tensorflow as tf

    # Retracing notices from predict() on many small models are noise in a lesson's output.
    tf.get_logger().setLevel("ERROR")
    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            # Already initialized (e.g. a second lesson in the same process): growth is
            # either already on or can no longer be changed; either way training proceeds.
            pass
    if gpus:
        return f"{len(gpus)} GPU" + ("s" if len(gpus) > 1 else "")
    return "CPU"
