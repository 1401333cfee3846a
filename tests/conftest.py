import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `lessons` is importable from a checkout as well as installed
    sys.path.insert(0, str(ROOT))
