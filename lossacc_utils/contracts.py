"""Each public function's arguments, declared once: what each must be, checked at the door.

A function decorated with `takes(name=spec, ...)` has each declared argument checked before its
body runs, in the order declared, by its spec, and gets the checked value in its place: an array
of float64, a float, an int. An argument that is not what its spec says raises a `ValueError` or
`TypeError` naming it. The declaration stays on the function, as `function.contract` (argument
name to spec), and the tests generate arguments from it, at and beyond every boundary of every
spec (tests/test_contracts.py): a function is covered by declaring its contract.

The specs (each a frozen dataclass whose fields are its boundaries):

- `Real(low, high, open=False)`: a finite real number from `low` to `high` (with `open`, strictly
  between them); `Positive()`: one above 0;
- `Count(low, high)`: a whole number from `low` to `high`;
- `LabelNoise(classes)`: a share of labels made wrong, below (k - 1) / k for the argument `classes`
  of k classes, at which the true class would only tie with each other class;
- `BinaryLabels()`: an array of 0s and 1s;
- `Verdicts(like)`: per-sample verdicts, True/False or 1/0, as many as those of `like` if given;
- `Scores(like)`: an array of finite real numbers shaped like the argument `like`, brought to its
  rank as Keras brings a (N,) and a (N, 1) together;
- `Probabilities()`: an array of probabilities, each row (the last axis) with a positive sum;
- `Distributions()`: a (samples, classes >= 2) array whose rows are probabilities summing to 1;
- `Logits()`: a (samples, classes >= 2) array of finite numbers;
- `ClassIndices(of)`: one whole class index per row of the argument `of` (a `Distributions`,
  `Logits` or `KerasPredictions`), from 0 to its number of classes less 1;
- `LogitRows()`: logits along the last axis of an array of any shape, -inf allowed;
- `Flag()`: True or False;
- `Choice(options)`: one of the texts `options`;
- a run: `Curves(needs, epochs)`, a `runs.Run` (or a Keras `History` or a dict of curves, made
  into one) of at least `epochs` epochs, with the curves `needs`; `CurveName(of)`, the name of a
  curve of the run `of`; `Recorded()`, a `Run` that recorded its validation predictions, and
  `RecordedEpoch(of)`, an epoch at which the run `of` recorded them;
- what Keras' losses and metrics take, in the dtype Keras computes in (`keras_dtype`):
  `KerasPredictions(probabilities_unless, classes_or)`, `KerasTargets(like, labels, rank)` and
  `KerasThreshold()`.

>>> @takes(y_true=BinaryLabels(), y_pred=Scores(like="y_true"), threshold=Real(0, 1))
... def share_above(y_true, y_pred, threshold=0.5):
...     return float((y_pred > threshold).mean())
>>> share_above([0, 1], [[0.2], [0.9]])
0.5
>>> share_above([0, 1], [0.2, 0.9], threshold=2)
Traceback (most recent call last):
...
ValueError: threshold must be from 0 to 1; got 2.0
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .runs import as_run, with_predictions
from .validation import (
    as_array,
    as_tensorflow_reads,
    check_binary_labels,
    check_bool,
    check_choice,
    check_class_axis,
    check_class_indices,
    check_count,
    check_distributions,
    check_in_dtype,
    check_label_noise,
    check_logits,
    check_positive,
    check_positive_rows,
    check_probabilities,
    check_real,
    check_same_shape,
    check_text,
    keras_dtype,
    match_rank,
)

__all__ = [
    "BinaryLabels",
    "Choice",
    "ClassIndices",
    "Count",
    "CurveName",
    "Curves",
    "Distributions",
    "Flag",
    "KerasPredictions",
    "KerasTargets",
    "KerasThreshold",
    "LabelNoise",
    "LogitRows",
    "Logits",
    "Positive",
    "Probabilities",
    "Real",
    "Recorded",
    "RecordedEpoch",
    "Scores",
    "Spec",
    "Verdicts",
    "takes",
]


class Spec:
    """What one argument must be. `check(value, name, checked)` returns the value as the
    function's body gets it, or raises an error naming `name`; `checked` holds the arguments
    declared before it, already checked, for a spec that relates to one of them."""

    def check(self, value, name: str, checked: Mapping):
        raise NotImplementedError

    def reads(self) -> tuple[str, ...]:
        """The arguments, declared before this one, that its check reads."""
        return ()


def _check_bounds(spec, low, high, kind) -> None:
    """A spec's bounds, checked as it is declared: numbers of `kind` (or infinite), low first."""
    for bound in (low, high):
        if isinstance(bound, bool) or not (
            isinstance(bound, kind) or bound in (-math.inf, math.inf)
        ):
            raise TypeError(f"{type(spec).__name__}'s bounds must be numbers; got {bound!r}")
    if not low <= high:
        raise ValueError(f"{type(spec).__name__}'s low must be at most its high; got {low}, {high}")


