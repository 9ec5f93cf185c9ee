"""Each claim the book's prose makes about Keras, pinned against the installed Keras.

One test per claim, named after it, so that a Keras upgrade that changes a behaviour fails here
instead of silently falsifying a page. Values are computed by Keras itself, never typed in.
"""

import numpy as np

from lossacc_utils.counterexample import CASE_1, imbalanced


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
