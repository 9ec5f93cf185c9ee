"""The over-training experiment: a small ConvNet trained far past its best validation loss.

- `OVERTRAINING`: the chapter's configuration, and `RISING`, the second regime's changes to it;
- `run_overtraining` trains it (or a variant) and returns a `runs.Run` holding History's curves,
  the predictions of every epoch, the seed and the settings; `run_overtraining_many` trains several
  seeds of several variants side by side;
- `convnet`: the model it trains;
- `keras_history`: the same training validated by Keras' own `fit(validation_data=...)`, the
  reference a run's `History` is checked against.

Runs train in worker processes, one per core (see `workers`), and when the environment variable
`LOSSACC_RUN_CACHE` names a folder, each run is trained once and kept there (see `run_cache`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping

import keras
import numpy as np

from . import data, progress, run_cache, workers
from .recording import ValidationRecorder
from .runs import Run
from .training import in_memory_batches
from .validation import (
    MAX_EPOCHS,
    check_count,
    check_fraction,
    check_label_noise,
    check_model_size,
    check_rate,
    check_seed,
)

__all__ = [
    "OVERTRAINING",
    "RISING",
    "convnet",
    "keras_history",
    "run_overtraining",
    "run_overtraining_many",
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
    "dropout": 0.0,  # share of units dropped in training, after the pooling and the dense layer
    "weight_decay": 0.0,  # > 0: AdamW, shrinking each weight by this x the learning rate a step
    "record_every": 1,  # record the predictions every this many epochs (0: only those below)
    # and always at the last epoch and wherever the validation loss or accuracy reaches a new
    # best, so that early stopping on either, with any patience, finds its epoch recorded
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


def _convnet_weights(input_shape, n_classes, width) -> int:
    """How many weights `convnet(input_shape, n_classes, width)` has, counted without building."""
    height, across, channels = input_shape
    first, second, dense = 16 * width, 32 * width, 64 * width
    return (
        (9 * channels + 1) * first
        + (9 * first + 1) * second
        + ((height // 2) * (across // 2) * second + 1) * dense
        + (dense + 1) * n_classes
    )


def convnet(input_shape, n_classes, width=1, dropout=0.0):
    """A small ConvNet: two 3x3 convolutions, max-pooling, a dense layer, a softmax output.

    `input_shape` is (height, width, channels); `width` multiplies the numbers of filters and
    units; with `dropout` > 0, that share of the units is dropped in training after the pooling
    and after the dense layer.
    """
    input_shape = _image_shape(input_shape, smallest=2)  # max-pooling halves height and width
    n_classes = check_count(n_classes, "n_classes", low=2)
    width = check_count(width, "width")
    dropout = _check_dropout(dropout)
    check_model_size(
        _convnet_weights(input_shape, n_classes, width), "input_shape, width and n_classes"
    )
    dropped = [keras.layers.Dropout(dropout)] if dropout else []
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(16 * width, 3, padding="same", activation="relu"),
            keras.layers.Conv2D(32 * width, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            *dropped,
            keras.layers.Dense(64 * width, activation="relu"),
            *dropped,
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )


def _check_dropout(dropout) -> float:
    dropout = check_fraction(dropout, "dropout")
    if dropout == 1:
        raise ValueError("dropout must be below 1; with 1 every unit would be dropped")
    return dropout


def _name(seed: int, config: dict) -> str:
    """What a run's progress line calls it: its seed, and the settings it changes."""
    changed = [
        f"{name}={value}"
        for name, value in config.items()
        if name not in ("log_every", "epochs") and OVERTRAINING.get(name, value) != value
    ]
    return f"ConvNet seed {seed}" + (f" ({', '.join(changed)})" if changed else "")


