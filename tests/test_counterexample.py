"""The counterexample's prediction sets and the seed's three situations."""

import numpy as np
import pytest

from lossacc_utils import counterexample, metrics
from lossacc_utils.counterexample import (
    CASE_1,
    CASE_2,
    PredictionSet,
    disagree,
    imbalanced,
    overconfident,
    sharpen,
    summary,
    with_true_class_probabilities,
)


def test_case_1_has_lower_loss_and_lower_accuracy():
    assert CASE_1.loss < CASE_2.loss
    assert CASE_1.accuracy < CASE_2.accuracy
    assert disagree(CASE_1, CASE_2) and disagree(CASE_2, CASE_1)


def test_loss_and_accuracy_are_what_keras_reports(keras, to_numpy):
    for case in (CASE_1, CASE_2):
        loss = keras.losses.CategoricalCrossentropy()(case.one_hot, case.y_pred)
        accuracy = keras.metrics.CategoricalAccuracy()
        accuracy.update_state(case.one_hot, case.y_pred)
        np.testing.assert_allclose(case.loss, to_numpy(loss), rtol=1e-6)
        np.testing.assert_allclose(case.accuracy, to_numpy(accuracy.result()), rtol=1e-6)


def test_sets_that_agree_are_not_called_a_disagreement():
    better = PredictionSet("better", CASE_2.y_true, sharpen(CASE_2.y_pred, 0.5))
    assert better.loss < CASE_2.loss and better.accuracy == CASE_2.accuracy
    assert not disagree(better, CASE_2)  # equal accuracy: no opposite ranking
    assert not disagree(CASE_2, CASE_2)


def test_table_has_one_row_per_sample():
    table = CASE_1.table()
    assert list(table.index) == [1, 2, 3]
    assert list(table["correct"]) == [True, True, False]
    assert list(table["predicted"]) == ["class 0", "class 1", "class 0"]
    np.testing.assert_allclose(table["loss"], -np.log([0.9, 0.9, 0.4]))


def test_summary_lists_each_set():
    frame = summary(CASE_1, CASE_2)
    assert list(frame.index) == [CASE_1.name, CASE_2.name]
    np.testing.assert_allclose(frame["accuracy"], [2 / 3, 1.0])


@pytest.mark.parametrize("temperature", [0.1, 0.5, 0.9])
def test_sharpening_lowers_the_loss_of_hits_and_keeps_accuracy(temperature):
    sharper = PredictionSet("sharper", CASE_1.y_true, sharpen(CASE_1.y_pred, temperature))
    hits = CASE_1.correct
    assert np.all(sharper.losses[hits] < CASE_1.losses[hits])
    np.testing.assert_array_equal(sharper.correct, CASE_1.correct)
    np.testing.assert_allclose(sharpen(CASE_1.y_pred, 1.0), CASE_1.y_pred, rtol=1e-12)


def test_sharpening_a_miss_hard_enough_raises_its_loss_without_bound():
    # The miss [.5, .1, .4] of class 2: mild sharpening takes mass from the .1 class and helps
    # class 2 a little; strong sharpening hands nearly everything to the wrong class 0.
    miss = CASE_1.y_pred[2:]
    losses = [
        metrics.sparse_categorical_crossentropy([2], sharpen(miss, t))[0]
        for t in (1.0, 0.9, 0.5, 0.1, 0.01)
    ]
    assert losses[1] < losses[0] < losses[2] < losses[3] < losses[4]
    assert losses[4] > 10


def test_sharpening_keeps_zero_probabilities_at_zero():
    np.testing.assert_allclose(sharpen([[0.0, 0.25, 0.75]], 0.5), [[0.0, 0.1, 0.9]])


def test_one_confident_miss_dominates_the_mean_loss():
    model = overconfident()
    assert model.accuracy == 0.9
    assert model.losses[-1] / model.losses.sum() > 0.9  # one sample of ten, over 90% of the loss
    cautious = PredictionSet(
        "cautious",
        model.y_true,
        with_true_class_probabilities(model.y_true, np.full(10, 0.6), n_classes=2),
    )
    assert cautious.accuracy > model.accuracy and cautious.loss < model.loss


def test_always_apple_scores_the_majority_share():
    always, base_rate = imbalanced(n_samples=100, majority_share=0.9)
    assert always.accuracy == base_rate.accuracy == 0.9
    # the base rate's loss is the entropy of the class distribution; certainty costs -0.1 ln(eps)
    np.testing.assert_allclose(base_rate.loss, -(0.9 * np.log(0.9) + 0.1 * np.log(0.1)))
    np.testing.assert_allclose(always.loss, 0.1 * -np.log(metrics.EPSILON), rtol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3, 10])
