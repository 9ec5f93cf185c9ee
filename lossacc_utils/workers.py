"""Training in worker processes: one run per core at a time, each on one thread.

A model as small as the over-training chapter's ConvNet keeps one core busy and leaves the others
idle: its layers are too small for TensorFlow to share one step between threads. So the runs train
in worker processes, as many at once as the machine has cores, each told to compute on a single
thread. That also fixes the order of every sum, so a run's numbers do not depend on which worker
trains it, on how many train beside it, or on the cores of the machine: a run trained alone and the
same run trained in a batch are the same, bit for bit.

- `run_all` runs a list of jobs (a function of the package and its arguments) in the workers and
  shows, in a notebook, one line of progress for all of them; lines a job prints are printed by the
  caller;
- `call` runs one function in a worker and returns what it returns;
- `report_epoch` and `report_line` are what a job calls, in its worker, to say how far it is.

The workers start at the first job (in a few seconds: each imports TensorFlow) and stay for the
next ones until the Python process that started them ends.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import importlib.machinery
import itertools
import multiprocessing
import os
import queue
import signal
import sys
import time
from collections.abc import Iterable

from .validation import check_count, check_real

__all__ = ["call", "cores", "report_epoch", "report_line", "run_all"]

_POOL = None  # (executor, queue) in the process that starts the workers
_JOB = None  # (queue, (batch, job number)) in a worker, while it runs a job
_BATCHES = itertools.count()  # so that a late report is never read as the next batch's


def cores() -> int:
    """How many cores this process may use, and so how many workers train at once."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not on Linux)
        return os.cpu_count() or 1


def _start_worker(messages) -> None:
    """Make this worker compute on one thread; keep the queue its jobs report to.

    An interrupt (Ctrl-C, or a notebook's stop button) is for the process that asked for the
    jobs, which then cancels those not yet begun; a worker finishes the job in hand, and ends
    with that process."""
    global _JOB
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # TensorFlow writes its start-up notes (no GPU, absl's logging not set up) from C++, where
    # TF_CPP_MIN_LOG_LEVEL does not reach: they would land in the caller's terminal or log, once
    # per worker. The import is made with standard error sent to /dev/null; its errors still
    # raise. (This module imports nothing that imports TensorFlow before it.)
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            import tensorflow as tf
    finally:
        os.dup2(saved, 2)
        os.close(saved)

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    _JOB = (messages, None)


def _pool():
    global _POOL
    if _POOL is None:
        context = multiprocessing.get_context("spawn")  # a fresh process: no copied TensorFlow
        messages = context.Queue()
        executor = concurrent.futures.ProcessPoolExecutor(
            cores(), mp_context=context, initializer=_start_worker, initargs=(messages,)
        )
        _POOL = (executor, messages)
        atexit.register(_stop)
    return _POOL


def _stop(wait: bool = True) -> None:
    """End the workers (waiting for the job in hand when `wait`); the next job starts new ones."""
    global _POOL
    if _POOL is not None:
        executor, messages = _POOL
        _POOL = None
        executor.shutdown(wait=wait, cancel_futures=True)
        messages.close()


@contextlib.contextmanager
def _main_left_alone():
    """While workers start: have them not run the caller's script again.

    A new process started with "spawn" first imports the main module of its parent, unless that
    module was run as a package's `__main__`; a script without `if __name__ == "__main__":` would
    then train its models again in every worker. The jobs are functions of this package, so the
    workers never need the caller's script: for as long as this lasts, it is presented as a
    `__main__` module, which a new worker skips.
    """
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = spec


def _submit(executor, *arguments):
    with _main_left_alone():
        return executor.submit(_run_job, *arguments)


def _run_job(key, function, arguments):
    """In a worker: run `function(*arguments)` as the job `key`, (batch, number); then report
    that it is done, after every report it made."""
    global _JOB
    _JOB = (_JOB[0], key)
    try:
        return function(*arguments)
    finally:
        if key is not None:
            _JOB[0].put(("done", key))
        _JOB = (_JOB[0], None)


def report_epoch(epoch: int, seconds: float) -> None:
    """In a job: say that `epoch` (from 1) ended `seconds` after training began. Outside a
    worker's job, nothing happens."""
    epoch, seconds = check_count(epoch, "epoch"), check_real(seconds, "seconds")
    if seconds < 0:
        raise ValueError(f"seconds must be at least 0; got {seconds}")
    if _JOB is not None and _JOB[1] is not None:
        _JOB[0].put(("epoch", _JOB[1], epoch, seconds))


