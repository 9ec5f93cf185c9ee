"""`lossacc_utils.curves` on hand-made runs, where every answer can be worked out by hand."""

import numpy as np
import pytest

from lossacc_utils import curves, metrics
from lossacc_utils.runs import Run
from tests.keras_oracles import keras_early_stopping

RUN = {
    "loss": [1.0, 0.5, 0.3, 0.2, 0.1],
    "accuracy": [0.5, 0.7, 0.8, 0.9, 1.0],
    "val_loss": [1.0, 0.6, 0.4, 0.5, 0.8],
    "val_accuracy": [0.5, 0.6, 0.7, 0.8, 0.69],
}


def test_summarize_finds_the_minimum_and_the_changes():
    s = curves.summarize(RUN)
    assert s["best_epoch"] == 3 and s["best_val_loss"] == 0.4
    assert s["loss_ratio"] == pytest.approx(2.0)
    assert s["accuracy_change"] == pytest.approx(-0.01)


def test_opposite_moves_lists_epochs_where_loss_and_accuracy_disagree():
    moves = curves.opposite_moves(RUN)
    assert list(moves["epoch"]) == [4]  # loss rose from 0.4 to 0.5 while accuracy rose too
    assert list(moves["kind"]) == ["loss worse, accuracy better"]
    falling = {"val_loss": [1.0, 0.9], "val_accuracy": [0.8, 0.7]}
    assert list(curves.opposite_moves(falling)["kind"]) == ["loss better, accuracy worse"]
    assert curves.opposite_moves(RUN, prefix="").empty


def recorded_run():
    y = np.array([0, 1, 2, 0])
    early = np.array([[0.6, 0.2, 0.2], [0.3, 0.4, 0.3], [0.5, 0.1, 0.4], [0.7, 0.2, 0.1]])
    late = np.array(
        [[0.99, 0.005, 0.005], [0.01, 0.98, 0.01], [0.98, 0.01, 0.01], [0.9, 0.05, 0.05]]
    )
    return Run(
        history={"val_loss": [1, 1], "val_accuracy": [1, 1]},
        y_val=y,
        val_log_probabilities={1: np.log(early), 2: np.log(late)},
    )


def test_loss_by_correctness_parts_add_up_and_the_wrong_sample_gets_worse():
    run = recorded_run()
    frame = curves.loss_by_correctness(run)
    np.testing.assert_allclose(
        frame["from correct samples"] + frame["from wrong samples"], frame["loss"]
    )
    expected = metrics.sparse_categorical_crossentropy(run.y_val, run.val_probabilities[2])
    assert frame.loc[2, "loss"] == pytest.approx(expected.mean())
    assert list(frame["wrong samples"]) == [1, 1]
    assert frame.loc[2, "from wrong samples"] > frame.loc[1, "from wrong samples"]
    assert frame.loc[2, "from correct samples"] < frame.loc[1, "from correct samples"]


def test_costliest_samples_are_sorted_and_share_the_loss():
    table = curves.costliest_samples(recorded_run(), epoch=2, k=2)
    assert table["sample"].iloc[0] == 2 and table["predicted"].iloc[0] == 0
    assert table["loss"].is_monotonic_decreasing
    assert table["share of all the loss"].iloc[0] > 0.8


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: curves.summarize({"val_loss": [1.0], "val_accuracy": [0.5]}),
            "at least 2 epochs",
        ),
        (
            lambda: curves.summarize({"val_loss": [1.0, 0.5]}),
            r"run must have the curves \['val_loss', 'val_accuracy'\]; it lacks \['val_accuracy'\]",
        ),
        (
            lambda: curves.summarize({"val_loss": [1.0, 0.5], "val_accuracy": [0.5]}),
            "curves must all have one value per epoch",
        ),
        (lambda: curves.opposite_moves(RUN, prefix="train_"), "prefix must be"),
        (
            lambda: curves.loss_by_correctness(Run(RUN)),
            "run must hold recorded validation predictions",
        ),
        (
            lambda: curves.costliest_samples(recorded_run(), epoch=7),
            r"epoch must be an epoch whose validation .* 7 was not \(it recorded epochs",
        ),
        (lambda: curves.costliest_samples(recorded_run(), epoch=1, k=0), "k must be"),
    ],
)
def test_bad_runs_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_run_must_be_a_run_or_curves():
    with pytest.raises(TypeError, match="run must be a Run"):
        curves.summarize([1, 2])
    with pytest.raises(
        TypeError, match="run must be a Run that recorded its validation predictions"
    ):
        curves.loss_by_correctness(RUN)


