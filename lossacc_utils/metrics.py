"""Cross-entropy losses and accuracies in plain NumPy, exactly as Keras 3 computes them.

Each function has the name, the arguments and the per-sample result of its Keras counterpart in
`keras.losses` or `keras.metrics`, so the two can be put side by side:

>>> import numpy as np
>>> from lossacc_utils import metrics
>>> metrics.categorical_crossentropy([[1, 0, 0]], [[0.5, 0.25, 0.25]])  # ln 2
array([0.69314718])

What Keras does, and what these functions do too:

- probabilities are clipped to [EPSILON, 1 - EPSILON] before the logarithm, so a probability of 0
  for the true class costs -ln(1e-7) = 16.118 instead of infinity;
- categorical cross-entropy first divides each row by its sum, then clips; sparse categorical
  cross-entropy clips first, then divides by the sum of the clipped row;
- `from_logits=True` takes raw scores and applies softmax (or sigmoid) in a numerically stable way;
- `label_smoothing=a` replaces the targets by y * (1 - a) + a / K (K = 2 for binary);
- binary accuracy counts a prediction as class 1 when it is strictly greater than the threshold;
- categorical accuracy compares argmaxes, and argmax breaks ties in favour of the smallest index.

Unlike Keras, bad input raises a `ValueError` or `TypeError` that names the argument.
"""

from __future__ import annotations

import numpy as np

from .validation import (
    as_array,
    check_binary_labels,
    check_bool,
    check_class_axis,
    check_class_indices,
    check_fraction,
    check_positive_rows,
    check_probabilities,
    check_real,
    check_same_shape,
    match_rank,
)

__all__ = [
    "EPSILON",
    "balanced_accuracy",
    "binary_accuracy",
    "binary_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "f1_score",
    "precision",
    "recall",
    "roc_auc",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
]

