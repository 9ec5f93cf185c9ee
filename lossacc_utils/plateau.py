"""Both losses fall and the accuracy is stuck: five causes, told apart by experiment.

Each of `CASES` shows the symptom a different way. The first three use `data.spirals`, three
classes of points in the plane whose best possible accuracy is known exactly, and are stuck near
60%:

- "the data allow no better": 40% of the labels are wrong, so no model can be right on more than
  60% of the points;
- "the model is too small": clean labels, but a linear classifier, which cannot follow a spiral;
- "training is too slow": clean labels and a network that could follow it, with a learning rate
  too low to get there in the epochs planned.

The last two use real images, scikit-learn's 8x8 digits, and are stuck at a number that says
nothing about the digits:

- "the classes are imbalanced": is the digit a zero? Nine images in ten say no, and the accuracy
  sits at that share while the network learns the shares;
- "the metric does not fit the labels": the ten digits' labels given to one sigmoid unit with
  binary cross-entropy, which Keras accepts; the loss falls without end and the accuracy, which
  Keras made `BinaryAccuracy`, counts something else.

`experiment` trains a case for the planned epochs and `longer` times as long (one run: the curves
up to the planned epoch are those of a run that stopped there), and a bigger model for the planned
epochs. `diagnose` reads the results as a reader could with their own model: whether the labels
fit the output and its metric, the accuracy against the share of the most common class, training
against validation accuracy, what longer training and a bigger model change, and an estimate of
the best accuracy the data allow.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Mapping

import keras
import numpy as np
import pandas as pd

from . import data, progress, resolution, workers
from .contracts import Count, LabelNoise, takes
from .prose import readable as readable_number
from .runs import Run, as_run
from .training import in_memory_batches
from .validation import (
    MAX_EPOCHS,
    check_choice,
    check_columns,
    check_count,
    check_fraction,
    check_label_noise,
    check_model_size,
    check_rate,
    check_real,
    check_seed,
    check_text,
)

__all__ = [
    "BIGGER",
    "CASES",
    "DATASETS",
    "HELPS",
    "OUTPUTS",
    "bayes_accuracy",
    "ceiling_estimate",
    "check_experiment",
    "diagnose",
    "experiment",
    "experiments",
    "mlp",
    "readable",
    "train",
]

#: The five causes of a stuck accuracy. On spirals: the data (label noise), the model (its hidden
#: layers) and the training (its learning rate); on real images: imbalanced classes, and labels
#: that do not fit the output. Settings chosen on seeds 100 to 104, reported on 1000 to 1009
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
    # real images; settings chosen on seeds 100 to 104, reported on 1000 to 1009
    "the classes are imbalanced": {
        "dataset": "digits: zero or not",  # one image in ten is a zero
        "hidden": (32, 32),
        "learning_rate": 1e-4,  # slow enough to learn the shares first, and little else
    },
    "the metric does not fit the labels": {
        "dataset": "digits",
        "output": "one sigmoid unit",  # binary cross-entropy on labels 0 to 9
        "hidden": (32, 32),
        "learning_rate": 0.01,
    },
}

#: The cases on spirals, whose best possible accuracy is known, and those on real images.
ON_SPIRALS = tuple(case for case, s in CASES.items() if s.get("dataset", "spirals") == "spirals")
ON_DIGITS = tuple(case for case in CASES if case not in ON_SPIRALS)

#: The data sets a case can use: `data.spirals`, scikit-learn's digits (flattened to 64
#: features), or the same digits labelled 1 for a zero and 0 for any other digit.
DATASETS = ("spirals", "digits", "digits: zero or not")

#: The outputs a model can have: a softmax over the classes, trained with sparse categorical
#: cross-entropy, or one sigmoid unit, trained with binary cross-entropy.
OUTPUTS = ("softmax", "one sigmoid unit")

#: The bigger model tried in place of each model: a linear classifier gets two hidden layers, a
#: network of two layers of 32 units gets three of 128.
BIGGER = {(): (32, 32), (32, 32): (128, 128, 128)}

N_CLASSES = 3
SAMPLES = {"n_train": 2000, "n_val": 2000}
DIGIT_SAMPLES = {"n_train": 1000, "n_val": 700}
BATCH_SIZE = 128


@takes(n_classes=Count(low=2), label_noise=LabelNoise(classes="n_classes"))
def bayes_accuracy(label_noise, n_classes=N_CLASSES) -> float:
    """The best accuracy any classifier can reach on `data.spirals` with this `label_noise`."""
    return 1.0 - label_noise


def _hidden(hidden) -> tuple[int, ...]:
    if not isinstance(hidden, tuple | list):
        raise ValueError(f"hidden must be a tuple of layer widths, () for none; got {hidden!r}")
    return tuple(check_count(units, "hidden") for units in hidden)


def mlp(hidden=(32, 32), n_features=2, n_classes=N_CLASSES, seed=0, output="softmax"):
    """A classifier with ReLU hidden layers of the widths in `hidden` (none: linear) and a softmax
    over `n_classes`, or with `output="one sigmoid unit"`, one sigmoid unit."""
    hidden = _hidden(hidden)
    n_features = check_count(n_features, "n_features")
    n_classes = check_count(n_classes, "n_classes", low=2)
    output = _output(output)
    units = n_classes if output == "softmax" else 1
    widths = (n_features, *hidden, units)
    weights = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    check_model_size(weights, "hidden, n_features and n_classes")
    keras.utils.set_random_seed(check_seed(seed))
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            *(keras.layers.Dense(width, activation="relu") for width in hidden),
            keras.layers.Dense(units, activation="softmax" if units > 1 else "sigmoid"),
        ]
    )


def _output(output) -> str:
    if not isinstance(output, str) or output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}; got {output!r}")
    return output


def _dataset(dataset) -> str:
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}")
    return dataset


def _data(twist, label_noise, seed, dataset="spirals"):
    """Training and validation samples of `dataset` for `seed`, and the number of classes; a
    `label_noise` that leaves no class the likeliest, or any off the spirals, is refused."""
    bayes_accuracy(label_noise)
    if dataset != "spirals" and label_noise:
        raise ValueError(f"label_noise is for the spirals only; got {label_noise} for {dataset!r}")
    if dataset == "spirals":
        n_train, n_val = SAMPLES["n_train"], SAMPLES["n_val"]
        x, y = data.spirals(n_train + n_val, N_CLASSES, twist, label_noise, seed)
        return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:]), N_CLASSES
    split = data.load_split("digits", **DIGIT_SAMPLES, seed=seed)
    x, x_val = (images.reshape(len(images), -1) for images in (split.x_train, split.x_val))
    y, y_val = split.y_train, split.y_val
    if dataset == "digits: zero or not":
        return (x, (y == 0).astype(int)), (x_val, (y_val == 0).astype(int)), 2
    return (x, y), (x_val, y_val), split.n_classes


def train(
    hidden=(32, 32),
    learning_rate=0.01,
    twist=0.7,
    label_noise=0.0,
    epochs=30,
    seed=0,
    dataset="spirals",
    output="softmax",
) -> Run:
    """Train `mlp(hidden, output=output)` with Adam and `metrics=["accuracy"]` on `dataset` (for
    spirals, of `twist` and `label_noise`); return the `runs.Run`.

    Its history has `loss`, `accuracy`, `val_loss` and `val_accuracy`, as `fit` logs them; its
    config has the arguments, the number of output units, and the metric Keras made of
    "accuracy" (`accuracy becomes`).
    """
    config = {
        "hidden": _hidden(hidden),
        "learning_rate": check_rate(learning_rate, "learning_rate"),
        "twist": check_real(twist, "twist"),
        "label_noise": check_fraction(label_noise, "label_noise"),
        "epochs": check_count(epochs, "epochs", high=MAX_EPOCHS),
        "seed": check_seed(seed),
        "dataset": _dataset(dataset),
        "output": _output(output),
    }
    (x, y), validation, n_classes = _data(config["twist"], label_noise, seed, dataset)
    model = mlp(config["hidden"], x.shape[1], n_classes, seed, output)
    config["output units"] = int(model.output_shape[-1])
    loss = "sparse_categorical_crossentropy" if output == "softmax" else "binary_crossentropy"
    model.compile(
        optimizer=keras.optimizers.Adam(config["learning_rate"]),
        loss=loss,
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
    config["accuracy becomes"] = resolution.resolved_metrics(model)["accuracy"]
    return Run(history.history, y_val=validation[1], config=config)


def experiment(case, epochs=30, longer=4, seed=0) -> dict:
    """Train one of `CASES` for `epochs`, and on to `longer` times as many; and a bigger model.

    Returns {"run": the run of `longer * epochs` epochs, "bigger": the bigger model's run of
    `epochs`, "epochs": epochs, "case": case, "dataset", "twist" and "label_noise": its data}.
    """
    return experiments([case], epochs, longer, seed)[0]


def experiments(cases, epochs=30, longer=4, seed=0) -> list[dict]:
    """`experiment` for each of `cases`, every model trained side by side in the workers (see
    `workers`): the same results, sooner."""
    if isinstance(cases, str) or not isinstance(cases, list | tuple) or not cases:
        raise TypeError(f"cases must be a list of names from CASES; got {cases!r}")
    for case in cases:
        case = check_text(case, "case")
        if case not in CASES:
            raise ValueError(f"case must be one of {list(CASES)}; got {case!r}")
    epochs = check_count(epochs, "epochs", low=2, high=MAX_EPOCHS)
    longer = check_count(
        longer,
        "longer",
        low=2,
        high=MAX_EPOCHS // epochs,
        why=f" (the longer runs train longer * epochs, at most {MAX_EPOCHS:,})",
    )
    seed = check_seed(seed)
    jobs = []
    for case in cases:
        settings = CASES[case]
        bigger = {**settings, "hidden": BIGGER[settings["hidden"]]}
        for planned, shape in ((longer * epochs, settings), (epochs, bigger)):
            name = f"{case}: MLP {shape['hidden']}"
            jobs.append((_train_with, (shape, planned, seed), name, planned))
    trained = iter(workers.run_all(jobs))
    return [
        {
            "case": case,
            "epochs": epochs,
            "dataset": CASES[case].get("dataset", "spirals"),
            "twist": CASES[case].get("twist", 0.7),
            "label_noise": CASES[case].get("label_noise", 0.0),
            "run": next(trained),
            "bigger": next(trained),
        }
        for case in cases
    ]


def _train_with(settings, epochs, seed) -> Run:
    """In a worker: `train` with a case's settings."""
    return train(**settings, epochs=epochs, seed=seed)


