"""Model export: a TensorFlow SavedModel plus a ``.keras`` file, replaced atomically.

``export_model(model, "c1w3_planar_data")`` writes ``saved_models/c1w3_planar_data/`` as
``model.export`` does (serving endpoint ``serve``, here pinned to inference mode; it loads with
``tf.saved_model.load`` in a process that never imports tfcourse) and
``saved_models/c1w3_planar_data.keras`` beside it.

Both are written under temporary names first and moved into place only when complete, so an
interrupted run never leaves a half-written model where the last good one was.

Courses 1-5 (every lesson exports its final model); Course 3, week 2 and Course 4, week 2
(transfer learning from an exported network).
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


def _export_inference(model, path: Path) -> None:
    """``model.export``, but with the serving endpoint pinned to inference mode.

    ``model.export`` serves ``model.__call__`` with no ``training`` argument, and layers whose
    ``call`` defaults to ``training=True`` (Keras's random augmentation layers) would then
    augment at serving time. Pinning ``training=False`` makes the SavedModel compute exactly
    what ``model.predict`` computes, whatever layers the model holds.
    """
    import keras

    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1:
        # Subclassed or multi-input models: Keras's own export infers the signature.
        model.export(str(path), format="tf_saved_model", verbose=False)
        return
    archive = keras.export.ExportArchive()
    archive.track(model)
    spec = keras.InputSpec(shape=tuple(inputs[0].shape), dtype=inputs[0].dtype)
    archive.add_endpoint("serve", lambda x: model(x, training=False), input_signature=[spec])
    archive.write_out(str(path), verbose=False)


def export_model(model, name: str, export_dir="saved_models") -> Path:
    """Export ``model`` as ``<export_dir>/<name>/`` (SavedModel) and ``<export_dir>/<name>.keras``.

    Courses 1-5; lessons c3w2_transfer_learning, c4w2_residual_networks (and every lesson's
    final export, through tfcourse.lesson).

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
            _export_inference(model, tmp)
        model.save(str(tmp_keras))
        _replace_dir(tmp, final)
        os.replace(tmp_keras, export_dir / f"{name}.keras")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp_keras.unlink()
    return final
