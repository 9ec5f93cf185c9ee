"""Bad and edge arguments for every public function and class of `lossacc_utils`.

The package promises, for every public function: a clear error that names the argument and the
problem, or the right answer. Never a silent wrong answer (a NaN, a label of -1 read as the last
class), never a traceback from inside NumPy, pandas, SciPy, scikit-learn, matplotlib or Keras.

This module sweeps that promise over every name in each module's `__all__` that is a function or a
class. It is one table of cases, each a call and what must come of it:

- a rejection: the call raises a `ValueError` or a `TypeError` (a `FileNotFoundError` for a missing
  file) whose traceback ends inside `lossacc_utils` (the argument was checked at the door, not
  tripped over by a library further down), and whose message names the argument the caller passed,
  as a word of its own (`p_true` does not name `p_true_a`; `history` does not name `run`);
- an answer: the call returns, and the value is right. The metrics are checked against Keras
  itself, on the same inputs; everything else against a direct formula, or what it documents.

Every call runs with warnings as errors, so a warning is a finding too (TensorFlow's own deprecation
warnings aside, as in pyproject.toml). The Keras-heavy functions must refuse a bad argument before
any training starts; the two answers that train a tiny model for seconds are marked `trains`.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import lossacc_utils
from lossacc_utils import (
    calibration,
    counterexample,
    curves,
    data,
    fingerprint,
    folding,
    metrics,
    overtraining,
    plateau,
    plots,
    progress,
    prose,
    recording,
    remedies,
    resolution,
    run_cache,
    runs,
    scores,
    spreadsheet,
    training,
    uncertainty,
    validation,
    variants,
    widgets,
    workers,
)
from lossacc_utils.counterexample import CASE_1, CASE_2
from tests.keras_oracles import keras_early_stopping

PACKAGE = Path(lossacc_utils.__file__).resolve().parent
NAN, INF = float("nan"), float("inf")


# --------------------------------------------------------------------------------------------------
# The table, and how a case is judged
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One call: `function(*args, **kwargs)`, which must either raise a clear error naming one of
    `names`, or (when `check` is given) return a value that `check` accepts."""

    id: str
    function: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    names: tuple[str, ...] = ()
    check: Callable | None = None
    marks: tuple = ()


class Lazy:
    """An argument made when its case runs: a Keras model, a file in the test's temporary folder."""

    def __init__(self, make: Callable, label: str = "lazy"):
        self.make, self.label = make, label

    def __repr__(self):
        return self.label


CASES: list[Case] = []


def _label(function) -> str:
    module = function.__module__.rsplit(".", 1)[-1]
    return f"{module}.{function.__qualname__}"


def rejects(function, label: str, names, *args, **kwargs) -> None:
    """The call must raise a clear error naming `names` (one argument, or any of several)."""
    names = (names,) if isinstance(names, str) else tuple(names)
    CASES.append(Case(f"{_label(function)}[{label}]", function, args, kwargs, names=names))


def answers(function, label: str, check: Callable, *args, **kwargs) -> None:
    """The call must return a value that `check` accepts (it raises AssertionError otherwise)."""
    CASES.append(Case(f"{_label(function)}[{label}]", function, args, kwargs, check=check))


def answers_after_training(function, label: str, check: Callable, *args, **kwargs) -> None:
    """`answers`, for a call that trains a model for seconds: marked `trains`, which `test --fast`
    leaves out."""
    answers(function, label, check, *args, **kwargs)
    CASES[-1] = dataclasses.replace(CASES[-1], marks=(pytest.mark.trains,))


def sweep(function, base: dict, argument: str, values, names=None) -> None:
    """A rejection naming `argument` for each (label, value), the other arguments from `base`."""
    for label, value in values:
        rejects(function, f"{argument}={label}", names or argument, **{**base, argument: value})


def method(cls, name: str) -> Callable:
    """`cls.name` as a function of the instance, labelled `Class.method` in the ids."""

    def call(instance, *args, **kwargs):
        return getattr(instance, name)(*args, **kwargs)

    call.__qualname__, call.__module__ = f"{cls.__name__}.{name}", cls.__module__
    return call


def _where(exc: BaseException) -> traceback.FrameSummary:
    return traceback.extract_tb(exc.__traceback__)[-1]


def _describe(exc: BaseException) -> str:
    frame = _where(exc)
    path = frame.filename.split("site-packages/")[-1].replace(str(PACKAGE.parent) + "/", "")
    return f"{type(exc).__name__}: {str(exc)[:300]!r} (raised at {path}:{frame.lineno})"


def _short(value) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) < 200 else text[:199] + "…"


def _call_strictly(function, args, kwargs):
    """(result, None) or (None, the exception), with every warning raised as an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for module in ("tensorflow", "keras", "google", "flatbuffers"):
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=module)
        try:
            return function(*args, **kwargs), None
        except Exception as exc:
            return None, exc


def names_argument(message: str, name: str) -> bool:
    """Whether `message` names the argument `name`: as a word of its own ("p_true" does not name
    "p_true_a"), and a one-letter name as a name ("b must", "x and y must", "b[0]", "'b'"), not as
    the article in "must be a PredictionSet"."""
    if len(name) > 1:
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
    else:
        pattern = rf"(?<![\w']){name}(?=\s+(must|and|has|is|holds)\b|\[|=)|'{name}'|`{name}`"
    return re.search(pattern, message) is not None


#: Arguments that a shared check's message names when its caller passes them: a function that
#: takes no such argument must not have its error name one ("y_pred has 10 classes" from a function
#: without `y_pred` sends its reader looking for an argument they never passed).
SHARED_ARGUMENTS = ("y_true", "y_pred", "logits")


def foreign_arguments(function: Callable, message: str) -> list[str]:
    """The `SHARED_ARGUMENTS` that `message` names but `function` does not take (none for a
    function that takes any keyword, such as a method called through `method`)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return []
    variable = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    if any(p.kind in variable for p in parameters.values()):
        return []
    return [  # a name as a word, but not `y_true=` inside the repr of an object in the message
        name
        for name in SHARED_ARGUMENTS
        if name not in parameters and re.search(rf"(?<![\w.]){name}(?![\w=])", message)
    ]


def assert_clear_error(
    exc: BaseException, names: tuple[str, ...], function: Callable | None = None
) -> None:
    wanted = " or ".join(repr(n) for n in names)
    assert isinstance(exc, ValueError | TypeError | FileNotFoundError) and not isinstance(
        exc, KeyError | IndexError | AttributeError | ZeroDivisionError | Warning
    ), f"{_describe(exc)}; expected a ValueError or TypeError naming {wanted}"
    frame = _where(exc)
    assert Path(frame.filename).resolve().is_relative_to(PACKAGE), (
        f"{_describe(exc)}: raised inside a library, not checked at the door of lossacc_utils"
    )
    assert any(names_argument(str(exc), name) for name in names), (
        f"{_describe(exc)}: the message does not name the argument {wanted}"
    )
    foreign = foreign_arguments(function, str(exc)) if function is not None else []
    assert not foreign, f"{_describe(exc)}: names {foreign}, which the function does not take"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------------------------------
# Checks of answers
# --------------------------------------------------------------------------------------------------


def close_to(expected, rtol=1e-9, atol=1e-12) -> Callable:
    """The result equals `expected` (a value, or a function making it), NaN nowhere."""

    def check(result):
        value = expected() if callable(expected) else expected
        result = np.asarray(result, dtype=float)
        assert not np.isnan(result).any(), f"returned NaN: {_short(result)}"
        np.testing.assert_allclose(result, value, rtol=rtol, atol=atol)
        assert result.shape == np.shape(value), f"shape {result.shape}, expected {np.shape(value)}"

    return check


def equals(expected) -> Callable:
    """The result == `expected` (a value, or a function making it when the case runs)."""

    def check(result):
        value = expected() if callable(expected) else expected
        assert result == value, f"returned {_short(result)}, expected {_short(value)}"

    return check


def holds(predicate: Callable) -> Callable:
    """`predicate(result)` is true."""

    def check(result):
        assert predicate(result), f"returned {_short(result)}"

    return check


def all_of(*checks) -> Callable:
    def check(result):
        for one in checks:
            one(result)

    return check


def is_axes(result):
    assert isinstance(result, plt.Axes), f"returned {_short(result)}, not the Axes drawn on"


def drawn_without_a_warning(check) -> Callable:
    """`check`, then the figure of the Axes returned (or of the first of them) drawn with every
    warning an error: matplotlib computes its limits and ticks as it draws."""

    def drawn(result):
        check(result)
        figure = (result if isinstance(result, plt.Axes) else result[0]).figure
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            figure.canvas.draw()

    return drawn


def is_widget(result):
    import ipywidgets

    assert isinstance(result, ipywidgets.Widget), f"returned {_short(result)}, not a widget"


def keras_agrees(function, *args, rtol=1e-6, **kwargs) -> Callable:
    """The result is what Keras' function of the same name gives for the same arguments."""
    group = "losses" if "crossentropy" in function.__name__ else "metrics"

    def expected():
        import keras

        # Keras' functions take tensors; a list becomes one as Keras makes it (floats: float32)
        tensors = [keras.ops.convert_to_tensor(a) if isinstance(a, list) else a for a in args]
        value = getattr(getattr(keras, group), function.__name__)(*tensors, **kwargs)
        return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)

    return close_to(expected, rtol=rtol, atol=1e-7)


def agrees(function, label, *args, rtol=1e-6, **kwargs) -> None:
    """A valid edge input of a metric: the answer must be Keras' answer."""
    check = keras_agrees(function, *args, rtol=rtol, **kwargs)
    answers(function, label, check, *args, **kwargs)


# --------------------------------------------------------------------------------------------------
# Bad values, by kind
# --------------------------------------------------------------------------------------------------

NOT_NUMBERS = [
    ("None", None),
    ("'abc'", "abc"),
    ("''", ""),
    ("'=1+1'", "=1+1"),
    ("True", True),
    ("[0.5]", [0.5]),
    ("duration", np.timedelta64(2, "s")),  # an integer to NumPy
]
NON_FINITE = [("nan", NAN), ("inf", INF), ("-inf", -INF)]
BAD_REALS = NOT_NUMBERS + NON_FINITE
BAD_POSITIVES = [*BAD_REALS, ("0", 0), ("-1", -1), ("-1e-308", -1e-308)]
#: a learning rate or a penalty Keras cannot hold in float32: infinite there, or zero on a CPU
BEYOND_FLOAT32 = [("1e39", 1e39), ("1e-40", 1e-40), ("1e-50", 1e-50)]
BAD_FRACTIONS = [*BAD_REALS, ("-0.1", -0.1), ("1.1", 1.1), ("1e308", 1e308)]
BAD_SEEDS = [
    ("-1", -1),
    ("1.5", 1.5),
    ("'0'", "0"),
    ("True", True),
    ("nan", NAN),
    ("duration", np.timedelta64(1, "s")),  # an integer to NumPy
]
# the package takes seeds from 0 to 2**32 - 1, as NumPy and Keras' set_random_seed take them
#: one epoch where a list of them is asked for: an array of no axis is one number, not a list
ONE_NUMBER = [("0-d-array", np.array(1))]
SEEDS_OUT_OF_RANGE = [("2**32", 2**32), ("2**40", 2**40), ("None", None)]
NOT_ARRAYS = [
    ("None", None),
    ("'abc'", "abc"),
    ("''", ""),
    ("'=1+1'", "=1+1"),
    ("[]", []),
    ("{}", {}),
    ("scalar", 0.5),
    ("durations", np.array([1, 0], dtype="timedelta64[s]")),  # NumPy counts them as integers
    ("masked", np.ma.masked_array([0.0, 1.0], mask=[0, 1])),  # NumPy reads what is masked
]


def bad_counts(low=1):
    """Not a whole number of at least `low`: too small, a float (even 2.0), a bool, text, None."""
    values = [(str(n), n) for n in (low - 1, -1) if n < low]
    values += [
        ("2.0", 2.0),
        ("2.5", 2.5),
        ("True", True),
        ("None", None),
        ("'3'", "3"),
        ("1e308", 1e308),
        ("nan", NAN),
    ]
    return list(dict(values).items())


def spoiled(good):
    """Bad versions of a good array: a NaN or an infinity in it, complex, object or string dtype,
    and a ragged list."""
    array = np.array(good, dtype=float)
    values = []
    for label, value in NON_FINITE:
        copy = array.copy()
        copy.flat[0] = value
        values.append((label, copy))
    values += [
        ("complex", array.astype(complex)),
        ("object-array", array.astype(object)),
        ("string-array", array.astype(str)),
    ]
    if array.ndim > 1:
        ragged = [list(row) for row in array]
        ragged[-1] = ragged[-1][:-1]
    else:
        ragged = [array[0], list(array)]
    values.append(("ragged", ragged))
    return values


# --------------------------------------------------------------------------------------------------
# metrics: every answer is Keras' answer
# --------------------------------------------------------------------------------------------------

ONE_HOT = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
PROBS = [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3]]
LABELS = [0, 1]
BIN_TRUE = [[1.0], [0.0]]
BIN_PRED = [[0.8], [0.3]]

CCE, SCCE, BCE = (
    metrics.categorical_crossentropy,
    metrics.sparse_categorical_crossentropy,
    metrics.binary_crossentropy,
)
CACC, SACC, BACC = (
    metrics.categorical_accuracy,
    metrics.sparse_categorical_accuracy,
    metrics.binary_accuracy,
)

for fn, y_true, y_pred in (
    (CCE, ONE_HOT, PROBS),
    (CACC, ONE_HOT, PROBS),
    (SCCE, LABELS, PROBS),
    (SACC, LABELS, PROBS),
    (BCE, BIN_TRUE, BIN_PRED),
    (BACC, BIN_TRUE, BIN_PRED),
):
    base = {"y_true": y_true, "y_pred": y_pred}
    for argument, good in base.items():
        sweep(fn, base, argument, NOT_ARRAYS + spoiled(good))
    agrees(fn, "lists", y_true, y_pred)
    agrees(fn, "float64-arrays", np.array(y_true), np.array(y_pred, dtype=np.float64))
    agrees(fn, "float32-arrays", np.array(y_true), np.array(y_pred, dtype=np.float32))
    agrees(fn, "float16-y_pred", np.array(y_true), np.array(y_pred, dtype=np.float16), rtol=2e-3)

# one-hot and class-index functions: the shapes and the labels
for fn in (CCE, CACC):
    rejects(fn, "y_true=3-rows", ("y_true", "y_pred"), [*ONE_HOT, [0, 0, 1]], PROBS)
    rejects(fn, "y_true=1-D", ("y_true", "y_pred"), [1.0, 0.0, 0.0], PROBS)
    rejects(fn, "y_pred=one-class", "y_pred", [[1.0], [1.0]], [[1.0], [1.0]])
    agrees(fn, "int-one-hot", np.array(ONE_HOT, dtype=int), PROBS)
    agrees(fn, "3-D", [ONE_HOT, ONE_HOT], [PROBS, PROBS])
    agrees(fn, "1-D-one-sample", [0.0, 1.0, 0.0], [0.2, 0.5, 0.3])
for fn in (SCCE, SACC):
    for label, bad in (("-1", [-1, 1]), ("n_classes", [0, 3]), ("1.5", [0, 1.5])):
        rejects(fn, f"y_true={label}", "y_true", bad, PROBS)
    rejects(fn, "y_true=too-many", ("y_true", "y_pred"), [0, 1, 2], PROBS)
    rejects(fn, "y_true=2-D", ("y_true", "y_pred"), [[0, 1], [1, 0]], PROBS)
    rejects(fn, "y_pred=one-class", "y_pred", [0, 0], [[1.0], [1.0]])
    agrees(fn, "float-labels", [0.0, 1.0], PROBS)
    agrees(fn, "labels-N-by-1", [[0], [2]], PROBS)
    agrees(fn, "int8-labels", np.array([2, 1], dtype=np.int8), PROBS)