def report_line(line: str) -> None:
    """In a job: have the caller print `line`. Outside a worker's job, print it."""
    if not isinstance(line, str):
        raise TypeError(f"line must be text; got {line!r}")
    if _JOB is not None and _JOB[1] is not None:
        _JOB[0].put(("line", _JOB[1], line))
    else:
        print(line, flush=True)


def call(function, *arguments):
    """`function(*arguments)` computed in a worker (so on one thread, as every run is trained).
    `function` must be importable by name: a module-level function of the package."""
    if not callable(function):  # checked before any worker starts
        raise TypeError(f"function must be a function of the package; got {function!r}")
    executor, _ = _pool()
    try:
        return _submit(executor, None, function, arguments).result()
    except concurrent.futures.process.BrokenProcessPool:
        _stop(wait=False)
        raise


def run_all(jobs) -> list:
    """Run `jobs`, a list of (function, arguments, name, epochs), in the workers; return what each
    returned, in order. `name` and `epochs` say what the progress line calls the job and how many
    epochs it trains. An error in a job is raised here once the others have finished."""
    if isinstance(jobs, str | bytes) or not isinstance(jobs, Iterable):
        raise TypeError(f"jobs must be a list of (function, arguments, name, epochs); got {jobs!r}")
    jobs = list(jobs)
    if not jobs:
        return []
    for i, job in enumerate(jobs):  # every job checked before any worker starts
        if not isinstance(job, tuple) or len(job) != 4 or not callable(job[0]):
            raise TypeError(f"jobs[{i}] must be (function, arguments, name, epochs); got {job!r}")
        if not isinstance(job[2], str):
            raise TypeError(f"jobs[{i}]'s name must be text; got {job[2]!r}")
        if isinstance(job[1], str | bytes) or not isinstance(job[1], Iterable):
            raise TypeError(f"jobs[{i}]'s arguments must be a tuple of them; got {job[1]!r}")
        check_count(job[3], f"jobs[{i}]'s epochs")
    executor, messages = _pool()
    batch = next(_BATCHES)
    futures = [
        _submit(executor, (batch, i), function, tuple(arguments))
        for i, (function, arguments, _, _) in enumerate(jobs)
    ]
    state = {"epochs": [(0, 0.0)] * len(jobs), "done": set(), "batch": batch}
    shown, pending = 0.0, set(futures)
    try:
        while pending:
            _, pending = concurrent.futures.wait(pending, timeout=0.2)
            _drain(messages, jobs, state)
            now = time.perf_counter()
            if now - shown >= 0.5 or not pending:
                shown = now
                _show(_line(jobs, futures, state["epochs"]))
    except BaseException:  # an interrupt: the jobs not yet begun are not begun
        for future in futures:
            future.cancel()
        raise
    deadline = time.perf_counter() + 5  # the last reports may still be on their way
    while len(state["done"]) < len(jobs) and time.perf_counter() < deadline:
        _drain(messages, jobs, state, wait=0.1)
    try:
        return [future.result() for future in futures]  # raises the first job's error, if any
    except concurrent.futures.process.BrokenProcessPool:
        _stop(wait=False)  # a worker died (out of memory, killed): the next jobs get new workers
        raise


def _drain(messages, jobs, state, wait=0.0) -> None:
    """Read the jobs' reports: note each one's last epoch, print the lines they asked for."""
    while True:
        try:
            message = messages.get(timeout=wait) if wait else messages.get_nowait()
        except queue.Empty:
            return
        kind, (batch, number) = message[0], message[1]
        if batch != state["batch"]:
            continue  # a report of an earlier batch, come late
        if kind == "epoch":
            state["epochs"][number] = (message[2], message[3])
        elif kind == "line":
            line = message[2]
            print(f"{jobs[number][2]}: {line}" if len(jobs) > 1 else line, flush=True)
        elif kind == "done":
            state["done"].add(number)


def _show(line: str) -> None:
    from . import progress  # imported here: a worker, importing this module, needs none of it

    progress.LINE.show(line)


def _line(jobs, futures, epochs_done) -> str:
    """The progress line: one job's own, or for several, how many are done and the slowest."""
    from . import progress

    if len(jobs) == 1:
        (_, _, name, epochs), (done, seconds) = jobs[0], epochs_done[0]
        return progress.progress_line(name, min(done, epochs), epochs, seconds)
    finished = sum(future.done() for future in futures)
    running = [
        (done / jobs[i][3], i)
        for i, (done, _) in enumerate(epochs_done)
        if not futures[i].done() and done > 0
    ]
    if not running:
        return progress.runs_line(finished, len(jobs), None)
    _, i = min(running)
    (_, _, name, epochs), (done, seconds) = jobs[i], epochs_done[i]
    return progress.runs_line(
        finished, len(jobs), progress.progress_line(name, min(done, epochs), epochs, seconds)
    )
