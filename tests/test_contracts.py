"""Arguments generated from each function's declared contract (`lossacc_utils.contracts`).

For every public function that declares a contract, and every argument it declares:

- beyond every boundary of the argument's spec (one step past each bound, NaN and infinities,
  the wrong type, the wrong shape, an empty array), with every other argument drawn valid, the
  call raises a `ValueError` or `TypeError` that names the argument, from inside the package;
- at and within every boundary, the call returns what the oracle (scikit-learn, or a closed form)
  computes on the same arguments.

A function is covered by declaring its contract: nothing here names a function, except the
oracles. The modules in `CONTRACTED` must declare a contract for every public function; `ALSO`
names the functions of other modules that declare one.
"""

from __future__ import annotations

import decimal
import inspect
import math
import os
import re
import traceback

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from keras_oracles import keras_early_stopping
from scipy import special, stats
from sklearn import metrics as sk

from lossacc_utils import (
    calibration,
    contracts,
    counterexample,
    curves,
    metrics,
    plateau,
    scores,
    uncertainty,
)
from lossacc_utils.runs import Run

#: The modules whose every public function declares its contract.
CONTRACTED = [scores, calibration, metrics, curves]
#: The functions of other modules that declare their contract.
ALSO = [
    uncertainty.accuracy_interval,
    uncertainty.accuracy_change,
    counterexample.sharpen,
    plateau.bayes_accuracy,
]
F32 = np.float32


def contracted_functions():
    every = [
        getattr(module, name)
        for module in CONTRACTED
        for name in module.__all__
        if callable(getattr(module, name))
    ]
    return every + ALSO


# ---- valid arguments, drawn from a spec --------------------------------------------------------


def valid(spec, drawn: dict):
    """A strategy for a value `spec` accepts, given the arguments `drawn` before it."""
    if isinstance(spec, contracts.Real):
        bounds = [b for b in (spec.low, spec.high) if math.isfinite(b)]
        inside = st.floats(
            spec.low,
            spec.high,
            allow_nan=False,
            allow_infinity=False,
            exclude_min=spec.open,
            exclude_max=spec.open,
        )
        if spec.open:  # one step inside each bound
            bounds = [math.nextafter(spec.low, spec.high), math.nextafter(spec.high, spec.low)]
        return st.one_of(st.sampled_from(bounds), inside) if bounds else inside
    if isinstance(spec, contracts.BinaryLabels):
        shapes = st.one_of(st.tuples(st.integers(1, 30)), st.tuples(st.integers(1, 30), st.just(1)))
        return shapes.flatmap(lambda s: arrays(np.float64, s, elements=st.sampled_from([0.0, 1.0])))
    if isinstance(spec, contracts.Probabilities):
        shapes = st.one_of(st.tuples(st.integers(1, 8)), table_shapes)
        elements = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 5e-324]), st.floats(0, 1))
        drawn_rows = shapes.flatmap(lambda s: arrays(np.float64, s, elements=elements))
        return drawn_rows.map(with_a_positive_entry_in_every_row)
    if isinstance(spec, contracts.LabelNoise):
        k = drawn[spec.classes]
        below = (k - 1) / k * (1 - 1e-11)  # a hair below the tie, which rounding may hide
        return st.one_of(st.sampled_from([0.0, below]), st.floats(0, below))
    if isinstance(spec, contracts.Verdicts):
        n = st.integers(1, 40) if spec.like is None else st.just(len(drawn[spec.like]))
        return n.flatmap(
            lambda n: st.one_of(
                arrays(np.bool_, n),
                arrays(np.int64, n, elements=st.integers(0, 1)),
                arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
            )
        )
    if isinstance(spec, contracts.Scores):
        shape = np.shape(drawn[spec.like])
        shapes = [shape, (shape[0],)] if shape[1:] == (1,) else [shape, (*shape, 1)]
        elements = st.one_of(
            st.sampled_from([0.0, 0.5, 1.0]),
            st.floats(0, 1, width=32),
            st.floats(-1e30, 1e30, allow_nan=False),
        )
        return st.sampled_from(shapes).flatmap(lambda s: arrays(np.float64, s, elements=elements))
    if isinstance(spec, contracts.Positive):
        return st.one_of(
            st.sampled_from([5e-324, 1.0]), st.floats(1e-3, 1e3), st.floats(1e-300, 1e300)
        )
    if isinstance(spec, contracts.Count):  # an upper bound itself (a million bins) is left to
        # the table of bad inputs: the oracles, loops over the samples, would take minutes there
        small = st.integers(spec.low, spec.low + 40 if spec.high is None else min(spec.high, 40))
        return st.one_of(st.just(spec.low), small)
    if isinstance(spec, contracts.Distributions):
        return table_shapes.flatmap(distributions)
    if isinstance(spec, contracts.Logits):
        return table_shapes.flatmap(
            lambda s: arrays(np.float64, s, elements=st.floats(-60, 60, allow_subnormal=False))
        )
    if isinstance(spec, contracts.ClassIndices):
        n, k = np.shape(drawn[spec.of])
        labels = arrays(np.int64, n, elements=st.integers(0, k - 1))
        return st.one_of(labels, labels.map(lambda y: y[:, None].astype(float)))
    if isinstance(spec, contracts.Flag):
        return st.booleans()
    if isinstance(spec, contracts.KerasThreshold):
        return st.one_of(st.sampled_from([0.0, 0.5, 0.7, 1.0]), st.floats(-1e30, 1e30))
    if isinstance(spec, contracts.LogitRows):
        return st.one_of(st.tuples(st.integers(1, 8)), table_shapes).flatmap(
            lambda s: arrays(np.float64, s, elements=st.floats(-60, 60, allow_subnormal=False))
        )
    if isinstance(spec, contracts.KerasPredictions):
        logits = spec.probabilities_unless is None or drawn[spec.probabilities_unless]
        shapes = (
            table_shapes
            if spec.classes_or
            else st.one_of(
                st.tuples(st.integers(1, 8)), st.tuples(st.integers(1, 8), st.integers(1, 4))
            )
        )
        if logits:
            elements = st.floats(-60, 60, allow_subnormal=False)
            return shapes.flatmap(lambda s: arrays(np.float64, s, elements=elements))
        if spec.classes_or:  # rows summing to 1 (Keras' categorical divides by the sum)
            return shapes.flatmap(distributions)
        probability = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1))
        return shapes.flatmap(lambda s: arrays(np.float64, s, elements=probability))
    if isinstance(spec, contracts.KerasTargets):
        shape = np.shape(drawn[spec.like])
        if spec.labels == "binary":
            shapes = [shape, shape[:1]] if shape[1:] == (1,) else [shape]
            labels = st.sampled_from([0.0, 1.0])
            return st.sampled_from(shapes).flatmap(lambda s: arrays(np.float64, s, elements=labels))
        soft = arrays(np.float64, shape, elements=st.floats(0, 1))
        return st.one_of(distributions(shape), soft) if len(shape) == 2 else soft
    if isinstance(spec, contracts.Choice):
        return st.sampled_from(spec.options)
    if isinstance(spec, contracts.Curves):
        histories = st.integers(spec.epochs, 30).flatmap(history)
        return st.one_of(histories, histories.map(Run))  # a dict of curves is made a Run
    if isinstance(spec, contracts.CurveName):
        return st.sampled_from(sorted(curve_names(drawn[spec.of])))
    if isinstance(spec, contracts.Recorded):
        return recorded_runs()
    if isinstance(spec, contracts.RecordedEpoch):
        return st.sampled_from(list(drawn[spec.of].val_log_probabilities))
    raise AssertionError(f"no strategy for {spec!r}: add one for every kind of spec")