# the probabilities of the losses
for fn, y_true in ((CCE, ONE_HOT), (SCCE, LABELS)):
    rejects(fn, "y_pred=negative", "y_pred", y_true, [[1.1, -0.2, 0.1], [0.3, 0.4, 0.3]])
    rejects(fn, "y_pred=above-1", "y_pred", y_true, [[1.5, 0.2, 0.1], [0.3, 0.4, 0.3]])
    agrees(fn, "y_pred=rows-not-summing-to-1", y_true, [[0.7, 0.7, 0.1], [0.1, 0.2, 0.1]])
    agrees(fn, "y_pred=zeros-and-ones", y_true, [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    agrees(fn, "from_logits", y_true, [[1000.0, 0.0, -1000.0], [-2.0, 5.0, 0.5]], from_logits=True)
    sweep(fn, {"y_true": y_true, "y_pred": PROBS}, "from_logits", [("None", None), ("'no'", "no")])
rejects(CCE, "y_pred=all-zero-row", "y_pred", ONE_HOT, [[0.0, 0.0, 0.0], [0.3, 0.4, 0.3]])
agrees(SCCE, "y_pred=all-zero-row", LABELS, [[0.0, 0.0, 0.0], [0.3, 0.4, 0.3]])
rejects(CCE, "y_true=negative", "y_true", [[1.5, -0.5, 0.0], [0.0, 1.0, 0.0]], PROBS)
rejects(CCE, "y_true=2", "y_true", [[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], PROBS)
agrees(CCE, "soft-labels", [[0.5, 0.5, 0.0], [0.1, 0.8, 0.1]], PROBS)
for fn, y_true, y_pred in ((CCE, ONE_HOT, PROBS), (BCE, BIN_TRUE, BIN_PRED)):
    base = {"y_true": y_true, "y_pred": y_pred}
    sweep(fn, base, "label_smoothing", BAD_FRACTIONS)
    for label, value in (("0", 0), ("1", 1), ("0.1", 0.1), ("1e-308", 1e-308)):
        agrees(fn, f"label_smoothing={label}", y_true, y_pred, label_smoothing=value)

# binary
rejects(BCE, "y_true=2", "y_true", [[2.0], [0.0]], BIN_PRED)
rejects(BCE, "y_true=-1", "y_true", [[-1.0], [0.0]], BIN_PRED)
rejects(BCE, "y_pred=1.5", "y_pred", BIN_TRUE, [[1.5], [0.3]])
rejects(BCE, "y_pred=-0.1", "y_pred", BIN_TRUE, [[-0.1], [0.3]])
rejects(BCE, "y_true=(N,)-y_pred=(N,1)", ("y_true", "y_pred"), [1.0, 0.0], BIN_PRED)
rejects(BCE, "y_true=3-rows", ("y_true", "y_pred"), [[1.0], [0.0], [1.0]], BIN_PRED)
sweep(
    BCE, {"y_true": BIN_TRUE, "y_pred": BIN_PRED}, "from_logits", [("None", None), ("'no'", "no")]
)
agrees(BCE, "soft-labels", [[0.5], [0.2]], BIN_PRED)
agrees(BCE, "1-D", [1.0, 0.0], [0.8, 0.3])
agrees(BCE, "from_logits", BIN_TRUE, [[5.0], [-3.0]], from_logits=True)
agrees(BCE, "int-labels", np.array([[1], [0]]), np.float32(BIN_PRED))

rejects(BACC, "y_true=2", "y_true", [[2.0], [0.0]], BIN_PRED)
rejects(BACC, "y_true=0.5", "y_true", [[0.5], [0.0]], BIN_PRED)
rejects(BACC, "y_true=-1", "y_true", [[-1.0], [0.0]], BIN_PRED)
rejects(BACC, "y_true=3-rows", ("y_true", "y_pred"), [1.0, 0.0, 1.0], BIN_PRED)
sweep(BACC, {"y_true": BIN_TRUE, "y_pred": BIN_PRED}, "threshold", BAD_REALS)
agrees(BACC, "y_true=(N,)-y_pred=(N,1)", [1.0, 0.0], BIN_PRED)
agrees(BACC, "logits", BIN_TRUE, [[2.5], [-1.0]], threshold=0.0)
for label, value in (
    ("0", 0),
    ("1", 1),
    ("-0.1", -0.1),
    ("1.1", 1.1),
    ("0.3", 0.3),
    ("float64-0.3", np.float64(0.3)),
    ("float64-1e308", np.float64(1e308)),
    ("1e-308", 1e-308),
):
    agrees(BACC, f"threshold={label}", BIN_TRUE, BIN_PRED, threshold=value)
# Keras makes a Python float threshold a float32 tensor, and refuses one beyond float32's range
rejects(BACC, "threshold=1e308", "threshold", BIN_TRUE, BIN_PRED, threshold=1e308)

agrees(CACC, "logits", ONE_HOT, [[-1.0, 2.0, 0.5], [3.0, -4.0, 0.0]])
agrees(CACC, "all-zero-row", ONE_HOT, [[0.0, 0.0, 0.0], [0.3, 0.4, 0.3]])
agrees(SACC, "logits", LABELS, [[-1.0, 2.0, 0.5], [3.0, -4.0, 0.0]])

sweep(metrics.keras_threshold, {}, "threshold", BAD_REALS)
answers(metrics.keras_threshold, "0.7", equals(float(np.float32(0.7))), 0.7)
answers(metrics.keras_threshold, "float64-0.7", equals(0.7), np.float64(0.7))
answers(metrics.keras_threshold, "1", equals(1.0), 1)
rejects(metrics.keras_threshold, "1e308", "threshold", 1e308)  # Keras refuses it too
answers(metrics.keras_threshold, "float64-1e308", equals(1e308), np.float64(1e308))

LOGITS = [[1.0, 2.0, 0.5], [0.0, -3.0, 3.0]]
for fn in (metrics.log_softmax, metrics.softmax):
    sweep(fn, {}, "logits", NOT_ARRAYS + spoiled(LOGITS)[:1] + spoiled(LOGITS)[1:2])
    sweep(fn, {}, "logits", spoiled(LOGITS)[3:])  # complex, object, strings, ragged
    rejects(fn, "logits=row-all--inf", "logits", [[-INF, -INF], [0.0, 1.0]])
    rejects(fn, "logits=+inf-and--inf", "logits", [[INF, -INF], [0.0, 1.0]])


def _log_softmax(x):
    x = np.asarray(x, dtype=float)
    top = x.max(axis=-1, keepdims=True)
    return x - top - np.log(np.exp(x - top).sum(axis=-1, keepdims=True))


for label, logits, expected in (
    ("2-D", LOGITS, _log_softmax(LOGITS)),
    ("1-D", [1.0, 2.0], _log_softmax([1.0, 2.0])),
    ("3-D", [LOGITS, LOGITS], _log_softmax([LOGITS, LOGITS])),
    ("float16", np.float16(LOGITS), _log_softmax(np.float16(LOGITS))),
    ("ints", [[1, 2, 0]], _log_softmax([[1, 2, 0]])),
    ("-inf-entry", [[0.0, 0.0, -INF]], [[-math.log(2), -math.log(2), -INF]]),
    ("1e308-and--1e308", [[1e308, -1e308]], [[0.0, -INF]]),
):

    def check_log(result, expected=expected):
        result, expected = np.asarray(result), np.asarray(expected)
        assert result.shape == expected.shape
        assert np.array_equal(np.isneginf(result), np.isneginf(expected)), _short(result)
        finite = np.isfinite(expected)
        np.testing.assert_allclose(result[finite], expected[finite], rtol=1e-12)

    def check_exp(result, expected=expected):
        np.testing.assert_allclose(result, np.exp(expected), rtol=1e-12, atol=1e-300)

    answers(metrics.log_softmax, f"logits={label}", check_log, logits)
    answers(metrics.softmax, f"logits={label}", check_exp, logits)


# --------------------------------------------------------------------------------------------------
# scores: direct formulas over the counts, and the pairwise definition of the ROC AUC
# --------------------------------------------------------------------------------------------------

Y, P = [0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]


def _score(name, y_true, y_pred, threshold=0.5):
    actual = np.ravel(np.asarray(y_true, dtype=float)) == 1
    predicted = np.ravel(np.asarray(y_pred, dtype=float)) > threshold
    tp, fp = int((predicted & actual).sum()), int((predicted & ~actual).sum())
    fn, tn = int((~predicted & actual).sum()), int((~predicted & ~actual).sum())
    ratio = lambda a, b: a / b if b else 0.0  # noqa: E731
    recalls = [tp / (tp + fn)] if tp + fn else []
    recalls += [tn / (tn + fp)] if tn + fp else []
    return {
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "f1_score": ratio(2 * tp, 2 * tp + fp + fn),
        "balanced_accuracy": sum(recalls) / len(recalls),
    }[name]


def _auc(y_true, y_pred):
    y, s = np.ravel(y_true) == 1, np.ravel(np.asarray(y_pred, dtype=float))
    pos, neg = s[y][:, None], s[~y][None, :]
    return float(((pos > neg) + 0.5 * (pos == neg)).mean())


for fn in (scores.precision, scores.recall, scores.f1_score, scores.balanced_accuracy):
    base = {"y_true": Y, "y_pred": P}
    sweep(fn, base, "y_true", NOT_ARRAYS + spoiled(Y))
    sweep(fn, base, "y_pred", NOT_ARRAYS + spoiled(P))
    sweep(fn, base, "y_true", [("2", [0, 2, 1, 1]), ("-1", [0, -1, 1, 1]), ("0.5", [0, 0.5, 1, 1])])
    rejects(fn, "y_true=too-short", ("y_true", "y_pred"), [0, 1, 1], P)
    rejects(fn, "y_pred=2-D", ("y_true", "y_pred"), Y, [[0.1, 0.9]] * 4)
    sweep(fn, base, "threshold", BAD_REALS)
    name = fn.__name__
    for label, y_true, y_pred, threshold in (
        ("plain", Y, P, 0.5),
        ("threshold=0", Y, P, 0),
        ("threshold=1", Y, P, 1),
        ("threshold=-0.1", Y, P, -0.1),
        ("threshold=1.1", Y, P, 1.1),
        ("y_true=(N,1)", [[0], [0], [1], [1]], P, 0.5),
        ("y_true=bools", [False, False, True, True], P, 0.5),
        ("y_true=floats", [0.0, 0.0, 1.0, 1.0], np.float32(P), 0.5),
        ("y_true=all-0", [0, 0, 0, 0], P, 0.5),
        ("y_true=all-1", [1, 1, 1, 1], P, 0.5),
        ("y_pred=int", Y, [0, 1, 1, 0], 0.5),
    ):
        expected = _score(name, y_true, y_pred, threshold)
        answers(fn, label, close_to(expected), y_true, y_pred, threshold=threshold)

sweep(scores.roc_auc, {"y_true": Y, "y_pred": P}, "y_true", NOT_ARRAYS + spoiled(Y))
sweep(scores.roc_auc, {"y_true": Y, "y_pred": P}, "y_pred", NOT_ARRAYS + spoiled(P))
sweep(scores.roc_auc, {"y_pred": P}, "y_true", [("all-1", [1, 1, 1, 1]), ("all-0", [0, 0, 0, 0])])
sweep(scores.roc_auc, {"y_pred": P}, "y_true", [("2", [0, 2, 1, 1]), ("-1", [0, -1, 1, 1])])
rejects(scores.roc_auc, "y_true=too-short", ("y_true", "y_pred"), [0, 1, 1], P)
answers(scores.roc_auc, "plain", close_to(_auc(Y, P)), Y, P)
answers(scores.roc_auc, "ties", close_to(_auc(Y, [0.5] * 4)), Y, [0.5] * 4)
answers(scores.roc_auc, "logits", close_to(_auc(Y, [-3, 2, 1, 5])), Y, [-3, 2, 1, 5])
answers(scores.roc_auc, "y_true=(N,1)", close_to(_auc(Y, P)), [[0], [0], [1], [1]], P)


# --------------------------------------------------------------------------------------------------
# calibration: Guo et al.'s formulas, written out
# --------------------------------------------------------------------------------------------------

CY = [0, 1, 2, 1]
CP = [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]]
CL = [[2.0, 0.5, -1.0], [0.0, 1.5, 0.2], [0.3, 0.1, 0.9], [1.0, 0.8, -0.5]]
BAD_LABELS = [
    ("-1", [-1, 1, 2, 1]),
    ("n_classes", [0, 1, 3, 1]),
    ("1.5", [0, 1.5, 2, 1]),
    ("too-short", [0, 1, 2]),
    ("2-D", [CY]),
]
BAD_PROBABILITIES = [
    ("rows-not-summing-to-1", [[0.8, 0.8, 0.1], *CP[1:]]),
    ("negative", [[1.1, -0.2, 0.1], *CP[1:]]),
    ("above-1", [[1.5, 0.0, 0.0], *CP[1:]]),
    ("all-zero-row", [[0.0, 0.0, 0.0], *CP[1:]]),
    ("1-D", CP[0]),
    ("3-D", [CP]),
]


def _ece(y_true, probabilities, n_bins):
    """Sum over bins (k-1)/M < c <= k/M of (share of samples) * |accuracy - confidence|."""
    p = np.asarray(probabilities, dtype=float)
    confidence, correct = p.max(axis=1), p.argmax(axis=1) == np.asarray(y_true)
    edges = [k / n_bins for k in range(1, n_bins)]
    index = np.array([sum(c > e for e in edges) for c in confidence])
    return sum(
        (index == b).sum() * abs(correct[index == b].mean() - confidence[index == b].mean())
        for b in set(index)
    ) / len(p)


def _bins_check(y_true, probabilities, n_bins):
    def check(frame):
        assert isinstance(frame, pd.DataFrame) and len(frame) == n_bins
        p = np.asarray(probabilities, dtype=float)
        confidence = p.max(axis=1)
        assert int(frame["count"].sum()) == len(p)
        filled = frame[frame["count"] > 0]
        np.testing.assert_allclose(
            (filled["count"] * filled["confidence"]).sum(), confidence.sum(), rtol=1e-12
        )
        np.testing.assert_allclose(
            (filled["count"] * filled["gap"].abs()).sum() / len(p),
            _ece(y_true, p, n_bins),
            rtol=1e-12,
        )

    return check


for fn in (calibration.calibration_bins, calibration.expected_calibration_error):
    base = {"y_true": CY, "probabilities": CP}
    sweep(fn, base, "y_true", NOT_ARRAYS + spoiled(CY) + BAD_LABELS)
    sweep(fn, base, "probabilities", NOT_ARRAYS + spoiled(CP) + BAD_PROBABILITIES)
    sweep(fn, base, "n_bins", bad_counts(1))
for label, y_true, probabilities, n_bins in (
    ("n_bins=5", CY, CP, 5),
    ("n_bins=1", CY, CP, 1),
    ("n_bins=int64", CY, CP, np.int64(7)),
    ("float-labels", [0.0, 1.0, 2.0, 1.0], CP, 15),
    ("float32", CY, np.float32(CP), 10),
    ("float16", CY, np.float16(CP), 10),
):
    answers(
        calibration.expected_calibration_error,
        label,
        close_to(_ece(y_true, probabilities, n_bins), rtol=1e-7),
        y_true,
        probabilities,
        n_bins=n_bins,
    )
    check = _bins_check(y_true, probabilities, n_bins)
    answers(calibration.calibration_bins, label, check, y_true, probabilities, n_bins=n_bins)

BAD_LOGITS = [
    ("1-D", CL[0]),
    ("one-class", [[1.0]] * 4),
    ("3-D", [CL]),
]


def _softmax(logits, temperature):
    z = np.asarray(logits, dtype=float) / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


sweep(calibration.apply_temperature, {"temperature": 1.0}, "logits", NOT_ARRAYS + spoiled(CL))
sweep(calibration.apply_temperature, {"temperature": 1.0}, "logits", BAD_LOGITS)
sweep(calibration.apply_temperature, {"logits": CL}, "temperature", BAD_POSITIVES)
TIES = [[1.0, 1.0, 0.0], [3.0, -1.0, 2.0]]
for label, logits, temperature, expected in (
    ("2", CL, 2, _softmax(CL, 2.0)),
    ("0.5", CL, 0.5, _softmax(CL, 0.5)),
    ("float32-2", np.float32(CL), np.float32(2), _softmax(np.float32(CL), 2.0)),
    ("1e-308", TIES, 1e-308, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]),
    ("1e308", TIES, 1e308, np.full((2, 3), 1 / 3)),
):
    answers(
        calibration.apply_temperature,
        f"temperature={label}",
        close_to(expected, rtol=1e-6),
        logits,
        temperature,
    )


def _nll(y_true, logits, temperature=1.0):
    p = _softmax(logits, temperature)
    return float(-np.log(p[np.arange(len(y_true)), np.asarray(y_true, dtype=int)]).mean())


NLL = calibration.negative_log_likelihood
sweep(NLL, {"logits": CL}, "y_true", NOT_ARRAYS + spoiled(CY) + BAD_LABELS)
sweep(NLL, {"y_true": CY}, "logits", NOT_ARRAYS + spoiled(CL) + BAD_LOGITS)
sweep(NLL, {"y_true": CY, "logits": CL}, "temperature", BAD_POSITIVES)
answers(NLL, "temperature=2", close_to(_nll(CY, CL, 2.0)), CY, CL, 2)
answers(NLL, "float-labels", close_to(_nll(CY, CL)), [0.0, 1.0, 2.0, 1.0], CL)
answers(NLL, "labels-N-by-1", close_to(_nll(CY, CL)), [[0], [1], [2], [1]], CL)

FIT = calibration.fit_temperature
sweep(FIT, {"logits": CL}, "y_true", [*NOT_ARRAYS[:3], *BAD_LABELS])
sweep(FIT, {"y_true": CY}, "logits", [*NOT_ARRAYS[:3], *spoiled(CL)[:1], *BAD_LOGITS])
sweep(
    FIT,
    {"y_true": CY, "logits": CL},
    "bounds",
    [
        ("None", None),
        ("'ab'", "ab"),
        ("5", 5),
        ("(0,5)", (0, 5)),
        ("(-1,5)", (-1, 5)),
        ("(5,1)", (5, 1)),
        ("(1,1)", (1, 1)),
        ("(1,)", (1,)),
        ("(1,2,3)", (1, 2, 3)),
        ("(nan,5)", (NAN, 5)),
        ("(1,inf)", (1, INF)),
        ("(True,5)", (True, 5)),
        ("('1',5)", ("1", 5)),
    ],
)


def _fitted(y_true, logits, low, high):
    """The temperature returned lies in the bounds, and no temperature in them does better."""

    def check(t):
        assert isinstance(t, float) and low <= t <= high, f"returned {_short(t)}"
        grid = np.exp(np.linspace(np.log(low), np.log(high), 2001))
        best = min(_nll(y_true, logits, g) for g in grid)
        assert _nll(y_true, logits, t) <= best + 1e-6, f"T = {t} is not the minimum"

    return check


answers(FIT, "default-bounds", _fitted(CY, CL, 0.05, 20.0), CY, CL)
answers(FIT, "bounds=[0.5,2]", _fitted(CY, CL, 0.5, 2.0), CY, CL, bounds=[0.5, 2])
answers(FIT, "float-labels", _fitted(CY, CL, 0.05, 20.0), [0.0, 1.0, 2.0, 1.0], CL)


# --------------------------------------------------------------------------------------------------
# counterexample
# --------------------------------------------------------------------------------------------------

PS = counterexample.PredictionSet
PS_BASE = {"name": "s", "y_true": [0, 1], "y_pred": PROBS}
sweep(PS, PS_BASE, "name", [("None", None), ("''", ""), ("'  '", "  "), ("5", 5), ("['a']", ["a"])])
sweep(PS, PS_BASE, "y_true", NOT_ARRAYS + spoiled([0, 1]))
sweep(
    PS,
    PS_BASE,
    "y_true",
    [("-1", [-1, 1]), ("n_classes", [0, 3]), ("1.5", [0, 1.5]), ("too-many", [0, 1, 2])],
)
sweep(PS, PS_BASE, "y_true", [("2-D", [[0, 1]])])
rejects(PS, "one-class", "y_pred", "one", [0, 0], [[1.0], [1.0]])  # refused when built, not later
# a control character cannot be written to the spreadsheet the sets are downloaded as
rejects(PS, "name-with-a-bell", "name", "a\x07", [0, 1], PROBS)
rejects(PS, "class-name-with-a-bell", "class_names", "s", [0, 1], PROBS, ("a\x07", "b", "c"))
sweep(PS, PS_BASE, "y_pred", NOT_ARRAYS + spoiled(PROBS))
sweep(
    PS,
    PS_BASE,
    "y_pred",
    [
        ("rows-not-summing-to-1", [[0.7, 0.7, 0.1], [0.3, 0.4, 0.3]]),
        ("negative", [[1.1, -0.2, 0.1], [0.3, 0.4, 0.3]]),
        ("above-1", [[1.5, 0.0, 0.0], [0.3, 0.4, 0.3]]),
        ("all-zero-row", [[0.0, 0.0, 0.0], [0.3, 0.4, 0.3]]),
        ("1-D", [0.7, 0.3]),
        ("3-D", [PROBS]),
    ],
)
sweep(
    PS,
    PS_BASE,
    "class_names",
    [
        ("'abc'", "abc"),
        ("None", None),
        ("two-names", ["a", "b"]),
        ("four-names", ("a", "b", "c", "d")),
        ("repeated", ["a", "a", "b"]),
        ("numbers", [1, 2, 3]),
        ("empty-name", ["a", "", "c"]),
    ],
)


def _prediction_set_check(name, labels, class_names):
    def check(s):
        assert s.name == name and s.y_true.tolist() == labels
        assert s.class_names == tuple(class_names)
        one_hot = np.eye(s.y_pred.shape[1])[labels]
        keras_loss = keras_agrees(CCE, one_hot, s.y_pred)
        keras_loss(s.losses)
        assert s.accuracy == float(np.mean(s.y_pred.argmax(axis=1) == labels))

    return check


answers(
    PS,
    "names-starting-with-=",
    _prediction_set_check("=1+1", [0, 1], ["=A1", "=SUM(A1:A2)", "c"]),
    "=1+1",
    [0, 1],
    PROBS,
    ["=A1", "=SUM(A1:A2)", "c"],
)
answers(
    PS,
    "float-labels",
    _prediction_set_check("s", [0, 1], ["class 0", "class 1", "class 2"]),
    "s",
    [0.0, 1.0],
    PROBS,
)
answers(
    PS,
    "float16-y_pred",
    _prediction_set_check("s", [0, 1], ["class 0", "class 1", "class 2"]),
    "s",
    np.array([0, 1]),
    np.float16(PROBS),
)

rejects(counterexample.summary, "no-sets", "sets")
rejects(counterexample.summary, "None", "sets", None)
rejects(counterexample.summary, "a-string", "sets", CASE_1, "case 2")
answers(
    counterexample.summary,
    "two-sets",
    lambda frame: np.testing.assert_allclose(
        frame[["loss", "accuracy"]].to_numpy(),
        [[CASE_1.loss, 2 / 3], [CASE_2.loss, 1.0]],
        rtol=1e-12,
    ),
    CASE_1,
    CASE_2,
)
for fn in (counterexample.disagree, counterexample.verdict):
    for label, value in (("None", None), ("'case'", "case"), ("5", 5), ("CASE_1.y_pred", PROBS)):
        rejects(fn, f"a={label}", "a", a=value, b=CASE_2)
        rejects(fn, f"b={label}", "b", a=CASE_1, b=value)
answers(counterexample.disagree, "CASE_1-CASE_2", equals(True), CASE_1, CASE_2)
answers(counterexample.disagree, "CASE_1-CASE_1", equals(False), CASE_1, CASE_1)
answers(
    counterexample.verdict,
    "CASE_1-CASE_1",
    equals("Loss and accuracy do not contradict each other"),
    CASE_1,
    CASE_1,
)

SHARPEN = counterexample.sharpen
sweep(SHARPEN, {"temperature": 0.5}, "y_pred", NOT_ARRAYS + spoiled(PROBS))
sweep(
    SHARPEN,
    {"temperature": 0.5},
    "y_pred",
    [
        ("negative", [[1.1, -0.2, 0.1]]),
        ("above-1", [[1.5, 0.0, 0.0]]),
        ("all-zero-row", [[0.0, 0.0, 0.0], [0.3, 0.4, 0.3]]),
    ],
)
sweep(SHARPEN, {"y_pred": PROBS}, "temperature", BAD_POSITIVES)


def _sharpened(p, temperature):
    p = np.asarray(p, dtype=float) ** (1 / temperature)
    return p / p.sum(axis=-1, keepdims=True)


WITH_ZERO = [[0.6, 0.4, 0.0], [0.2, 0.2, 0.6]]
for label, y_pred, temperature, expected in (
    ("temperature=0.5", PROBS, 0.5, _sharpened(PROBS, 0.5)),
    ("temperature=1", PROBS, 1, PROBS),
    ("temperature=3", WITH_ZERO, 3, _sharpened(WITH_ZERO, 3)),
    ("temperature=1e-308", WITH_ZERO, 1e-308, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
    ("temperature=1e308", WITH_ZERO, 1e308, [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]),
    ("rows-not-summing-to-1", [[0.2, 0.2, 0.1]], 0.5, _sharpened([[0.2, 0.2, 0.1]], 0.5)),
    ("1-D", [0.2, 0.8], 0.5, _sharpened([0.2, 0.8], 0.5)),
    ("float32", np.float32(PROBS), 0.5, _sharpened(PROBS, 0.5)),
):
    answers(SHARPEN, label, close_to(expected, rtol=1e-6), y_pred, temperature)

WITH_P = counterexample.with_true_class_probabilities
WP_BASE = {"y_true": [0, 2], "p_true": [0.5, 0.2], "n_classes": 3}
sweep(WITH_P, WP_BASE, "p_true", NOT_ARRAYS + spoiled([0.5, 0.2]))
sweep(
    WITH_P, WP_BASE, "p_true", [("-0.1", [-0.1, 0.2]), ("1.1", [1.1, 0.2]), ("2-D", [[0.5, 0.2]])]
)
sweep(WITH_P, WP_BASE, "n_classes", bad_counts(2))
sweep(WITH_P, WP_BASE, "y_true", NOT_ARRAYS + spoiled([0, 2]))
sweep(
    WITH_P,
    WP_BASE,
    "y_true",
    [("-1", [-1, 2]), ("n_classes", [0, 3]), ("1.5", [0, 1.5]), ("too-many", [0, 1, 2])],
)
EXPECTED_WP = [[0.5, 0.25, 0.25], [0.4, 0.4, 0.2]]
answers(WITH_P, "plain", close_to(EXPECTED_WP), **WP_BASE)
answers(WITH_P, "float-labels", close_to(EXPECTED_WP), **{**WP_BASE, "y_true": [0.0, 2.0]})
answers(
    WITH_P,
    "n_classes=int64",
    close_to([[0.5, 0.5 / 3, 0.5 / 3, 0.5 / 3], [0.8 / 3, 0.8 / 3, 0.2, 0.8 / 3]]),
    **{**WP_BASE, "n_classes": np.int64(4)},
)

OVER = counterexample.overconfident
sweep(OVER, {}, "n_samples", bad_counts(2))
sweep(OVER, {}, "confidence", [*BAD_FRACTIONS, ("0.5", 0.5), ("0.3", 0.3)])
sweep(OVER, {}, "p_true_of_miss", [*BAD_FRACTIONS, ("0.5", 0.5), ("0.9", 0.9)])


def _overconfident_check(n, confidence, miss):
    def check(s):
        assert len(s.y_true) == n and s.accuracy == (n - 1) / n
        p_true = s.true_class_probabilities
        np.testing.assert_allclose(p_true, [confidence] * (n - 1) + [miss])
        keras_agrees(CCE, s.one_hot, s.y_pred)(s.losses)

    return check


answers(OVER, "confidence=1", _overconfident_check(3, 1.0, 0.0), 3, 1, 0)
answers(OVER, "defaults", _overconfident_check(10, 0.99, 1e-4))

IMB = counterexample.imbalanced
sweep(IMB, {}, "n_samples", bad_counts(2))
sweep(IMB, {}, "majority_share", [*BAD_FRACTIONS, ("0", 0), ("1", 1), ("0.001", 0.001)])
# fewer apples than pears: the base rate would predict 'pear' and score 1 - majority_share
rejects(IMB, "a-minority-of-apples", "majority_share", 10, 0.3)
rejects(IMB, "rounded-to-a-minority", "majority_share", 5, 0.5)  # 2 apples of 5


def _imbalanced_check(n, apples):
    def check(pair):
        always, base_rate = pair
        for s in pair:
            assert len(s.y_true) == n and s.accuracy == apples / n
        np.testing.assert_allclose(base_rate.y_pred[0], [apples / n, 1 - apples / n])
        keras_agrees(CCE, always.one_hot, always.y_pred)(always.losses)

    return check


answers(IMB, "n_samples=2", _imbalanced_check(2, 1), 2, 0.5)
answers(IMB, "defaults", _imbalanced_check(100, 90))


# --------------------------------------------------------------------------------------------------
# spreadsheet
# --------------------------------------------------------------------------------------------------


def _with_a_long_class_name(length):
    names = ("c" * length, *CASE_1.class_names[1:])
    return dataclasses.replace(CASE_1, class_names=names)


def _in_tmp(name, as_text=False):
    return Lazy(lambda tmp: str(tmp / name) if as_text else tmp / name, f"tmp/{name}")


WB = spreadsheet.write_workbook


def _folder_named_xlsx(tmp):
    (tmp / "x.xlsx").mkdir()
    return tmp / "x.xlsx"


def _under_a_file(tmp):
    (tmp / "notes.txt").write_text("a file")
    return tmp / "notes.txt" / "book.xlsx"


sweep(
    WB,
    {},
    "path",
    [
        ("a-folder-named-.xlsx", Lazy(_folder_named_xlsx, "tmp/x.xlsx")),
        ("under-a-file", Lazy(_under_a_file, "tmp/notes.txt/book.xlsx")),
    ],
)
sweep(
    WB,
    {},
    "path",
    [
        ("None", None),
        ("5", 5),
        ("'out.csv'", _in_tmp("out.csv", as_text=True)),
        ("''", ""),
        ("Path('book.txt')", _in_tmp("book.txt")),
        ("['a.xlsx']", ["a.xlsx"]),
    ],
)
sweep(
    WB,
    {"path": _in_tmp("book.xlsx")},
    "cases",
    [
        ("None", None),
        ("one", (CASE_1,)),
        ("three", (CASE_1, CASE_2, CASE_1)),
        ("a-string-in-it", [CASE_1, "case 2"]),
        ("'ab'", "ab"),
        ("CASE_1", CASE_1),
        # more than a cell holds, which openpyxl would cut without a word
        ("a-name-of-32768", (dataclasses.replace(CASE_1, name="n" * 32_768), CASE_2)),
        ("a-class-name-of-32765-in-p()", (_with_a_long_class_name(32_765), CASE_2)),
    ],
)
EVIL = counterexample.PredictionSet("=1+1", [0, 1], [[0.6, 0.4], [0.3, 0.7]], ("=A1", "=B2"))


def _sheet(path):
    from openpyxl import load_workbook

    return load_workbook(path)[spreadsheet.SHEET]


def _workbook_check(name):
    def check(path):
        sheet = _sheet(path)
        assert sheet["A5"].value == name and sheet["A5"].data_type == "s"
        assert sheet["C6"].value == "p(=A1)" and sheet["C6"].data_type == "s"
        assert str(sheet["B2"].value).startswith("=IF(")

    return check


answers(WB, "names-starting-with-=", _workbook_check("=1+1"), _in_tmp("evil.xlsx"), (EVIL, CASE_2))
answers(WB, "str-path-new-folder", holds(lambda p: Path(p).is_file()), _in_tmp("new/b.xlsx", True))
answers(WB, "suffix-XLSX", holds(lambda p: Path(p).is_file()), _in_tmp("b.XLSX"))
answers(
    WB,
    "a-class-name-of-32764-in-p()",
    holds(lambda p: len(_sheet(p)["C6"].value) == 32_767),
    _in_tmp("long.xlsx"),
    (_with_a_long_class_name(32_764), CASE_2),
)


# --------------------------------------------------------------------------------------------------
# runs and curves: a run from curves alone, and one that recorded its predictions
# --------------------------------------------------------------------------------------------------

HISTORY = {
    "loss": [1.0, 0.6, 0.4],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [1.1, 0.7, 0.9],
    "val_accuracy": [0.5, 0.75, 0.8],
}
VAL_P = {
    1: [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]],
    2: [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.05, 0.05, 0.9]],
}
Y_VAL = [0, 1, 2, 2]
LOG_P = {epoch: np.log(p) for epoch, p in VAL_P.items()}
RUN = runs.Run(HISTORY, y_val=Y_VAL, val_log_probabilities=LOG_P, x_val=np.zeros((4, 8, 8, 1)))
CURVES_ONLY = runs.Run(HISTORY)
EVERY_LOG_P = {1: LOG_P[1], 2: LOG_P[2], 3: LOG_P[2]}


def _seeded(seed):
    """A run that recorded every epoch on validation and test samples, and knows its seed."""
    recorded = {"val_log_probabilities": EVERY_LOG_P, "test_log_probabilities": EVERY_LOG_P}
    return runs.Run(HISTORY, y_val=Y_VAL, y_test=Y_VAL, seed=seed, **recorded)


SEEDED = [_seeded(0), _seeded(1)]


class FakeHistory:
    """What `model.fit` returns, as far as a run is concerned: an object with `.history`."""

    def __init__(self, history):
        self.history = history


BAD_RUNS = [
    ("None", None),
    ("'abc'", "abc"),
    ("5", 5),
    ("[]", []),
    ("{}", {}),
    ("[history]", [HISTORY]),
    ("curves-of-different-lengths", {**HISTORY, "val_loss": [1.0, 0.5]}),
    ("a-string-in-a-curve", {**HISTORY, "val_loss": [1.0, "a", 0.5]}),
    ("an-infinity-in-a-curve", {**HISTORY, "val_loss": [1.0, INF, 0.5]}),
    ("a-2-D-curve", {**HISTORY, "val_loss": [[1.0, 0.5, 0.4]]}),
    ("empty-curves", {"val_loss": [], "val_accuracy": []}),
    ("a-number-as-key", {1: [1.0, 0.5], "val_loss": [1.0, 0.5], "val_accuracy": [0.5, 0.6]}),
]
NO_VAL_ACCURACY = {"val_loss": [1.0, 0.5, 0.6]}

sweep(curves.summarize, {}, "run", BAD_RUNS)
sweep(curves.summarize, {}, "run", [("no-val_accuracy", NO_VAL_ACCURACY)])
sweep(
    curves.summarize, {}, "run", [("all-nan", {"val_loss": [NAN] * 3, "val_accuracy": [0.5] * 3})]
)
answers(
    curves.summarize,
    "dict",
    equals(
        {
            "best_epoch": 2,
            "best_val_loss": 0.7,
            "final_val_loss": 0.9,
            "loss_ratio": 0.9 / 0.7,
            "val_accuracy_at_best": 0.75,
            "final_val_accuracy": 0.8,
            "accuracy_change": 0.8 - 0.75,
            "diverged_epoch": None,
        }
    ),
    HISTORY,
)
answers(
    curves.summarize,
    "nan-epoch-in-the-middle",
    holds(lambda s: (s["best_epoch"], s["final_val_loss"], s["diverged_epoch"]) == (3, 0.6, 2)),
    {"val_loss": [0.9, NAN, 0.5, 0.6], "val_accuracy": [0.5, 0.1, 0.7, 0.7]},
)
answers(curves.summarize, "a-Run", holds(lambda s: s["best_epoch"] == 2), RUN)
answers(
    curves.summarize,
    "a-keras-History",
    holds(lambda s: s["best_epoch"] == 2),
    FakeHistory(HISTORY),
)

sweep(curves.opposite_moves, {}, "run", BAD_RUNS[:6])
sweep(
    curves.opposite_moves,
    {"run": HISTORY},
    "prefix",
    [("None", None), ("'train_'", "train_"), ("5", 5), ("'val'", "val")],
)
MOVES = {"val_loss": [1.0, 0.8, 0.9, 0.7], "val_accuracy": [0.5, 0.4, 0.6, 0.7]}
answers(
    curves.opposite_moves,
    "val",
    holds(
        lambda f: (
            (f["epoch"].tolist(), f["kind"].tolist())
            == ([2, 3], ["loss better, accuracy worse", "loss worse, accuracy better"])
        )
    ),
    MOVES,
)
answers(
    curves.opposite_moves,
    "prefix=''",
    holds(lambda f: f["epoch"].tolist() == []),
    HISTORY,
    prefix="",
)


