"""Cross-entropy losses and accuracies in plain NumPy, as Keras 3 computes them.

Each function has the name, the arguments and the per-sample result of its Keras counterpart in
`keras.losses` or `keras.metrics`, so the two can be put side by side:

>>> import numpy as np
>>> from lossacc_utils import metrics
>>> metrics.categorical_crossentropy([[1, 0, 0]], [[0.5, 0.25, 0.25]])  # ln 2
array([0.69314718])

What Keras does, and what these functions do too:

- the arithmetic is done in the dtype Keras would use: that of a floating NumPy array or tensor
  (float16, float32 or float64), float32 for anything else such as a Python list; the result comes
  back as float64 holding exactly those values;
- probabilities are clipped to [EPSILON, 1 - EPSILON] in that dtype before the logarithm, so a
  probability of 0 for the true class costs -ln(1e-7) = 16.118 instead of infinity, and in
  float32, where 1 - 1e-7 rounds to 1 - 1.19e-7, a certain wrong binary prediction costs 15.942;
- categorical cross-entropy first divides each row by its sum, then clips; sparse categorical
  cross-entropy clips first, then divides by the sum of the clipped row;
- `from_logits=True` takes raw scores and applies softmax (or sigmoid) in a numerically stable way;
  a log-softmax (from logits, and in sparse categorical cross-entropy) is computed in float64 and
  rounded to the dtype once, where Keras rounds each step: in float32 the two can differ by a
  float32 rounding step of the loss's terms (near a loss of 0, about 1e-7);
- `label_smoothing=a` replaces the targets by y * (1 - a) + a / K (K = 2 for binary);
- binary accuracy counts a prediction as class 1 when it is strictly greater than the threshold,
  which Keras first rounds to float32 (0.7 becomes 0.69999999), then compares in the wider dtype;
- categorical accuracy compares argmaxes, and argmax breaks ties in favour of the smallest index;
  Keras' argmax ranks a negative zero (and, since TensorFlow reads a subnormal number as a zero of
  its sign, a negative subnormal) below zero, and a positive subnormal level with it.

Unlike Keras, bad input raises a `ValueError` or `TypeError` that names the argument; and a class
the target gives no weight adds nothing to a cross-entropy, even where its log-probability is -inf
(a logit 3e38 below the others in float32, or log(1 - p) of a float16 p clipped to 1), where Keras'
categorical and binary cross-entropies multiply 0 by -inf and return NaN.
"""

from __future__ import annotations

import numpy as np

from .contracts import (
    ClassIndices,
    Flag,
    KerasPredictions,
    KerasTargets,
    KerasThreshold,
    LogitRows,
    Real,
    takes,
)
from .validation import check_positive_rows

__all__ = [
    "EPSILON",
    "SMOOTHING",
    "binary_accuracy",
    "binary_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "keras_threshold",
    "log_softmax",
    "softmax",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
]

EPSILON = 1e-7
"""The fuzz factor Keras clips probabilities with (`keras.config.epsilon()`)."""

#: A share of label smoothing: 0 (none) to 1 (every target uniform).
SMOOTHING = Real(0, 1)


def _loss(labels, classes_or=None):
    """The contract of a cross-entropy: `from_logits` first, as whether `y_pred` must be
    probabilities depends on it; then `y_pred`, in whose dtype `y_true` is taken."""
    return {
        "from_logits": Flag(),
        "y_pred": KerasPredictions(probabilities_unless="from_logits", classes_or=classes_or),
        "y_true": labels,
    }


@takes(logits=LogitRows())
def log_softmax(logits) -> np.ndarray:
    """log(softmax(logits)) along the last axis, computed without overflow.

    A logit may be -inf (a probability of exactly 0), as long as every row has a finite one.

    >>> log_softmax([[0.0, 0.0, -np.inf]])
    array([[-0.69314718, -0.69314718,        -inf]])
    """
    return _stable_log_softmax(logits)


def _stable_log_softmax(logits: np.ndarray) -> np.ndarray:
    """log_softmax of checked logits: shifted by each row's largest first."""
    top = logits.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore"):  # 1e308 - (-1e308) is -inf: a probability of 0
        shifted = logits - top
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@takes(logits=LogitRows())
def softmax(logits) -> np.ndarray:
    """exp(logits) / sum(exp(logits)) along the last axis, computed without overflow."""
    return np.exp(log_softmax(logits))


def _clip(p: np.ndarray) -> np.ndarray:
    """Clip to [EPSILON, 1 - EPSILON] in the dtype of `p`, as `tf.clip_by_value` does."""
    epsilon = p.dtype.type(EPSILON)
    return np.clip(p, epsilon, p.dtype.type(1) - epsilon)


def _weighted(weights: np.ndarray, logs: np.ndarray) -> np.ndarray:
    """weights * logs, entry by entry, where a weight of 0 gives 0 even when its log is -inf.

    A class the target gives no weight adds nothing to the loss, however unlikely the model makes
    it: the log-probability of a logit far below the others (3e38 below, in float32) is -inf, and
    so is log(1 - p) of a float16 probability clipped to 1, and 0 x -inf would make the loss a NaN
    (as it does in Keras' categorical and binary cross-entropy) where it is 0.
    """
    return np.multiply(weights, logs, out=np.zeros_like(logs), where=weights != 0)


def _log_softmax(logits: np.ndarray, dtype) -> np.ndarray:
    """log_softmax in float64, then in `dtype`, where a log-probability below the dtype's range is
    -inf (a probability of 0), as it is when Keras computes it in that dtype."""
    with np.errstate(over="ignore"):
        return _stable_log_softmax(logits.astype(np.float64)).astype(dtype)