@dataclass(frozen=True)
class Real(Spec):
    """A finite real number from `low` to `high` (a bool, text or complex number is refused)."""

    low: float = -np.inf
    high: float = np.inf
    why: str = ""  # what the bounds come from, said by the error
    open: bool = False  # whether the bounds themselves are left out

    def __post_init__(self):
        _check_bounds(self, self.low, self.high, numbers.Real)

    def check(self, value, name, checked):
        number = check_real(value, name)
        if self.open and not self.low < number < self.high:
            raise ValueError(
                f"{name} must be between {self.low:g} and {self.high:g}, both left out{self.why}; "
                f"got {number}"
            )
        if not self.low <= number <= self.high:
            raise ValueError(
                f"{name} must be from {self.low:g} to {self.high:g}{self.why}; got {number}"
            )
        return number


@dataclass(frozen=True)
class Positive(Spec):
    """A finite real number above 0."""

    def check(self, value, name, checked):
        return check_positive(value, name)


@dataclass(frozen=True)
class Count(Spec):
    """A whole number from `low` to `high` (None: no bound); a bool or 2.0 is not one."""

    low: int = 1
    high: int | None = None
    why: str = ""  # what the upper bound comes from, said by the error

    def __post_init__(self):
        _check_bounds(
            self, self.low, math.inf if self.high is None else self.high, numbers.Integral
        )

    def check(self, value, name, checked):
        return check_count(value, name, low=self.low, high=self.high, why=self.why)


@dataclass(frozen=True)
class LabelNoise(Spec):
    """A share of labels replaced by another class, drawn evenly among the others: from 0 to
    below (k - 1) / k for the argument `classes` (a `Count`, declared before it) of k classes."""

    classes: str

    def reads(self):
        return (self.classes,)

    def check(self, value, name, checked):
        return check_label_noise(value, checked[self.classes], name)


@dataclass(frozen=True)
class BinaryLabels(Spec):
    """A non-empty array of 0s and 1s (1 the positive class)."""

    def check(self, value, name, checked):
        return check_binary_labels(as_array(value, name), name)


@dataclass(frozen=True)
class Verdicts(Spec):
    """Per-sample verdicts: a non-empty 1-D array of True/False or 1/0 (True, or 1, for a correct
    prediction), as booleans; with `like`, as many as the verdicts of the argument `like`, declared
    before it: verdicts on the same samples."""

    like: str | None = None

    def reads(self):
        return (self.like,) if self.like else ()

    def check(self, value, name, checked):
        array = as_array(value, name)
        if array.ndim != 1:
            raise ValueError(
                f"{name} must be a 1-D array of per-sample verdicts; got shape {array.shape}"
            )
        if not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must hold True/False or 1/0 per sample; got other values")
        if self.like and len(array) != len(checked[self.like]):
            raise ValueError(
                f"{self.like} and {name} must hold verdicts on the same samples; got "
                f"{len(checked[self.like])} and {len(array)}"
            )
        return array.astype(bool)


@dataclass(frozen=True)
class Scores(Spec):
    """A non-empty array of finite real numbers, one per entry of the argument `like`, which is
    declared before it; (N,) and (N, 1) are brought to one rank, as Keras does. The argument
    `like` gets that rank too."""

    like: str

    def reads(self):
        return (self.like,)

    def check(self, value, name, checked):
        other = checked[self.like]
        other, scores = match_rank(other, as_array(value, name), (self.like, name))
        checked[self.like] = other
        return scores


