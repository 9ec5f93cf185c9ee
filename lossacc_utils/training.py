"""Training runs and what they record.

- `tiny_classifier`: a small softmax classifier, compiled as the chapters compile it;
- `BatchLossRecorder`: a callback that records, for every training batch, the loss under the
  weights the step is about to update, and the running mean Keras logs after the step;
- `loss_and_accuracy_along_line`: a model's loss and accuracy as its weights move along a line;
- `convnet`, `ProbabilityRecorder` and `run_overtraining`: the over-training experiment, a small
  ConvNet trained far past its best validation loss, with what it predicted on every epoch.

When the environment variable `LOSSACC_RUN_CACHE` names a folder, `run_overtraining` keeps every
run it trains there and hands back the kept run when asked for the same one again, so that two
chapters built one after the other train a model once. The key is the seed, the configuration, the
source of this package and the versions of Keras and TensorFlow; the book's build sets the variable.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from . import data, metrics
from .validation import check_count, check_fraction, check_positive

__all__ = [
    "OVERTRAINING",
    "BatchLossRecorder",
    "ProbabilityRecorder",
    "convnet",
    "loss_and_accuracy_along_line",
    "run_overtraining",
    "starved_classifier",
    "tiny_classifier",
]

#: The over-training chapter's configuration: `run_overtraining` uses it unless told otherwise.
OVERTRAINING = {
    "dataset": "digits",  # scikit-learn's 8x8 digits: shipped with the package, no download
    "n_train": 300,  # few training samples, so the network can memorise them
    "n_val": 500,
    "n_test": 500,  # held out: never trained on, never used to choose anything
    "epochs": 300,  # far past the best validation loss, reached in 10 to 20 epochs
    "batch_size": 32,
    "learning_rate": 0.01,  # large for Adam: mistakes grow confident within the run
    "width": 1,  # filters and units multiplied by this
    "starved": False,  # True: a linear classifier on the image averaged down to 2x2 instead
    "label_noise": 0.0,  # share of training and validation labels replaced by a wrong class
    "label_smoothing": 0.0,  # a > 0: train on targets y (1 - a) + a / K
    "record_every": 1,  # record the validation probabilities every this many epochs
    "steps_per_execution": 10,  # run 10 training steps per call into TensorFlow
    "log_every": 0,  # print a progress line every this many epochs (0: only at the end)
}


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
    dropout = check_fraction(dropout, "dropout")
    if dropout == 1:
        raise ValueError("dropout must be below 1; got 1")
    l2 = float(l2)
    if not l2 >= 0:
        raise ValueError(f"l2 must be a non-negative number; got {l2!r}")
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
    training data and batch size that `fit` receives, and fit with `shuffle=False` so the batches
    come in order. With dropout the recorded losses use a different random mask than the step.
    """

    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y = np.asarray(x), np.asarray(y)
        if len(self.x) != len(self.y):
            raise ValueError(
                f"x and y must have the same length; got {len(self.x)} and {len(self.y)}"
            )
        self.batch_size = check_count(batch_size, "batch_size")
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append({"batch size": [], "loss before the step": [], "running mean": []})

    def on_train_batch_begin(self, batch, logs=None):
        start = batch * self.batch_size
        xb, yb = self.x[start : start + self.batch_size], self.y[start : start + self.batch_size]
        loss = self.model.compute_loss(x=xb, y=yb, y_pred=self.model(xb, training=True))
        self.epochs[-1]["batch size"].append(len(xb))
        self.epochs[-1]["loss before the step"].append(float(loss))

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1]["running mean"].append(float(logs["loss"]))

    def table(self, epoch=-1) -> pd.DataFrame:
        """One row per batch of `epoch`: its size, its loss before the step, the running mean."""
        if not self.epochs:
            raise ValueError("nothing recorded yet: pass the recorder to model.fit(callbacks=...)")
        frame = pd.DataFrame(self.epochs[epoch])
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="batch")
        return frame

    def epoch_mean(self, epoch=-1) -> float:
        """The batch-size-weighted mean of the losses before each step of `epoch`."""
        frame = self.table(epoch)
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
        shapes = [np.shape(w) for w in weights]
        if shapes != [w.shape for w in current]:
            raise ValueError(
                f"{name} must hold arrays shaped like model.get_weights(); got {shapes}"
            )
    alphas = np.linspace(-0.5, 1.5, 81) if alphas is None else np.asarray(alphas, dtype=float)
    rows = []
    try:
        for alpha in alphas:
            model.set_weights([s + alpha * (e - s) for s, e in zip(start, end, strict=True)])
            y_pred = model(x, training=False)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
            accuracy = metrics.sparse_categorical_accuracy(y, keras.ops.convert_to_numpy(y_pred))
            rows.append({"alpha": alpha, "loss": float(loss), "accuracy": accuracy.mean()})
    finally:
        model.set_weights(current)
    return pd.DataFrame(rows)


