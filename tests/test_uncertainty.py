"""`lossacc_utils.uncertainty` against formulas written out here, brute force and simulation."""

import math

import numpy as np
import pytest

from lossacc_utils import curves, uncertainty
from lossacc_utils.runs import Run

Z95 = 1.959963984540054


def wilson(k, n, z=Z95):
    """Wilson's score interval, from its textbook formula."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (45, 50), (930, 1000), (1, 3)])
def test_accuracy_interval_is_wilsons(k, n):
    result = uncertainty.accuracy_interval(np.arange(n) < k)
    low, high = wilson(k, n)
    assert result["accuracy"] == k / n
    assert result["low"] == pytest.approx(max(low, 0.0), abs=1e-12)
    assert result["high"] == pytest.approx(min(high, 1.0), abs=1e-12)
    assert result["standard_error"] == pytest.approx(math.sqrt(k / n * (1 - k / n) / n))
    assert result["samples"] == n


@pytest.mark.parametrize("confidence", [0.5, 0.95, 1 - 2**-53])
@pytest.mark.parametrize(("k", "n"), [(0, 3), (3, 3), (1, 1), (0, 7), (7, 7), (2, 7)])
def test_accuracy_interval_holds_the_accuracy_itself(k, n, confidence):
    """At 0 and 1 the formula's bound is the accuracy; rounding must not leave it outside."""
    result = uncertainty.accuracy_interval(np.arange(n) < k, confidence)
    assert 0 <= result["low"] <= result["accuracy"] <= result["high"] <= 1


def test_accuracy_interval_has_width_even_at_100_percent():
    result = uncertainty.accuracy_interval(np.ones(50, dtype=bool))
    assert result["high"] == 1.0 and result["low"] < 0.95  # Wald's interval would be [1, 1]


def test_accuracy_interval_covers_the_true_accuracy_about_95_times_in_100():
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(2000):
        result = uncertainty.accuracy_interval(rng.random(200) < 0.9)
        covered += result["low"] <= 0.9 <= result["high"]
    assert 0.93 <= covered / 2000 <= 0.97


def mcnemar_exact(became_right, became_wrong):
    """The two-sided exact McNemar p-value, by summing the binomial tail."""
    m = became_right + became_wrong
    tail = sum(math.comb(m, i) for i in range(min(became_right, became_wrong) + 1)) / 2**m
    return min(1.0, 2 * tail)


def verdicts(kept_right, kept_wrong, became_right, became_wrong):
    """Per-sample verdicts before and after, with the given counts of each kind of sample."""
    before = np.r_[
        np.ones(kept_right), np.zeros(kept_wrong), np.zeros(became_right), np.ones(became_wrong)
    ]
    after = np.r_[
        np.ones(kept_right), np.zeros(kept_wrong), np.ones(became_right), np.zeros(became_wrong)
    ]
    return before.astype(bool), after.astype(bool)


@pytest.mark.parametrize(("right", "wrong"), [(9, 6), (0, 4), (5, 31), (20, 20), (1, 0)])
def test_accuracy_change_is_decided_by_the_samples_that_changed(right, wrong):
    before, after = verdicts(400, 50, right, wrong)
    result = uncertainty.accuracy_change(before, after)
    assert (result["became_right"], result["became_wrong"]) == (right, wrong)
    assert result["change"] == pytest.approx(after.mean() - before.mean())
    assert result["before"] == before.mean() and result["after"] == after.mean()
    assert result["p_value"] == pytest.approx(mcnemar_exact(right, wrong))
    assert result["low"] <= result["change"] <= result["high"]


def test_accuracy_change_interval_agrees_with_its_test():
    lopsided = uncertainty.accuracy_change(*verdicts(400, 50, 5, 31))
    assert lopsided["p_value"] < 0.001 and lopsided["high"] < 0
    even = uncertainty.accuracy_change(*verdicts(400, 50, 9, 6))
    assert even["p_value"] > 0.5 and even["low"] < 0 < even["high"]


