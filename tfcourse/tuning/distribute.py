"""Distributed search: Keras Tuner's chief/worker mode, "caviar" (Course 2, week 3).

Keras Tuner's chief/worker mode is driven by the environment variables ``KERASTUNER_TUNER_ID``
(``chief`` or a worker name), ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``: the chief
serves the oracle over gRPC, each worker asks it for trials and trains them.
:class:`LocalCluster` starts N workers on this machine (one per GPU when there are GPUs) with the
current process as the chief; :func:`serve_oracle` is the chief's server, which, unlike Keras
Tuner's, neither waits forever for a worker that died holding a trial (:func:`requeue_trial`)
nor polls every 20 s.

Keras Tuner internals this file relies on (checked against keras-tuner 1.4.8, the version
``setup.cfg`` pins), each marked "Private:" where it is used: ``keras_tuner.src.distribute``'s
``utils`` (the environment tests) and ``oracle_chief`` (``OracleServicer``, ``exit_chief``),
``keras_tuner.src.protos`` (the gRPC messages and service), ``keras_tuner.src.engine.oracle``'s
``LOCKS`` and ``THREADS`` (the lock behind ``@synchronized``), and the oracle's
``_retry_queue`` (the trials it hands out again first).
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

from keras_tuner.engine.trial import TrialStatus
# Private: has_chief_oracle() / is_chief_oracle(), read from the KERASTUNER_* variables.
from keras_tuner.src.distribute import utils as dist_utils

from tfcourse.checks import check_int, check_number
from tfcourse.errors import UsageError
from tfcourse.tuning.scales import check_setting

FAILED = TrialStatus.FAILED

ENV_VARS = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")


def role() -> str:
    """``"chief"``, ``"worker"`` or ``"solo"``, from Keras Tuner's environment variables.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    if not dist_utils.has_chief_oracle():
        return "solo"
    return "chief" if dist_utils.is_chief_oracle() else "worker"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`LocalCluster`).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def oracle_lock(oracle):
    """Hold the lock Keras Tuner's ``@synchronized`` oracle methods take (re-entrant per thread).

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :func:`serve_oracle`).
    """
    # Private: keras_tuner.src.engine.oracle's LOCKS[oracle] and THREADS[oracle], the lock
    # and owning thread's name that its @synchronized decorator uses.
    from keras_tuner.src.engine import oracle as oracle_module

    name = threading.current_thread().name
    need = oracle_module.THREADS[oracle] != name
    if need:
        oracle_module.LOCKS[oracle].acquire()
        oracle_module.THREADS[oracle] = name
    try:
        yield
    finally:
        if need:
            oracle_module.THREADS[oracle] = None
            oracle_module.LOCKS[oracle].release()


def requeue_trial(oracle, tuner_id: str, reason: str) -> None:
    """Take the trial ``tuner_id`` holds away from it: the worker died or stopped reporting.

    The trial goes back to the oracle's retry queue, so the next worker that asks for a trial
    runs it (this is what Keras Tuner's own ``Oracle.reload`` does with trials that were running
    when a chief was restarted); a trial taken away twice is recorded as FAILED instead, since it
    may be what kills its workers. The worker is forgotten, so that the chief does not wait for
    it to be told to stop. Call it holding :func:`oracle_lock` when a server is running.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :func:`serve_oracle`).
    """
    trial = oracle.ongoing_trials.pop(tuner_id, None)
    oracle.tuner_ids.discard(tuner_id)
    if trial is None:
        return
    taken = getattr(oracle, "_requeued", {})  # tfcourse's own count, kept on the oracle
    oracle._requeued = taken
    taken[trial.trial_id] = taken.get(trial.trial_id, 0) + 1
    if taken[trial.trial_id] >= 2:
        trial.status = FAILED
        trial.message = f"{reason}, for the second time with this trial: recorded as failed"
        print(f"Trial {trial.trial_id}: {trial.message}", flush=True)
        oracle.end_trial(trial)
        return
    # Private: Oracle._retry_queue, the trial ids create_trial hands out before new ones.
    oracle._retry_queue.append(trial.trial_id)
    oracle.save()
    print(f"Trial {trial.trial_id}: {reason}; another worker will run it", flush=True)


