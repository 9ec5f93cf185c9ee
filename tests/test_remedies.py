"""`lossacc_utils.remedies`: the numbers of a kept model, and the verdicts over seeds."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lossacc_utils import calibration, curves, remedies
from lossacc_utils.overtraining import run_overtraining_many
from lossacc_utils.runs import Run

TINY = {"n_train": 60, "n_val": 40, "n_test": 30, "epochs": 12}


@pytest.fixture(scope="module")
def tiny_runs():
    return run_overtraining_many(
        {remedies.NONE: TINY, "dropout": {**TINY, "dropout": 0.3, "record_every": 0}},
        seeds=[0, 1, 2],
    )


@pytest.mark.trains
def test_a_kept_model_s_numbers_are_those_of_its_recorded_predictions(tiny_runs):
    run = tiny_runs[remedies.NONE][0]
    row = remedies.kept_model(run, epoch=5, temperature=1.7)
    log_p = run.test_log_probabilities[5]
    assert row["test loss"] == pytest.approx(
        calibration.negative_log_likelihood(run.y_test, log_p, 1.7)
    )
    assert row["test ECE"] == pytest.approx(
        calibration.expected_calibration_error(
            run.y_test, calibration.apply_temperature(log_p, 1.7)
        )
    )
    assert row["test accuracy"] == np.mean(log_p.argmax(axis=1) == run.y_test)
    lowest = run.val_loss.min()
    val = calibration.negative_log_likelihood(run.y_val, run.val_log_probabilities[5], 1.7)
    assert row["val loss / lowest"] == pytest.approx(val / lowest)


def test_at_its_own_lowest_epoch_a_kept_model_s_loss_is_the_lowest_exactly():
    """Keras' float32 loss of two confident right answers is 0.0; recomputed in float64 from the
    recorded log-probabilities it is 2e-9, which over 0 would be infinite."""
    log_p = {1: np.log([[0.5, 0.5], [0.5, 0.5]]), 2: np.array([[0.0, -20.0], [-20.0, 0.0]])}
    run = Run(
        {"val_loss": [0.69, 0.0], "val_accuracy": [0.5, 1.0]},
        y_val=[0, 1],
        val_log_probabilities=log_p,
        y_test=[0, 1],
        test_log_probabilities=log_p,
        seed=0,
    )
    assert remedies.kept_model(run)["val loss / lowest"] == 1.0
    assert remedies.kept_model(run, epoch=1)["val loss / lowest"] == np.inf  # a rise from 0


@pytest.mark.trains
def test_the_remedies_that_need_no_training_are_read_off_the_runs_without_one(tiny_runs):
    scores = remedies.remedy_scores(tiny_runs, patience=3)
    assert set(scores.index.get_level_values(0)) == {
        remedies.NONE,
        "dropout",
        "early stopping on loss",
        "early stopping on accuracy",
        "temperature scaling",
    }
    for run in tiny_runs[remedies.NONE]:
        best = curves.early_stopping(run, "val_loss", patience=3)["best_epoch"]
        expected = remedies.kept_model(run, best)
        got = scores.loc[("early stopping on loss", run.seed)]
        assert got["test loss"] == pytest.approx(expected["test loss"])
        assert got["val loss / lowest"] == pytest.approx(1.0)  # the lowest, by definition
        scaled = scores.loc[("temperature scaling", run.seed)]
        assert scaled["test accuracy"] == scores.loc[(remedies.NONE, run.seed), "test accuracy"]


def test_against_none_pairs_the_seeds_and_calls_a_clear_change_by_its_direction():
    seeds = [0, 1, 2, 3]
    base = pd.DataFrame(
        {"test loss": [0.30, 0.40, 0.35, 0.45], "test accuracy": [0.90, 0.92, 0.91, 0.93]},
        index=pd.MultiIndex.from_product([[remedies.NONE], seeds], names=["remedy", "seed"]),
    )

    def shifted(name, loss, accuracy, noise=0.0):
        table = base.loc[remedies.NONE].copy()
        table["test loss"] += loss + noise * np.array([1, -1, 1, -1])
        table["test accuracy"] += accuracy
        return pd.concat({name: table}, names=["remedy"])

    scores = pd.concat(
        [base, shifted("lower loss", -0.1, 0.0), shifted("noisy", 0.0, -0.01, noise=0.2)]
    )
    changes = remedies.against_none(scores)
    assert changes.loc[("lower loss", "test loss"), "verdict"] == "better"
    assert changes.loc[("lower loss", "test loss"), "change"] == pytest.approx(-0.1)
    assert changes.loc[("lower loss", "test accuracy"), "verdict"] == "no clear change"
    assert changes.loc[("noisy", "test loss"), "verdict"] == "no clear change"
    assert changes.loc[("noisy", "test accuracy"), "verdict"] == "worse"
    # the paired interval: the seeds' own spread of 0.05 to 0.15 cancels
    assert changes.loc[("lower loss", "test loss"), "±"] == pytest.approx(0.0, abs=1e-12)
    text = remedies.verdicts(changes, numbers=("test accuracy", "test loss"))
    assert list(text.columns) == ["accuracy", "loss"]
    assert text.loc["lower loss", "loss"] == "better"
    assert text.loc["lower loss", "accuracy"] == "–"
    assert text.loc["noisy", "accuracy"] == "worse"


def test_mean_and_interval_is_the_t_interval_of_the_seeds():
    values = np.array([0.91, 0.93, 0.95, 0.90, 0.96])
    scores = pd.DataFrame(
        {"test accuracy": values},
        index=pd.MultiIndex.from_product([["a"], range(5)], names=["remedy", "seed"]),
    )
    table = remedies.mean_and_interval(scores)
    low, high = stats.t.interval(0.95, 4, loc=values.mean(), scale=stats.sem(values))
    assert table.loc["a", ("test accuracy", "mean")] == pytest.approx(values.mean())
    assert table.loc["a", ("test accuracy", "±")] == pytest.approx((high - low) / 2)


def test_a_run_without_test_predictions_is_refused_by_name():
    run = Run(
        {"val_loss": [1.0, 0.5]},
        y_val=[0, 1],
        val_log_probabilities={1: np.log([[0.6, 0.4], [0.3, 0.7]])},
    )
    with pytest.raises(ValueError, match="run must hold recorded test predictions"):
        remedies.kept_model(run, epoch=1)


@pytest.mark.trains
def test_measure_scores_each_regime_as_its_runs_scored_one_by_one(monkeypatch, tiny_runs):
    monkeypatch.setattr(remedies, "REMEDIES", {"dropout": {"dropout": 0.3}})
    measured = remedies.measure({"tiny": TINY}, seeds=[0, 1, 2], patience=3)
    assert list(measured) == ["tiny"]
    expected = remedies.remedy_scores(tiny_runs, patience=3)
    pd.testing.assert_frame_equal(measured["tiny"], expected)


@pytest.mark.parametrize(
    "remedy, kept, message",
    [
        (remedies.NONE, [1, 3], "val predictions on epoch 2, which 'early stopping on loss' keeps"),
        ("dropout", [1, 2], r"val predictions on epoch 3, which 'dropout' keeps"),
    ],
)
def test_a_run_that_did_not_record_an_epoch_its_remedy_may_keep_is_named(remedy, kept, message):
    log_p = np.log([[0.6, 0.4], [0.3, 0.7]])

    def run(epochs_kept, seed):
        kept_log_p = {epoch: log_p for epoch in epochs_kept}
        return Run(
            {"val_loss": [0.7, 0.6, 0.65], "val_accuracy": [0.5, 1.0, 1.0]},
            y_val=[0, 1],
            val_log_probabilities=kept_log_p,
            y_test=[0, 1],
            test_log_probabilities=kept_log_p,
            seed=seed,
        )

    runs = {remedies.NONE: [run([1, 2, 3], 0), run([1, 2, 3], 1)], "dropout": [run([3], 0)]}
    runs[remedy] = [runs[remedy][0], run(kept, 1)]
    where = rf"runs\[{remedy!r}\]\[1\] must have recorded its "
    with pytest.raises(ValueError, match=where + message + "; it recorded epochs 1 (and 3|to 2)$"):
        remedies.remedy_scores(runs, patience=1)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "UInt8"])
def test_integer_scores_are_set_against_none_as_numbers_not_as_wrapping_integers(dtype):
    index = pd.MultiIndex.from_product(
        [[remedies.NONE, "dropout"], [0, 1]], names=["remedy", "seed"]
    )
    scores = pd.DataFrame({"test accuracy": [5, 6, 1, 2]}, index=index).astype(dtype)
    row = remedies.against_none(scores).loc[("dropout", "test accuracy")]
    assert row["change"] == -4.0 and row["verdict"] == "worse"