def run_overtraining(seed=0, **overrides) -> Run:
    """Train the chapter's ConvNet far past its best validation loss; return the `runs.Run`.

    The configuration is `OVERTRAINING` updated with `overrides`. The run's `history` holds the
    per-epoch curves `loss`, `accuracy`, `val_loss` and `val_accuracy` as Keras' `History` does;
    `val_log_probabilities` maps every recorded epoch to the log-probabilities of every validation
    sample, computed from the logits as Keras' `val_loss` is; `x_val`, `y_val` and `y_train` are the
    data as used (after any label noise); the held-out `x_test`, `y_test` and
    `test_log_probabilities` are recorded at the last epoch and wherever the validation loss or
    accuracy reached a new best (see `recording.ValidationRecorder`); `seconds` is the time `fit`
    took and `epoch_seconds` the time since training began at the end of every epoch; `seed` and
    `config` say which run it is. With `label_smoothing`, the history also has `cross_entropy` and
    `val_cross_entropy`, the plain cross-entropy. The same seed and settings
    give the same run, bit for bit, on one machine. With `LOSSACC_RUN_CACHE` set, a run trained
    before is handed back instead (see `run_cache`).
    """
    seed = check_seed(seed)
    config = _checked_config(overrides)
    return _train_all([(seed, config)])[0]


