"""Precision, recall, F1, balanced accuracy and ROC AUC: against Keras, by hand, on bad input."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossacc_utils import metrics, scores

labels_and_scores = st.integers(2, 60).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
        arrays(
            np.float64,
            n,
            elements=st.one_of(
                st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1, width=32, allow_subnormal=False)
            ),
        ),
    )
)
thresholds = st.one_of(
    st.sampled_from([0.5, 0.25, 0.875]),
    st.floats(0.015625, 0.984375, width=32, allow_subnormal=False),
)


@given(labels_and_scores, thresholds)
def test_precision_recall_f1_match_keras(keras, to_numpy, data, threshold):
    y, p = data
    for ours, theirs in (
        (scores.precision, keras.metrics.Precision(thresholds=threshold)),
        (scores.recall, keras.metrics.Recall(thresholds=threshold)),
    ):
        theirs.update_state(y, p)
        assert ours(y, p, threshold) == pytest.approx(float(to_numpy(theirs.result())), abs=1e-6)
    f1 = keras.metrics.F1Score(threshold=threshold)
    f1.update_state(y[:, None].astype("float32"), p[:, None].astype("float32"))
    assert scores.f1_score(y, p, threshold) == pytest.approx(
        float(to_numpy(f1.result())[0]), abs=1e-5
    )


@given(labels_and_scores)
def test_roc_auc_is_the_rank_probability_and_close_to_keras(keras, to_numpy, data):
    y, p = data
    assume(y.min() < y.max())  # both classes, or there is no area
    positives, negatives = p[y == 1], p[y == 0]
    pairs = [(a > b) + 0.5 * (a == b) for a in positives for b in negatives]
    assert scores.roc_auc(y, p) == pytest.approx(np.mean(pairs))
    # Keras approximates the area with thresholds, so it cannot tell apart scores closer than
    # their spacing: compare it on scores rounded to a grid much coarser than the thresholds
    coarse = np.round(p, 2)
    auc = keras.metrics.AUC(num_thresholds=2001)
    auc.update_state(y, coarse)
    assert scores.roc_auc(y, coarse) == pytest.approx(float(to_numpy(auc.result())), abs=0.01)


def _near(threshold) -> list[float]:
    """Scores at and next to `threshold`: itself, its float32 rounding, and their neighbours in
    float64 and in float32 on either side."""
    t64, t32 = float(threshold), np.float32(threshold)
    values = {t64, float(t32), t64 + 1e-12, t64 - 1e-12}
    values |= {float(np.nextafter(t64, side)) for side in (-np.inf, np.inf)}
    values |= {float(np.nextafter(t32, np.float32(side))) for side in (-np.inf, np.inf)}
    return sorted(values)


NEAR_THRESHOLDS = [0.7, 0.1, 0.3, np.float64(0.7), np.float32(0.7), np.float64(0.30000001)]


@pytest.mark.parametrize("threshold", NEAR_THRESHOLDS, ids=repr)
@pytest.mark.parametrize("kind", ["list", "float64", "float32", "float16"])
def test_scores_at_and_near_the_threshold_are_keras_precision_and_recall(
    keras, to_numpy, threshold, kind
):
    """Every score at or next to a threshold is read as Keras' Precision and Recall read it (they
    round both the scores and the threshold to float32): a float64 score of 0.7 is not above a
    threshold of 0.7, as Keras and scikit-learn say, though it is above 0.7's float32 rounding."""

    def made(values):
        return list(values) if kind == "list" else np.asarray(values, dtype=kind)

    pairs = (
        (scores.precision, keras.metrics.Precision(thresholds=float(threshold))),
        (scores.recall, keras.metrics.Recall(thresholds=float(threshold))),
        (scores.f1_score, keras.metrics.F1Score(threshold=float(threshold))),
    )
    for value in _near(threshold):
        for y, p in (([1], [value]), ([0, 1], [value, 0.99])):
            for ours, theirs in pairs:
                theirs.reset_state()
                if ours is scores.f1_score:  # F1Score takes (samples, classes)
                    column = [[v] for v in p] if kind == "list" else made(p)[:, None]
                    theirs.update_state(np.float32(y)[:, None], column)
                else:
                    theirs.update_state(y, made(p))
                expected = float(np.ravel(to_numpy(theirs.result()))[0])
                assert ours(y, made(p), threshold) == pytest.approx(expected, abs=1e-6), (
                    f"{ours.__name__} of score {value!r} ({kind}) at threshold {threshold!r}"
                )


def test_a_score_equal_to_the_threshold_is_negative_as_in_scikit_learn():
    from sklearn.metrics import f1_score, precision_score, recall_score

    y, p = [1, 0, 1, 0], [0.7, 0.7, 0.9, 0.2]
    predicted = np.asarray(p) > 0.7
    assert scores.precision(y, p, 0.7) == precision_score(y, predicted)
    assert scores.recall(y, p, 0.7) == recall_score(y, predicted) == 0.5
    assert scores.f1_score(y, np.asarray(p), 0.7) == f1_score(y, predicted)
    assert scores.balanced_accuracy(y, p, 0.7) == 0.75


def test_always_majority_by_hand():
    y = np.r_[np.zeros(90), np.ones(10)]
    always_no = np.zeros(100)  # a score of 0: never predicts the rare class
    assert metrics.binary_accuracy(y, always_no).mean() == 0.9
    assert scores.precision(y, always_no) == 0.0 and scores.recall(y, always_no) == 0.0
    assert scores.f1_score(y, always_no) == 0.0
    assert scores.balanced_accuracy(y, always_no) == 0.5
    assert scores.roc_auc(y, always_no) == 0.5  # every pair tied


def test_scores_by_hand():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.6, 0.2, 0.7, 0.1, 0.1, 0.3, 0.4])
    assert scores.precision(y, p) == pytest.approx(2 / 3)  # 0.9, 0.6 right; 0.7 wrong
    assert scores.recall(y, p) == pytest.approx(2 / 3)
    assert scores.f1_score(y, p) == pytest.approx(2 / 3)
    assert scores.balanced_accuracy(y, p) == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert scores.roc_auc(y, p) == pytest.approx(11 / 15)  # 0.9, 0.6, 0.2 beat 5, 4, 2 of 5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: scores.precision([0, 2], [0.1, 0.9]), "y_true must contain only 0 and 1"),
        (
            lambda: scores.recall([0, 1], [0.1, 0.9, 0.3]),
            "y_true and y_pred must have the same shape",
        ),
        (
            lambda: scores.f1_score([0, 1], [0.1, 0.9], threshold="high"),
            "threshold must be a real",
        ),
        (lambda: scores.roc_auc([1, 1], [0.1, 0.9]), "must contain both classes"),
        (lambda: scores.balanced_accuracy([0, 1], [np.nan, 0.9]), "y_pred must be finite"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_roc_auc_of_a_million_samples_is_the_mann_whitney_statistic():
    """Ranks, not all pairs: a million samples would ask for 233 GiB as an n x n comparison."""
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(0)
    y = rng.random(1_000_000) < 0.1
    p = np.round(rng.random(1_000_000) + 0.3 * y, 3)  # rounded, so that there are many ties
    u = mannwhitneyu(p[y], p[~y]).statistic  # pairs won, ties counting one half
    assert scores.roc_auc(y, p) == pytest.approx(u / (y.sum() * (~y).sum()), rel=1e-12)
