"""A training run, as one checked record: its curves, and what it predicted on every epoch.

`overtraining.run_overtraining` returns a `Run`; `curves` reads what it says and `plots` draws it.
A `Run` checks everything it holds when it is made, so a function that takes one can trust it: the
curves have one value per epoch, the labels are class indices of the recorded predictions, and the
images match the labels.

Any Keras run gives one, from its `History` alone (enough for the curves) or with what was recorded:

>>> run = Run.from_history({"val_loss": [0.9, 0.5, 0.7], "val_accuracy": [0.6, 0.8, 0.8]})
>>> run.epochs, run.val_loss.tolist()
(3, [0.9, 0.5, 0.7])
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from types import MappingProxyType

import numpy as np

from .validation import (
    MAX_ENTRIES,
    as_float64,
    check_bool,
    check_class_indices,
    check_count,
    check_real,
    check_seed,
    check_unmasked,
    real_dtype,
)

__all__ = [
    "Run",
    "as_run",
    "epochs_text",
    "first_epochs",
    "recorded_epochs",
    "with_predictions",
]


#: The lowest log-probability a run may record: a float32 model's are above -1e39, and 10**8
#: losses of up to 1e300 add up to a float.
LOWEST_LOG_PROBABILITY = -1e300


def _curve(name: str, values) -> np.ndarray:
    """One value per epoch, real numbers (fractions too, as floats); NaN is kept (a diverged epoch
    says so), but None, text and complex numbers are refused (NumPy would make None a NaN, and
    drop an imaginary part)."""
    check_unmasked(values, f"history[{name!r}]")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        raise ValueError(
            f"history[{name!r}] must list one number per epoch; got a ragged list"
        ) from None
    if array.dtype == object and array.ndim == 1:  # Fractions, huge ints, or what is no number
        array = np.array([_number(v, f"history[{name!r}][{i}]") for i, v in enumerate(array)])
    if not real_dtype(array.dtype):
        raise TypeError(
            f"history[{name!r}] must be a list of numbers, one per epoch, and real ones; got "
            f"dtype {array.dtype}"
        )
    array = as_float64(array, f"history[{name!r}]")
    if array.ndim != 1 or not len(array):
        raise ValueError(f"history[{name!r}] must list one number per epoch; got {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"history[{name!r}] must be finite or NaN; it holds an infinity")
    array.setflags(write=False)
    return array


def _number(value, name: str) -> float:
    """One value of a curve: a real number as a float (NaN kept), else a clear error."""
    if isinstance(value, float | np.floating) and np.isnan(value):
        return float(value)
    return check_real(value, name)


def _recorded(name: str, recorded, epochs: int, n_samples: int | None) -> Mapping:
    """epoch -> (samples, classes) log-probabilities, checked; read-only."""
    if not isinstance(recorded, Mapping):
        raise TypeError(f"{name} must map epochs to arrays; got {type(recorded).__name__}")
    checked = {}
    for epoch, log_p in recorded.items():
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral):
            raise TypeError(f"{name} must be keyed by epoch numbers; got the key {epoch!r}")
        if not 1 <= epoch <= epochs:
            raise ValueError(f"{name} has epoch {epoch}; the run has epochs 1 to {epochs}")
        try:
            log_p = np.array(log_p)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name}[{epoch}] must be a rectangular array of log-probabilities"
            ) from None
        if not real_dtype(log_p.dtype):  # text would be parsed, an imaginary part dropped
            raise TypeError(
                f"{name}[{epoch}] must hold log-probabilities, real numbers; got dtype "
                f"{log_p.dtype}"
            )
        log_p = log_p.astype(float)
        if log_p.ndim != 2 or log_p.shape[1] < 2:
            raise ValueError(
                f"{name}[{epoch}] must have shape (samples, classes >= 2); got {log_p.shape}"
            )
        if n_samples is not None and len(log_p) != n_samples:
            raise ValueError(
                f"{name}[{epoch}] must have one row per label ({n_samples}); got {len(log_p)}"
            )
        if not np.isfinite(log_p).all() or (log_p > 1e-6).any():
            raise ValueError(f"{name}[{epoch}] must hold log-probabilities: finite and at most 0")
        if (log_p < LOWEST_LOG_PROBABILITY).any():
            raise ValueError(
                f"{name}[{epoch}] must hold log-probabilities of at least "
                f"{LOWEST_LOG_PROBABILITY:g}, whose losses a float can add up; got {log_p.min()}"
            )
        log_p = np.minimum(log_p, 0)  # float32's rounding can leave one a hair above 0: it is 0
        sums = np.exp(log_p).sum(axis=1)
        if (np.abs(sums - 1) > 1e-3).any():  # recorded in float32: a little rounding is allowed
            row = int(np.argmax(np.abs(sums - 1)))
            raise ValueError(
                f"{name}[{epoch}] must hold log-probabilities whose probabilities sum to 1 in "
                f"every row; row {row} sums to {sums[row]:.6g}"
            )
        log_p.setflags(write=False)
        checked[int(epoch)] = log_p
    return MappingProxyType(dict(sorted(checked.items())))


def _epoch_seconds(values, epochs: int) -> tuple[float, ...]:
    """Seconds since training began at the end of each epoch: none, or one per epoch."""
    if isinstance(values, str) or not isinstance(values, list | tuple | np.ndarray):
        raise TypeError(f"epoch_seconds must be a list of numbers, one per epoch; got {values!r}")
    if isinstance(values, np.ndarray) and values.ndim != 1:  # a list's entries are checked below
        raise TypeError(f"epoch_seconds must be a list of numbers, one per epoch; got {values!r}")
    seconds = tuple(check_real(v, f"epoch_seconds[{i}]") for i, v in enumerate(values))
    if seconds and len(seconds) != epochs:
        raise ValueError(
            f"epoch_seconds must list one time per epoch ({epochs}); got {len(seconds)}"
        )
    if seconds and seconds[0] < 0:
        raise ValueError(f"epoch_seconds must be times of at least 0; got {seconds[0]} first")
    for i in range(1, len(seconds)):
        if seconds[i] < seconds[i - 1]:
            raise ValueError(
                f"epoch_seconds must be times since training began, which never decrease; "
                f"epoch_seconds[{i}] is {seconds[i]:g}, after {seconds[i - 1]:g}"
            )
    return seconds


def _label_count(name: str, labels) -> int:
    """How many labels `labels` (the run's field `name`) holds, one per sample, shape (samples,):
    labels of another shape are refused by name before the predictions are counted against them."""
    try:
        shape = np.shape(labels)
    except ValueError:  # a ragged list
        raise ValueError(
            f"{name} must be a non-empty list of class indices; got a ragged list"
        ) from None
    if len(shape) != 1 or not shape[0]:
        array = shape or isinstance(labels, np.ndarray)  # a set, a number: no shape to tell
        what = f"shape {shape}" if array else type(labels).__name__
        raise ValueError(f"{name} must be a non-empty list of class indices; got {what}")
    return shape[0]


def _labels(name: str, labels, n_classes: int | None, scores: str | None = None) -> np.ndarray:
    """Class indices, from 0 to n_classes - 1 (whole floats accepted); read-only. `scores` names
    what says how many classes there are (the recorded log-probabilities), if anything does."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not len(labels):
        raise ValueError(f"{name} must be a non-empty list of class indices; got {labels.shape}")
    if not real_dtype(labels.dtype):
        raise TypeError(f"{name} must hold class indices; got dtype {labels.dtype}")
    if n_classes is None:
        finite = np.isfinite(labels).all()
        largest = float(np.max(labels)) if finite else 0.0
        if largest >= MAX_ENTRIES:  # no classifier has so many classes
            raise ValueError(f"{name} must hold class indices below {MAX_ENTRIES:,}; got {largest}")
        n_classes = int(largest) + 1 if finite else 2
    shape = (len(labels), max(n_classes, 2))  # only its shape is read: no memory
    checked = check_class_indices(labels.astype(float), np.broadcast_to(0.0, shape), name, scores)
    checked.setflags(write=False)
    return checked


@dataclass(frozen=True, eq=False)
class Run:
    """What one training run recorded.

    - `history`: the curves, name -> one number per epoch, as Keras' `History.history` holds them
      (`loss`, `accuracy`, `val_loss`, `val_accuracy`, and any other metric);
    - `y_val`, `val_log_probabilities`: the validation labels, and epoch (from 1) -> the
      log-probabilities the model gave every validation sample, shape (samples, classes);
      `x_val`: the validation images;
    - `y_test`, `test_log_probabilities`, `x_test`: the same for a held-out test split;
    - `y_train`: the training labels as trained on (after any label noise);
    - `config`: the settings of the run; `seconds`: how long `fit` took; `epoch_seconds`: the time
      since training began at the end of every epoch;
    - `seed`: the seed it was trained from (None when unknown).

    Everything is checked when the run is made and is read-only afterwards.
    """

    history: Mapping[str, np.ndarray]
    y_val: np.ndarray | None = None
    val_log_probabilities: Mapping[int, np.ndarray] = field(default_factory=dict)
    x_val: np.ndarray | None = None
    y_test: np.ndarray | None = None
    test_log_probabilities: Mapping[int, np.ndarray] = field(default_factory=dict)
    x_test: np.ndarray | None = None
    y_train: np.ndarray | None = None
    config: Mapping = field(default_factory=dict)
    seconds: float = 0.0
    epoch_seconds: tuple[float, ...] = ()
    seed: int | None = None

    def __post_init__(self):
        history = getattr(self.history, "history", self.history)  # a keras History, or its dict
        if not isinstance(history, Mapping) or not history:
            raise TypeError(
                "history must map curve names to one number per epoch, as History.history does; "
                f"got {type(self.history).__name__}"
            )
        curves = {}
        for name, values in history.items():
            if not isinstance(name, str):
                raise TypeError(f"history must be keyed by curve names; got the key {name!r}")
            curves[name] = _curve(name, values)
        lengths = {name: len(values) for name, values in curves.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"history's curves must all have one value per epoch; got {lengths}")
        epochs = next(iter(lengths.values()))
        self._set("history", MappingProxyType(curves))
        for field_ in fields(self):  # NumPy reads the values behind a mask: refused everywhere
            value = getattr(self, field_.name)
            for key, part in value.items() if isinstance(value, Mapping) else [(None, value)]:
                where = field_.name if key is None else f"{field_.name}[{key!r}]"
                check_unmasked(part, where)
        for split in ("val", "test"):
            labels = getattr(self, f"y_{split}")
            recorded = getattr(self, f"{split}_log_probabilities")
            n = None if labels is None else _label_count(f"y_{split}", labels)
            if recorded and labels is None:
                raise ValueError(f"{split}_log_probabilities needs y_{split}, the labels it scores")
            recorded = _recorded(f"{split}_log_probabilities", recorded, epochs, n)
            self._set(f"{split}_log_probabilities", recorded)
            if labels is not None:
                n_classes = next(iter(recorded.values())).shape[1] if recorded else None
                scores = f"{split}_log_probabilities" if recorded else None
                self._set(f"y_{split}", _labels(f"y_{split}", labels, n_classes, scores))
            images = getattr(self, f"x_{split}")
            if images is not None:
                try:
                    images = np.array(images)  # a copy, made read-only below
                except ValueError:
                    raise ValueError(
                        f"x_{split} must hold images of one shape; got a ragged list"
                    ) from None
                if not (real_dtype(images.dtype) or images.dtype == np.bool_):
                    raise TypeError(f"x_{split} must hold images of numbers; got {images.dtype}")
                if images.ndim < 2:
                    raise ValueError(
                        f"x_{split} must hold one image per label, shape (samples, ...); got "
                        f"shape {images.shape}"
                    )
                if np.issubdtype(images.dtype, np.floating) and not np.isfinite(images).all():
                    raise ValueError(f"x_{split} must hold finite pixel values")
                if labels is None or len(images) != len(getattr(self, f"y_{split}")):
                    raise ValueError(f"x_{split} must hold one image per label in y_{split}")
                images.setflags(write=False)
                self._set(f"x_{split}", images)
        both = self.x_val is not None and self.x_test is not None
        if both and self.x_val.shape[1:] != self.x_test.shape[1:]:  # no model could take both
            raise ValueError(
                "x_test must hold images of the shape of x_val's, "
                f"{self.x_val.shape[1:]}; got {self.x_test.shape[1:]}"
            )
        if self.y_train is not None:
            self._set("y_train", _labels("y_train", self.y_train, None))
        if not isinstance(self.config, Mapping):
            raise TypeError(f"config must be a mapping of settings; got {self.config!r}")
        self._set("config", MappingProxyType(dict(self.config)))
        if check_real(self.seconds, "seconds") < 0:
            raise ValueError(f"seconds must be at least 0; got {self.seconds!r}")
        self._set("seconds", float(self.seconds))
        self._set("epoch_seconds", _epoch_seconds(self.epoch_seconds, epochs))
        if self.seed is not None:
            self._set("seed", check_seed(self.seed))

    def _set(self, name, value):
        object.__setattr__(self, name, value)

    def __reduce__(self):
        """Pickle a run as the arguments that make it, so that unpickling checks it again and
        makes it read-only again (the run cache keeps runs with pickle)."""
        plain = [getattr(self, f.name) for f in fields(self)]
        return type(self), tuple(dict(v) if isinstance(v, Mapping) else v for v in plain)

    @classmethod
    def from_history(cls, history, **recorded) -> Run:
        """A run from a Keras `History` (or its `.history` dict), with anything else it recorded."""
        return cls(history, **recorded)

    @property
    def epochs(self) -> int:
        """How many epochs the run trained."""
        return len(next(iter(self.history.values())))

    def curve(self, name: str) -> np.ndarray:
        """The curve `name` (such as "val_loss"), one value per epoch; a clear error if absent."""
        if name not in self.history:
            raise ValueError(f"the run has no curve {name!r}; it has {sorted(self.history)}")
        return self.history[name]

    @property
    def loss(self) -> np.ndarray:
        return self.curve("loss")

    @property
    def accuracy(self) -> np.ndarray:
        return self.curve("accuracy")

    @property
    def val_loss(self) -> np.ndarray:
        return self.curve("val_loss")

    @property
    def val_accuracy(self) -> np.ndarray:
        return self.curve("val_accuracy")

    @cached_property
    def val_probabilities(self) -> Mapping[int, np.ndarray]:
        """epoch -> the validation probabilities, the exponential of the log-probabilities."""
        return MappingProxyType({e: np.exp(p) for e, p in self.val_log_probabilities.items()})

    def recorded(self, epoch, name: str = "epoch") -> np.ndarray:
        """The validation log-probabilities of `epoch` (the caller's argument `name`); a clear
        error, naming the epochs that were recorded, if it was not."""
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral):
            raise TypeError(
                f"{name} must be a whole number, an epoch counted from 1; got {epoch!r}"
            )
        if not self.val_log_probabilities:
            raise ValueError("the run recorded no validation predictions (val_log_probabilities)")
        if epoch not in self.val_log_probabilities:
            raise ValueError(
                f"{name} must be an epoch whose validation predictions the run recorded; "
                f"{epoch!r} was not (it recorded {epochs_text(self.val_log_probabilities)})"
            )
        return self.val_log_probabilities[epoch]