def ceiling_estimate(twist, label_noise, seed=0, neighbours=50, dataset="spirals") -> float:
    """An estimate of the best possible accuracy that needs no network: the validation accuracy of
    a vote among the `neighbours` nearest training samples (k nearest neighbours)."""
    from sklearn.neighbors import KNeighborsClassifier

    dataset = _dataset(dataset)
    neighbours = check_count(neighbours, "neighbours")
    n_train = (SAMPLES if dataset == "spirals" else DIGIT_SAMPLES)["n_train"]
    if neighbours > n_train:
        raise ValueError(
            f"neighbours must be at most the {n_train} training samples; got {neighbours}"
        )
    label_noise = check_fraction(label_noise, "label_noise")
    twist, seed = check_real(twist, "twist"), check_seed(seed)
    (x, y), (x_val, y_val), _ = _data(twist, label_noise, seed, dataset)
    return float(KNeighborsClassifier(neighbours).fit(x, y).score(x_val, y_val))


#: How much accuracy a change must add to count as helping: 3 points is 60 of the 2000 validation
#: points, several times the noise of a change between two models on the same points.
HELPS = 0.03


def _labels_fit(labels, units) -> bool:
    """Whether class indices `labels` fit a model of `units` outputs: 0 or 1 for one unit, one of
    the units' classes for several."""
    classes = units if units > 1 else 2
    labels = np.asarray(labels)
    return bool(((labels >= 0) & (labels < classes) & (labels == np.round(labels))).all())


