"""Bad input gets a clear error that names the argument, from every function of `metrics`; good
input, in every form a caller may pass it, gets the answer Keras gives."""

import re

import numpy as np
import pytest

from lossacc_utils import metrics

GOOD_TRUE = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
GOOD_PRED = [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3]]
GOOD_LABELS = [0, 1]
GOOD_BINARY_TRUE = [[1.0], [0.0]]
GOOD_BINARY_PRED = [[0.8], [0.3]]

ONE_HOT = [metrics.categorical_crossentropy, metrics.categorical_accuracy]
SPARSE = [metrics.sparse_categorical_crossentropy, metrics.sparse_categorical_accuracy]
BINARY = [metrics.binary_crossentropy, metrics.binary_accuracy]
PROBABILITY_LOSSES = [
    metrics.categorical_crossentropy,
    metrics.sparse_categorical_crossentropy,
    metrics.binary_crossentropy,
]


def good_args(function):
    if function in ONE_HOT:
        return GOOD_TRUE, GOOD_PRED
    if function in SPARSE:
        return GOOD_LABELS, GOOD_PRED
    return GOOD_BINARY_TRUE, GOOD_BINARY_PRED


def call_with(function, **changes):
    y_true, y_pred = good_args(function)
    args = {"y_true": y_true, "y_pred": y_pred, **changes}
    return function(args.pop("y_true"), args.pop("y_pred"), **args)


ALL = ONE_HOT + SPARSE + BINARY


KERAS_NAMES = {
    metrics.categorical_crossentropy: "losses",
    metrics.sparse_categorical_crossentropy: "losses",
    metrics.binary_crossentropy: "losses",
    metrics.categorical_accuracy: "metrics",
    metrics.sparse_categorical_accuracy: "metrics",
    metrics.binary_accuracy: "metrics",
}


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
def test_good_arguments_give_what_keras_gives(function, keras, to_numpy):
    y_true, y_pred = good_args(function)  # lists, which Keras computes with in float32
    expected = getattr(getattr(keras, KERAS_NAMES[function]), function.__name__)(
        np.asarray(y_true), np.float32(y_pred)
    )
    np.testing.assert_allclose(call_with(function), to_numpy(expected), rtol=1e-6)


@pytest.mark.parametrize("function", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([], ValueError, "must not be empty"),
        (np.zeros((0, 3)), ValueError, "must not be empty"),
        (0.5, ValueError, "at least one dimension"),
        ([["a", "b", "c"]], TypeError, "real numbers; got dtype <U1"),
        ([[1, 0], [1]], ValueError, "rectangular array"),
        (np.array([[1 + 0j, 0, 0]]), TypeError, "real numbers; got dtype complex"),
        (
            np.array([[np.nan, 0.5, 0.5], [0, 1, 0]]),
            ValueError,
            r"must be finite; got nan at index \(0, 0\)",
        ),
        (np.array([[0.5, np.inf, 0], [0, 1, 0]]), ValueError, "must be finite; got inf"),
        ({"a": 1}, TypeError, "real numbers; got dtype object"),
    ],
    ids=[
        "empty-list",
        "empty-rows",
        "scalar",
        "strings",
        "ragged",
        "complex",
        "nan",
        "inf",
        "dict",
    ],
)
def test_malformed_arrays_are_named(function, argument, bad, error, message):
    with pytest.raises(error, match=f"^{argument} .*{message}"):
        call_with(function, **{argument: bad})


@pytest.mark.parametrize("function", PROBABILITY_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("value", "word"), [(-0.2, "min -0.2"), (1.5, "max 1.5")])
def test_probabilities_outside_0_1(function, value, word):
    y_true, y_pred = good_args(function)
    y_pred = np.array(y_pred)
    y_pred[0, 0] = value
    with pytest.raises(
        ValueError, match=re.escape(f"y_pred must be probabilities in [0, 1]; got {word}")
    ):
        function(y_true, y_pred)