@takes(**_loss(KerasTargets(like="y_pred")), label_smoothing=SMOOTHING)
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Binary cross-entropy, averaged over the last axis like `keras.losses.binary_crossentropy`.

    With `y_pred` of shape (N, 1) the result has shape (N,): one loss per sample. With shape (N,)
    the last axis is the samples themselves, so Keras (and this function) return their mean.
    """
    dtype = y_pred.dtype
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # sigmoid cross-entropy without overflow: max(z, 0) - z t + log(1 + exp(-|z|))
        z = y_pred
        loss = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = _clip(y_pred)
        # in float16, 1 - EPSILON rounds to 1: log(1 - p) can be -inf there, as it is in Keras
        with np.errstate(divide="ignore"):
            loss = -(_weighted(y_true, np.log(p)) + _weighted(1 - y_true, np.log(1 - p)))
    # TensorFlow sums float16 in float32 and rounds the mean: a sum past 65504 is no inf there
    wide = np.float32 if dtype == np.float16 else dtype
    return loss.mean(axis=-1, dtype=wide).astype(dtype).astype(np.float64)


@takes(
    **_loss(KerasTargets(like="y_pred"), classes_or="binary_crossentropy"),
    label_smoothing=SMOOTHING,
)
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Categorical cross-entropy per sample, like `keras.losses.categorical_crossentropy`.

    `y_true` is one-hot (or soft) with the shape of `y_pred`; the last axis holds the classes.
    Probabilities are renormalised to sum to 1 and then clipped to [EPSILON, 1 - EPSILON].
    """
    dtype, n_classes = y_pred.dtype, y_pred.shape[-1]
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n_classes
    if from_logits:
        log_p = _log_softmax(y_pred, dtype)
    else:
        log_p = np.log(_clip(y_pred / check_positive_rows(y_pred, "y_pred")))
    return (0.0 - _weighted(y_true, log_p).sum(axis=-1, dtype=dtype)).astype(np.float64)


@takes(**_loss(ClassIndices(of="y_pred"), classes_or="binary_crossentropy"))
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Categorical cross-entropy with integer labels, like Keras' sparse version.

    `y_true` holds class indices, shape (N,) or (N, 1); `y_pred` has shape (N, K). Probabilities are
    clipped to [EPSILON, 1 - EPSILON] first and then renormalised (the reverse order of
    `categorical_crossentropy`, which matters only for probabilities within EPSILON of 0 or 1).
    Keras' `ignore_class` argument is not mirrored.
    """
    dtype = y_pred.dtype
    if not from_logits:  # the log of the clipped probabilities, then softmax cross-entropy on it
        y_pred = np.log(_clip(y_pred))
    log_p = _log_softmax(y_pred, dtype)
    picked = np.take_along_axis(log_p, y_true[..., None], axis=-1)[..., 0]
    return (0.0 - picked).astype(np.float64)  # 0 - 0 is 0, where -0 would be -0


@takes(
    y_pred=KerasPredictions(),
    y_true=KerasTargets(like="y_pred", labels="binary", rank=True),
    threshold=KerasThreshold(),
)
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_pred > threshold` matches `y_true`, else 0.0, element by element.

    Like `keras.metrics.binary_accuracy`: the comparison is strict, so a prediction equal to the
    threshold counts as class 0. For logits use `threshold=0.0`. Shapes (N,) and (N, 1) are matched
    as Keras matches them.
    """
    # compared in float64, to which float16, float32 and the threshold all widen exactly
    return (y_true == (y_pred.astype(np.float64) > threshold)).astype(np.float64)


@takes(threshold=KerasThreshold())
def keras_threshold(threshold) -> float:
    """The threshold as Keras compares with it: Keras makes it a tensor, so a Python float is
    rounded to float32 (a NumPy float keeps its dtype); the comparison then widens it exactly.

    >>> keras_threshold(0.7), keras_threshold(np.float64(0.7))
    (0.699999988079071, 0.7)
    """
    return threshold  # made the float Keras compares with by its contract


@takes(
    y_pred=KerasPredictions(classes_or="binary_accuracy"),
    y_true=KerasTargets(like="y_pred"),
)
def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals argmax(y_true), per sample, like Keras.

    `y_pred` may be probabilities or logits (the argmax is the same). Ties go to the smallest index.
    """
    return (_keras_argmax(y_true) == _keras_argmax(y_pred)).astype(np.float64)


def _keras_argmax(array: np.ndarray) -> np.ndarray:
    """The index of the largest entry along the last axis, as Keras' argmax finds it: in float32
    at least, a negative zero ranked just below zero (as the smallest negative number), ties to
    the smallest index. (The contracts have already read subnormal numbers as TensorFlow does.)"""
    x = array.astype(np.result_type(array.dtype, np.float32))
    negative_zero = (x == 0) & np.signbit(x)
    return np.where(negative_zero, -np.finfo(x.dtype).tiny, x).argmax(axis=-1)


@takes(
    y_pred=KerasPredictions(classes_or="binary_accuracy"),
    y_true=ClassIndices(of="y_pred", keep_shape=True),
)
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals the integer label, per sample, shaped as Keras shapes it:
    labels with a last axis of size 1, as many axes as `y_pred`, give answers of their shape,
    and then, as any answer, lose a last axis of size 1 but the only one: labels (3, 1) give
    answers (3,), labels (3, 1, 1) answers (3, 1), and one label (1,) of a `y_pred` (K,) is (1,).
    """
    kept = y_true.ndim == y_pred.ndim  # Keras compares without the axis, then puts it back
    matches = ((y_true[..., 0] if kept else y_true) == _keras_argmax(y_pred)).astype(np.float64)
    matches = matches.reshape(y_true.shape)
    return matches[..., 0] if matches.ndim > 1 and matches.shape[-1] == 1 else matches