def test_no_changed_sample_means_no_change_and_no_evidence():
    before = np.array([True, False, True])
    result = uncertainty.accuracy_change(before, before)
    assert result["change"] == 0 and result["p_value"] == 1.0
    assert result["low"] == result["high"] == 0.0


def test_the_paired_standard_error_is_far_below_that_of_one_accuracy():
    before, after = verdicts(940, 50, 2, 1)  # 3 of 993 samples changed
    paired = uncertainty.accuracy_change(before, after)["standard_error"]
    single = uncertainty.accuracy_interval(after)["standard_error"]
    assert paired < single / 3


def test_accuracy_change_refuses_verdicts_on_different_samples():
    with pytest.raises(ValueError, match="same samples"):
        uncertainty.accuracy_change([True, False], [True, False, True])


def test_bootstrap_interval_of_a_mean_matches_the_normal_interval():
    rng = np.random.default_rng(1)
    x = rng.normal(3.0, 2.0, size=400)
    result = uncertainty.bootstrap_interval(np.mean, x, n_resamples=2000, seed=0)
    half = Z95 * x.std(ddof=1) / math.sqrt(len(x))
    assert result["value"] == pytest.approx(x.mean())
    assert result["low"] == pytest.approx(x.mean() - half, abs=0.15 * half)
    assert result["high"] == pytest.approx(x.mean() + half, abs=0.15 * half)
    assert uncertainty.bootstrap_interval(np.mean, x, seed=5) == uncertainty.bootstrap_interval(
        np.mean, x, seed=5
    )


def test_bootstrap_interval_resamples_the_same_rows_of_every_array():
    x = np.arange(50.0)
    result = uncertainty.bootstrap_interval(lambda a, b: float(np.abs(a - b).max()), x, x.copy())
    assert result == {"value": 0.0, "low": 0.0, "high": 0.0}  # paired rows stay paired


def test_bootstrap_interval_refuses_arrays_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        uncertainty.bootstrap_interval(lambda a, b: 0.0, np.ones(3), np.ones(4))


def recorded_run(losses, y):
    """A run whose validation samples have the given losses (epochs x samples) on their class;
    the rest of each row's probability is spread over the other two classes."""
    losses = np.asarray(losses, dtype=float)
    recorded = {}
    for epoch, row in enumerate(losses, start=1):
        p_true = np.exp(-row)
        p = np.repeat(((1 - p_true) / 2)[:, None], 3, axis=1)
        p[np.arange(len(y)), y] = p_true
        recorded[epoch] = np.log(p)
    history = {
        "val_loss": losses.mean(axis=1),
        "val_accuracy": [np.mean(recorded[e].argmax(1) == y) for e in recorded],
    }
    return Run(history, y_val=np.asarray(y), val_log_probabilities=recorded)


def test_loss_ratio_interval_is_centred_on_the_runs_ratio():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 60)
    losses = rng.uniform(0.05, 0.5, size=(6, 60)) * np.array([[4, 2, 1, 1.5, 2, 3]]).T
    run = recorded_run(losses, y)
    curve = losses.mean(axis=1)
    result = uncertainty.loss_ratio_interval(run)
    assert result["value"] == pytest.approx(curve[-1] / curve.min())
    assert result["value"] == pytest.approx(curves.summarize(run)["loss_ratio"])
    assert result["low"] < result["value"] < result["high"]


def test_loss_ratio_interval_needs_every_epoch():
    y = np.array([0, 1, 2])
    run = recorded_run(np.full((3, 3), 0.5), y)
    partial = Run(run.history, y_val=y, val_log_probabilities={1: run.recorded(1)})
    with pytest.raises(ValueError, match="every epoch"):
        uncertainty.loss_ratio_interval(partial)