def test_a_diverged_epoch_is_never_the_best():
    run = {"val_loss": [1.0, 0.5, np.nan, np.nan], "val_accuracy": [0.5, 0.7, 0.1, 0.1]}
    summary = curves.summarize(run)
    assert summary["best_epoch"] == 2 and summary["diverged_epoch"] == 3
    assert np.isnan(summary["final_val_loss"]) and np.isnan(summary["loss_ratio"])
    assert curves.summarize(RUN)["diverged_epoch"] is None
    with pytest.raises(ValueError, match="NaN on every epoch"):
        curves.summarize({"val_loss": [np.nan, np.nan], "val_accuracy": [0.1, 0.1]})


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("monitor", ["val_loss", "val_accuracy"])
def test_early_stopping_stops_where_keras_stops(seed, monitor):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 80))
    if monitor == "val_loss":  # a U-shaped loss with noise and plateaus
        values = np.round(np.abs(np.linspace(-1, 1.5, n)) + rng.normal(0, 0.1, n), 2)
    else:  # an accuracy moving in steps of one sample in 500
        values = np.round(np.minimum(0.5 + np.cumsum(rng.normal(0.01, 0.01, n)), 1) * 500) / 500
    patience, min_delta = int(rng.integers(0, 15)), float(rng.choice([0.0, 0.001, -0.05]))
    if seed % 3 == 0:  # a NaN epoch or two: the first one, or one in the middle
        values[0 if seed % 2 else n // 2] = np.nan
    run = {monitor: list(values)}
    assert curves.early_stopping(run, monitor, patience, min_delta) == keras_early_stopping(
        values, monitor, patience, min_delta
    )


@pytest.mark.parametrize("patience", [0, 1, 3])
def test_a_nan_first_epoch_is_kept_as_the_best_as_keras_keeps_it(patience):
    values = [np.nan, 0.5, 0.4, 0.3]
    expected = keras_early_stopping(values, "val_loss", patience, 0.0)
    assert curves.early_stopping({"val_loss": values}, "val_loss", patience) == expected
    assert expected["best_epoch"] == 1  # NaN is never beaten: nothing compares below it


def test_early_stopping_on_loss_and_on_accuracy_can_pick_different_epochs():
    assert curves.early_stopping(RUN, "val_loss", patience=1) == {
        "stopped_epoch": 4,
        "best_epoch": 3,
    }
    assert curves.early_stopping(RUN, "val_accuracy", patience=1) == {
        "stopped_epoch": 5,
        "best_epoch": 4,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"monitor": "val_auc_missing"}, "monitor must name a curve of run"),
        ({"monitor": 3}, "monitor must be a non-empty string"),
        ({"patience": -1}, "patience must"),
        ({"patience": 1.5}, "patience must"),
        ({"min_delta": None}, "min_delta must be a real number"),
        ({"min_delta": np.nan}, "min_delta must be finite"),
        ({"mode": "up"}, "mode must be"),
        ({"monitor": "val_thing"}, "cannot tell whether 'val_thing' should fall or rise"),
    ],
)
def test_early_stopping_rejects_bad_arguments(kwargs, message):
    run = {**RUN, "val_thing": RUN["val_loss"]}
    args = {"run": run, "monitor": "val_loss", "patience": 2, **kwargs}
    with pytest.raises((ValueError, TypeError), match=message):
        curves.early_stopping(**args)
