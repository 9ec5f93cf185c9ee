"""Which metric Keras uses when you ask for "accuracy", found by compiling and evaluating models.

Keras 3 resolves `metrics=["accuracy"]` from the shapes it sees on the first batch, not from the
loss: a one-unit output gets `BinaryAccuracy`; labels with one axis fewer than the predictions (or
a last axis of 1 against several outputs) get `SparseCategoricalAccuracy`; anything else gets
`CategoricalAccuracy`. `accuracy_resolution_table` shows the rule at work instead of stating it.
"""

from __future__ import annotations

import re
import warnings

import keras
import numpy as np
import pandas as pd

from .validation import MAX_ENTRIES, check_choice, check_columns, check_count, check_seed

__all__ = [
    "LABEL_SHAPES",
    "LOSSES",
    "accuracy_resolution",
    "accuracy_resolution_table",
    "grid",
    "resolved_metrics",
]

LOSSES = (
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mean_squared_error",
)
LABEL_SHAPES = ("(N,)", "(N, 1)", "(N, K)")
#: What "accuracy" can become: the metric classes `accuracy_resolution` reports.
_METRICS = ("BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy")


def resolved_metrics(model) -> dict[str, str]:
    """Map each compiled metric's name to the Keras class it was resolved to.

    Keras resolves metric names such as "accuracy" when the model first sees data, so call
    `evaluate`, `fit` or `train_on_batch` before this. The loss tracker is left out.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; got {type(model).__name__}")
    found = {}

    def walk(metric_list):
        for metric in metric_list:
            inner = getattr(metric, "metrics", None)
            if (
                inner is not None
                and inner is not metric_list
                and type(metric).__name__
                in (
                    "CompileMetrics",
                    "MetricsList",
                )
            ):
                walk(inner)
            elif metric.name != "loss":
                found[metric.name] = type(metric).__name__

    walk(model.metrics)
    if not found and model.compiled and getattr(model, "_compile_metrics", None) is not None:
        raise ValueError(
            "the model's metrics are not resolved yet: Keras resolves them when the model first "
            "sees data; call model.evaluate(...) or model.fit(...) first"
        )
    return found


def _labels(label_shape: str, output_width: int, n_classes: int, n_samples: int, rng):
    classes = n_classes if output_width > 1 else 2
    indices = rng.integers(0, classes, n_samples)
    if label_shape == "(N,)":
        return indices.astype("float32")
    if label_shape == "(N, 1)":
        return indices[:, None].astype("float32")
    one_hot = np.zeros((n_samples, n_classes), dtype="float32")  # not np.eye: K x K
    np.put_along_axis(one_hot, (indices % n_classes)[:, None], 1.0, axis=1)
    return one_hot


def accuracy_resolution(loss, output_width, label_shape, n_classes=3, n_samples=8, seed=0):
    """Compile a one-layer model with `metrics=["accuracy"]`, evaluate it, report what happened.

    The model maps 2 features to `output_width` units (sigmoid for 1 unit, softmax otherwise) and is
    compiled with `loss`. Its labels have the shape named by `label_shape`: class indices as
    (N,) or (N, 1), or one-hot rows over `n_classes` classes as (N, K). Returns a dict with the
    metric class Keras chose, the loss and accuracy it reported, any warning Keras gave, and the
    error if Keras refused.
    """
    loss = check_choice(loss, "loss", LOSSES)
    label_shape = check_choice(label_shape, "label_shape", LABEL_SHAPES)
    output_width, n_classes, n_samples = (  # Python ints from here: Keras takes no NumPy int
        check_count(value, name, low, high=MAX_ENTRIES // 4, why=" (it sizes arrays)")
        for name, value, low in (
            ("output_width", output_width, 1),
            ("n_classes", n_classes, 2),
            ("n_samples", n_samples, 1),
        )
    )
    for name, width in (("n_classes", n_classes), ("output_width", output_width)):
        if n_samples * width > MAX_ENTRIES // 4:
            raise ValueError(
                f"n_samples x {name} must be at most {MAX_ENTRIES // 4:,}, the entries of the "
                f"arrays they size; got {n_samples:,} x {width:,}"
            )
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_samples, 2)).astype("float32")
    y = _labels(label_shape, output_width, n_classes, n_samples, rng)
    activation = "sigmoid" if output_width == 1 else "softmax"
    layer = keras.layers.Dense(
        output_width,
        activation=activation,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
    )
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(loss=loss, metrics=["accuracy"], run_eagerly=True)
    row = {
        "loss": loss,
        "output units": output_width,
        "labels": label_shape,
        "accuracy becomes": "",
        "loss value": np.nan,
        "accuracy value": np.nan,
        "warning": "",
        "error": "",
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            results = model.evaluate(x, y, verbose=0, return_dict=True)
        except Exception as exc:  # Keras' own refusal is what this function reports
            row["error"] = f"{type(exc).__name__}: {_first_line(str(exc))}"
            return row
    row["warning"] = "; ".join(sorted({_first_line(str(w.message)) for w in caught}))
    row["accuracy becomes"] = resolved_metrics(model).get("accuracy")
    row["loss value"] = results["loss"]
    row["accuracy value"] = results["accuracy"]
    return row


def _first_line(message: str, limit: int = 110) -> str:
    """The first line of a Keras or TensorFlow message, without TensorFlow's op prefix."""
    message = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", message.strip())
    first = message.splitlines()[0] if message else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def accuracy_resolution_table(n_classes=3, n_samples=8, seed=0) -> pd.DataFrame:
    """`accuracy_resolution` for every loss, output width (1 or K) and label shape."""
    seed = check_seed(seed)
    rows = [
        accuracy_resolution(loss, width, shape, n_classes=n_classes, n_samples=n_samples, seed=seed)
        for loss in LOSSES
        for width in (1, n_classes)
        for shape in LABEL_SHAPES
    ]
    return pd.DataFrame(rows)


