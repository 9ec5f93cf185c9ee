"""The book's figures.

Every function draws on the matplotlib `ax` it is given (a new figure when `ax` is None) and returns
that `ax`, so a notebook can place figures side by side and restyle them. Colours are defined once
here, in `COLORS`, and mean the same thing in every figure. So do line styles (`LINESTYLES`):
training curves are solid and validation curves dashed; epochs count from 1. A figure of one run
colours its quantities (the loss, the accuracy, the calibration error); a figure comparing runs
gives each run one colour, for all of its curves and bars, as tensorflow_docs' `HistoryPlotter`
keeps one colour per run.

The functions that draw a run take a `runs.Run`; those that only read its curves also take what
`runs.as_run` takes (a Keras `History` or a dict of curves).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import FuncFormatter

from . import calibration, curves, metrics
from . import scores as scoring
from .counterexample import PredictionSet, disagree, verdict
from .runs import Run, as_run, with_predictions
from .validation import (
    as_array,
    check_binary_labels,
    check_class_indices,
    check_columns,
    check_count,
    check_fraction,
    check_positive,
    check_probabilities,
    check_text,
)

__all__ = [
    "COLORS",
    "LINESTYLES",
    "plot_along_line",
    "plot_clipping",
    "plot_costliest",
    "plot_epoch_losses",
    "plot_label_smoothing",
    "plot_loss_and_ece",
    "plot_loss_by_correctness",
    "plot_plateau",
    "plot_points",
    "plot_prediction_sets",
    "plot_reliability",
    "plot_resolution",
    "plot_rival_plane",
    "plot_run",
    "plot_seed_band",
    "plot_simplex",
    "plot_threshold_sweep",
    "plot_true_class_histograms",
]

COLORS = {
    "correct": "#2a9d8f",  # a sample counted as correct
    "wrong": "#e76f51",  # a sample counted as wrong
    "low_loss": "#264653",  # the predictions whose loss is below a level
    "disagree": "#c1121f",  # loss and accuracy rank things differently; the lowest validation loss
    "agree": "#333333",
    "loss": "#1d3557",  # a loss curve
    "accuracy": "#9a7b16",  # an accuracy curve (dark enough to read as text on white)
    "ece": "#7b2cbf",  # the expected calibration error
    "balanced_accuracy": "#8c564b",  # the scores of a binary classifier, besides accuracy
    "precision": "#3a86ff",
    "recall": "#55a630",
    "f1": "#ff006e",
    "run": "#0072b2",  # the first run of a figure that compares runs
    "second_run": "#d55e00",  # the second run
    "class_0": "#0072b2",  # the classes of points in the plane (plot_points), in order
    "class_1": "#d55e00",
    "class_2": "#009e73",
    "class_3": "#cc79a7",
    "ink": "#000000",  # outlines, marked points and labels
    "reference": "#4d4d4d",  # reference lines and notes: diagonals, thresholds, counts
    "over_confident": "#f4a3a8",  # a reliability bin's gap when its confidence exceeds its accuracy
    "under_confident": "#8ecae6",  # and when its accuracy exceeds its confidence
    "binary_metric": "#a6cee3",  # what Keras makes of "accuracy": BinaryAccuracy
    "categorical_metric": "#b2df8a",  # CategoricalAccuracy
    "sparse_metric": "#fdbf6f",  # SparseCategoricalAccuracy
    "refused": "#bdbdbd",  # Keras raised an error
    "shade": "#e0e0e0",  # background areas
    "paper": "#ffffff",  # the background, and the gaps between bars
}

#: How a curve is drawn in every figure: training solid, validation dashed.
LINESTYLES = {"training": "-", "validation": "--"}


def _new_axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


def _axes_for(axes, count: int, figsize, **subplots) -> np.ndarray:
    """`axes` as a flat array of at least `count` Axes, or a new row of `count` of them."""
    if axes is None:
        _, axes = plt.subplots(1, count, figsize=figsize, layout="constrained", **subplots)
    flat = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
    if not all(isinstance(ax, Axes) for ax in flat):
        raise TypeError("axes must be matplotlib Axes (an array of them) or None")
    if len(flat) < count:
        raise ValueError(f"axes must hold at least {count} Axes; got {len(flat)}")
    return flat


def _title(title) -> str | None:
    return None if title is None else check_text(title, "title")


def _curve(ax, values, split: str, color: str, label: str, epochs=None):
    """Draw one curve against its epochs (from 1), in the convention of `LINESTYLES`."""
    epochs = np.arange(1, len(values) + 1) if epochs is None else epochs
    width = 1.5 if split == "training" else 2
    (line,) = ax.plot(epochs, values, color=color, ls=LINESTYLES[split], lw=width, label=label)
    return line


def _log_scale(ax, label: str, color: str):
    """A log-scaled y axis labelled with plain numbers (0.3 rather than 3 x 10^-1)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(  # between the powers of ten, 2, 3 and 5 times them only
        FuncFormatter(lambda value, _: f"{value:g}" if f"{value:.0e}"[0] in "235" else "")
    )
    ax.set_ylabel(f"{label} (log scale)", color=color)


def _recorded_epochs(run: Run, epochs, name: str = "epochs") -> list[int]:
    """`epochs` as a non-empty list of epoch numbers that `run` recorded."""
    if isinstance(epochs, str | bytes) or not hasattr(epochs, "__iter__"):
        raise TypeError(f"{name} must be a list of epoch numbers; got {epochs!r}")
    epochs = list(epochs)
    if not epochs:
        raise ValueError(f"{name} must name at least one epoch; it is empty")
    for epoch in epochs:
        check_count(epoch, f"each of {name}")
    recorded = list(run.val_log_probabilities)
    missing = [int(e) for e in epochs if e not in run.val_log_probabilities]
    if missing:
        raise ValueError(
            f"{name} must be recorded epochs of the run; {missing} were not (recorded epochs run "
            f"from {recorded[0]} to {recorded[-1]})"
        )
    return [int(e) for e in epochs]