def convnet(input_shape, n_classes, width=1):
    """A small ConvNet: two 3x3 convolutions, max-pooling, a dense layer, a softmax output.

    `width` multiplies the numbers of filters and units.
    """
    width = check_count(width, "width")
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(16 * width, 3, padding="same", activation="relu"),
            keras.layers.Conv2D(32 * width, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(64 * width, activation="relu"),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )


def starved_classifier(input_shape, n_classes):
    """A model too small for the task: a linear softmax classifier that sees each image averaged
    down to 2x2 pixels, four numbers (for 8x8 digits, 50 parameters in all)."""
    height, width = input_shape[0], input_shape[1]
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.AveragePooling2D((height // 2, width // 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )


class ProbabilityRecorder(keras.callbacks.Callback):
    """Record the model's predictions for `x` at the end of every `every`-th epoch.

    `log_probabilities` and `probabilities` map the epoch number (from 1) to arrays of shape
    (samples, classes), from a forward pass with `training=False`, as validation does. When the
    model ends in a softmax Dense layer, the log-probabilities come from its logits, so that the
    loss of a sample is not capped at -ln(1e-7) = 16.1 as a loss recomputed from probabilities is:
    they match the `val_loss` Keras computes inside the model.
    """

    def __init__(self, x, every=1):
        super().__init__()
        self.x = np.asarray(x)
        self.every = check_count(every, "every")
        self.log_probabilities, self.probabilities = {}, {}
        self._features = None

    def on_train_begin(self, logs=None):
        last = self.model.layers[-1]
        if isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax:
            self._features = keras.Model(self.model.inputs[0], self.model.layers[-2].output)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if self._features is not None:
            last = self.model.layers[-1]
            logits = keras.ops.matmul(self._features(self.x, training=False), last.kernel)
            log_p = keras.ops.log_softmax(logits + last.bias, axis=-1)
        else:
            p = keras.ops.clip(self.model(self.x, training=False), metrics.EPSILON, 1.0)
            log_p = keras.ops.log(p)
        log_p = keras.ops.convert_to_numpy(log_p).astype(np.float64)
        self.log_probabilities[epoch + 1] = log_p
        self.probabilities[epoch + 1] = np.exp(log_p)


class _ProgressLog(keras.callbacks.Callback):
    """Keep the time since training began at the end of every epoch; print every `every`-th."""

    def __init__(self, every, epochs):
        super().__init__()
        self.every, self.epochs, self.start = every, epochs, time.perf_counter()
        self.seconds = []

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)
        line = _progress_line(
            epoch + 1, self.every, self.epochs, logs["val_loss"], logs["val_accuracy"], self.seconds
        )
        if line:
            print(line, flush=True)


def _progress_line(epoch, every, epochs, val_loss, val_accuracy, seconds):
    """The progress line printed after `epoch` (from 1), or None when none is due."""
    if not every or epoch % every or epoch >= epochs:
        return None
    return (
        f"epoch {epoch:4d}/{epochs}  val_loss {val_loss:.4f}  "
        f"val_accuracy {val_accuracy:.4f}  ({seconds[epoch - 1]:.1f} s)"
    )


def _print_progress(run, every):
    """Print the progress lines a run printed, or would have printed with `every`, as it trained."""
    epochs = len(run["val_loss"])
    for epoch in range(1, epochs + 1):
        line = _progress_line(
            epoch,
            every,
            epochs,
            run["val_loss"][epoch - 1],
            run["val_accuracy"][epoch - 1],
            run["epoch_seconds"],
        )
        if line:
            print(line, flush=True)
    if every:
        print(f"trained {epochs} epochs in {run['seconds']:.1f} s", flush=True)


#: The environment variable naming the folder where `run_overtraining` keeps its runs.
RUN_CACHE = "LOSSACC_RUN_CACHE"


def _run_cache_file(seed, config) -> Path | None:
    """Where the run for `seed` and `config` is kept, or None when runs are not kept."""
    folder = os.environ.get(RUN_CACHE)
    if not folder:
        return None
    import tensorflow as tf

    key = hashlib.sha256()
    settings = {name: value for name, value in config.items() if name != "log_every"}
    described = [seed, settings, keras.__version__, tf.__version__]
    key.update(json.dumps(described, sort_keys=True, default=repr).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        key.update(source.name.encode() + source.read_bytes())
    return Path(folder) / f"overtraining-{key.hexdigest()[:20]}.pkl"


def _with_label_noise(labels, share, n_classes, rng):
    """Replace a `share` of the labels by a different class drawn at random."""
    labels = labels.copy()
    flipped = rng.choice(len(labels), size=round(share * len(labels)), replace=False)
    labels[flipped] = (labels[flipped] + rng.integers(1, n_classes, len(flipped))) % n_classes
    return labels


def run_overtraining(seed=0, **overrides) -> dict:
    """Train the chapter's ConvNet far past its best validation loss; return what happened.

    The configuration is `OVERTRAINING` updated with `overrides`. Returns a plain dict with the
    per-epoch lists `loss`, `accuracy`, `val_loss`, `val_accuracy` (as `History` holds them),
    `val_probabilities` and `val_log_probabilities` (epoch -> predictions for every validation
    sample; the log-probabilities come from the logits, as Keras' `val_loss` does), the
    validation images and labels `x_val` and `y_val` and the training labels `y_train` as used
    (after any label noise), the held-out `x_test`, `y_test` and `test_log_probabilities`
    (recorded like the validation ones), the `config`, `seconds`, the time `fit` took, and
    `epoch_seconds`, the time since training began at the end of every epoch. With
    `label_smoothing`, History also has `cross_entropy` and `val_cross_entropy`, unsmoothed.
    The same seed gives the same run on one machine. With `LOSSACC_RUN_CACHE` set, a run trained
    before is handed back instead (see the module's docstring).
    """
    config = _checked_config(overrides)
    cache = _run_cache_file(seed, config)
    if cache is not None and cache.exists():
        with cache.open("rb") as file:
            run = pickle.load(file)
        run["config"] = config
        _print_progress(run, config["log_every"])
        return run
    run = _train_overtraining(seed, config)
    if config["log_every"]:
        print(f"trained {config['epochs']} epochs in {run['seconds']:.1f} s", flush=True)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as file:
            pickle.dump(run, file)
        partial.replace(cache)  # whole or absent, even if two builds write at once
        with (cache.parent / "trained.log").open("a") as log:
            log.write(cache.name + "\n")
    return run


def _checked_config(overrides) -> dict:
    """`OVERTRAINING` updated with `overrides`, each setting checked."""
    unknown = set(overrides) - set(OVERTRAINING)
    if unknown:
        raise ValueError(
            f"unknown settings {sorted(unknown)}; the settings are {sorted(OVERTRAINING)}"
        )
    config = {**OVERTRAINING, **overrides}
    for name in ("n_train", "n_val", "n_test", "epochs", "batch_size", "steps_per_execution"):
        check_count(config[name], name)
    check_count(config["record_every"], "record_every")
    check_count(config["log_every"], "log_every", low=0)
    for name in ("label_noise", "label_smoothing"):
        check_fraction(config[name], name)
    check_positive(config["learning_rate"], "learning_rate")
    if not isinstance(config["starved"], bool):
        raise ValueError(f"starved must be True or False; got {config['starved']!r}")
    return config


def _train_overtraining(seed, config) -> dict:
    """Train the run `run_overtraining` describes, from a checked `config`."""
    noise, smoothing = config["label_noise"], config["label_smoothing"]
    split = data.load_split(
        config["dataset"],
        n_train=config["n_train"],
        n_val=config["n_val"],
        n_test=config["n_test"],
        seed=seed,
    )
    rng = np.random.default_rng(seed)
    y_train, y_val = split.y_train, split.y_val
    if noise:
        y_train = _with_label_noise(y_train, noise, split.n_classes, rng)
        y_val = _with_label_noise(y_val, noise, split.n_classes, rng)
    keras.utils.set_random_seed(seed)
    if config["starved"]:
        model = starved_classifier(split.x_train.shape[1:], split.n_classes)
    else:
        model = convnet(split.x_train.shape[1:], split.n_classes, config["width"])
    if smoothing:  # only the one-hot loss smooths; the unsmoothed loss is kept as a metric
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)
        tracked = [keras.metrics.CategoricalCrossentropy(name="cross_entropy")]
        one_hot = np.eye(split.n_classes, dtype="float32")
        train_targets, val_targets = one_hot[y_train], one_hot[y_val]
    else:
        loss, tracked = "sparse_categorical_crossentropy", []
        train_targets, val_targets = y_train, y_val
    model.compile(
        optimizer=keras.optimizers.Adam(config["learning_rate"]),
        loss=loss,
        metrics=["accuracy", *tracked],
        steps_per_execution=config["steps_per_execution"],
    )
    train, val = _datasets(
        split.x_train, train_targets, split.x_val, val_targets, config["batch_size"], seed
    )
    recorder = ProbabilityRecorder(split.x_val, every=config["record_every"])
    test_recorder = ProbabilityRecorder(split.x_test, every=config["record_every"])
    callbacks = [recorder, test_recorder, _ProgressLog(config["log_every"], config["epochs"])]
    start = time.perf_counter()
    # shuffle=False: the training pipeline reshuffles itself every epoch, from the seed
    history = model.fit(
        train,
        validation_data=val,
        epochs=config["epochs"],
        shuffle=False,
        verbose=0,
        callbacks=callbacks,
    )
    seconds = time.perf_counter() - start
    run = {key: [float(v) for v in values] for key, values in history.history.items()}
    run.update(
        val_probabilities=recorder.probabilities,
        val_log_probabilities=recorder.log_probabilities,
        x_val=split.x_val,
        y_val=y_val,
        test_log_probabilities=test_recorder.log_probabilities,
        x_test=split.x_test,
        y_test=split.y_test,
        y_train=y_train,
        config=config,
        seconds=seconds,
        epoch_seconds=callbacks[-1].seconds,
    )
    return run


def _datasets(x_train, y_train, x_val, y_val, batch_size, seed):
    """Training and validation pipelines kept in memory, the training set reshuffled every epoch.

    Building them once, cached, spares `fit` from slicing NumPy arrays again on every epoch,
    which is most of an epoch's time for data this small.
    """
    import tensorflow as tf

    train = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .cache()
        .shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .prefetch(2)
    )
    val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(len(x_val)).cache()
    return train, val