@dataclass(frozen=True)
class Probabilities(Spec):
    """An array of probabilities in [0, 1], of any shape, each row (along the last axis) summing to
    more than 0, so that it can be renormalised."""

    def check(self, value, name, checked):
        array = check_probabilities(as_array(value, name), name)
        check_positive_rows(array, name)
        return array


@dataclass(frozen=True)
class Distributions(Spec):
    """A (samples, classes) array whose rows are probabilities summing to 1, within the rounding
    of the dtype Keras would compute in (float16 rows sum to 1 only within about 1e-3)."""

    def check(self, value, name, checked):
        dtype = keras_dtype(value)
        array = check_distributions(as_array(value, name), name, dtype)
        if array.ndim != 2 or array.shape[1] < 2:
            raise ValueError(f"{name} must have shape (samples, classes >= 2); got {array.shape}")
        return array


@dataclass(frozen=True)
class Logits(Spec):
    """A (samples, classes >= 2) array of finite numbers: logits, or log-probabilities."""

    def check(self, value, name, checked):
        return check_logits(value, name)


@dataclass(frozen=True)
class ClassIndices(Spec):
    """One class index per row of the argument `of`, declared before it: shape (samples,) or
    (samples, 1), whole numbers from 0 to the number of classes less 1; as an int array of shape
    (samples,), or of the shape given with `keep_shape`."""

    of: str
    keep_shape: bool = False

    def reads(self):
        return (self.of,)

    def check(self, value, name, checked):
        given = as_array(value, name)
        labels = check_class_indices(given, checked[self.of], name, scores=self.of)
        return labels.reshape(given.shape) if self.keep_shape else labels


@dataclass(frozen=True)
class LogitRows(Spec):
    """Logits along the last axis of an array of any shape: finite numbers, or -inf for a
    probability of exactly 0, with a finite one in every row."""

    def check(self, value, name, checked):
        logits = as_array(value, name, negative_infinity=True)
        if np.isneginf(logits.max(axis=-1)).any():
            raise ValueError(f"{name} must have a finite value in every row; a row is all -inf")
        return logits


@dataclass(frozen=True)
class Flag(Spec):
    """True or False: a bool (1, or the text "False", which would count as true, is refused)."""

    def check(self, value, name, checked):
        return check_bool(value, name)


@dataclass(frozen=True)
class Choice(Spec):
    """One of the texts `options`."""

    options: tuple[str, ...]

    def __post_init__(self):
        if not self.options or not all(isinstance(option, str) for option in self.options):
            raise TypeError(f"Choice's options must be texts; got {self.options!r}")

    def check(self, value, name, checked):
        return check_choice(value, name, self.options)


@dataclass(frozen=True)
class Curves(Spec):
    """A run's curves: a `runs.Run`, or a Keras `History` or a dict of curves made into one, of
    at least `epochs` epochs (two, by default: one epoch has no change to show), holding every
    curve named in `needs`; as a `Run`."""

    needs: tuple[str, ...] = ()
    epochs: int = 2

    def __post_init__(self):
        _check_bounds(self, self.epochs, self.epochs, numbers.Integral)

    def check(self, value, name, checked):
        run = as_run(value, name)
        missing = [curve for curve in self.needs if curve not in run.history]
        if missing:
            raise ValueError(
                f"{name} must have the curves {list(self.needs)}; it lacks {missing} (it has "
                f"{sorted(run.history)})"
            )
        if run.epochs < self.epochs:
            raise ValueError(f"{name} must have at least {self.epochs} epochs; it has {run.epochs}")
        return run


@dataclass(frozen=True)
class CurveName(Spec):
    """The name of a curve of the run `of` (a `Curves` or `Recorded`), declared before it."""

    of: str

    def reads(self):
        return (self.of,)

    def check(self, value, name, checked):
        curves = sorted(checked[self.of].history)
        if check_text(value, name) not in curves:
            raise ValueError(
                f"{name} must name a curve of {self.of}, one of {curves}; got {value!r}"
            )
        return value


@dataclass(frozen=True)
class Recorded(Spec):
    """A `runs.Run` that recorded its validation predictions, as `run_overtraining` returns."""

    def check(self, value, name, checked):
        return with_predictions(value, name)


