"""Scores of a whole set of binary predictions: precision, recall, F1, balanced accuracy, ROC AUC.

`metrics` mirrors Keras' per-sample losses and accuracies; these are another kind of number. Each
is a property of the whole set (a ratio of counts, or a ranking), so none is an average over the
samples, and none can be split into what each sample contributes. Class 1 is the positive class,
usually the rare one; a score counts as a prediction of class 1 when it is strictly above the
threshold, compared as `keras.metrics.Precision` and `Recall` compare them: both the scores and the
threshold are rounded to float32 first, the dtype those metrics compute in, so that a score of 0.7
is not above a threshold of 0.7 whatever the dtype it comes in (`metrics.binary_accuracy` follows
`keras.metrics.binary_accuracy` instead, which compares in the dtype of the scores).

>>> from lossacc_utils import scores
>>> y, p = [0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]
>>> scores.precision(y, p), scores.recall(y, p), scores.roc_auc(y, p)
(0.5, 0.5, 0.75)
"""

from __future__ import annotations

import numpy as np

from .contracts import BinaryLabels, Real, Scores, takes
from .validation import as_tensorflow_reads

__all__ = [
    "LABELS_AND_SCORES",
    "THRESHOLD",
    "balanced_accuracy",
    "f1_score",
    "precision",
    "recall",
    "roc_auc",
]


#: The dtype `keras.metrics.Precision` and `Recall` compare in (a metric's dtype, Keras' floatx):
#: they cast the scores and the threshold to it, whatever the dtype each comes in.
COMPARED_IN = np.float32

#: What every score takes: labels of 0 and 1, and a score for each (of any real value: a
#: probability, or a logit for `roc_auc`).
LABELS_AND_SCORES = {"y_true": BinaryLabels(), "y_pred": Scores(like="y_true")}

#: A threshold: a number within the range of `COMPARED_IN`, in which it is compared.
THRESHOLD = Real(
    -float(np.finfo(COMPARED_IN).max),
    float(np.finfo(COMPARED_IN).max),
    why=", the range of float32, in which Keras' Precision and Recall compare",
)


def _above(y_pred: np.ndarray, threshold: float) -> np.ndarray:
    """Where `y_pred` is strictly above `threshold`, both rounded to `COMPARED_IN` first and read
    as TensorFlow reads them on a CPU (a subnormal is a zero: 1e-39 is not above 0)."""
    with np.errstate(over="ignore"):  # a score beyond float32's range is +-inf there, as in Keras
        scores, bar = y_pred.astype(COMPARED_IN), np.array([threshold], COMPARED_IN)
    return as_tensorflow_reads(scores) > as_tensorflow_reads(bar)[0]


def _binary_counts(y_true, y_pred, threshold):
    """True positives, false positives, false negatives and true negatives at `threshold`, of
    checked labels and scores."""
    actual, predicted = y_true == 1, _above(y_pred, threshold)
    return (
        int((predicted & actual).sum()),
        int((predicted & ~actual).sum()),
        int((~predicted & actual).sum()),
        int((~predicted & ~actual).sum()),
    )


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


@takes(**LABELS_AND_SCORES, threshold=THRESHOLD)
def precision(y_true, y_pred, threshold=0.5) -> float:
    """Of the samples predicted positive (score > threshold), the share that are positive.

    0 when nothing is predicted positive, as `keras.metrics.Precision` reports it.
    """
    tp, fp, _, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(tp, tp + fp)


@takes(**LABELS_AND_SCORES, threshold=THRESHOLD)
def recall(y_true, y_pred, threshold=0.5) -> float:
    """Of the positive samples, the share predicted positive (score > threshold); 0 when there are
    no positive samples, as `keras.metrics.Recall` reports it."""
    tp, _, fn, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(tp, tp + fn)


@takes(**LABELS_AND_SCORES, threshold=THRESHOLD)
def f1_score(y_true, y_pred, threshold=0.5) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    tp, fp, fn, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(2 * tp, 2 * tp + fp + fn)


@takes(**LABELS_AND_SCORES, threshold=THRESHOLD)
def balanced_accuracy(y_true, y_pred, threshold=0.5) -> float:
    """The mean of the recall of each class: 0.5 for a model that always predicts one class.

    When `y_true` holds one class only, that class's recall alone (the other has no samples).
    """
    tp, fp, fn, tn = _binary_counts(y_true, y_pred, threshold)
    recalls = [tp / (tp + fn)] if tp + fn else []
    recalls += [tn / (tn + fp)] if tn + fp else []
    return float(np.mean(recalls))


@takes(**LABELS_AND_SCORES)
def roc_auc(y_true, y_pred) -> float:
    """The area under the ROC curve, exactly: the probability that a random positive sample
    scores higher than a random negative one, ties counting one half.

    It is computed from ranks (scikit-learn's `roc_auc_score`), in O(n log n) time and memory.
    `keras.metrics.AUC` approximates the same area with 200 thresholds.
    """
    from sklearn.metrics import roc_auc_score

    if y_true.all() or not y_true.any():
        raise ValueError("y_true must contain both classes (0 and 1) to compute a ROC AUC")
    return float(roc_auc_score(y_true.ravel(), y_pred.ravel()))
