"""`lossacc_utils.variants`: each student's numbers, the same for one id and different for two,
shaped as the assignments' questions need them, and refused for an id that is not one."""

import dataclasses

import numpy as np
import pytest

from lossacc_utils import calibration, curves, variants

ASSIGNMENTS = [variants.counterexample, variants.keras_definitions, variants.calibration]
IDS = [f"s{number:07d}" for number in range(40)]


@pytest.mark.parametrize("numbers", ASSIGNMENTS)
def test_one_id_gives_the_same_numbers_whatever_its_case_and_spaces(numbers):
    assert numbers("s1234567") == numbers("  S1234567\t")
    assert numbers("s1234567").student_id == "s1234567"


@pytest.mark.parametrize("numbers", ASSIGNMENTS)
def test_different_ids_give_different_numbers(numbers):
    drawn = [numbers(student_id) for student_id in IDS]
    for i, mine in enumerate(drawn):
        assert not any(mine == theirs for theirs in drawn[i + 1 :]), IDS[i]
    assert len({mine.seed for mine in drawn}) == len(IDS)


def test_one_id_seeds_each_assignment_differently():
    seeds = {variants.seed(numbers.__name__, "s1234567") for numbers in ASSIGNMENTS}
    assert len(seeds) == 3
    assert variants.calibration("s1").seed == variants.seed("calibration", "s1")


@pytest.mark.parametrize("numbers", ASSIGNMENTS)
@pytest.mark.parametrize("student_id", ["", "   ", None, 1234567, ..., "s" * 101])
def test_an_id_that_is_not_one_is_refused_naming_the_argument(numbers, student_id):
    with pytest.raises(ValueError, match="student_id must be"):
        numbers(student_id)


@pytest.mark.parametrize("numbers", ASSIGNMENTS)
def test_the_numbers_are_read_only(numbers):
    mine = numbers("s1")
    arrays = [value for _, value in mine._items() if isinstance(value, np.ndarray)]
    assert arrays
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        mine.student_id = "s2"


def test_the_repr_shows_small_arrays_and_the_shape_of_large_ones():
    text = repr(variants.calibration("s1"))
    assert "student_id='s1'" in text and "val_logits=<array of shape (1000, 5)>" in text
    assert f"val_loss={variants.calibration('s1').val_loss.tolist()}" in text


def test_counterexample_numbers_fit_their_questions():
    for student_id in IDS:
        mine = variants.counterexample(student_id)
        assert mine.labels.shape == (3,) and set(mine.labels) <= {0, 1, 2}
        assert 8 <= mine.samples <= 20
        assert 0.8 <= mine.p_right <= 0.95 and 0.001 <= mine.p_last <= 0.009


def test_keras_definitions_numbers_have_a_true_class_at_the_threshold_and_a_partial_batch():
    for student_id in IDS:
        mine = variants.keras_definitions(student_id)
        labels, probabilities = mine.binary_labels, mine.binary_probabilities
        assert len(labels) == len(probabilities) >= 4
        assert ((probabilities == 0.5) & (labels == 1)).any()
        assert ((probabilities > 0) & (probabilities < 1)).all()
        first, second, last = mine.batch_sizes
        assert first == second > last >= 1
        assert (np.diff(mine.batch_losses) <= 0).all()


def test_calibration_numbers_are_over_confident_and_fitting_a_temperature_cools_them():
    for student_id in IDS[:5]:
        mine = variants.calibration(student_id)
        assert mine.val_logits.shape == mine.test_logits.shape == (1000, 5)
        assert set(mine.y_val) == set(mine.y_test) == set(range(5))
        temperature = calibration.fit_temperature(mine.y_val, mine.val_logits)
        assert 2 < temperature < 4.5  # the logits are three times too large
        assert 0.03 < mine.y_rare.mean() < 0.17


def test_calibration_early_stopping_stops_before_a_late_dip_below_its_best():
    """Keras' rule stops three epochs after the best, and restores it; a later epoch is lower
    still, so the lowest value of the list is not the answer."""
    for student_id in IDS:
        val_loss = variants.calibration(student_id).val_loss
        stop = curves.early_stopping({"val_loss": val_loss}, patience=3)
        assert stop["stopped_epoch"] == stop["best_epoch"] + 3 < len(val_loss)
        assert val_loss.argmin() + 1 > stop["stopped_epoch"]
        # a false alarm: the loss rose once before its best
        assert (np.diff(val_loss[: stop["best_epoch"]]) > 0).sum() == 1