def test_noise_report_agrees_with_summarize_and_accuracy_change():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 80)
    losses = rng.uniform(0.1, 1.6, size=(5, 80))
    run = recorded_run(losses, y)
    report = uncertainty.noise_report(run)
    summary = curves.summarize(run)
    best = summary["best_epoch"]
    change = uncertainty.accuracy_change(
        curves.sample_verdicts(run, best), curves.sample_verdicts(run, 5)
    )
    assert report["best_epoch"] == best
    assert report["loss_ratio"] == pytest.approx(summary["loss_ratio"])
    assert report["accuracy_change"] == pytest.approx(change["change"])
    assert report["p_value"] == change["p_value"]
    assert report["loss_ratio_low"] <= report["loss_ratio"] <= report["loss_ratio_high"]


def test_seed_band_is_the_median_and_range_epoch_by_epoch():
    runs = [
        {"val_loss": [1.0, 0.5, 0.7], "val_accuracy": [0.5, 0.8, 0.8]},
        {"val_loss": [2.0, 0.4, 0.9], "val_accuracy": [0.4, 0.7, 0.9]},
        {"val_loss": [1.5, 0.6, 0.2], "val_accuracy": [0.6, 0.9, 0.7]},
    ]
    band = uncertainty.seed_band(runs, "val_loss")
    table = np.array([r["val_loss"] for r in runs]).T
    np.testing.assert_allclose(band["median"], np.median(table, axis=1))
    np.testing.assert_allclose(band["low"], table.min(axis=1))
    np.testing.assert_allclose(band["high"], table.max(axis=1))
    np.testing.assert_allclose(band["run 2"], runs[1]["val_loss"])
    assert list(band.index) == [1, 2, 3]


def test_seed_band_refuses_one_run_and_runs_of_different_lengths():
    one = {"val_loss": [1.0, 0.5], "val_accuracy": [0.5, 0.6]}
    with pytest.raises(ValueError, match=r"at least two runs, a band between them; got 1 run$"):
        uncertainty.seed_band([one])
    with pytest.raises(ValueError, match="same number of epochs"):
        uncertainty.seed_band([one, {"val_loss": [1.0, 0.5, 0.4], "val_accuracy": [0.5] * 3}])


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
def test_accuracy_interval_takes_its_z_from_the_confidence(confidence):
    from scipy.stats import norm

    k, n = 37, 52
    result = uncertainty.accuracy_interval(np.arange(n) < k, confidence=confidence)
    low, high = wilson(k, n, z=norm.ppf((1 + confidence) / 2))
    assert (result["low"], result["high"]) == pytest.approx((low, high), abs=1e-12)


def test_accuracy_change_counts_the_flips_of_a_small_example_by_hand():
    before = [1, 0, 1, 1, 0, 0, 1, 0]
    after = [1, 1, 0, 1, 1, 0, 1, 0]  # samples 2 and 5 became right, sample 3 became wrong
    result = uncertainty.accuracy_change(before, after)
    assert (result["became_right"], result["became_wrong"]) == (2, 1)
    assert (result["before"], result["after"]) == (4 / 8, 5 / 8)
    assert result["change"] == pytest.approx(1 / 8)
    assert result["p_value"] == pytest.approx(1.0)  # 2 against 1: as even as 3 flips can be


@pytest.mark.parametrize(("right", "wrong"), [(9, 6), (0, 4), (5, 31), (1, 0)])
def test_accuracy_change_interval_is_clopper_pearsons_scaled_to_the_change(right, wrong):
    """The exact interval of the share s of flips that became right, from the beta quantiles, turned
    into a change: (flips / n) (2 s - 1)."""
    from scipy.stats import beta

    before, after = verdicts(300, 40, right, wrong)
    n, flips = len(before), right + wrong
    result = uncertainty.accuracy_change(before, after, confidence=0.9)
    low_share = beta.ppf(0.05, right, wrong + 1) if right else 0.0
    high_share = beta.ppf(0.95, right + 1, wrong) if wrong else 1.0
    assert result["low"] == pytest.approx(flips * (2 * low_share - 1) / n, abs=1e-9)
    assert result["high"] == pytest.approx(flips * (2 * high_share - 1) / n, abs=1e-9)