def serve_oracle(oracle, poll: float = 0.1, alive=None, dead=None,
                 trial_timeout: float | None = None, progress=None) -> None:
    """Serve ``oracle`` to the workers until the search is done (Keras Tuner's chief).

    The same gRPC servicer as ``keras_tuner``'s ``oracle_chief.start_server``, at
    ``KERASTUNER_ORACLE_IP:KERASTUNER_ORACLE_PORT``; it returns once a worker has been told to
    stop and no worker holds a trial any more. Keras Tuner's own chief waits forever for a worker
    that died holding a trial (and a coarse-to-fine round never ends); here:

    - ``alive`` (optional) is a function that says whether any worker process is still running:
      if none is and trials remain, the search cannot finish and a ``RuntimeError`` is raised.
    - ``dead`` (optional) is a function that returns the ids (``KERASTUNER_TUNER_ID``) of
      workers known to have exited (:meth:`LocalCluster.dead`); the trial such a worker held is
      run again by another worker (:func:`requeue_trial`).
    - ``trial_timeout`` (seconds, optional): a worker that holds a trial and has not reported
      for that long (workers report at every epoch's end) is treated as dead: the right setting
      for workers on other machines, whose processes the chief cannot see. Make it longer than
      the slowest epoch. A report that arrives later from such a worker is ignored.
    - ``progress`` (optional): a function called at every poll, with the oracle locked (the
      tuner's "trial k/N, best so far" line, :func:`tfcourse.tuning.tuners.update_trial_progress`).

    Course 2, week 3; lesson c2w3_hyperparameter_search (the chief of ``--workers``).
    """
    from concurrent import futures

    import grpc
    # Private: protos (the gRPC messages and service) and oracle_chief (OracleServicer, the
    # chief's request handlers; exit_chief(oracle), whether every worker has been released).
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    if trial_timeout is not None:
        check_setting(check_number, "trial_timeout", trial_timeout, 0, low_open=True,
                      owner="serve_oracle")
    heard = {}  # tuner id -> (trial id, time of its last report)

    class Servicer(oracle_chief.OracleServicer):
        def UpdateTrial(self, request, context):
            with oracle_lock(oracle):
                for tuner_id, trial in list(oracle.ongoing_trials.items()):
                    if trial.trial_id == request.trial_id:
                        heard[tuner_id] = (trial.trial_id, time.monotonic())
                return super().UpdateTrial(request, context)

        def EndTrial(self, request, context):
            trial_id = request.trial.trial_id
            with oracle_lock(oracle):
                if not any(t.trial_id == trial_id for t in oracle.ongoing_trials.values()):
                    # Taken from a worker that stopped reporting (or already ended): ignore.
                    return protos.get_proto().EndTrialResponse()
                return super().EndTrial(request, context)

    address = f"{os.environ['KERASTUNER_ORACLE_IP']}:{os.environ['KERASTUNER_ORACLE_PORT']}"
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = Servicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError:
        bound = 0
    if not bound:
        raise UsageError(f"the chief cannot listen on {address} (port in use?)")
    server.start()

    def reap():
        now = time.monotonic()
        gone = set(dead()) if dead is not None else set()
        for tuner_id in gone & (set(oracle.tuner_ids) | set(oracle.ongoing_trials)):
            requeue_trial(oracle, tuner_id, f"worker {tuner_id} exited while holding it")
        if trial_timeout is None:
            return
        for tuner_id, trial in list(oracle.ongoing_trials.items()):
            last = heard.get(tuner_id)
            if last is None or last[0] != trial.trial_id:
                heard[tuner_id] = (trial.trial_id, now)  # first seen now
            elif now - last[1] > trial_timeout:
                requeue_trial(oracle, tuner_id, f"worker {tuner_id} sent no report for "
                                                f"{trial_timeout:g} s")

    try:
        while True:
            time.sleep(poll)
            with oracle_lock(oracle):
                reap()
                if progress is not None:
                    progress()
            if servicer.stop_triggered and oracle_chief.exit_chief(oracle):
                return
            if alive is not None and not alive():
                time.sleep(poll)  # a last request may be in flight
                with oracle_lock(oracle):
                    reap()
                if servicer.stop_triggered and oracle_chief.exit_chief(oracle):
                    return
                raise RuntimeError(f"every worker exited with {oracle.remaining_trials()} "
                                   f"trials left; see the worker logs")
    finally:
        server.stop(grace=1)


