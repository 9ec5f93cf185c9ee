"""What a model predicts while it trains, read from its logits.

- `logits_of`: a function from images to the logits of a model whose last layer is a softmax Dense
  layer (None for any other model);
- `ProbabilityRecorder`: a callback that keeps the model's predictions for some samples every few
  epochs;
- `ValidationRecorder`: a callback that validates after every epoch as `fit(validation_data=...)`
  does, with the same numbers in `History`, and keeps the predictions of the validation and test
  samples from the same forward pass.

Both callbacks read log-probabilities off the logits, so that a sample's loss is not capped at
-ln(1e-7) = 16.1, as a loss recomputed from probabilities is: they match the `val_loss` Keras
computes inside a model whose output is a softmax.
"""

from __future__ import annotations

import keras
import numpy as np

from . import metrics
from .validation import (
    as_array,
    check_class_indices,
    check_count,
    check_fraction,
    check_model_inputs,
)

__all__ = ["ProbabilityRecorder", "ValidationRecorder", "logits_of"]


def logits_of(model):
    """A function from images to `model`'s logits when its last layer is a softmax Dense layer
    (the logits are then that layer's kernel and bias applied to what it takes in); None for any
    other model.

    What the last layer takes in is the model's input itself when it is the only layer (softmax
    regression), and not always the output of the layer listed before it in a functional model.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model; got {type(model).__name__}")
    last = model.layers[-1] if model.layers else None
    if not (isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax):
        return None
    features = keras.Model(check_model_inputs(model)[0], last.input)

    def logits(x):
        return keras.ops.matmul(features(x, training=False), last.kernel) + last.bias

    return logits


def _float64(log_p) -> np.ndarray:
    return keras.ops.convert_to_numpy(log_p).astype(np.float64)


class ProbabilityRecorder(keras.callbacks.Callback):
    """Record the model's predictions for `x` at the end of every `every`-th epoch.

    `log_probabilities` and `probabilities` map the epoch number (from 1) to arrays of shape
    (samples, classes), from a forward pass with `training=False`, as validation does; from the
    logits when the model ends in a softmax Dense layer (see the module's docstring).
    """

    def __init__(self, x, every=1):
        super().__init__()
        self.x = as_array(x, "x").astype("float32")
        self.every = check_count(every, "every")
        self.log_probabilities, self.probabilities = {}, {}
        self._logits = None

    def on_train_begin(self, logs=None):
        self._logits = logits_of(self.model)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if self._logits is not None:
            log_p = keras.ops.log_softmax(self._logits(self.x), axis=-1)
        else:
            p = keras.ops.clip(self.model(self.x, training=False), metrics.EPSILON, 1.0)
            log_p = keras.ops.log(p)
        log_p = _float64(log_p)
        self.log_probabilities[epoch + 1] = log_p
        self.probabilities[epoch + 1] = np.exp(log_p)


class ValidationRecorder(keras.callbacks.Callback):
    """Validate after every epoch as `fit(validation_data=...)` does, and record predictions.

    One forward pass with `training=False` over the validation samples gives the logits, and from
    them the numbers Keras' own validation would put in `History`, by the same Keras functions:
    `val_loss` (the compiled loss with the model's penalties), `val_accuracy`, and with label
    smoothing `val_cross_entropy`. Keras' validation would otherwise make the same forward pass a
    second time, to record the predictions. The model must end in a softmax Dense layer.

    The validation log-probabilities are kept in `val_log_probabilities` every `every`-th epoch
    (0: at no fixed interval), at the last epoch, and wherever the validation loss reaches a new
    low or the validation accuracy a new high: there `keras.callbacks.EarlyStopping` on either,
    with any patience, finds its best epoch. At those last two kinds of epoch only, the test
    samples' are kept too, in `test_log_probabilities`: what a model stopped early, or trained to
    the end, predicts on samples that chose nothing.
    """

    def __init__(self, x_val, y_val, x_test, every=1, label_smoothing=0.0):
        super().__init__()
        x_val, x_test = as_array(x_val, "x_val"), as_array(x_test, "x_test")
        y_val = as_array(y_val, "y_val")
        if len(y_val) != len(x_val):
            raise ValueError(
                f"y_val must hold one label per image of x_val; got {len(y_val)} labels for "
                f"{len(x_val)} images"
            )
        if y_val.ndim != 1 or (y_val < 0).any() or (y_val != np.round(y_val)).any():
            raise ValueError(f"y_val must hold class indices, whole numbers from 0; got {y_val!r}")
        if x_test.shape[1:] != x_val.shape[1:]:  # the model takes both
            raise ValueError(
                f"x_test must hold samples of the shape of x_val's, {x_val.shape[1:]}; got "
                f"{x_test.shape[1:]}"
            )
        self.x_val, self.x_test = x_val.astype("float32"), x_test.astype("float32")
        self.y_val, self.n_val = y_val, len(x_val)
        self.every = check_count(every, "every", low=0)
        self.label_smoothing = check_fraction(label_smoothing, "label_smoothing")
        self.val_log_probabilities, self.test_log_probabilities = {}, {}
        self._lowest_loss, self._highest_accuracy = np.inf, -np.inf

    def on_train_begin(self, logs=None):
        import tensorflow as tf

        logits_of_x = logits_of(self.model)
        if logits_of_x is None:
            raise ValueError("the model must end in a softmax Dense layer, whose logits are read")
        classes = np.broadcast_to(0.0, (len(self.y_val), self.model.outputs[0].shape[-1]))
        check_class_indices(self.y_val, classes, "y_val")  # named here, not deep in TensorFlow
        x, y = tf.constant(self.x_val), tf.constant(self.y_val)
        x_test = tf.constant(self.x_test)
        ops, losses, smoothing = keras.ops, keras.losses, self.label_smoothing

        @tf.function  # one compiled pass: eager execution would take twice as long
        def validate():
            val = logits_of_x(x)
            results = {}
            if smoothing:  # the compiled loss smooths; the tracked metric does not
                one_hot = ops.one_hot(y, val.shape[-1])
                loss = losses.categorical_crossentropy(
                    one_hot, val, from_logits=True, label_smoothing=smoothing
                )
                plain = losses.categorical_crossentropy(one_hot, val, from_logits=True)
                results["val_cross_entropy"] = ops.sum(plain)
            else:
                loss = losses.sparse_categorical_crossentropy(y, val, from_logits=True)
            results["val_loss"] = ops.mean(loss)
            predicted = ops.argmax(ops.softmax(val), axis=-1)  # as the accuracy metric reads it
            results["val_accuracy"] = ops.sum(ops.cast(ops.equal(predicted, y), "float32"))
            return results, ops.log_softmax(val, axis=-1)

        @tf.function
        def test():
            return ops.log_softmax(logits_of_x(x_test), axis=-1)

        self._validate, self._test = validate, test

    def on_epoch_end(self, epoch, logs=None):
        results, log_p = self._validate()
        penalties = sum(float(penalty) for penalty in self.model.losses)  # evaluate() adds them
        logs["val_loss"] = float(results.pop("val_loss")) + penalties
        n = np.float32(self.n_val)  # a metric is a float32 total over a float32 count, in Keras
        logs.update({name: float(np.float32(total) / n) for name, total in results.items()})
        due = self.every and (epoch + 1) % self.every == 0
        last = epoch + 1 == self.params.get("epochs")
        best = not epoch  # the first epoch is the best so far, even when its loss is NaN
        if logs["val_loss"] < self._lowest_loss:
            self._lowest_loss, best = logs["val_loss"], True
        if logs["val_accuracy"] > self._highest_accuracy:
            self._highest_accuracy, best = logs["val_accuracy"], True
        if due or last or best:
            self.val_log_probabilities[epoch + 1] = _float64(log_p)
        if last or best:
            self.test_log_probabilities[epoch + 1] = _float64(self._test())
