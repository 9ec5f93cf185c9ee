"""What a long cell shows while it trains: the epochs done and the time left, on one line that
changes in place, and then one line that sums up the cell's training.

In a notebook the line is one display per cell, which every update replaces: a cell that trains
several models still shows one line, and a notebook saved after the cell ran (or the page built
from it) keeps only the summary. Outside a notebook (a script, a test) nothing is shown.

Asked for, a run also prints a line of its validation numbers every few epochs (`epoch_line`), and
a run handed back from the run cache prints the same lines again (`replay`).
"""

import numbers
import time
from collections.abc import Mapping, Sequence

import keras
import numpy as np

from .validation import MAX_EPOCHS, check_count, check_real, check_text

__all__ = [
    "EpochProgress",
    "epoch_line",
    "progress_line",
    "replay",
    "runs_line",
    "summary_line",
    "trained",
]


def _seconds(value, name: str) -> float:
    """A duration: a finite number of seconds, at least 0."""
    seconds = check_real(value, name)
    if seconds < 0:
        raise ValueError(f"{name} must be a duration of at least 0 seconds; got {seconds}")
    return seconds + 0.0  # -0.0 is 0.0


def _number(value, name: str) -> float:
    """A real number, NaN or infinite allowed (a diverged run's loss is one); not text, None, a
    bool, or an int a float cannot hold."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {value!r}")
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return float(value)  # a loss that diverged
    return check_real(value, name)  # an int or a fraction within a float's range


def progress_line(name: str, done: int, total: int, seconds: float) -> str:
    """The line shown after `done` of `total` epochs of `name`, `seconds` after they began."""
    name = check_text(name, "name")
    total = check_count(total, "total", high=MAX_EPOCHS, why=" (epochs a run may train)")
    done = check_count(done, "done", low=0)
    if done > total:
        raise ValueError(f"done must be at most total, the epochs planned ({total}); got {done}")
    seconds = _seconds(seconds, "seconds")
    line = f"{name}: epoch {done}/{total}, {seconds:.0f} s"
    if 0 < done < total:
        line += f", about {seconds / done * (total - done):.0f} s left"
    return line


def runs_line(finished: int, total: int, slowest: str | None) -> str:
    """The line shown while `total` runs train side by side: how many have `finished`, and the
    `progress_line` of the run furthest from its end (None when none is training)."""
    total = check_count(total, "total")
    finished = check_count(finished, "finished", low=0)
    if finished > total:
        raise ValueError(
            f"finished must be at most total, the runs planned ({total}); got {finished}"
        )
    line = f"{finished} of {total} runs trained"
    return line if slowest is None else f"{line}; {check_text(slowest, 'slowest')}"


def epoch_line(
    epoch: int, every: int, epochs: int, val_loss: float, val_accuracy: float, seconds: float
) -> str | None:
    """The line a run prints after `epoch` (from 1) of `epochs` when asked for one every `every`
    epochs (0: none), `seconds` after training began; None when none is due. The last epoch gets
    none: the summary line says when training ended."""
    epochs = check_count(epochs, "epochs")
    epoch = check_count(epoch, "epoch")
    if epoch > epochs:
        raise ValueError(f"epoch must be at most epochs ({epochs}); got {epoch}")
    every = check_count(every, "every", low=0)
    val_loss = _number(val_loss, "val_loss") + 0.0  # -0.0 is 0.0
    val_accuracy = _number(val_accuracy, "val_accuracy") + 0.0
    if not (np.isnan(val_accuracy) or 0 <= val_accuracy <= 1):
        raise ValueError(
            f"val_accuracy must be a share from 0 to 1 (or NaN, a diverged run's); got "
            f"{val_accuracy}"
        )
    seconds = _seconds(seconds, "seconds")
    if not every or epoch % every or epoch == epochs:
        return None
    return (  # a diverged run's NaN is printed as such
        f"epoch {epoch:4d}/{epochs}  val_loss {val_loss:.4f}  "
        f"val_accuracy {val_accuracy:.4f}  ({seconds:.1f} s)"
    )


def replay(name: str, every: int, history, epoch_seconds, seconds: float) -> None:
    """Print the lines a run printed as it trained (or would have, with `every`) from its
    `history` and `epoch_seconds`, and count it in the cell's summary line, as a run handed back
    from the cache does."""
    from .runs import Run

    name, seconds = check_text(name, "name"), _seconds(seconds, "seconds")  # before any line
    history = getattr(history, "history", history)  # a keras History holds its curves there
    if not isinstance(history, Mapping):
        raise TypeError(
            f"history must map curve names to curves (a dict, or a keras History); got "
            f"{type(history).__name__}"
        )
    if not {"val_loss", "val_accuracy"} <= set(history):
        raise ValueError("history must hold the curves val_loss and val_accuracy")
    if isinstance(epoch_seconds, str) or not isinstance(epoch_seconds, Sequence | np.ndarray):
        raise TypeError(f"epoch_seconds must list the times of the epochs; got {epoch_seconds!r}")
    # checked as a run's: one number per epoch in each curve, times that never decrease
    curves = {curve: history[curve] for curve in ("val_loss", "val_accuracy")}
    run = Run(curves, epoch_seconds=epoch_seconds)
    if len(run.epoch_seconds) != run.epochs:  # a run may leave them out; a replay may not
        raise ValueError(f"epoch_seconds must list one time per epoch ({run.epochs})")
    lines = [  # every line made, and so checked, before any is printed
        epoch_line(e, every, run.epochs, run.val_loss[e - 1], run.val_accuracy[e - 1], t)
        for e, t in enumerate(run.epoch_seconds, start=1)
    ]
    for line in filter(None, lines):
        print(line, flush=True)
    trained(name, run.epochs, seconds)


def summary_line(trained: list[tuple[str, int, float]]) -> str:
    """The line that sums up a cell's training: `trained` lists (name, epochs, seconds)."""
    if not isinstance(trained, list | tuple) or not trained:
        raise TypeError(
            f"trained must be a non-empty list of (name, epochs, seconds); got {trained!r}"
        )
    for i, entry in enumerate(trained):
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            raise TypeError(f"trained[{i}] must be (name, epochs, seconds); got {entry!r}")
    trained = [
        (
            check_text(name, f"trained[{i}]'s name"),
            check_count(epochs, f"trained[{i}]'s epochs", low=0),
            _seconds(seconds, f"trained[{i}]'s seconds"),
        )
        for i, (name, epochs, seconds) in enumerate(trained)
    ]
    if len(trained) == 1:
        name, epochs, seconds = trained[0]
        return f"{name}: trained {epochs} epochs in {seconds:.1f} s"
    epochs = sum(epochs for _, epochs, _ in trained)
    seconds = sum(seconds for _, _, seconds in trained)
    return f"{len(trained)} models trained, {epochs} epochs in all, in {seconds:.1f} s"


