"""The over-training experiment: a small ConvNet trained far past its best validation loss.

- `OVERTRAINING`: the chapter's configuration; `run_overtraining` trains it (or a variant) and
  returns a `runs.Run` holding History's curves and the predictions of every epoch;
- `convnet`: the model it trains;
- `ProbabilityRecorder`: the callback that records what the model predicts on every epoch.

When the environment variable `LOSSACC_RUN_CACHE` names a folder, `run_overtraining` keeps every
run it trains there (with joblib's `Memory`) and hands back the kept run when asked for the same one
again, so that two chapters built one after the other train a model once. The key is the seed, the
configuration, the source of this package and the versions of Keras and TensorFlow; the book's
build sets the variable.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import keras
import numpy as np

from . import data, metrics, progress
from .fingerprint import source_digest
from .runs import Run
from .training import in_memory_batches
from .validation import (
    as_array,
    check_count,
    check_fraction,
    check_model_size,
    check_positive,
    check_seed,
)

__all__ = [
    "OVERTRAINING",
    "RISING",
    "RUN_CACHE",
    "ProbabilityRecorder",
    "convnet",
    "run_overtraining",
]

#: The over-training chapter's configuration: `run_overtraining` uses it unless told otherwise.
OVERTRAINING = {
    # Chosen on seeds 100 to 109 among a few variants (benchmarks/overtraining_seeds.py), then
    # reported on seeds 2000 to 2019, which played no part in the choice.
    "dataset": "digits",  # scikit-learn's 8x8 digits: shipped with the package, no download
    "n_train": 200,  # few training samples, so the network memorises them within a few epochs
    "n_val": 1000,  # many, so that an accuracy change of one point is 10 images, not 5
    "n_test": 400,  # held out: never trained on, never used to choose anything
    "epochs": 400,  # far past the best validation loss, reached in 5 to 20 epochs
    "batch_size": 16,  # 13 steps an epoch: the weights, and the mistakes' confidence, keep growing
    "learning_rate": 0.01,  # large for Adam: mistakes grow confident within the run
    "width": 1,  # filters and units multiplied by this
    "label_noise": 0.0,  # share of training and validation labels replaced by a wrong class
    "val_label_noise": 0.0,  # share of validation labels only, as the label errors of test sets
    "label_smoothing": 0.0,  # a > 0: train on targets y (1 - a) + a / K
    "record_every": 1,  # record the validation probabilities every this many epochs
    "steps_per_execution": 10,  # run 10 training steps per call into TensorFlow
    "log_every": 0,  # print a progress line every this many epochs (0: only at the end)
}

#: The second regime, where the validation accuracy keeps rising while the validation loss rises:
#: `OVERTRAINING` with these settings changed (`run_overtraining(seed, **RISING)`). Chosen on seeds
#: 100 to 109, reported on 3000 to 3019 (benchmarks/overtraining_seeds.py --regime rising).
RISING = {
    "val_label_noise": 0.1,  # a tenth of the validation labels wrong: no model should get them
    "learning_rate": 0.001,  # slower learning: the accuracy's rise spreads over tens of epochs
    "epochs": 150,
}

#: The environment variable naming the folder where `run_overtraining` keeps its runs.
RUN_CACHE = "LOSSACC_RUN_CACHE"


def _image_shape(input_shape, smallest: int = 1) -> tuple[int, int, int]:
    """(height, width, channels), whole numbers of at least 1 (height and width >= smallest)."""
    if not isinstance(input_shape, list | tuple) or len(input_shape) != 3:
        raise ValueError(
            f"input_shape must be (height, width, channels) of the images; got {input_shape!r}"
        )
    height, width, channels = (check_count(v, "input_shape") for v in input_shape)
    if min(height, width) < smallest:
        raise ValueError(
            f"input_shape must have a height and width of at least {smallest}; got {input_shape!r}"
        )
    return height, width, channels


def convnet(input_shape, n_classes, width=1):
    """A small ConvNet: two 3x3 convolutions, max-pooling, a dense layer, a softmax output.

    `input_shape` is (height, width, channels); `width` multiplies the numbers of filters and
    units.
    """
    input_shape = _image_shape(input_shape, smallest=2)  # max-pooling halves height and width
    n_classes = check_count(n_classes, "n_classes", low=2)
    width = check_count(width, "width")
    height, across, channels = input_shape
    first, second, dense = 16 * width, 32 * width, 64 * width
    weights = (
        (9 * channels + 1) * first
        + (9 * first + 1) * second
        + ((height // 2) * (across // 2) * second + 1) * dense
        + (dense + 1) * n_classes
    )
    check_model_size(weights, "input_shape, width and n_classes")
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


def _softmax_features(model):
    """A model from `model`'s input to what its last layer takes in, when that layer is a softmax
    Dense layer (whose logits are then its kernel and bias applied to it); None otherwise.

    What the last layer takes in is the model's input itself when it is the only layer (softmax
    regression), and not always the output of the layer listed before it in a functional model.
    """
    last = model.layers[-1] if model.layers else None
    if isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax:
        return keras.Model(model.inputs[0], last.input)
    return None


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
        self.x = as_array(x, "x").astype("float32")
        self.every = check_count(every, "every")
        self.log_probabilities, self.probabilities = {}, {}
        self._features = None

    def on_train_begin(self, logs=None):
        self._features = _softmax_features(self.model)

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


class _Validation(keras.callbacks.Callback):
    """Validate after every epoch as `fit(validation_data=...)` does, and record predictions.

    One forward pass with `training=False` over the validation and test samples together gives the
    logits. From the validation part come the numbers Keras' own validation would put in `History`,
    by the same Keras functions on the same logits: `val_loss` (the compiled loss, unclipped as
    Keras computes it inside a model whose output is a softmax), `val_accuracy`, and with label
    smoothing `val_cross_entropy`. Every `every`-th epoch, the log-probabilities of both parts are
    kept. Keras' validation would otherwise make the validation samples' forward pass a second time.
    """

    def __init__(self, x_val, y_val, x_test, every, label_smoothing):
        super().__init__()
        self.x = np.concatenate([x_val, x_test])
        self.y_val, self.n_val = np.asarray(y_val), len(x_val)
        self.every, self.label_smoothing = every, label_smoothing
        self.val_log_probabilities, self.test_log_probabilities = {}, {}

    def on_train_begin(self, logs=None):
        import tensorflow as tf

        last, features = self.model.layers[-1], _softmax_features(self.model)
        if features is None:
            raise ValueError("the model must end in a softmax Dense layer, whose logits are read")
        x, y = tf.constant(self.x), tf.constant(self.y_val)
        ops, losses, smoothing = keras.ops, keras.losses, self.label_smoothing

        @tf.function  # one compiled pass: eager execution would take twice as long
        def validate():
            logits = ops.matmul(features(x, training=False), last.kernel) + last.bias
            val = logits[: self.n_val]
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
            return results, ops.log_softmax(logits, axis=-1)

        self._validate = validate

    def on_epoch_end(self, epoch, logs=None):
        results, log_p = self._validate()
        penalties = sum(float(penalty) for penalty in self.model.losses)  # evaluate() adds them
        logs["val_loss"] = float(results.pop("val_loss")) + penalties
        n = np.float32(self.n_val)  # a metric is a float32 total over a float32 count, in Keras
        logs.update({name: float(np.float32(total) / n) for name, total in results.items()})
        if (epoch + 1) % self.every == 0:
            log_p = keras.ops.convert_to_numpy(log_p).astype(np.float64)
            self.val_log_probabilities[epoch + 1] = log_p[: self.n_val]
            self.test_log_probabilities[epoch + 1] = log_p[self.n_val :]


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


def _name(seed: int, config: dict) -> str:
    """What a run's progress line calls it: its seed, and the settings it changes."""
    changed = [
        f"{name}={value}"
        for name, value in config.items()
        if name not in ("log_every", "epochs") and OVERTRAINING.get(name, value) != value
    ]
    return f"ConvNet seed {seed}" + (f" ({', '.join(changed)})" if changed else "")