class LocalCluster:
    """A chief (this process) and N worker processes on this machine, for ``with`` blocks.

    Inside the block the chief's environment variables are set, so a tuner made there is the
    chief; ``cluster.watch(tuner)`` lets it notice workers that die (their trials go to the
    other workers; with none left the search stops with an error instead of waiting). Each
    worker runs ``command(k)`` (a list for ``subprocess.Popen``) with
    ``KERASTUNER_TUNER_ID=tuner<k>`` and, where there are GPUs, only GPU ``k mod n_gpus``
    visible: one trial at a time per GPU. Worker output goes to
    ``<log_dir>/tuner<k>.log``. On exit the environment is restored and the workers are waited
    for (and stopped after ``timeout`` seconds).

    The same variables launch a search over several machines: see the lesson
    ``c2w3_hyperparameter_search``.

    Course 2, week 3; lesson c2w3_hyperparameter_search (``--workers``).
    """

    def __init__(self, workers: int, command, log_dir, host: str = "127.0.0.1", port=None,
                 gpus: int = 0, cwd=None, timeout: float = 60.0):
        check_setting(check_int, "workers", workers, low=1, owner="LocalCluster")
        if dist_utils.has_chief_oracle():
            raise UsageError("KERASTUNER_ORACLE_IP is already set: a local cluster starts its own "
                             "chief; unset the KERASTUNER_* variables or launch by hand")
        self.workers, self.command, self.log_dir = workers, command, Path(log_dir)
        self.host, self.port = host, port or free_port(host)
        self.gpus, self.cwd, self.timeout = gpus, cwd, timeout
        self.procs = []
        self._saved = {}

    def __enter__(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {"KERASTUNER_ORACLE_IP": self.host, "KERASTUNER_ORACLE_PORT": str(self.port)}
        self._saved = {k: os.environ.get(k) for k in ENV_VARS}
        os.environ.update(env, KERASTUNER_TUNER_ID="chief")
        for k in range(self.workers):
            worker_env = {**os.environ, **env, "KERASTUNER_TUNER_ID": f"tuner{k}"}
            if self.gpus:
                worker_env["CUDA_VISIBLE_DEVICES"] = str(k % self.gpus)
            log = open(self.log_dir / f"tuner{k}.log", "w")
            self.procs.append(subprocess.Popen(self.command(k), env=worker_env, cwd=self.cwd,
                                               stdout=log, stderr=subprocess.STDOUT))
            log.close()
        return self

    def alive(self) -> bool:
        """Whether any worker process is still running."""
        return any(p.poll() is None for p in self.procs)

    def dead(self) -> list:
        """The tuner ids (``tuner<k>``) of the workers that have exited."""
        return [f"tuner{k}" for k, p in enumerate(self.procs) if p.poll() is not None]

    def watch(self, tuner, trial_timeout: float | None = None):
        """Let the chief ``tuner`` notice workers that exit (and, optionally, go silent)."""
        tuner.workers_alive, tuner.workers_dead = self.alive, self.dead
        tuner.trial_timeout = trial_timeout
        return tuner

    def __exit__(self, *exc):
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        # After a failure in the chief, nobody will answer the workers: stop them now.
        deadline = time.time() + (0 if exc[0] is not None else self.timeout)
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.terminate()
                p.wait(timeout=10)
        self.returncodes = [p.returncode for p in self.procs]
        return False

    def log_tail(self, k: int, n: int = 20) -> str:
        lines = (self.log_dir / f"tuner{k}.log").read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])
