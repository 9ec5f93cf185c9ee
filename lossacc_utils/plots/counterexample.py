"""Figures of the counterexample: two prediction sets, the triangle of a three-class prediction,
the plane of the true class against its strongest rival, and loss and accuracy along a line."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.patches import Patch, Polygon

from .. import prose
from ..counterexample import PredictionSet, disagree, verdict
from ..validation import (
    MAX_ENTRIES,
    as_array,
    check_column,
    check_columns,
    check_count,
    check_positive,
    check_probabilities,
)
from .style import (
    COLORS,
    LARGEST,
    MAX_NAME,
    ROW_HEIGHT,
    checked_title,
    distinct_names,
    drawn_in_house_style,
    fitted,
    label_clear_of,
    new_axes,
    no_spines,
    percent,
)

__all__ = ["plot_along_line", "plot_prediction_sets", "plot_rival_plane", "plot_simplex"]


@drawn_in_house_style
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
    title = checked_title(title)
    ax = new_axes(ax, 3.6)
    x, centers = 0, []
    for predictions in (a, b):
        positions = x + np.arange(len(predictions.y_true))
        colors = [COLORS["correct" if ok else "wrong"] for ok in predictions.correct]
        bars = ax.bar(positions, predictions.true_class_probabilities, color=colors, width=0.8)
        ax.bar_label(bars, labels=[prose.fixed(v, 2) for v in predictions.losses], padding=2)
        centers.append(positions.mean())
        x = positions[-1] + 2
    ax.set_xticks(
        centers,
        [
            f"{fitted(p.name, ax, f'{arg}.name', 0.5, most=MAX_NAME)}\n"
            f"loss {prose.fixed(p.loss, 3)}\naccuracy {prose.percent(p.accuracy, 0)}"
            for arg, p in (("a", a), ("b", b))
        ],
    )
    ax.tick_params(axis="x", length=0)
    ax.set_ylim(0, 1.3)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel("p(true class)")
    no_spines(ax)
    sentence = verdict(a, b)  # it names the sets
    if len(sentence) > 36:  # the loss's choice, then the accuracy's, on two lines
        sentence = sentence.replace("; ", ";\n", 1)
    sentence = fitted(sentence, ax, "a.name and b.name", most=None)  # the names fitted above
    color = COLORS["disagree"] if disagree(a, b) else COLORS["agree"]
    above = ax.set_title(sentence, color=color, loc="left", fontweight="normal")
    if title:
        ax.annotate(
            fitted(title, ax, "title", bold=True),
            (0, 1),
            xycoords=above,
            xytext=(0, 3),
            textcoords="offset points",
            fontweight="bold",
        )
    ax.legend(
        handles=[
            Patch(color=COLORS["correct"], label="correct"),
            Patch(color=COLORS["wrong"], label="wrong"),
        ],
        loc="upper center",
        ncols=2,
        title="numbers: each sample's loss",
        borderaxespad=0.1,
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


@drawn_in_house_style
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
    labels = distinct_names(points or {}, "points' labels")
    for (label, probabilities), text in zip((points or {}).items(), labels, strict=True):
        probabilities = check_probabilities(
            as_array(probabilities, f"points[{label!r}]"), f"points[{label!r}]"
        )
        if probabilities.shape != (3,) or not np.isclose(probabilities.sum(), 1):
            raise ValueError(f"points[{label!r}] must be 3 probabilities summing to 1")
        marked[text] = probabilities
    ax = new_axes(ax, 5.6, equal_scales=True)
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
            label=f"loss below {level:.3g} (p_true > {prose.fixed(t, 2)})",
        )
    )
    ax.add_patch(Polygon(_CORNERS, fill=False, edgecolor=COLORS["ink"], lw=1))
    for corner, text, offset in zip(
        _CORNERS,
        ["certain of the true class", "certain of\nanother class", "certain of\nthe third class"],
        [(0, 6), (-2, -30), (2, -30)],
        strict=True,
    ):
        ax.annotate(text, corner, textcoords="offset points", xytext=offset, ha="center")
    arrow = {"arrowstyle": "-", "color": COLORS["ink"], "lw": 0.6}
    for label, probabilities in marked.items():
        x, y = _to_xy(probabilities)
        left = x < 0.5
        ax.plot(x, y, "o", color=COLORS["ink"], ms=4)
        ax.annotate(  # below the point, out towards the side it lies on
            fitted(label, ax, "points' labels", share=0.45, most=MAX_NAME),
            (x, y),
            xytext=(0.2 if left else 0.8, y - 0.16),
            ha="center",
            va="top",
            arrowprops=arrow,
        )
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.22, 0.95)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.02))
    return ax


@drawn_in_house_style
def plot_rival_plane(n_classes=10, loss_level=1.0, ax=None):
    """For K classes: the true class's probability against the strongest rival's.

    Any prediction for one sample is a point here. Its loss depends only on p_true (left to right);
    whether it is correct depends on p_true against the strongest rival (the diagonal). The grey
    area is every point that K probabilities summing to 1 can reach.
    """
    n_classes = check_count(n_classes, "n_classes", low=2, high=MAX_ENTRIES)  # 1e400 is no float
    level = check_positive(loss_level, "loss_level")
    ax = new_axes(ax, 5.4)
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
        ax.annotate("cheap but wrong", (x, 0.51), xytext=(0.55, 0.62), arrowprops=arrow)
    if t > 1 / n_classes:  # predictions counted correct whose loss is still high
        x = (t + max(1 / n_classes, t / 2)) / 2
        ax.annotate(
            "correct but costly",
            (x, (x + (1 - x) / (n_classes - 1)) / 2),
            xytext=(0.02, 0.02) if n_classes > 3 else (0.05, 0.12),
            arrowprops=arrow,
        )
    ax.set_xlabel("p_true, the probability of the true class\n(the loss is -ln p_true)")
    ax.set_ylabel("p of the strongest other class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{n_classes} classes", loc="left")
    ax.legend(loc="upper right", borderaxespad=0.1)
    return ax


@drawn_in_house_style
def plot_along_line(frame, ax=None):
    """Loss (left axis) and accuracy (right axis) of a model whose weights move along a line.

    `frame` has columns alpha, loss and accuracy, as `training.loss_and_accuracy_along_line`
    returns it; alpha (α on the x axis) 0 is the starting weights and alpha 1 the trained ones.
    The loss is a smooth curve; the accuracy moves in steps, and is flat between them, where its
    gradient is zero. Each curve is named beside it, clear of both, and each axis in its curve's
    colour.
    """
    check_columns(
        frame, ("alpha", "loss", "accuracy"), "frame", "training.loss_and_accuracy_along_line"
    )
    alpha = check_column(frame, "alpha", "frame")
    # a loss of NaN or infinity (weights that overflow) has no place on the axis
    loss = check_column(frame, "loss", "frame", low=0, high=LARGEST)
    accuracy = check_column(frame, "accuracy", "frame", low=0, high=1)
    ax = new_axes(ax, ROW_HEIGHT + 0.6)
    ax.plot(frame["alpha"], frame["loss"], color=COLORS["loss"], lw=2, label="loss (left axis)")
    ax.set_xlabel("α along the line (0: initial weights, 1: trained)")
    ax.set_ylabel("loss", color=COLORS["loss"])
    ax.tick_params(axis="y", colors=COLORS["loss"])
    ax.set_ylim(0, 1.1 * float(loss.max()) if loss.max() > 0 else 1)
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
    right.tick_params(axis="y", colors=COLORS["accuracy"])
    right.set_ylim(-0.02, 1.02)
    percent(right)
    for end, text in ((0, "initial"), (1, "trained")):
        ax.axvline(end, color=COLORS["reference"], lw=0.8, ls=":")
        ax.annotate(  # above the plot, where no curve runs
            text,
            (end, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            color=COLORS["reference"],
        )
    no_spines(ax, "top")
    no_spines(right, "top")
    # each curve named once the panel is laid out, clear of both: the loss under its start, where
    # it is high and the accuracy low, the accuracy under its end
    lines = [(ax, alpha, loss), (right, alpha, accuracy)]
    label_clear_of(ax, alpha[0], "loss", COLORS["loss"], lines, "left", "below")
    label_clear_of(right, alpha[-1], "accuracy", COLORS["accuracy"], lines[::-1], prefer="below")
    return ax