ES = curves.early_stopping
ES_RUN = {
    "val_loss": [1.0, 0.8, 0.85, 0.79, 0.9, 0.95, 0.7, 1.0],
    "val_accuracy": [0.5, 0.6, 0.62, 0.61, 0.6, 0.64, 0.64, 0.63],
    "custom": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
}
sweep(ES, {}, "run", BAD_RUNS[:6])
sweep(
    ES, {"run": ES_RUN}, "monitor", [("None", None), ("''", ""), ("5", 5), ("'val_auc'", "val_auc")]
)
sweep(ES, {"run": ES_RUN}, "patience", bad_counts(0))
sweep(ES, {"run": ES_RUN}, "min_delta", BAD_REALS)
sweep(ES, {"run": ES_RUN}, "mode", [("None", None), ("'MIN'", "MIN"), ("5", 5), ("''", "")])
rejects(ES, "mode=auto-for-'custom'", "mode", ES_RUN, "custom")
for label, values, kwargs in (
    ("patience=0", ES_RUN["val_loss"], {"patience": 0}),
    ("patience=1", ES_RUN["val_loss"], {"patience": 1}),
    ("patience=2", ES_RUN["val_loss"], {"patience": 2}),
    ("min_delta=0.02", ES_RUN["val_loss"], {"patience": 2, "min_delta": 0.02}),
    ("min_delta=-0.02", ES_RUN["val_loss"], {"patience": 2, "min_delta": -0.02}),
    ("min_delta=-1", ES_RUN["val_loss"], {"patience": 2, "min_delta": -1}),
    ("nan-first-epoch", [NAN, 0.5, 0.4, 0.3], {"patience": 1}),
    ("nan-later-epoch", [1.0, NAN, 0.9, 0.95, 0.97], {"patience": 1}),
):
    answers(
        ES,
        label,
        equals(lambda values=values, kwargs=kwargs: keras_early_stopping(values, **kwargs)),
        {"val_loss": values},
        **kwargs,
    )
answers(
    ES,
    "val_accuracy-auto",
    equals(lambda: keras_early_stopping(ES_RUN["val_accuracy"], "val_accuracy", 1, mode="max")),
    ES_RUN,
    "val_accuracy",
    patience=1,
)
answers(
    ES,
    "custom-mode=max",
    equals(lambda: keras_early_stopping(ES_RUN["custom"], "custom", 1, mode="max")),
    ES_RUN,
    "custom",
    patience=1,
    mode="max",
)

COSTLY = curves.costliest_samples
sweep(
    COSTLY,
    {"epoch": 1},
    "run",
    [("None", None), ("dict", HISTORY), ("no-predictions", CURVES_ONLY)],
)
sweep(
    COSTLY,
    {"run": RUN},
    "epoch",
    [
        ("99", 99),
        ("0", 0),
        ("-1", -1),
        ("None", None),
        ("'1'", "1"),
        ("1.5", 1.5),
        ("True", True),
        ("[1]", [1]),
    ],
)
sweep(COSTLY, {"run": RUN, "epoch": 1}, "k", bad_counts(1))


def _costliest_check(epoch, order):
    def check(frame):
        assert frame["sample"].tolist() == order, str(frame)
        y = np.asarray(Y_VAL)[order]
        p = np.asarray(VAL_P[epoch])[order, y]
        np.testing.assert_allclose(frame["loss"], -np.log(p), rtol=1e-12)

    return check


answers(COSTLY, "k=2", _costliest_check(1, [2, 1]), RUN, 1, k=2)
answers(COSTLY, "epoch=int64-2", _costliest_check(2, [2, 1, 0, 3]), RUN, np.int64(2))
answers(COSTLY, "k=100", _costliest_check(1, [2, 1, 0, 3]), RUN, 1, k=100)

sweep(curves.loss_by_correctness, {}, "run", [("None", None), ("dict", HISTORY)])
sweep(curves.loss_by_correctness, {}, "run", [("no-predictions", CURVES_ONLY)])


def _by_correctness_check(frame):
    assert frame.index.tolist() == [1, 2]
    for epoch in (1, 2):
        p = np.asarray(VAL_P[epoch])[np.arange(4), Y_VAL]
        row = frame.loc[epoch]
        np.testing.assert_allclose(row["loss"], -np.log(p).mean(), rtol=1e-12)
        np.testing.assert_allclose(
            row["from correct samples"] + row["from wrong samples"], row["loss"], rtol=1e-12
        )


answers(curves.loss_by_correctness, "a-Run", _by_correctness_check, RUN)

# a Run checks what it holds
RUN_CLASS = runs.Run
GOOD_LOGP = {1: np.log([[0.6, 0.4], [0.3, 0.7]])}
sweep(
    RUN_CLASS,
    {},
    "history",
    [
        ("None", None),
        ("{}", {}),
        ("[]", []),
        ("'abc'", "abc"),
        ("a-string-in-a-curve", {"loss": [1.0, "a"]}),
        ("an-infinity", {"loss": [1.0, INF]}),
        ("different-lengths", {"loss": [1.0, 0.5], "val_loss": [1.0]}),
        ("an-empty-curve", {"loss": []}),
        ("a-2-D-curve", {"loss": [[1.0, 0.5]]}),
        ("a-scalar-curve", {"loss": 0.5}),
        ("a-number-as-key", {1: [1.0]}),
    ],
)
H2 = {"loss": [1.0, 0.5]}
# recorded log-probabilities that are not real numbers: text would be parsed, an imaginary part
# dropped
for label, spoiled_log_p in (
    ("text", GOOD_LOGP[1].astype(str)),
    ("complex", GOOD_LOGP[1] + 3j),
    ("objects", GOOD_LOGP[1].astype(object)),
):
    rejects(
        RUN_CLASS,
        f"log-p={label}",
        "val_log_probabilities",
        H2,
        y_val=[0, 1],
        val_log_probabilities={1: spoiled_log_p},
    )
for label, big in (
    ("1e12", 1e12),
    ("1e300", 1e300),
    ("2**63-as-uint64", np.array([2**63], np.uint64)),
):
    rejects(
        RUN_CLASS,
        f"y_train={label}",
        "y_train",
        H2,
        y_train=big if label.startswith("2**") else [big],
    )
rejects(
    RUN_CLASS,
    "x_test-of-another-shape",
    "x_test",
    H2,
    y_val=[0, 1],
    x_val=np.zeros((2, 8, 8, 1)),
    y_test=[0, 1],
    x_test=np.zeros((2, 5, 5, 3)),
)
sweep(
    runs.with_predictions, {"run": RUN}, "images", [("'False'", "False"), ("0", 0), ("None", None)]
)
for label, labels in (
    ("-1", [-1, 0]),
    ("1.5", [0, 1.5]),
    ("n_classes", [0, 2]),
    ("nan", [0, NAN]),
    ("'abc'", "abc"),
    ("2-D", [[0, 1]]),
    ("bools", [True, False]),
    ("strings", ["0", "1"]),
    ("[]", []),
):
    rejects(
        RUN_CLASS,
        f"y_val={label}",
        ("y_val", "val_log_probabilities"),  # the two disagree: either may be named
        H2,
        y_val=labels,
        val_log_probabilities=GOOD_LOGP,
    )
for label, labels in (("-1", [-1, 0]), ("1.5", [0, 1.5]), ("nan", [0, NAN])):
    rejects(RUN_CLASS, f"y_val={label}-nothing-recorded", "y_val", H2, y_val=labels)
    rejects(RUN_CLASS, f"y_test={label}", "y_test", H2, y_test=labels)
    rejects(RUN_CLASS, f"y_train={label}", "y_train", H2, y_train=labels)
sweep(
    RUN_CLASS,
    {"history": H2, "y_val": [0, 1]},
    "val_log_probabilities",
    [
        ("positive", {1: [[0.1, -0.1], [0.0, -1.0]]}),
        ("nan", {1: [[NAN, 0.0], [0.0, -1.0]]}),
        ("epoch-0", {0: GOOD_LOGP[1]}),
        ("epoch-3", {3: GOOD_LOGP[1]}),
        ("epoch-'1'", {"1": GOOD_LOGP[1]}),
        ("a-list", [GOOD_LOGP[1]]),
        ("'abc'", {1: "abc"}),
        ("ragged", {1: [[0.0, -1.0], [0.0]]}),
        ("None", {1: None}),
        ("one-class", {1: [[0.0], [0.0]]}),
        ("three-rows", {1: np.log([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]])}),
        ("rows-not-summing-to-1", {1: [[0.0, 0.0], [0.0, 0.0]]}),
    ],
)
rejects(
    RUN_CLASS,
    "val_log_probabilities-without-y_val",
    ("val_log_probabilities", "y_val"),
    H2,
    val_log_probabilities=GOOD_LOGP,
)
rejects(RUN_CLASS, "x_val-without-y_val", "x_val", H2, x_val=np.zeros((2, 8, 8, 1)))
rejects(RUN_CLASS, "x_val-wrong-count", "x_val", H2, y_val=[0, 1], x_val=np.zeros((3, 8, 8, 1)))
sweep(
    RUN_CLASS, {"history": H2}, "config", [("'abc'", "abc"), ("None", None), ("pairs", [("a", 1)])]
)
sweep(RUN_CLASS, {"history": H2}, "seconds", [("'abc'", "abc"), ("nan", NAN), ("-1", -1.0)])
sweep(RUN_CLASS, {"history": H2}, "seconds", [("None", None)])
sweep(
    RUN_CLASS,
    {"history": H2},
    "epoch_seconds",
    [("'abc'", "abc"), ("5", 5), ("None", None), ("one-of-two", (1.0,)), ("nan", (NAN, 1.0))],
)
answers(
    RUN_CLASS,
    "float-labels-and-a-nan-epoch",
    holds(lambda r: (r.y_val.tolist(), r.epochs, r.epoch_seconds) == ([0, 1], 2, (1.0, 2.0))),
    {"loss": [1.0, NAN]},
    y_val=[0.0, 1.0],
    val_log_probabilities=GOOD_LOGP,
    epoch_seconds=[1, 2],
)
RECORDED = method(runs.Run, "recorded")
sweep(RECORDED, {"instance": RUN}, "epoch", [("99", 99), ("None", None), ("True", True)])
rejects(RECORDED, "no-predictions", ("epoch", "val_log_probabilities"), CURVES_ONLY, 1)
answers(RECORDED, "epoch=1", close_to(LOG_P[1]), RUN, 1)

sweep(
    runs.as_run,
    {},
    "run",
    [("None", None), ("5", 5), ("'abc'", "abc"), ("{}", {}), ("[history]", [HISTORY])],
)
answers(runs.as_run, "a-Run", holds(lambda r: r is RUN), RUN)
sweep(runs.with_predictions, {}, "run", [("None", None), ("curves", HISTORY)])
rejects(runs.with_predictions, "no-predictions", "run", CURVES_ONLY)
rejects(runs.with_predictions, "name=model", "model", CURVES_ONLY, name="model")
answers(runs.with_predictions, "a-recorded-Run", holds(lambda r: r is RUN), RUN)
answers(
    runs.as_run,
    "a-keras-History",
    holds(lambda r: r.val_loss.tolist() == HISTORY["val_loss"]),
    FakeHistory(HISTORY),
)


# --------------------------------------------------------------------------------------------------
# plots and widgets
# --------------------------------------------------------------------------------------------------


def _axes_3d(_tmp=None):
    return plt.figure().add_subplot(projection="3d")


def _polar_axes(_tmp=None):
    return plt.figure().add_subplot(projection="polar")


def _a_panel():
    return plt.subplots(layout="constrained")[1]


def _axisartist_axes(_tmp=None):
    from mpl_toolkits import axisartist

    return plt.figure(layout="constrained").add_subplot(axes_class=axisartist.Axes)


def _with_a_twin(_tmp=None):
    ax = _a_panel()
    ax.twinx()
    return ax


def _minor_labelled(_tmp=None):
    ax = _a_panel()
    ax.set_yticks([0.123], labels=["stray"], minor=True)
    return ax


def _with_an_inset(_tmp=None):
    ax = _a_panel()
    ax.inset_axes([0.05, 0.05, 0.9, 0.9])
    return ax


def _with_a_secondary_axis(_tmp=None):
    ax = _a_panel()
    ax.secondary_yaxis("right", functions=(lambda v: 100 * v, lambda v: v / 100))
    return ax


def _under_another_panel(_tmp=None):
    figure = plt.figure(layout="constrained")
    ax = figure.add_subplot(2, 2, 1)
    figure.add_subplot(2, 1, 1)  # the top half: over the first quarter
    return ax


def _under_another_grid(_tmp=None):
    """A panel of a grid over the left of the figure, which constrained layout widens under the
    panel of another grid on the right."""
    figure = plt.figure(layout="constrained")
    ax = figure.add_subplot(figure.add_gridspec(1, 1, right=0.45)[0])
    figure.add_subplot(figure.add_gridspec(1, 1, left=0.55)[0])
    return ax


def _beside_a_moved_panel(_tmp=None):
    _, axes = plt.subplots(1, 2, layout="constrained")
    axes[1].set_position([0.3, 0.3, 0.5, 0.5])  # out of its cell, over the first
    return axes[0]


def _tuned(change):
    ax = _a_panel()
    change(ax)
    return ax


def _preset(axis: str, what: str):
    """A panel whose `axis` ("x" or "y") has its tick positions or labels (`what`) set."""
    from matplotlib.ticker import FixedLocator, StrMethodFormatter

    def made(_tmp=None):
        ax = _a_panel()
        ticks = getattr(ax, f"{axis}axis")
        if what == "locator":
            ticks.set_major_locator(FixedLocator([100, 200]))
        else:
            ticks.set_major_formatter(StrMethodFormatter("{x:.0f}"))
        return ax

    return made


# text, a number, and Axes that are not of x and y (where a figure would fail inside matplotlib)
BAD_AX = [
    ("'abc'", "abc"),
    ("5", 5),
    ("3-D", Lazy(_axes_3d, "3-D")),
    ("polar", Lazy(_polar_axes, "polar")),
    # and ones whose ticks and labels would be drawn over the figure's, or not be the figure's
    ("axisartist", Lazy(_axisartist_axes, "axisartist")),
    ("a-twin", Lazy(lambda _: _a_panel().twinx(), "twin")),
    ("with-a-twin", Lazy(_with_a_twin, "with a twin")),
    ("an-inset", Lazy(lambda _: _a_panel().inset_axes([0.1, 0.1, 0.8, 0.8]), "inset")),
    ("y-ticks-placed", Lazy(_preset("y", "locator"), "FixedLocator")),
    ("x-ticks-formatted", Lazy(_preset("x", "formatter"), "StrMethodFormatter")),
    ("minor-ticks-labelled", Lazy(_minor_labelled, "minor tick labels")),
    ("with-an-inset", Lazy(_with_an_inset, "with an inset")),
    ("with-a-secondary-axis", Lazy(_with_a_secondary_axis, "with a secondary axis")),
    ("under-another-panel", Lazy(_under_another_panel, "under another panel")),
    ("under-a-panel-of-another-grid", Lazy(_under_another_grid, "grids laid out over it")),
    ("beside-a-panel-placed-over-it", Lazy(_beside_a_moved_panel, "a panel moved over it")),
    ("margins-set", Lazy(lambda _: _tuned(lambda ax: ax.margins(5)), "margins(5)")),
    ("ticks-tuned", Lazy(lambda _: _tuned(lambda ax: ax.locator_params(steps=[7])), "steps")),
    (
        "an-offset-set",
        Lazy(lambda _: _tuned(lambda ax: ax.ticklabel_format(useOffset=1000)), "useOffset"),
    ),
    (
        "a-spine-moved",
        Lazy(lambda _: _tuned(lambda ax: ax.spines["left"].set_position("center")), "spine"),
    ),
    ("turned-off", Lazy(lambda _: _tuned(lambda ax: ax.axis("off")), "axis off")),
    ("hidden", Lazy(lambda _: _tuned(lambda ax: ax.set_visible(False)), "hidden")),
    ("x-axis-hidden", Lazy(lambda _: _tuned(lambda ax: ax.xaxis.set_visible(False)), "no x")),
    ("with-a-title", Lazy(lambda _: _tuned(lambda ax: ax.set_title("mine")), "a title")),
    ("holding-a-line", Lazy(lambda _: _tuned(lambda ax: ax.plot([0, 100], [0, 100])), "a line")),
    (
        "a-label-on-the-right",
        Lazy(lambda _: _tuned(lambda ax: ax.yaxis.set_label_position("right")), "label right"),
    ),
    (
        "tick-labels-hidden",
        Lazy(lambda _: _tuned(lambda ax: ax.tick_params(labelleft=False)), "labelleft=False"),
    ),
]
PPS = plots.plot_prediction_sets
for argument in ("a", "b"):
    sweep(PPS, {"a": CASE_1, "b": CASE_2}, argument, [("None", None), ("'case'", "case"), ("5", 5)])
sweep(PPS, {"a": CASE_1, "b": CASE_2}, "ax", BAD_AX)
answers(
    PPS,
    "title='=1+1'",
    all_of(is_axes, holds(lambda ax: len(ax.patches) == 6)),
    CASE_1,
    CASE_2,
    title="=1+1",
)

SIMPLEX = plots.plot_simplex
sweep(SIMPLEX, {}, "loss_level", BAD_POSITIVES)
sweep(
    SIMPLEX,
    {},
    "points",
    [
        ("a-list", [[0.2, 0.3, 0.5]]),
        ("'abc'", "abc"),
        ("5", 5),
        ("two-probabilities", {"a": [0.5, 0.5]}),
        ("not-summing-to-1", {"a": [0.5, 0.3, 0.3]}),
        ("negative", {"a": [-0.1, 0.6, 0.5]}),
        ("a-None", {"a": None}),
        ("nan", {"a": [NAN, 0.5, 0.5]}),
        # labels read as text: one would hide the other
        ("labels-that-read-alike", {1: [0.6, 0.3, 0.1], "1": [0.2, 0.3, 0.5]}),
        ("labels-alike-but-for-an-empty-line", {"a": [0.6, 0.3, 0.1], "a\n": [0.2, 0.3, 0.5]}),
    ],
)
sweep(SIMPLEX, {}, "ax", BAD_AX)
rejects(  # laid out, its corner labels would leave the triangle a pixel
    SIMPLEX,
    "ax-too-small-for-its-labels",
    "ax",
    points={"t": [0.5, 0.3, 0.2]},
    ax=Lazy(lambda _: plots.subplots(height=1.2)[1], "1.2 inches high"),
)
for label, value in (("1e308", 1e308), ("1e-308", 1e-308), ("1", 1)):
    answers(SIMPLEX, f"loss_level={label}", is_axes, loss_level=value)
answers(SIMPLEX, "points-named-=", is_axes, points={"=x": [1, 0, 0]})

RIVAL = plots.plot_rival_plane
sweep(RIVAL, {}, "n_classes", bad_counts(2))
sweep(RIVAL, {}, "loss_level", BAD_POSITIVES)
sweep(RIVAL, {}, "ax", BAD_AX)
answers(RIVAL, "n_classes=2", is_axes, n_classes=2)
answers(RIVAL, "n_classes=int64", is_axes, n_classes=np.int64(3), loss_level=1e308)

ALONG_FRAME = pd.DataFrame(
    {"alpha": [0.0, 0.5, 1.0], "loss": [1.0, 0.6, 0.3], "accuracy": [0.3] * 3}
)
BAD_FRAMES = [
    ("None", None),
    ("'abc'", "abc"),
    ("empty-DataFrame", pd.DataFrame()),
    ("missing-a-column", ALONG_FRAME.drop(columns="accuracy")),
]
sweep(plots.plot_along_line, {}, "frame", BAD_FRAMES)
rejects(  # near a float's limit, matplotlib's margins and ticks overflow
    plots.plot_along_line, "frame=loss-1.7e308", "frame", ALONG_FRAME.assign(loss=1.7e308)
)
sweep(plots.plot_along_line, {"frame": ALONG_FRAME}, "ax", BAD_AX)
answers(plots.plot_along_line, "frame", is_axes, ALONG_FRAME)

BY_CORRECTNESS = pd.DataFrame(
    {"from correct samples": [0.3, 0.2], "from wrong samples": [0.5, 0.7]}, index=[1, 2]
)
sweep(plots.plot_loss_by_correctness, {}, "frame", BAD_FRAMES[:3])
sweep(
    plots.plot_loss_by_correctness,
    {},
    "frame",
    [("missing-a-column", BY_CORRECTNESS.drop(columns="from wrong samples"))],
)
sweep(plots.plot_loss_by_correctness, {"frame": BY_CORRECTNESS}, "ax", BAD_AX)
rejects(  # parts of a float each, whose sum is not one
    plots.plot_loss_by_correctness,
    "frame=parts-of-1.5e308",
    "frame",
    BY_CORRECTNESS * 1.5e308,
)
answers(plots.plot_loss_by_correctness, "frame", is_axes, BY_CORRECTNESS)
rejects(  # too low for its labels: the room is named, not the labels the figure writes
    plots.plot_loss_by_correctness,
    "ax-too-low-for-its-labels",
    "ax",
    BY_CORRECTNESS,
    ax=Lazy(lambda _: plt.subplots(figsize=(5.5, 0.8), layout="constrained")[1], "0.8 inches"),
)

PLOT_RUN = plots.plot_run
sweep(PLOT_RUN, {}, "run", BAD_RUNS)
sweep(PLOT_RUN, {}, "run", [("no-training-curves", {k: HISTORY[k] for k in HISTORY if "val" in k})])
sweep(PLOT_RUN, {"run": HISTORY}, "axes", BAD_AX)
rejects(PLOT_RUN, "axes=one", "axes", HISTORY, axes=Lazy(lambda _: plt.subplots()[1]))
rejects(PLOT_RUN, "run=accuracy-60", "run", {**HISTORY, "accuracy": [60.0] * len(HISTORY["loss"])})
two_panels = holds(lambda axes: len(axes) == 2 and all(isinstance(a, plt.Axes) for a in axes))
answers(PLOT_RUN, "dict", two_panels, HISTORY)
answers(PLOT_RUN, "a-Run", two_panels, RUN)
answers(PLOT_RUN, "a-keras-History", two_panels, FakeHistory(HISTORY))

ANSWER = plots.plot_answer
ANSWER_RUN = runs.Run(HISTORY, y_val=Y_VAL, val_log_probabilities={**LOG_P, 3: LOG_P[2]})
sweep(ANSWER, {}, "run", [("a-dict", HISTORY), ("curves-only", CURVES_ONLY), ("no-last", RUN)])
sweep(ANSWER, {"run": ANSWER_RUN}, "axes", BAD_AX)
rejects(ANSWER, "axes=one", "axes", ANSWER_RUN, axes=Lazy(lambda _: plt.subplots()[1]))
answers(ANSWER, "a-Run", two_panels, ANSWER_RUN)

SUBPLOTS = plots.subplots
sweep(SUBPLOTS, {}, "nrows", [("0", 0), ("'2'", "2")])
sweep(SUBPLOTS, {}, "height", [("-1", -1.0), ("1e-300", 1e-300), ("0.4", 0.4)])
sweep(SUBPLOTS, {}, "width", [("9", 9.0), ("0", 0)])
answers(SUBPLOTS, "two-rows", holds(lambda made: len(made[1]) == 2), 2, 1)
sweep(
    SUBPLOTS,
    {"ncols": 2},
    "width_ratios",
    [("1e17-to-1", [1e17, 1]), ("0-d", np.array(2.0)), ("a-dict", {0: 1, 1: 2})],
)


def _drawn(made) -> bool:
    made[0].canvas.draw()
    return True


answers(  # ratios are relative: two subnormal ones are two equal panels
    SUBPLOTS, "width_ratios=two-subnormals", holds(_drawn), 1, 2, width_ratios=[1e-310, 1e-310]
)
answers(
    PLOT_RUN,
    "nan-epoch",
    two_panels,
    {**HISTORY, "val_loss": [1.1, NAN, 0.9], "loss": [1.0, NAN, 0.4]},
)
rejects(PLOT_RUN, "one-epoch", "run", {k: v[:1] for k, v in HISTORY.items()})
answers(
    PLOT_RUN,
    "all-nan-but-one",
    two_panels,
    {**HISTORY, "val_loss": [NAN, NAN, 0.9], "loss": [NAN, NAN, NAN]},
)

HIST = plots.plot_true_class_histograms
sweep(HIST, {"epochs": [1]}, "run", [("None", None), ("{}", {}), ("curves-only", HISTORY)])
sweep(
    HIST,
    {"run": RUN},
    "epochs",
    [("5", 5), ("[]", []), ("[99]", [99]), ("None", None), ("[True]", [True]), *ONE_NUMBER],
)
sweep(HIST, {"run": RUN, "epochs": [1]}, "axes", BAD_AX)
rejects(
    HIST, "axes=one-for-two-epochs", "axes", RUN, [1, 2], axes=Lazy(lambda _: plt.subplots()[1])
)
answers(HIST, "a-Run", holds(lambda axes: len(axes) == 2), RUN, [1, 2])

COSTLY_TABLE = pd.DataFrame(  # curves.costliest_samples(RUN, 1, k=2)
    {
        "sample": [2, 1],
        "true class": [2, 1],
        "predicted": [0, 1],
        "p(true class)": [0.1, 0.5],
        "p(predicted)": [0.6, 0.5],
        "loss": [-math.log(0.1), -math.log(0.5)],
        "share of all the loss": [0.65, 0.2],
    }
)
PC = plots.plot_costliest
sweep(PC, {"table": COSTLY_TABLE}, "run", [("None", None), ("curves-only", HISTORY)])
sweep(
    PC,
    {"run": RUN},
    "table",
    [
        ("None", None),
        ("'abc'", "abc"),
        ("empty-DataFrame", pd.DataFrame()),
        ("missing-a-column", COSTLY_TABLE.drop(columns="loss")),
        ("sample-out-of-range", COSTLY_TABLE.assign(sample=[99, 1])),
    ],
)
sweep(PC, {"run": RUN, "table": COSTLY_TABLE}, "axes", BAD_AX)
answers(PC, "a-Run", holds(lambda axes: len(axes) == 2), RUN, COSTLY_TABLE)

RELIABILITY = plots.plot_reliability
BINS = pd.DataFrame(
    {
        "lower": [0.0, 0.5],
        "upper": [0.5, 1.0],
        "count": [10, 30],  # enough samples in each bin for a bar and a gap box
        "accuracy": [0.0, 1.0],
        "confidence": [0.4, 0.7],
        "gap": [-0.4, 0.3],
    }
)
sweep(
    RELIABILITY,
    {},
    "bins",
    [
        ("None", None),
        ("'abc'", "abc"),
        ("empty-DataFrame", pd.DataFrame()),
        ("missing-a-column", BINS.drop(columns="count")),
        ("no-rows", BINS.iloc[:0]),
    ],
)
sweep(RELIABILITY, {"bins": BINS}, "ax", BAD_AX)
sweep(RELIABILITY, {"bins": BINS}, "title", [("5", 5)])
sweep(RELIABILITY, {"bins": BINS}, "legend", [("'no'", "no"), ("None", None)])
answers(RELIABILITY, "bins", all_of(is_axes, holds(lambda ax: len(ax.patches) == 4)), BINS)

