"""tfcourse: the Deep Learning Specialization as a working Keras 3 / TensorFlow package.

Submodules are imported on demand (``tfcourse.data``, ``tfcourse.layers``, ...), so that
``python -m lessons`` can list lessons without loading TensorFlow.
"""
import os
import sys

# TensorFlow's C++ start-up chatter (CPU feature flags, "no CUDA drivers") buries the lessons'
# output; a user who sets the variable keeps their own level.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"


def import_tensorflow_quietly():
    """Import TensorFlow with the process's stderr muted for the duration of the import.

    Some of TensorFlow's start-up lines ("Could not find cuda drivers ...") are written by its
    C++ logging before ``TF_CPP_MIN_LOG_LEVEL`` is read. Muting file descriptor 2 while the
    import runs keeps a lesson's stderr for what the user must read, such as the one-line error
    for a bad flag. An import that fails still raises its Python exception after stderr is back.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return tensorflow
