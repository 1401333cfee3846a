"""A persistent cache of XLA executables, so that a lesson run again does not compile again.

The course's full-batch trainings are compiled with XLA (``tfcourse.training.fit_steps``): one
block of gradient steps per network, ~0.4-0.6 s of XLA compile each on a 2-core machine, the
largest single cost of the main lesson (12 networks). TensorFlow can keep the executables it
compiles in a directory and load them back when the same computation is compiled again
(``TF_XLA_FLAGS=--tf_xla_persistent_cache_directory=DIR``, TensorFlow's own mechanism,
``tensorflow/compiler/jit/device_executable_persistor.h``): a loaded executable is the one that
was compiled, so the results are bit for bit those of a fresh compile. TensorFlow writes each
entry to a temporary file and renames it into place, and checks on loading that the stored
computation (its HLO) is exactly the one asked for; anything else is compiled afresh.

Importing ``tfcourse`` turns the cache on, in a folder per TensorFlow version and processor
(an executable is machine code for the CPU it was compiled on):

- ``TFCOURSE_XLA_CACHE`` unset: ``$XDG_CACHE_HOME/tfcourse/xla/...`` (``~/.cache/...``);
- ``TFCOURSE_XLA_CACHE=DIR``: that folder; ``TFCOURSE_XLA_CACHE=off`` (or ``0``, or empty):
  no cache;
- a ``TF_XLA_FLAGS`` that already names ``--tf_xla_persistent_cache_directory`` is the user's
  choice and is left alone.

TensorFlow reads its XLA flags once, at the first XLA compile of the process, so the cache
applies when ``tfcourse`` is imported before anything is compiled with XLA (always the case for
the lessons). Entries are keyed by the computation, whose text includes TensorFlow's function
names: a program that traces its functions in the same order (a lesson run again) finds its
entries; others compile and add theirs (~170 kB per network). ``python -m lessons cache``
prints the folder and its size; ``python -m lessons cache --clear`` empties it.
"""
from __future__ import annotations

import hashlib
import os
import platform
from pathlib import Path

ENV = "TFCOURSE_XLA_CACHE"
FLAG = "--tf_xla_persistent_cache_directory"
_OFF = {"", "0", "off", "false", "no", "none"}


def _machine_tag() -> str:
    """The processor the executables are compiled for: its architecture and a short hash of
    its model name and feature flags (Linux's /proc/cpuinfo; elsewhere ``platform``)."""
    text = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            lines = [line for line in f if line.startswith(("model name", "flags", "Features"))]
        text = "".join(sorted(set(lines)))
    except OSError:
        pass
    return f"{platform.machine() or 'cpu'}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _tensorflow_version() -> str:
    try:
        from importlib.metadata import version

        return version("tensorflow")
    except Exception:  # noqa: BLE001 - not installed as a distribution (or another backend)
        return "unknown"


def default_directory() -> Path:
    """Where the cache lives when ``TFCOURSE_XLA_CACHE`` is unset."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tfcourse" / "xla" / f"tf-{_tensorflow_version()}-{_machine_tag()}"


def directory() -> Path | None:
    """The folder in use: the one ``TF_XLA_FLAGS`` names (ours or the user's), else ``None``."""
    for part in os.environ.get("TF_XLA_FLAGS", "").split():
        if part.startswith(FLAG + "="):
            value = part.split("=", 1)[1]
            return Path(value) if value else None
    return None


def enable() -> Path | None:
    """Turn the cache on as ``TFCOURSE_XLA_CACHE`` says (see the module's docstring); return
    the folder, or ``None`` when it is off or cannot be created (then nothing changes)."""
    flags = os.environ.get("TF_XLA_FLAGS", "")
    if FLAG in flags:
        return directory()  # the user's own setting
    setting = os.environ.get(ENV)
    if setting is not None and setting.strip().lower() in _OFF:
        return None
    path = Path(setting).expanduser() if setting is not None else default_directory()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: compile every time, as without the cache
    if not os.access(path, os.W_OK):
        return None
    os.environ["TF_XLA_FLAGS"] = f"{flags} {FLAG}={path}".strip()
    return path


def size(path: Path | None = None) -> tuple[int, int]:
    """``(entries, bytes)`` of TensorFlow's files in the cache folder (``directory()`` by default)."""
    path = directory() if path is None else Path(path)
    if path is None or not path.is_dir():
        return 0, 0
    files = [p for p in path.iterdir() if _is_entry(p)]
    return len(files), sum(p.stat().st_size for p in files)


def _is_entry(path: Path) -> bool:
    """A file TensorFlow wrote: an entry, or a temporary one an interrupted write left."""
    return path.is_file() and path.name.startswith("xla_compile_cache")


def clear(path: Path | None = None) -> int:
    """Remove every entry of the cache folder (``directory()`` by default); return how many."""
    path = directory() if path is None else Path(path)
    if path is None or not path.is_dir():
        return 0
    removed = 0
    for entry in path.iterdir():
        if _is_entry(entry):
            entry.unlink(missing_ok=True)
            removed += 1
    return removed