def _print_progress(run: Run, every: int, seed: int) -> None:
    """Print the progress lines a kept run printed, or would have printed with `every`, and show
    (in a notebook) the line that sums up its training."""
    for epoch in range(1, run.epochs + 1):
        line = _progress_line(
            epoch,
            every,
            run.epochs,
            run.val_loss[epoch - 1],
            run.val_accuracy[epoch - 1],
            run.epoch_seconds,
        )
        if line:
            print(line, flush=True)
    progress.trained(_name(seed, run.config), run.epochs, run.seconds)


def run_overtraining(seed=0, **overrides) -> Run:
    """Train the chapter's ConvNet far past its best validation loss; return the `runs.Run`.

    The configuration is `OVERTRAINING` updated with `overrides`. The run's `history` holds the
    per-epoch curves `loss`, `accuracy`, `val_loss` and `val_accuracy` as Keras' `History` does;
    `val_log_probabilities` maps every recorded epoch to the log-probabilities of every validation
    sample, computed from the logits as Keras' `val_loss` is; `x_val`, `y_val` and `y_train` are the
    data as used (after any label noise); the held-out `x_test`, `y_test` and
    `test_log_probabilities` are recorded like the validation ones; `seconds` is the time `fit`
    took and `epoch_seconds` the time since training began at the end of every epoch. With
    `label_smoothing`, the history also has `cross_entropy` and `val_cross_entropy`, unsmoothed.
    The same seed gives the same run on one machine. With `LOSSACC_RUN_CACHE` set, a run trained
    before is handed back instead (see the module's docstring).
    """
    seed = check_seed(seed)
    config = _checked_config(overrides)
    settings = {name: value for name, value in config.items() if name != "log_every"}
    folder = os.environ.get(RUN_CACHE)
    if not folder:
        run = _train(seed, settings, log_every=config["log_every"])
    else:
        import joblib

        train = joblib.Memory(folder, verbose=0).cache(_train, ignore=["log_every"])
        key = (seed, settings, _fingerprint())
        if train.check_call_in_cache(*key):
            run = train(*key)
            _print_progress(run, config["log_every"], seed)
        else:
            run = train(*key, log_every=config["log_every"])
            with (Path(folder) / "trained.log").open("a") as log:  # no model is trained twice
                log.write(f"seed {seed} {settings}\n")
    return dataclasses.replace(run, config=config)