def _shares(labels) -> np.ndarray:
    labels = np.asarray(labels).astype(int)
    return np.bincount(labels - labels.min()) / len(labels)


#: The keys of what `experiment` returns that `check_experiment` requires ("dataset" defaults to
#: the spirals, and "case" is a name).
EXPERIMENT_KEYS = ("run", "bigger", "epochs", "twist", "label_noise")


def check_experiment(results, name: str = "results") -> dict:
    """`results`, checked to be what `experiment` returns, with its runs made `Run`s (from a Keras
    `History` or a dict of curves too), its planned epochs within the run's, its twist, label noise
    and dataset checked; an error names it `name` (such as "experiments[0]")."""
    if not isinstance(name, str):
        raise TypeError(f"name must be the text an error names the results by; got {name!r}")
    if not isinstance(results, Mapping):
        raise TypeError(
            f"{name} must be what plateau.experiment returns, a dict; got {type(results).__name__}"
        )
    missing = [key for key in EXPERIMENT_KEYS if key not in results]
    if missing:
        raise ValueError(f"{name} must be what plateau.experiment returns; it lacks {missing}")
    checked = dict(results)
    for key in ("run", "bigger"):
        checked[key] = as_run(results[key], f"{name}[{key!r}]")
    run = checked["run"]
    epochs = checked["epochs"] = check_count(results["epochs"], f"{name}['epochs']")
    if epochs > run.epochs:
        raise ValueError(
            f"{name}['epochs'] (the planned epochs, {epochs}) must be at most the "
            f"{run.epochs} epochs of {name}['run']"
        )
    checked["twist"] = check_real(results["twist"], f"{name}['twist']")
    checked["label_noise"] = check_label_noise(
        results["label_noise"], N_CLASSES, f"{name}['label_noise']"
    )
    dataset = results.get("dataset", "spirals")
    checked["dataset"] = check_choice(dataset, f"{name}['dataset']", DATASETS)
    if "case" in results:
        checked["case"] = check_text(results["case"], f"{name}['case']")
    return checked