def run_overtraining_many(variants, seeds) -> dict[str, list[Run]]:
    """Train every seed of `seeds` with each variant of `variants`, side by side; return, for each
    variant's name, its runs in the order of `seeds`.

    `variants` maps a name to the settings that variant changes (as `run_overtraining` takes them),
    such as ``{"as in the chapter": {}, "dropout": {"dropout": 0.3}}``. Each run is the run
    `run_overtraining` gives for its seed and settings; training them together only keeps every
    core busy.
    """
    if not isinstance(variants, Mapping) or not variants:
        raise TypeError(
            f"variants must map a name to the settings it changes, such as {{'chapter': {{}}}}; "
            f"got {variants!r}"
        )
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise TypeError(f"seeds must be a list of seeds, such as range(5); got {seeds!r}")
    seeds = [check_seed(seed, f"seeds[{i}]") for i, seed in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    twice = sorted({seed for seed in seeds if seeds.count(seed) > 1})
    if twice:  # the same run, trained twice
        raise ValueError(f"seeds must be distinct; {twice[0]} is given more than once")
    requests = []
    for name, overrides in variants.items():
        if not isinstance(name, str):
            raise TypeError(f"variants must be named by text; got the name {name!r}")
        if not isinstance(overrides, Mapping):
            raise TypeError(f"variants[{name!r}] must map settings to values; got {overrides!r}")
        try:
            config = _checked_config(dict(overrides))
        except (TypeError, ValueError) as error:  # named by the variant it is in, too
            raise type(error)(f"variants[{name!r}]: {error}") from None
        requests += [(seed, config) for seed in seeds]
    runs = iter(_train_all(requests))
    return {name: [next(runs) for _ in seeds] for name in variants}


def _train_all(requests: list[tuple[int, dict]]) -> list[Run]:
    """The runs for (seed, checked configuration) `requests`: kept ones from the run cache, the
    others trained in the workers (and kept)."""
    where, key = run_cache.folder(), run_cache.fingerprint()
    runs, jobs, missing = [None] * len(requests), [], []
    for i, (seed, config) in enumerate(requests):
        settings = _settings(config)
        if where and run_cache.keeper(_train, where, _NOT_IN_KEY).check_call_in_cache(
            seed, settings, key
        ):
            run = run_cache.keeper(_train, where, _NOT_IN_KEY)(seed, settings, key)
            name = _name(seed, config)
            progress.replay(name, config["log_every"], run.history, run.epoch_seconds, run.seconds)
            runs[i] = dataclasses.replace(run, config=config)
        else:
            arguments = (seed, settings, key, config["log_every"], where)
            jobs.append((_train_kept, arguments, _name(seed, config), config["epochs"]))
            missing.append(i)
    for i, run in zip(missing, workers.run_all(jobs), strict=True):
        progress.trained(_name(*requests[i]), run.epochs, run.seconds)
        runs[i] = dataclasses.replace(run, config=requests[i][1])
    return runs


#: The arguments of `_train` that do not change the run, and so are not part of the cache's key.
_NOT_IN_KEY = ("log_every",)


def _settings(config: dict) -> dict:
    """What makes the run: the configuration without `log_every`, which only prints."""
    return {name: value for name, value in config.items() if name != "log_every"}


def _train_kept(seed, settings, key, log_every, where) -> Run:
    """In a worker: train the run (and keep it, when `where` names the run cache's folder)."""
    if not where:
        return _train(seed, settings, key, log_every=log_every)
    kept = run_cache.keeper(_train, where, _NOT_IN_KEY)
    with run_cache.held(where, seed, settings, key):
        if kept.check_call_in_cache(seed, settings, key):  # kept by another kernel meanwhile
            return kept(seed, settings, key)
        run = kept(seed, settings, key, log_every=log_every)
        run_cache.log_trained(where, f"seed {seed} {settings}")  # no model is trained twice
    return run


def keras_history(seed=0, **overrides) -> dict:
    """The `History` of the run `run_overtraining(seed, **overrides)` trains, with its validation
    done by Keras itself (`fit(validation_data=...)`) instead of by the run's own forward pass;
    trained in a worker, as every run is. A run's history must equal it, bit for bit."""
    seed = check_seed(seed)
    config = _checked_config(overrides)
    return workers.call(_keras_history, seed, _settings(config))


def _keras_history(seed, config) -> dict:
    import tensorflow as tf

    made = _compiled(seed, config)
    model, split, (train_targets, val_targets) = made["model"], made["split"], made["targets"]
    train = in_memory_batches(split.x_train, train_targets, config["batch_size"], seed)
    val = tf.data.Dataset.from_tensor_slices((split.x_val, val_targets)).batch(len(split.x_val))
    history = model.fit(
        train, validation_data=val, epochs=config["epochs"], shuffle=False, verbose=0
    )
    return history.history


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
    for name in ("n_train", "n_val", "n_test", "batch_size", "steps_per_execution"):
        config[name] = check_count(config[name], name)
    config["epochs"] = check_count(config["epochs"], "epochs", high=MAX_EPOCHS)
    config["width"] = check_count(config["width"], "width")
    dataset = config["dataset"]  # the model's size, checked before any worker starts
    shape, n_classes = data.IMAGE_SHAPES[dataset], data.N_CLASSES[dataset]
    check_model_size(_convnet_weights(shape, n_classes, config["width"]), "width")
    config["record_every"] = check_count(config["record_every"], "record_every", low=0)
    config["log_every"] = check_count(config["log_every"], "log_every", low=0)
    for name in ("label_noise", "val_label_noise", "label_smoothing"):
        config[name] = check_fraction(config[name], name)
    config["dropout"] = _check_dropout(config["dropout"])
    config["weight_decay"] = check_rate(config["weight_decay"], "weight_decay", positive=False)
    for name in ("label_noise", "val_label_noise"):  # the true label must stay the likeliest
        check_label_noise(config[name], n_classes, name)
    if config["label_noise"] and config["val_label_noise"]:
        raise ValueError(
            "give label_noise (training and validation labels) or val_label_noise (validation "
            f"labels only), not both; got {config['label_noise']} and {config['val_label_noise']}"
        )
    config["learning_rate"] = check_rate(config["learning_rate"], "learning_rate")
    data.check_split_sizes(config["dataset"], config["n_train"], config["n_val"], config["n_test"])
    return config


def _with_label_noise(labels, share, n_classes, rng):
    """Replace a `share` of the labels by a different class drawn at random."""
    labels = labels.copy()
    flipped = rng.choice(len(labels), size=round(share * len(labels)), replace=False)
    labels[flipped] = (labels[flipped] + rng.integers(1, n_classes, len(flipped))) % n_classes
    return labels


def _compiled(seed, config) -> dict:
    """The run's data (after any label noise) and its model, compiled: what `_train` and
    `_keras_history` both start from."""
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
    keras.backend.clear_session()  # a worker trains many models: start each one afresh
    keras.utils.set_random_seed(seed)
    model = convnet(split.x_train.shape[1:], split.n_classes, config["width"], config["dropout"])
    targets = (y_train, y_val)
    if smoothing:  # only the one-hot loss smooths; the unsmoothed loss is kept as a metric
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)
        tracked = [keras.metrics.CategoricalCrossentropy(name="cross_entropy")]
        one_hot = np.eye(split.n_classes, dtype="float32")
        targets = (one_hot[y_train], one_hot[y_val])
    else:
        loss, tracked = "sparse_categorical_crossentropy", []
    if config["weight_decay"]:
        optimizer = keras.optimizers.AdamW(config["learning_rate"], config["weight_decay"])
    else:
        optimizer = keras.optimizers.Adam(config["learning_rate"])
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=["accuracy", *tracked],
        steps_per_execution=config["steps_per_execution"],
    )
    return {"model": model, "split": split, "labels": (y_train, y_val), "targets": targets}