SWEEP = plots.plot_threshold_sweep
sweep(
    SWEEP, {"scores": P}, "y_true", [("None", None), ("2", [0, 2, 1, 1]), ("nan", [0, NAN, 1, 1])]
)
rejects(SWEEP, "y_true=too-short", ("y_true", "scores"), [0, 1, 1], P)
sweep(SWEEP, {"y_true": Y}, "scores", [("None", None), ("nan", [NAN, 0.6, 0.4, 0.9])])
sweep(SWEEP, {"y_true": Y}, "scores", [("above-1", [0.1, 1.6, 0.4, 0.9]), ("'abc'", "abc")])
sweep(SWEEP, {"y_true": Y, "scores": P}, "threshold", BAD_FRACTIONS)
sweep(SWEEP, {"y_true": Y, "scores": P}, "ax", BAD_AX)
for label, threshold in (("0", 0), ("1", 1), ("0.3", 0.3)):
    answers(
        SWEEP,
        f"threshold={label}",
        all_of(is_axes, holds(lambda ax: len(ax.get_lines()) == 6)),
        Y,
        P,
        threshold,
    )

CLIP_FRAME = pd.DataFrame({"p_true": [1e-9, 0.5, 1.0], "from probabilities": [16.1, 0.69, 0.0]})
sweep(
    plots.plot_clipping,
    {},
    "frame",
    [
        ("None", None),
        ("dict", {"p_true": [0.5]}),
        ("no-p_true", CLIP_FRAME.drop(columns="p_true")),
        ("only-p_true", CLIP_FRAME[["p_true"]]),
    ],
)
sweep(plots.plot_clipping, {"frame": CLIP_FRAME}, "ax", BAD_AX)
answers(plots.plot_clipping, "frame", is_axes, CLIP_FRAME)

RESOLUTION_TABLE = pd.DataFrame(  # two rows of resolution.accuracy_resolution_table()
    {
        "loss": ["binary_crossentropy", "binary_crossentropy"],
        "output units": [1, 3],
        "labels": ["(N,)", "(N,)"],
        "accuracy becomes": ["BinaryAccuracy", ""],
        "warning": ["", ""],
        "error": ["", "ValueError: shapes"],
    }
)
sweep(
    plots.plot_resolution,
    {},
    "table",
    [("None", None), ("no-error-column", RESOLUTION_TABLE.drop(columns="error"))],
)
rejects(
    plots.plot_resolution,
    "table=duplicated-rows",
    "table",
    pd.concat([RESOLUTION_TABLE, RESOLUTION_TABLE]),
)
sweep(plots.plot_resolution, {"table": RESOLUTION_TABLE}, "ax", BAD_AX)
answers(plots.plot_resolution, "table", is_axes, RESOLUTION_TABLE)

EPOCH_TABLE = pd.DataFrame(
    {
        "batch size": [32, 32, 26],
        "loss before the step": [1.2, 0.8, 0.5],
        "running mean": [1.2, 1.0, 0.86],
    },
    index=pd.RangeIndex(1, 4, name="batch"),
)
sweep(
    plots.plot_epoch_losses,
    {"loss_after": 0.4},
    "table",
    [("None", None), ("no-running-mean", EPOCH_TABLE.drop(columns="running mean"))],
)
sweep(
    plots.plot_epoch_losses,
    {"table": EPOCH_TABLE},
    "loss_after",
    [("None", None), ("-1", -1.0), ("nan", NAN), ("'0.4'", "0.4"), ("1.7e308", 1.7e308)],
)
rejects(
    plots.plot_epoch_losses,
    "table=losses-1.7e308",
    "table",
    EPOCH_TABLE.assign(**{"loss before the step": 1.7e308}),
    0.4,
)
answers(plots.plot_epoch_losses, "loss_after=0", is_axes, EPOCH_TABLE, 0.0)  # all learnt
sweep(plots.plot_epoch_losses, {"table": EPOCH_TABLE, "loss_after": 0.4}, "ax", BAD_AX)
answers(plots.plot_epoch_losses, "table", is_axes, EPOCH_TABLE, 0.4)

LOSS_ECE = plots.plot_loss_and_ece
sweep(LOSS_ECE, {}, "run", [("None", None), ("dict", HISTORY), ("no-predictions", CURVES_ONLY)])
sweep(
    LOSS_ECE,
    {"run": RUN},
    "epochs",
    [
        *[("5", 5), ("[]", []), ("[99]", [99]), ("'1'", "1"), ("[True]", [True])],
        *[("[1.5]", [1.5]), *ONE_NUMBER],
    ],
)
sweep(LOSS_ECE, {"run": RUN}, "n_bins", bad_counts(1))
sweep(LOSS_ECE, {"run": RUN}, "ax", BAD_AX)
answers(LOSS_ECE, "a-Run", is_axes, RUN)
answers(LOSS_ECE, "epochs=[2]", is_axes, RUN, [2])

HISTORY2 = {k: v[:2] for k, v in HISTORY.items()}
RUN2 = runs.Run(HISTORY2, y_val=Y_VAL, val_log_probabilities=LOG_P)
SMOOTHED = runs.Run(
    {**HISTORY2, "val_cross_entropy": [1.0, 0.6]}, y_val=Y_VAL, val_log_probabilities=LOG_P
)
SMOOTHING = plots.plot_label_smoothing
sweep(
    SMOOTHING,
    {"smoothed": SMOOTHED},
    "run",
    [("None", None), ("dict", HISTORY2), ("no-last-epoch", RUN)],
)
sweep(
    SMOOTHING,
    {"run": RUN2},
    "smoothed",
    [("None", None), ("dict", HISTORY2), ("no-val_cross_entropy", RUN2)],
)
sweep(SMOOTHING, {"run": RUN2, "smoothed": SMOOTHED}, "n_bins", bad_counts(1))
sweep(SMOOTHING, {"run": RUN2, "smoothed": SMOOTHED}, "axes", BAD_AX)
rejects(
    SMOOTHING,
    "axes=only-one",
    "axes",
    RUN2,
    SMOOTHED,
    axes=Lazy(lambda _: plt.subplots()[1], "one-axes"),
)
answers(SMOOTHING, "two-runs", holds(lambda axes: len(axes) == 2), RUN2, SMOOTHED)


def _panel_and_inset(_):
    _, (top, bottom) = plt.subplots(2, 1, layout="constrained")
    return [top, bottom.inset_axes([0.1, 0.1, 0.8, 0.8])]


rejects(SMOOTHING, "axes=a-panel-and-an-inset", "axes", RUN2, SMOOTHED, axes=Lazy(_panel_and_inset))


def _one_formatted(_):
    from matplotlib.ticker import StrMethodFormatter

    _, axes = plt.subplots(2, 1, layout="constrained")
    axes[1].yaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
    return axes


rejects(PLOT_RUN, "axes=one-with-its-ticks-formatted", "axes", HISTORY, axes=Lazy(_one_formatted))

A, B = (0.9, 0.9, 0.3), (0.4, 0.4, 0.4)
BAD_P_TRUE = [
    *NOT_ARRAYS,
    *spoiled(list(A)),
    ("-0.1", [-0.1, 0.9, 0.3]),
    ("1.1", [1.1, 0.9, 0.3]),
    ("2-D", [list(A)]),
]
ES_SETS = widgets.explorer_sets
sweep(ES_SETS, {"p_true_b": B}, "p_true_a", BAD_P_TRUE)
sweep(ES_SETS, {"p_true_a": A}, "p_true_b", BAD_P_TRUE[:5] + BAD_P_TRUE[-3:])
sweep(ES_SETS, {"p_true_a": A, "p_true_b": B}, "n_classes", bad_counts(2))


def _explorer_sets_check(disagree, n_classes=3):
    def check(pair):
        a, b = pair
        assert (a.name, b.name) == ("A", "B")
        np.testing.assert_allclose(a.true_class_probabilities, A, rtol=1e-3)
        assert a.y_true.tolist() == [i % n_classes for i in range(3)]
        assert counterexample.disagree(a, b) is disagree

    return check


answers(ES_SETS, "the-counterexample", _explorer_sets_check(True), A, B)
answers(ES_SETS, "float16", _explorer_sets_check(True), np.float16(A), np.float16(B))
answers(ES_SETS, "n_classes=2", _explorer_sets_check(False, 2), A, B, n_classes=2)

DRAW = widgets.draw_explorer_state
sweep(DRAW, {"p_true_b": B}, "p_true_a", [("None", None), ("nan", [NAN, 0.9, 0.3]), ("1.1", [1.1])])
sweep(DRAW, {"p_true_a": A, "p_true_b": B}, "n_classes", [("0", 0), ("None", None), ("2.5", 2.5)])
sweep(DRAW, {"p_true_a": A, "p_true_b": B}, "ax", BAD_AX)
answers(DRAW, "title='=1+1'", is_axes, A, B, title="=1+1")

PE = widgets.prediction_explorer
sweep(PE, {}, "p_true_a", [("None", None), ("nan", [NAN, 0.9, 0.3]), ("-0.1", [-0.1]), ("[]", [])])
sweep(PE, {}, "p_true_b", [("None", None), ("1.1", [1.1, 0.4, 0.4]), ("'abc'", "abc")])
sweep(PE, {}, "n_classes", [("0", 0), ("1", 1), ("None", None), ("'3'", "3"), ("2.5", 2.5)])
answers(PE, "defaults", is_widget)
sweep(PE, {}, "p_true_a", [("0.995", [0.995, 0.9, 0.3]), ("0", [0.0, 0.9, 0.3])])  # off the sliders
sweep(PE, {}, "n_classes", [("2**64", 2**64), ("1001", 1001)])
sweep(
    widgets.explorer_sets, {"p_true_a": [0.9], "p_true_b": [0.4]}, "n_classes", [("2**64", 2**64)]
)

DTS = widgets.draw_temperature_state
DTS_BASE = {"y_true": CY, "logits": CL, "temperature": 1.0}
sweep(DTS, DTS_BASE, "y_true", [("None", None), *BAD_LABELS])
sweep(DTS, DTS_BASE, "logits", [("None", None), ("nan", spoiled(CL)[0][1]), *BAD_LOGITS])
sweep(DTS, DTS_BASE, "temperature", BAD_POSITIVES)
sweep(DTS, DTS_BASE, "n_bins", [("0", 0), ("2.5", 2.5), ("True", True), ("None", None)])
sweep(DTS, DTS_BASE, "ax", BAD_AX)
sweep(DTS, DTS_BASE, "legend", [("'no'", "no"), ("1", 1)])
answers(
    DTS,
    "temperature=2",
    holds(lambda ax: ax.get_title("left").startswith("T = 2.00")),
    CY,
    CL,
    2,
)

