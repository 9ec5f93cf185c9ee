"""The spreadsheet counterexample: prediction sets where the lower loss has the lower accuracy.

A `PredictionSet` is a small table of samples: each has a true class and the probabilities a model
gave to every class. Its loss is Keras' categorical cross-entropy averaged over the samples, and its
accuracy the share of samples whose most probable class is the true one.

>>> from lossacc_utils.counterexample import CASE_1, CASE_2, disagree
>>> round(CASE_1.loss, 3), round(CASE_1.accuracy, 3), round(CASE_2.loss, 3), CASE_2.accuracy
(0.376, 0.667, 0.916, 1.0)
>>> disagree(CASE_1, CASE_2)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import metrics
from .contracts import Positive, Probabilities, takes
from .metrics import softmax
from .validation import (
    MAX_ENTRIES,
    as_array,
    check_class_indices,
    check_count,
    check_distributions,
    check_fraction,
    check_names,
    check_probabilities,
    check_text,
    keras_dtype,
)

__all__ = [
    "CASE_1",
    "CASE_2",
    "PredictionSet",
    "disagree",
    "imbalanced",
    "overconfident",
    "sharpen",
    "summary",
    "verdict",
    "with_true_class_probabilities",
]


@dataclass(frozen=True)
class PredictionSet:
    """Predictions of one model on a few samples: true classes and predicted probabilities.

    `y_true` holds class indices, shape (N,); `y_pred` holds one row of class probabilities per
    sample, shape (N, K), each row summing to 1. `class_names` label the K classes in tables.

    The losses and the accuracy are Keras' definitions computed in float64, whatever the dtype of
    `y_pred`, as the spreadsheet computes them. Keras itself computes a list in float32 and a
    float16 array in float16, whose rounding moves a loss by about 1e-7 in float32 (a certain,
    right answer costs 1.2e-7, not 1e-7) and by up to 0.2 in float16 (a clipped one costs 15.9).
    """

    name: str
    y_true: np.ndarray
    y_pred: np.ndarray
    class_names: tuple[str, ...] = field(default=())

    def __post_init__(self):
        check_text(self.name, "name")
        y_pred = as_array(self.y_pred, "y_pred")
        if y_pred.ndim != 2 or y_pred.shape[1] < 2:  # a classifier has at least 2 classes
            raise ValueError(f"y_pred must have shape (samples, classes >= 2); got {y_pred.shape}")
        check_distributions(y_pred, "y_pred", keras_dtype(self.y_pred))
        y_true = as_array(self.y_true, "y_true")
        if y_true.ndim != 1:
            raise ValueError(f"y_true must have shape (samples,); got {y_true.shape}")
        y_true = check_class_indices(y_true, y_pred, scores="y_pred")
        n_classes = y_pred.shape[1]
        if isinstance(self.class_names, tuple) and not self.class_names:  # not `== ()`: arrays
            names = tuple(f"class {k}" for k in range(n_classes))
        else:
            names = check_names(self.class_names, "class_names", n_classes)
        object.__setattr__(self, "y_true", y_true)
        object.__setattr__(self, "y_pred", y_pred)
        object.__setattr__(self, "class_names", names)

    @property
    def one_hot(self) -> np.ndarray:
        """The true classes as one-hot rows, the labels Keras' categorical functions take."""
        one_hot = np.zeros(self.y_pred.shape)  # the size of y_pred, not np.eye's K x K
        np.put_along_axis(one_hot, self.y_true[:, None], 1.0, axis=1)
        return one_hot

    @property
    def losses(self) -> np.ndarray:
        """Cross-entropy of each sample, -ln(probability of the true class), clipped as in Keras."""
        return metrics.categorical_crossentropy(self.one_hot, self.y_pred)

    @property
    def correct(self) -> np.ndarray:
        """True where the most probable class is the true class (ties go to the smallest index)."""
        return metrics.categorical_accuracy(self.one_hot, self.y_pred).astype(bool)

    @property
    def loss(self) -> float:
        """Mean cross-entropy over the samples: the number Keras reports as `loss`."""
        return float(self.losses.mean())

    @property
    def accuracy(self) -> float:
        """Share of samples predicted correctly: the number Keras reports as `accuracy`."""
        return float(self.correct.mean())

    @property
    def true_class_probabilities(self) -> np.ndarray:
        """The probability each sample gives its own true class."""
        return self.y_pred[np.arange(len(self.y_true)), self.y_true]

    def table(self) -> pd.DataFrame:
        """One row per sample: true class, probabilities, predicted class, correct, loss."""
        frame = pd.DataFrame(self.y_pred, columns=[f"p({name})" for name in self.class_names])
        frame.insert(0, "true class", [self.class_names[k] for k in self.y_true])
        frame["predicted"] = [self.class_names[k] for k in self.y_pred.argmax(axis=1)]
        frame["correct"] = self.correct
        frame["loss"] = self.losses
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="sample")
        return frame


