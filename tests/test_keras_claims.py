"""Each claim the book's prose makes about Keras, pinned against the installed Keras.

One test per claim, named after it, so that a Keras upgrade that changes a behaviour fails here
instead of silently falsifying a page. Values are computed by Keras itself, never typed in.
"""

import inspect

import numpy as np
import pytest
import tensorflow as tf

from lossacc_utils.counterexample import CASE_1, imbalanced
from lossacc_utils.data import blobs
from lossacc_utils.training import tiny_classifier


def approx(value):
    return pytest.approx(value, rel=1e-5, abs=1e-6)


@pytest.fixture(scope="module")
def points():
    """The chapter's 90 points of three classes."""
    return blobs(n_samples=90, n_classes=3, spread=1.3, seed=0)


def test_keras_3_has_no_backend_variable_or_eval(keras):
    assert not hasattr(keras.backend, "variable")
    assert not hasattr(keras.backend, "eval")


def test_tensorflow_keeps_the_keras_2_backend_api_and_it_gives_ln_2():
    from tensorflow.keras import backend as K

    truth = K.variable([[1.0, 0.0, 0.0]])
    prediction = K.variable([[0.50, 0.25, 0.25]])
    np.testing.assert_allclose(
        K.eval(K.categorical_crossentropy(truth, prediction)), [np.log(2)], rtol=1e-6
    )


def test_keras_losses_take_numpy_and_return_one_loss_per_sample(keras, to_numpy):
    losses = keras.losses.categorical_crossentropy(CASE_1.one_hot, CASE_1.y_pred)
    assert to_numpy(losses).shape == (3,)


def test_a_certain_wrong_prediction_costs_minus_ln_epsilon_in_keras(keras, to_numpy):
    always_apple, _ = imbalanced(n_samples=100, majority_share=0.9)
    loss = keras.losses.CategoricalCrossentropy()(always_apple.one_hot, always_apple.y_pred)
    np.testing.assert_allclose(to_numpy(loss), 0.1 * -np.log(keras.config.epsilon()), rtol=1e-6)


def test_keras_categorical_accuracy_breaks_ties_toward_the_smallest_class(keras, to_numpy):
    uniform = np.full((1, 10), 0.1)
    correct = [
        to_numpy(keras.metrics.categorical_accuracy(np.eye(10)[[k]], uniform))[0] for k in range(10)
    ]
    assert correct == [1.0] + [0.0] * 9


# ---- the chapter "How Keras defines loss and accuracy" -----------------------------------------


def test_the_loss_has_a_gradient_and_the_accuracy_has_none(keras, points):

    x, y = points
    model = tiny_classifier(seed=0)
    with tf.GradientTape(persistent=True) as tape:
        p = model(x)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, p))
        accuracy = tf.reduce_mean(keras.metrics.sparse_categorical_accuracy(y, p))
    assert all(g is not None for g in tape.gradient(loss, model.trainable_weights))
    assert all(g is None for g in tape.gradient(accuracy, model.trainable_weights))


def test_categorical_crossentropy_renormalises_each_row(keras, to_numpy):
    loss = keras.losses.categorical_crossentropy(
        np.array([[0.0, 0.0, 1.0]]), np.array([[0.2, 0.2, 0.4]])
    )
    np.testing.assert_allclose(to_numpy(loss), [np.log(2)], rtol=1e-6)


def test_a_perfect_prediction_costs_about_1e_7_not_0(keras, to_numpy):
    loss = keras.losses.categorical_crossentropy(np.array([[1.0, 0, 0]]), np.array([[1.0, 0, 0]]))
    np.testing.assert_allclose(to_numpy(loss), [-np.log(1 - 1e-7)], rtol=1e-3)
    assert to_numpy(loss)[0] > 0


def test_from_logits_equals_softmax_then_the_loss(keras, to_numpy):
    target, logits = np.array([[1.0, 0.0, 0.0]]), np.array([[2.0, 1.0, 0.1]])
    direct = keras.losses.categorical_crossentropy(target, logits, from_logits=True)
    via_softmax = keras.losses.categorical_crossentropy(target, to_numpy(keras.ops.softmax(logits)))
    np.testing.assert_allclose(to_numpy(direct), to_numpy(via_softmax), rtol=1e-6)


def test_label_smoothing_floor_is_the_entropy_of_the_smoothed_target(keras, to_numpy):
    t = np.array([1.0, 0.0, 0.0]) * 0.9 + 0.1 / 3
    at_t = keras.losses.categorical_crossentropy([[1.0, 0.0, 0.0]], [t], label_smoothing=0.1)
    np.testing.assert_allclose(to_numpy(at_t), [-(t * np.log(t)).sum()], rtol=1e-6)
    certain = keras.losses.categorical_crossentropy(
        [[1.0, 0, 0]], [[1.0, 0, 0]], label_smoothing=0.1
    )
    assert to_numpy(certain)[0] > to_numpy(at_t)[0] > 0


def test_sum_over_batch_size_divides_by_n_not_by_the_weights(keras, to_numpy):
    y_true = np.eye(3)[[0, 1, 2, 0]]
    y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]])
    weights = np.array([1.0, 1.0, 0.0, 0.0])
    per_sample = to_numpy(keras.losses.categorical_crossentropy(y_true, y_pred))
    loss_object = keras.losses.CategoricalCrossentropy()
    assert loss_object.reduction == "sum_over_batch_size"
    reduced = to_numpy(loss_object(y_true, y_pred, sample_weight=weights))
    np.testing.assert_allclose(reduced, (weights * per_sample).sum() / 4, rtol=1e-6)
    assert abs(reduced - (weights * per_sample).sum() / 2) > 0.1


