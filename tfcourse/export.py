"""Model export: a TensorFlow SavedModel plus a ``.keras`` file, replaced atomically.

``export_model(model, "c1w3_planar_data")`` writes ``saved_models/c1w3_planar_data/`` with
``model.export`` (serving signature ``serve``; loads with ``tf.saved_model.load`` in a process
that never imports tfcourse) and ``saved_models/c1w3_planar_data.keras`` beside it.

Both are written under temporary names first and moved into place only when complete, so an
interrupted run never leaves a half-written model where the last good one was.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path


def _replace_dir(tmp: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def export_model(model, name: str, export_dir="saved_models") -> Path:
    """Export ``model`` as ``<export_dir>/<name>/`` (SavedModel) and ``<export_dir>/<name>.keras``.

    Returns the SavedModel folder.
    """
    export_dir = Path(export_dir)
    export_dir.mkdir(parents=True, exist_ok=True)
    final = export_dir / name
    tmp = export_dir / f".{name}.tmp-{os.getpid()}"
    tmp_keras = export_dir / f".{name}.tmp-{os.getpid()}.keras"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        # model.export prints a signature summary and TensorFlow logs asset warnings; the lesson
        # reports the path itself.
        with contextlib.redirect_stdout(io.StringIO()):
            model.export(str(tmp), format="tf_saved_model", verbose=False)
        model.save(str(tmp_keras))
        _replace_dir(tmp, final)
        os.replace(tmp_keras, export_dir / f"{name}.keras")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp_keras.unlink()
    return final