def diagnose(results, seed=0) -> pd.Series:
    """What a reader can measure about one `experiment`, and the cause it points to.

    The verdict checks, in order: do the labels fit the model's output, and so the metric Keras
    made of "accuracy" (if not, the metric does not fit the labels)? is the accuracy within `HELPS`
    of the share of the most common class while that share is well above an even one (the classes
    are imbalanced, and the accuracy is that share)? does longer training help (the training is too
    slow)? does a bigger model help (the model is too small)? does the accuracy already reach the
    estimated ceiling (the data allow no better)?

    Whether the labels fit is known from the run's config ("output units", as `experiment` keeps
    it) or the predictions it recorded; a run known from its curves alone is taken to fit.

    Beside them: the majority share, the loss of a model that knows only the class shares (their
    entropy, in nats), and the best accuracy possible where it is known (spirals), else NaN.
    """
    results = check_experiment(results)
    run, bigger, dataset = results["run"], results["bigger"], results["dataset"]
    epochs, twist, label_noise = results["epochs"], results["twist"], results["label_noise"]
    units = run.config.get("output units")  # else the width of what it recorded, if it did
    if units is None and run.val_log_probabilities:
        units = next(iter(run.val_log_probabilities.values())).shape[-1]
    labels = run.y_val
    shares = _shares(labels) if labels is not None else np.array([np.nan])
    known = shares[shares > 0]  # no labels, no shares: their loss is unknown, NaN, as the share
    # 0.0 minus the sum, not its negation: one class's loss is 0, not -0
    entropy = float(0.0 - (known * np.log(known)).sum()) if labels is not None else np.nan
    row = {
        "accuracy becomes": run.config.get("accuracy becomes", "SparseCategoricalAccuracy"),
        "labels fit the output": labels is None or units is None or _labels_fit(labels, units),
        "majority share": float(shares.max()),
        "loss of the class shares": entropy,
        "training accuracy": float(run.accuracy[epochs - 1]),
        "validation accuracy": float(run.val_accuracy[epochs - 1]),
        "training loss fell by": float(run.loss[0] - run.loss[epochs - 1]),
        "validation loss fell by": float(run.val_loss[0] - run.val_loss[epochs - 1]),
        "after longer training": float(run.val_accuracy[-1]),
        "bigger model": float(bigger.val_accuracy[-1]),
        "ceiling estimate": ceiling_estimate(twist, label_noise, seed, dataset=dataset),
        "best possible": bayes_accuracy(label_noise) if dataset == "spirals" else np.nan,
    }
    now, floor = row["validation accuracy"], row["majority share"]
    even = 1 / max(len(shares), 2)
    if not row["labels fit the output"]:
        verdict = "the metric does not fit the labels"
    elif now - floor < HELPS and floor - even >= HELPS:
        verdict = "the classes are imbalanced"
    elif row["after longer training"] - now >= HELPS:
        verdict = "training is too slow"
    elif row["bigger model"] - now >= HELPS:
        verdict = "the model is too small"
    elif row["ceiling estimate"] - now < HELPS:
        verdict = "the data allow no better"
    else:
        verdict = "undecided"
    row["verdict"] = verdict
    return pd.Series(row, name=results.get("case"))