def test_true_class_probability_decides_correctness(n_classes):
    p_true = np.linspace(0.01, 0.99, 50)
    y_true = np.arange(50) % n_classes
    predictions = PredictionSet(
        "p", y_true, with_true_class_probabilities(y_true, p_true, n_classes)
    )
    np.testing.assert_allclose(predictions.true_class_probabilities, p_true)
    np.testing.assert_array_equal(predictions.correct, p_true > 1 / n_classes)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"y_pred": [[0.5, 0.4, 0.0]] * 3},
            ValueError,
            "y_pred rows must sum to 1; row 0 sums to 0.9",
        ),
        ({"y_pred": [0.5, 0.5]}, ValueError, r"y_pred must have shape \(samples, classes >= 2\)"),
        ({"y_true": [0, 1, 3]}, ValueError, "y_true must hold class indices from 0 to 2"),
        ({"class_names": ("a", "b")}, ValueError, "class_names must hold 3 names"),
    ],
)
def test_prediction_set_rejects_bad_input(kwargs, error, message):
    args = {"name": "x", "y_true": [0, 1, 2], "y_pred": CASE_2.y_pred, **kwargs}
    with pytest.raises(error, match=message):
        PredictionSet(**args)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: sharpen(CASE_1.y_pred, 0), ValueError, "temperature must be positive; got 0"),
        (lambda: sharpen(CASE_1.y_pred, "hot"), TypeError, "temperature must be a real number"),
        (
            lambda: sharpen([[1.2, -0.2]], 1),
            ValueError,
            r"y_pred must be probabilities in \[0, 1\]",
        ),
        (lambda: sharpen([[0.5, 0.5], [0, 0]], 1), ValueError, r"row \(1,\) sums to 0"),
        (lambda: summary(), ValueError, "at least one PredictionSet"),
        (lambda: summary(CASE_1, "case 2"), TypeError, r"sets\[1\] must be a PredictionSet"),
        (lambda: imbalanced(majority_share=1.0), ValueError, "majority_share must leave both"),
        (lambda: imbalanced(n_samples=1), ValueError, "n_samples must be a whole number"),
        (lambda: overconfident(n_samples=2.5), ValueError, "n_samples must be a whole number"),
        (lambda: with_true_class_probabilities([0], [0.5], 1), ValueError, "n_classes must be"),
        (
            lambda: with_true_class_probabilities([0], [1.5]),
            ValueError,
            "p_true must be probabilities",
        ),
        (lambda: with_true_class_probabilities([0, 1], [0.5]), ValueError, "y_true must hold one"),
    ],
)
def test_helpers_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"class_names": "abc"}, TypeError, "class_names must be a list or tuple"),
        ({"class_names": ("a", "b")}, ValueError, "class_names must hold 3 names"),
        ({"name": ""}, TypeError, "name must be a non-empty string"),
        ({"name": None}, TypeError, "name must be a non-empty string"),
        ({"y_true": [[0], [1], [2]]}, ValueError, r"y_true must have shape \(samples,\)"),
    ],
)
def test_a_prediction_set_names_what_is_wrong(kwargs, error, message):
    args = {"name": "s", "y_true": [0, 1, 2], "y_pred": np.eye(3), **kwargs}
    with pytest.raises(error, match=message):
        counterexample.PredictionSet(**args)


def test_float16_predictions_are_taken_within_their_rounding():
    p = np.array([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]], dtype=np.float16)
    s = counterexample.PredictionSet("half", [2, 0], p)
    assert s.accuracy == 1.0


def test_the_verdict_names_the_set_each_number_prefers():
    text = counterexample.verdict(counterexample.CASE_1, counterexample.CASE_2)
    assert text.startswith("Disagree")
    assert text.index("case 1") < text.index("case 2")  # the loss prefers case 1
    assert counterexample.verdict(counterexample.CASE_1, counterexample.CASE_1).startswith(
        "Loss and accuracy do not contradict"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"confidence": 1.5}, r"confidence must be in \[0, 1\]"),
        ({"confidence": 0.3}, "confidence must be above 0.5"),
        ({"p_true_of_miss": np.nan}, "p_true_of_miss must be finite"),
        ({"p_true_of_miss": 0.9}, "p_true_of_miss below it"),
    ],
)
def test_overconfident_names_its_own_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        counterexample.overconfident(**kwargs)


@pytest.mark.parametrize("temperature", [1e-308, 1e308])
def test_sharpen_at_extreme_temperatures_gives_one_hot_or_uniform_rows(temperature):
    p = counterexample.sharpen([[0.2, 0.5, 0.3], [0.0, 0.5, 0.5]], temperature)
    expected = [[0, 1, 0], [0, 0.5, 0.5]] if temperature < 1 else [[1 / 3] * 3, [0, 0.5, 0.5]]
    np.testing.assert_allclose(p, expected, atol=1e-12)