@dataclass(frozen=True)
class RecordedEpoch(Spec):
    """An epoch, counted from 1, at which the run `of` (a `Recorded`, declared before it) recorded
    its validation predictions."""

    of: str

    def reads(self):
        return (self.of,)

    def check(self, value, name, checked):
        epoch = check_count(value, name)
        checked[self.of].recorded(epoch, name)  # the error names the epochs it recorded
        return epoch


@dataclass(frozen=True)
class KerasPredictions(Spec):
    """Predictions as a Keras loss or metric takes them: an array of finite numbers, in the dtype
    Keras computes in (`keras_dtype`: that of a floating array, float32 for anything else),
    which must hold them, a subnormal number read as 0, as TensorFlow reads it. Probabilities in
    [0, 1] unless the flag `probabilities_unless` (declared before it, such as `from_logits`) is
    true; with `classes_or`, at least 2 classes on the last axis, the error naming `classes_or`
    as what to use for a single output."""

    probabilities_unless: str | None = None
    classes_or: str | None = None

    def reads(self):
        return (self.probabilities_unless,) if self.probabilities_unless else ()

    def check(self, value, name, checked):
        array = as_tensorflow_reads(check_in_dtype(value, name, keras_dtype(value)))
        if self.classes_or:
            check_class_axis(array, name, self.classes_or)
        if self.probabilities_unless and not checked[self.probabilities_unless]:
            check_probabilities(array, name)
        return array


@dataclass(frozen=True)
class KerasTargets(Spec):
    """Targets as a Keras loss or metric takes them, for the predictions `like` (declared before
    it): an array in their dtype, as Keras casts the targets to it, of their shape (with `rank`,
    (N,) and (N, 1) brought to one rank, as Keras' binary accuracy does), holding `labels`:
    "probabilities" (one-hot or soft targets, in [0, 1]) or "binary" (0s and 1s)."""

    like: str
    labels: str = "probabilities"
    rank: bool = False

    def __post_init__(self):
        if self.labels not in ("probabilities", "binary"):
            raise ValueError(f"labels must be 'probabilities' or 'binary'; got {self.labels!r}")

    def reads(self):
        return (self.like,)

    def check(self, value, name, checked):
        predictions = checked[self.like]
        targets = as_tensorflow_reads(check_in_dtype(value, name, predictions.dtype))
        if self.rank:
            targets, checked[self.like] = match_rank(targets, predictions, (name, self.like))
        else:
            check_same_shape(targets, predictions, (name, self.like))
        if self.labels == "binary":
            return check_binary_labels(targets, name)
        return check_probabilities(targets, name)


@dataclass(frozen=True)
class KerasThreshold(Spec):
    """A threshold as Keras compares with it: a real number that Keras makes a tensor, so that a
    Python number is rounded to float32 and a NumPy float keeps its dtype, which must hold it;
    returned as the float it becomes (0.7 becomes 0.699999988079071)."""

    def check(self, value, name, checked):
        number, dtype = check_real(value, name), keras_dtype(value)
        if abs(number) > float(np.finfo(dtype).max):  # Keras cannot make such a tensor either
            raise ValueError(
                f"{name} must be within the range of {dtype}, as in Keras; got {number}"
            )
        return float(as_tensorflow_reads(np.array(number, dtype)))


def takes(**contract: Spec):
    """Declare what each named argument of the decorated function must be (see the module)."""
    for position, (name, spec) in enumerate(contract.items()):
        if not isinstance(spec, Spec):
            raise TypeError(f"the contract of {name} must be a Spec; got {spec!r}")
        for related in spec.reads():
            if related not in list(contract)[:position]:
                raise TypeError(
                    f"the contract of {name} relates it to {related!r}, which must be declared "
                    "first"
                )

    def decorate(function):
        signature = inspect.signature(function)
        missing = set(contract) - set(signature.parameters)
        if missing:
            raise TypeError(f"{function.__name__} takes no argument {sorted(missing)}")

        @functools.wraps(function)
        def checked_call(*args, **kwargs):
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:  # a missing or unknown argument, named by Python
                raise TypeError(f"{function.__name__}(): {error}") from None
            bound.apply_defaults()
            checked = {}
            for name, spec in contract.items():
                checked[name] = spec.check(bound.arguments[name], name, checked)
            bound.arguments.update(checked)
            return function(*bound.args, **bound.kwargs)

        checked_call.contract = dict(contract)
        return checked_call

    return decorate
