"""`lossacc_utils.runs.Run`: what a run must hold, checked once when it is made."""

import numpy as np
import pytest

from lossacc_utils.runs import Run, as_run, epochs_text

HISTORY = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.9], "val_accuracy": [0.5, 0.7, 0.7]}
LOG_P = np.log(np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]))


def test_a_run_from_curves_alone_reads_them_by_name():
    run = Run(HISTORY)
    assert run.epochs == 3
    np.testing.assert_array_equal(run.val_loss, HISTORY["val_loss"])
    np.testing.assert_array_equal(run.curve("loss"), HISTORY["loss"])
    with pytest.raises(ValueError, match=r"no curve 'accuracy'; it has \['loss', 'val_accuracy'"):
        _ = run.accuracy


def test_a_run_is_read_only():
    run = Run(HISTORY, y_val=[0, 1], val_log_probabilities={3: LOG_P})
    with pytest.raises(AttributeError):
        run.y_val = np.array([1, 1])
    with pytest.raises(ValueError, match="read-only"):
        run.y_val[0] = 2
    with pytest.raises(ValueError, match="read-only"):
        run.val_loss[0] = 0.0
    with pytest.raises(TypeError):
        run.val_log_probabilities[1] = LOG_P


def test_whole_float_labels_are_class_indices_and_probabilities_come_from_the_logs():
    run = Run(HISTORY, y_val=[0.0, 1.0], val_log_probabilities={2: LOG_P})
    assert run.y_val.dtype == np.int64 and run.y_val.tolist() == [0, 1]
    np.testing.assert_allclose(run.val_probabilities[2], np.exp(LOG_P))
    np.testing.assert_array_equal(run.recorded(2), LOG_P)
    with pytest.raises(ValueError, match=r"epoch must be an .* 1 was not \(it recorded epoch 2\)"):
        run.recorded(1)


@pytest.mark.parametrize(
    "epochs, text",
    [
        ([4], "epoch 4"),
        ([3, 1, 2], "epochs 1 to 3"),
        ([1, 10, 30], "epochs 1, 10 and 30"),
        (range(5, 41, 5), "8 epochs: 5, 10, 15, ..., 35 and 40"),
        ([], "no epoch"),
        ([1, 1, 3], "epochs 1 and 3"),
    ],
)
def test_epochs_are_named_as_a_sentence_would_name_them(epochs, text):
    assert epochs_text(epochs) == text


def test_a_sparsely_recorded_run_names_each_epoch_it_recorded():
    run = Run({"val_loss": [1.0] * 30}, y_val=[0, 1], val_log_probabilities={1: LOG_P, 30: LOG_P})
    with pytest.raises(ValueError, match=r"12 was not \(it recorded epochs 1 and 30\)$"):
        run.recorded(12)


def test_a_keras_history_object_is_taken_as_it_is():
    class History:  # what keras.callbacks.History offers: its curves in .history
        history = HISTORY

    assert as_run(History()).epochs == 3
    assert as_run(HISTORY).epochs == 3
    run = Run(HISTORY)
    assert as_run(run) is run


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"history": {}}, TypeError, "history must map curve names"),
        ({"history": [1, 2]}, TypeError, "history must map curve names"),
        ({"history": {"loss": [1.0, 0.5], "val_loss": [1.0]}}, ValueError, "one value per epoch"),
        ({"history": {"loss": "abc"}}, TypeError, r"history\['loss'\] must be a list of numbers"),
        ({"history": {"loss": [1.0, np.inf]}}, ValueError, "finite or NaN"),
        ({"history": {1: [1.0]}}, TypeError, "keyed by curve names"),
        ({"y_val": [0, -1], "val_log_probabilities": {1: LOG_P}}, ValueError, "from 0 to 2"),
        ({"y_val": [0, 3], "val_log_probabilities": {1: LOG_P}}, ValueError, "from 0 to 2"),
        ({"y_val": [0, 1.5], "val_log_probabilities": {1: LOG_P}}, ValueError, "whole class"),
        ({"y_val": [0, 1, 2], "val_log_probabilities": {1: LOG_P}}, ValueError, "one row per"),
        ({"val_log_probabilities": {1: LOG_P}}, ValueError, "needs y_val"),
        ({"y_val": [0, 1], "val_log_probabilities": {4: LOG_P}}, ValueError, "epochs 1 to 3"),
        ({"y_val": [0, 1], "val_log_probabilities": {"1": LOG_P}}, TypeError, "epoch numbers"),
        ({"y_val": [0, 1], "val_log_probabilities": {1: -LOG_P}}, ValueError, "at most 0"),
        ({"y_val": [0, 1], "val_log_probabilities": {1: LOG_P[:, :1]}}, ValueError, "shape"),
        ({"y_val": [0, 1], "x_val": np.zeros((3, 8, 8))}, ValueError, "one image per label"),
        ({"y_train": ["a", "b"]}, TypeError, "y_train must hold class indices"),
        ({"config": [1]}, TypeError, "config must be a mapping"),
    ],
)
def test_what_a_run_cannot_hold_is_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        Run(**{"history": HISTORY, **kwargs})


