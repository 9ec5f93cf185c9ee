"""Small Keras models and what they show about how Keras trains.

- `tiny_classifier`: a small softmax classifier, compiled as the chapters compile it;
- `BatchLossRecorder`: a callback that records, for every training batch, the loss under the
  weights the step is about to update, and the running mean Keras logs after the step;
- `loss_and_accuracy_along_line`: a model's loss and accuracy as its weights move along a line;
- `in_memory_batches`: a data set for `fit`, built once and kept in memory.

The over-training experiment, a ConvNet trained far past its best epoch, is `overtraining`.
"""

from __future__ import annotations

import logging
import numbers

import keras
import numpy as np
import pandas as pd

from . import metrics
from .validation import (
    as_array,
    check_class_indices,
    check_count,
    check_fraction,
    check_model_inputs,
    check_model_size,
    check_rate,
    check_real,
    check_seed,
)

__all__ = [
    "BatchLossRecorder",
    "in_memory_batches",
    "loss_and_accuracy_along_line",
    "tiny_classifier",
]


class _NotRetracing(logging.Filter):
    """Leave out TensorFlow's warning that a function was traced again.

    Every model that `fit` trains traces its own training step, so a cell that trains a few small
    models in a loop (as the chapters do) makes TensorFlow warn of "excessive retracing". That is
    expected here, and only that warning is left out.
    """

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_NotRetracing())