def with_a_positive_entry_in_every_row(probabilities):
    """The probabilities, with a row (along the last axis) of zeros made one-hot."""
    rows = probabilities.reshape(-1, probabilities.shape[-1]).copy()
    rows[rows.sum(axis=1) == 0, 0] = 1.0
    return rows.reshape(probabilities.shape)


#: (samples, classes) of a table of scores: a class axis of at least 2
table_shapes = st.tuples(st.integers(1, 25), st.integers(2, 6))


def distributions(shape):
    """Rows of probabilities summing to 1: some one-hot, some tied, most drawn at random."""
    weights = arrays(np.float64, shape, elements=st.floats(0, 1, allow_subnormal=False))
    rows = weights.filter(lambda w: (w.sum(axis=1) > 1e-3).all())
    return st.one_of(
        rows.map(lambda w: w / w.sum(axis=1, keepdims=True)),
        st.just(np.eye(shape[1])[np.arange(shape[0]) % shape[1]]),
        st.just(np.full(shape, 1 / shape[1])),
    )


def history(epochs: int):
    """A strategy for a run's four curves of `epochs` epochs: losses from 0 up, accuracies from 0
    to 1, any of them NaN on an epoch (a run that diverged), the validation loss a number on at
    least one."""
    loss = st.one_of(st.floats(0, 10), st.sampled_from([0.0, math.nan]))
    accuracy = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, math.nan]))
    curve = {"loss": loss, "accuracy": accuracy, "val_loss": loss, "val_accuracy": accuracy}
    drawn = st.fixed_dictionaries(
        {name: st.lists(values, min_size=epochs, max_size=epochs) for name, values in curve.items()}
    )
    return drawn.filter(lambda h: not np.isnan(h["val_loss"]).all())


def curve_names(run) -> list[str]:
    return list(run.history if isinstance(run, Run) else run)


@st.composite
def recorded_runs(draw):
    """A `Run` of 1 to 12 epochs that recorded the log-probabilities of 1 to 20 validation samples
    of 2 to 5 classes at some of them, ties and certainties among them."""
    epochs = draw(st.integers(1, 12))
    n, k = draw(st.integers(1, 20)), draw(st.integers(2, 5))
    logits = st.one_of(
        arrays(np.float64, (n, k), elements=st.floats(-30, 30, allow_subnormal=False)),
        st.just(np.zeros((n, k))),  # every class tied
        st.just(np.where(np.arange(k) == 0, 0.0, -800.0) * np.ones((n, 1))),  # certain of class 0
    )
    at = draw(st.lists(st.integers(1, epochs), min_size=1, unique=True).map(sorted))
    recorded = {epoch: special.log_softmax(draw(logits), axis=1) for epoch in at}
    y_val = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return Run(draw(history(epochs)), y_val=y_val, val_log_probabilities=recorded)


def valid_arguments(function):
    """A strategy for a whole valid call of `function`: a dict of its declared arguments."""

    @st.composite
    def draw_all(draw):
        drawn = {}
        for name, spec in function.contract.items():
            drawn[name] = draw(valid(spec, drawn))
        return drawn

    return draw_all()


# ---- arguments beyond every boundary ----------------------------------------------------------

