"""Both losses fall and the accuracy is stuck near 60%: three causes, told apart by experiment.

The data are `data.spirals`: three classes of points in the plane, whose best possible accuracy is
known exactly. Each of `CASES` shows the same symptom a different way:

- "the data allow no better": 40% of the labels are wrong, so no model can be right on more than
  60% of the points;
- "the model is too small": clean labels, but a linear classifier, which cannot follow a spiral;
- "training is too slow": clean labels and a network that could follow it, with a learning rate
  too low to get there in the epochs planned.

`experiment` trains a case for the planned epochs and `longer` times as long (one run: the curves
up to the planned epoch are those of a run that stopped there), and a bigger model for the planned
epochs. `diagnose` reads the results as a reader could with their own model: training against
validation accuracy, what longer training and a bigger model change, and an estimate of the best
accuracy the data allow.
"""

from __future__ import annotations

import itertools

import keras
import pandas as pd

from . import data, progress
from .runs import Run, as_run
from .training import in_memory_batches
from .validation import (
    check_count,
    check_fraction,
    check_label_noise,
    check_model_size,
    check_positive,
    check_real,
    check_seed,
    check_text,
)

__all__ = [
    "BIGGER",
    "CASES",
    "HELPS",
    "bayes_accuracy",
    "ceiling_estimate",
    "diagnose",
    "experiment",
    "mlp",
    "train",
]

#: The three causes of a stuck accuracy: the data (label noise), the model (its hidden layers) and
#: the training (its learning rate). Settings chosen on seeds 100 to 104, reported on 1000 to 1009
#: (benchmarks/plateau_seeds.py).
CASES = {
    "the data allow no better": {
        "twist": 0.0,  # straight arms, easy to learn even through the wrong labels
        "label_noise": 0.4,
        "hidden": (32, 32),
        "learning_rate": 0.01,
    },
    "the model is too small": {
        "twist": 0.7,
        "label_noise": 0.0,
        "hidden": (),
        "learning_rate": 0.01,
    },
    "training is too slow": {
        "twist": 0.7,
        "label_noise": 0.0,
        "hidden": (32, 32),
        "learning_rate": 3e-4,
    },
}

#: The bigger model tried in place of each model: a linear classifier gets two hidden layers, a
#: network of two layers of 32 units gets three of 128.
BIGGER = {(): (32, 32), (32, 32): (128, 128, 128)}

N_CLASSES = 3
SAMPLES = {"n_train": 2000, "n_val": 2000}
BATCH_SIZE = 128


def bayes_accuracy(label_noise, n_classes=N_CLASSES) -> float:
    """The best accuracy any classifier can reach on `data.spirals` with this `label_noise`."""
    n_classes = check_count(n_classes, "n_classes", low=2)
    return 1.0 - check_label_noise(label_noise, n_classes)


def _hidden(hidden) -> tuple[int, ...]:
    if not isinstance(hidden, tuple | list):
        raise ValueError(f"hidden must be a tuple of layer widths, () for none; got {hidden!r}")
    return tuple(check_count(units, "hidden") for units in hidden)


def mlp(hidden=(32, 32), n_features=2, n_classes=N_CLASSES, seed=0):
    """A softmax classifier with ReLU hidden layers of the widths in `hidden` (none: linear)."""
    hidden = _hidden(hidden)
    n_features = check_count(n_features, "n_features")
    n_classes = check_count(n_classes, "n_classes", low=2)
    widths = (n_features, *hidden, n_classes)
    weights = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    check_model_size(weights, "hidden, n_features and n_classes")
    keras.utils.set_random_seed(check_seed(seed))
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            *(keras.layers.Dense(units, activation="relu") for units in hidden),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )


def _data(twist, label_noise, seed):
    """Training and validation spirals for `seed`, drawn independently."""
    n_train, n_val = SAMPLES["n_train"], SAMPLES["n_val"]
    x, y = data.spirals(n_train + n_val, N_CLASSES, twist, label_noise, seed)
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def train(
    hidden=(32, 32), learning_rate=0.01, twist=0.7, label_noise=0.0, epochs=30, seed=0
) -> Run:
    """Train `mlp(hidden)` with Adam on spirals of `twist` and `label_noise`; return the `runs.Run`.

    Its history has `loss`, `accuracy`, `val_loss` and `val_accuracy`, as `fit` logs them; its
    config has the arguments.
    """
    config = {
        "hidden": _hidden(hidden),
        "learning_rate": check_positive(learning_rate, "learning_rate"),
        "twist": check_real(twist, "twist"),
        "label_noise": check_fraction(label_noise, "label_noise"),
        "epochs": check_count(epochs, "epochs"),
        "seed": check_seed(seed),
    }
    bayes_accuracy(label_noise)  # refuses a noise that leaves no class the likeliest
    (x, y), validation = _data(config["twist"], label_noise, seed)
    model = mlp(config["hidden"], seed=seed)
    model.compile(
        optimizer=keras.optimizers.Adam(config["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=16,
    )
    history = model.fit(  # shuffle=False: the training batches reshuffle themselves
        in_memory_batches(x, y, BATCH_SIZE, seed),
        epochs=epochs,
        shuffle=False,
        validation_data=in_memory_batches(*validation, BATCH_SIZE),
        verbose=0,
        callbacks=[progress.EpochProgress(f"MLP {config['hidden']}", epochs)],
    )
    return Run(history.history, y_val=validation[1], config=config)


def experiment(case, epochs=30, longer=4, seed=0) -> dict:
    """Train one of `CASES` for `epochs`, and on to `longer` times as many; and a bigger model.

    Returns {"run": the run of `longer * epochs` epochs, "bigger": the bigger model's run of
    `epochs`, "epochs": epochs, "case": case, "label_noise": its label noise}.
    """
    case = check_text(case, "case")
    if case not in CASES:
        raise ValueError(f"case must be one of {list(CASES)}; got {case!r}")
    epochs = check_count(epochs, "epochs", low=2)
    longer = check_count(longer, "longer", low=2)
    settings = CASES[case]
    bigger = {**settings, "hidden": BIGGER[settings["hidden"]]}
    return {
        "case": case,
        "epochs": epochs,
        "twist": settings["twist"],
        "label_noise": settings["label_noise"],
        "run": train(**settings, epochs=longer * epochs, seed=seed),
        "bigger": train(**bigger, epochs=epochs, seed=seed),
    }


def ceiling_estimate(twist, label_noise, seed=0, neighbours=50) -> float:
    """An estimate of the best possible accuracy that needs no network: the validation accuracy of
    a vote among the `neighbours` nearest training points (k nearest neighbours)."""
    from sklearn.neighbors import KNeighborsClassifier

    neighbours = check_count(neighbours, "neighbours")
    if neighbours > SAMPLES["n_train"]:
        raise ValueError(
            f"neighbours must be at most the {SAMPLES['n_train']} training points; got {neighbours}"
        )
    label_noise = check_fraction(label_noise, "label_noise")
    (x, y), (x_val, y_val) = _data(check_real(twist, "twist"), label_noise, check_seed(seed))
    return float(KNeighborsClassifier(neighbours).fit(x, y).score(x_val, y_val))


#: How much accuracy a change must add to count as helping: 3 points is 60 of the 2000 validation
#: points, several times the noise of a change between two models on the same points.
HELPS = 0.03


def diagnose(results, seed=0) -> pd.Series:
    """What a reader can measure about one `experiment`, and the cause it points to.

    The verdict checks, in order: does longer training help (the training is too slow)? does a
    bigger model help (the model is too small)? does the accuracy already reach the estimated
    ceiling (the data allow no better)?
    """
    keys = {"run", "bigger", "epochs", "twist", "label_noise"}
    if not isinstance(results, dict) or not keys <= set(results):
        raise ValueError(f"results must be what plateau.experiment returns, with {sorted(keys)}")
    run = as_run(results["run"], "results['run']")
    bigger = as_run(results["bigger"], "results['bigger']")
    epochs = check_count(results["epochs"], "results['epochs']")
    twist = check_real(results["twist"], "results['twist']")
    label_noise = check_label_noise(results["label_noise"], N_CLASSES, "results['label_noise']")
    if epochs > run.epochs:
        raise ValueError(
            f"results['epochs'] (the planned epochs, {epochs}) must be at most the "
            f"{run.epochs} epochs of results['run']"
        )
    row = {
        "training accuracy": float(run.accuracy[epochs - 1]),
        "validation accuracy": float(run.val_accuracy[epochs - 1]),
        "training loss fell by": float(run.loss[0] - run.loss[epochs - 1]),
        "validation loss fell by": float(run.val_loss[0] - run.val_loss[epochs - 1]),
        "after longer training": float(run.val_accuracy[-1]),
        "bigger model": float(bigger.val_accuracy[-1]),
        "ceiling estimate": ceiling_estimate(twist, label_noise, seed),
        "best possible": bayes_accuracy(label_noise),
    }
    now = row["validation accuracy"]
    if row["after longer training"] - now >= HELPS:
        verdict = "training is too slow"
    elif row["bigger model"] - now >= HELPS:
        verdict = "the model is too small"
    elif row["ceiling estimate"] - now < HELPS:
        verdict = "the data allow no better"
    else:
        verdict = "undecided"
    row["verdict"] = verdict
    return pd.Series(row, name=results.get("case"))