def _listed(epochs, name: str) -> list:
    """`epochs` (the caller's argument `name`) as a list: a list, a mapping's keys, any iterable
    but a text, or an array of one axis (a 0-d array is one number, a DataFrame a table)."""
    if (
        isinstance(epochs, str | bytes | bytearray)
        or not hasattr(epochs, "__iter__")
        or getattr(epochs, "ndim", 1) != 1  # one number (a 0-d array), or a table of them
    ):
        raise TypeError(f"{name} must be a list of epoch numbers; got {epochs!r:.80}")
    return list(epochs)


def epochs_text(epochs) -> str:
    """Epoch numbers as a sentence names them: "epochs 1 to 30" when they run without a gap,
    else each of them ("epochs 1, 10 and 30"), the middle ones elided when there are many.

    >>> epochs_text([1, 2, 3]), epochs_text([5]), epochs_text([1, 10, 30])
    ('epochs 1 to 3', 'epoch 5', 'epochs 1, 10 and 30')
    """
    epochs = sorted({check_count(epoch, "each of epochs") for epoch in _listed(epochs, "epochs")})
    if not epochs:
        return "no epoch"
    if len(epochs) == 1:
        return f"epoch {epochs[0]}"
    if epochs[-1] - epochs[0] == len(epochs) - 1:
        return f"epochs {epochs[0]} to {epochs[-1]}"
    if len(epochs) > 6:
        head = ", ".join(map(str, epochs[:3]))
        return f"{len(epochs)} epochs: {head}, ..., {epochs[-2]} and {epochs[-1]}"
    return f"epochs {', '.join(map(str, epochs[:-1]))} and {epochs[-1]}"