NOT_NUMBERS = [
    ("None", None),
    ("text", "0.5"),
    ("bool", True),
    ("complex", 1j),
    ("list", [0.5]),
    ("duration", np.timedelta64(2, "s")),  # an integer to NumPy
]
NOT_ARRAYS = [
    ("None", None),
    ("text", "01"),
    ("empty", []),
    ("complex", [1j]),
    ("durations", np.array([1, 0], dtype="timedelta64[s]")),  # NumPy counts them as integers
    ("masked", np.ma.masked_array([0.0, 1.0], mask=[0, 1])),  # NumPy reads what is masked
]


def beyond(spec, drawn: dict) -> list[tuple[str, object]]:
    """Values `spec` refuses, one past each of its boundaries, given the valid arguments `drawn`
    (an argument's shape comes from another one's)."""
    if isinstance(spec, contracts.Real):
        past = [("nan", math.nan), ("inf", math.inf), ("-inf", -math.inf), *NOT_NUMBERS]
        if spec.open:  # the bounds themselves
            past += [("low", spec.low), ("high", spec.high)]
        if math.isfinite(spec.low):
            past.append(("below-low", math.nextafter(spec.low, -math.inf)))
        if math.isfinite(spec.high):
            past.append(("above-high", math.nextafter(spec.high, math.inf)))
        return past
    if isinstance(spec, contracts.BinaryLabels):
        values = [
            ("2", 2.0),
            ("-1", -1.0),
            ("just-above-0", math.nextafter(0, 1)),
            ("just-below-1", math.nextafter(1, 0)),
            ("just-above-1", math.nextafter(1, 2)),
            ("nan", math.nan),
            ("inf", math.inf),
        ]
        return [(label, [0.0, value, 1.0]) for label, value in values] + NOT_ARRAYS
    if isinstance(spec, contracts.Probabilities):
        return [
            ("above-1", [[0.5, math.nextafter(1, 2)]]),
            ("negative", [[0.5, -5e-324]]),
            ("nan", [[0.5, math.nan]]),
            ("inf", [[0.5, math.inf]]),
            ("a-row-of-zeros", [[0.5, 0.5], [0.0, 0.0]]),
            ("zeros", [0.0, 0.0]),
            *NOT_ARRAYS,
        ]
    if isinstance(spec, contracts.LabelNoise):  # refused whatever the number of classes drawn
        past = [("1", 1.0), ("above-1", 1.5), ("negative", -5e-324), ("nan", math.nan)]
        return [*past, ("inf", math.inf), *NOT_NUMBERS]
    if isinstance(spec, contracts.Verdicts):
        values = [("2", 2), ("-1", -1), ("0.5", 0.5), ("nan", math.nan), ("inf", math.inf)]
        past = [(label, [True, value, False]) for label, value in values]
        past += [("2-D", [[True], [False], [True]]), *NOT_ARRAYS]
        if spec.like:  # the anchor holds three verdicts
            past += [("one-too-many", [True] * 4), ("one-too-few", [True] * 2)]
        return past
    if isinstance(spec, contracts.Scores):
        n = len(drawn[spec.like])
        return [
            ("one-too-many", np.zeros(n + 1)),
            ("one-too-few", np.zeros(n - 1) if n > 1 else np.zeros((1, 2))),
            ("nan", np.full(n, math.nan)),
            ("inf", np.full(n, math.inf)),
            ("text", np.full(n, "a")),
            *NOT_ARRAYS,
        ]
    if isinstance(spec, contracts.Positive):
        zeros = [("0", 0.0), ("-0", -0.0), ("below-0", -5e-324)]
        return [*zeros, ("nan", math.nan), ("inf", math.inf), *NOT_NUMBERS]
    if isinstance(spec, contracts.Count):
        past = [("below-low", spec.low - 1), ("1.5", 1.5), ("whole-float", float(spec.low))]
        past += [("None", None), ("text", "3"), ("bool", True)]
        return past + ([("above-high", spec.high + 1)] if spec.high is not None else [])
    if isinstance(spec, contracts.Distributions | contracts.Logits):
        past = [
            ("1-D", [0.5, 0.5]),
            ("one-class", [[1.0], [1.0]]),
            ("3-D", np.full((1, 2, 2), 0.5)),
            ("nan", [[math.nan, 0.5]]),
            ("inf", [[math.inf, 0.5]]),
            *NOT_ARRAYS,
        ]
        if isinstance(spec, contracts.Distributions):
            past += [
                ("row-sums-above-1", [[0.5, math.nextafter(0.5, 1) + 1e-5]]),
                ("row-sums-below-1", [[0.5, 0.5 - 1e-5]]),
                ("negative", [[-1e-9, 1.0 + 1e-9]]),
                ("above-1", [[1.5, -0.5]]),
                # far off 1, in a dtype whose rounding grows with the number of classes
                ("300-float16-zeros", np.zeros((3, 300), np.float16)),
                ("float16-sums-1.3", np.full((3, 100), 0.013, np.float16)),
                ("20000-classes-sum-1.004", np.full((3, 20_000), 1.004 / 20_000).tolist()),
            ]
        return past
    if isinstance(spec, contracts.ClassIndices):
        n, k = np.shape(drawn[spec.of])
        indices = [("k", k), ("-1", -1), ("0.5", 0.5), ("nan", math.nan)]
        past = [(label, [value] + [0] * (n - 1)) for label, value in indices]
        past += [("one-too-many", [0] * (n + 1)), ("2-D", [[0, 0]] * n), *NOT_ARRAYS]
        return past
    if isinstance(spec, contracts.Flag):
        return [("1", 1), ("text", "False"), ("None", None), ("float", 0.0)]
    if isinstance(spec, contracts.KerasThreshold):
        beyond_float32 = float(np.finfo(np.float32).max) * 1.001
        past = [("nan", math.nan), ("inf", math.inf), *NOT_NUMBERS]
        return [*past, ("above-float32", beyond_float32), ("below-float32", -beyond_float32)]
    if isinstance(spec, contracts.LogitRows):
        return [
            ("nan", [[math.nan, 0.0]]),
            ("inf", [[math.inf, 0.0]]),
            *NOT_ARRAYS,
            ("row-all-neg-inf", [[-math.inf, -math.inf], [0.0, 1.0]]),
        ]
    if isinstance(spec, contracts.KerasPredictions):
        past = [
            ("nan", [[math.nan, 0.5]]),
            ("inf", [[math.inf, 0.5]]),
            ("beyond-float32-in-a-list", [[1e39, 0.5]]),
            *NOT_ARRAYS,
        ]
        if spec.classes_or:
            past.append(("one-class", [[1.0], [1.0]]))
        if spec.probabilities_unless:  # drawn with the flag False (ANCHOR)
            past += [("above-1", [[1.5, 0.5]]), ("negative", [[-1e-9, 1.0]])]
        return past
    if isinstance(spec, contracts.KerasTargets):
        shape = np.shape(drawn[spec.like])
        past = [
            ("one-too-many", np.zeros((shape[0] + 1, *shape[1:]))),
            ("nan", np.full(shape, math.nan)),
            ("beyond-float32", np.full(shape, 1e39)),
            *NOT_ARRAYS,
        ]
        labels = [("2", 2.0), ("-1", -1.0)]
        if spec.labels == "binary":
            labels.append(("0.5", 0.5))
        for label, value in labels:
            past.append((label, np.where(np.arange(np.prod(shape)).reshape(shape) == 0, value, 0)))
        return past
    if isinstance(spec, contracts.Choice):
        past = [("unknown", "nonsense"), ("None", None), ("5", 5), ("list", list(spec.options))]
        upper = spec.options[0].upper()
        return past + ([("upper-case", upper)] if upper not in spec.options else [])
    if isinstance(spec, contracts.Curves):
        curves_of = {name: [0.5] * (spec.epochs + 1) for name in (*spec.needs, "loss")}
        past = [
            ("None", None),
            ("text", "run"),
            ("5", 5),
            ("too-few-epochs", {name: [0.5] * (spec.epochs - 1) for name in curves_of}),
            ("curves-of-two-lengths", {**curves_of, "other": [0.5] * (spec.epochs + 2)}),
            ("text-curve", {**curves_of, "loss": ["a"] * (spec.epochs + 1)}),
        ]
        return past + [
            (f"without-{need}", {k: v for k, v in curves_of.items() if k != need})
            for need in spec.needs
        ]
    if isinstance(spec, contracts.CurveName):
        return [("unknown", "val_los"), ("empty", ""), ("None", None), ("5", 5)]
    if isinstance(spec, contracts.Recorded):
        return [
            ("None", None),
            ("dict-of-curves", {"val_loss": [1.0, 0.5], "val_accuracy": [0.5, 0.6]}),
            ("no-predictions", Run({"val_loss": [1.0, 0.5], "val_accuracy": [0.5, 0.6]})),
        ]
    if isinstance(spec, contracts.RecordedEpoch):  # the anchor recorded epochs 1 and 3 of 4
        unrecorded = [("not-recorded", 2), ("0", 0), ("past-the-run", 5)]
        return [*unrecorded, ("1.5", 1.5), ("None", None), ("text", "1"), ("bool", True)]
    raise AssertionError(f"no boundaries for {spec!r}: add them for every kind of spec")


