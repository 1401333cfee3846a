#!/usr/bin/env bash
# A prepared check for a machine with one or more GPUs (issue 18), under KERAS_BACKEND=jax so that
# it also runs where TensorFlow is not installed (Keras and Keras Tuner are small wheels).
#
#   bash benchmarks/gpu_check.sh [OUT_DIR]       # from a checkout; ~5 min on one GPU
#
# It reports, each as one line starting with "CHECK":
#   1. the accelerator (nvidia-smi) and the devices JAX sees;
#   2. the component twin tests (tests/test_layers.py, test_losses.py, test_optimizers.py)
#      under KERAS_BACKEND=jax;
#   3. a short coarse-to-fine search of the lesson's digits space (6 trials of 2 epochs, the
#      default trust-region zoom): on which device each trial's weights lived, and the device
#      memory in use after each trial (it must not grow from trial to trial);
#   4. the same search with --mixed-precision (float16 compute, float32 weights);
#   5. with 2 or more GPUs: a search with one local worker per GPU (CUDA_VISIBLE_DEVICES set per
#      worker by tfcourse.tuning.LocalCluster), and which GPU each worker's trials ran on.
# Not run yet: no machine with an accelerator was at hand when it was written, so GPU
# behaviour is unverified (benchmarks/README.md says so until this script's output is there).
set -u
OUT=${1:-${OUT:-/tmp/gpu_check}}
mkdir -p "$OUT"
cd "$(dirname "$0")/.."
export KERAS_BACKEND=jax PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PY=${PYTHON:-python}

echo "CHECK accelerator: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | paste -sd';' || echo 'nvidia-smi not found')"
if ! $PY -c "import jax" 2>/dev/null; then
    echo "installing jax[cuda12], keras, keras-tuner, scikit-learn, pytest (no TensorFlow)"
    $PY -m pip install -q "jax[cuda12]" "keras>=3" "keras-tuner>=1.4.8,<1.5" scikit-learn \
        matplotlib pytest || { echo "CHECK install: failed"; exit 1; }
fi
$PY - <<'EOF'
import jax
print("CHECK jax devices:", jax.devices(), "default backend:", jax.default_backend())
EOF

echo "CHECK twin tests under jax: running"
$PY -m pytest -q -p no:cacheprovider tests/test_layers.py tests/test_losses.py \
    tests/test_optimizers.py > "$OUT/twin_tests.txt" 2>&1
echo "CHECK twin tests under jax: exit $? ($(tail -1 "$OUT/twin_tests.txt"))"

search() {  # $1: label, $2: mixed precision (0/1)
$PY - "$1" "$2" "$OUT" <<'EOF'
import sys, tempfile
import jax, keras
from tfcourse import data, tuning
from tfcourse.tuning import digits

label, mixed, out = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
if mixed:
    keras.mixed_precision.set_global_policy("mixed_float16")
ds = data.load_digits(seed=0)
hypermodel = digits.make_hypermodel(digits.search_space(), len(ds.x_train), len(ds.classes), 0,
                                    mixed_precision=mixed)

def memory():
    stats = jax.devices()[0].memory_stats() or {}
    return stats.get("bytes_in_use", float("nan")) / 2 ** 20

class Checked(tuning.CoarseToFine):
    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        model = self.hypermodel.build(trial.hyperparameters)  # where its weights live
        device = list(model.weights[0].value.devices())[0]
        dtype = model.layers[0].compute_dtype
        print(f"CHECK {label} trial {trial.trial_id}: {trial.status}, score {trial.score}, "
              f"weights on {device}, compute dtype {dtype}, device memory in use "
              f"{memory():.0f} MiB", flush=True)

tuner = Checked(hypermodel, objective="val_accuracy", max_trials=6, seed=0,
                directory=tempfile.mkdtemp(dir=out), project_name=label)
tuner.search(ds.x_train, ds.y_train, validation_data=(ds.x_dev, ds.y_dev), epochs=2, verbose=0)
best = tuner.oracle.get_best_trials(1)[0]
print(f"CHECK {label}: best dev accuracy {best.score:.4f} after {len(tuner.oracle.trials)} trials")
EOF
echo "CHECK $1: exit $?"
}
search search 0
search mixed-precision 1

GPUS=$(nvidia-smi -L 2>/dev/null | wc -l)
if [ "$GPUS" -ge 2 ]; then
$PY - "$GPUS" "$OUT" <<'EOF'
import json, os, sys, tempfile
from pathlib import Path
n, out = int(sys.argv[1]), Path(sys.argv[2])
from tfcourse import tuning
WORKER = r"""
import json, os, sys, jax
from tfcourse import data, tuning
from tfcourse.tuning import digits
ds = data.load_digits(seed=0)
hm = digits.make_hypermodel(digits.search_space(), len(ds.x_train), len(ds.classes), 0)
class T(tuning.CoarseToFine):
    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        print("RAN", trial.trial_id, os.environ.get("CUDA_VISIBLE_DEVICES"), jax.devices(),
              flush=True)
T(hm, objective="val_accuracy", max_trials=2 * %d, seed=0, directory=sys.argv[1],
  project_name="multi").search(ds.x_train, ds.y_train, validation_data=(ds.x_dev, ds.y_dev),
                               epochs=2, verbose=0)
""" % n
d = tempfile.mkdtemp(dir=out)
with tuning.LocalCluster(n, lambda k: [sys.executable, "-c", WORKER, d], out / "workers",
                         gpus=n, timeout=600) as cluster:
    from tfcourse.tuning import digits
    from tfcourse import data
    ds = data.load_digits(seed=0)
    hm = digits.make_hypermodel(digits.search_space(), len(ds.x_train), len(ds.classes), 0)
    chief = cluster.watch(tuning.CoarseToFine(hm, objective="val_accuracy", max_trials=2 * n,
                                              seed=0, directory=d, project_name="multi"))
    chief.search(verbose=0)
for k in range(n):
    ran = [l for l in cluster.log_tail(k, 200).splitlines() if l.startswith("RAN")]
    print(f"CHECK worker tuner{k} (CUDA_VISIBLE_DEVICES={k}): {len(ran)} trials: {ran}")
print("CHECK one trial per GPU: worker exit codes", cluster.returncodes)
EOF
else
    echo "CHECK one trial per GPU: skipped ($GPUS GPU found; needs 2 or more)"
fi