def plot_prediction_sets(a: PredictionSet, b: PredictionSet, ax=None, title=None):
    """Each sample's probability for its true class, for two prediction sets side by side.

    A bar is green when the sample is predicted correctly and orange when not, and is labelled with
    its loss. Under each group: the set's mean loss and accuracy; the title is
    `counterexample.verdict(a, b)`, red when loss and accuracy disagree, after the optional `title`
    line.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, PredictionSet):
            raise TypeError(f"{name} must be a PredictionSet; got {type(value).__name__}")
    title = _title(title)
    ax = _new_axes(ax, (7, 3.6))
    x, centers = 0, []
    for predictions in (a, b):
        positions = x + np.arange(len(predictions.y_true))
        colors = [COLORS["correct" if ok else "wrong"] for ok in predictions.correct]
        bars = ax.bar(positions, predictions.true_class_probabilities, color=colors, width=0.8)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in predictions.losses], padding=2, fontsize=9)
        centers.append(positions.mean())
        x = positions[-1] + 2
    ax.set_xticks(
        centers,
        [f"{p.name}\nloss {p.loss:.3f} · accuracy {p.accuracy:.0%}" for p in (a, b)],
    )
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("probability of the true class")
    ax.spines[["top", "right"]].set_visible(False)
    sentence = verdict(a, b)
    if len(sentence) > 60:  # long names: the loss's choice, then the accuracy's, on two lines
        sentence = sentence.replace("; ", ";\n", 1)
    color = COLORS["disagree"] if disagree(a, b) else COLORS["agree"]
    above = ax.set_title(sentence, color=color, fontsize=10, loc="left")
    if title:
        ax.annotate(
            title,
            (0, 1),
            xycoords=above,
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=11,
            fontweight="bold",
        )
    ax.legend(
        handles=[
            Patch(color=COLORS["correct"], label="correct"),
            Patch(color=COLORS["wrong"], label="wrong"),
        ],
        loc="upper right",
        fontsize=9,
        frameon=False,
        ncols=2,
        title="bar labels: each sample's loss",
        title_fontsize=9,
    )
    return ax


# Corners of the probability triangle for three classes: the true class on top.
_CORNERS = np.array([[0.5, np.sqrt(3) / 2], [0.0, 0.0], [1.0, 0.0]])


def _to_xy(probabilities) -> np.ndarray:
    """Barycentric (p_true, p_1, p_2) to the plane of the triangle."""
    return np.asarray(probabilities, dtype=float) @ _CORNERS


def _clip(polygon, keep) -> list:
    """The part of a convex polygon (barycentric vertices) where the linear function `keep` of a
    point is >= 0 (one step of Sutherland and Hodgman's clipping)."""
    kept = []
    for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        fa, fb = keep(a), keep(b)
        if fa >= 0:
            kept.append(a)
        if (fa >= 0) != (fb >= 0):
            kept.append(a + (b - a) * fa / (fa - fb))
    return kept


def plot_simplex(loss_level=1.0, points=None, ax=None):
    """All predictions for one sample of three classes, as a triangle, with three regions marked.

    Each point of the triangle is a prediction (p_true, p_rival, p_third); the corners are
    certainty. Shaded green: predictions counted correct (the true class has the largest
    probability). Hatched: predictions whose loss -ln p_true is below `loss_level`. Shaded orange:
    hatched predictions that are nevertheless wrong. `points` maps labels to predictions (true class
    first) to be marked.
    """
    level = check_positive(loss_level, "loss_level")
    if points is not None and not isinstance(points, Mapping):
        raise TypeError(f"points must map labels to predictions; got {type(points).__name__}")
    marked = {}
    for label, probabilities in (points or {}).items():
        probabilities = check_probabilities(
            as_array(probabilities, f"points[{label!r}]"), f"points[{label!r}]"
        )
        if probabilities.shape != (3,) or not np.isclose(probabilities.sum(), 1):
            raise ValueError(f"points[{label!r}] must be 3 probabilities summing to 1")
        marked[str(label)] = probabilities
    ax = _new_axes(ax, (5.4, 4.6))
    third = 1 / 3
    correct = [[1, 0, 0], [0.5, 0.5, 0], [third, third, third], [0.5, 0, 0.5]]
    ax.add_patch(
        Polygon(_to_xy(correct), color=COLORS["correct"], alpha=0.35, lw=0, label="counted correct")
    )
    t = float(np.exp(-level))
    cheap = [np.array(corner, dtype=float) for corner in ([1, 0, 0], [t, 1 - t, 0], [t, 0, 1 - t])]
    for rival in (1, 2):  # cheap, but this rival beats the true class
        region = _clip(cheap, lambda p, r=rival: p[r] - p[0])
        ax.add_patch(
            Polygon(
                _to_xy(region) if region else np.empty((0, 2)),
                color=COLORS["wrong"],
                alpha=0.45,
                lw=0,
                label=f"loss below {level:.3g}, yet wrong" if rival == 1 else None,
            )
        )
    ax.add_patch(
        Polygon(
            _to_xy(cheap),
            fill=False,
            hatch="///",
            edgecolor=COLORS["low_loss"],
            lw=1.5,
            label=f"loss below {level:.3g} (p_true > {t:.2f})",
        )
    )
    ax.add_patch(Polygon(_CORNERS, fill=False, edgecolor=COLORS["ink"], lw=1))
    for corner, text, offset in zip(
        _CORNERS,
        ["certain of the true class", "certain of\nanother class", "certain of\nthe third class"],
        [(0, 6), (-2, -26), (2, -26)],
        strict=True,
    ):
        ax.annotate(
            text, corner, textcoords="offset points", xytext=offset, ha="center", fontsize=9
        )
    arrow = {"arrowstyle": "-", "color": COLORS["ink"], "lw": 0.6}
    for label, probabilities in marked.items():
        x, y = _to_xy(probabilities)
        left = x < 0.5
        ax.plot(x, y, "o", color=COLORS["ink"], ms=4)
        ax.annotate(  # below the point, out towards the side it lies on
            label,
            (x, y),
            xytext=(0.22 if left else 0.78, y - 0.16),
            ha="center",
            va="top",
            fontsize=9,
            arrowprops=arrow,
        )
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.2, 0.95)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), fontsize=9, frameon=False)
    return ax