def grid(table: pd.DataFrame) -> pd.DataFrame:
    """The table as a grid: one row per loss, one column per (output units, labels).

    Each cell names the metric "accuracy" became, without its "Accuracy" suffix, marked "(warns)"
    when Keras warned, or reads "refused" when Keras raised an error. The losses are written with
    spaces instead of underscores, so that a narrow page can wrap them.
    """
    _check_table(table)
    cells = table["accuracy becomes"].str.removesuffix("Accuracy")
    cells = cells.where(table["warning"] == "", cells + " (warns)")
    cells = cells.where(table["error"] == "", "refused")
    frame = table.assign(cell=cells)
    result = frame.pivot(index="loss", columns=["output units", "labels"], values="cell")
    result = result.loc[list(dict.fromkeys(table["loss"]))]
    return result.rename(index=lambda loss: loss.replace("_", " "))


def _check_table(table) -> None:
    """Check `table` is what `accuracy_resolution_table` returns, or a part of it that is a whole
    grid: every one of its losses tried on every one of its output widths and label shapes, once,
    each row either refused (an error, and no metric) or resolved to one of the metrics."""
    columns = ["loss", "output units", "labels", "accuracy becomes", "warning", "error"]
    check_columns(table, columns, "table", "accuracy_resolution_table")
    if not table.columns.is_unique:
        raise ValueError(f"table must have one column of each name; got {list(table.columns)}")
    for column in ("loss", "labels", "accuracy becomes", "warning", "error"):
        for value in table[column]:
            if not isinstance(value, str):
                raise TypeError(
                    f"table[{column!r}] must hold text, as accuracy_resolution_table writes it; "
                    f"got {value!r}"
                )
    for value in table["loss"]:
        check_choice(value, "each of table['loss']", LOSSES)
    for value in table["labels"]:
        check_choice(value, "each of table['labels']", LABEL_SHAPES)
    for value in table["output units"]:
        check_count(value, "each of table['output units']")
    for metric, error in zip(table["accuracy becomes"], table["error"], strict=True):
        if error and metric:
            raise ValueError(
                f"table must name no metric in a row Keras refused; got {metric!r} beside the "
                f"error {error!r}"
            )
        if not error and metric not in _METRICS:
            raise ValueError(
                f"table['accuracy becomes'] must name one of {', '.join(_METRICS)} in each row "
                f"Keras did not refuse; got {metric!r}"
            )
    keys = ["loss", "output units", "labels"]
    if table.duplicated(keys).any():
        raise ValueError("table must have one row per loss, output width and label shape")
    losses = table["loss"].nunique()
    shapes = len(table[["output units", "labels"]].drop_duplicates())
    if len(table) != losses * shapes:
        raise ValueError(
            f"table must try every one of its {losses} losses on every one of its {shapes} "
            f"output widths and label shapes, as accuracy_resolution_table does; it has "
            f"{len(table)} rows, not {losses * shapes}"
        )