def as_run(run, name: str = "run") -> Run:
    """`run` itself, or a `Run` made from a Keras `History` or a mapping of curves; an error in
    what it is made from names the argument `name`."""
    if isinstance(run, Run):
        return run
    if isinstance(run, Mapping) or hasattr(run, "history"):
        try:
            return Run.from_history(run)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{name} must be a valid run: {error}") from None
    raise TypeError(
        f"{name} must be a Run (as run_overtraining returns), a keras History or a dict of "
        f"curves; got {type(run).__name__}"
    )


def with_predictions(run, name: str = "run", images: bool = False) -> Run:
    """`run`, checked to be a `Run` that recorded its validation predictions (and, with `images`,
    holds its validation images); an error names the argument `name`."""
    if not isinstance(run, Run):
        raise TypeError(
            f"{name} must be a Run that recorded its validation predictions, as run_overtraining "
            f"returns; got {type(run).__name__}"
        )
    if not run.val_log_probabilities:
        raise ValueError(
            f"{name} must hold recorded validation predictions (val_log_probabilities)"
        )
    if not isinstance(name, str):
        raise TypeError(f"name must be the text an error names the run by; got {name!r}")
    if check_bool(images, "images") and run.x_val is None:
        raise ValueError(f"{name} must hold its validation images (x_val); it has none")
    return run