#: One past a boundary of an argument whose shape comes from another: which labels to draw.
#: (The flag `from_logits` is False, so that predictions must be probabilities.)
ANCHOR = {
    contracts.BinaryLabels: [0.0, 1.0, 1.0],
    contracts.Verdicts: [True, False, True],
    contracts.Distributions: [[0.7, 0.3], [0.2, 0.8], [0.5, 0.5]],
    contracts.KerasPredictions: [[0.7, 0.3], [0.2, 0.8], [0.5, 0.5]],
    contracts.Logits: [[2.0, -1.0], [0.0, 3.5], [1.0, 1.0]],
    contracts.Flag: False,
    contracts.Curves: {
        "loss": [1.0, 0.6, 0.5, 0.4],
        "accuracy": [0.4, 0.6, 0.7, 0.8],
        "val_loss": [1.1, 0.8, 0.9, 1.0],
        "val_accuracy": [0.4, 0.5, 0.6, 0.6],
    },
    contracts.Recorded: Run(
        {"val_loss": [1.1, 0.8, 0.9, 1.0], "val_accuracy": [0.4, 0.5, 0.6, 0.6]},
        y_val=[0, 1, 1],
        val_log_probabilities={
            epoch: special.log_softmax([[2.0, -1.0], [0.0, 3.5], [1.0, 1.0]], axis=1)
            for epoch in (1, 3)
        },
    ),
}


def beyond_cases():
    cases = []
    for function in contracted_functions():
        drawn = {}
        for name, spec in function.contract.items():
            drawn[name] = ANCHOR.get(type(spec), np.zeros(3))
            for label, value in beyond(spec, drawn):
                cases.append(
                    pytest.param(function, name, value, id=f"{function.__name__}-{name}={label}")
                )
    return cases


