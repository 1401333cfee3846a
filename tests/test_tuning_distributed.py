"""Keras Tuner's own chief/worker mode with the coarse-to-fine oracle: a chief (this process)
and two worker processes on loopback (127.0.0.1, a free port), synthetic trials."""
import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import keras_tuner as kt
import pytest

from tfcourse import tuning

ROOT = Path(__file__).resolve().parents[1]
MAX_TRIALS = 9  # a round 0 of three (a third of the budget), then six the trust region chooses
FAULTS = "TFCOURSE_TEST_FAULTS"  # e.g. "die:2,hang:5": what the first worker to start a trial does

WORKER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from tests.test_tuning_distributed import make_tuner
make_tuner(sys.argv[2]).search(verbose=0)
"""


class SyntheticTuner(tuning.CoarseToFine):
    """Trials compute a smooth bowl; each worker logs the trials it ran.

    A trial waits (60 s at most) until both workers have started one, so that both take part
    whatever their start-up times.
    """

    def run_trial(self, trial, *args, **kwargs):
        log = Path(self.directory) / "runs"
        log.mkdir(exist_ok=True)
        me = os.environ.get("KERASTUNER_TUNER_ID", "solo")
        values = trial.hyperparameters.values
        with open(log / f"{me}.jsonl", "a") as f:
            f.write(json.dumps({"trial": trial.trial_id, "values": values}) + "\n")
        faults = dict(item.split(":")[::-1] for item in os.environ.get(FAULTS, "").split(",")
                      if item)
        if me != "solo" and trial.trial_id in faults:
            try:  # only the first worker to start this trial misbehaves
                os.close(os.open(log / f"fault{trial.trial_id}", os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                if faults[trial.trial_id] == "die":
                    os._exit(1)
                time.sleep(600)  # "hang": alive, holding the trial, silent
        deadline = time.time() + 60
        while (me != "solo" and not faults and len(list(log.glob("*.jsonl"))) < 2
               and time.time() < deadline):
            time.sleep(0.05)
        a = math.log10(values["learning_rate"]) + 2.5
        b = math.log10(values["one_minus_beta"]) + 2.0
        return {"score": 1.0 - 0.05 * a * a - 0.2 * b * b}


def make_tuner(directory):
    hp = kt.HyperParameters()
    tuning.learning_rate(hp, min_value=1e-5, max_value=1.0)
    tuning.momentum_beta(hp, min_value=0.9, max_value=0.999)
    return SyntheticTuner(objective=kt.Objective("score", "max"), max_trials=MAX_TRIALS, seed=0,
                          hyperparameters=hp, directory=str(directory), project_name="search")


def test_chief_and_two_workers_meet_the_budget_without_duplicates(tmp_path):
    def command(k):
        return [sys.executable, "-c", WORKER, str(ROOT), str(tmp_path / "dist")]

    with tuning.LocalCluster(2, command, tmp_path / "logs", cwd=ROOT, timeout=60) as cluster:
        assert tuning.role() == "chief"
        chief = make_tuner(tmp_path / "dist")
        cluster.watch(chief)
        chief.search(verbose=0)
    assert tuning.role() == "solo"
    assert cluster.returncodes == [0, 0], cluster.log_tail(0) + cluster.log_tail(1)

    trials = chief.oracle.trials
    assert len(trials) == MAX_TRIALS
    assert all(t.status == "COMPLETED" for t in trials.values())
    runs = {}
    for k in range(2):
        lines = (tmp_path / "dist" / "runs" / f"tuner{k}.jsonl").read_text().splitlines()
        runs[f"tuner{k}"] = [json.loads(line) for line in lines]
    assert all(runs.values()), "both workers ran trials"
    ran = [r["trial"] for rs in runs.values() for r in rs]
    assert sorted(ran) == sorted(trials), "each trial ran exactly once"
    distinct = {json.dumps(t.hyperparameters.values, sort_keys=True) for t in trials.values()}
    assert len(distinct) == MAX_TRIALS
    assert chief.oracle.zoom == "trust-region"  # the default
    assert [chief.oracle.round_of(i) for i in range(MAX_TRIALS)] == [0] * 3 + [1] * 6

    # Trial i is chosen from the scores of trials 0..i-2 (pending=1), whatever order they ended
    # in: a serial search with the same seed makes the same choices.
    serial = make_tuner(tmp_path / "serial")
    serial.search(verbose=0)
    assert {tid: t.hyperparameters.values for tid, t in serial.oracle.trials.items()} == \
        {tid: t.hyperparameters.values for tid, t in trials.items()}
    assert serial.oracle.regions == chief.oracle.regions


@pytest.mark.slow
def test_lesson_with_two_local_workers(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "lessons.c2w3_hyperparameter_search", "--fast", "--trials", "4",
         "--workers", "2", "--out", str(tmp_path / "out"), "--no-export"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["trials"] == 4
    logs = sorted((tmp_path / "out" / "workers").glob("tuner*/results.json"))
    assert len(logs) == 2
    for log in logs:  # a worker claims none of the lesson's results
        assert set(json.loads(log.read_text())) == {"settings"}, log


@pytest.mark.slow
def test_lesson_mirrored_on_two_logical_cpus(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "lessons.c2w3_hyperparameter_search", "--fast", "--trials", "2",
         "--distribute", "mirrored", "--out", str(tmp_path / "out"), "--no-export"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    assert "MirroredStrategy over 2 device(s)" in proc.stdout
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["trials"] == 2 and results["test_accuracy"] > 0.1


def test_a_worker_that_dies_or_hangs_does_not_stall_the_search(tmp_path, monkeypatch, capfd):
    """Three workers: the one that starts trial 2 dies, the one that starts trial 5 hangs
    (alive but silent). The chief gives both trials to the remaining worker: the budget is met,
    every trial completes, and the choices are those of a serial search with the same seed."""
    monkeypatch.setenv(FAULTS, "die:2,hang:5")

    def command(k):
        return [sys.executable, "-c", WORKER, str(ROOT), str(tmp_path / "dist")]

    with tuning.LocalCluster(3, command, tmp_path / "logs", cwd=ROOT, timeout=2) as cluster:
        # Were the search to stall, kill the workers after 5 minutes: the chief then raises
        # ("every worker exited") and the test fails instead of hanging.
        watchdog = threading.Timer(300, lambda: [p.kill() for p in cluster.procs])
        watchdog.start()
        try:
            chief = cluster.watch(make_tuner(tmp_path / "dist"), trial_timeout=5)
            chief.search(verbose=0)
        finally:
            watchdog.cancel()
    logs = "".join(cluster.log_tail(k) for k in range(3))
    # One died (1), one was stopped on exit while hanging (-15); the third finished (0), or
    # was stopped while still starting if the others had done all the work.
    rc = sorted(cluster.returncodes)
    assert rc[0] == -15 and rc[2] == 1 and rc[1] in (0, -15), (rc, logs)

    trials = chief.oracle.trials
    assert len(trials) == MAX_TRIALS
    assert all(t.status == "COMPLETED" for t in trials.values()), logs
    out = capfd.readouterr().out
    assert "Trial 2: worker tuner" in out and "exited while holding it" in out
    assert "Trial 5: worker tuner" in out and "sent no report for 5 s" in out
    monkeypatch.delenv(FAULTS)
    serial = make_tuner(tmp_path / "serial")
    serial.search(verbose=0)
    assert {tid: t.hyperparameters.values for tid, t in serial.oracle.trials.items()} == \
        {tid: t.hyperparameters.values for tid, t in trials.items()}


def test_a_trial_taken_from_two_workers_is_failed(tmp_path):
    """A trial whose worker dies is run again once; if that worker dies too, the trial fails
    (it may be what kills them) and the search goes on."""
    tuner = make_tuner(tmp_path)
    oracle = tuner.oracle
    first = oracle.create_trial("tuner0")
    tuning.requeue_trial(oracle, "tuner0", "gone")
    assert "tuner0" not in oracle.tuner_ids and "tuner0" not in oracle.ongoing_trials
    again = oracle.create_trial("tuner1")
    assert again.trial_id == first.trial_id and again.status == "RUNNING"
    tuning.requeue_trial(oracle, "tuner1", "gone")
    assert oracle.trials[first.trial_id].status == "FAILED"
    assert oracle.end_order == [first.trial_id] and not oracle._retry_queue
    nxt = oracle.create_trial("tuner2")
    assert nxt.trial_id != first.trial_id and nxt.status == "RUNNING"


@pytest.mark.parametrize("gpus, expected", [(2, ["0", "1", "0"]), (0, ["inherited"] * 3)])
def test_each_local_worker_sees_its_own_gpu(gpus, expected, tmp_path, monkeypatch):
    """Worker k sees only GPU k mod n_gpus; with no GPU, CUDA_VISIBLE_DEVICES is left alone.
    The chief's environment is restored afterwards."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "inherited")
    show = ("import os; print(os.environ['KERASTUNER_TUNER_ID'], os.environ['CUDA_VISIBLE_DEVICES'],"
            " os.environ['KERASTUNER_ORACLE_IP'])")
    with tuning.LocalCluster(3, lambda k: [sys.executable, "-c", show], tmp_path / "logs",
                             gpus=gpus, timeout=60) as cluster:
        assert os.environ["KERASTUNER_TUNER_ID"] == "chief"
    assert cluster.returncodes == [0, 0, 0]
    seen = [(tmp_path / "logs" / f"tuner{k}.log").read_text().split() for k in range(3)]
    assert seen == [[f"tuner{k}", gpu, "127.0.0.1"] for k, gpu in enumerate(expected)]
    assert "KERASTUNER_TUNER_ID" not in os.environ
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "inherited"