# labels as a column: the title's accuracy is that of the labels, not of a (N, N) broadcast
LABELS3, LOGITS3 = [0, 1, 0], np.log([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
answers(
    DTS,
    "y_true=(N,1)",
    holds(lambda ax: ax.get_title("left").endswith("accuracy 66.7%")),
    [[0], [1], [0]],
    LOGITS3,
    1.0,
)
answers(
    DTS, "Fraction", holds(lambda ax: "T = 0.50" in ax.get_title("left")), CY, CL, Fraction(1, 2)
)

TE = widgets.temperature_explorer
sweep(TE, {"y_true": CY, "logits": CL}, "temperature", [("0.2", 0.2), ("9", 9.0)])
for value in (np.float32(2), np.int64(2), Fraction(1, 2)):
    answers(
        TE,
        f"temperature={value!r}",
        holds(lambda w: isinstance(w.temperature, float)),
        CY,
        CL,
        temperature=value,
    )
sweep(TE, {"logits": CL}, "y_true", [("None", None), *BAD_LABELS])
sweep(TE, {"y_true": CY}, "logits", [("None", None), ("nan", spoiled(CL)[0][1]), *BAD_LOGITS])
sweep(TE, {"y_true": CY, "logits": CL}, "n_bins", [("0", 0), ("2.5", 2.5), ("None", None)])
answers(TE, "valid", is_widget, CY, CL)

TH = widgets.threshold_explorer
sweep(TH, {"scores": P}, "y_true", [("None", None), ("2", [0, 2, 1, 1]), ("nan", [0, NAN, 1, 1])])
rejects(TH, "y_true=too-short", ("y_true", "scores"), [0, 1, 1], P)
sweep(TH, {"y_true": Y}, "scores", [("None", None), ("nan", [NAN, 0.6, 0.4, 0.9]), ("2-D", [P, P])])
sweep(TH, {"y_true": Y, "scores": P}, "threshold", BAD_FRACTIONS)
sweep(TH, {"y_true": Y, "scores": P}, "threshold", [("0", 0.0), ("1", 1.0)])  # off its slider
answers(TH, "valid", is_widget, Y, P)
sweep(TE, {"y_true": CY, "logits": CL}, "temperature", BAD_POSITIVES)

EE = widgets.epoch_explorer
BAD_EXPLORED_RUNS = [("None", None), ("dict", HISTORY), ("curves-only", CURVES_ONLY)]
ALL_NAN = runs.Run(
    {**HISTORY, "val_loss": [NAN] * 3}, y_val=Y_VAL, val_log_probabilities=LOG_P, x_val=RUN.x_val
)
sweep(EE, {}, "run", [*BAD_EXPLORED_RUNS, ("no-images", RUN2), ("all-nan-loss", ALL_NAN)])
sweep(EE, {"run": RUN}, "k", bad_counts(1))
BAD_EPOCH_LISTS = [("'1'", "1"), ("[]", []), ("[99]", [99]), ("[1.5]", [1.5]), ("[None]", [None])]
sweep(EE, {"run": RUN}, "epochs", [*BAD_EPOCH_LISTS, ("5", 5), *ONE_NUMBER])
BAD_EPOCHS = [("3", 3), ("'1'", "1"), ("True", True), ("1.0", 1.0), ("duration", np.timedelta64(2))]
sweep(EE, {"run": RUN, "epochs": [1, 2]}, "epoch", BAD_EPOCHS)
answers(EE, "valid", holds(lambda e: e.epochs == [1, 2] and e.epoch == 2), RUN)
answers(
    EE, "epochs=[2, 1, 2]", holds(lambda e: e.epochs == [1, 2] and e.epoch == 2), RUN, [2, 1, 2]
)
answers(EE, "epochs=[1]", holds(lambda e: e.epochs == [1] and e.epoch == 1), RUN, [1])
EXTREME = dataclasses.replace(  # pixels of -1e308 and 1e308: black and white, not all black
    RUN, x_val=np.where(np.arange(4 * 64).reshape(4, 8, 8, 1) % 2, 1e308, -1e308)
)
answers(
    EE,
    "images-of-1e308",
    holds(lambda e: sorted(set(widgets.unpack(e.images).ravel().tolist())) == [0, 255]),
    EXTREME,
)


# --------------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------------

BLOBS = data.blobs
sweep(BLOBS, {}, "n_samples", bad_counts(1))
sweep(BLOBS, {}, "n_classes", bad_counts(2))
sweep(BLOBS, {}, "spread", [*BAD_POSITIVES, ("1e308", 1e308)])
sweep(BLOBS, {}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)


def _blobs_check(n, k):
    def check(result):
        x, y = result
        assert x.shape == (n, 2) and x.dtype == np.float32 and np.isfinite(x).all()
        assert y.shape == (n,) and y.tolist() == [i % k for i in range(n)]

    return check


answers(BLOBS, "defaults", _blobs_check(90, 3))
answers(BLOBS, "fewer-samples-than-classes", _blobs_check(2, 3), n_samples=2, n_classes=3)
answers(BLOBS, "spread=1", _blobs_check(10, 3), n_samples=10, spread=1)
answers(BLOBS, "spread=1e-308", _blobs_check(10, 3), n_samples=10, spread=1e-308)
answers(BLOBS, "seed=2**32-1", _blobs_check(10, 3), n_samples=10, seed=2**32 - 1)
answers(BLOBS, "seed=int64", _blobs_check(10, 3), n_samples=10, seed=np.int64(3))

LOAD = data.load_split
TINY_SPLIT = {"n_train": 20, "n_val": 10, "n_test": 10}
sweep(
    LOAD,
    TINY_SPLIT,
    "dataset",
    [("'abc'", "abc"), ("None", None), ("''", ""), ("'DIGITS'", "DIGITS"), ("5", 5)],
)
for argument in ("n_train", "n_val", "n_test"):
    values = [v for v in bad_counts(1) if v[1] is not None or argument != "n_test"]
    sweep(LOAD, TINY_SPLIT, argument, values)  # n_test=None is all the rest
rejects(LOAD, "n_train=2000", "n_train", **{**TINY_SPLIT, "n_train": 2000})
rejects(LOAD, "n_val=2000", "n_val", **{**TINY_SPLIT, "n_val": 2000})
rejects(LOAD, "n_test=2000", "n_test", **{**TINY_SPLIT, "n_test": 2000})
rejects(
    LOAD,
    "n_train=1790-n_test=None",
    ("n_train", "n_val"),
    n_train=1790,
    n_val=10,
)
sweep(LOAD, TINY_SPLIT, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)


def _npz(name, **arrays):
    def make(tmp):
        path = tmp / name
        np.savez(path, **arrays)
        return path

    return Lazy(make, f"tmp/{name}")


def _text_file(tmp):
    (tmp / "notes.npz").write_text("not an npz file")
    return tmp / "notes.npz"


MNIST_LIKE = {
    "x_train": np.zeros((40, 28, 28), dtype=np.uint8),
    "y_train": np.arange(40) % 10,
    "x_test": np.zeros((12, 28, 28), dtype=np.uint8),
    "y_test": np.arange(12) % 10,
}
sweep(LOAD, TINY_SPLIT, "path", [("for-digits", "data.npz"), ("5", 5)])
sweep(
    LOAD,
    {**TINY_SPLIT, "dataset": "mnist"},
    "path",
    [
        ("missing-file", _in_tmp("absent.npz")),
        ("a-text-file", Lazy(_text_file, "tmp/notes.npz")),
        ("missing-arrays", _npz("partial.npz", x_train=MNIST_LIKE["x_train"])),
    ],
)
ODD_TEST = _npz("odd.npz", **{**MNIST_LIKE, "x_test": np.zeros((12, 20, 20), dtype=np.uint8)})
rejects(
    LOAD,
    "x_test-of-another-shape",
    ("path", "x_test"),
    **TINY_SPLIT,
    dataset="mnist",
    path=ODD_TEST,
)


def _split_check(name, n_train, n_val, n_test, image):
    def check(split):
        assert split.name == name
        assert split.x_train.shape == (n_train, *image) and split.y_train.shape == (n_train,)
        assert split.x_val.shape == (n_val, *image) and len(split.x_test) == n_test
        for x in (split.x_train, split.x_val, split.x_test):
            assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1

    return check


answers(LOAD, "tiny", _split_check("digits", 20, 10, 10, (8, 8, 1)), **TINY_SPLIT)
answers(
    LOAD,
    "n_test=None",
    _split_check("digits", 20, 10, 1797 - 30, (8, 8, 1)),
    n_train=20,
    n_val=10,
)
answers(
    LOAD,
    "mnist-from-a-local-file",
    _split_check("mnist", 20, 10, 5, (28, 28, 1)),
    "mnist",
    n_train=20,
    n_val=10,
    n_test=5,
    path=_npz("mnist.npz", **MNIST_LIKE),
)

IS = data.imbalanced_scores
rejects(IS, "share-leaving-no-common-sample", "minority_share", 10, Fraction(99, 100))
answers(IS, "Fraction", holds(lambda ys: ys[0].sum() == 1), 10, Fraction(1, 10))
sweep(IS, {}, "n_samples", bad_counts(2))
sweep(IS, {}, "minority_share", [*BAD_FRACTIONS, ("0", 0), ("1", 1)])
sweep(IS, {}, "separation", BAD_REALS)
sweep(IS, {}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
rejects(IS, "no-majority-left", ("minority_share", "n_samples"), n_samples=10, minority_share=0.99)
rejects(IS, "a-rare-class-of-most-samples", "minority_share", n_samples=100, minority_share=0.9)
answers(IS, "as-many-rare-as-common", holds(lambda ys: ys[0].sum() == 5), 10, 0.5)


def _imbalanced_scores_check(n, n_rare):
    def check(result):
        y, s = result
        assert y.shape == s.shape == (n,) and int(y.sum()) == n_rare
        assert np.isfinite(s).all() and ((s >= 0) & (s <= 1)).all()

    return check


answers(IS, "defaults", _imbalanced_scores_check(1000, 100))
answers(IS, "separation=1e308", _imbalanced_scores_check(20, 2), n_samples=20, separation=1e308)
answers(IS, "minority_share=1e-308", _imbalanced_scores_check(20, 1), 20, 1e-308)

SPLIT = data.Split
IMAGES = np.zeros((4, 8, 8, 1), dtype=np.float32)
SPLIT_BASE = {
    "name": "digits",
    "x_train": IMAGES,
    "y_train": np.array([0, 1, 2, 3]),
    "x_val": IMAGES,
    "y_val": np.array([0, 1, 2, 3]),
    "x_test": IMAGES,
    "y_test": np.array([0, 1, 2, 3]),
}
sweep(
    SPLIT, SPLIT_BASE, "x_train", [("None", None), ("3-images", IMAGES[:3])], ("x_train", "y_train")
)
rejects(
    SPLIT, "x_test-of-another-shape", "x_test", **{**SPLIT_BASE, "x_test": np.zeros((4, 5, 5, 3))}
)
rejects(SPLIT, "x_val-of-another-shape", "x_val", **{**SPLIT_BASE, "x_val": np.zeros((4, 8, 8, 3))})
for label, value in (("255", 255.0), ("-0.5", -0.5), ("1e39", 1e39)):  # 1e39 is inf in float32
    bad = np.full(IMAGES.shape, value)
    rejects(SPLIT, f"x_val={label}", "x_val", **{**SPLIT_BASE, "x_val": bad})
sweep(
    SPLIT, SPLIT_BASE, "y_val", [("-1", np.array([0, 1, 2, -1])), ("1.5", np.array([0, 1.5, 2, 3]))]
)


# --------------------------------------------------------------------------------------------------
# training, overtraining, resolution: Keras models, never trained here
# --------------------------------------------------------------------------------------------------

TINY = training.tiny_classifier
rejects(TINY, "dropout-without-a-hidden-layer", "dropout", hidden=0, dropout=0.5)
sweep(TINY, {}, "n_features", bad_counts(1))
sweep(TINY, {}, "n_classes", bad_counts(2))
sweep(TINY, {}, "hidden", bad_counts(0))
sweep(TINY, {"hidden": 4}, "dropout", [*BAD_FRACTIONS, ("1", 1)])
sweep(TINY, {}, "l2", [*BAD_REALS, ("-1", -1), *BEYOND_FLOAT32])
sweep(TINY, {}, "learning_rate", [*BAD_REALS, ("-1", -1), *BEYOND_FLOAT32])
sweep(TINY, {}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)


def _model_check(n_features, n_classes):
    def check(model):
        import keras

        assert isinstance(model, keras.Model) and model.compiled
        assert tuple(model.input_shape) == (None, n_features)
        assert tuple(model.output_shape) == (None, n_classes)

    return check


answers(TINY, "defaults", _model_check(2, 3))
answers(
    TINY, "hidden-dropout-seed=2**32-1", _model_check(2, 3), hidden=4, dropout=0.5, seed=2**32 - 1
)
answers(TINY, "ints-for-floats", _model_check(5, 2), 5, 2, l2=1, learning_rate=0)

BLR = training.BatchLossRecorder
X4, Y4 = np.random.default_rng(0).normal(size=(4, 2)), [0, 1, 2, 0]
sweep(BLR, {"y": Y4, "batch_size": 2}, "x", NOT_ARRAYS + spoiled(X4.tolist()))
sweep(BLR, {"x": X4, "batch_size": 2}, "y", NOT_ARRAYS + spoiled(Y4))
rejects(BLR, "y=too-short", ("x", "y"), X4, Y4[:3], 2)
sweep(BLR, {"x": X4, "y": Y4}, "batch_size", bad_counts(1))
answers(BLR, "valid", holds(lambda r: r.epochs == []), X4, Y4, 2)


def _recorder_with_an_empty_epoch(_tmp):
    recorder = training.BatchLossRecorder(X4, Y4, 2)
    recorder.on_epoch_begin(0)
    return recorder


RECORDER = Lazy(_recorder_with_an_empty_epoch, "recorder")
TABLE = method(training.BatchLossRecorder, "table")
sweep(
    TABLE, {"instance": RECORDER}, "epoch", [("5", 5), ("1.5", 1.5), ("'a'", "a"), ("None", None)]
)
EPOCH_MEAN = method(training.BatchLossRecorder, "epoch_mean")
rejects(EPOCH_MEAN, "epoch=-1-no-batches", "epoch", RECORDER)
sweep(EPOCH_MEAN, {"instance": RECORDER}, "epoch", [("5", 5)])


@cache
def _line_model():
    return training.tiny_classifier()


MODEL = Lazy(lambda _: _line_model(), "model")
WEIGHTS = Lazy(lambda _: _line_model().get_weights(), "weights")
LINE = training.loss_and_accuracy_along_line
LINE_BASE = {"model": MODEL, "x": X4, "y": Y4, "start": WEIGHTS, "end": WEIGHTS, "alphas": [0, 1]}
sweep(LINE, LINE_BASE, "model", [("None", None), ("'abc'", "abc")])
for argument in ("start", "end"):
    sweep(
        LINE,
        LINE_BASE,
        argument,
        [
            ("None", None),
            ("5", 5),
            ("[]", []),
            ("'abc'", "abc"),
            ("wrong-shapes", [np.zeros((3, 2)), np.zeros(3)]),
        ],
    )
SPOILED_WEIGHTS = Lazy(lambda _: [w * np.nan for w in _line_model().get_weights()], "weights")
TEXT_WEIGHTS = Lazy(lambda _: [w.astype(str) for w in _line_model().get_weights()], "weights")
for argument in ("start", "end"):
    sweep(LINE, LINE_BASE, argument, [("nan", SPOILED_WEIGHTS), ("text", TEXT_WEIGHTS)])


def _one_sigmoid_unit(_):
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])


SIGMOID = Lazy(_one_sigmoid_unit, "model")
SIGMOID_WEIGHTS = Lazy(lambda _: [np.zeros((2, 1)), np.zeros(1)], "weights")
rejects(LINE, "model=one-sigmoid-unit", "model", SIGMOID, X4, Y4, SIGMOID_WEIGHTS, SIGMOID_WEIGHTS)
sweep(LINE, LINE_BASE, "x", [*NOT_ARRAYS[:5], *spoiled(X4.tolist())[:1]])
sweep(LINE, LINE_BASE, "x", [("3-features", np.zeros((4, 3))), ("1-D", np.zeros(4))])
sweep(
    LINE,
    LINE_BASE,
    "y",
    [
        ("None", None),
        ("nan", [0, NAN, 2, 0]),
        ("-1", [-1, 1, 2, 0]),
        ("n_classes", [0, 1, 3, 0]),
        ("1.5", [0, 1.5, 2, 0]),
        ("one-hot", np.eye(3)[Y4]),
        ("too-short", [0, 1, 2]),
    ],
)
sweep(
    LINE,
    LINE_BASE,
    "alphas",
    [("'abc'", "abc"), ("[]", []), ("2-D", [[0, 1]]), ("nan", [0, NAN]), ("scalar", 0.5)],
)


def _line_check(frame):
    assert frame.columns.tolist() == ["alpha", "loss", "accuracy"] and len(frame) == 2
    assert np.isfinite(frame["loss"]).all() and frame["loss"][0] == frame["loss"][1]
    model = _line_model()
    expected = metrics.sparse_categorical_accuracy(Y4, np.asarray(model(X4))).mean()
    assert frame["accuracy"].tolist() == [expected, expected]


answers(LINE, "start=end", _line_check, **LINE_BASE)
answers(LINE, "float-labels", _line_check, **{**LINE_BASE, "y": [0.0, 1.0, 2.0, 0.0]})

VR = recording.ValidationRecorder
VR_BASE = {"x_val": IMAGES, "y_val": [0, 1, 2, 3], "x_test": IMAGES}
sweep(VR, VR_BASE, "x_val", [("None", None), ("'abc'", "abc")])
rejects(VR, "y_val-too-short", ("y_val", "x_val"), **{**VR_BASE, "y_val": [0, 1]})
sweep(VR, VR_BASE, "every", [("-1", -1), ("2.5", 2.5), ("True", True), ("None", None)])
sweep(
    VR, VR_BASE, "y_val", [("-1", [-1, 1, 2, 3]), ("1.5", [0, 1.5, 2, 3]), ("2-D", [[0, 1, 2, 3]])]
)
sweep(VR, VR_BASE, "label_smoothing", [("2", 2.0), ("nan", NAN), ("'a'", "a"), ("None", None)])
rejects(VR, "x_test-of-another-shape", "x_test", **{**VR_BASE, "x_test": np.zeros((2, 5))})
answers(VR, "valid", holds(lambda r: r.every == 0), **VR_BASE, every=0)
LO = recording.logits_of
rejects(LO, "model=None", "model", None)
answers(LO, "no-softmax", holds(lambda f: f is None), Lazy(lambda _: _linear_model(), "model"))


def _unbuilt_softmax_model():
    import keras

    return keras.Sequential([keras.layers.Dense(3, activation="softmax")])  # no input shape yet


rejects(LO, "model=unbuilt", "model", Lazy(lambda _: _unbuilt_softmax_model(), "unbuilt"))


@cache
def _subclassed_classifier():
    """A compiled softmax classifier, built and called, written as a subclass of keras.Model:
    it has no symbolic inputs, which Sequential and functional models have."""
    import keras

    class Softmax(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3, activation="softmax")

        def call(self, x):
            return self.dense(x)

    model = Softmax()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model(np.zeros((1, X4.shape[1]), "float32"))
    return model


SUBCLASSED = Lazy(lambda _: _subclassed_classifier(), "subclassed")
rejects(LO, "model=subclassed", "model", SUBCLASSED)
rejects(validation.check_model_inputs, "subclassed", "model", SUBCLASSED)
rejects(validation.check_model_inputs, "None", "net", None, "net")
answers(validation.check_model_inputs, "sequential", holds(lambda inputs: len(inputs) == 1), MODEL)


def _two_inputs(_):
    import keras

    a, b = keras.Input((2,)), keras.Input((2,))
    joined = keras.layers.Concatenate()([a, b])
    return keras.Model([a, b], keras.layers.Dense(3, activation="softmax")(joined))


rejects(validation.check_model_inputs, "two-inputs", "model", Lazy(_two_inputs, "two-inputs"))
rejects(LO, "model=two-inputs", "model", Lazy(_two_inputs, "two-inputs"))
SUBCLASSED_WEIGHTS = Lazy(lambda _: _subclassed_classifier().get_weights(), "weights")
rejects(
    LINE,
    "model=subclassed",
    "model",
    **{**LINE_BASE, "model": SUBCLASSED, "start": SUBCLASSED_WEIGHTS, "end": SUBCLASSED_WEIGHTS},
)

PR = recording.ProbabilityRecorder
sweep(PR, {}, "x", [("None", None), ("'abc'", "abc"), ("nan", np.full((2, 8, 8, 1), NAN))])
sweep(PR, {"x": IMAGES}, "every", bad_counts(1))
answers(PR, "valid", holds(lambda r: r.every == 2), IMAGES, every=2)

CONV = overtraining.convnet
sweep(
    CONV,
    {"n_classes": 10},
    "input_shape",
    [
        ("None", None),
        ("(8,8)", (8, 8)),
        ("'abc'", "abc"),
        ("(8,8,0)", (8, 8, 0)),
        ("(-1,8,1)", (-1, 8, 1)),
    ],
)
BAD_N_CLASSES = [("0", 0), ("-1", -1), ("2.5", 2.5), ("None", None), ("'3'", "3"), ("nan", NAN)]
sweep(CONV, {"input_shape": (8, 8, 1)}, "n_classes", BAD_N_CLASSES)
sweep(CONV, {"input_shape": (8, 8, 1), "n_classes": 10}, "width", bad_counts(1))
answers(
    CONV,
    "digits",
    holds(lambda m: tuple(m.output_shape) == (None, 10)),
    (8, 8, 1),
    10,
)

RUN_OT = overtraining.run_overtraining
TINY_RUN = {"n_train": 20, "n_val": 10, "n_test": 10, "epochs": 1}
sweep(RUN_OT, TINY_RUN, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
sweep(RUN_OT, TINY_RUN, "dataset", [("'abc'", "abc"), ("None", None), ("5", 5)])
for setting in ("n_train", "n_val", "n_test", "epochs", "batch_size", "steps_per_execution"):
    sweep(RUN_OT, TINY_RUN, setting, bad_counts(1))
sweep(RUN_OT, TINY_RUN, "width", [("0", 0), ("2.5", 2.5), ("True", True), ("None", None)])
for setting in ("record_every", "log_every"):
    sweep(RUN_OT, TINY_RUN, setting, [("-1", -1), ("2.5", 2.5), ("True", True), ("None", None)])
sweep(RUN_OT, TINY_RUN, "dropout", [*BAD_FRACTIONS, ("1", 1)])
sweep(
    RUN_OT,
    TINY_RUN,
    "weight_decay",
    [("-1", -1), ("nan", NAN), ("None", None), ("'a'", "a"), *BEYOND_FLOAT32],
)
sweep(RUN_OT, TINY_RUN, "label_noise", [*BAD_FRACTIONS, ("1", 1)])
sweep(RUN_OT, TINY_RUN, "label_smoothing", BAD_FRACTIONS)
sweep(RUN_OT, TINY_RUN, "learning_rate", [*BAD_POSITIVES, *BEYOND_FLOAT32])
sweep(RUN_OT, TINY_RUN, "val_label_noise", [*BAD_FRACTIONS, ("1", 1)])
# with 10 classes, 9/10 of the labels moved leaves the true one only tied: refused before training
for setting in ("label_noise", "val_label_noise"):
    sweep(RUN_OT, TINY_RUN, setting, [("0.9", 0.9), ("0.95", 0.95)])
sweep(RUN_OT, TINY_RUN, "width", [("10**4", 10**4)])  # 10**12 weights: before any worker starts
rejects(
    RUN_OT,
    "both-label-noises",
    ("label_noise", "val_label_noise"),
    label_noise=0.1,
    val_label_noise=0.1,
    **TINY_RUN,
)
rejects(RUN_OT, "unknown-setting", "foo", foo=1, **TINY_RUN)

# the workers: every argument checked before a worker starts
for label, bad in (("None", None), ("5", 5), ("'print'", "print")):
    rejects(workers.call, f"function={label}", "function", bad)
sweep(workers.run_all, {}, "jobs", [("5", 5), ("'abc'", "abc"), ("None", None)])
for label, job in (
    ("not-a-tuple", [print, (), "a", 1]),
    ("arguments=5", (print, 5, "a", 1)),
    ("name=None", (print, (), None, 1)),
    ("epochs=0", (print, (), "a", 0)),
    ("function=None", (None, (), "a", 1)),
):
    rejects(workers.run_all, f"jobs={label}", "jobs[0]", [job])
answers(workers.run_all, "no-jobs", equals([]), [])
answers(workers.cores, "at-least-1", holds(lambda n: isinstance(n, int) and n >= 1))
sweep(workers.report_epoch, {"seconds": 1.0}, "epoch", [("0", 0), ("1.5", 1.5), ("None", None)])
sweep(workers.report_epoch, {"epoch": 1}, "seconds", [("-1", -1.0), ("nan", NAN), ("'1'", "1")])
answers(workers.report_epoch, "outside-a-job", equals(None), 1, 0.5)
sweep(workers.report_line, {}, "line", [("None", None), ("5", 5)])

CSS = data.check_split_sizes
sweep(CSS, {"n_train": 10, "n_val": 10}, "dataset", [("'abc'", "abc"), ("None", None)])
for setting in ("n_train", "n_val"):
    sweep(CSS, {"dataset": "mnist", "n_train": 10, "n_val": 10}, setting, bad_counts(1))
rejects(CSS, "digits-too-many", "n_train", "digits", 1000, 800)
rejects(CSS, "mnist-test-too-many", "n_test", "mnist", 10, 10, 10001)
answers(CSS, "digits-rest", holds(lambda n: n == 1797 - 300), "digits", 200, 100)
answers(CSS, "mnist-all-tests", holds(lambda n: n == 10000), "mnist", 200, 100)

FE = runs.first_epochs
sweep(FE, {"run": RUN}, "epochs", [*bad_counts(1), ("4", 4)])
rejects(FE, "run=None", "run", None, 2)
answers(
    FE, "two", holds(lambda r: r.epochs == 2 and sorted(r.val_log_probabilities) == [1, 2]), RUN, 2
)

RE = runs.recorded_epochs
rejects(RE, "run=curves-only", "run", CURVES_ONLY, [1])
sweep(
    RE,
    {"run": RUN},
    "epochs",
    [("None", None), ("'12'", "12"), ("empty", []), ("3", [3]), *ONE_NUMBER],
)
rejects(RE, "epochs=0", "epochs", RUN, [0])
rejects(RE, "name=steps", "steps", RUN, [3], name="steps")
answers(RE, "both", holds(lambda e: e == [2, 1]), RUN, (2, np.int64(1)))

NR = uncertainty.noise_reports
for label, bad in (("None", None), ("{}", {}), ("not-a-list", {"a": RUN}), ("empty", {"a": []})):
    rejects(NR, f"runs={label}", "runs", bad)
rejects(NR, "no-seed", "runs", {"a": [RUN]})
answers(NR, "two-seeds", holds(lambda t: list(t.index) == [("a", 0), ("a", 1)]), {"a": SEEDED})

KM = remedies.kept_model
for label, bad in (("None", None), ("curves-only", CURVES_ONLY), ("no-test", RUN)):
    rejects(KM, f"run={label}", "run", bad)
sweep(KM, {"run": SEEDED[0]}, "epoch", [("0", 0), ("1.5", 1.5), ("'3'", "3"), ("4", 4)])
rejects(KM, "temperature=0", "temperature", SEEDED[0], 3, 0.0)
sweep(
    KM,
    {"run": SEEDED[0], "epoch": 3},
    "temperature",
    [
        ("a-Series", pd.Series([1.0])),
        ("two-in-an-array", np.array([1.0, 2.0])),
        ("pd.NA", pd.NA),
        ("'1'", "1"),
    ],
)
answers(KM, "valid", holds(lambda row: 0 <= row["test ECE"] <= 1), SEEDED[0])
DIVERGED = dataclasses.replace(
    SEEDED[0], history={**SEEDED[0].history, "val_loss": [NAN] * SEEDED[0].epochs}
)
rejects(KM, "run=diverged", "run", DIVERGED)
OL = curves.over_lowest
sweep(OL, {"lowest": 0.4}, "loss", [("-0.1", -0.1), ("nan", NAN), ("None", None)])
sweep(OL, {"loss": 0.6}, "lowest", [("-0.1", -0.1), ("inf", INF)])
answers(OL, "0/0", equals(1.0), 0.0, 0.0)
answers(OL, "rise-from-0", equals(math.inf), 0.5, 0.0)
answers(
    curves.summarize,
    "all-zero-loss",
    holds(lambda s: s["loss_ratio"] == 1.0),
    {"val_loss": [0.0, 0.0], "val_accuracy": [1.0, 1.0]},
)
RS = remedies.remedy_scores
for label, bad in (("None", None), ("no-none", {"dropout": SEEDED})):
    rejects(RS, f"runs={label}", "runs", bad)
sweep(RS, {"runs": {remedies.NONE: SEEDED}}, "patience", [("-1", -1), ("1.5", 1.5)])
for label, bad in (
    ("curves-only", {remedies.NONE: [CURVES_ONLY]}),
    ("empty", {remedies.NONE: []}),
    ("5", {remedies.NONE: 5}),
    ("a-dict", {remedies.NONE: [HISTORY]}),
    ("no-test-predictions", {remedies.NONE: [RUN]}),
):
    rejects(RS, f"runs={label}", "runs['no remedy']", bad)
SCORES = remedies.remedy_scores({remedies.NONE: SEEDED, "dropout": SEEDED})
answers(RS, "valid", holds(lambda t: len(t) == 2 + 3 * 2), {remedies.NONE: SEEDED})
for function in (remedies.mean_and_interval, remedies.against_none):
    rejects(function, "scores=None", "scores", None)
    rejects(function, "scores=flat", "scores", SCORES.reset_index())
    BAD_LEVELS = [("0", 0), ("1", 1), ("1.5", 1.5), ("nan", NAN), ("True", True), ("None", None)]
    sweep(function, {"scores": SCORES}, "confidence", [*BAD_LEVELS, ("2**1024", 2**1024)])
rejects(remedies.against_none, "no-reference", "scores", SCORES.drop(index=remedies.NONE, level=0))
rejects(remedies.against_none, "only-the-reference", "scores", SCORES.loc[[remedies.NONE]])
NAN_NAMED = SCORES.rename(index={"dropout": NAN}, level=0)
for function in (remedies.mean_and_interval, remedies.against_none):
    rejects(function, "scores=a-remedy-named-nan", "scores", NAN_NAMED)
answers(remedies.mean_and_interval, "valid", holds(lambda t: len(t) == 5), SCORES)
CHANGES = remedies.against_none(SCORES)
answers(
    remedies.against_none,
    "same-runs",
    holds(lambda t: (t.loc["dropout", "verdict"] == "no clear change").all()),
    SCORES,
)
for label, bad in (("None", None), ("{}", {}), ("settings-5", {"a": 5}), ("int-name", {1: {}})):
    rejects(remedies.measure, f"regimes={label}", "regimes", bad, [0])
sweep(
    remedies.measure,
    {"regimes": {"chapter": {}}, "seeds": [0]},
    "patience",
    [("-1", -1), ("'20'", "20"), ("2.5", 2.5), ("None", None)],
)
rejects(remedies.verdicts, "changes=None", "changes", None)
answers(remedies.verdicts, "valid", holds(lambda t: t.shape == (4, 3)), CHANGES)
UNKNOWN_VERDICT = CHANGES.assign(verdict="maybe")
for label, bad in (("flat", CHANGES.reset_index()), ("unknown-verdict", UNKNOWN_VERDICT)):
    rejects(remedies.verdicts, f"changes={label}", "changes", bad)
for label, bad in (
    ("text", "test loss"),
    ("absent", ["val accuracy2"]),
    ("None", None),
    ("5", 5),
    ("empty", []),
):
    rejects(remedies.verdicts, f"numbers={label}", "numbers", CHANGES, bad)
TEXT_SCORES = SCORES.astype({SCORES.columns[0]: str})
COMPLEX_SCORES = SCORES.astype({SCORES.columns[0]: complex})
for function in (remedies.mean_and_interval, remedies.against_none):
    rejects(function, "scores=text-column", "scores", TEXT_SCORES)
    rejects(function, "scores=complex-column", "scores", COMPLEX_SCORES)
rejects(remedies.against_none, "one-shared-seed", "scores", SCORES.groupby(level=0).head(1))
for label, number in (("nan", NAN), ("inf", np.inf)):  # left out of a mean, counted in its n
    NOT_FINITE = SCORES.copy()
    NOT_FINITE.iloc[-1, 0] = number
    for function in (remedies.mean_and_interval, remedies.against_none):
        rejects(function, f"scores={label}", "scores", NOT_FINITE)
for function in (remedies.mean_and_interval, remedies.against_none):
    rejects(function, "scores=a-seed-twice", "scores", pd.concat([SCORES, SCORES.iloc[-1:]]))

KH = overtraining.keras_history
sweep(KH, TINY_RUN, "seed", BAD_SEEDS)
sweep(KH, TINY_RUN, "epochs", bad_counts(1))
rejects(KH, "n_train=2000", "n_train", **{**TINY_RUN, "n_train": 2000})
answers_after_training(KH, "tiny", holds(lambda h: len(h["val_loss"]) == 1), **TINY_RUN)

MANY = overtraining.run_overtraining_many
BAD_VARIANTS = [("list", [TINY_RUN]), ("empty", {}), ("None", None), ("int-name", {1: {}})]
for label, bad in BAD_VARIANTS:
    rejects(MANY, f"variants={label}", "variants", bad, [0])
rejects(MANY, "variants-setting", "variants['a']", {"a": {**TINY_RUN, "foo": 1}}, [0])
rejects(MANY, "variants-epochs=0", "variants['a']", {"a": {**TINY_RUN, "epochs": 0}}, [0])
rejects(MANY, "variants-value", "variants", {"a": 5}, [0])
for label, seeds in (("'01'", "01"), ("None", None), ("empty", []), ("3", 3)):
    rejects(MANY, f"seeds={label}", "seeds", {"a": TINY_RUN}, seeds)
for label, seeds in BAD_SEEDS:
    rejects(MANY, f"seeds=[{label}]", "seeds[0]", {"a": TINY_RUN}, [seeds])
answers_after_training(
    MANY,
    "two-seeds",
    holds(lambda runs: [r.seed for r in runs["a"]] == [3, 4]),
    {"a": TINY_RUN},
    [3, 4],
)
rejects(RUN_OT, "n_train=2000", "n_train", **{**TINY_RUN, "n_train": 2000})
rejects(RUN_OT, "n_test=2000", ("n_test", "n_train", "n_val"), **{**TINY_RUN, "n_test": 2000})

RM = resolution.resolved_metrics
sweep(RM, {}, "model", [("None", None), ("'abc'", "abc"), ("5", 5)])
rejects(RM, "model=not-yet-evaluated", "model", Lazy(lambda _: training.tiny_classifier(), "model"))


def _linear_model():
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])


def _evaluated(_tmp):
    model = training.tiny_classifier()
    model.evaluate(X4, np.array(Y4), verbose=0)
    return model


answers(RM, "evaluated", equals({"accuracy": "SparseCategoricalAccuracy"}), Lazy(_evaluated))

AR = resolution.accuracy_resolution
AR_BASE = {"loss": "sparse_categorical_crossentropy", "output_width": 3, "label_shape": "(N,)"}
sweep(
    AR, AR_BASE, "loss", [("None", None), ("'mse'", "mse"), ("''", ""), ("5", 5), ("list", ["mse"])]
)
sweep(AR, AR_BASE, "output_width", bad_counts(1))
sweep(AR, AR_BASE, "label_shape", [("None", None), ("'(N,K)'", "(N,K)"), ("''", ""), ("5", 5)])
sweep(AR, AR_BASE, "n_classes", bad_counts(2))
sweep(AR, AR_BASE, "n_samples", bad_counts(1))
sweep(AR, AR_BASE, "seed", BAD_SEEDS)
rejects(
    AR, "n_classes=2e7", "n_classes", **{**AR_BASE, "label_shape": "(N, K)"}, n_classes=2 * 10**7
)
answers(
    AR,
    "sparse",
    holds(lambda row: row["accuracy becomes"] == "SparseCategoricalAccuracy"),
    **AR_BASE,
)
answers(  # a NumPy int, which Keras' Dense refuses, is passed on as a Python int
    AR,
    "output_width=uint64",
    holds(lambda row: row["output units"] == 3 and row["error"] == ""),
    **{**AR_BASE, "output_width": np.uint64(3)},
)

ART = resolution.accuracy_resolution_table
sweep(ART, {}, "n_classes", [("1", 1), ("2.5", 2.5), ("True", True), ("None", None)])
sweep(ART, {}, "n_samples", [("0", 0), ("2.5", 2.5), ("None", None)])
sweep(ART, {}, "seed", BAD_SEEDS)

GRID_TABLE = pd.DataFrame(
    {
        "loss": ["binary_crossentropy"] * 2,
        "output units": [1, 3],
        "labels": ["(N,)"] * 2,
        "accuracy becomes": ["BinaryAccuracy", ""],
        "warning": ["", ""],
        "error": ["", "ValueError: shapes"],
    }
)
sweep(
    resolution.grid,
    {},
    "table",
    [
        ("None", None),
        ("'abc'", "abc"),
        ("empty-DataFrame", pd.DataFrame()),
        ("missing-a-column", GRID_TABLE.drop(columns="error")),
        ("repeated-rows", pd.concat([GRID_TABLE, GRID_TABLE])),
    ],
)
answers(
    resolution.grid,
    "two-cells",
    holds(
        lambda g: (
            (g.index.tolist(), g.to_numpy().tolist())
            == (["binary crossentropy"], [["Binary", "refused"]])
        )
    ),
    GRID_TABLE,
)


# --------------------------------------------------------------------------------------------------
# fingerprint
# --------------------------------------------------------------------------------------------------


def _a_file(tmp):
    (tmp / "extra.txt").write_text("pins")
    return tmp / "extra.txt"


SD = fingerprint.source_digest
sweep(
    SD,
    {},
    "package",
    [
        ("None", None),
        ("5", 5),
        ("'no/such/folder'", "no/such/folder"),
        ("a-file", Lazy(_a_file, "tmp/extra.txt")),
    ],
)
for label, extra in (
    ("5", 5),
    ("bytes", b"x"),
    ("None", None),
    ("missing-file", _in_tmp("absent.txt")),
    ("a-folder", Lazy(lambda tmp: tmp, "tmp")),
):
    rejects(SD, f"extra={label}", "extra", PACKAGE, extra)
answers(SD, "default", holds(lambda d: re.fullmatch("[0-9a-f]{16}", d)))
# an iterator would be used up by the check, leaving the digest of no file at all
sweep(
    SD,
    {},
    "only",
    [("iterator", iter(["data.py"])), ("generator", (n for n in ["data.py"])), ("5", 5)],
)
answers(SD, "only=tuple", equals(lambda: SD(only=["data.py"])), only=("data.py",))
answers(SD, "str-package", equals(lambda: fingerprint.source_digest(PACKAGE)), str(PACKAGE))
answers(SD, "extra=''", holds(lambda d: d != fingerprint.source_digest()), PACKAGE, "")
answers(
    SD, "extra=a-file", holds(lambda d: d != fingerprint.source_digest()), PACKAGE, Lazy(_a_file)
)
for label, only in (
    ("str", "data.py"),
    ("[5]", [5]),
    ("[]", []),
    ("missing", ["no_such_module.py"]),
    ("None-inside", [None]),
):
    rejects(SD, f"only={label}", "only", PACKAGE, only=only)
answers(
    SD,
    "only=data.py",
    holds(lambda d: d != fingerprint.source_digest() and re.fullmatch("[0-9a-f]{16}", d)),
    PACKAGE,
    only=["data.py"],
)


# --------------------------------------------------------------------------------------------------
# variants: a student's numbers from their id
# --------------------------------------------------------------------------------------------------

BAD_IDS = [("None", None), ("''", ""), ("blank", " "), ("5", 5), ("...", ...), ("long", "s" * 101)]
sweep(variants.seed, {"student_id": "s1"}, "assignment", [("None", None), ("''", ""), ("5", 5)])
sweep(variants.seed, {"assignment": "calibration"}, "student_id", BAD_IDS)
answers(variants.seed, "64-bit", holds(lambda s: 0 <= s < 2**64), "calibration", "s1")
for numbers in (variants.counterexample, variants.keras_definitions, variants.calibration):
    sweep(numbers, {}, "student_id", BAD_IDS)
    answers(numbers, "'S1 '", equals(lambda numbers=numbers: numbers("s1")), "S1 ")


# --------------------------------------------------------------------------------------------------
# prose: a number as a sentence writes it
# --------------------------------------------------------------------------------------------------

sweep(prose.readable, {}, "value", BAD_REALS)
sweep(prose.readable, {"value": 1e-7}, "digits", bad_counts(1))
for value, digits, text in [
    (1.0734e-07, 2, "1.1 × 10⁻⁷"),
    (-9.96e-06, 1, "-10⁻⁵"),
    (0.05, 2, "0.05"),
    (123456.0, 3, "1.23 × 10⁵"),
    (0.0, 2, "0"),
    (-0.0, 2, "0"),  # as the explorers' script writes it
]:
    answers(prose.readable, f"{value!r}:{digits}", equals(text), value, digits)
for shown in (prose.fixed, prose.percent):
    sweep(shown, {"decimals": 2}, "value", NOT_NUMBERS)
    sweep(shown, {"value": 0.5}, "decimals", [*bad_counts(0), ("21", 21)])
for value, decimals, text, share in [
    (0.4137, 2, "0.41", "41.37%"),
    (0.004, 2, "0.004", "0.40%"),
    (2e-9, 3, "2 × 10⁻⁹", "2 × 10⁻⁷%"),
    (-0.0, 1, "0.0", "0.0%"),
    (3.4e38, 0, "3.4 × 10³⁸", "3.4 × 10⁴⁰%"),
    (999999.9996, 3, "10⁶", "10⁸%"),
    (NAN, 2, "nan", "nan%"),
]:
    answers(prose.fixed, f"{value!r}:{decimals}", equals(text), value, decimals)
    answers(prose.percent, f"{value!r}:{decimals}", equals(share), value, decimals)


# --------------------------------------------------------------------------------------------------
# validation: each check names the argument it is given
# --------------------------------------------------------------------------------------------------