def test_the_history_key_is_the_string_passed(points):
    x, y = points
    model = tiny_classifier(seed=0)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert "acc" in history.history and "accuracy" not in history.history


def test_crossentropy_is_a_loss_name_but_not_a_metric_name(keras, points):

    x, y = points
    model = tiny_classifier(seed=0)
    model.compile(loss="crossentropy")  # accepted as a loss
    model.evaluate(x, y, verbose=0)
    with pytest.raises(ValueError, match="Could not interpret metric identifier: crossentropy"):
        model.compile(loss="sparse_categorical_crossentropy", metrics=["crossentropy"])
        model.evaluate(x, y, verbose=0)


def test_binary_accuracy_example_thresholds_to_1_0_0_1_and_scores_0_75(keras, to_numpy):
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state(
        np.array([[1.0], [1.0], [0.0], [1.0]]), np.array([[0.8], [0.4], [0.3], [0.6]])
    )
    assert float(to_numpy(metric.result())) == 0.75
    assert metric.threshold == 0.5


def test_binary_accuracy_threshold_is_strict_and_has_no_from_logits(keras, to_numpy):

    strict = keras.metrics.binary_accuracy(np.array([[0.0], [1.0]]), np.array([[0.5], [0.5]]))
    np.testing.assert_array_equal(to_numpy(strict).ravel(), [1.0, 0.0])
    assert "from_logits" not in inspect.signature(keras.metrics.BinaryAccuracy).parameters
    logits = keras.metrics.binary_accuracy(
        np.array([[0.0], [1.0]]), np.array([[-2.0], [3.0]]), threshold=0.0
    )
    np.testing.assert_array_equal(to_numpy(logits).ravel(), [1.0, 1.0])


def test_sparse_and_one_hot_categorical_accuracy_agree(keras, to_numpy):
    tie = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]])
    one_hot = to_numpy(keras.metrics.categorical_accuracy(np.eye(3)[[0, 1]], tie))
    sparse = to_numpy(keras.metrics.sparse_categorical_accuracy(np.array([0, 1]), tie))
    np.testing.assert_array_equal(one_hot, [1.0, 0.0])
    np.testing.assert_array_equal(sparse.ravel(), one_hot)


def test_top_k_counts_a_tie_at_the_boundary_as_correct(keras, to_numpy):
    tie = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]], dtype="float32")
    top1 = keras.metrics.TopKCategoricalAccuracy(k=1)
    top1.update_state(np.eye(3, dtype="float32")[[0, 1]], tie)
    assert float(to_numpy(top1.result())) == 1.0  # categorical accuracy gives 0.5 here


def test_top_k_rejects_float64_predictions(keras):
    with pytest.raises(tf.errors.InvalidArgumentError):
        keras.metrics.top_k_categorical_accuracy(np.eye(3)[[0]], np.array([[0.5, 0.5, 0.0]]), k=1)


def test_dropout_is_on_for_the_training_loss_and_val_loss_equals_evaluate(points):
    x, y = points
    model = tiny_classifier(hidden=32, dropout=0.5, learning_rate=0.0, seed=2)
    history = model.fit(x, y, batch_size=90, epochs=1, validation_data=(x, y), verbose=0)
    evaluated = model.evaluate(x, y, verbose=0)[0]
    assert history.history["val_loss"][0] == approx(evaluated)
    assert abs(history.history["loss"][0] - evaluated) > 0.01


def test_regularisation_penalty_is_in_loss_and_in_val_loss(keras, points):
    x, y = points
    model = tiny_classifier(l2=0.05, seed=3)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.0),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="cross_entropy")],
    )
    h = model.fit(x, y, batch_size=90, epochs=1, validation_data=(x, y), verbose=0).history
    penalty = float(sum(model.losses))
    assert penalty > 0.01
    assert h["loss"][0] == approx(h["cross_entropy"][0] + penalty)
    assert h["val_loss"][0] == approx(h["val_cross_entropy"][0] + penalty)


def test_metrics_ignore_sample_weights_and_weighted_metrics_apply_them(keras, points):
    x, y = points
    model = tiny_classifier(seed=4)
    model.compile(
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="weighted")],
    )
    weights = (np.arange(90) < 30).astype("float32")
    result = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    correct = model.predict(x, verbose=0).argmax(axis=1) == y
    assert result["accuracy"] == approx(correct.mean())
    assert result["weighted"] == approx(correct[:30].mean())
    assert correct.mean() != correct[:30].mean()


def test_a_softmax_inside_the_model_is_scored_from_its_logits(keras, to_numpy):
    layer = keras.layers.Dense(
        3,
        activation="softmax",
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant([0.0, 100.0, 0.0]),
    )
    model = keras.Sequential([keras.Input((1,)), layer])
    model.compile(loss="categorical_crossentropy")
    one, class_0 = np.ones((1, 1)), np.array([[1.0, 0.0, 0.0]])
    assert model.evaluate(one, class_0, verbose=0) == approx(100.0)
    exported = model.predict(one, verbose=0)
    np.testing.assert_allclose(
        to_numpy(keras.losses.categorical_crossentropy(class_0, exported)),
        [-np.log(1e-7)],
        rtol=1e-6,
    )


def test_regression_targets_score_zero_binary_accuracy(keras, to_numpy):
    targets, estimates = np.array([[2.3], [0.7], [1.5]]), np.array([[2.2], [0.8], [1.4]])
    assert float(to_numpy(keras.losses.MeanSquaredError()(targets, estimates))) < 0.011
    np.testing.assert_array_equal(
        to_numpy(keras.metrics.binary_accuracy(targets, estimates)).ravel(), [0.0, 0.0, 0.0]
    )