def summary(*sets: PredictionSet) -> pd.DataFrame:
    """Mean loss and accuracy of each prediction set, one row per set."""
    if not sets:
        raise ValueError("sets must hold at least one PredictionSet; summary got none")
    for i, s in enumerate(sets):
        if not isinstance(s, PredictionSet):
            raise TypeError(f"sets[{i}] must be a PredictionSet; got {type(s).__name__}")
    return pd.DataFrame(
        {"loss": [s.loss for s in sets], "accuracy": [s.accuracy for s in sets]},
        index=pd.Index([s.name for s in sets], name="predictions"),
    )


def disagree(a: PredictionSet, b: PredictionSet) -> bool:
    """True when loss and accuracy rank the two sets in opposite orders.

    Lower loss is better and higher accuracy is better, so they disagree when the set with the
    strictly lower loss has the strictly lower accuracy.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, PredictionSet):
            raise TypeError(f"{name} must be a PredictionSet; got {type(value).__name__}")
    return (a.loss - b.loss) * (a.accuracy - b.accuracy) > 0


def verdict(a: PredictionSet, b: PredictionSet) -> str:
    """One sentence saying whether loss and accuracy rank the two sets the same way.

    >>> print(verdict(CASE_1, CASE_2))  # doctest: +NORMALIZE_WHITESPACE
    Disagree: the loss prefers case 1: confident, one miss; the accuracy prefers case 2: hesitant,
    all right
    """
    if disagree(a, b):
        by_loss, by_accuracy = (a, b) if a.loss < b.loss else (b, a)
        return f"Disagree: the loss prefers {by_loss.name}; the accuracy prefers {by_accuracy.name}"
    return "Loss and accuracy do not contradict each other"


def _set(name, y_true, y_pred, class_names=()):
    return PredictionSet(name, np.asarray(y_true), np.asarray(y_pred, dtype=float), class_names)


#: Confident on two samples, a near miss on the third: lower loss, lower accuracy.
CASE_1 = _set(
    "case 1: confident, one miss",
    [0, 1, 2],
    [[0.90, 0.05, 0.05], [0.05, 0.90, 0.05], [0.50, 0.10, 0.40]],
)
#: Right about every sample, but only just: higher loss, higher accuracy.
CASE_2 = _set(
    "case 2: hesitant, all right",
    [0, 1, 2],
    [[0.40, 0.30, 0.30], [0.30, 0.40, 0.30], [0.30, 0.30, 0.40]],
)


@takes(y_pred=Probabilities(), temperature=Positive())
def sharpen(y_pred, temperature) -> np.ndarray:
    """Make probabilities more (temperature < 1) or less (> 1) confident without changing argmax.

    Each row becomes p ** (1 / temperature), renormalised: the softmax of log(p) / temperature.
    """
    # log 0 = -inf stays a probability of 0; a tiny temperature sends all but the largest
    # log-probability of a row to -inf (subtracting the largest first keeps it finite)
    with np.errstate(divide="ignore", over="ignore"):
        log_p = np.log(y_pred)
        scaled = (log_p - log_p.max(axis=-1, keepdims=True)) / temperature
    return softmax(scaled)


def with_true_class_probabilities(y_true, p_true, n_classes=3) -> np.ndarray:
    """Predictions giving each sample's true class the probability `p_true`.

    The rest, 1 - p_true, is shared equally by the other classes, so a sample is predicted
    correctly exactly when p_true is above their share (ties go to the smallest class index):
    when p_true > 1 / n_classes, unless it is within a float's last bit of 1 / n_classes.
    """
    p_true = check_probabilities(as_array(p_true, "p_true"), "p_true")
    if p_true.ndim != 1:
        raise ValueError(f"p_true must have shape (samples,); got {p_true.shape}")
    high = MAX_ENTRIES // len(p_true)
    why = f" for {len(p_true)} samples (it sizes the predictions made)"
    n_classes = check_count(n_classes, "n_classes", low=2, high=high, why=why)
    y_pred = np.repeat(((1.0 - p_true) / (n_classes - 1))[:, None], n_classes, axis=1)
    y_true = as_array(y_true, "y_true")
    if len(y_true) != len(p_true):
        raise ValueError(
            f"y_true must hold one class index per entry of p_true ({len(p_true)}); "
            f"got {len(y_true)}"
        )
    labels = check_class_indices(y_true, y_pred)
    y_pred[np.arange(len(labels)), labels] = p_true
    return y_pred


def overconfident(n_samples=10, confidence=0.99, p_true_of_miss=1e-4) -> PredictionSet:
    """An over-confident model: right on all samples but one, and sure of itself on all of them.

    Each hit gives its true class `confidence`; the one miss gives its true class only
    `p_true_of_miss`. Two classes, the true class of every sample being class 0.
    """
    n_samples = check_count(n_samples, "n_samples", low=2, high=MAX_ENTRIES // 2)
    confidence = check_fraction(confidence, "confidence")
    p_true_of_miss = check_fraction(p_true_of_miss, "p_true_of_miss")
    if not confidence > 0.5 > p_true_of_miss:
        raise ValueError(
            "confidence must be above 0.5 and p_true_of_miss below it, so that every sample but "
            f"the last is right and the last is wrong; got {confidence} and {p_true_of_miss}"
        )
    p_true = np.full(n_samples, confidence, dtype=float)
    p_true[-1] = p_true_of_miss
    y_true = np.zeros(n_samples, dtype=int)
    y_pred = with_true_class_probabilities(y_true, p_true, n_classes=2)
    return PredictionSet("over-confident", y_true, y_pred, ("cat", "dog"))


def imbalanced(n_samples=100, majority_share=0.9) -> tuple[PredictionSet, PredictionSet]:
    """The seed's apples: a constant 'apple' model, and an honest one that predicts the base rate.

    Returns (always_apple, base_rate): the first gives every sample probability 1 of being an apple
    (clipped to 1 - 1e-7 by the loss), the second gives every sample the share of apples. Both
    predict 'apple' for every fruit, so both score `majority_share` accuracy.
    """
    n_samples = check_count(n_samples, "n_samples", low=2, high=MAX_ENTRIES // 2)
    share = check_fraction(majority_share, "majority_share")
    n_apples = round(share * n_samples)
    if not 0 < n_apples < n_samples:
        raise ValueError(
            f"majority_share must leave both classes some of the {n_samples} samples; got {share}"
        )
    if 2 * n_apples < n_samples:  # the base rate would predict 'pear'
        raise ValueError(
            f"majority_share must give the apples at least half of the {n_samples} samples, so "
            f"that both models predict 'apple'; got {share}, which rounds to {n_apples} apples"
        )
    y_true = np.r_[np.zeros(n_apples, dtype=int), np.ones(n_samples - n_apples, dtype=int)]
    rate = n_apples / n_samples
    names = ("apple", "pear")
    always = np.tile([1.0, 0.0], (n_samples, 1))
    base_rate = np.tile([rate, 1.0 - rate], (n_samples, 1))
    return (
        PredictionSet("always 'apple'", y_true, always, names),
        PredictionSet("the base rate", y_true, base_rate, names),
    )