V = validation
sweep(
    V.as_array,
    {"name": "values"},
    "value",
    NOT_ARRAYS + spoiled([[1.0, 2.0], [3.0, 4.0]]),
    "values",
)
answers(V.as_array, "bools", close_to([1.0, 0.0]), [True, False], "values")
answers(V.as_array, "float16", close_to([0.5, 1.0]), np.float16([0.5, 1.0]), "values")
answers(V.as_array, "pandas-Series", close_to([1.0, 2.0]), pd.Series([1, 2]), "values")
for label, value, dtype in (
    ("float16-array", np.float16([1.0]), np.float16),
    ("float64-array", np.float64([1.0]), np.float64),
    ("list", [1.0], np.float32),
    ("int-array", np.int64([1]), np.float32),
    ("float64-scalar", np.float64(0.5), np.float64),
    ("python-float", 0.5, np.float32),
):
    answers(V.keras_dtype, label, equals(np.dtype(dtype)), value)
for dtype, real in (
    ("int8", True),
    ("uint64", True),
    ("float16", True),
    ("longdouble", True),
    ("bool", False),
    ("complex128", False),
    ("timedelta64[s]", False),  # an integer to NumPy, not a number to the package
    ("datetime64[s]", False),
    ("object", False),
    ("U3", False),
):
    answers(V.real_dtype, dtype, equals(real), np.dtype(dtype))
sweep(V.real_dtype, {}, "dtype", [("'abc'", "abc"), ("5", 5), ("a-list", [1])])
sweep(
    V.check_probabilities,
    {"name": "probs"},
    "array",
    [("negative", np.array([-0.1, 0.5])), ("above-1", np.array([1.5])), ("nan", np.array([NAN]))],
    "probs",
)
sweep(
    V.check_positive_rows,
    {"name": "probs"},
    "array",
    [("zero-row", np.zeros((2, 3))), ("negative-sum", np.array([[1.0, -2.0]]))],
    "probs",
)
sweep(
    V.check_distributions,
    {"name": "probs"},
    "array",
    [
        ("not-summing-to-1", np.array([[0.5, 0.6]])),
        ("negative", np.array([[1.5, -0.5]])),
        ("nan", np.array([[NAN, 0.5]])),
    ],
    "probs",
)
answers(
    V.check_distributions,
    "float16-rounding",
    close_to([[0.1, 0.2, 0.7005]]),
    np.array([[0.1, 0.2, 0.7005]]),
    "probs",
    np.float16,
)
sweep(
    V.check_binary_labels,
    {"name": "labels"},
    "array",
    [("2", np.array([0.0, 2.0])), ("0.5", np.array([0.5])), ("nan", np.array([NAN]))],
    "labels",
)
sweep(
    V.check_logits,
    {"name": "scores"},
    "value",
    [
        ("1-D", [1.0, 2.0]),
        ("one-class", [[1.0], [2.0]]),
        ("nan", [[NAN, 0.0]]),
        ("3-D", np.zeros((1, 2, 2))),
    ],
    "scores",
)
sweep(
    V.check_in_dtype,
    {"name": "scores", "dtype": np.float32},
    "value",
    [("1e39", [0.5, 1e39]), ("-1e39", [[-1e39]]), ("nan", [NAN]), ("text", ["a"]), ("empty", [])],
    "scores",
)
rejects(V.check_in_dtype, "7e4-in-float16", "scores", [7e4], "scores", np.float16)
answers(
    V.check_in_dtype,
    "float16",
    holds(lambda a: a.dtype == np.float16 and a[0] == np.float16(0.1)),
    [0.1],
    "scores",
    np.float16,
)
answers(V.check_logits, "log-probabilities", holds(lambda a: a.shape == (1, 2)), [[-0.1, -2.4]])
rejects(V.check_binary_scores, "y_true=2", "y_true", [0, 2], [0.1, 0.2])
rejects(V.check_binary_scores, "scores=1.5", "scores", [0, 1], [0.1, 1.5])
rejects(V.check_binary_scores, "shapes", ("y_true", "scores"), [0, 1, 1], [0.1, 0.2])
answers(
    V.check_binary_scores,
    "valid",
    holds(
        lambda pair: (
            pair[1].dtype == np.float32 and pair[1].tolist() == np.float32([0.2, 0.9]).tolist()
        )
    ),
    [0, 1],
    [0.2, 0.9],
)
rejects(V.check_same_shape, "different", ("y_true", "y_pred"), np.zeros(3), np.zeros((3, 2)))
rejects(V.match_rank, "different-lengths", ("y_true", "y_pred"), np.zeros(3), np.zeros((4, 1)))
answers(
    V.match_rank,
    "(N,)-(N,1)",
    holds(lambda pair: pair[0].shape == pair[1].shape == (3, 1)),
    np.zeros(3),
    np.zeros((3, 1)),
)
rejects(V.check_class_axis, "one-class", "y_pred", np.zeros((2, 1)), "y_pred", "binary")
for label, labels in (
    ("-1", [-1.0, 0.0]),
    ("n_classes", [0.0, 3.0]),
    ("1.5", [1.5, 0]),
    ("nan", [NAN, 0]),
):
    rejects(V.check_class_indices, f"y_true={label}", "y_true", np.array(labels), np.zeros((2, 3)))
sweep(
    V.check_bool, {"name": "flag"}, "value", [("'True'", "True"), ("1", 1), ("None", None)], "flag"
)
answers(V.check_bool, "numpy-bool", equals(True), np.bool_(True), "flag")
sweep(V.check_real, {"name": "rate"}, "value", [*BAD_REALS, ("1j", 1j)], "rate")
answers(V.check_real, "1e308", equals(1e308), 1e308, "rate")
answers(V.check_real, "float32", equals(0.5), np.float32(0.5), "rate")
sweep(V.check_fraction, {"name": "share"}, "value", BAD_FRACTIONS, "share")
answers(V.check_fraction, "1e-308", equals(1e-308), 1e-308, "share")
sweep(V.check_count, {"name": "count"}, "value", bad_counts(1), "count")
answers(V.check_count, "int64", equals(3), np.int64(3), "count")
answers(V.check_count, "10**30", equals(10**30), 10**30, "count")
sweep(V.check_positive, {"name": "temperature"}, "value", BAD_POSITIVES, "temperature")
answers(V.check_positive, "1e-308", equals(1e-308), 1e-308, "temperature")
sweep(V.check_seed, {}, "value", BAD_SEEDS + SEEDS_OUT_OF_RANGE, "seed")
sweep(
    V.check_rate,
    {"name": "learning_rate"},
    "value",
    [*BAD_POSITIVES, *BEYOND_FLOAT32],
    "learning_rate",
)
for label, value in [*BAD_REALS, ("-1", -1), *BEYOND_FLOAT32]:  # where 0 is allowed
    rejects(V.check_rate, f"value={label}-or-0", "l2", value, "l2", positive=False)
answers(V.check_rate, "0-allowed", equals(0.0), 0, "l2", positive=False)
for label, value in (("float32-max", float(np.finfo(np.float32).max)), ("float32-tiny", 1.2e-38)):
    answers(V.check_rate, label, equals(value), value, "learning_rate")
answers(V.check_seed, "2**32-1", equals(2**32 - 1), np.uint32(2**32 - 1))
sweep(
    V.check_text, {"name": "label"}, "value", [("''", ""), ("'  '", "  "), ("None", None)], "label"
)
answers(V.check_text, "'=1+1'", equals("=1+1"), "=1+1", "label")
# no control, line-breaking or invisible format character; a no-break space is a space
for label, value in (
    ("tab", "a\tb"),
    ("line-separator", "a\u2028b"),
    ("zero-width-joiner", "a\u200db"),
):
    rejects(V.check_text, label, "label", value, "label")
for label, value in (("no-break-space", "95\u00a0%"), ("narrow-no-break-space", "a\u202fb")):
    answers(V.check_text, label, equals(value), value, "label")
sweep(
    V.check_names,
    {"name": "class_names", "count": 3},
    "value",
    [
        ("'abc'", "abc"),
        ("two", ["a", "b"]),
        ("repeated", ["a", "a", "b"]),
        ("alike-but-for-a-space", ["a", "a ", "b"]),
        ("alike-once-normalised", ["\u00e9", "e\u0301", "b"]),
        ("None", None),
        ("a-None", ["a", None, "c"]),
    ],
    "class_names",
)
sweep(
    V.check_distinct,
    {"name": "labels"},
    "texts",
    [
        ("repeated", ["a", "a"]),
        ("runs-of-spaces", ["a  b", "a b"]),
        ("a-trailing-space", ["a", "a "]),
        ("a-combining-accent", ["\u00e9", "e\u0301"]),
        ("a-line-padded", ["a\nb", "a \n b"]),
    ],
    "labels",
)
for label, texts in (("line-breaks-count", ["a b", "a\nb"]), ("case-counts", ["a", "A"])):
    answers(V.check_distinct, label, equals(None), texts, "labels")
COLUMNS = {"columns": ["a"], "name": "frame", "made_by": "f"}
sweep(
    V.check_columns,
    COLUMNS,
    "frame",
    [
        ("None", None),
        ("missing", pd.DataFrame({"b": [1]})),
        ("empty", pd.DataFrame({"a": []})),
    ],
)
COLUMN_FRAME = pd.DataFrame({"loss": [0.5, 1.0], "text": ["a", "b"], "flag": [True, False]})
for label, column, kwargs in (
    ("text", "text", {}),
    ("bools", "flag", {}),
    ("below-low", "loss", {"low": 0.75}),
    ("above-high", "loss", {"high": 0.75}),
):
    rejects(V.check_column, label, "frame", COLUMN_FRAME, column, "frame", **kwargs)
rejects(V.check_column, "nan", "frame", pd.DataFrame({"loss": [NAN]}), "loss", "frame")
answers(
    V.check_column,
    "nan-kept",
    holds(lambda a: np.isnan(a[0])),
    pd.DataFrame({"loss": [NAN]}),
    "loss",
    "frame",
    finite=False,
)
for label, bad in (("5", 5), ("None", None), ("'a'", "a")):
    rejects(
        V.check_columns, f"columns={label}", "columns", pd.DataFrame({"a": [1]}), bad, "frame", "f"
    )


# --------------------------------------------------------------------------------------------------
# uncertainty: intervals, paired changes, seed bands
# --------------------------------------------------------------------------------------------------

VERDICTS = [True, False, True, True]
BAD_VERDICTS = [
    *NOT_ARRAYS,
    ("two-d", [[True, False]]),
    ("0.5", [0.5, 1.0]),
    ("2", [2, 1]),
    ("nan", [NAN, 1.0]),
]
BAD_CONFIDENCES = [("0", 0), ("1", 1), ("95", 95), ("None", None), ("'0.9'", "0.9"), ("nan", NAN)]
AI = uncertainty.accuracy_interval
sweep(AI, {}, "correct", BAD_VERDICTS)
sweep(AI, {"correct": VERDICTS}, "confidence", BAD_CONFIDENCES)
answers(AI, "three-of-four", holds(lambda r: r["accuracy"] == 0.75 and r["low"] < 0.75), VERDICTS)

AC = uncertainty.accuracy_change
sweep(AC, {"correct_after": VERDICTS}, "correct_before", BAD_VERDICTS)
sweep(AC, {"correct_before": VERDICTS}, "correct_after", BAD_VERDICTS)
rejects(AC, "different-lengths", ("correct_before", "correct_after"), VERDICTS, VERDICTS[:3])
sweep(AC, {"correct_before": VERDICTS, "correct_after": VERDICTS}, "confidence", BAD_CONFIDENCES)
answers(
    AC,
    "one-flip",
    holds(lambda r: r["became_wrong"] == 1 and r["change"] == -0.25 and r["p_value"] == 1.0),
    VERDICTS,
    [True, False, True, False],
)