class _Report(keras.callbacks.Callback):
    """Keep the time since training began at the end of every epoch, and report the epoch (and,
    every `every` epochs, a line of its validation numbers) to the process that asked for it."""

    def __init__(self, every, epochs):
        super().__init__()
        self.every, self.epochs, self.start = every, epochs, time.perf_counter()
        self.seconds = []

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start
        self.seconds.append(seconds)
        workers.report_epoch(epoch + 1, seconds)
        line = progress.epoch_line(
            epoch + 1, self.every, self.epochs, logs["val_loss"], logs["val_accuracy"], seconds
        )
        if line:
            workers.report_line(line)


class _StopWhenDiverged(keras.callbacks.Callback):
    """Stop training after the first batch whose loss is NaN or infinite, as Keras'
    `TerminateOnNaN` does, without its printed line: `_check_finite` says what happened."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            self.model.stop_training = True


def _check_finite(history: dict, recorded: dict, name: str, config: dict) -> None:
    """Refuse the run `name` if it diverged, its weights grown beyond float32: at some epoch its
    training loss is not a number, or its validation predictions are no log-probabilities."""
    losses = np.asarray(history["loss"], dtype=float)
    bad = [int(e) for e in np.flatnonzero(~np.isfinite(losses)) + 1]
    bad += [epoch for epoch, log_p in recorded.items() if not np.isfinite(log_p).all()]
    if bad:
        raise ValueError(
            f"{name} diverged at epoch {min(bad)}: its weights outgrew float32 (a training loss "
            f"of {losses[min(bad) - 1]}); a smaller learning_rate (it is "
            f"{config['learning_rate']}) or weight_decay ({config['weight_decay']}) keeps them "
            "finite"
        )


def _train(seed, config, fingerprint="", log_every=0) -> Run:
    """Train the run `run_overtraining` describes, from a checked `config` (without `log_every`).

    `fingerprint` is not used here: it is part of the cache's key (see `run_cache.fingerprint`).
    """
    made = _compiled(seed, config)
    model, split = made["model"], made["split"]
    y_train, y_val = made["labels"]
    train = in_memory_batches(split.x_train, made["targets"][0], config["batch_size"], seed)
    validation = ValidationRecorder(
        split.x_val, y_val, split.x_test, config["record_every"], config["label_smoothing"]
    )
    report = _Report(log_every, config["epochs"])
    start = time.perf_counter()
    # shuffle=False: the training pipeline reshuffles itself every epoch, from the seed
    history = model.fit(
        train,
        epochs=config["epochs"],
        shuffle=False,
        verbose=0,
        callbacks=[validation, report, _StopWhenDiverged()],
    )
    seconds = time.perf_counter() - start
    _check_finite(history.history, validation.val_log_probabilities, _name(seed, config), config)
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
        epoch_seconds=report.seconds,
        seed=seed,
    )
