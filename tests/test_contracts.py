"""Arguments generated from each function's declared contract (`lossacc_utils.contracts`).

For every public function that declares a contract, and every argument it declares:

- beyond every boundary of the argument's spec (one step past each bound, NaN and infinities,
  the wrong type, the wrong shape, an empty array), with every other argument drawn valid, the
  call raises a `ValueError` or `TypeError` that names the argument, from inside the package;
- at and within every boundary, the call returns what the oracle (scikit-learn, or a closed form)
  computes on the same arguments.

A function is covered by declaring its contract: nothing here names a function, except the
oracles. The modules in `CONTRACTED` must declare a contract for every public function.
"""

from __future__ import annotations

import math
import os
import re
import traceback

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as sk

from lossacc_utils import contracts, scores

#: The modules whose every public function declares its contract.
CONTRACTED = [scores]
F32 = np.float32


def contracted_functions():
    return [
        getattr(module, name)
        for module in CONTRACTED
        for name in module.__all__
        if callable(getattr(module, name))
    ]


# ---- valid arguments, drawn from a spec --------------------------------------------------------


def valid(spec, drawn: dict):
    """A strategy for a value `spec` accepts, given the arguments `drawn` before it."""
    if isinstance(spec, contracts.Real):
        bounds = [b for b in (spec.low, spec.high) if math.isfinite(b)]
        inside = st.floats(spec.low, spec.high, allow_nan=False, allow_infinity=False)
        return st.one_of(st.sampled_from(bounds), inside) if bounds else inside
    if isinstance(spec, contracts.BinaryLabels):
        shapes = st.one_of(st.tuples(st.integers(1, 30)), st.tuples(st.integers(1, 30), st.just(1)))
        return shapes.flatmap(lambda s: arrays(np.float64, s, elements=st.sampled_from([0.0, 1.0])))
    if isinstance(spec, contracts.Scores):
        shape = np.shape(drawn[spec.like])
        shapes = [shape, (shape[0],)] if shape[1:] == (1,) else [shape, (*shape, 1)]
        elements = st.one_of(
            st.sampled_from([0.0, 0.5, 1.0]),
            st.floats(0, 1, width=32),
            st.floats(-1e30, 1e30, allow_nan=False),
        )
        return st.sampled_from(shapes).flatmap(lambda s: arrays(np.float64, s, elements=elements))
    raise AssertionError(f"no strategy for {spec!r}: add one for every kind of spec")


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

NOT_NUMBERS = [("None", None), ("text", "0.5"), ("bool", True), ("complex", 1j), ("list", [0.5])]
NOT_ARRAYS = [("None", None), ("text", "01"), ("empty", []), ("complex", [1j])]


def beyond(spec, drawn: dict) -> list[tuple[str, object]]:
    """Values `spec` refuses, one past each of its boundaries, given the valid arguments `drawn`
    (an argument's shape comes from another one's)."""
    if isinstance(spec, contracts.Real):
        past = [("nan", math.nan), ("inf", math.inf), ("-inf", -math.inf), *NOT_NUMBERS]
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
    raise AssertionError(f"no boundaries for {spec!r}: add them for every kind of spec")


#: One past a boundary of an argument whose shape comes from another: which labels to draw.
ANCHOR = {"y_true": [0.0, 1.0, 1.0]}


def beyond_cases():
    cases = []
    for function in contracted_functions():
        drawn = {}
        for name, spec in function.contract.items():
            drawn[name] = ANCHOR.get(name, np.zeros(3))
            for label, value in beyond(spec, drawn):
                cases.append(
                    pytest.param(function, name, value, id=f"{function.__name__}-{name}={label}")
                )
    return cases


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
        if name in ANCHOR:  # what the refused values were shaped by
            valid_so_far[name] = ANCHOR[name]
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
    """Keras' Precision and Recall compare in float32 (see `scores`)."""
    with np.errstate(over="ignore"):
        return (np.asarray(y_pred, F32) > F32(threshold)).ravel()


ORACLES = {
    scores.precision: lambda y, p, t=0.5: sk.precision_score(
        y.ravel(), predicted(p, t), zero_division=0
    ),
    scores.recall: lambda y, p, t=0.5: sk.recall_score(y.ravel(), predicted(p, t), zero_division=0),
    scores.f1_score: lambda y, p, t=0.5: sk.f1_score(y.ravel(), predicted(p, t), zero_division=0),
    scores.balanced_accuracy: lambda y, p, t=0.5: (
        sk.balanced_accuracy_score(y.ravel(), predicted(p, t))
        if len(set(y.ravel())) > 1
        else float((predicted(p, t) == y.ravel().astype(bool)).mean())
    ),
    scores.roc_auc: lambda y, p: sk.roc_auc_score(y.ravel(), np.ravel(p)),
}


def test_every_contracted_function_has_an_oracle():
    assert set(contracted_functions()) <= set(ORACLES)


@pytest.mark.parametrize("function", contracted_functions(), ids=lambda f: f.__name__)
@settings(max_examples=60)
@given(data=st.data())
def test_at_and_within_the_boundaries_the_answer_is_the_oracles(function, data):
    drawn = data.draw(valid_arguments(function))
    labels = np.ravel(drawn["y_true"])
    if function is scores.roc_auc and labels.min() == labels.max():
        with pytest.raises(ValueError, match="y_true must contain both classes"):
            function(**drawn)
        return
    expected = ORACLES[function](*drawn.values())
    assert function(**drawn) == pytest.approx(expected, abs=1e-12)
