"""The run cache: every over-training run trained once, and handed back when asked for again.

When the environment variable `LOSSACC_RUN_CACHE` names a folder, the runs are kept there (with
joblib's `Memory`), so that chapters built one after the other train a model once. A run's key is
its seed, its settings and `fingerprint()`: the source of the modules that train it and the
versions of Keras and TensorFlow. The book's build sets the variable; `trained.log` in the folder
lists every run trained into it, one line each, so that a run trained twice shows. Two kernels
that ask for the same run at once (two chapters run side by side in JupyterLab) train it once:
the second waits for the first, then takes the kept run (`held`).
"""

from __future__ import annotations

import contextlib
import fcntl
import inspect
import os
from pathlib import Path

from .fingerprint import source_digest
from .validation import check_path

__all__ = ["RUN_CACHE", "RUN_SOURCES", "fingerprint", "folder", "held", "keeper", "log_trained"]

#: The environment variable naming the folder where runs are kept.
RUN_CACHE = "LOSSACC_RUN_CACHE"

#: The modules a trained run depends on: those that train it and what they import from the
#: package. Editing any other (a figure, say) keeps the kept runs.
RUN_SOURCES = (
    "overtraining.py",
    "recording.py",
    "workers.py",
    "run_cache.py",
    "data.py",
    "metrics.py",
    "contracts.py",
    "progress.py",
    "runs.py",
    "training.py",
    "validation.py",
    "fingerprint.py",
)


def folder() -> str | None:
    """The folder the runs are kept in, or None when runs are not kept."""
    return os.environ.get(RUN_CACHE) or None


def fingerprint() -> str:
    """What a kept run depends on besides its settings: the modules that train it and the Keras
    and TensorFlow it ran on."""
    import keras
    import tensorflow as tf

    here = Path(__file__).parent
    return source_digest(here, keras.__version__, tf.__version__, only=RUN_SOURCES)


def keeper(train, where: str, ignore=()):
    """`train` wrapped so that its results are kept in the folder `where`, keyed by its arguments
    except those named in `ignore`."""
    import joblib

    if not callable(train):
        raise TypeError(f"train must be the function whose runs are kept; got {train!r}")
    folder = check_path(where, "where")
    try:
        folder.mkdir(parents=True, exist_ok=True)  # made on first use
    except OSError as error:  # a file there, or on the way there; no right to write
        raise ValueError(
            f"where must name a folder to keep the runs in; {where!r} cannot be one "
            f"({error.strerror or error})"
        ) from None
    if isinstance(ignore, str) or not isinstance(ignore, list | tuple | set):
        raise TypeError(f"ignore must be a list of argument names; got {ignore!r}")
    try:
        names = inspect.signature(train).parameters if ignore else {}
    except (TypeError, ValueError):  # a builtin, whose arguments Python does not list
        raise TypeError(
            f"train must be a function whose arguments can be named; got {train!r}"
        ) from None
    unknown = [name for name in ignore if not isinstance(name, str) or name not in names]
    if unknown:
        raise ValueError(f"ignore must name arguments of {train.__name__}; got {unknown}")
    return joblib.Memory(where, verbose=0).cache(train, ignore=list(ignore))


def _check_folder(where) -> None:
    if not check_path(where, "where").is_dir():
        raise ValueError(f"where must name the run cache's folder, which exists; got {where!r}")


def held(where: str, *key):
    """Hold the lock on the run `key` (its arguments) in the folder `where` while the block runs:
    a process holding it trains and keeps the run while any other asking for the same run waits.
    `where` is checked when `held` is called, before the block."""
    _check_folder(where)
    return _held(Path(where), key)


@contextlib.contextmanager
def _held(where: Path, key: tuple):
    import joblib

    locks = where / "locks"
    locks.mkdir(exist_ok=True)
    with (locks / f"{joblib.hash(key)}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield


def log_trained(where: str, line: str) -> None:
    """Add `line` to the list of runs trained into the folder `where`."""
    _check_folder(where)
    if not isinstance(line, str) or not line.isprintable():  # no newline, no lone surrogate
        raise TypeError(f"line must be one line of printable text; got {line!r}")
    with (Path(where) / "trained.log").open("a") as log:
        log.write(line + "\n")
