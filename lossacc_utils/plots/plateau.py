"""Figures of a stuck accuracy: points in the plane, and the curves of each plateau experiment."""

from __future__ import annotations

import numpy as np

from ..validation import (
    as_array,
    check_class_indices,
)
from .runs import settled_epoch
from .style import (
    COLORS,
    MAX_NAME,
    MAX_PANELS,
    ROW_HEIGHT,
    axes_for,
    checked_title,
    curve,
    drawable,
    drawn_in_house_style,
    fitted,
    label_clear_of,
    new_axes,
    no_spines,
    percent,
    subplots,
)

__all__ = ["plot_plateau", "plot_points"]


@drawn_in_house_style
def plot_points(x, y, ax=None, title=None):
    """Points in the plane, coloured by their label, a class from 0 to 3 (`COLORS["class_0"]`
    and on: the figure has four colours)."""
    x = as_array(x, "x")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must hold points in the plane, of shape (n, 2); got {x.shape}")
    y = as_array(y, "y")
    if y.shape != (len(x),):
        raise ValueError(f"y must hold one label per point of x ({len(x)}); got shape {y.shape}")
    colours = sum(key.startswith("class_") for key in COLORS)
    if (y >= 0).all() and (y == np.round(y)).all() and y.max() >= colours:  # labels, too many
        raise ValueError(
            f"y must hold at most {colours} classes, one colour each (0 to {colours - 1}); "
            f"it holds label {y.max():g}"
        )
    y = check_class_indices(y, np.broadcast_to(0.0, (len(y), colours)), "y")
    title = checked_title(title)
    ax = new_axes(ax, 3.6, width=3.4, equal_scales=True)
    ax.scatter(x[:, 0], x[:, 1], c=[COLORS[f"class_{c}"] for c in y], s=6, lw=0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(fitted(title, ax, "title", bold=True), loc="left")
    return ax


#: The curves the figure draws of each run of an experiment.
_CURVES = ("loss", "accuracy", "val_loss", "val_accuracy")


def _checked_experiment(results, name: str) -> dict:
    """`results` (the caller's `name` for it, such as "experiments[0]"), checked by
    `plateau.check_experiment`, with the case's name the figure shows and every curve it draws,
    a number on at least one epoch of each."""
    from ..plateau import check_experiment

    results = check_experiment(results, name)
    if "case" not in results:
        raise ValueError(f"{name} must be what plateau.experiment returns; it lacks ['case']")
    for key in ("run", "bigger"):
        run = drawable(results[key], f"{name}[{key!r}]", negative_losses=True)  # drawn as they are
        for curve_name in _CURVES:
            if curve_name not in run.history:
                raise ValueError(
                    f"{name}[{key!r}] must have the curve {curve_name!r}; it has "
                    f"{sorted(run.history)}"
                )
            if np.isnan(run.history[curve_name]).all():
                raise ValueError(
                    f"{name}[{key!r}] must have a number for {curve_name} on at least one epoch; "
                    "it is NaN on every epoch (the run diverged)"
                )
    if results["dataset"] != "spirals" and results["run"].y_val is None:
        raise ValueError(
            f"{name}['run'] must hold its validation labels (y_val): the share of their most "
            "common class is drawn"
        )
    return results


@drawn_in_house_style
def plot_plateau(experiments, axes=None):
    """One row per experiment of `plateau.experiment`: losses (left) and accuracies (right).

    The case's model is drawn over the whole longer run, with the planned end marked; the bigger
    model, in its own colour, over the planned epochs. A grey line marks the best accuracy the data
    allow where it is known (spirals), and otherwise the share of the most common class, named
    where no curve runs (the axis leaves room above 100%). A loss below zero, which no
    cross-entropy of fitting labels can reach, is drawn as it is. The key, above the panels, names
    the runs' colours and the lines' styles. `axes` holds two Axes per experiment, row by row (a
    new figure when None).
    """
    if not isinstance(experiments, list | tuple):
        raise TypeError(
            "experiments must be a list of what plateau.experiment returns; got "
            f"{type(experiments).__name__}"
        )
    if not experiments:
        raise ValueError("experiments must hold at least one experiment; it is empty")
    if len(experiments) > MAX_PANELS // 2:  # two panels each
        raise ValueError(
            f"experiments must hold at most {MAX_PANELS // 2}, two panels each, the most panels "
            f"a figure holds; got {len(experiments)}"
        )
    experiments = [
        _checked_experiment(results, f"experiments[{i}]") for i, results in enumerate(experiments)
    ]
    from ..plateau import bayes_accuracy

    n = len(experiments)
    if axes is None:
        _, axes = subplots(n, 2, height=ROW_HEIGHT * n + 0.9, sharex=True)
    axes = axes_for(axes, 2 * n)
    notes = []
    for row, results in enumerate(experiments):
        left, right = axes[2 * row], axes[2 * row + 1]
        run, bigger, planned = results["run"], results["bigger"], results["epochs"]
        for ax, name, label in ((left, "loss", "loss"), (right, "accuracy", "accuracy")):
            for r, color, who in (
                (run, COLORS["run"], "the model"),
                (bigger, COLORS["second_run"], "a bigger model"),
            ):
                curve(ax, r.curve(name), "training", color, f"{who}, training")
                curve(ax, r.curve(f"val_{name}"), "validation", color, f"{who}, validation")
            ax.axvline(planned, color=COLORS["reference"], lw=1, ls=":")
            no_spines(ax)
            ax.set_ylabel(label)
        losses = [r.curve(c) for r in (run, bigger) for c in ("loss", "val_loss")]
        finite = np.concatenate([v[np.isfinite(v)] for v in losses])
        start = settled_epoch(run.val_loss, int(np.nanargmin(run.val_loss)) + 1, 0.5)
        later = np.concatenate([v[start - 1 :] for v in losses])
        later = later[np.isfinite(later)]
        top = float(later.max()) if len(later) else float(finite.max())
        bottom = min(0.0, float(finite.min()))
        left.set_ylim(1.1 * bottom, 1.1 * top if top > 0 else 0.1 * abs(bottom))
        name = f"experiments[{row}]['case']"
        case = fitted(results["case"], left, name, 1.0, bold=True, most=MAX_NAME)  # its panel
        left.set_title(case, loc="left")
        at_top = bottom >= 0  # where the curves are not: above them, or below zero's line
        left.annotate(
            "planned end",
            (planned, 1 if at_top else 0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -2 if at_top else 2),
            textcoords="offset points",
            va="top" if at_top else "bottom",
            color=COLORS["reference"],
        )
        if results["dataset"] == "spirals":
            best = bayes_accuracy(results["label_noise"])
            name = f"best possible:\n{best:.0%}"
        else:
            labels = np.asarray(run.y_val).astype(int)
            best = float(np.bincount(labels - labels.min()).max() / len(labels))
            name = f"most common\nclass: {best:.0%}"
        right.axhline(best, color=COLORS["reference"], lw=1)
        shown = np.concatenate(
            [r.curve(c) for r in (run, bigger) for c in ("accuracy", "val_accuracy")]
        )
        low = min(0.3, float(np.nanmin(shown)) - 0.02)
        # holds every curve, and two lines of text over the best accuracy, where no curve runs
        right.set_ylim(low, max(1.02, best + 0.35 * (best - low)))
        right.set_yticks([tick for tick in right.get_yticks() if low <= tick <= 1])
        percent(right)
        notes.append((right, best, name, run, bigger, planned))
    axes[2 * n - 2].set_xlabel("epoch")
    axes[2 * n - 1].set_xlabel("epoch")
    axes[0].figure.legend(
        handles=axes[0].get_lines()[:4],
        loc="outside upper center",
        ncol=2,
        handlelength=2.2,
        columnspacing=1,
    )
    for right, best, text, run, bigger, planned in notes:  # once the figure is laid out
        low, high = right.get_ylim()
        lines = [(right, [1, run.epochs], [best, best]), (right, [planned] * 2, [low, high])]
        for r in (run, bigger):
            for name in ("accuracy", "val_accuracy"):
                values = r.curve(name)
                lines.append((right, np.arange(1, len(values) + 1), values))
        side = "below" if run.val_accuracy[-1] > best + 0.02 else "above"  # away from the end
        label_clear_of(right, run.epochs, text, COLORS["reference"], lines, prefer=side)
    return axes