def test_a_worker_records_no_results_and_is_not_asked_for_the_lessons_keys(tmp_path):
    """A worker of the lesson's search (KERASTUNER_TUNER_ID=tuner<k>) ran trials for the chief:
    its results.json holds only its settings, not the lesson's keys set to None; a solo run or
    the chief that records nothing still fails the keys check."""
    from lessons.c2w3_hyperparameter_search import LESSON
    from tfcourse.lesson import Context

    def context(out):
        return Context(LESSON, LESSON.parser().parse_args(["--fast", "--out", str(out),
                                                           "--no-export"]))

    worker = context(tmp_path / "worker")
    worker.out.mkdir()
    worker.no_results("worker done: the chief has the results")
    worker.finish()
    results = json.loads((tmp_path / "worker" / "results.json").read_text())
    assert set(results) == {"settings"}, results
    assert LESSON.keys, "the lesson itself still promises its keys"

    chief = context(tmp_path / "chief")
    chief.out.mkdir()
    with pytest.raises(RuntimeError, match="did not record its results keys"):
        chief.finish()
    helper = context(tmp_path / "helper")
    helper.out.mkdir()
    helper.no_results("a helper process")
    helper.record("trials", 3)
    with pytest.raises(RuntimeError, match="recorded results in a process that claims none"):
        helper.finish()