def plot_rival_plane(n_classes=10, loss_level=1.0, ax=None):
    """For K classes: the true class's probability against the strongest rival's.

    Any prediction for one sample is a point here. Its loss depends only on p_true (left to right);
    whether it is correct depends on p_true against the strongest rival (the diagonal). The grey
    area is every point that K probabilities summing to 1 can reach.
    """
    n_classes = check_count(n_classes, "n_classes", low=2)
    level = check_positive(loss_level, "loss_level")
    ax = _new_axes(ax, (5, 4.2))
    p = np.linspace(0, 1, 401)
    lowest_rival = (1 - p) / (n_classes - 1)  # the rest shared equally
    highest_rival = 1 - p  # the rest on one class
    ax.fill_between(
        p, lowest_rival, highest_rival, color=COLORS["shade"], lw=0, label="reachable predictions"
    )
    ax.fill_between(
        p,
        lowest_rival,
        np.minimum(highest_rival, p),
        where=lowest_rival < p,
        color=COLORS["correct"],
        alpha=0.45,
        lw=0,
        label="counted correct",
    )
    t = float(np.exp(-level))
    cheap = p >= t
    ax.fill_between(
        p[cheap],
        lowest_rival[cheap],
        highest_rival[cheap],
        facecolor="none",
        hatch="///",
        edgecolor=COLORS["low_loss"],
        lw=0,
        label=f"loss below {level:.3g}",
    )
    wrong = cheap & (p < 0.5)  # cheap, yet a rival beats the true class
    ax.fill_between(
        p[wrong],
        np.maximum(p[wrong], lowest_rival[wrong]),
        highest_rival[wrong],
        color=COLORS["wrong"],
        alpha=0.45,
        lw=0,
        label=f"loss below {level:.3g}, yet wrong",
    )
    ax.axvline(t, color=COLORS["low_loss"], lw=1.2)
    ax.plot([0, 0.5], [0, 0.5], color=COLORS["ink"], lw=0.8, ls="--")
    arrow = {"arrowstyle": "->", "color": COLORS["ink"], "lw": 0.8}
    if t < 0.5:  # predictions with a low loss that are still wrong
        x = (t + 0.5) / 2
        ax.annotate(
            "cheap but wrong",
            (x, (x + 1 - x) / 2 + 0.01),
            xytext=(0.6, 0.68),
            fontsize=9,
            arrowprops=arrow,
        )
    if t > 1 / n_classes:  # predictions counted correct whose loss is still high
        x = (t + max(1 / n_classes, t / 2)) / 2
        ax.annotate(
            "correct but costly",
            (x, (x + (1 - x) / (n_classes - 1)) / 2),
            xytext=(0.02, 0.02) if n_classes > 3 else (0.05, 0.12),
            fontsize=9,
            arrowprops=arrow,
        )
    ax.set_xlabel("probability of the true class, p_true (loss = -ln p_true)")
    ax.set_ylabel("probability of the strongest other class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{n_classes} classes", fontsize=10, loc="left")
    ax.legend(fontsize=9, frameon=False, loc="upper right")
    return ax


