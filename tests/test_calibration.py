"""`lossacc_utils.calibration`: ECE by hand and by an independent implementation, temperature
scaling's guarantees, and bad input."""

import numpy as np
import pytest

from lossacc_utils import calibration
from lossacc_utils.overtraining import run_overtraining

# Four samples with confidences 0.9, 0.8, 0.6 and 0.55: right, wrong, right, right.
Y = np.array([0, 1, 1, 1])
P = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.45, 0.55]])


def test_ece_by_hand():
    # 10 bins: (0.5, 0.6] holds 0.6 and 0.55, both right: |1 - 0.575| * 2/4 = 0.2125;
    # (0.7, 0.8] holds 0.8, wrong: 0.8 * 1/4 = 0.2; (0.8, 0.9] holds 0.9, right: 0.1 * 1/4 = 0.025
    assert calibration.expected_calibration_error(Y, P, n_bins=10) == pytest.approx(0.4375)
    # 2 bins: everything in (0.5, 1]: accuracy 0.75, mean confidence 0.7125
    assert calibration.expected_calibration_error(Y, P, n_bins=2) == pytest.approx(0.0375)


def test_bins_are_closed_on_the_right():
    bins = calibration.calibration_bins(Y, P, n_bins=10)
    assert bins.loc[7, "count"] == 1 and bins.loc[7, "upper"] == pytest.approx(0.8)  # 0.8 is in
    assert bins["count"].sum() == 4
    assert np.isnan(bins.loc[0, "accuracy"])


@pytest.mark.parametrize("n_bins", range(1, 41))
def test_a_confidence_on_an_edge_falls_in_the_bin_below_whatever_the_number_of_bins(n_bins):
    """Bin k is ((k - 1) / M, k / M] with the edges computed as those fractions: np.linspace's
    edges miss some of them by a rounding step (for M = 7, 12, 14, ...), which moved a confidence
    of exactly k / M into the bin above."""
    for k in range(1, n_bins + 1):
        confidence = k / n_bins
        if confidence < 0.5:  # a largest probability is at least 1 / 2 with two classes
            continue
        p = np.array([[confidence, 1 - confidence]])
        bins = calibration.calibration_bins([0], p, n_bins)
        assert bins["count"].tolist() == [0] * (k - 1) + [1] + [0] * (n_bins - k), (n_bins, k)
        assert bins.loc[k - 1, "upper"] == confidence


def test_float16_probabilities_are_taken_as_they_come():
    p16 = np.array([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]], dtype=np.float16)
    assert abs(float(p16[0].astype(float).sum()) - 1) > 1e-6  # float16 rows miss 1 a little
    p64 = p16.astype(float) / p16.astype(float).sum(axis=1, keepdims=True)
    assert calibration.expected_calibration_error([2, 2], p16) == pytest.approx(
        calibration.expected_calibration_error([2, 2], p64), abs=1e-3
    )
    with pytest.raises(ValueError, match="rows must sum to 1"):  # float64 rows must sum to 1
        calibration.expected_calibration_error([2, 2], p16.astype(float))


@pytest.mark.parametrize("temperature", [1e-308, 1e-30, 1e30, 1e308])
def test_extreme_temperatures_give_limits_not_nans(temperature):
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, -5.0]])
    p = calibration.apply_temperature(logits, temperature)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1)
    if temperature < 1:  # one-hot on the largest logit; a tie is shared
        np.testing.assert_allclose(p, [[0, 0, 1], [0.5, 0.5, 0]], atol=1e-12)
        assert calibration.negative_log_likelihood([2, 0], logits, temperature) == pytest.approx(
            np.log(2) / 2
        )
        assert calibration.negative_log_likelihood([0, 0], logits, temperature) > 1e20
    else:  # uniform
        np.testing.assert_allclose(p, 1 / 3, rtol=1e-12)


@pytest.mark.parametrize("margin", [5.0, 40.0])
def test_logits_that_are_all_right_want_the_lowest_temperature(margin):
    """Every sample right: the NLL, log(1 + exp(-margin / T)), falls all the way to the lower
    bound. At T = 0.05 it is exp(-100 or -800) or so, far below float64's epsilon, and must still
    be told from the NLL at a larger temperature."""
    logits = np.array([[margin, 0.0], [0.0, margin]])
    for temperature in (0.05, 0.1, 1.0):
        expected = np.log1p(np.exp(-margin / temperature))
        assert calibration.negative_log_likelihood([0, 1], logits, temperature) == pytest.approx(
            expected, rel=1e-12
        )
    assert calibration.fit_temperature([0, 1], logits) == 0.05
    assert calibration.fit_temperature([1, 0], logits) == 20.0  # all wrong: the highest