def test_a_contract_that_relates_an_argument_to_one_not_declared_before_it_is_refused():
    with pytest.raises(TypeError, match="relates it to 'y_true', which must be declared first"):
        contracts.takes(y_pred=contracts.Scores(like="y_true"), y_true=contracts.BinaryLabels())
    with pytest.raises(TypeError, match="takes no argument"):
        contracts.takes(y_true=contracts.BinaryLabels())(lambda labels: labels)


@pytest.mark.parametrize("function", contracted_functions(), ids=lambda f: f.__name__)
def test_a_missing_or_unknown_argument_is_named_from_inside_the_package(function):
    parameters = inspect.signature(function).parameters.values()
    required = [p for p in parameters if p.default is inspect.Parameter.empty]
    unknown = (lambda: function(*[None] * len(required), nonsense=1), "nonsense")
    for call, name in ((lambda: function(), required[0].name), unknown):
        with pytest.raises(TypeError) as refused:
            call()
        assert name in str(refused.value) and function.__name__ in str(refused.value)
        last = traceback.extract_tb(refused.tb)[-1].filename
        assert f"{os.sep}lossacc_utils{os.sep}" in last, f"raised from {last}"


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (lambda: contracts.Count(high="a"), "Count's bounds must be numbers"),
        (lambda: contracts.Count(low=1.5), "Count's bounds must be numbers"),
        (lambda: contracts.Real(low="a"), "Real's bounds must be numbers"),
        (lambda: contracts.Real(low=math.nan), "Real's low must be at most its high"),
        (lambda: contracts.Real(2, 1), "Real's low must be at most its high"),
        (lambda: contracts.KerasTargets(like="y_pred", labels="binari"), "labels must be"),
    ],
)
def test_a_spec_with_bounds_that_are_not_numbers_is_refused_when_declared(declare, message):
    with pytest.raises((TypeError, ValueError), match=message):
        declare()


def test_every_function_of_a_contracted_module_declares_its_contract():
    for function in contracted_functions():
        assert isinstance(getattr(function, "contract", None), dict), function.__name__
        assert all(isinstance(spec, contracts.Spec) for spec in function.contract.values())


@pytest.mark.parametrize(("function", "argument", "value"), beyond_cases())
@settings(max_examples=10)
@given(data=st.data())
def test_an_argument_beyond_a_boundary_is_refused_by_name(function, argument, value, data):
    drawn, valid_so_far = {}, {}
    for name, spec in function.contract.items():
        if type(spec) in ANCHOR:  # what the refused values were shaped by
            valid_so_far[name] = ANCHOR[type(spec)]
        else:
            valid_so_far[name] = data.draw(valid(spec, valid_so_far), label=name)
        drawn[name] = value if name == argument else valid_so_far[name]
    with pytest.raises((ValueError, TypeError)) as refused:
        function(**drawn)
    assert re.search(rf"\b{argument}\b", str(refused.value)), str(refused.value)
    last = traceback.extract_tb(refused.tb)[-1].filename
    assert f"{os.sep}lossacc_utils{os.sep}" in last, f"raised from {last}, not at the door"


# ---- at and within the boundaries: the oracles -------------------------------------------------


def predicted(y_pred, threshold):
    """Keras' Precision and Recall compare in float32 (see `scores`), on a CPU: a subnormal
    float32 is a zero of its sign there."""

    def read(values):
        with np.errstate(over="ignore"):
            values = np.asarray(values, F32)
        return np.where(np.abs(values) < np.finfo(F32).tiny, F32(0), values)

    return (read(y_pred) > read(threshold)).ravel()


def binary(y_true, y_pred, threshold=0.5):
    """The labels and the predictions at `threshold`, flat, for scikit-learn."""
    return np.ravel(y_true), predicted(y_pred, threshold)


def one_class_or(score):
    """`score`, or with one class in y_true, that class's recall alone (as `scores` documents)."""

    def oracle(y_true, y_pred, threshold=0.5):
        y, p = binary(y_true, y_pred, threshold)
        return score(y, p) if len(set(y)) > 1 else float((p == y.astype(bool)).mean())

    return oracle


def bins_by_hand(y_true, probabilities, n_bins=15):
    """Each bin (m / M, (m + 1) / M] by a loop over the samples: count, accuracy, confidence."""
    p, y = np.asarray(probabilities, float), np.ravel(y_true).astype(int)
    rows = []
    for m in range(n_bins):
        inside = [
            i
            for i in range(len(p))
            if (m == 0 or m / n_bins < p[i].max()) and p[i].max() <= (m + 1) / n_bins
        ]
        right = [p[i].argmax() == y[i] for i in inside]
        confidence = [p[i].max() for i in inside]
        rows.append(
            (
                len(inside),
                np.mean(right) if inside else np.nan,
                np.mean(confidence) if inside else np.nan,
            )
        )
    return np.array(rows)


def ece_by_hand(y_true, probabilities, n_bins=15):
    rows = bins_by_hand(y_true, probabilities, n_bins)
    filled = rows[rows[:, 0] > 0]
    return float((filled[:, 0] * np.abs(filled[:, 1] - filled[:, 2])).sum() / rows[:, 0].sum())


def scaled(logits, temperature):
    with np.errstate(over="ignore"):
        z = np.asarray(logits, float)
        return (z - z.max(axis=1, keepdims=True)) / temperature


def nll_by_hand(y_true, logits, temperature=1.0):
    log_p = special.log_softmax(scaled(logits, temperature), axis=1)
    return float(-np.mean([log_p[i, int(c)] for i, c in enumerate(np.ravel(y_true))]))


