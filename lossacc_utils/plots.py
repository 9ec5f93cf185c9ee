"""The book's figures.

Every function draws on the matplotlib `ax` it is given (a new figure when `ax` is None) and returns
that `ax`, so a notebook can place figures side by side and restyle them. Colours are defined once
here and mean the same thing in every figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch, Polygon

from .counterexample import PredictionSet
from .validation import as_array, check_count, check_positive, check_probabilities

__all__ = [
    "COLORS",
    "plot_along_line",
    "plot_costliest",
    "plot_loss_by_correctness",
    "plot_prediction_sets",
    "plot_rival_plane",
    "plot_run",
    "plot_simplex",
    "plot_true_class_histograms",
]

COLORS = {
    "correct": "#2a9d8f",  # a sample counted as correct
    "wrong": "#e76f51",  # a sample counted as wrong
    "low_loss": "#264653",  # the predictions whose loss is below a level
    "disagree": "#c1121f",  # verdicts where loss and accuracy rank things differently
    "agree": "#333333",
    "loss": "#1d3557",  # a loss curve
    "accuracy": "#e9c46a",  # an accuracy curve
}


def _new_axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_prediction_sets(a: PredictionSet, b: PredictionSet, ax=None, title=None):
    """Each sample's probability for its true class, for two prediction sets side by side.

    A bar is green when the sample is predicted correctly and orange when not, and is labelled with
    its loss. Under each group: the set's mean loss and accuracy; the title says whether loss and
    accuracy prefer the same set, after the optional `title` line.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, PredictionSet):
            raise TypeError(f"{name} must be a PredictionSet; got {type(value).__name__}")
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
    loss_prefers = a if a.loss < b.loss else b if b.loss < a.loss else None
    accuracy_prefers = a if a.accuracy > b.accuracy else b if b.accuracy > a.accuracy else None
    if loss_prefers and accuracy_prefers and loss_prefers is not accuracy_prefers:
        verdict, color = (
            f"Disagree: loss prefers {loss_prefers.name}, accuracy prefers {accuracy_prefers.name}",
            COLORS["disagree"],
        )
    else:
        verdict, color = "Loss and accuracy do not contradict each other", COLORS["agree"]
    if title:
        ax.text(0, 1.1, title, transform=ax.transAxes, fontsize=11, fontweight="bold")
    ax.set_title(verdict, color=color, fontsize=10, loc="left")
    ax.legend(
        handles=[
            Patch(color=COLORS["correct"], label="correct"),
            Patch(color=COLORS["wrong"], label="wrong"),
        ],
        loc="upper right",
        fontsize=8,
        frameon=False,
        ncols=2,
        title="bar labels: each sample's loss",
        title_fontsize=8,
    )
    return ax


# Corners of the probability triangle for three classes: the true class on top.
_CORNERS = np.array([[0.5, np.sqrt(3) / 2], [0.0, 0.0], [1.0, 0.0]])


def _to_xy(probabilities) -> np.ndarray:
    """Barycentric (p_true, p_1, p_2) to the plane of the triangle."""
    return np.asarray(probabilities, dtype=float) @ _CORNERS