def straightforward_ece(y, p, n_bins):
    """ECE written out as in the paper, one bin at a time."""
    confidence, correct = p.max(axis=1), p.argmax(axis=1) == y
    total = 0.0
    for m in range(n_bins):
        low, high = m / n_bins, (m + 1) / n_bins
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            total += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return total


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("n_bins", [1, 5, 15, 40])
def test_ece_matches_a_straightforward_implementation(seed, n_bins):
    rng = np.random.default_rng(seed)
    n, k = 300, int(rng.integers(2, 12))
    p = rng.dirichlet(np.full(k, rng.uniform(0.1, 2.0)), size=n)
    y = rng.integers(0, k, n)
    assert calibration.expected_calibration_error(y, p, n_bins) == pytest.approx(
        straightforward_ece(y, p, n_bins), abs=1e-12
    )


def test_a_calibrated_model_has_a_small_ece_and_an_overconfident_one_a_large_ece():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=2.0, size=(20000, 5))
    p = calibration.apply_temperature(logits, 1.0)
    y = np.array([rng.choice(5, p=row) for row in p])  # labels drawn from the predictions
    assert calibration.expected_calibration_error(y, p) < 0.02
    sharp = calibration.apply_temperature(logits, 1 / 3)
    assert calibration.expected_calibration_error(y, sharp) > 0.15
    # and temperature scaling recovers the temperature that was applied
    assert calibration.fit_temperature(y, 3 * logits) == pytest.approx(3.0, rel=0.05)


@pytest.fixture(scope="module")
def overtrained():
    """A small over-trained ConvNet: its last-epoch validation log-probabilities and labels."""
    run = run_overtraining(seed=0, n_train=150, n_val=400, epochs=80, record_every=80)
    return run.y_val, run.val_log_probabilities[80]


@pytest.mark.trains
def test_temperature_scaling_keeps_every_argmax_and_never_raises_the_nll(overtrained):
    y, log_p = overtrained
    t = calibration.fit_temperature(y, log_p)
    scaled = calibration.apply_temperature(log_p, t)
    np.testing.assert_array_equal(scaled.argmax(axis=1), log_p.argmax(axis=1))
    before = calibration.negative_log_likelihood(y, log_p)
    after = calibration.negative_log_likelihood(y, log_p, t)
    assert after <= before + 1e-12


@pytest.mark.trains
def test_an_overtrained_convnet_needs_a_temperature_above_1(overtrained):
    y, log_p = overtrained
    t = calibration.fit_temperature(y, log_p)
    assert t > 1.5
    before = calibration.expected_calibration_error(y, np.exp(log_p))
    after = calibration.expected_calibration_error(y, calibration.apply_temperature(log_p, t))
    assert after < before


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: calibration.expected_calibration_error(Y, P, n_bins=0), ValueError, "n_bins must"),
        (
            lambda: calibration.expected_calibration_error(Y, P, n_bins=2.5),
            ValueError,
            "n_bins must",
        ),
        (
            lambda: calibration.expected_calibration_error(Y, P + 0.5, 15),
            ValueError,
            r"probabilities must be probabilities in \[0, 1\]",
        ),
        (
            lambda: calibration.expected_calibration_error(Y, P * 0.9, 15),
            ValueError,
            "probabilities rows must sum to 1; row 0 sums to 0.9",
        ),
        (
            lambda: calibration.expected_calibration_error(Y[:3], P, 15),
            ValueError,
            "y_true must hold one class index per row",
        ),
        (
            lambda: calibration.expected_calibration_error([], [], 15),
            ValueError,
            "must not be empty",
        ),
        (lambda: calibration.apply_temperature(P, 0), ValueError, "temperature must be positive"),
        (
            lambda: calibration.apply_temperature(P, -1.0),
            ValueError,
            "temperature must be positive",
        ),
        (
            lambda: calibration.apply_temperature(np.ones(3), 1.0),
            ValueError,
            "logits must have shape",
        ),
        (lambda: calibration.fit_temperature(Y, P, bounds=(2, 1)), ValueError, "bounds must be"),
        (
            lambda: calibration.fit_temperature(Y, P, bounds=(0, 1)),
            ValueError,
            r"bounds\[0\] must be positive",
        ),
        (
            lambda: calibration.fit_temperature(Y, P, bounds=None),
            TypeError,
            "bounds must be a pair",
        ),
        (
            lambda: calibration.fit_temperature(Y, P, bounds=(1,)),
            TypeError,
            "bounds must be a pair",
        ),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