EPSILON = 1e-7
"""The fuzz factor Keras clips probabilities with (`keras.config.epsilon()`)."""


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Binary cross-entropy, averaged over the last axis like `keras.losses.binary_crossentropy`.

    With `y_pred` of shape (N, 1) the result has shape (N,): one loss per sample. With shape (N,)
    the last axis is the samples themselves, so Keras (and this function) return their mean.
    """
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred)
    from_logits = check_bool(from_logits, "from_logits")
    smoothing = check_fraction(label_smoothing, "label_smoothing")
    check_probabilities(y_true, "y_true")
    if smoothing:
        y_true = y_true * (1.0 - smoothing) + 0.5 * smoothing
    if from_logits:
        # sigmoid cross-entropy without overflow: max(z, 0) - z t + log(1 + exp(-|z|))
        z = y_pred
        loss = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(check_probabilities(y_pred, "y_pred"), EPSILON, 1.0 - EPSILON)
        loss = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return loss.mean(axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Categorical cross-entropy per sample, like `keras.losses.categorical_crossentropy`.

    `y_true` is one-hot (or soft) with the shape of `y_pred`; the last axis holds the classes.
    Probabilities are renormalised to sum to 1 and then clipped to [EPSILON, 1 - EPSILON].
    """
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred)
    n_classes = check_class_axis(y_pred, "y_pred", "binary_crossentropy")
    from_logits = check_bool(from_logits, "from_logits")
    smoothing = check_fraction(label_smoothing, "label_smoothing")
    check_probabilities(y_true, "y_true")
    if smoothing:
        y_true = y_true * (1.0 - smoothing) + smoothing / n_classes
    if from_logits:
        log_p = _log_softmax(y_pred)
    else:
        check_probabilities(y_pred, "y_pred")
        p = y_pred / check_positive_rows(y_pred, "y_pred")
        log_p = np.log(np.clip(p, EPSILON, 1.0 - EPSILON))
    return -(y_true * log_p).sum(axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Categorical cross-entropy with integer labels, like Keras' sparse version.

    `y_true` holds class indices, shape (N,) or (N, 1); `y_pred` has shape (N, K). Probabilities are
    clipped to [EPSILON, 1 - EPSILON] first and then renormalised (the reverse order of
    `categorical_crossentropy`, which matters only for probabilities within EPSILON of 0 or 1).
    Keras' `ignore_class` argument is not mirrored.
    """
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    check_class_axis(y_pred, "y_pred", "binary_crossentropy")
    labels = check_class_indices(y_true, y_pred)
    from_logits = check_bool(from_logits, "from_logits")
    if from_logits:
        log_p = _log_softmax(y_pred)
    else:
        p = np.clip(check_probabilities(y_pred, "y_pred"), EPSILON, 1.0 - EPSILON)
        log_p = np.log(p) - np.log(p.sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_pred > threshold` matches `y_true`, else 0.0, element by element.

    Like `keras.metrics.binary_accuracy`: the comparison is strict, so a prediction equal to the
    threshold counts as class 0. For logits use `threshold=0.0`. Shapes (N,) and (N, 1) are matched
    as Keras matches them.
    """
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    y_true, y_pred = match_rank(y_true, y_pred)
    threshold = check_real(threshold, "threshold")
    check_binary_labels(y_true, "y_true")
    return (y_true == (y_pred > threshold)).astype(np.float64)


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals argmax(y_true), per sample, like Keras.

    `y_pred` may be probabilities or logits (the argmax is the same). Ties go to the smallest index.
    """
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred)
    check_class_axis(y_pred, "y_pred", "binary_accuracy")
    check_probabilities(y_true, "y_true")
    return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals the integer label, per sample, like Keras."""
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    check_class_axis(y_pred, "y_pred", "binary_accuracy")
    labels = check_class_indices(y_true, y_pred)
    return (labels == y_pred.argmax(axis=-1)).astype(np.float64)


# ---- beyond accuracy, for a binary problem (class 1 is the positive, usually the rare class) ----


def _binary_counts(y_true, y_pred, threshold):
    """True positives, false positives, false negatives and true negatives at `threshold`."""
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    y_true, y_pred = match_rank(y_true, y_pred)
    check_binary_labels(y_true, "y_true")
    predicted = y_pred > check_real(threshold, "threshold")  # strict, as in Keras
    actual = y_true == 1
    return (
        int((predicted & actual).sum()),
        int((predicted & ~actual).sum()),
        int((~predicted & actual).sum()),
        int((~predicted & ~actual).sum()),
    )


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def precision(y_true, y_pred, threshold=0.5) -> float:
    """Of the samples predicted positive (score > threshold), the share that are positive.

    0 when nothing is predicted positive, as `keras.metrics.Precision` reports it.
    """
    tp, fp, _, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(tp, tp + fp)


def recall(y_true, y_pred, threshold=0.5) -> float:
    """Of the positive samples, the share predicted positive (score > threshold)."""
    tp, _, fn, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(tp, tp + fn)


def f1_score(y_true, y_pred, threshold=0.5) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    tp, fp, fn, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def balanced_accuracy(y_true, y_pred, threshold=0.5) -> float:
    """The mean of the recall of each class: 0.5 for a model that always predicts one class."""
    tp, fp, fn, tn = _binary_counts(y_true, y_pred, threshold)
    return (_ratio(tp, tp + fn) + _ratio(tn, tn + fp)) / 2


def roc_auc(y_true, y_pred) -> float:
    """The area under the ROC curve, exactly: the probability that a random positive sample
    scores higher than a random negative one, ties counting one half.

    `keras.metrics.AUC` approximates the same area with 200 thresholds.
    """
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    y_true, y_pred = match_rank(y_true, y_pred)
    check_binary_labels(y_true, "y_true")
    positives, negatives = y_pred[y_true == 1], y_pred[y_true == 0]
    if not len(positives) or not len(negatives):
        raise ValueError("y_true must contain both classes to compute a ROC AUC")
    higher = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    return float((higher + 0.5 * ties) / (len(positives) * len(negatives)))