#: The modules a trained run depends on: this one and what it imports from the package. Editing
#: any other (a figure, say) keeps the kept runs.
RUN_SOURCES = (
    "overtraining.py",
    "data.py",
    "metrics.py",
    "progress.py",
    "runs.py",
    "training.py",
    "validation.py",
    "fingerprint.py",
)


def _fingerprint() -> str:
    """What a kept run depends on besides its settings: the modules that train it and the Keras
    it ran on."""
    import tensorflow as tf

    here = Path(__file__).parent
    return source_digest(here, keras.__version__, tf.__version__, only=RUN_SOURCES)


def _checked_config(overrides) -> dict:
    """`OVERTRAINING` updated with `overrides`, each setting checked."""
    unknown = set(overrides) - set(OVERTRAINING)
    if unknown:
        raise ValueError(
            f"unknown settings {sorted(unknown)}; the settings are {sorted(OVERTRAINING)}"
        )
    config = {**OVERTRAINING, **overrides}
    if not isinstance(config["dataset"], str) or config["dataset"] not in data.DATASETS:
        raise ValueError(f"dataset must be one of {data.DATASETS}; got {config['dataset']!r}")
    for name in ("n_train", "n_val", "n_test", "epochs", "batch_size", "steps_per_execution"):
        config[name] = check_count(config[name], name)
    config["width"] = check_count(config["width"], "width")
    config["record_every"] = check_count(config["record_every"], "record_every")
    config["log_every"] = check_count(config["log_every"], "log_every", low=0)
    for name in ("label_noise", "val_label_noise", "label_smoothing"):
        config[name] = check_fraction(config[name], name)
    for name in ("label_noise", "val_label_noise"):
        if config[name] == 1:
            raise ValueError(f"{name} must be below 1; with 1 no label would be right")
    if config["label_noise"] and config["val_label_noise"]:
        raise ValueError(
            "give label_noise (training and validation labels) or val_label_noise (validation "
            f"labels only), not both; got {config['label_noise']} and {config['val_label_noise']}"
        )
    config["learning_rate"] = check_positive(config["learning_rate"], "learning_rate")
    return config


def _with_label_noise(labels, share, n_classes, rng):
    """Replace a `share` of the labels by a different class drawn at random."""
    labels = labels.copy()
    flipped = rng.choice(len(labels), size=round(share * len(labels)), replace=False)
    labels[flipped] = (labels[flipped] + rng.integers(1, n_classes, len(flipped))) % n_classes
    return labels


def _train(seed, config, fingerprint="", log_every=0) -> Run:
    """Train the run `run_overtraining` describes, from a checked `config` (without `log_every`).

    `fingerprint` is not used here: it is part of the cache's key (see `_fingerprint`).
    """
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
    if config["val_label_noise"]:
        y_val = _with_label_noise(y_val, config["val_label_noise"], split.n_classes, rng)
    keras.utils.set_random_seed(seed)
    model = convnet(split.x_train.shape[1:], split.n_classes, config["width"])
    if smoothing:  # only the one-hot loss smooths; the unsmoothed loss is kept as a metric
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)
        tracked = [keras.metrics.CategoricalCrossentropy(name="cross_entropy")]
        one_hot = np.eye(split.n_classes, dtype="float32")
        train_targets = one_hot[y_train]
    else:
        loss, tracked = "sparse_categorical_crossentropy", []
        train_targets = y_train
    model.compile(
        optimizer=keras.optimizers.Adam(config["learning_rate"]),
        loss=loss,
        metrics=["accuracy", *tracked],
        steps_per_execution=config["steps_per_execution"],
    )
    train = in_memory_batches(split.x_train, train_targets, config["batch_size"], seed)
    validation = _Validation(split.x_val, y_val, split.x_test, config["record_every"], smoothing)
    callbacks = [
        validation,
        progress.EpochProgress(_name(seed, config), config["epochs"]),
        _ProgressLog(log_every, config["epochs"]),
    ]
    start = time.perf_counter()
    # shuffle=False: the training pipeline reshuffles itself every epoch, from the seed
    history = model.fit(
        train, epochs=config["epochs"], shuffle=False, verbose=0, callbacks=callbacks
    )
    seconds = time.perf_counter() - start
    return Run(
        history=history.history,
        y_val=y_val,
        val_log_probabilities=validation.val_log_probabilities,
        x_val=split.x_val,
        y_test=split.y_test,
        test_log_probabilities=validation.test_log_probabilities,
        x_test=split.x_test,
        y_train=y_train,
        config={**config, "log_every": log_every},
        seconds=seconds,
        epoch_seconds=callbacks[-1].seconds,
    )
