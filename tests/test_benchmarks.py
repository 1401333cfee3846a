"""The benchmark scripts refuse bad flags with one line and exit status 2 (they are not run here:
their figures are timings and long searches, see benchmarks/README.md)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("flags, words", [
    (["--c2f", "depth=2"], "NAME one of rounds, top_k, margin, min_quality"),
    (["--c2f", "top_k=three"], "top_k must be an int, got 'three'"),
    (["--c2f", "margin=5"], "argument `margin` must be a number in [0, 1]. Received: margin=5.0"),
    (["--tuners", "bayes"], "got 'bayes'"),
])
def test_bench_tuners_refuses_bad_flags(flags, words):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_tuners.py"), *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert words in last and "bench_tuners.py: error:" in last


@pytest.mark.parametrize("flags, words", [
    (["--lessons", "c9w9_nothing"], "unknown: c9w9_nothing"),
    (["--lessons", ","], "expected lesson names from lessons/"),
    (["--fastest"], "unrecognized arguments: --fastest"),
])
def test_bench_lessons_refuses_bad_flags(flags, words):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_lessons.py"), *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "bench_lessons.py: error:" in lines[0]