def first_epochs(run, epochs: int) -> Run:
    """`run` as it stood after its first `epochs` epochs: its curves and times cut there, the
    predictions it recorded up to there, and its settings saying so. Nothing in a training run
    depends on the epochs still to come, so this is the run that training for `epochs` gives (the
    tests check it for `overtraining.run_overtraining`)."""
    run = as_run(run)
    epochs = check_count(epochs, "epochs")
    if epochs > run.epochs:
        raise ValueError(f"epochs must be at most the run's {run.epochs}; got {epochs}")
    config = dict(run.config)
    if "epochs" in config:
        config["epochs"] = epochs
    return Run(
        {name: values[:epochs] for name, values in run.history.items()},
        y_val=run.y_val,
        val_log_probabilities={e: p for e, p in run.val_log_probabilities.items() if e <= epochs},
        x_val=run.x_val,
        y_test=run.y_test,
        test_log_probabilities={e: p for e, p in run.test_log_probabilities.items() if e <= epochs},
        x_test=run.x_test,
        y_train=run.y_train,
        config=config,
        seconds=run.epoch_seconds[epochs - 1] if run.epoch_seconds else run.seconds,
        epoch_seconds=run.epoch_seconds[:epochs],
        seed=run.seed,
    )


def recorded_epochs(run: Run, epochs, name: str = "epochs") -> list[int]:
    """`epochs` (the caller's argument `name`) as a non-empty list of epoch numbers whose
    validation predictions `run` recorded."""
    run = with_predictions(run)
    epochs = _listed(epochs, name)
    if not epochs:
        raise ValueError(f"{name} must name at least one epoch; it is empty")
    for epoch in epochs:
        check_count(epoch, f"each of {name}")
    missing = [int(e) for e in epochs if e not in run.val_log_probabilities]
    if missing:
        raise ValueError(
            f"{name} must be recorded epochs of the run; {missing} were not (it recorded "
            f"{epochs_text(run.val_log_probabilities)})"
        )
    return [int(e) for e in epochs]
