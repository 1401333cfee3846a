import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The tests leave the user's XLA compile cache (~/.cache/tfcourse/xla) alone: they compile
# afresh, as on a first run; tests/test_compile_cache.py turns the cache on in folders of its own.
os.environ.setdefault("TFCOURSE_XLA_CACHE", "off")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `lessons` is importable from a checkout as well as installed
    sys.path.insert(0, str(ROOT))