def keras_says(name: str, module: str = "losses"):
    """Keras' own function `name` of `keras.losses` or `keras.metrics`, as an oracle."""

    def oracle(y_true, y_pred, **options):
        import keras

        found = getattr(getattr(keras, module), name)(y_true, y_pred, **options)
        return keras.ops.convert_to_numpy(found).astype(np.float64)

    return oracle


def curves_of(run) -> dict:
    """A run's curves as lists of floats, from a `Run` or a dict of curves."""
    history = run.history if isinstance(run, Run) else run
    return {name: [float(v) for v in values] for name, values in history.items()}


def summarize_by_hand(run):
    c = curves_of(run)
    loss, accuracy = c["val_loss"], c["val_accuracy"]
    best = min((i for i in range(len(loss)) if loss[i] == loss[i]), key=lambda i: loss[i])
    if loss[-1] != loss[-1]:  # NaN: the run ended diverged
        ratio = math.nan
    else:
        ratio = loss[-1] / loss[best] if loss[best] else (1.0 if loss[-1] == 0 else math.inf)
    nans = [i for i in range(len(loss)) if loss[i] != loss[i]]
    return {
        "best_epoch": best + 1,
        "best_val_loss": loss[best],
        "final_val_loss": loss[-1],
        "loss_ratio": ratio,
        "val_accuracy_at_best": accuracy[best],
        "final_val_accuracy": accuracy[-1],
        "accuracy_change": accuracy[-1] - accuracy[best],
        "diverged_epoch": nans[0] + 1 if nans else None,
    }


def opposite_moves_by_hand(run, prefix="val_"):
    c = curves_of(run)
    loss, accuracy = c[f"{prefix}loss"], c[f"{prefix}accuracy"]
    rows = []
    for i in range(1, len(loss)):
        d_loss, d_accuracy = loss[i] - loss[i - 1], accuracy[i] - accuracy[i - 1]
        if (d_loss < 0 and d_accuracy < 0) or (d_loss > 0 and d_accuracy > 0):
            kind = "loss better, accuracy worse" if d_loss < 0 else "loss worse, accuracy better"
            rows.append((i + 1, d_loss, d_accuracy, kind))
    columns = ["epoch", "loss change", "accuracy change", "kind"]
    return pd.DataFrame(rows, columns=columns).astype({"epoch": int})


def early_stopping_by_keras(run, monitor="val_loss", patience=10, min_delta=0.0, mode="auto"):
    values = curves_of(run)[monitor]
    return keras_early_stopping(
        values, monitor, patience, min_delta, None if mode == "auto" else mode
    )


def losses_by_hand(run, epoch):
    """Each sample's loss, -log p(true class), and whether its likeliest class (the first of a
    tie) is the true one."""
    log_p, y = run.val_log_probabilities[epoch], run.y_val
    losses = [-log_p[i][y[i]] for i in range(len(y))]
    right = [
        max(range(len(row)), key=lambda c, row=row: (row[c], -c)) == y[i]
        for i, row in enumerate(log_p)
    ]
    return np.array(losses), np.array(right)


def loss_by_correctness_by_hand(run):
    rows = []
    for epoch in run.val_log_probabilities:
        losses, right = losses_by_hand(run, epoch)
        n, wrong = len(losses), losses[~right]
        rows.append(
            {
                "epoch": epoch,
                "loss": losses.sum() / n,
                "from correct samples": losses[right].sum() / n,
                "from wrong samples": wrong.sum() / n,
                "wrong samples": len(wrong),
                "mean loss of a wrong sample": wrong.sum() / len(wrong) if len(wrong) else 0.0,
                "accuracy": right.sum() / n,
            }
        )
    return pd.DataFrame(rows).set_index("epoch")


def costliest_by_hand(run, epoch, k=8):
    losses, _ = losses_by_hand(run, epoch)
    p, y = np.exp(run.val_log_probabilities[epoch]), run.y_val
    order = sorted(range(len(losses)), key=lambda i: (-losses[i], i))[:k]
    total = losses.sum() or 1.0
    rows = [
        (i, y[i], int(np.argmax(p[i])), p[i][y[i]], p[i].max(), losses[i], losses[i] / total)
        for i in order
    ]
    columns = ["sample", "true class", "predicted", "p(true class)", "p(predicted)", "loss"]
    return pd.DataFrame(rows, columns=[*columns, "share of all the loss"])


def wilson_by_hand(correct, confidence):
    """Wilson's score interval, from its formula, kept within [0, 1] and around the accuracy."""
    n, p = len(correct), np.mean(correct)
    z = -special.ndtri((1 - confidence) / 2)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return {
        "accuracy": p,
        "low": min(max(centre - half, 0.0), p),
        "high": max(min(centre + half, 1.0), p),
        "standard_error": math.sqrt(p * (1 - p) / n),
        "samples": n,
    }


def mcnemar_by_hand(correct_before, correct_after, confidence):
    """The paired change: McNemar's exact p-value summed from binomial coefficients, and the
    Clopper-Pearson interval of the share that became right (quantiles of beta distributions)
    scaled to the change."""
    before, after = np.asarray(correct_before, bool), np.asarray(correct_after, bool)
    n = len(before)
    right, wrong = int((after & ~before).sum()), int((before & ~after).sum())
    flips = right + wrong
    differences = after.astype(int) - before.astype(int)
    low = high = 0.0
    p_value = 1.0
    if flips:
        tail = sum(math.comb(flips, k) for k in range(min(right, wrong) + 1))
        p_value = min(1.0, 2 * tail / 2**flips)
        alpha = 1 - confidence
        share_low = stats.beta.ppf(alpha / 2, right, wrong + 1) if right else 0.0
        share_high = stats.beta.isf(alpha / 2, right + 1, wrong) if wrong else 1.0
        low, high = flips * (2 * share_low - 1) / n, flips * (2 * share_high - 1) / n
    return {
        "before": before.mean(),
        "after": after.mean(),
        "change": differences.mean(),
        "became_right": right,
        "became_wrong": wrong,
        "standard_error": differences.std() / math.sqrt(n),
        "low": low,
        "high": high,
        "p_value": p_value,
    }