#: Short names of the cases and of `diagnose`'s rows, for a table a phone can show.
SHORT_CASES = {
    "the data allow no better": "data",
    "the model is too small": "model",
    "training is too slow": "training",
    "the classes are imbalanced": "imbalance",
    "the metric does not fit the labels": "metric",
    "undecided": "undecided",
}
_ROWS = {
    "accuracy becomes": "accuracy metric",
    "labels fit the output": "labels fit",
    "majority share": "most common class",
    "loss of the class shares": "loss of the shares",
    "validation accuracy": "accuracy",
    "validation loss fell by": "val. loss fell by",
    "after longer training": "longer training",
    "bigger model": "bigger model",
    "ceiling estimate": "neighbours",
    "best possible": "best possible",
    "verdict": "verdict",
}


def readable(diagnosis: pd.DataFrame) -> pd.DataFrame:
    """`diagnose`'s rows (one per case, as a DataFrame of them) as a table to read, one column per
    case under its short name: accuracies as percentages, yes or no, a metric's name in words,
    "unknown" where nothing is known, large numbers as powers of ten."""
    if not isinstance(diagnosis, pd.DataFrame) or "verdict" not in diagnosis.columns:
        raise TypeError("diagnosis must be a DataFrame of diagnose's rows, one per case")
    check_columns(diagnosis, list(_ROWS), "diagnosis", "diagnose's rows")
    cases = [SHORT_CASES.get(case, case) for case in diagnosis.index]
    if len(set(cases)) != len(cases):  # a table's columns would keep only one of each
        twice = next(case for case in cases if cases.count(case) > 1)
        raise ValueError(f"diagnosis must name each case once; {twice!r} names more than one")
    texts = {"accuracy becomes", "verdict"}
    for name in texts:
        if not all(isinstance(value, str) for value in diagnosis[name]):
            raise TypeError(f"diagnosis[{name!r}] must hold text, as diagnose gives it")
    if not all(isinstance(value, bool | np.bool_) for value in diagnosis["labels fit the output"]):
        raise TypeError(
            "diagnosis['labels fit the output'] must hold True or False, as diagnose gives it"
        )
    for name in set(_ROWS) - texts - {"labels fit the output"}:
        values = diagnosis[name]
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            raise TypeError(f"diagnosis[{name!r}] must hold numbers, as diagnose gives them")
    percent = {
        "majority share",
        "validation accuracy",
        "after longer training",
        "bigger model",
        "ceiling estimate",
        "best possible",
    }

    def shown(name, value):
        if name == "verdict":
            return SHORT_CASES.get(value, value)
        if name == "accuracy becomes":
            words = "".join(f" {c.lower()}" if c.isupper() else c for c in value).strip()
            return words.removesuffix(" accuracy")
        if name == "labels fit the output":
            return "yes" if value else "no"
        if pd.isna(value):
            return "unknown"
        if name in percent:
            return f"{value:.1%}"
        return readable_number(float(value), 2)

    table = {
        short: {_ROWS[n]: shown(n, row[n]) for n in _ROWS}
        for short, (_, row) in zip(cases, diagnosis.iterrows(), strict=True)
    }
    return pd.DataFrame(table)