def tiny_classifier(
    n_features=2, n_classes=3, hidden=0, dropout=0.0, l2=0.0, learning_rate=0.1, seed=0
):
    """A softmax classifier compiled with SGD, sparse categorical cross-entropy and accuracy.

    With `hidden=0` it is softmax regression (one Dense layer); otherwise one ReLU layer of
    `hidden` units comes first, followed by `Dropout(dropout)` when `dropout > 0`. `l2` adds an L2
    penalty on every kernel. The weights are drawn from `seed`, so the same arguments give the same
    model.
    """
    n_features = check_count(n_features, "n_features")
    n_classes = check_count(n_classes, "n_classes", low=2)
    hidden = check_count(hidden, "hidden", low=0)
    if hidden:
        weights = (n_features + 1) * hidden + (hidden + 1) * n_classes
    else:
        weights = (n_features + 1) * n_classes
    check_model_size(weights, "n_features, hidden and n_classes")
    dropout = check_fraction(dropout, "dropout")
    if dropout == 1:
        raise ValueError("dropout must be below 1; got 1")
    if dropout and not hidden:  # dropout follows the hidden layer: without one it would be lost
        raise ValueError(f"dropout needs a hidden layer (hidden > 0); got dropout {dropout:g}")
    l2 = check_rate(l2, "l2", positive=False)
    learning_rate = check_rate(learning_rate, "learning_rate", positive=False)  # 0: frozen
    seed = check_seed(seed)
    regularizer = keras.regularizers.L2(l2) if l2 else None
    init = iter(range(seed * 10, seed * 10 + 10))

    def dense(units, activation):
        return keras.layers.Dense(
            units,
            activation=activation,
            kernel_regularizer=regularizer,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(init)),
        )

    layers = [keras.Input((n_features,))]
    if hidden:
        layers.append(dense(hidden, "relu"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout, seed=next(init)))
    layers.append(dense(n_classes, "softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


class BatchLossRecorder(keras.callbacks.Callback):
    """Record each training batch's loss as the step computes it, and the running mean Keras logs.

    Before each step, the loss of the batch is computed with the weights the step is about to
    update, exactly as the step computes it (regularisation penalties included). After the step,
    the value Keras logs as `loss` is recorded: a running mean over the epoch so far. Pass the
    samples and batch size that `fit` trains on (with `validation_split`, only the first part of
    its `x`: give `validation_data` instead), and fit with `shuffle=False` so the batches come in
    order, without class or sample weights (the recorded losses leave them out), a model
    compiled with `steps_per_execution=1` (Keras' default) so that each batch calls back. The
    recording leaves the model as it found it, its random state too: with dropout the recorded
    loss uses the step's own mask, and a batch normalisation's statistics move with the steps
    alone.
    """

    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y = as_array(x, "x"), as_array(y, "y")
        if len(self.x) != len(self.y):
            raise ValueError(
                f"x and y must have the same length; got {len(self.x)} and {len(self.y)}"
            )
        self.batch_size = check_count(batch_size, "batch_size")
        self.epochs = []

    def on_train_begin(self, logs=None):
        per_call = getattr(self.model, "steps_per_execution", 1)
        if per_call != 1:  # Keras then calls back once every per_call steps, not once a batch
            raise ValueError(
                f"model must be compiled with steps_per_execution=1 for the recorder to see each "
                f"batch; it runs {per_call} steps a call"
            )
        steps, mine = (self.params or {}).get("steps"), -(-len(self.x) // self.batch_size)
        if steps is not None and steps != mine:  # another batch size, or other data
            raise ValueError(
                f"batch_size and x must be the batch size and the samples fit trains on (not "
                f"those of a validation_split): {len(self.x)} samples of x in batches of "
                f"{self.batch_size} make {mine} steps, and fit takes {steps} an epoch"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append({"batch size": [], "loss before the step": [], "running mean": []})

    def on_train_batch_begin(self, batch, logs=None):
        start = batch * self.batch_size
        xb, yb = self.x[start : start + self.batch_size], self.y[start : start + self.batch_size]
        # the model's state as it was: a forward pass in training mode moves a batch
        # normalisation's statistics, which the step itself will move
        state = [(v, v.numpy()) for v in self.model.non_trainable_variables]
        loss = self.model.compute_loss(x=xb, y=yb, y_pred=self.model(xb, training=True))
        for variable, value in state:
            variable.assign(value)
        self.epochs[-1]["batch size"].append(len(xb))
        self.epochs[-1]["loss before the step"].append(float(loss))

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1]["running mean"].append(float(logs["loss"]))

    def table(self, epoch=-1) -> pd.DataFrame:
        """One row per batch of `epoch`: its size, its loss before the step, the running mean."""
        if not self.epochs:
            raise ValueError("nothing recorded yet: pass the recorder to model.fit(callbacks=...)")
        n = len(self.epochs)
        if (
            isinstance(epoch, bool)
            or not isinstance(epoch, numbers.Integral)
            or not -n <= epoch < n
        ):
            raise ValueError(
                f"epoch must be a whole number from {-n} to {n - 1} (counted from 0, as a list is; "
                f"-1 is the last); got {epoch!r}"
            )
        frame = pd.DataFrame(self.epochs[epoch])
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="batch")
        return frame

    def epoch_mean(self, epoch=-1) -> float:
        """The batch-size-weighted mean of the losses before each step of `epoch`."""
        frame = self.table(epoch)
        if frame.empty:
            raise ValueError(f"epoch {epoch} has no batches recorded: it has no mean")
        return float(np.average(frame["loss before the step"], weights=frame["batch size"]))


def loss_and_accuracy_along_line(model, x, y, start, end, alphas=None) -> pd.DataFrame:
    """The model's loss and accuracy on (x, y) with weights start + alpha * (end - start).

    `start` and `end` are lists of arrays as `model.get_weights()` returns them; `y` holds integer
    labels. The loss is the one the model was compiled with (the quantity training minimises), the
    accuracy is sparse categorical accuracy. The model's own weights are restored afterwards.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; got {type(model).__name__}")
    current = model.get_weights()
    for name, weights in (("start", start), ("end", end)):
        if not isinstance(weights, list | tuple):
            raise TypeError(f"{name} must be a list of arrays, as model.get_weights() returns")
        shapes = [np.shape(w) for w in weights]
        if shapes != [w.shape for w in current]:
            raise ValueError(
                f"{name} must hold arrays shaped like model.get_weights(); got {shapes}"
            )
        for i, w in enumerate(weights):  # finite numbers, or every loss along the line is NaN
            if np.ndim(w):
                as_array(w, f"{name}[{i}]")
            else:
                check_real(w, f"{name}[{i}]")
    alphas = np.linspace(-0.5, 1.5, 81) if alphas is None else as_array(alphas, "alphas")
    if alphas.ndim != 1:
        raise ValueError(f"alphas must be a list of positions; got shape {alphas.shape}")
    x = as_array(x, "x")
    if np.abs(x).max() > np.finfo(np.float32).max:
        raise ValueError(f"x must fit in float32, the dtype models compute in; got {x.max()}")
    expected = tuple(check_model_inputs(model)[0].shape[1:])
    if x.shape[1:] != expected:
        raise ValueError(f"x must hold samples of shape {expected} for this model; got {x.shape}")
    y = as_array(y, "y")
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"y must hold one class index per sample of x ({len(x)}); got {y.shape}")
    n_classes = model.outputs[0].shape[-1]
    if n_classes < 2 or getattr(model, "loss", None) is None:
        raise ValueError(
            "model must be a compiled classifier with a softmax output of 2 or more classes "
            f"(its accuracy is sparse categorical accuracy); it has {n_classes} output(s)"
            + ("" if getattr(model, "loss", None) is not None else " and no loss: compile it")
        )
    y = check_class_indices(y, np.empty((len(y), n_classes)), "y", scores="the model")
    rows = []
    try:
        for alpha in alphas:
            model.set_weights([s + alpha * (e - s) for s, e in zip(start, end, strict=True)])
            y_pred = keras.ops.convert_to_numpy(model(x, training=False))
            if not np.isfinite(y_pred).all():  # float32 overflowed: no loss, no accuracy
                raise ValueError(
                    f"alphas and x must keep the model's outputs finite in float32; at alpha "
                    f"{alpha:g} they are not: pass alphas nearer [0, 1], or x of smaller values"
                )
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
            accuracy = metrics.sparse_categorical_accuracy(y, y_pred)
            rows.append({"alpha": alpha, "loss": float(loss), "accuracy": accuracy.mean()})
    finally:
        model.set_weights(current)
    return pd.DataFrame(rows)


def in_memory_batches(x, y, batch_size, seed=None):
    """A `tf.data` pipeline of (x, y) in batches, kept in memory, for `fit` and `validation_data`.

    With a `seed`, it reshuffles itself every epoch from that seed (then pass `shuffle=False` to
    `fit`, which cannot shuffle a data set); with None, the order stays. Built once, it spares
    `fit` from slicing the arrays again on every epoch, which for small data sets is most of an
    epoch's time. It prefetches nothing, and tf.data serves it from one thread.
    """
    import tensorflow as tf

    checked_x, checked_y = as_array(x, "x"), as_array(y, "y")  # checked; used as given below
    if len(checked_x) != len(checked_y):
        raise ValueError(
            f"x and y must hold the same number of samples; got {len(checked_x)} and "
            f"{len(checked_y)}"
        )
    largest = np.abs(checked_x).max()
    if largest > np.finfo(np.float32).max:
        raise ValueError(f"x must fit in float32, the dtype models compute in; got {largest}")
    # a batch larger than the data is the whole data: TensorFlow takes no larger count
    batch_size = min(check_count(batch_size, "batch_size"), len(checked_x))
    x = np.asarray(x, dtype="float32")  # the inputs in the dtype the model computes in
    y = np.asarray(y)  # integer labels stay integers, one-hot targets stay as they are
    if y.dtype.itemsize > 8:  # longdouble, which TensorFlow has no tensor of
        y = y.astype("float64")
    data = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if seed is not None:
        data = data.shuffle(len(x), seed=check_seed(seed), reshuffle_each_iteration=True)
    # Batches come from memory: prefetching them in the background, or on tf.data's pool of a
    # thread per core, only competes with training for the cores. Two runs side by side, one per
    # core, train about a third faster without: a batch of 16 of the over-training chapter's runs
    # took 79 s with prefetching and 57 s without, the same runs bit for bit.
    options = tf.data.Options()
    options.threading.private_threadpool_size = 1
    options.autotune.enabled = False
    return data.batch(batch_size).with_options(options)