BI = uncertainty.bootstrap_interval
ONES = np.ones(5)
sweep(BI, {}, "statistic", [("None", None), ("'mean'", "mean"), ("5", 5)])
rejects(BI, "no-samples", "samples", np.mean)
rejects(BI, "samples-None", "samples", np.mean, None)
rejects(BI, "samples-scalar", "samples", np.mean, 0.5)
rejects(BI, "samples-nan", "samples", np.mean, [1.0, NAN])
rejects(BI, "samples-lengths", "samples", lambda a, b: 0.0, ONES, np.ones(4))
# a statistic must give one number per draw: not a vector, and not NaN (a silent NaN interval)
rejects(BI, "statistic-returns-a-vector", "statistic", lambda a: a, ONES)
rejects(BI, "statistic-returns-nan", "statistic", lambda a: NAN, ONES)
rejects(BI, "statistic-returns-complex", "statistic", lambda a: 1 + 1j, ONES)  # lost its i
for argument, values in (
    ("confidence", BAD_CONFIDENCES),
    ("n_resamples", bad_counts(10)),
    ("seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE),
):
    for label, value in values:
        rejects(BI, f"{argument}={label}", argument, np.mean, ONES, **{argument: value})
answers(
    BI, "constant", holds(lambda r: r == {"value": 1.0, "low": 1.0, "high": 1.0}), np.mean, ONES
)

LRI = uncertainty.loss_ratio_interval
sweep(LRI, {}, "run", [("None", None), ("dict", HISTORY), ("no-predictions", CURVES_ONLY)])
rejects(LRI, "run-missing-epoch", "run", RUN)
RUN_ALL = runs.Run(
    {name: values[:2] for name, values in HISTORY.items()}, y_val=Y_VAL, val_log_probabilities=LOG_P
)
sweep(LRI, {"run": RUN_ALL}, "confidence", BAD_CONFIDENCES)
sweep(LRI, {"run": RUN_ALL}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
sweep(LRI, {"run": RUN_ALL}, "n_resamples", bad_counts(10))
answers(LRI, "two-epochs", holds(lambda r: r["low"] <= r["value"] <= r["high"]), RUN_ALL)
# certain and right on every sample at epoch 1 (a log-probability of 0 for the true class), then not
CERTAIN = np.log(np.eye(3)[Y_VAL] * (1 - 3e-300) + 1e-300)
RISES_FROM_0 = runs.Run(
    {name: values[:2] for name, values in HISTORY.items()},
    y_val=Y_VAL,
    val_log_probabilities={1: CERTAIN, 2: LOG_P[2]},
)
rejects(LRI, "run-rising-from-0", "run", RISES_FROM_0)

VCE = curves.val_cross_entropy
sweep(VCE, {}, "run", [("None", None), ("'abc'", "abc"), ("no-val_loss", {"loss": [1.0]})])
answers(VCE, "plain", close_to([0.9, 0.8]), {"val_loss": [0.9, 0.8]})
answers(
    VCE, "smoothed", close_to([0.5, 0.4]), {"val_loss": [0.9, 0.8], "val_cross_entropy": [0.5, 0.4]}
)

PS_ = curves.plain_summary
sweep(PS_, {}, "run", [("None", None), ("no-val_accuracy", {"val_loss": [1.0, 0.5]})])
answers(
    PS_,
    "smoothed",
    holds(lambda s: s["best_epoch"] == 1 and s["loss_ratio"] == 2.0),
    {"val_loss": [0.9, 0.8], "val_cross_entropy": [0.2, 0.4], "val_accuracy": [0.5, 0.6]},
)

NR = uncertainty.noise_report
sweep(NR, {}, "run", [("None", None), ("dict", HISTORY), ("no-predictions", CURVES_ONLY)])
sweep(NR, {"run": RUN_ALL}, "confidence", BAD_CONFIDENCES)
answers(NR, "two-epochs", holds(lambda r: r["best_epoch"] == 2), RUN_ALL)

sweep(
    runs.epochs_text,
    {},
    "epochs",
    [("None", None), ("'12'", "12"), ("0", [0]), ("half", [1.5]), *ONE_NUMBER],
)
answers(runs.epochs_text, "gapped", equals("epochs 1, 2 and 4"), (4, 2, 1))

SB = uncertainty.seed_band
sweep(
    SB,
    {},
    "runs",
    [
        ("None", None),
        ("one-run", [HISTORY]),
        ("a-run", RUN),
        ("'abc'", "abc"),
        ("with-None", [HISTORY, None]),
        ("lengths", [HISTORY, {name: values[:2] for name, values in HISTORY.items()}]),
        ("one-diverged", [HISTORY, {**HISTORY, "val_loss": [NAN] * len(HISTORY["val_loss"])}]),
    ],
)
sweep(SB, {"runs": [HISTORY, HISTORY]}, "name", [("None", None), ("''", ""), ("'foo'", "foo")])
answers(
    SB,
    "two",
    holds(lambda f: list(f["median"]) == HISTORY["val_loss"]),
    [HISTORY, HISTORY],
)

# --------------------------------------------------------------------------------------------------
# plateau: the three causes of a stuck accuracy (nothing here trains)
# --------------------------------------------------------------------------------------------------

sweep(plateau.bayes_accuracy, {}, "label_noise", [*BAD_FRACTIONS, ("0.7", 0.7)])
sweep(plateau.bayes_accuracy, {"label_noise": 0.1}, "n_classes", BAD_N_CLASSES)
answers(plateau.bayes_accuracy, "0.4", holds(lambda a: a == pytest.approx(0.6)), 0.4)

MLP = plateau.mlp
sweep(MLP, {}, "hidden", [("None", None), ("5", 5), ("(0,)", (0,)), ("(2.5,)", (2.5,))])
sweep(MLP, {}, "n_features", bad_counts(1))
sweep(MLP, {}, "n_classes", BAD_N_CLASSES)
sweep(MLP, {}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
answers(MLP, "linear", holds(lambda m: m.count_params() == 9), ())

TRAIN = plateau.train
sweep(TRAIN, {}, "hidden", [("None", None), ("(0,)", (0,))])
sweep(TRAIN, {}, "learning_rate", [*BAD_POSITIVES, *BEYOND_FLOAT32])
sweep(TRAIN, {}, "twist", BAD_REALS)
sweep(TRAIN, {}, "label_noise", [*BAD_FRACTIONS, ("0.7", 0.7)])
sweep(TRAIN, {}, "epochs", bad_counts(1))
sweep(TRAIN, {}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
BAD_NAMES = [("None", None), ("'abc'", "abc"), ("5", 5)]
sweep(TRAIN, {}, "dataset", BAD_NAMES)
sweep(TRAIN, {}, "output", BAD_NAMES)
rejects(TRAIN, "digits-with-label-noise", "label_noise", dataset="digits", label_noise=0.2)

EXPERIMENT = plateau.experiment
sweep(EXPERIMENT, {}, "case", [("None", None), ("'abc'", "abc"), ("5", 5)])
CASE = next(iter(plateau.CASES))
sweep(EXPERIMENT, {"case": CASE}, "epochs", bad_counts(2))
sweep(EXPERIMENT, {"case": CASE}, "longer", bad_counts(2))
sweep(EXPERIMENT, {"case": CASE}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
# runs that would never end are refused before a worker starts
sweep(EXPERIMENT, {"case": CASE}, "epochs", [("2**64", 2**64)])
sweep(EXPERIMENT, {"case": CASE}, "longer", [("2**64", 2**64), ("10**4", 10**4)])
sweep(overtraining.run_overtraining, {}, "epochs", [("2**64", 2**64), ("10**6", 10**6)])

EXPERIMENTS = plateau.experiments
for label, bad in (("None", None), ("'abc'", "abc"), ("empty", []), ("unknown", ["the moon"])):
    rejects(EXPERIMENTS, f"cases={label}", ("cases", "case"), bad)
sweep(EXPERIMENTS, {"cases": [CASE]}, "epochs", bad_counts(2))

rejects(plateau.readable, "diagnosis=None", "diagnosis", None)
rejects(plateau.readable, "diagnosis=frame-without-verdict", "diagnosis", pd.DataFrame({"a": [1]}))

CEILING = plateau.ceiling_estimate
sweep(CEILING, {"label_noise": 0.0}, "twist", BAD_REALS)
sweep(CEILING, {"twist": 0.0}, "label_noise", [*BAD_FRACTIONS, ("0.7", 0.7)])
rejects(CEILING, "label_noise-off-spirals", "label_noise", 0.7, 0.3, dataset="digits")
rejects(CEILING, "label_noise=2/3", "label_noise", 0.7, 2 / 3)  # the true class only ties
sweep(CEILING, {"twist": 0.0, "label_noise": 0.0}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
sweep(CEILING, {"twist": 0.0, "label_noise": 0.0}, "neighbours", [*bad_counts(1), ("10**6", 10**6)])
sweep(CEILING, {"twist": 0.0, "label_noise": 0.0}, "dataset", BAD_NAMES)
answers(
    CEILING,
    "digits",
    holds(lambda accuracy: 0.5 < accuracy <= 1),
    twist=0.0,
    label_noise=0.0,
    dataset="digits",
)

sweep(plateau.diagnose, {}, "results", [("None", None), ("{}", {}), ("a-run", RUN), ("5", 5)])
FAKE_RESULTS = {
    "case": "made up",
    "epochs": 2,
    "twist": 0.0,
    "label_noise": 0.0,
    "run": runs.Run(HISTORY),
    "bigger": runs.Run(HISTORY),
}
sweep(plateau.diagnose, {"results": FAKE_RESULTS}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
# what is inside `results`: an error names `results` (or the entry it is about)
for entry, values in (
    ("run", [("None", None), ("5", 5)]),
    ("bigger", [("None", None)]),
    ("epochs", [("0", 0), ("99", 99), ("1.5", 1.5), ("'2'", "2"), ("True", True)]),
    ("label_noise", [("0.7", 0.7), ("None", None)]),
    ("twist", [("None", None)]),
):
    for label, value in values:
        rejects(
            plateau.diagnose,
            f"results[{entry!r}]={label}",
            ("results", entry),
            {**FAKE_RESULTS, entry: value},
        )
for entry in ("twist", "label_noise"):
    rejects(
        plateau.diagnose,
        f"results-without-{entry}",
        ("results", entry),
        {key: value for key, value in FAKE_RESULTS.items() if key != entry},
    )
CHECK_EXPERIMENT = plateau.check_experiment
sweep(CHECK_EXPERIMENT, {}, "results", [("None", None), ("{}", {}), ("a-run", RUN), ("5", 5)])
sweep(CHECK_EXPERIMENT, {"results": FAKE_RESULTS}, "name", [("None", None), ("5", 5)])
rejects(  # named as the caller names it
    CHECK_EXPERIMENT, "named", "experiments[3]", {**FAKE_RESULTS, "epochs": 99}, "experiments[3]"
)
for entry, values in (
    ("dataset", [("mnist", "mnist"), ("None", None)]),
    ("case", [("None", None), ("''", ""), ("bell", "a\a")]),
):
    for label, value in values:
        rejects(
            CHECK_EXPERIMENT,
            f"results[{entry!r}]={label}",
            ("results", entry),
            {**FAKE_RESULTS, entry: value},
        )
answers(  # the runs made Runs, from a Keras History's dict of curves too; the dataset filled in
    CHECK_EXPERIMENT,
    "history-dicts",
    holds(
        lambda checked: (
            isinstance(checked["run"], runs.Run)
            and list(checked["run"].val_loss) == list(HISTORY["val_loss"])
            and checked["dataset"] == "spirals"
        )
    ),
    {**FAKE_RESULTS, "run": HISTORY, "bigger": HISTORY},
)
answers(  # two of three epochs planned: 0.75 then, 0.8 after "longer" training, +5 points
    plateau.diagnose,
    "fake",
    holds(lambda row: row["verdict"] == "training is too slow" and row["bigger model"] == 0.8),
    FAKE_RESULTS,
)
answers(  # runs given as curves hold no labels: neither their shares nor their loss is known
    plateau.diagnose,
    "no-labels",
    holds(lambda row: row[["majority share", "loss of the class shares"]].isna().all()),
    FAKE_RESULTS,
)
DIAGNOSIS = pd.DataFrame([plateau.diagnose(FAKE_RESULTS)])
for label, bad in (
    ("verdict-only", DIAGNOSIS[["verdict"]]),
    ("text-number", DIAGNOSIS.assign(**{"majority share": "half"})),
    ("nan-metric", DIAGNOSIS.assign(**{"accuracy becomes": NAN})),
    ("labels-fit-text", DIAGNOSIS.assign(**{"labels fit the output": "no"})),  # "yes" if truthy
    ("labels-fit-nan", DIAGNOSIS.assign(**{"labels fit the output": NAN})),
):
    rejects(plateau.readable, f"diagnosis={label}", "diagnosis", bad)
answers(
    plateau.readable,
    "valid",
    holds(lambda t: t.shape[1] == 1 and t.loc["loss of the shares"].item() == "unknown"),
    DIAGNOSIS,
)

# --------------------------------------------------------------------------------------------------
# the rest of what the stuck-accuracy and noise sections use
# --------------------------------------------------------------------------------------------------

SPIRALS = data.spirals
sweep(SPIRALS, {}, "twist", [("1e300", 1e300), ("-1e7", -1e7)])  # every point would be class 0
sweep(SPIRALS, {}, "n_samples", bad_counts(1))
sweep(SPIRALS, {}, "n_classes", BAD_N_CLASSES)
sweep(SPIRALS, {}, "twist", BAD_REALS)
sweep(SPIRALS, {}, "label_noise", [*BAD_FRACTIONS, ("0.7", 0.7)])
sweep(SPIRALS, {}, "seed", BAD_SEEDS + SEEDS_OUT_OF_RANGE)
answers(SPIRALS, "ten", holds(lambda xy: xy[0].shape == (10, 2) and xy[1].shape == (10,)), 10)

IMB = training.in_memory_batches
sweep(IMB, {"y": [0, 1], "batch_size": 1}, "x", [*NOT_ARRAYS, ("nan", [NAN, 1.0])])
sweep(IMB, {"x": [[0.0], [1.0]], "batch_size": 1}, "y", [*NOT_ARRAYS, ("nan", [NAN, 1.0])])
rejects(IMB, "lengths", ("x", "y"), [[0.0], [1.0]], [0, 1, 2], 1)
sweep(IMB, {"x": [[0.0], [1.0]], "y": [0, 1]}, "batch_size", bad_counts(1))
sweep(
    IMB, {"x": [[0.0], [1.0]], "y": [0, 1], "batch_size": 1}, "seed", [*BAD_SEEDS, ("2**32", 2**32)]
)
rejects(IMB, "x-past-float32", "x", [[0.0], [1e300]], [0, 1], 1)  # would become inf in float32
answers(
    IMB,
    "batch_size=2**64",
    holds(lambda d: [len(b[0]) for b in d] == [2]),
    [[0.0], [1.0]],
    [0, 1],
    2**64,
)
answers(
    IMB,
    "two",
    holds(lambda d: [len(b[1]) for b in d] == [1, 1]),
    [[0.0], [1.0]],
    [0, 1],
    1,
)

for function in (curves.sample_losses, curves.sample_verdicts):
    sweep(
        function,
        {"epoch": 1},
        "run",
        [("None", None), ("dict", HISTORY), ("no-predictions", CURVES_ONLY)],
    )
    sweep(
        function,
        {"run": RUN},
        "epoch",
        [("99", 99), ("0", 0), ("None", None), ("'1'", "1"), ("1.5", 1.5), ("True", True)],
    )
answers(
    curves.sample_losses,
    "epoch-1",
    holds(lambda v: np.allclose(v, -np.log([0.7, 0.5, 0.1, 0.8]))),
    RUN,
    1,
)
answers(
    curves.sample_verdicts,
    "epoch-1",
    holds(lambda v: list(v) == [True, True, False, True]),
    RUN,
    1,
)

POINTS = plots.plot_points
XY = np.array([[0.0, 0.0], [1.0, 0.5], [0.2, -0.3]])
sweep(POINTS, {"y": [0, 1, 2]}, "x", [*NOT_ARRAYS, ("three-columns", np.ones((3, 3)))])
sweep(
    POINTS,
    {"x": XY},
    "y",
    [("None", None), ("short", [0, 1]), ("-1", [0, 1, -1]), ("10", [0, 1, 10])],
)
sweep(POINTS, {"x": XY, "y": [0, 1, 2]}, "ax", BAD_AX)
sweep(POINTS, {"x": XY, "y": [0, 1, 2]}, "title", [("5", 5)])
answers(POINTS, "three", holds(lambda ax: len(ax.collections) == 1), XY, [0, 1, 2])
rejects(  # laid out, a panel of equal scales 31 px a side
    POINTS,
    "ax-too-small-for-its-title",
    "ax",
    XY,
    [0, 1, 2],
    ax=Lazy(lambda _: plots.subplots(height=0.6)[1], "0.6 inches high"),
    title="t",
)

BAND = plots.plot_seed_band
sweep(BAND, {}, "runs", [("None", None), ("one-run", [HISTORY]), ("with-None", [HISTORY, None])])
sweep(BAND, {"runs": [HISTORY, HISTORY]}, "axes", [("'abc'", "abc"), ("5", 5)])
answers(BAND, "two", holds(lambda axes: len(axes) == 2), [HISTORY, HISTORY])

PLATEAU_PLOT = plots.plot_plateau
sweep(
    PLATEAU_PLOT,
    {},
    "experiments",
    [("None", None), ("[]", []), ("[None]", [None]), ("a-run", RUN), ("[{}]", [{}])],
)
answers(PLATEAU_PLOT, "fake", holds(lambda axes: len(axes) == 2), [FAKE_RESULTS])


# --------------------------------------------------------------------------------------------------
# curves a figure cannot scale to: beyond LARGEST, matplotlib's limits and ticks overflow
# --------------------------------------------------------------------------------------------------


def _with_curve(run, name, values):
    """`run` (a `runs.Run`) with its curve `name` replaced by `values`."""
    return runs.Run(
        {**run.history, name: values},
        y_val=run.y_val,
        x_val=run.x_val,
        val_log_probabilities=run.val_log_probabilities,
    )


HUGE = [1.1, 1e308, 0.9]
rejects(PLOT_RUN, "val_loss-of-1e308", "run", {**HISTORY, "val_loss": HUGE})
rejects(ANSWER, "val_loss-of-1e308", "run", _with_curve(ANSWER_RUN, "val_loss", HUGE))
rejects(BAND, "val_loss-of-1e308", "runs[1]", [HISTORY, {**HISTORY, "val_loss": HUGE}])
rejects(LOSS_ECE, "val_loss-of-1e308", "run", _with_curve(RUN, "val_loss", HUGE))
rejects(EE, "val_loss-of-1e308", "run", _with_curve(RUN, "val_loss", HUGE))
rejects(
    SMOOTHING,
    "val_cross_entropy-of-minus-1e308",
    "smoothed",
    RUN2,
    _with_curve(SMOOTHED, "val_cross_entropy", [1.0, -1e308]),
)
rejects(
    PLATEAU_PLOT,
    "loss-of-1e308",
    "experiments[0]['bigger']",
    [{**FAKE_RESULTS, "bigger": runs.Run({**HISTORY, "loss": HUGE})}],
)
for label, big in (("1e300", 1e300), ("1e30", 1e30)):
    answers(
        PLOT_RUN,
        f"val_loss-of-{label}",
        drawn_without_a_warning(two_panels),
        {**HISTORY, "val_loss": [1.1, big, 0.9]},
    )
# a loss of 0 (every sample certain and right) has no logarithm; 1e-300 to 1e300 is too many
# powers of ten for matplotlib's log ticks: both on a linear axis
for label, low, high in (("reaching-0", 0.0, 0.5), ("1e-300-to-1e300", 1e-300, 1e300)):
    answers(
        BAND,
        f"losses-{label}",
        drawn_without_a_warning(holds(lambda axes: axes[0].get_yscale() == "linear")),
        [{**HISTORY, "val_loss": [1.1, low, 0.9]}, {**HISTORY, "val_loss": [1.0, 0.5, high]}],
    )
answers(
    BAND,
    "losses-of-a-few-powers-of-ten",
    drawn_without_a_warning(holds(lambda axes: axes[0].get_yscale() == "log")),
    [{**HISTORY, "val_loss": [1.1, 1e-3, 0.9]}, HISTORY],
)
# what no figure of a run draws: an accuracy that is no share, a loss below 0 (but the plateau's,
# which draws it as it is), a band over one epoch
rejects(PLOT_RUN, "val_accuracy-of-1.5", "run", {**HISTORY, "val_accuracy": [0.5, 1.5, 0.8]})
rejects(BAND, "val_accuracy-of-minus-1", "runs[0]", [{**HISTORY, "val_accuracy": [-1.0] * 3}] * 2)
rejects(BAND, "val_loss-of-minus-1", "runs[0]", [{**HISTORY, "val_loss": [1.0, -1.0, 0.5]}] * 2)
rejects(BAND, "one-epoch", "runs", [{k: v[:1] for k, v in HISTORY.items()}] * 2)
rejects(ANSWER, "val_accuracy-of-1.5", "run", _with_curve(ANSWER_RUN, "val_accuracy", [1.5] * 3))
rejects(
    SMOOTHING, "val_loss-of-minus-1", "run", _with_curve(RUN2, "val_loss", [1.0, -1.0]), SMOOTHED
)
rejects(
    PLATEAU_PLOT,
    "val_accuracy-of-2",
    "experiments[0]['run']",
    [{**FAKE_RESULTS, "run": runs.Run({**HISTORY, "val_accuracy": [2.0] * 3})}],
)
# a notebook's panels too small for a figure's text: matplotlib's layout would give up, warning
rejects(
    PLATEAU_PLOT,
    "two-experiments-in-one-row",
    "axes",
    [FAKE_RESULTS, FAKE_RESULTS],
    axes=Lazy(lambda _: plots.subplots(1, 4)[1], "plots.subplots(1, 4)"),
)
answers(
    PLATEAU_PLOT,
    "a-loss-below-0",
    drawn_without_a_warning(holds(lambda axes: axes[0].get_ylim()[0] < 0)),
    [{**FAKE_RESULTS, "run": runs.Run({**HISTORY, "val_loss": [1.0, -0.5, 0.2]})}],
)
# a loss of 0 throughout (every sample certain and right): a scale above it
CERTAIN_LOG_P = np.where(np.eye(3)[Y_VAL] == 1, 0.0, -800.0)
answers(
    ANSWER,
    "val_loss-of-0-throughout",
    drawn_without_a_warning(holds(lambda axes: axes[0].get_ylim() == (0.0, 1.0))),
    runs.Run(
        {"val_loss": [0.0] * 3, "val_accuracy": [1.0] * 3},
        y_val=Y_VAL,
        val_log_probabilities={epoch: CERTAIN_LOG_P for epoch in (1, 2, 3)},
    ),
)
# an accuracy of 100% throughout: a scale under it, not the single line 100% to 100%
answers(
    ANSWER,
    "val_accuracy-of-1-throughout",
    drawn_without_a_warning(holds(lambda axes: axes[0].figure.axes[-1].get_ylim() == (0.9, 1.0))),
    _with_curve(ANSWER_RUN, "val_accuracy", [1.0, 1.0, 1.0]),
)

# --------------------------------------------------------------------------------------------------
# a reader's title or name: broken into lines at its figure's width, refused beyond what fits
# --------------------------------------------------------------------------------------------------

TITLE = "W" * plots.style.MAX_TITLE  # the widest letter
NAME = ("word " * plots.style.MAX_NAME)[: plots.style.MAX_NAME - 1] + "s"


def _named(name):
    return dataclasses.replace(CASE_2, name=name)


def _lines_within_the_figure(result):
    """Every text of the figure (of the Axes returned, or of the first of them) no wider than it:
    a wider one squeezes its panels."""
    figure = (result if isinstance(result, plt.Axes) else result[0]).figure
    figure.canvas.draw()
    for text in figure.findobj(plt.Text):
        if text.get_text() and text.get_visible():
            assert text.get_window_extent().width <= figure.bbox.width, text.get_text()[:40]


LONG_TEXTS = [
    (POINTS, "title", (XY, [0, 1, 2]), {}),
    (PLOT_RUN, "title", (HISTORY,), {}),
    (RELIABILITY, "title", (BINS,), {}),
    (PPS, "title", (CASE_1, CASE_2), {}),
    (DRAW, "title", (A, B), {}),
]
for function, argument, args, kwargs in LONG_TEXTS:
    rejects(function, f"{argument}-too-long", argument, *args, **kwargs, **{argument: TITLE + "W"})
    answers(
        function,
        f"{argument}-of-{len(TITLE)}",
        drawn_without_a_warning(_lines_within_the_figure),
        *args,
        **kwargs,
        **{argument: TITLE},
    )
for argument in ("a", "b"):
    named = {"a": CASE_1, "b": CASE_2, argument: _named(NAME + "s")}
    rejects(PPS, f"{argument}.name-too-long", f"{argument}.name", **named)
answers(
    PPS,
    "names-of-50",
    drawn_without_a_warning(_lines_within_the_figure),
    _named(NAME),
    _named(NAME.upper()),
    title=TITLE,
)
rejects(SIMPLEX, "a-label-too-long", "points", points={NAME + "s": [0.2, 0.3, 0.5]})
for label, points in (
    ("labels-alike-but-a-space", {"1": [0.6, 0.3, 0.1], " 1": [0.2, 0.3, 0.5]}),
    ("a-label-of-spaces", {"  ": [0.6, 0.3, 0.1]}),
    ("a-label-with-a-tab", {"a\tb": [0.6, 0.3, 0.1]}),
):
    rejects(SIMPLEX, label, "points", points=points)
answers(  # a line break of the reader's, kept: the book's labels have them
    SIMPLEX,
    "a-label-on-two-lines",
    drawn_without_a_warning(
        holds(lambda ax: "sample 3\n(wrong)" in [t.get_text() for t in ax.texts])
    ),
    points={"sample 3\n(wrong)": [0.3, 0.5, 0.2]},
)
answers(
    SIMPLEX,
    "labels-of-50",
    drawn_without_a_warning(_lines_within_the_figure),
    points={NAME: [0.6, 0.3, 0.1], NAME.upper(): [0.2, 0.3, 0.5]},
)
rejects(
    plots.plot_clipping,
    "a-column-too-long",
    "frame",
    CLIP_FRAME.assign(**{NAME + "s": [1.0, 0.5, 0.0]}),
)
for label, frame in (
    (
        "columns-alike",
        CLIP_FRAME.assign(**{"1": [1.0, 0.5, 0.0]}).rename(columns={"from probabilities": 1}),
    ),
    ("a-column-of-spaces", CLIP_FRAME.rename(columns={"from probabilities": "  "})),
    ("a-column-with-a-return", CLIP_FRAME.rename(columns={"from probabilities": "a\rb"})),
    (
        "multi-index-columns",
        CLIP_FRAME.set_axis(pd.MultiIndex.from_tuples([("p_true", ""), ("a", "b")]), axis=1),
    ),
):
    rejects(plots.plot_clipping, label, "frame", frame)
answers(
    plots.plot_clipping,
    "columns-of-50",
    drawn_without_a_warning(_lines_within_the_figure),
    CLIP_FRAME.assign(**{NAME: [1.0, 0.5, 0.0]}),
)
rejects(
    PLATEAU_PLOT,
    "a-case-too-long",
    "experiments[0]['case']",
    [{**FAKE_RESULTS, "case": NAME + "s"}],
)
answers(
    PLATEAU_PLOT,
    "a-case-of-50",
    drawn_without_a_warning(_lines_within_the_figure),
    [{**FAKE_RESULTS, "case": NAME}],
)

# --------------------------------------------------------------------------------------------------
# a notebook's axes a figure cannot draw on as it intends, and figures with no room for their text
# --------------------------------------------------------------------------------------------------


def _subfigure_axes(_):
    return plt.figure(layout="constrained").subfigures(2, 1)[0].subplots()


def _equal_axes(_):
    ax = plt.subplots()[1]
    ax.set_aspect("equal")
    return ax


rejects(RELIABILITY, "ax-of-a-subfigure", "ax", BINS, ax=Lazy(_subfigure_axes, "subfigure"))
rejects(
    plots.plot_along_line, "ax-of-equal-scales", "ax", ALONG_FRAME, ax=Lazy(_equal_axes, "equal")
)
rejects(
    plots.plot_epoch_losses,
    "losses-below-0",
    "table",
    EPOCH_TABLE.assign(**{"loss before the step": [-1.0, -0.8, -0.6]}),
    0.5,
)
rejects(SIMPLEX, "ax-a-twin", "ax", ax=Lazy(lambda _: plt.subplots()[1].twinx(), "ax.twinx()"))
rejects(
    BAND,
    "axes-of-equal-scales",
    "axes",
    [HISTORY, HISTORY],
    axes=Lazy(lambda tmp: [_equal_axes(tmp), _equal_axes(tmp)], "equal"),
)
rejects(
    SMOOTHING,
    "axes-too-small",
    "axes",
    RUN2,
    SMOOTHED,
    axes=Lazy(lambda _: plots.subplots(1, 2)[1], "plots.subplots(1, 2)"),
)


def _fixed(setting):
    def make(_):
        ax = plt.subplots()[1]
        setting(ax)
        return ax

    return Lazy(make, "fixed")


def _removed(_):
    ax = plt.subplots()[1]
    ax.remove()
    return ax


def _beside_a_colorbar(_):
    fig, axes = plots.subplots(1, 2)
    fig.colorbar(axes[1].imshow(np.eye(3)), ax=axes[1])
    return axes[0]


for label, setting in (
    ("log-scale", lambda ax: ax.set_yscale("log")),
    ("limits-set", lambda ax: ax.set_ylim(5, 6)),
    ("inverted", lambda ax: ax.invert_yaxis()),
):
    rejects(RELIABILITY, f"ax-{label}", "ax", BINS, ax=_fixed(setting))
rejects(RELIABILITY, "ax-removed", "ax", BINS, ax=Lazy(_removed, "removed"))
rejects(  # a loss panel and an accuracy panel on one y axis
    PLOT_RUN,
    "axes-sharing-y",
    "axes",
    HISTORY,
    axes=Lazy(lambda _: plots.subplots(2, 1, sharey=True)[1], "sharey"),
)
rejects(  # the second figure on a shared x axis would move the first one's limits
    RELIABILITY,
    "ax-sharing-x-with-another-figures-panel",
    "ax",
    BINS,
    ax=Lazy(lambda _: plots.subplots(2, 1, sharex=True)[1][1], "sharex"),
)
rejects(
    PLOT_RUN,
    "the-same-panel-twice",
    "axes",
    HISTORY,
    axes=Lazy(lambda _: [plt.subplots()[1]] * 2, "[ax, ax]"),
)
rejects(
    SIMPLEX,
    "ax-of-a-box-aspect",
    "ax",
    ax=Lazy(lambda _: plt.subplots()[1].set_box_aspect(0.6) or plt.gca(), "box aspect"),
)


def _twin_after_a_draw(_):
    fig, ax = plots.subplots()
    fig.canvas.draw()  # the panel's box moves; a twin made now starts from the grid's
    ax.twinx()
    return ax


rejects(  # a twin is known wherever its panel's box was when it was made
    RELIABILITY,
    "ax-with-a-twin-made-after-a-draw",
    "ax",
    BINS,
    ax=Lazy(_twin_after_a_draw, "twin"),
)
rejects(
    PLOT_RUN,
    "axes-of-two-figures",
    "axes",
    HISTORY,
    axes=Lazy(lambda _: [plt.subplots()[1], plt.subplots()[1]], "two figures"),
)
rejects(  # two equal-scaled panels side by side: the layout collapses only on its third pass
    SIMPLEX,
    "a-second-simplex-beside-the-first",
    "ax",
    ax=Lazy(
        lambda _: plots.plot_simplex(ax=plots.subplots(1, 2, height=4)[1][0]).figure.axes[1],
        "beside a simplex",
    ),
)
answers(  # panels of one quantity share their axes: the histograms' counts, the runs' epochs
    HIST,
    "axes-sharing-x-and-y",
    drawn_without_a_warning(holds(lambda axes: len(axes) == 2)),
    RUN,
    [1, 2],
    axes=Lazy(lambda _: plots.subplots(1, 2, sharex=True, sharey=True)[1], "shared"),
)
answers(
    PLOT_RUN,
    "axes-sharing-x",
    drawn_without_a_warning(two_panels),
    HISTORY,
    axes=Lazy(lambda _: plots.subplots(2, 1, sharex=True)[1], "sharex"),
)
answers(  # the room check looks at the figure's own panels, not a colorbar beside them
    RELIABILITY,
    "ax-beside-a-colorbar",
    drawn_without_a_warning(is_axes),
    BINS,
    ax=Lazy(_beside_a_colorbar, "beside a colorbar"),
)
answers(  # points spread 10 to 1: a long, low panel of equal scales, as the data are
    POINTS, "points-spread-10-to-1", drawn_without_a_warning(is_axes), [[0, 0], [10, 1]], [0, 1]
)
MANY_COLUMNS = CLIP_FRAME.assign(**{f"way {i}": [1.0, 0.5, 0.0] for i in range(20)})
rejects(plots.plot_clipping, "too-many-columns-for-its-figure", "frame", MANY_COLUMNS)
FOUR_WAYS = pd.DataFrame({"p_true": [0.1, 0.5, 1.0], **{w: [2.3, 0.7, 0.0] for w in "abcd"}})


def _each_drawn_its_own_way(ax) -> bool:
    looks = [(line.get_linestyle(), line.get_color()) for line in ax.get_lines()[:4]]
    return len(set(looks)) == 4


answers(plots.plot_clipping, "four-columns", holds(_each_drawn_its_own_way), FOUR_WAYS)
rejects(plots.plot_clipping, "five-columns", "frame", FOUR_WAYS.assign(e=[2.3, 0.7, 0.0]))
rejects(plots.plot_clipping, "a-loss-below-0", "frame", CLIP_FRAME.assign(x=[-1.0, -2.0, -3.0]))
rejects(plots.plot_clipping, "a-loss-of-1.7e308", "frame", CLIP_FRAME.assign(x=[1.7e308, 1.0, 0.0]))
rejects(PLATEAU_PLOT, "51-experiments", "experiments", [FAKE_RESULTS] * 51)
rejects(
    SIMPLEX,
    "labels-alike-once-normalised",
    "points",
    points={"caf\u00e9": [0.6, 0.3, 0.1], "cafe\u0301": [0.2, 0.3, 0.5]},
)
answers(
    progress.epoch_line,
    "negative-zeros",
    equals("epoch    1/3  val_loss 0.0000  val_accuracy 0.0000  (0.0 s)"),
    1,
    1,
    3,
    -0.0,
    -0.0,
    -0.0,
)
answers(plateau.bayes_accuracy, "a-hair-below-the-tie", close_to(0.5), 0.4999999999999, 2)

# --------------------------------------------------------------------------------------------------
# classes of input that once gave a silent wrong answer, or failed inside another library
# --------------------------------------------------------------------------------------------------

# a score at the threshold is not above it, in any dtype (Keras' Precision and Recall round both
# to float32; scikit-learn compares 0.7 > 0.7 in float64): the direct formula says the same
for fn in (scores.precision, scores.recall, scores.f1_score, scores.balanced_accuracy):
    y_true, y_pred = [1, 0, 1, 0], [0.7, 0.7, 0.9, 0.2]
    for label, made in (("list", list), ("float64", np.float64), ("float16", np.float16)):
        expected = _score(fn.__name__, y_true, np.float32(made(y_pred)), 0.7)
        answers(fn, f"y_pred=threshold=0.7-{label}", close_to(expected), y_true, made(y_pred), 0.7)
    sweep(fn, {"y_true": Y, "y_pred": P}, "threshold", [("1e39", 1e39), ("-1e39", -1e39)])

# a logit so far below the others that its log-probability is -inf: weight 0 adds nothing
for dtype, big in ((np.float16, 6e4), (np.float32, 3e38), (np.float64, 1e308)):
    logits = np.array([[big, 0, -big], [-big, big, 0]], dtype=dtype)
    label = f"from_logits={np.dtype(dtype).name}-{big:g}"
    answers(CCE, label, close_to([0.0, 0.0]), np.eye(3)[[0, 1]], logits, from_logits=True)
    agrees(SCCE, label, [0, 1], logits, from_logits=True)
answers(
    BCE,
    "float16-certain-and-right",
    close_to([0.0, 0.0]),
    np.float16(BIN_TRUE),
    np.float16(BIN_TRUE),
)

# numbers that are real but not floats: accepted as the float they are, or refused by name
for label, value in (("2**64", 2**64), ("Fraction(1,3)", Fraction(1, 3)), ("-2**70", -(2**70))):
    answers(V.check_real, label, equals(float(value)), value, "rate")
for label, value in (
    ("2**1024", 2**1024),
    ("10**5000", 10**5000),
    ("Fraction(10**400,3)", Fraction(10**400, 3)),
    ("Fraction(1,10**400)", Fraction(1, 10**400)),  # a float reads it as 0
    ("longdouble-1e400", np.longdouble("1e400")),  # finite, beyond a float
    ("longdouble-1e-400", np.longdouble("1e-400")),
):
    rejects(V.check_real, label, "rate", value, "rate")
answers(V.check_fraction, "Fraction(1,3)", equals(1 / 3), Fraction(1, 3), "share")
answers(metrics.keras_threshold, "Fraction(1,2)", equals(0.5), Fraction(1, 2))
sweep(metrics.keras_threshold, {}, "threshold", [("2**1024", 2**1024), ("10**5000", 10**5000)])
sweep(BLOBS, {}, "spread", [("2**1024", 2**1024)])
sweep(plateau.bayes_accuracy, {}, "label_noise", [("2**64", 2**64)])
answers(plateau.bayes_accuracy, "Fraction(1,10)", close_to(0.9), Fraction(1, 10))

# a count that sizes an array or a model is bounded, and refused by name, not by a MemoryError
rejects(V.check_model_size, "10**8+1", "widths", 10**8 + 1, "widths")
rejects(V.check_model_size, "10**5000", "widths", 10**5000, "widths")
answers(V.check_model_size, "10**8", equals(10**8), 10**8, "widths")
rejects(V.check_model_size, "nan", "n_weights", NAN, "widths")
for label, n in (("0", 0), ("-1", -1), ("1", 1), ("None", None)):
    rejects(V.check_label_noise, f"n_classes={label}", "n_classes", 0.1, n)
sweep(
    V.check_choice,
    {"name": "mode", "choices": ("min", "max")},
    "value",
    [("array", np.array(["min"])), ("None", None), ("'mean'", "mean")],
    "mode",
)
answers(V.check_choice, "min", equals("min"), "min", "mode", ("min", "max"))
for function, argument in ((curves.opposite_moves, "prefix"), (curves.early_stopping, "mode")):
    rejects(function, f"{argument}=array", argument, RUN, **{argument: np.array(["val_"])})
rejects(
    resolution.accuracy_resolution,
    "loss=array",
    "loss",
    np.array(["binary_crossentropy"]),
    1,
    "(N,)",
)
rejects(data.Split, "name=array", "name", **{**SPLIT_BASE, "name": np.array(["digits"])})
# the checks of arrays given lists, as a caller may: checked, not failed on
rejects(V.check_probabilities, "list-1.5", "p", [0.5, 1.5], "p")
answers(V.check_probabilities, "list", holds(lambda a: a.shape == (2,)), [0.5, 1.0], "p")
rejects(V.check_positive_rows, "list-zero-row", "p", [[0.0, 0.0]], "p")
rejects(V.check_binary_labels, "list-0.5", "labels", [0, 0.5], "labels")
rejects(V.check_distributions, "list-off-1", "probs", [[0.5, 0.6]], "probs")
rejects(V.check_class_axis, "list-one-class", "p", [[1.0]], "p", "binary_accuracy")
rejects(V.check_same_shape, "lists", ("y_true", "y_pred"), [0, 1], [0.5])
rejects(V.match_rank, "lists", ("y_true", "y_pred"), [0, 1], [[0.5, 0.5]])
rejects(V.check_class_indices, "lists", "y_true", [0, 3], [[0.5, 0.5], [0.5, 0.5]])
rejects(V.check_probabilities, "text", "p", ["a"], "p")
# arrays with no entry, or no axis, handed to the checks directly
for check in (V.check_probabilities, V.check_positive_rows, V.check_distributions):
    rejects(check, "empty-array", "p", np.zeros((0, 3)), "p")
    rejects(check, "0-d-array", "p", np.array(0.5), "p")
rejects(V.check_class_axis, "0-d-array", "y_pred", np.array(0.5), "y_pred", "binary_accuracy")
rejects(V.check_class_indices, "y_pred-0-d", "y_pred", np.array([0]), np.array(0.5))
rejects(V.check_column, "a-list-as-column", "column", COLUMN_FRAME, ["loss"], "frame")
MULTI = pd.DataFrame({("loss", "x"): [0.5]})
rejects(V.check_column, "multi-index", "frame", MULTI, ("loss", "x"), "frame")
rejects(V.check_names, "count=NA", "count", ["a", "b"], "class_names", pd.NA)
sweep(
    V.check_label_noise,
    {"n_classes": 3, "name": "noise"},
    "label_noise",
    [*BAD_FRACTIONS, ("2/3", 2 / 3), ("0.7", 0.7)],
    "noise",
)
answers(V.check_label_noise, "0.6", equals(0.6), 0.6, 3, "noise")
HUGE = [("10**12", 10**12), ("10**5000", 10**5000)]
sweep(V.check_count, {"name": "count", "high": 10}, "value", [("11", 11)], "count")
answers(V.check_count, "at-high", equals(10), 10, "count", high=10)
for fn in (calibration.calibration_bins, calibration.expected_calibration_error):
    sweep(fn, {"y_true": CY, "probabilities": CP}, "n_bins", HUGE)
sweep(BLOBS, {}, "n_samples", HUGE)
sweep(BLOBS, {}, "n_classes", HUGE)
sweep(data.spirals, {}, "n_samples", HUGE)
sweep(data.spirals, {"label_noise": 0.0}, "n_classes", [("10**30", 10**30)])
sweep(data.imbalanced_scores, {}, "n_samples", HUGE)
sweep(WITH_P, WP_BASE, "n_classes", HUGE)
sweep(counterexample.overconfident, {}, "n_samples", HUGE)
sweep(counterexample.imbalanced, {}, "n_samples", HUGE)
sweep(prose.readable, {"value": 1e-7}, "digits", [("18", 18), *HUGE])
answers(prose.readable, "digits=17", equals("9.9999999999999995 × 10⁻⁸"), 1e-7, 17)
for label, value in HUGE:
    rejects(BI, f"n_resamples={label}", "n_resamples", np.mean, ONES, n_resamples=value)
sweep(TINY, {}, "n_classes", HUGE)
sweep(TINY, {"hidden": 10**5}, "n_features", [("10**5", 10**5)])
sweep(MLP, {}, "hidden", [("(10**5,10**5)", (10**5, 10**5))])
sweep(MLP, {"hidden": ()}, "n_classes", HUGE)
sweep(CONV, {"input_shape": (28, 28, 1), "n_classes": 10}, "width", [("16", 16), *HUGE])
sweep(CONV, {"n_classes": 10}, "input_shape", [("(10**4,10**4,1)", (10**4, 10**4, 1))])
sweep(CONV, {"input_shape": (8, 8, 1)}, "n_classes", HUGE)
for argument in ("n_samples", "n_classes", "output_width"):
    sweep(AR, AR_BASE, argument, HUGE)

# a share of wrong labels at which the true class only ties with another is refused, 2/3 as
# Python writes it (0.6666666666666666) too
for label, noise, k in (("2/3", 2 / 3, 3), ("1/2-2-classes", 0.5, 2), ("0.9-10-classes", 0.9, 10)):
    rejects(plateau.bayes_accuracy, f"label_noise={label}", "label_noise", noise, k)
    rejects(data.spirals, f"label_noise={label}", "label_noise", 10, k, label_noise=noise)
for label, noise, k in (("0.66", 0.66, 3), ("0.49-2-classes", 0.49, 2), ("0.89-10", 0.89, 10)):
    answers(plateau.bayes_accuracy, f"label_noise={label}", close_to(1 - noise), noise, k)
    answers(
        data.spirals, f"label_noise={label}", holds(lambda xy: len(xy[1]) == 10), 10, k, 0.7, noise
    )
rejects(plateau.train, "label_noise=2/3", "label_noise", label_noise=2 / 3)
rejects(
    plateau.diagnose,
    "results['label_noise']=2/3",
    "results",
    {**FAKE_RESULTS, "label_noise": 2 / 3},
)

# the number of classes is the data set's, not the largest label a small split happens to hold
for seed in range(10):
    answers(
        LOAD,
        f"n_classes-of-a-tiny-split-seed={seed}",
        holds(lambda s: s.n_classes == 10),
        "digits",
        2,
        1,
        1,
        seed,
    )
answers(SPLIT, "n_classes-by-name", holds(lambda s: s.n_classes == 10), **SPLIT_BASE)
answers(
    SPLIT,
    "n_classes-given",
    holds(lambda s: s.n_classes == 5),
    **{**SPLIT_BASE, "name": "mine", "n_classes": 5},
)
rejects(SPLIT, "name-unknown-no-n_classes", "n_classes", **{**SPLIT_BASE, "name": "mine"})
sweep(
    SPLIT,
    SPLIT_BASE,
    "n_classes",
    [("1", 1), ("'10'", "10"), ("3-below-a-label", 3)],
    ("n_classes", "y_train", "y_val", "y_test"),
)
sweep(SPLIT, SPLIT_BASE, "y_test", [("10", np.array([0, 1, 2, 10]))])


# a local .npz: images stored as floats in [0, 1] are kept, whole pixel values are scaled;
# anything else, and labels that are not one per image, are refused by naming path
def _images_scale_check(top):
    def check(split):
        values = np.concatenate([split.x_train.ravel(), split.x_val.ravel(), split.x_test.ravel()])
        assert values.max() == pytest.approx(top) and values.min() >= 0, values.max()

    return check


FLOATS = np.linspace(0, 1, 40 * 28 * 28).reshape(40, 28, 28)
for label, images, test_images, top in (
    ("float-images-in-[0,1]", FLOATS, FLOATS[:12], 1.0),
    ("float32-images-in-[0,1]", np.float32(FLOATS), np.float32(FLOATS[:12]), 1.0),
    ("uint8-images", np.uint8(FLOATS * 255), np.uint8(FLOATS[:12] * 255), 1.0),
    ("whole-float-pixels", np.round(FLOATS * 255), np.round(FLOATS[:12] * 255), 1.0),
):
    arrays = {**MNIST_LIKE, "x_train": images, "x_test": test_images}
    answers(
        LOAD,
        f"path={label}",
        _images_scale_check(top),
        "mnist",
        30,
        10,
        12,
        0,
        _npz(f"{label}.npz", **arrays),
    )
for label, change in (
    ("more-labels", {"y_train": np.arange(41) % 10}),
    ("fewer-test-labels", {"y_test": np.arange(11) % 10}),
    ("fractional-pixels-above-1", {"x_train": FLOATS * 200}),
    ("pixels-above-255", {"x_train": FLOATS * 300}),
    ("negative-pixels", {"x_train": FLOATS - 0.5}),
    ("label-10", {"y_train": np.arange(40) % 11}),
    ("images-with-channels", {"x_train": np.zeros((40, 28, 28, 1))}),
    ("string-images", {"x_train": np.full((40, 28, 28), "a")}),
):
    arrays = {**MNIST_LIKE, **change}
    rejects(LOAD, f"path={label}", "path", "mnist", 20, 10, 5, 0, _npz(f"{label}.npz", **arrays))
rejects(LOAD, "path=a-folder", "path", "mnist", 20, 10, 5, 0, Lazy(lambda tmp: tmp, "tmp"))

# fingerprint: an empty path is not the working folder; a file must be a Path (a string naming
# one is refused); the parts are hashed with their lengths, so they cannot run together
rejects(SD, "package=''", "package", "")
rejects(SD, "package='  '", "package", "  ")
rejects(SD, "extra=str-naming-a-file", "extra", PACKAGE, Lazy(lambda tmp: str(_a_file(tmp)), "str"))
rejects(SD, "extra=str-naming-a-folder", "extra", PACKAGE, Lazy(lambda tmp: str(tmp), "str"))
answers(SD, "extra=a\\0b", holds(lambda d: d != SD(PACKAGE, "a", "b")), PACKAGE, "a\0b")
answers(SD, "extra=ab", holds(lambda d: d != SD(PACKAGE, "a", "b")), PACKAGE, "ab")
answers(SD, "extra=a,b", holds(lambda d: d != SD(PACKAGE, "b", "a")), PACKAGE, "a", "b")

# a Run holds real numbers: None, complex numbers and text are refused, not made NaN or real
sweep(
    RUN_CLASS,
    {},
    "history",
    [
        ("None-in-a-curve", {"loss": [1.0, None]}),
        ("complex-curve", {"loss": [1.0, 1 + 2j]}),
        ("bools", {"loss": [True, False]}),
    ],
)
sweep(
    RUN_CLASS,
    {"history": HISTORY, "y_val": Y_VAL},
    "x_val",
    [
        ("strings", np.full((4, 2), "a")),
        ("None", [None] * 4),
        ("1-D", np.zeros(4)),
        ("nan", np.full((4, 2), NAN)),
    ],
)
sweep(
    RUN_CLASS,
    {"history": HISTORY},
    "epoch_seconds",
    [("decreasing", [1.0, 3.0, 2.0]), ("negative", [-1.0, 1.0, 2.0])],
)
answers(
    RUN_CLASS,
    "epoch_seconds=equal",
    holds(lambda r: r.epoch_seconds == (1.0, 1.0, 2.0)),
    HISTORY,
    epoch_seconds=[1.0, 1.0, 2.0],
)

# errors from a shared check name the caller's own argument (never y_pred it does not take)
sweep(LINE, LINE_BASE, "y", [("class-beyond-the-model", [0, 5, 1, 2])])
rejects(
    RUN_CLASS,
    "y_val=beyond-recorded",
    "y_val",
    HISTORY,
    y_val=[0, 1, 2, 3],
    val_log_probabilities=LOG_P,
)
rejects(WITH_P, "y_true=fewer-than-p_true", ("y_true", "p_true"), [0], [0.5, 0.2], 3)
for fn in (calibration.negative_log_likelihood, calibration.fit_temperature):
    rejects(fn, "y_true=class-3", "y_true", [0, 3], [[1.0, 0.0, 0.5], [0.2, 0.1, 0.0]])


# --------------------------------------------------------------------------------------------------
# paths, kept runs, progress lines and folded outputs
# --------------------------------------------------------------------------------------------------

#: Paths no file can have: empty, with a NUL, with a lone surrogate; and what is no path at all.
BAD_PATHS = [("''", ""), ("nul", "a\0b"), ("surrogate", "\ud800"), ("bytes", b"a"), ("5", 5)]
for label, bad in BAD_PATHS:
    rejects(validation.check_path, f"value={label}", "where", bad, "where")
    if label in ("nul", "surrogate", "bytes"):  # the others are in the tables above
        rejects(WB, f"path={label}", "path", f"{bad}.xlsx" if isinstance(bad, str) else bad)
        rejects(LOAD, f"path={label}", "path", "mnist", 20, 10, 5, 0, bad)
    rejects(run_cache.keeper, f"where={label}", "where", print, bad)
    rejects(run_cache.held, f"where={label}", "where", bad, 1)
    rejects(run_cache.log_trained, f"where={label}", "where", bad, "seed 1")
answers(validation.check_path, "text", equals(Path("a/b.xlsx")), "a/b.xlsx", "path")
WIDE = counterexample.PredictionSet("wide", [0], np.full((1, 16_379), 1 / 16_379))
answers(  # its one-hot labels are the size of its predictions, not of the classes squared
    counterexample.summary,
    "two-million-classes",
    holds(lambda table: table["loss"].iloc[0] > 0),
    Lazy(
        lambda _: counterexample.PredictionSet("vast", [0], np.full((1, 2 * 10**6), 5e-7)), "vast"
    ),
)
rejects(WB, "cases=too-wide-for-a-sheet", "cases", _in_tmp("wide.xlsx"), (WIDE, WIDE))
rejects(run_cache.keeper, "where=under-a-file", "where", print, Lazy(_under_a_file, "tmp/file/x"))
rejects(run_cache.keeper, "train=5", "train", 5, _in_tmp("kept"))
rejects(run_cache.keeper, "train=builtin-with-ignore", "train", max, _in_tmp("kept"), ignore=["x"])
sweep(
    progress.progress_line,
    {"name": "m", "done": 1, "seconds": 1.0},
    "total",
    [("10**400", 10**400)],
)
rejects(prose.fixed, "value=longdouble-1e400", "value", np.longdouble("1e400"), 2)
rejects(prose.percent, "value=1e307", "value", 1e307, 1)
answers(run_cache.keeper, "a-folder", holds(callable), print, _in_tmp("kept"))
rejects(run_cache.held, "where=missing", "where", _in_tmp("absent"), 1)
answers(run_cache.held, "a-folder", holds(lambda lock: hasattr(lock, "__enter__")), _in_tmp(""), 1)
for label, bad in (("two-lines", "a\nb"), ("surrogate", "\udcff"), ("5", 5)):
    rejects(run_cache.log_trained, f"line={label}", "line", _in_tmp(""), bad)
answers(run_cache.log_trained, "a-line", equals(None), _in_tmp(""), "seed 1 {}")
answers(run_cache.fingerprint, "16-hex", holds(lambda d: re.fullmatch("[0-9a-f]{16}", d)))
answers(run_cache.folder, "none-or-a-folder", holds(lambda f: f is None or isinstance(f, str)))
rejects(variants.seed, "student_id=surrogate", "student_id", "calibration", "\ud800")
rejects(variants.seed, "assignment=bell", "assignment", "calibration\a", "s1")
rejects(variants.calibration, "student_id=tab-inside", "student_id", "s1\t2")
rejects(validation.check_column, "column-missing", "scores", SCORES, "absent", "scores")
rejects(validation.check_column, "frame=dict", "scores", {"a": [1]}, "a", "scores")
NAMES_ARRAY = ("x", [0], [[0.4, 0.6]], np.array(["a", "b"]))
rejects(counterexample.PredictionSet, "class_names=array", "class_names", *NAMES_ARRAY)
rejects(plots.plot_rival_plane, "n_classes=10**400", "n_classes", 10**400)
rejects(MANY, "seeds=twice", "seeds", {"a": TINY_RUN}, [0, 0])

PROGRESS_HISTORY = {"val_loss": [1.0, 0.9], "val_accuracy": [0.5, 0.6]}
sweep(progress.progress_line, {"name": "m", "total": 3, "seconds": 1.0}, "done", [("4", 4)])
sweep(progress.runs_line, {"total": 3, "slowest": None}, "finished", [("4", 4), ("-1", -1)])
rejects(progress.runs_line, "slowest=5", "slowest", 1, 3, 5)
answers(progress.runs_line, "one-of-two", equals("1 of 2 runs trained"), 1, 2, None)
EPOCH_LINE = {"every": 1, "epochs": 3, "val_loss": 1.0, "val_accuracy": 0.5, "seconds": 1.0}
sweep(progress.epoch_line, EPOCH_LINE, "epoch", [("4", 4), ("0", 0)])
sweep(
    progress.epoch_line,
    {**EPOCH_LINE, "epoch": 1},
    "val_loss",
    [("10**400", 10**400), ("'1'", "1")],
)
sweep(
    progress.epoch_line,
    {**EPOCH_LINE, "epoch": 1},
    "val_accuracy",
    [("inf", math.inf), ("1.5", 1.5), ("-0.1", -0.1), ("'1'", "1")],
)
answers(
    progress.epoch_line,
    "val_accuracy=nan",
    holds(lambda line: "val_accuracy nan" in line),
    1,
    **{**EPOCH_LINE, "val_accuracy": math.nan},
)
answers(
    progress.epoch_line,
    "val_loss=inf",
    holds(lambda line: "inf" in line),
    1,
    **{**EPOCH_LINE, "val_loss": math.inf},
)
for label, history, times in (
    ("scalars", {"val_loss": 1.0, "val_accuracy": 0.5}, [1.0]),
    ("text", {"val_loss": ["a", "b"], "val_accuracy": [0.5, 0.6]}, [1.0, 2.0]),
):
    rejects(progress.replay, f"history={label}", "history", "m", 1, history, times, 2.0)
DECREASING = ("m", 1, PROGRESS_HISTORY, [2.0, 1.0], 2.0)
rejects(progress.replay, "epoch_seconds=decreasing", "epoch_seconds", *DECREASING)
answers(progress.replay, "two-epochs", equals(None), "m", 0, PROGRESS_HISTORY, [1.0, 2.0], 2.0)
answers(  # a keras History, as Run takes one
    progress.replay,
    "a-History",
    equals(None),
    "m",
    0,
    SimpleNamespace(history=PROGRESS_HISTORY),
    [1.0, 2.0],
    2.0,
)
sweep(progress.summary_line, {}, "trained", [("[]", []), ("'abc'", "abc")])
sweep(progress.trained, {"name": "m", "epochs": 3}, "seconds", [("-1", -1.0), ("nan", NAN)])
sweep(progress.EpochProgress, {"name": "m"}, "epochs", [("0", 0), ("None", None)])
answers(progress.EpochProgress, "valid", holds(lambda c: c.epochs == 3), "m", 3)


class PurePathLike:
    """A path object that is not a pathlib.Path: what os.PathLike promises, and no more."""

    def __init__(self, path):
        self.path = str(path)

    def __fspath__(self):
        return self.path


def _captured(stdout="", outputs=()):
    return SimpleNamespace(stdout=stdout, stderr="", outputs=list(outputs))


sweep(folding.folded_html, {}, "captured", [("None", None), ("bytes-stdout", _captured(b"x"))])
MARKDOWN_BYTES = _captured(outputs=[SimpleNamespace(data={"text/markdown": b"*x*"})])
rejects(folding.folded_html, "markdown-bytes", "captured", MARKDOWN_BYTES)
answers(folding.folded_html, "printed", holds(lambda h: "<pre>hi</pre>" in h), _captured("hi"))
SURROGATE_SVG = _captured(outputs=[SimpleNamespace(data={"image/svg+xml": "<svg>\ud800</svg>"})])
rejects(folding.folded_html, "svg-with-a-lone-surrogate", "captured", SURROGATE_SVG)
rejects(
    folding.folded_html,
    "outputs=None",
    "captured",
    SimpleNamespace(stdout="", stderr="", outputs=None),
)
rejects(
    progress.replay,
    "history=a-DataFrame",
    "history",
    "m",
    1,
    pd.DataFrame(PROGRESS_HISTORY),
    [1.0, 2.0],
    2.0,
)
sweep(folding.load_ipython_extension, {}, "shell", [("None", None), ("5", 5)])

# what a second sweep found: each mended, each a case
answers(
    V.as_tensorflow_reads,
    "subnormals",
    holds(lambda a: a.tolist() == [0.0, 0.0, 1.0] and np.signbit(a).tolist() == [0, 1, 0]),
    np.float32([1e-40, -1e-40, 1]),
)
rejects(V.as_tensorflow_reads, "array=list", "array", [1e-40])
rejects(V.check_unmasked, "masked", "history", np.ma.masked_array([1.0, 9.0], [0, 1]), "history")
rejects(V.numpy_of, "masked", "history", np.ma.masked_array([1.0, 9.0], [0, 1]), "history")
rejects(V.numpy_of, "ragged", "history", [[1.0], [1.0, 2.0]], "history")
rejects(V.numpy_of, "pandas-NA", "y", pd.Series([1, None], dtype="Int64"), "y")
for label, value, dtype in (
    ("Float64-frame", pd.DataFrame({"a": [0.5], "b": [0.5]}, dtype="Float64"), "float64"),
    ("Int8-frame", pd.DataFrame({"a": [1], "b": [0]}).astype("Int8"), "int8"),
    ("boolean-Series", pd.Series([True, False], dtype="boolean"), "bool"),
    ("text-Series", pd.Series(["a"], dtype="string"), "object"),
    ("list", [1, 2], "int64"),
):
    answers(V.numpy_of, label, holds(lambda a, d=dtype: a.dtype == np.dtype(d)), value, "x")
answers(
    V.check_unmasked,
    "nothing-masked",
    holds(lambda a: len(a) == 2),
    np.ma.masked_array([1.0, 9.0]),
    "x",
)
answers(
    V.keras_dtype, "pandas-Float64", equals(np.dtype("float64")), pd.Series([0.2]).astype("Float64")
)
answers(  # Keras computes a pandas Float64 column in float64, as NumPy reads it
    metrics.binary_crossentropy,
    "pandas-Float64",
    equals(lambda: metrics.binary_crossentropy([1.0, 0.0], np.array([0.2, 0.7]))),
    [1.0, 0.0],
    pd.Series([0.2, 0.7]).astype("Float64"),
)
answers(data.blobs, "uint64-count", holds(lambda xy: len(xy[1]) == 30), np.uint64(30))
rejects(KM, "temperature=5e-324", "temperature", SEEDED[0], 3, 5e-324)
ONE_SEED = SCORES.groupby(level=0).head(1)
rejects(remedies.mean_and_interval, "scores=one-seed-each", "scores", ONE_SEED)
NEAR_ONE = 1 - 2**-53  # 0.5 + NEAR_ONE / 2 rounds to 1
answers(
    uncertainty.accuracy_interval,
    "confidence=1-2**-53",
    holds(lambda i: 0 <= i["low"] < i["high"] <= 1),
    [1, 0, 1, 1],
    NEAR_ONE,
)
answers(
    remedies.mean_and_interval,
    "confidence=1-2**-53",
    holds(lambda t: np.isfinite(t.xs("±", axis=1, level=1).to_numpy()).all()),
    SCORES,
    NEAR_ONE,
)
TWO_ALIKE = pd.concat([DIAGNOSIS, DIAGNOSIS])
rejects(plateau.readable, "diagnosis=a-case-twice", "diagnosis", TWO_ALIKE)
answers(
    fingerprint.source_digest,
    "a-path-object",
    equals(lambda: fingerprint.source_digest()),
    PurePathLike(fingerprint.PACKAGE),
)
answers(
    progress.replay,
    "epoch_seconds=array",
    equals(None),
    "m",
    0,
    PROGRESS_HISTORY,
    np.array([1.0, 2.0]),
    2.0,
)

# what a fourth sweep found: each mended, each a case
agrees(  # Keras drops the answer's last axis of size 1
    metrics.sparse_categorical_accuracy,
    "y_pred-of-3x1x4",
    np.array([[0], [1], [2]]),
    np.random.default_rng(0).random((3, 1, 4)),
)
MASKED_LABELS = np.ma.masked_array([0, 1, 2, 2], [1, 0, 0, 0])
rejects(
    runs.Run, "y_val=masked", "y_val", HISTORY, y_val=MASKED_LABELS, val_log_probabilities=LOG_P
)
ABOVE_0 = {1: np.array([[5e-7, -30.0], [np.log(0.2), np.log(0.8)]])}  # float32 rounding
answers(  # a log-probability a hair above 0 is 0: a loss of 0, not -5e-7
    curves.costliest_samples,
    "log_p-a-hair-above-0",
    holds(lambda t: (t["loss"] >= 0).all() and (t["share of all the loss"] >= 0).all()),
    runs.Run({"val_loss": [1.0]}, y_val=[0, 1], val_log_probabilities=ABOVE_0),
    1,
)
F16_ONES, F16_TINY = np.ones(10_000, np.float16), np.full(10_000, 1e-4, np.float16)
agrees(metrics.binary_crossentropy, "float16-sum-past-65504", F16_ONES, F16_TINY, rtol=1e-3)
F16_LOGITS = np.array([[-65504, 32752, 32752]], np.float16)
agrees(
    metrics.binary_crossentropy,
    "float16-logits-sum-past-65504",
    np.array([[1, 0, 1]], np.float16),
    F16_LOGITS,
    from_logits=True,
    rtol=1e-3,
)

# what a third sweep found: each mended, each a case
for label, value in (("1e400", "1e400"), ("1e-400", "1e-400")):  # a float64 reads inf, or 0
    WIDE = np.array([1.0, np.longdouble(value)])
    rejects(V.as_float64, f"array=longdouble-{label}", "losses", WIDE, "losses")
    rejects(runs.Run, f"history=longdouble-{label}", "history['val_loss']", {"val_loss": WIDE})
    rejects(metrics.binary_crossentropy, f"y_pred=longdouble-{label}", "y_pred", [1.0, 0.0], WIDE)
answers(V.as_float64, "int8", holds(lambda a: a.tolist() == [1.0, 2.0]), np.int8([1, 2]), "counts")
rejects(V.as_float64, "array=list", "array", [1.0], "counts")
answers(  # (a + b) / 2 of two losses of 1e308 would be inf
    uncertainty.seed_band,
    "median-of-1e308",
    holds(lambda band: band["median"].tolist() == [1e308, 1e308]),
    [{"val_loss": [1e308, 1e308]}] * 2,
)
BIG = pd.concat([SCORES.assign(**{SCORES.columns[0]: 1.6e308})])
for function in (remedies.mean_and_interval, remedies.against_none):
    rejects(function, "scores=1.6e308", "scores", BIG)
PLUS_TWO = pd.DataFrame(
    {"test loss": [1e16, 1e16 + 2, 1e16 + 4]},
    index=pd.MultiIndex.from_product([[remedies.NONE], [0, 1, 2]], names=["remedy", "seed"]),
)
answers(  # NumPy's two-pass spread: pandas' one pass gives 6.08 for the t-interval's 4.97
    remedies.mean_and_interval,
    "scores=1e16-apart-by-2",
    holds(lambda t: abs(t.iloc[0, 1] - 4.968275) < 1e-5),
    PLUS_TWO,
)
answers(  # read in float32, as Keras' Precision and Recall read them: all five agree
    widgets.threshold_explorer,
    "float64-just-above-0.5",
    holds(lambda w: w.readout()["accuracy"] == "0.500" and w.readout()["recall"] == "0.000"),
    [1, 0],
    [0.5000000001, 0.2],
)
rejects(widgets.threshold_explorer, "scores=1e39", "scores", [1, 0], [1e39, 0.2])

# --------------------------------------------------------------------------------------------------
# the sweep
# --------------------------------------------------------------------------------------------------


def test_every_public_function_and_class_has_cases():
    modules = [
        metrics,
        scores,
        calibration,
        counterexample,
        spreadsheet,
        plots,
        widgets,
        curves,
        runs,
        data,
        training,
        overtraining,
        recording,
        remedies,
        resolution,
        fingerprint,
        validation,
        uncertainty,
        plateau,
        prose,
        variants,
        workers,
        run_cache,
        progress,
        folding,
    ]
    covered = {case.function for case in CASES}
    missing = [
        f"{module.__name__}.{name}"
        for module in modules
        for name in module.__all__
        if callable(getattr(module, name)) and getattr(module, name) not in covered
    ]
    assert not missing, f"no cases for {missing}"
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"


@pytest.mark.parametrize("case", [pytest.param(c, marks=c.marks, id=c.id) for c in CASES])
def test_bad_input(case, request):
    def made(value):  # a temporary folder only for the cases that need one: it takes time
        return value.make(request.getfixturevalue("tmp_path")) if isinstance(value, Lazy) else value

    args = [made(value) for value in case.args]
    kwargs = {name: made(value) for name, value in case.kwargs.items()}
    result, error = _call_strictly(case.function, args, kwargs)
    try:
        if case.check is None:
            wanted = " or ".join(repr(n) for n in case.names)
            assert error is not None, (
                f"returned {_short(result)} instead of an error naming {wanted}"
            )
            assert_clear_error(error, case.names, case.function)
        else:
            assert error is None, f"{_describe(error)}; expected an answer"
            case.check(result)
    except AssertionError as failure:  # the message says it all: no traceback of this module
        message = f"{case.id}: {failure}".split("\nassert ")[0]
    else:
        return
    pytest.fail(message, pytrace=False)