def test_accuracy_change_standard_error_is_that_of_the_per_sample_differences():
    rng = np.random.default_rng(4)
    before = rng.random(500) < 0.7
    after = np.where(rng.random(500) < 0.1, ~before, before)  # a tenth of the verdicts flip
    difference = after.astype(float) - before.astype(float)
    result = uncertainty.accuracy_change(before, after)
    assert result["standard_error"] == pytest.approx(difference.std() / math.sqrt(500))
    assert result["change"] == pytest.approx(difference.mean())


def test_accuracy_changes_p_value_ignores_the_samples_that_did_not_change():
    few_kept = uncertainty.accuracy_change(*verdicts(10, 5, 3, 12))
    many_kept = uncertainty.accuracy_change(*verdicts(5000, 800, 3, 12))
    assert few_kept["p_value"] == pytest.approx(many_kept["p_value"])
    assert few_kept["p_value"] == pytest.approx(mcnemar_exact(3, 12))
    assert many_kept["standard_error"] < few_kept["standard_error"]


def test_bootstrap_interval_depends_on_its_seed():
    x = np.random.default_rng(5).normal(size=100)
    one = uncertainty.bootstrap_interval(np.mean, x, seed=1)
    other = uncertainty.bootstrap_interval(np.mean, x, seed=2)
    assert one["value"] == other["value"]
    assert (one["low"], one["high"]) != (other["low"], other["high"])


def test_bootstrap_interval_of_identical_samples_has_no_width():
    result = uncertainty.bootstrap_interval(np.median, np.full(30, 2.5), n_resamples=50)
    assert result == {"value": 2.5, "low": 2.5, "high": 2.5}


def test_loss_ratio_interval_of_samples_with_equal_losses_is_a_point():
    """Every sample has the same loss on each epoch: every resample gives the run's own ratio."""
    y = np.array([0, 1, 2, 0, 1])
    per_epoch = np.array([1.2, 0.4, 0.3, 0.6])
    run = recorded_run(np.repeat(per_epoch[:, None], 5, axis=1), y)
    result = uncertainty.loss_ratio_interval(run, n_resamples=20)
    assert result["value"] == pytest.approx(0.6 / 0.3)
    assert result["low"] == pytest.approx(0.6 / 0.3) and result["high"] == pytest.approx(0.6 / 0.3)


def test_loss_ratio_interval_is_deterministic_for_a_seed():
    rng = np.random.default_rng(6)
    y = rng.integers(0, 3, 40)
    run = recorded_run(rng.uniform(0.1, 1.0, size=(4, 40)), y)
    assert uncertainty.loss_ratio_interval(run, seed=7) == uncertainty.loss_ratio_interval(
        run, seed=7
    )


def test_seed_band_reads_any_curve_of_runs():
    y = np.array([0, 1, 2])
    accuracies = [[0.2, 0.5, 0.9], [0.4, 0.4, 0.6], [0.3, 0.8, 0.7], [0.1, 0.6, 0.8]]
    made = [Run({"val_loss": [1.0, 0.8, 0.7], "val_accuracy": a}, y_val=y) for a in accuracies]
    band = uncertainty.seed_band(made, "val_accuracy")
    table = np.array(accuracies).T
    np.testing.assert_allclose(band["median"], [0.25, 0.55, 0.75])  # the even count: a mean of two
    np.testing.assert_allclose(band["median"], np.median(table, axis=1))
    np.testing.assert_allclose(band["low"], table.min(axis=1))
    np.testing.assert_allclose(band["high"], table.max(axis=1))
    assert list(band.columns) == ["median", "low", "high", "run 1", "run 2", "run 3", "run 4"]


def test_seed_band_refuses_a_curve_some_run_lacks():
    with pytest.raises(ValueError, match="name must be a curve of every run"):
        uncertainty.seed_band([{"val_loss": [1.0], "loss": [1.0]}, {"val_loss": [0.5]}], "loss")