def test_anything_else_is_not_a_run():
    with pytest.raises(TypeError, match="run must be a Run"):
        as_run([0.5, 0.4])


def test_a_pickled_run_comes_back_checked_and_read_only():
    import pickle

    run = Run(HISTORY, y_val=[0, 1], val_log_probabilities={3: LOG_P}, x_val=np.zeros((2, 8, 8)))
    again = pickle.loads(pickle.dumps(run))
    np.testing.assert_array_equal(again.val_loss, run.val_loss)
    np.testing.assert_array_equal(again.recorded(3), LOG_P)
    assert not again.y_val.flags.writeable and not again.x_val.flags.writeable
    assert not again.recorded(3).flags.writeable


def test_labels_of_another_shape_are_refused_before_the_predictions_are_counted_against_them():
    log_p = np.log(np.full((3, 2), 0.5))
    with pytest.raises(
        ValueError, match=r"^y_val must be a non-empty list of class indices; got shape \(3, 2\)"
    ):
        Run({"val_loss": [1.0]}, y_val=[[1, 0], [0, 1], [0, 1]], val_log_probabilities={1: log_p})


def test_log_probabilities_whose_losses_a_float_cannot_add_up_are_refused():
    """A float32 model's are above -1e39; two losses of 1e308 would sum to infinity."""
    log_p = np.array([[-1e308, 0.0], [0.0, -1e308]])
    with pytest.raises(
        ValueError, match=r"val_log_probabilities\[1\] must hold .* at least -1e\+300"
    ):
        Run({"val_loss": [1.0]}, y_val=[0, 1], val_log_probabilities={1: log_p})


def test_a_curve_of_fractions_is_read_as_floats_and_what_is_no_number_is_named():
    from fractions import Fraction

    assert Run({"val_loss": [Fraction(1, 4), float("nan")]}).val_loss[0] == 0.25
    with pytest.raises(TypeError, match=r"history\['val_loss'\]\[1\] must be a real number"):
        Run({"val_loss": [0.5, None]})
    with pytest.raises(ValueError, match=r"history\['val_loss'\]\[0\] must be finite"):
        Run({"val_loss": [10**400]})


@pytest.mark.parametrize("labels, what", [({0, 1}, "set"), (np.array(1), r"shape \(\)")])
def test_labels_that_are_no_list_are_named_for_what_they_are(labels, what):
    log_p = np.log(np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match=rf"^y_val must be a non-empty list .*; got {what}$"):
        Run({"val_loss": [1.0]}, y_val=labels, val_log_probabilities={1: log_p})


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"epoch_seconds": [1.0, [2.0]]}, r"epoch_seconds\[1\] must be a real number"),
        ({"epoch_seconds": np.array(1.0)}, "epoch_seconds must be a list of numbers"),
        ({"y_val": [0, 1], "x_val": [[1], [1, 2]]}, "x_val must hold images of one shape"),
    ],
)
def test_ragged_or_shapeless_fields_are_named(fields, message):
    with pytest.raises((TypeError, ValueError), match=message):
        Run({"val_loss": [1.0, 0.5]}, **fields)