def sharpened_by_hand(y_pred, temperature):
    """Each p ** (1 / temperature) over its row's sum, in 40-digit decimals: each p taken over its
    row's largest first, which changes no share and keeps the powers from overflowing."""
    rows = np.asarray(y_pred, float)
    with decimal.localcontext() as context:
        context.prec = 40
        power = 1 / decimal.Decimal(temperature)
        shares = []
        for row in rows.reshape(-1, rows.shape[-1]):
            top = decimal.Decimal(row.max())
            powers = [(decimal.Decimal(p) / top) ** power if p else 0 for p in row]
            shares.append([float(p / sum(powers)) for p in powers])
    return np.array(shares).reshape(rows.shape)


def over_lowest_by_hand(loss, lowest):
    if lowest == 0:
        return 1.0 if loss == 0 else math.inf
    return loss / lowest


ORACLES = {
    scores.precision: lambda **a: sk.precision_score(*binary(**a), zero_division=0),
    scores.recall: lambda **a: sk.recall_score(*binary(**a), zero_division=0),
    scores.f1_score: lambda **a: sk.f1_score(*binary(**a), zero_division=0),
    scores.balanced_accuracy: one_class_or(sk.balanced_accuracy_score),
    scores.roc_auc: lambda y_true, y_pred: sk.roc_auc_score(np.ravel(y_true), np.ravel(y_pred)),
    calibration.calibration_bins: bins_by_hand,
    calibration.expected_calibration_error: ece_by_hand,
    calibration.apply_temperature: lambda logits, temperature: special.softmax(
        scaled(logits, temperature), axis=1
    ),
    calibration.negative_log_likelihood: nll_by_hand,
    metrics.binary_crossentropy: keras_says("binary_crossentropy"),
    metrics.categorical_crossentropy: keras_says("categorical_crossentropy"),
    metrics.sparse_categorical_crossentropy: keras_says("sparse_categorical_crossentropy"),
    metrics.binary_accuracy: keras_says("binary_accuracy", "metrics"),
    metrics.categorical_accuracy: keras_says("categorical_accuracy", "metrics"),
    metrics.sparse_categorical_accuracy: keras_says("sparse_categorical_accuracy", "metrics"),
    metrics.keras_threshold: lambda threshold: float(np.float32(threshold)),  # a Python float
    metrics.log_softmax: lambda logits: special.log_softmax(logits, axis=-1),
    metrics.softmax: lambda logits: special.softmax(logits, axis=-1),
    curves.over_lowest: over_lowest_by_hand,
    curves.summarize: summarize_by_hand,
    curves.plain_summary: lambda run: summarize_by_hand(
        {**curves_of(run), "val_loss": ORACLES[curves.val_cross_entropy](run)}
    ),
    curves.val_cross_entropy: lambda run: curves_of(run).get(
        "val_cross_entropy", curves_of(run)["val_loss"]
    ),
    curves.opposite_moves: opposite_moves_by_hand,
    curves.early_stopping: early_stopping_by_keras,
    curves.sample_losses: lambda run, epoch: losses_by_hand(run, epoch)[0],
    curves.sample_verdicts: lambda run, epoch: losses_by_hand(run, epoch)[1],
    curves.loss_by_correctness: loss_by_correctness_by_hand,
    curves.costliest_samples: costliest_by_hand,
    uncertainty.accuracy_interval: wilson_by_hand,
    uncertainty.accuracy_change: mcnemar_by_hand,
    counterexample.sharpen: sharpened_by_hand,
    plateau.bayes_accuracy: lambda label_noise, n_classes: 1 - label_noise,
}


def test_every_contracted_function_has_an_oracle():
    assert set(contracted_functions()) - set(ORACLES) == {calibration.fit_temperature}


TINY = 2.2e-313  # a subnormal float64, which TensorFlow flushes to 0 on a CPU


def f64(*rows):
    return np.array(rows, np.float64)


@pytest.mark.parametrize(
    ("function", "arguments"),
    [
        (metrics.categorical_accuracy, {"y_true": f64([0, TINY]), "y_pred": f64([0.0, 0.0])}),
        (metrics.categorical_accuracy, {"y_true": f64([0, 1.0]), "y_pred": f64([0.0, TINY])}),
        (
            metrics.binary_accuracy,
            {"y_true": f64([1.0]), "y_pred": f64([TINY]), "threshold": np.float64(0.0)},
        ),
        (metrics.binary_crossentropy, {"y_true": f64([TINY]), "y_pred": f64([0.5])}),
        # float16 keeps its subnormals (1e-6 is one): Keras' argmax computes in float32
        (
            metrics.categorical_accuracy,
            {"y_true": np.array([[0, 1e-6]], np.float16), "y_pred": np.zeros((1, 2), np.float16)},
        ),
        # Keras' argmax ranks -0 (and so a negative subnormal) below 0
        (metrics.categorical_accuracy, {"y_true": f64([0.5, 0.5]), "y_pred": f64([-0.0, 0.0])}),
        (metrics.categorical_accuracy, {"y_true": f64([0.5, 0.5]), "y_pred": f64([-TINY, 0.0])}),
        (
            metrics.sparse_categorical_accuracy,
            {"y_true": np.array([0]), "y_pred": f64([-0.0, TINY])},
        ),
    ],
    ids=[
        "true",
        "pred",
        "binary",
        "crossentropy",
        "float16",
        "-0",
        "-tiny",
        "sparse-0",
    ],
)
def test_a_subnormal_number_or_a_negative_zero_counts_as_keras_reads_it(function, arguments):
    """Found by the thorough profile: Keras' argmax saw 0 where the package saw 2.2e-313, and
    ranked -0 below 0."""
    np.testing.assert_array_equal(function(**arguments), ORACLES[function](**arguments))


