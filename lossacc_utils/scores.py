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

from .validation import as_array, check_binary_labels, check_real, match_rank

__all__ = ["balanced_accuracy", "f1_score", "precision", "recall", "roc_auc"]


def _labels_and_scores(y_true, y_pred):
    y_true, y_pred = as_array(y_true, "y_true"), as_array(y_pred, "y_pred")
    y_true, y_pred = match_rank(y_true, y_pred)
    return check_binary_labels(y_true, "y_true") == 1, y_pred


#: The dtype `keras.metrics.Precision` and `Recall` compare in (a metric's dtype, Keras' floatx):
#: they cast the scores and the threshold to it, whatever the dtype each comes in.
COMPARED_IN = np.float32


def _above(y_pred: np.ndarray, threshold) -> np.ndarray:
    """Where `y_pred` is strictly above `threshold`, both rounded to `COMPARED_IN` first."""
    threshold = check_real(threshold, "threshold")
    if abs(threshold) > float(np.finfo(COMPARED_IN).max):
        raise ValueError(
            f"threshold must be within the range of {np.dtype(COMPARED_IN)}, in which Keras' "
            f"Precision and Recall compare; got {threshold:g}"
        )
    with np.errstate(over="ignore"):  # a score beyond float32's range is +-inf there, as in Keras
        return y_pred.astype(COMPARED_IN) > COMPARED_IN(threshold)


def _binary_counts(y_true, y_pred, threshold):
    """True positives, false positives, false negatives and true negatives at `threshold`."""
    actual, y_pred = _labels_and_scores(y_true, y_pred)
    predicted = _above(y_pred, threshold)
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
    """Of the positive samples, the share predicted positive (score > threshold); 0 when there are
    no positive samples, as `keras.metrics.Recall` reports it."""
    tp, _, fn, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(tp, tp + fn)


def f1_score(y_true, y_pred, threshold=0.5) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    tp, fp, fn, _ = _binary_counts(y_true, y_pred, threshold)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def balanced_accuracy(y_true, y_pred, threshold=0.5) -> float:
    """The mean of the recall of each class: 0.5 for a model that always predicts one class.

    When `y_true` holds one class only, that class's recall alone (the other has no samples).
    """
    tp, fp, fn, tn = _binary_counts(y_true, y_pred, threshold)
    recalls = [tp / (tp + fn)] if tp + fn else []
    recalls += [tn / (tn + fp)] if tn + fp else []
    return float(np.mean(recalls))


def roc_auc(y_true, y_pred) -> float:
    """The area under the ROC curve, exactly: the probability that a random positive sample
    scores higher than a random negative one, ties counting one half.

    It is computed from ranks (scikit-learn's `roc_auc_score`), in O(n log n) time and memory.
    `keras.metrics.AUC` approximates the same area with 200 thresholds.
    """
    from sklearn.metrics import roc_auc_score

    actual, y_pred = _labels_and_scores(y_true, y_pred)
    if actual.all() or not actual.any():
        raise ValueError("y_true must contain both classes (0 and 1) to compute a ROC AUC")
    return float(roc_auc_score(actual.ravel(), y_pred.ravel()))