@pytest.mark.trains
def test_noise_reports_give_each_seed_its_own_report_and_call_a_rise_by_its_interval():
    from lossacc_utils.overtraining import run_overtraining_many

    settings = {"n_train": 60, "n_val": 40, "n_test": 10, "epochs": 8}
    runs = run_overtraining_many({"tiny": settings}, seeds=[4, 5])
    table = uncertainty.noise_reports(runs)
    assert list(table.index) == [("tiny", 4), ("tiny", 5)]
    for run in runs["tiny"]:
        expected = uncertainty.noise_report(run)
        row = table.loc[("tiny", run.seed)]
        assert row["best_epoch"] == expected["best_epoch"]
        assert row["rises"] == (expected["accuracy_change_low"] > 0)
        assert row["falls"] == (expected["accuracy_change_high"] < 0)


def test_seed_band_refuses_runs_that_never_share_an_epoch_with_a_number():
    runs = [{"val_loss": [np.nan, 1.0]}, {"val_loss": [1.0, np.nan]}]
    with pytest.raises(ValueError, match="runs must have a number for val_loss on some epoch"):
        uncertainty.seed_band(runs)
    band = uncertainty.seed_band([{"val_loss": [np.nan, 1.0]}, {"val_loss": [1.0, 2.0]}])
    assert np.isnan(band["median"][1]) and band["median"][2] == 1.5


def test_bootstrap_keeps_each_sample_array_in_its_own_dtype():
    """Integer labels index, and booleans negate, in the statistic as they would outside it."""
    labels = np.array([0, 1, 1, 0, 2])
    log_p = np.log(np.full((5, 3), 1 / 3))
    nll = uncertainty.bootstrap_interval(
        lambda y, lp: -lp[np.arange(len(y)), y].mean(), labels, log_p, n_resamples=20
    )
    assert nll["value"] == pytest.approx(np.log(3))
    before, after = np.array([True, True, False, True]), np.array([True, False, False, True])
    lost = uncertainty.bootstrap_interval(lambda a, b: (a & ~b).mean(), before, after)
    assert lost["value"] == 0.25


def test_bootstrap_names_a_statistic_beyond_a_float():
    with pytest.raises(ValueError, match="statistic must return a finite number; got inf"):
        uncertainty.bootstrap_interval(lambda x: 10**400, [1.0, 2.0])


def test_a_label_smoothed_run_is_reported_on_its_plain_cross_entropy():
    """Its val_loss is the smoothed loss; the interval comes from its predictions, whose loss is
    the plain cross-entropy it keeps as val_cross_entropy: the ratio must be of the same loss."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60)
    log_p = {}
    for epoch, margin in enumerate([0.5, 2.0, 3.0, 1.0, 0.2], start=1):
        logits = rng.normal(size=(60, 3))
        logits[np.arange(60), y] += margin
        log_p[epoch] = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    plain = [float(-lp[np.arange(60), y].mean()) for lp in log_p.values()]
    accuracy = [float((lp.argmax(axis=1) == y).mean()) for lp in log_p.values()]
    history = {
        "val_loss": [0.2 * ce + 0.5 for ce in plain],  # smoothed: flatter, another ratio
        "val_cross_entropy": plain,
        "val_accuracy": accuracy,
    }
    run = Run(history, y_val=y, val_log_probabilities=log_p)
    report = uncertainty.noise_report(run)
    assert report["loss_ratio"] == pytest.approx(plain[-1] / min(plain))
    assert report["loss_ratio_low"] <= report["loss_ratio"] <= report["loss_ratio_high"]
    assert report["best_epoch"] == int(np.argmin(plain)) + 1


def test_seed_band_takes_the_median_of_numbers_whose_spread_is_beyond_a_float():
    band = uncertainty.seed_band([{"val_loss": [-1.7e308, 1e308]}, {"val_loss": [1.7e308, 1e308]}])
    assert band["median"].tolist() == [0.0, 1e308]


def test_seed_band_takes_the_median_of_two_numbers_of_opposite_signs_exactly():
    band = uncertainty.seed_band([{"val_loss": [-1e16]}, {"val_loss": [1e16 + 2]}])
    assert band["median"].tolist() == [1.0]