def plot_along_line(frame, ax=None):
    """Loss (left axis) and accuracy (right axis) of a model whose weights move along a line.

    `frame` has columns alpha, loss and accuracy, as `training.loss_and_accuracy_along_line`
    returns it; alpha 0 is the starting weights and alpha 1 the trained ones. The loss is a smooth
    curve; the accuracy moves in steps, and is flat between them, where its gradient is zero.
    """
    check_columns(
        frame, ("alpha", "loss", "accuracy"), "frame", "training.loss_and_accuracy_along_line"
    )
    ax = _new_axes(ax, (7, 3.8))
    ax.plot(frame["alpha"], frame["loss"], color=COLORS["loss"], lw=2, label="loss (left axis)")
    ax.set_xlabel("position along the line (0: initial weights, 1: trained weights)")
    ax.set_ylabel("loss", color=COLORS["loss"])
    right = ax.twinx()
    right.plot(
        frame["alpha"],
        frame["accuracy"],
        color=COLORS["accuracy"],
        lw=2,
        drawstyle="steps-mid",
        label="accuracy (right axis)",
    )
    right.set_ylabel("accuracy", color=COLORS["accuracy"])
    right.set_ylim(-0.02, 1.02)
    for alpha, text in ((0, "initial"), (1, "trained")):
        ax.axvline(alpha, color=COLORS["reference"], lw=0.8, ls=":")
        ax.annotate(  # above the plot, where no curve runs
            text,
            (alpha, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            color=COLORS["reference"],
        )
    handles = ax.get_lines()[:1] + right.get_lines()[:1]
    ax.legend(handles=handles, loc="center right", fontsize=9, frameon=False)
    ax.spines[["top"]].set_visible(False)
    right.spines[["top"]].set_visible(False)
    return ax


def plot_run(run, axes=None, title=None):
    """The training curves of a run in two panels, losses (left) and accuracies (right), on
    linear axes that hold every value.

    `run` is a `runs.Run`, a Keras `History` or a dict of its curves `loss`, `accuracy`, `val_loss`
    and `val_accuracy`. Training curves are solid, validation curves dashed, against epochs from 1.
    The epoch of the lowest validation loss is marked in both panels, and the stretch after it,
    where the validation loss climbs back, is shaded. When that climb would fill less than a quarter
    of the loss panel's height (the first epochs' losses set its scale), an inset magnifies the
    losses from half-way to the best epoch onwards. `axes` holds two Axes (a new figure when None);
    returns them.
    """
    run = as_run(run)
    title = _title(title)
    best = curves.summarize(run)
    first = best["best_epoch"]
    axes = _axes_for(axes, 2, (9, 3.8))
    left, right = axes[0], axes[1]
    after = Patch(color=COLORS["shade"], label="after the lowest validation loss")
    for ax, quantity in ((left, "loss"), (right, "accuracy")):
        _curve(ax, run.curve(quantity), "training", COLORS[quantity], f"training {quantity}")
        validation = run.curve(f"val_{quantity}")
        _curve(ax, validation, "validation", COLORS[quantity], f"validation {quantity}")
        ax.axvspan(first, run.epochs, color=COLORS["shade"], zorder=0, lw=0)
        ax.axvline(first, color=COLORS["disagree"], lw=1, ls=":")
        ax.set_xlim(1, run.epochs)  # summarize refused runs of one epoch
        ax.set_xlabel("epoch")
        ax.set_ylabel(quantity)
        ax.spines[["top", "right"]].set_visible(False)
    values = np.concatenate([run.loss, run.val_loss])
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    left.set_ylim(0, 1.05 * top)
    left.plot(
        first,
        best["best_val_loss"],
        "o",
        color=COLORS["disagree"],
        label=f"lowest validation loss (epoch {first})",
    )
    accuracies = np.concatenate([run.accuracy, run.val_accuracy])
    accuracies = accuracies[np.isfinite(accuracies)]
    low = float(accuracies.min()) if len(accuracies) else 0.0
    right.set_ylim(max(0.0, low - 0.02), 1.01)
    right.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))
    climb = float(np.nanmax(run.val_loss[first - 1 :]) - best["best_val_loss"])
    magnified = first < run.epochs and 0 < climb < 0.25 * 1.05 * top
    if magnified:
        _magnify_losses(left, run, max(1, first // 2), best["best_val_loss"])
    for ax, extra, where in (
        (left, left.get_lines()[-1:], "upper right" if magnified else "best"),
        (right, [after], "lower right"),
    ):
        ax.legend(  # on white: the shading behind would hide the shading's own entry
            handles=ax.get_lines()[:2] + extra,
            fontsize=9,
            loc=where,
            facecolor=COLORS["paper"],
            edgecolor=COLORS["paper"],
            framealpha=1,
        )
    if title:
        left.set_title(title, fontsize=10, loc="left")
    return axes


def _magnify_losses(ax, run: Run, start: int, lowest: float):
    """An inset of `ax` showing both losses from epoch `start` on, at a scale that holds them.

    It sits above the curves it magnifies, with room for its tick labels between (a tenth of the
    panel), and below the legend in the upper right.
    """
    epochs = np.arange(start, run.epochs + 1)
    shown = np.concatenate([run.loss[start - 1 :], run.val_loss[start - 1 :]])
    below = float(np.nanmax(shown)) / ax.get_ylim()[1]  # how high the curves reach, in the panel
    bottom = max(0.15, min(below + 0.1, 0.35))
    inset = ax.inset_axes([0.32, bottom, 0.64, min(0.45, 0.74 - bottom)])
    for split, values in (("training", run.loss), ("validation", run.val_loss)):
        _curve(inset, values[start - 1 :], split, COLORS["loss"], f"{split} loss", epochs)
    inset.set_xlim(start, run.epochs)
    inset.set_ylim(0, 1.1 * float(np.nanmax(shown)))
    inset.axhline(lowest, color=COLORS["disagree"], lw=0.8, ls=":")
    inset.tick_params(labelsize=9)
    inset.set_title(f"magnified, from epoch {start}", fontsize=9, loc="left")
    ax.indicate_inset_zoom(inset, edgecolor=COLORS["reference"])
    return inset


def plot_loss_by_correctness(frame, ax=None):
    """The validation loss over epochs, split into what its correct and wrong samples contribute.

    `frame` is `curves.loss_by_correctness(run)`; the two parts are stacked and add up to the loss.
    """
    check_columns(
        frame,
        ("from correct samples", "from wrong samples"),
        "frame",
        "curves.loss_by_correctness",
    )
    ax = _new_axes(ax, (7, 3.8))
    ax.stackplot(
        frame.index,
        frame["from correct samples"],
        frame["from wrong samples"],
        colors=[COLORS["correct"], COLORS["wrong"]],
        alpha=0.8,
        labels=["from correctly classified samples", "from misclassified samples"],
    )
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss")
    ax.legend(fontsize=9, frameon=False, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_true_class_histograms(run, epochs, axes=None):
    """For each of `epochs`, a histogram of the probability each validation sample gives its
    true class: correct samples in green, misclassified ones in orange, stacked (counts on a log
    scale). `run` is a `runs.Run` that recorded its validation predictions on those epochs; `axes`
    holds one Axes per epoch (a new row when None). Returns the array of axes."""
    run = with_predictions(run)
    epochs = _recorded_epochs(run, epochs)
    axes = _axes_for(axes, len(epochs), (3 * len(epochs), 3), sharey=True)
    y = run.y_val
    bins = np.linspace(0, 1, 26)
    for ax, epoch in zip(axes, epochs, strict=False):
        p = run.val_probabilities[epoch]
        p_true = p[np.arange(len(y)), y]
        correct = p.argmax(axis=1) == y
        ax.hist(
            [p_true[correct], p_true[~correct]],
            bins=bins,
            stacked=True,
            log=True,
            color=[COLORS["correct"], COLORS["wrong"]],
            label=["correct", "wrong"],
        )
        ax.set_title(f"epoch {epoch}", fontsize=10)
        ax.set_xlabel("p(true class)")
    axes[0].set_ylabel("validation samples")
    axes[0].legend(fontsize=9, frameon=False, loc="upper center")
    return axes


#: The columns `plot_costliest` reads from `curves.costliest_samples`.
_COSTLIEST_COLUMNS = ("sample", "true class", "predicted", "p(true class)", "loss")


def plot_costliest(run, table, axes=None):
    """The validation images listed in `table` (from `curves.costliest_samples(run, ...)`), each
    titled with its true and predicted class, the probability given to the truth, and its loss.

    `run` is a `runs.Run` holding its validation images; `axes` holds at least one Axes per row of
    `table` (a new grid of four columns when None; any Axes left over is hidden). Returns the array
    of axes.
    """
    run = with_predictions(run, images=True)
    check_columns(table, _COSTLIEST_COLUMNS, "table", "curves.costliest_samples")
    samples = table["sample"].to_numpy()
    n_images = len(run.x_val)
    whole = np.issubdtype(samples.dtype, np.integer)
    if not whole or ((samples < 0) | (samples >= n_images)).any():
        raise ValueError(
            f"table's sample column must index the run's {n_images} validation images "
            f"(0 to {n_images - 1}); got {samples.tolist()}"
        )
    labels = table["true class"].to_numpy()
    if (labels != run.y_val[samples]).any():
        raise ValueError(
            "table must come from curves.costliest_samples of this run: its true classes are not "
            "the run's labels of those samples"
        )
    if axes is None:
        rows, columns = -(-len(table) // 4), min(len(table), 4)
        _, grid = plt.subplots(rows, columns, figsize=(7, 2.3 * rows), layout="constrained")
        axes = np.atleast_1d(grid).ravel()
        for ax in axes[len(table) :]:
            ax.axis("off")
    axes = _axes_for(axes, len(table), None)
    for ax, (_, row) in zip(axes, table.iterrows(), strict=False):
        image = run.x_val[int(row["sample"])]
        if image.ndim == 3 and image.shape[-1] == 1:  # one channel, last
            image = image[..., 0]
        ax.imshow(image, cmap="gray_r")
        ax.set_title(
            f"true {int(row['true class'])}, said {int(row['predicted'])}\n"
            f"p(true) {row['p(true class)']:.0e}\nloss {row['loss']:.1f}",
            fontsize=9,
        )
        ax.axis("off")
    return axes


#: How a reliability diagram names its two kinds of gap.
UNDER_CONFIDENT = "the bar's top, above the mean confidence:\nunder-confident"
OVER_CONFIDENT = "above the bar, up to the mean confidence:\nover-confident"


def plot_reliability(bins, ax=None, title=None):
    """A reliability diagram: each confidence bin's accuracy against its mean confidence.

    `bins` is `calibration.calibration_bins(...)`. Each bar rises to its bin's accuracy; the dashed
    diagonal is perfect calibration. The gap between a bin's accuracy and its mean confidence is
    coloured: above the bar when the model is over-confident there, inside the top of the bar when
    it is under-confident. A strip under the axes counts the samples in each bin (on a log scale),
    which the diagrams of Guo et al. (2017) leave out: a bin with a handful of samples says little.
    Returns `ax`; the strip is `ax.child_axes[0]`.
    """
    check_columns(
        bins,
        ("lower", "upper", "count", "accuracy", "confidence"),
        "bins",
        "calibration.calibration_bins",
    )
    title = _title(title)
    ax = _new_axes(ax, (4.6, 5.2))
    width = float(bins["upper"].iloc[0] - bins["lower"].iloc[0])
    filled = bins[bins["count"] > 0]
    centres = ((filled["lower"] + filled["upper"]) / 2).to_numpy()
    accuracy, confidence = filled["accuracy"].to_numpy(), filled["confidence"].to_numpy()
    bar = {"width": width, "edgecolor": COLORS["paper"], "linewidth": 0.6}
    for height, bottom, color, label in (  # the bar up to the lower of the two, then the gap
        (np.minimum(accuracy, confidence), 0, "loss", "the bar: accuracy in the bin"),
        (np.maximum(accuracy - confidence, 0), confidence, "under_confident", UNDER_CONFIDENT),
        (np.maximum(confidence - accuracy, 0), accuracy, "over_confident", OVER_CONFIDENT),
    ):
        ax.bar(centres, height, bottom=bottom, color=COLORS[color], label=label, **bar)
    ax.plot([0, 1], [0, 1], color=COLORS["reference"], ls="--", lw=1, label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.tick_params(labelbottom=False)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    strip = ax.inset_axes([0, -0.27, 1, 0.2], sharex=ax)
    strip.bar(centres, filled["count"], color=COLORS["reference"], **bar)
    strip.set_yscale("log")
    strip.set_ylim(0.7, 3 * max(float(filled["count"].max()), 1))
    strip.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    strip.set_ylabel("samples", fontsize=9)
    strip.set_xlabel("confidence (largest predicted probability)")
    strip.spines[["top", "right"]].set_visible(False)
    strip.legend(  # under everything: bars can reach any corner of the diagram
        handles=ax.get_legend_handles_labels()[0],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.75),
        ncols=1,
        fontsize=9,
        frameon=False,
    )
    return ax


def _binary_scores(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    """Labels of 0 and 1 and a score in [0, 1] for each, checked (as `plot_threshold_sweep` and
    `widgets.threshold_explorer` take them)."""
    labels = check_binary_labels(as_array(y_true, "y_true"), "y_true")
    values = check_probabilities(as_array(scores, "scores"), "scores")
    if labels.shape != values.shape:
        raise ValueError(
            f"y_true and scores must have the same shape; got {labels.shape} and {values.shape}"
        )
    return labels, values


def plot_threshold_sweep(y_true, scores, threshold=0.5, ax=None):
    """Accuracy, balanced accuracy, precision, recall and F1 of a binary classifier against its
    decision threshold, with the scores at `threshold` marked and written in the title.

    `y_true` holds 0 and 1 (1 the rare class); `scores` the classifier's score in [0, 1] for each.
    """
    y_true, scores = _binary_scores(y_true, scores)
    threshold = check_fraction(threshold, "threshold")
    ax = _new_axes(ax, (6.5, 4))
    grid = np.linspace(0.01, 0.99, 99)
    sweep = {
        "accuracy": lambda t: float(metrics.binary_accuracy(y_true, scores, t).mean()),
        "balanced accuracy": lambda t: scoring.balanced_accuracy(y_true, scores, t),
        "precision": lambda t: scoring.precision(y_true, scores, t),
        "recall": lambda t: scoring.recall(y_true, scores, t),
        "F1": lambda t: scoring.f1_score(y_true, scores, t),
    }
    for name, score in sweep.items():
        color = COLORS[name.lower().replace(" ", "_")]
        ax.plot(grid, [score(t) for t in grid], color=color, lw=1.8, label=name)
    ax.axvline(threshold, color=COLORS["reference"], lw=1)
    values = [f"{name} {score(threshold):.2f}" for name, score in sweep.items()]
    title = f"threshold {threshold:.2f}: {', '.join(values[:2])},\n{', '.join(values[2:])}"
    ax.set_title(title, fontsize=9, loc="left")
    ax.set_xlabel("decision threshold: scores above it predict the rare class")
    ax.set_ylim(0, 1.02)
    ax.legend(  # under the axes: the curves reach every corner of the plot
        fontsize=9, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3
    )
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _ece(run: Run, epoch: int, n_bins: int) -> float:
    return calibration.expected_calibration_error(run.y_val, run.val_probabilities[epoch], n_bins)


def plot_loss_and_ece(run, epochs=None, n_bins=15, ax=None):
    """The validation loss (left axis) and the expected calibration error (right axis) over the
    epochs, on linear axes from 0 that hold what they show, with the epoch of the lowest validation
    loss marked when it is shown.

    `run` is a `runs.Run` that recorded its validation predictions; the ECE (with `n_bins` bins)
    is computed at each of `epochs` (every recorded epoch when None), the loss drawn at every epoch
    from the first of them to the last. Both are validation curves, so both are dashed.
    """
    run = with_predictions(run)
    epochs = _recorded_epochs(run, run.val_log_probabilities if epochs is None else epochs)
    n_bins = check_count(n_bins, "n_bins")
    best = curves.summarize(run)["best_epoch"]
    ece = [_ece(run, epoch, n_bins) for epoch in epochs]
    span = np.arange(min(epochs), max(epochs) + 1)
    loss = run.val_loss[span - 1]
    ax = _new_axes(ax, (7, 3.6))
    _curve(ax, loss, "validation", COLORS["loss"], "validation loss (left axis)", span)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss", color=COLORS["loss"])
    right = ax.twinx()
    _curve(right, ece, "validation", COLORS["ece"], "validation ECE (right axis)", epochs)
    right.set_ylabel("expected calibration error", color=COLORS["ece"])
    for axis, values in ((ax, loss), (right, ece)):
        shown = np.asarray(values, dtype=float)
        shown = shown[np.isfinite(shown)]
        axis.set_ylim(0, 1.1 * float(shown.max()) if len(shown) and shown.max() > 0 else 1)
    if len(span) > 1:  # one epoch alone has no width: matplotlib pads it
        ax.set_xlim(span[0], span[-1])
    if span[0] <= best <= span[-1]:
        ax.axvline(best, color=COLORS["disagree"], lw=1, ls=":")
        late = best > (span[0] + span[-1]) / 2  # then the note goes on the left of the line
        ax.annotate(
            f"lowest validation loss (epoch {best})",
            (best, 0),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if late else 4, 6),
            ha="right" if late else "left",
            textcoords="offset points",
            fontsize=9,
            color=COLORS["disagree"],
        )
    ax.legend(
        handles=ax.get_lines()[:1] + right.get_lines(), fontsize=9, frameon=False, loc="upper left"
    )
    ax.spines[["top"]].set_visible(False)
    right.spines[["top"]].set_visible(False)
    return ax


def plot_label_smoothing(run, smoothed, n_bins=15, axes=None):
    """What label smoothing changes, in two panels.

    Left: the validation losses over the epochs. `smoothed` is a `runs.Run` trained with label
    smoothing, whose history holds `val_cross_entropy`, the plain cross-entropy, next to the
    `val_loss` Keras reports against the smoothed targets (dotted: a loss of another definition);
    `run` is the same model trained without smoothing, whose `val_loss` is its plain cross-entropy.
    Right: the validation ECE (with `n_bins` bins) of each run at its last epoch. Each run has one
    colour. `axes` holds two Axes (a new figure when None); returns them.
    """
    run = with_predictions(run, "run")
    smoothed = with_predictions(smoothed, "smoothed")
    if "val_cross_entropy" not in smoothed.history:
        raise ValueError(
            "smoothed must be a run trained with label smoothing, whose history holds "
            f"val_cross_entropy; it has {sorted(smoothed.history)}"
        )
    for name, r in (("run", run), ("smoothed", smoothed)):
        if r.epochs not in r.val_log_probabilities:
            raise ValueError(
                f"{name} must have recorded its predictions on its last epoch ({r.epochs}), "
                "whose ECE is drawn"
            )
    n_bins = check_count(n_bins, "n_bins")
    axes = _axes_for(axes, 2, (9, 3.6))
    left, right = axes[0], axes[1]
    _curve(left, run.val_loss, "validation", COLORS["run"], "without smoothing: val_loss")
    _curve(
        left,
        smoothed.curve("val_cross_entropy"),
        "validation",
        COLORS["second_run"],
        "with smoothing: plain cross-entropy",
    )
    left.plot(
        np.arange(1, smoothed.epochs + 1),
        smoothed.val_loss,
        color=COLORS["second_run"],
        ls=":",
        lw=2,
        label="with smoothing: reported val_loss\n(against the smoothed targets)",
    )
    left.set_xlabel("epoch")
    left.set_ylabel("validation loss")
    left.set_ylim(0, None)
    left.set_title("validation losses", fontsize=10, loc="left")
    left.legend(fontsize=9, frameon=False, loc="upper right")
    left.spines[["top", "right"]].set_visible(False)
    names = ["without smoothing", "with smoothing"]
    ece = [_ece(r, r.epochs, n_bins) for r in (run, smoothed)]
    bars = right.bar(names, ece, color=[COLORS["run"], COLORS["second_run"]], width=0.6)
    right.bar_label(bars, fmt="%.3f", padding=2, fontsize=9)
    right.set_ylabel("validation ECE")
    right.set_ylim(0, 1.2 * max(ece) if max(ece) > 0 else 1)
    right.set_title("calibration at the last epoch", fontsize=10, loc="left")
    right.spines[["top", "right"]].set_visible(False)
    return axes


def plot_seed_band(runs, axes=None):
    """The validation loss (left, log scale) and accuracy (right) of runs that differ only in
    their seed: each run a thin line, the range between the lowest and the highest shaded, the
    median thick. The first run is drawn darker: it is the one the text follows.

    `runs` is a list of at least two runs of the same length (`runs.Run`, Keras `History` or dicts
    of curves). `axes` holds two Axes (a new figure when None); returns them.
    """
    from .uncertainty import seed_band

    loss, accuracy = seed_band(runs, "val_loss"), seed_band(runs, "val_accuracy")
    axes = _axes_for(axes, 2, (8, 3.2))
    for ax, band, color, label in (
        (axes[0], loss, COLORS["loss"], "validation loss"),
        (axes[1], accuracy, COLORS["accuracy"], "validation accuracy"),
    ):
        ax.fill_between(
            band.index,
            band["low"],
            band["high"],
            color=color,
            alpha=0.15,
            lw=0,
            label=f"lowest to highest of {len(runs)} seeds",
        )
        for column in band.columns[3:]:
            ax.plot(band.index, band[column], color=color, lw=0.6, alpha=0.5)
        ax.plot(band.index, band["run 1"], color=COLORS["ink"], lw=0.9, label="the text's run")
        _curve(ax, band["median"], "validation", color, "median", band.index)
        ax.set_xlabel("epoch")
        ax.set_title(label, fontsize=10, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
    _log_scale(axes[0], "validation loss", COLORS["loss"])
    low = float(accuracy["low"].iloc[len(accuracy) // 10 :].min())
    axes[1].set_ylim(max(0.0, low - 0.02), min(1.0, float(accuracy["high"].max()) + 0.01))
    axes[1].set_ylabel("validation accuracy", color=COLORS["accuracy"])
    axes[1].yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))
    axes[0].legend(fontsize=9, frameon=False, loc="upper right")
    return axes


def plot_points(x, y, ax=None, title=None):
    """Points in the plane, coloured by their label, a class from 0 to 3 (`COLORS["class_0"]`
    and on)."""
    x = as_array(x, "x")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must hold points in the plane, of shape (n, 2); got {x.shape}")
    y = as_array(y, "y")
    if y.shape != (len(x),):
        raise ValueError(f"y must hold one label per point of x ({len(x)}); got shape {y.shape}")
    y = check_class_indices(y, np.empty((len(y), 4)), "y")  # four colours
    title = _title(title)
    ax = _new_axes(ax, (4, 4))
    ax.scatter(x[:, 0], x[:, 1], c=[COLORS[f"class_{c}"] for c in y], s=7, lw=0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_plateau(experiments, axes=None):
    """One row per experiment of `plateau.experiment`: losses (left) and accuracies (right).

    The case's model is drawn over the whole longer run, with the planned end marked; the bigger
    model, in its own colour, over the planned epochs. A grey line marks the best accuracy the data
    allow. `axes` holds two Axes per experiment, row by row (a new figure when None).
    """
    if not isinstance(experiments, list | tuple) or not experiments:
        raise ValueError("experiments must be a list of what plateau.experiment returns")
    for results in experiments:
        if not isinstance(results, dict) or not {"run", "bigger", "epochs", "case"} <= set(results):
            raise ValueError("experiments must be a list of what plateau.experiment returns")
    from .plateau import bayes_accuracy

    n = len(experiments)
    if axes is None:
        _, axes = plt.subplots(n, 2, figsize=(8, 2.6 * n), layout="constrained", sharex=True)
    axes = _axes_for(axes, 2 * n, None)
    for row, results in enumerate(experiments):
        left, right = axes[2 * row], axes[2 * row + 1]
        run, bigger, planned = results["run"], results["bigger"], results["epochs"]
        for ax, name, label in ((left, "loss", "loss"), (right, "accuracy", "accuracy")):
            for r, color, who in (
                (run, COLORS["run"], "the model"),
                (bigger, COLORS["second_run"], "a bigger model"),
            ):
                _curve(ax, r.curve(name), "training", color, f"{who}, training")
                _curve(ax, r.curve(f"val_{name}"), "validation", color, f"{who}, validation")
            ax.axvline(planned, color=COLORS["reference"], lw=1, ls=":")
            ax.spines[["top", "right"]].set_visible(False)
            ax.set_ylabel(label)
        left.set_title(results["case"], fontsize=10, loc="left")
        left.annotate(
            "planned end",
            (planned, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            fontsize=9,
            color=COLORS["reference"],
        )
        best = bayes_accuracy(results["label_noise"])
        right.axhline(best, color=COLORS["reference"], lw=1)
        right.annotate(
            f"best possible: {best:.0%}",
            (run.epochs, best),
            xytext=(-4, -12),
            textcoords="offset points",
            ha="right",
            fontsize=9,
            color=COLORS["reference"],
        )
        shown = np.concatenate(
            [r.curve(c) for r in (run, bigger) for c in ("accuracy", "val_accuracy")]
        )
        right.set_ylim(min(0.3, float(np.nanmin(shown)) - 0.02), 1.02)  # holds every curve
        right.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))
    axes[2 * n - 2].set_xlabel("epoch")
    axes[2 * n - 1].set_xlabel("epoch")
    axes[0].figure.legend(
        handles=axes[0].get_lines()[:4],
        loc="outside upper center",
        ncol=2,
        fontsize=9,
        frameon=False,
        handlelength=2.5,
    )
    return axes


def plot_clipping(frame, ax=None):
    """The loss of one sample against the probability it gives its true class, as Keras computes
    it from probabilities and from logits.

    `frame` has a column `p_true` and one column of losses per way of computing them (such as
    "from probabilities" and "from logits"); the x axis is logarithmic. The level -ln(epsilon) at
    which Keras clips, epsilon = 1e-7, is marked.
    """
    if not isinstance(frame, pd.DataFrame) or "p_true" not in frame or frame.shape[1] < 2:
        raise ValueError(
            "frame must be a DataFrame with a column p_true and at least one column of losses"
        )
    ax = _new_axes(ax, (7, 3.8))
    styles = [("-", COLORS["loss"], 2.5), ("--", COLORS["second_run"], 2)]
    for (column, values), (style, color, width) in zip(
        frame.drop(columns="p_true").items(), styles * len(frame.columns), strict=False
    ):
        ax.plot(frame["p_true"], values, ls=style, color=color, lw=width, label=str(column))
    floor = -np.log(1e-7)
    ax.axhline(floor, color=COLORS["reference"], lw=0.8, ls=":")
    ax.annotate(
        f"-ln(1e-7) = {floor:.3f}",
        (1, floor),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        fontsize=9,
        color=COLORS["reference"],
    )
    ax.set_xscale("log")
    ax.set_xlabel("probability of the true class (log scale)")
    ax.set_ylabel("loss of the sample")
    ax.set_ylim(0, None)
    ax.legend(fontsize=9, frameon=False, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


#: The colour of each outcome of `resolution.accuracy_resolution`.
_METRIC_COLORS = {
    "BinaryAccuracy": "binary_metric",
    "CategoricalAccuracy": "categorical_metric",
    "SparseCategoricalAccuracy": "sparse_metric",
    "refused": "refused",
}


def plot_resolution(table, ax=None):
    """What `metrics=["accuracy"]` becomes, as a grid: one row per loss, one column per output
    width and label shape, each cell coloured by the metric Keras chose (grey: Keras refused) and
    marked when Keras warned. `table` is `resolution.accuracy_resolution_table()`.
    """
    from .resolution import grid

    cells = grid(table)  # checks the table
    chosen = table["accuracy becomes"].where(table["error"] == "", "refused")
    metrics = table.assign(metric=chosen).set_index(["loss", "output units", "labels"])["metric"]
    ax = _new_axes(ax, (8.8, 3.4))
    for row, loss in enumerate(dict.fromkeys(table["loss"])):
        for column, (units, labels) in enumerate(cells.columns):
            text = cells.iloc[row, column]
            metric = metrics[(loss, units, labels)]
            ax.add_patch(
                plt.Rectangle(
                    (column, row),
                    1,
                    1,
                    facecolor=COLORS[_METRIC_COLORS[metric]],
                    edgecolor=COLORS["paper"],
                    lw=2,
                )
            )
            label = text.replace("SparseCategorical", "Sparse\nCategorical").replace(
                " (warns)", "\n(warns)"
            )
            ax.text(column + 0.5, row + 0.5, label, ha="center", va="center", fontsize=9)
    ax.set_xlim(0, len(cells.columns))
    ax.set_ylim(len(cells.index), 0)
    ax.set_yticks(np.arange(len(cells.index)) + 0.5, list(cells.index))
    ax.set_xticks(
        np.arange(len(cells.columns)) + 0.5,
        [
            f"{units} unit{'s' if units > 1 else ''}\nlabels {shape}"
            for units, shape in cells.columns
        ],
    )
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(
        handles=[
            Patch(color=COLORS[color], label=metric.replace("refused", "Keras refused"))
            for metric, color in _METRIC_COLORS.items()
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, 0),
        ncols=4,
        fontsize=9,
        frameon=False,
    )
    return ax


def plot_epoch_losses(table, loss_after, ax=None):
    """One training epoch as Keras logs it: each batch's loss, computed before its step, the
    running mean Keras logs after each step, the epoch's final mean (what History records), and
    `loss_after`, the loss of the model at the end of the epoch on the same data.

    `table` is `training.BatchLossRecorder.table()`.
    """
    check_columns(
        table,
        ("batch size", "loss before the step", "running mean"),
        "table",
        "training.BatchLossRecorder.table",
    )
    loss_after = check_positive(loss_after, "loss_after")
    ax = _new_axes(ax, (7, 3.8))
    batches = np.asarray(table.index, dtype=float)
    ax.plot(
        batches,
        table["loss before the step"],
        "o",
        color=COLORS["loss"],
        label="each batch's loss, before its step",
    )
    means = np.asarray(table["running mean"], dtype=float)
    ax.plot(  # the mean after each batch, across that batch's width: the last one shows too
        np.r_[batches - 0.5, batches[-1] + 0.5],
        np.r_[means, means[-1]],
        color=COLORS["reference"],
        lw=1.5,
        drawstyle="steps-post",
        label="the running mean Keras logs",
    )
    history = float(table["running mean"].iloc[-1])
    ax.axhline(
        history, color=COLORS["accuracy"], lw=2, ls="--", label=f"History's loss: {history:.3f}"
    )
    ax.axhline(
        loss_after,
        color=COLORS["disagree"],
        lw=2,
        ls=":",
        label=f"the model after the epoch: {loss_after:.3f}",
    )
    ax.set_xlabel("batch of the epoch")
    ax.set_ylabel("training loss")
    ax.set_xticks(batches)
    ax.set_ylim(0, None)
    ax.legend(fontsize=9, frameon=False, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