class _CellLine:
    """The one line of the cell that runs now, and what that cell has trained so far."""

    def __init__(self):
        self.cell, self.display, self.trained = None, None, []

    def _shell(self):
        """The notebook's shell, with this line moved on to the cell it runs; None outside."""
        shell = _notebook_shell()
        if shell is not None and shell.execution_count != self.cell:
            self.cell, self.display, self.trained = shell.execution_count, None, []
        return shell

    def show(self, line: str) -> None:
        if self._shell() is None:
            return
        if self.display is None:
            from IPython.display import display

            self.display = display({"text/plain": line}, raw=True, display_id=True)
        else:
            self.display.update({"text/plain": line}, raw=True)

    def add(self, name: str, epochs: int, seconds: float) -> None:
        """Count a finished training in the cell's summary, and show the summary."""
        if self._shell() is None:
            return
        self.trained.append((name, epochs, seconds))
        self.show(summary_line(self.trained))


LINE = _CellLine()


def _notebook_shell():
    """IPython's shell when the code runs in a notebook's kernel; None otherwise."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover (IPython comes with the book's environment)
        return None
    shell = get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


def trained(name: str, epochs: int, seconds: float) -> None:
    """Count, in the cell's summary line, a model that was trained earlier and is handed back."""
    name = check_text(name, "name")
    epochs = check_count(epochs, "epochs", low=0)
    LINE.add(name, epochs, _seconds(seconds, "seconds"))


class EpochProgress(keras.callbacks.Callback):
    """A Keras callback that shows `progress_line` as `fit` goes, at most every `every` seconds,
    and the cell's summary line once training ends. `name` says what is being trained."""

    def __init__(self, name: str, epochs: int, every: float = 0.5):
        super().__init__()
        self.name, self.epochs = check_text(name, "name"), check_count(epochs, "epochs")
        self.every = _seconds(every, "every")

    def on_train_begin(self, logs=None):
        self.start = self.shown = time.perf_counter()
        LINE.show(progress_line(self.name, 0, self.epochs, 0.0))

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        if now - self.shown >= self.every:
            self.shown = now
            LINE.show(progress_line(self.name, epoch + 1, self.epochs, now - self.start))

    def on_train_end(self, logs=None):
        LINE.add(self.name, self.epochs, time.perf_counter() - self.start)