def plot_simplex(loss_level=0.8, points=None, ax=None):
    """All predictions for one sample of three classes, as a triangle, with two regions marked.

    Each point of the triangle is a prediction (p_true, p_1, p_2); the corners are certainty.
    Shaded: predictions counted correct (the true class has the largest probability). Hatched:
    predictions whose loss -ln p_true is below `loss_level`. `points` maps labels to predictions
    (true class first) to be marked.
    """
    level = check_positive(loss_level, "loss_level")
    ax = _new_axes(ax, (5, 4.6))
    third = 1 / 3
    correct = [[1, 0, 0], [0.5, 0.5, 0], [third, third, third], [0.5, 0, 0.5]]
    ax.add_patch(
        Polygon(
            _to_xy(correct),
            color=COLORS["correct"],
            alpha=0.35,
            lw=0,
            label="counted correct (argmax is the true class)",
        )
    )
    t = float(np.exp(-level))
    cheap = [[1, 0, 0], [t, 1 - t, 0], [t, 0, 1 - t]]
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
    ax.add_patch(Polygon(_CORNERS, fill=False, edgecolor="black", lw=1))
    for corner, text, offset in zip(
        _CORNERS,
        ["true class\ncertain", "class 1\ncertain", "class 2\ncertain"],
        [(0, 8), (-4, -22), (4, -22)],
        strict=True,
    ):
        ax.annotate(
            text, corner, textcoords="offset points", xytext=offset, ha="center", fontsize=8
        )
    for label, probabilities in (points or {}).items():
        probabilities = check_probabilities(
            as_array(probabilities, f"points[{label!r}]"), f"points[{label!r}]"
        )
        if probabilities.shape != (3,) or not np.isclose(probabilities.sum(), 1):
            raise ValueError(f"points[{label!r}] must be 3 probabilities summing to 1")
        x, y = _to_xy(probabilities)
        left = x < 0.5
        ax.plot(x, y, "o", color="black", ms=4)
        ax.annotate(
            label,
            (x, y),
            textcoords="offset points",
            xytext=(-6 if left else 6, -3),
            ha="right" if left else "left",
            va="top",
            fontsize=8,
        )
    ax.set_xlim(-0.12, 1.12)
    ax.set_ylim(-0.42, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(loc="lower center", fontsize=8, frameon=False)
    return ax


def plot_rival_plane(n_classes=10, loss_level=0.8, ax=None):
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
        p, lowest_rival, highest_rival, color="0.88", lw=0, label="reachable predictions"
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
    ax.axvline(t, color=COLORS["low_loss"], lw=1.2)
    ax.plot([0, 0.5], [0, 0.5], color="black", lw=0.8, ls="--")
    arrow = {"arrowstyle": "->", "color": "black", "lw": 0.8}
    if t < 0.5:  # predictions with a low loss that are still wrong
        x = (t + 0.5) / 2
        ax.annotate(
            "cheap but wrong",
            (x, (x + 1 - x) / 2 + 0.01),
            xytext=(0.6, 0.68),
            fontsize=8,
            arrowprops=arrow,
        )
    if t > 1 / n_classes:  # predictions counted correct whose loss is still high
        x = (t + max(1 / n_classes, t / 2)) / 2
        ax.annotate(
            "correct but costly",
            (x, (x + (1 - x) / (n_classes - 1)) / 2),
            xytext=(0.02, 0.02) if n_classes > 3 else (0.05, 0.12),
            fontsize=8,
            arrowprops=arrow,
        )
    ax.set_xlabel("probability of the true class, p_true (loss = -ln p_true)")
    ax.set_ylabel("probability of the strongest other class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{n_classes} classes", fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    return ax


def plot_along_line(frame, ax=None):
    """Loss (left axis) and accuracy (right axis) of a model whose weights move along a line.

    `frame` has columns alpha, loss and accuracy, as `training.loss_and_accuracy_along_line`
    returns it; alpha 0 is the starting weights and alpha 1 the trained ones. The loss is a smooth
    curve; the accuracy moves in steps, and is flat between them, where its gradient is zero.
    """
    missing = {"alpha", "loss", "accuracy"} - set(getattr(frame, "columns", []))
    if missing:
        raise ValueError(
            f"frame must have columns alpha, loss and accuracy; missing {sorted(missing)}"
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
    right.set_ylabel("accuracy", color="#9a7b16")
    right.set_ylim(-0.02, 1.02)
    for alpha, text in ((0, "initial"), (1, "trained")):
        ax.axvline(alpha, color="0.6", lw=0.8, ls=":")
        ax.annotate(
            text,
            (alpha, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
            color="0.4",
        )
    handles = ax.get_lines()[:1] + right.get_lines()[:1]
    ax.legend(handles=handles, loc="center right", fontsize=8, frameon=False)
    ax.spines[["top"]].set_visible(False)
    right.spines[["top"]].set_visible(False)
    return ax


def plot_run(run, ax=None, title=None):
    """The training curves of a run: losses (left, log scale) and accuracies (right).

    Training curves are solid, validation curves dashed. The epoch of the lowest validation loss
    is marked, and the stretch after it, where the validation loss climbs back, is shaded.
    """
    from .curves import summarize

    best = summarize(run)
    epochs = np.arange(1, len(run["val_loss"]) + 1)
    ax = _new_axes(ax, (8, 4.2))
    ax.plot(epochs, run["loss"], color=COLORS["loss"], lw=1.5, label="training loss")
    ax.plot(epochs, run["val_loss"], color=COLORS["loss"], lw=2, ls="--", label="validation loss")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)", color=COLORS["loss"])
    right = ax.twinx()
    right.plot(epochs, run["accuracy"], color=COLORS["accuracy"], lw=1.5, label="training accuracy")
    right.plot(
        epochs, run["val_accuracy"], color="#b8860b", lw=2, ls="--", label="validation accuracy"
    )
    right.set_ylabel("accuracy", color="#9a7b16")
    right.set_ylim(min(0.5, min(run["val_accuracy"][len(epochs) // 10 :])) - 0.02, 1.01)
    ax.axvspan(best["best_epoch"], epochs[-1], color="0.9", zorder=0)
    ax.axvline(best["best_epoch"], color=COLORS["disagree"], lw=1, ls=":")
    ax.plot(best["best_epoch"], best["best_val_loss"], "o", color=COLORS["disagree"])
    ax.annotate(
        f"lowest validation loss\n(epoch {best['best_epoch']})",
        (best["best_epoch"], best["best_val_loss"]),
        textcoords="offset points",
        xytext=(8, -28),
        fontsize=8,
        color=COLORS["disagree"],
    )
    handles = ax.get_lines()[:2] + right.get_lines()[:2]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="center right")
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_loss_by_correctness(frame, ax=None):
    """The validation loss over epochs, split into what its correct and wrong samples contribute.

    `frame` is `curves.loss_by_correctness(run)`; the two parts are stacked and add up to the loss.
    """
    missing = {"from correct samples", "from wrong samples"} - set(getattr(frame, "columns", []))
    if missing:
        raise ValueError(
            f"frame must come from curves.loss_by_correctness; missing {sorted(missing)}"
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
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_true_class_histograms(run, epochs, axes=None):
    """For each of `epochs`, a histogram of the probability each validation sample gives its
    true class: correct samples in green, misclassified ones in orange (counts on a log scale)."""
    probabilities, y = run["val_probabilities"], np.asarray(run["y_val"])
    epochs = list(epochs)
    missing = [e for e in epochs if e not in probabilities]
    if missing:
        raise ValueError(f"epochs {missing} were not recorded in the run")
    if axes is None:
        _, axes = plt.subplots(
            1, len(epochs), figsize=(3.2 * len(epochs), 3), sharey=True, layout="constrained"
        )
    axes = np.atleast_1d(axes)
    bins = np.linspace(0, 1, 26)
    for ax, epoch in zip(axes, epochs, strict=True):
        p = probabilities[epoch]
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
    axes[0].legend(fontsize=8, frameon=False, loc="upper center")
    return axes


def plot_costliest(run, table, axes=None):
    """The validation images listed in `table` (from `curves.costliest_samples`), each titled
    with its true and predicted class, the probability given to the truth, and its loss."""
    images = np.asarray(run["x_val"])
    if axes is None:
        rows = -(-len(table) // 4)
        _, axes = plt.subplots(
            rows, min(len(table), 4), figsize=(7, 2.3 * rows), layout="constrained"
        )
    axes = np.atleast_1d(axes).ravel()
    for ax, (_, row) in zip(axes, table.iterrows(), strict=True):
        ax.imshow(images[int(row["sample"])][..., 0], cmap="gray_r")
        ax.set_title(
            f"true {int(row['true class'])}, said {int(row['predicted'])}\n"
            f"p(true) {row['p(true class)']:.0e}\nloss {row['loss']:.1f}",
            fontsize=8,
        )
        ax.axis("off")
    return axes


def plot_reliability(bins, ax=None, title=None):
    """A reliability diagram: each confidence bin's accuracy against its mean confidence.

    `bins` is `calibration.calibration_bins(...)`. Bars show each bin's accuracy; the diagonal is
    perfect calibration; red bars mark the gap between accuracy and mean confidence (below the
    diagonal: over-confident). The number of samples in each bin is written under its bar, which
    the diagrams of Guo et al. (2017) leave out: a bin with a handful of samples says little.
    """
    missing = {"lower", "upper", "count", "accuracy", "confidence"} - set(
        getattr(bins, "columns", [])
    )
    if missing:
        raise ValueError(
            f"bins must come from calibration.calibration_bins; missing {sorted(missing)}"
        )
    ax = _new_axes(ax, (4.6, 4.6))
    width = float(bins["upper"].iloc[0] - bins["lower"].iloc[0])
    filled = bins[bins["count"] > 0]
    centres = (filled["lower"] + filled["upper"]) / 2
    ax.bar(
        centres,
        filled["accuracy"],
        width=width,
        color=COLORS["loss"],
        alpha=0.85,
        edgecolor="white",
        label="accuracy in the bin",
    )
    ax.bar(
        centres,
        filled["confidence"] - filled["accuracy"],
        bottom=filled["accuracy"],
        width=width,
        color=COLORS["disagree"],
        alpha=0.35,
        edgecolor=COLORS["disagree"],
        label="gap to the mean confidence",
    )
    ax.plot([0, 1], [0, 1], color="0.3", ls="--", lw=1, label="perfect calibration")
    for x, n in zip(centres, filled["count"], strict=True):
        ax.annotate(
            f"{int(n)}",
            (x, 0),
            xytext=(0, -11),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color="0.3",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(
        "confidence (largest predicted probability);\nsamples per bin below the axis", fontsize=9
    )
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_threshold_sweep(y_true, scores, threshold=0.5, ax=None):
    """Accuracy, balanced accuracy, precision, recall and F1 of a binary classifier against its
    decision threshold, with the scores at `threshold` marked and written in the title."""
    from . import metrics

    threshold = float(threshold)
    grid = np.linspace(0.01, 0.99, 99)
    curves = {
        "accuracy": lambda t: float(metrics.binary_accuracy(y_true, scores, t).mean()),
        "balanced accuracy": lambda t: metrics.balanced_accuracy(y_true, scores, t),
        "precision": lambda t: metrics.precision(y_true, scores, t),
        "recall": lambda t: metrics.recall(y_true, scores, t),
        "F1": lambda t: metrics.f1_score(y_true, scores, t),
    }
    ax = _new_axes(ax, (6.5, 4))
    for (name, score), style in zip(curves.items(), ["-", "--", "-", "-", ":"], strict=True):
        ax.plot(grid, [score(t) for t in grid], ls=style, lw=1.8, label=name)
    ax.axvline(threshold, color="0.3", lw=1)
    values = ", ".join(f"{name} {score(threshold):.2f}" for name, score in curves.items())
    ax.set_title(f"threshold {threshold:.2f}: {values}", fontsize=8, loc="left")
    ax.set_xlabel("decision threshold (predict the rare class when the score is above it)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