@pytest.mark.parametrize(
    ("function", "metric"), [(scores.precision, "Precision"), (scores.recall, "Recall")]
)
@pytest.mark.parametrize("threshold", [0.0, 1e-40])
def test_precision_and_recall_read_a_float32_subnormal_as_keras_does(function, metric, threshold):
    """Found by a sweep: Keras' Precision and Recall compare in float32 on a CPU, where 1e-39
    and 1e-40 are subnormal, so zeros: 1e-39 is not above 0, nor above 1e-40."""
    import keras

    y_true, y_pred = np.array([1.0, 0.0]), np.float32([1e-39, 0.2])
    oracle = getattr(keras.metrics, metric)(thresholds=threshold)
    oracle.update_state(y_true, y_pred)
    assert function(y_true, y_pred, threshold=threshold) == float(oracle.result())


def test_opposite_moves_sees_changes_whose_product_rounds_to_zero():
    """Found by the generated draws: a loss change of 5e-324 times an accuracy change of 0.5 is 0
    in float64, and the move was missed."""
    run = {"val_loss": [0.0, 5e-324, 5e-324], "val_accuracy": [0.0, 0.5, 0.6]}
    moves = curves.opposite_moves(run)
    pd.testing.assert_frame_equal(moves, opposite_moves_by_hand(run), check_dtype=False)
    assert list(moves["epoch"]) == [2]


@pytest.mark.parametrize("min_delta", [0.0, 1e-3])
def test_early_stopping_compares_in_float32_as_keras_does(min_delta):
    """A fall smaller than float32 can tell is no improvement to Keras."""
    run = {"val_loss": [1.0, 1.0 - 1e-12 - min_delta, 0.5], "val_accuracy": [0.5, 0.5, 0.5]}
    answer = curves.early_stopping(run, patience=1, min_delta=min_delta)
    assert answer == early_stopping_by_keras(run, patience=1, min_delta=min_delta)
    assert answer == {"stopped_epoch": 2, "best_epoch": 1}


def test_early_stopping_reads_float32_subnormals_as_zeros_as_keras_does():
    """1e-45 and 1e-46 are a subnormal float32 and 0: on a CPU, both are zeros to Keras, so
    neither 0.0 nor -0.0 after them is an improvement."""
    run = {"val_loss": [1e-45, 0.0, -0.0, 1e-46], "val_accuracy": [0.5] * 4}
    answer = curves.early_stopping(run, patience=0)
    assert answer == early_stopping_by_keras(run, patience=0)
    assert answer == {"stopped_epoch": 2, "best_epoch": 1}


@pytest.mark.parametrize("function", contracted_functions(), ids=lambda f: f.__name__)
@given(data=st.data())  # 60 examples, or the profile's (see tests/conftest.py)
def test_at_and_within_the_boundaries_the_answer_is_the_oracles(function, data):
    drawn = data.draw(valid_arguments(function))
    if function is scores.roc_auc and np.ptp(drawn["y_true"]) == 0:
        with pytest.raises(ValueError, match="y_true must contain both classes"):
            function(**drawn)
        return
    answer = function(**drawn)
    if function is calibration.fit_temperature:  # the lowest NLL within its bounds
        low, high = 0.05, 20.0
        grid = np.geomspace(low, high, 200)
        best = min(nll_by_hand(drawn["y_true"], drawn["logits"], t) for t in grid)
        assert low <= answer <= high
        assert nll_by_hand(drawn["y_true"], drawn["logits"], answer) <= best + 1e-6
        return
    expected = ORACLES[function](**drawn)
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(answer, expected, check_dtype=False, rtol=1e-12, atol=1e-12)
    elif isinstance(expected, dict):
        assert answer.keys() == expected.keys()
        for key, value in expected.items():
            if value is None:
                assert answer[key] is None, key
            else:
                np.testing.assert_allclose(answer[key], value, rtol=1e-12, atol=1e-12, err_msg=key)
    else:
        if isinstance(answer, pd.DataFrame):
            answer = answer[["count", "accuracy", "confidence"]].to_numpy()
        assert np.shape(answer) == np.shape(expected)  # Keras' shape too, not one broadcast to it
        np.testing.assert_allclose(answer, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("value", [0.2499999, 8.0000001, 0.25 - 2**-54])
def test_a_number_beyond_a_bound_is_shown_with_every_digit_that_puts_it_there(value):
    """Rounded to six digits, 0.2499999 would read as 0.25, the bound it breaks."""
    with pytest.raises(ValueError, match=f"from 0.25 to 8; got {re.escape(repr(value))}$"):
        contracts.Real(0.25, 8).check(value, "temperature", {})