@pytest.mark.parametrize("function", PROBABILITY_LOSSES, ids=lambda f: f.__name__)
def test_logits_may_lie_outside_0_1(function):
    y_true, y_pred = good_args(function)
    logits = np.array(y_pred) * 40 - 20
    ours = function(y_true, logits, from_logits=True)
    if function is metrics.binary_crossentropy:  # the sigmoid, then the loss, by hand
        p, t = 1 / (1 + np.exp(-logits)), np.array(y_true)
        expected = -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(axis=-1)
    else:  # the log of the softmax at the true class
        labels = np.array(y_true) if function in SPARSE else np.argmax(y_true, axis=1)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        expected = -log_p[np.arange(2), labels]
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "function", [metrics.categorical_crossentropy, metrics.binary_crossentropy]
)
def test_targets_outside_0_1(function):
    y_true, y_pred = good_args(function)
    y_true = np.array(y_true) * 2
    with pytest.raises(
        ValueError, match=re.escape("y_true must be probabilities in [0, 1]; got max 2")
    ):
        function(y_true, y_pred)


@pytest.mark.parametrize("function", ONE_HOT + BINARY, ids=lambda f: f.__name__)
def test_mismatched_shapes(function):
    y_true, y_pred = good_args(function)
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape; got \(2, "):
        function(y_true, np.concatenate([y_pred, y_pred]))


def test_zero_row_cannot_be_renormalised():
    with pytest.raises(ValueError, match=r"row \(1,\) sums to 0"):
        metrics.categorical_crossentropy(GOOD_TRUE, [[0.7, 0.2, 0.1], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("function", SPARSE, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 3], r"class indices from 0 to 2 \(y_pred has 3 classes\); got 3 at index 1"),
        ([-1, 0], "got -1 at index 0"),
        ([0, 1.5], "whole class indices; got 1.5 at index 1"),
        ([0, 1, 2], r"one class index per row of y_pred, shape \(2,\)"),
        ([[0, 1]], r"got shape \(1, 2\)"),
    ],
    ids=["too-large", "negative", "fractional", "too-many", "wrong-shape"],
)
def test_bad_sparse_labels(function, labels, message):
    with pytest.raises(ValueError, match=f"^y_true must .*{message}"):
        function(labels, GOOD_PRED)


@pytest.mark.parametrize("function", ONE_HOT + SPARSE, ids=lambda f: f.__name__)
def test_one_class_is_not_a_classifier(function):
    y_true = [[1.0], [1.0]] if function in ONE_HOT else [0, 0]
    with pytest.raises(ValueError, match=r"y_pred must have at least 2 classes .*use binary_"):
        function(y_true, [[0.9], [0.4]])


def test_binary_accuracy_needs_hard_labels():
    with pytest.raises(ValueError, match=r"y_true must contain only 0 and 1; got 0\.7 at index"):
        metrics.binary_accuracy([[0.7], [0.0]], GOOD_BINARY_PRED)


@pytest.mark.parametrize("function", PROBABILITY_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("flag", ["False", 0, None])
def test_from_logits_must_be_a_bool(function, flag):
    with pytest.raises(TypeError, match="from_logits must be True or False"):
        call_with(function, from_logits=flag)


@pytest.mark.parametrize(
    "function", [metrics.categorical_crossentropy, metrics.binary_crossentropy]
)
@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-0.1, ValueError, "from 0 to 1; got -0.1"),
        (1.5, ValueError, "from 0 to 1; got 1.5"),
        ("0.1", TypeError, "a real number"),
        (float("nan"), ValueError, "finite"),
    ],
)
def test_label_smoothing_must_be_a_fraction(function, value, error, message):
    with pytest.raises(error, match=f"label_smoothing must be {message}"):
        call_with(function, label_smoothing=value)


@pytest.mark.parametrize(
    ("value", "error"),
    [("0.5", TypeError), (None, TypeError), (True, TypeError), (float("inf"), ValueError)],
)
def test_threshold_must_be_a_finite_number(value, error):
    with pytest.raises(error, match="threshold must be"):
        metrics.binary_accuracy(GOOD_BINARY_TRUE, GOOD_BINARY_PRED, threshold=value)
