"""Calibration: do the predicted probabilities mean what they say?

A classifier is calibrated when, among the samples it predicts with confidence 0.8, 80% are right.
Guo et al. (2017) measure the gap with the expected calibration error: sort the samples into equal
width bins of confidence (the largest predicted probability), and average |accuracy - confidence|
over the bins, weighted by how many samples each holds. Temperature scaling divides the logits by
one number T > 0, fitted on validation data by minimising the negative log-likelihood; since it
never changes which class is largest, it leaves the accuracy exactly as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contracts import ClassIndices, Count, Distributions, Logits, Positive, takes
from .validation import MAX_ENTRIES, check_positive

__all__ = [
    "LOGITS",
    "N_BINS",
    "PROBABILITIES",
    "apply_temperature",
    "calibration_bins",
    "expected_calibration_error",
    "fit_temperature",
    "negative_log_likelihood",
]


#: What a calibration statistic reads: probabilities, and the class index of each row.
PROBABILITIES = {"probabilities": Distributions(), "y_true": ClassIndices(of="probabilities")}
#: What temperature scaling reads: logits, and the class index of each row.
LOGITS = {"logits": Logits(), "y_true": ClassIndices(of="logits")}
#: A number of bins: it sizes the table of `calibration_bins`.
N_BINS = Count(high=MAX_ENTRIES // 100, why=" (it sizes the table)")


@takes(**PROBABILITIES, n_bins=N_BINS)
def calibration_bins(y_true, probabilities, n_bins=15) -> pd.DataFrame:
    """Per-bin statistics of confidence: one row per equal-width bin (lower, upper].

    Bin k (from 1) holds the confidences c with (k - 1) / M < c <= k / M, the edges computed as
    those fractions, so that a confidence lying exactly on an edge falls in the lower bin whatever
    the number of bins M (`np.linspace` edges miss some fractions by one rounding step).

    Columns: the bin's edges, the number of samples whose confidence falls in it, their accuracy,
    their mean confidence, and the gap (accuracy - confidence; negative means over-confident).
    Empty bins have a count of 0 and no accuracy or confidence.
    """
    return _bins(y_true, probabilities, n_bins)


def _bins(y_true, probabilities, n_bins) -> pd.DataFrame:
    """`calibration_bins` of checked arguments."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == y_true
    edges = np.arange(n_bins + 1) / n_bins
    # bin m holds confidences in (edges[m], edges[m + 1]]; a confidence of exactly 0 cannot occur
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    count = np.bincount(index, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.bincount(index, weights=correct, minlength=n_bins) / count
        mean_confidence = np.bincount(index, weights=confidence, minlength=n_bins) / count
    return pd.DataFrame(
        {
            "lower": edges[:-1],
            "upper": edges[1:],
            "count": count,
            "accuracy": np.where(count > 0, accuracy, np.nan),
            "confidence": np.where(count > 0, mean_confidence, np.nan),
            "gap": np.where(count > 0, accuracy - mean_confidence, np.nan),
        }
    )


@takes(**PROBABILITIES, n_bins=N_BINS)
def expected_calibration_error(y_true, probabilities, n_bins=15) -> float:
    """Guo et al.'s ECE: sum over the bins of (bin's share of samples) * |accuracy - confidence|."""
    bins = _bins(y_true, probabilities, n_bins)  # checked here, in the dtype given here
    filled = bins[bins["count"] > 0]
    return float((filled["count"] * filled["gap"].abs()).sum() / bins["count"].sum())


def _scaled_log_probabilities(logits, temperature) -> np.ndarray:
    """log softmax(logits / temperature), finite for any positive temperature.

    Each row's largest logit is subtracted before dividing, so a tiny temperature sends the other
    entries to -inf (probability 0) instead of overflowing every entry to a NaN. Each row's
    normaliser is then 1 plus the other entries' exponentials, taken with log1p: a confident
    row's largest log-probability keeps its digits (-3.7e-44 at a margin of 100, not 0), so that
    `fit_temperature` can tell a small temperature from a smaller one.
    """
    with np.errstate(over="ignore"):
        scaled = (logits - logits.max(axis=1, keepdims=True)) / temperature
    others = np.exp(scaled)
    others[np.arange(len(scaled)), scaled.argmax(axis=1)] = 0.0  # the largest entry's 1, apart
    return scaled - np.log1p(others.sum(axis=1, keepdims=True))


@takes(logits=Logits(), temperature=Positive())
def apply_temperature(logits, temperature) -> np.ndarray:
    """softmax(logits / temperature), row by row.

    `logits` may also be log-probabilities: they differ from the logits by a constant per row,
    which the softmax ignores. As the temperature goes to 0 the rows become one-hot (ties shared);
    as it grows they become uniform.
    """
    return np.exp(_scaled_log_probabilities(logits, temperature))


@takes(**LOGITS, temperature=Positive())
def negative_log_likelihood(y_true, logits, temperature=1.0) -> float:
    """Mean cross-entropy of softmax(logits / temperature) against the integer labels, unclipped.

    With a temperature near 0 a misclassified sample costs a loss near infinity, as it should.
    """
    return _negative_log_likelihood(y_true, logits, temperature)


def _negative_log_likelihood(y_true, logits, temperature) -> float:
    """`negative_log_likelihood` of checked arguments."""
    log_p = _scaled_log_probabilities(logits, temperature)
    return float(-log_p[np.arange(len(y_true)), y_true].mean())


@takes(**LOGITS)
def fit_temperature(y_true, logits, bounds=(0.05, 20.0)) -> float:
    """The temperature in `bounds` that minimises the negative log-likelihood on (y_true, logits).

    The search runs over log T (bounded scalar minimisation), so T stays positive, as Guo et al.
    recommend. Fit it on validation data, never on the data you report results on.
    """
    from scipy.optimize import minimize_scalar

    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        raise TypeError(f"bounds must be a pair of temperatures (low, high); got {bounds!r}")
    low, high = (check_positive(b, f"bounds[{i}]") for i, b in enumerate(bounds))
    if not low < high:
        raise ValueError(f"bounds must be (low, high) with low < high; got {bounds!r}")

    def nll(temperature):
        return _negative_log_likelihood(y_true, logits, temperature)

    found = minimize_scalar(
        lambda log_t: nll(np.exp(log_t)),
        bounds=(np.log(low), np.log(high)),
        method="bounded",
        options={"xatol": 1e-6},
    ).x
    # the bounded search never tries the bounds themselves, where the lowest NLL lies when it
    # falls all the way to one of them (logits that are all right, or all wrong); an NLL of 0
    # (every sample right by a margin whose exp underflows) is reached first at the lower bound
    return float(min((low, np.exp(found), high), key=nll))
