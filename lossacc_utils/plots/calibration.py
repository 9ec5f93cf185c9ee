"""Figures of calibration and of a binary classifier's scores: reliability diagrams, the loss
against the calibration error, what label smoothing changes, and scores against the threshold."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import calibration, curves, metrics, prose
from .. import scores as scoring
from ..runs import Run, recorded_epochs, with_predictions
from ..validation import (
    check_binary_scores,
    check_bool,
    check_column,
    check_columns,
    check_count,
    check_fraction,
)
from .runs import settled_epoch
from .style import (
    COLORS,
    ROW_HEIGHT,
    axes_for,
    checked_title,
    curve,
    drawable,
    drawn_in_house_style,
    fitted,
    label_clear_of,
    mark_epoch,
    new_axes,
    no_spines,
    renderer_of,
)

__all__ = [
    "OVER_CONFIDENT",
    "UNDER_CONFIDENT",
    "plot_label_smoothing",
    "plot_loss_and_ece",
    "plot_reliability",
    "plot_threshold_sweep",
]

#: How the temperature explorer names its two kinds of gap.
UNDER_CONFIDENT = "the bar's top, above the mean confidence:\nunder-confident"
OVER_CONFIDENT = "above the bar, up to the mean confidence:\nover-confident"

#: A reliability bin holding fewer than this share of the samples (or 5 samples) is only outlined.
FEW_SAMPLES = 0.01


#: The room between two rows of a constrained layout, as a share of a row's height, that a
#: reliability diagram's strip and its axis label take below the diagram.
STRIP_ROOM = 0.12


def _make_room_below(ax, room: float) -> None:
    """Widen the gap between rows of `ax`'s figure to at least `room` (a share of a row): the
    constrained layout ignores the strip hung under the axes, so a diagram drawn above another
    would otherwise have its strip's label run into the next one's title."""
    engine = ax.figure.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(hspace=max(engine.get()["hspace"], room))


def _check_bins(bins) -> None:
    """Check `bins` is a table of `calibration.calibration_bins`: bins of one width within [0, 1],
    each with a whole count of samples, at least one sample in all, and where a bin holds any, an
    accuracy and a mean confidence in [0, 1]."""
    check_columns(
        bins,
        ("lower", "upper", "count", "accuracy", "confidence"),
        "bins",
        "calibration.calibration_bins",
    )
    lower = check_column(bins, "lower", "bins", low=0, high=1)
    upper = check_column(bins, "upper", "bins", low=0, high=1)
    width = upper - lower
    if (width <= 0).any() or not np.allclose(width, width[0], rtol=1e-9, atol=1e-12):
        raise ValueError(
            "bins must be bins of one width, each from its lower edge up to a higher upper edge, "
            "as calibration.calibration_bins makes them"
        )
    count = check_column(bins, "count", "bins", low=0)
    if (count != np.round(count)).any():
        raise ValueError("bins['count'] must hold whole numbers of samples")
    if count.sum() == 0:
        raise ValueError("bins must hold at least one sample; every count is 0")
    filled = count > 0
    for column in ("accuracy", "confidence"):
        values = check_column(bins, column, "bins", low=0, high=1, finite=False)[filled]
        if np.isnan(values).any():
            raise ValueError(
                f"bins[{column!r}] must be a number in every bin that holds samples; it is NaN in "
                f"bin {int(np.flatnonzero(filled)[np.argmax(np.isnan(values))])}"
            )


@drawn_in_house_style
def plot_reliability(bins, ax=None, title=None, legend=True):
    """A reliability diagram in the form of Guo et al. (2017): each confidence bin's accuracy as a
    bar, against the diagonal of perfect calibration.

    `bins` is `calibration.calibration_bins(...)`. Each bar rises to its bin's accuracy. The gap
    between that and the bin's mean confidence is a hatched red box: above the bar where the model
    is over-confident, over the bar's top where it is under-confident. Bins holding fewer than 1%
    of the samples (or 5) are only outlined, with no gap: they say little. The expected
    calibration error, the gaps weighted by their bins' counts, is written in the panel. A strip
    under the axes counts the samples in each bin (on a log scale), which Guo et al. leave out.
    The key goes under the strip, outside the axes (a tight save holds it), where nothing else is
    drawn: of two diagrams one above the other, give it to the lower one and `legend=False` to the
    upper. Returns `ax`; the strip, which holds the key, is `ax.child_axes[0]`.
    """
    _check_bins(bins)
    title = checked_title(title)
    legend = check_bool(legend, "legend")
    ax = new_axes(ax, 5.0, width=4.4)
    width = float(bins["upper"].iloc[0] - bins["lower"].iloc[0])
    filled = bins[bins["count"] > 0]
    centres = ((filled["lower"] + filled["upper"]) / 2).to_numpy()
    accuracy, confidence = filled["accuracy"].to_numpy(), filled["confidence"].to_numpy()
    count = filled["count"].to_numpy()
    few = count < max(5, FEW_SAMPLES * count.sum())
    strength = np.where(few, 0.3, 1.0)
    # bins with enough samples: a solid bar, and the gap to the mean confidence hatched red;
    # the others only outlined, with no gap drawn: a handful of samples says little
    ax.bar(
        centres[~few], accuracy[~few], width=width, color=COLORS["loss"], edgecolor=COLORS["paper"]
    )
    ax.bar(
        centres[~few],
        np.abs(confidence - accuracy)[~few],
        bottom=np.minimum(accuracy, confidence)[~few],
        width=width,
        facecolor=(*to_rgb(COLORS["gap"]), 0.3),
        edgecolor=COLORS["gap"],
        hatch="//",
        lw=0.8,
    )
    ax.bar(
        centres[few],
        accuracy[few],
        width=width,
        facecolor="none",
        edgecolor=COLORS["reference"],
        lw=0.8,
        ls=":",
    )
    ax.plot([0, 1], [0, 1], color=COLORS["reference"], ls="--", lw=1)
    ece = float(np.sum(count * np.abs(accuracy - confidence)) / max(count.sum(), 1))
    ax.text(0.03, 0.97, f"ECE {ece:.3f}", transform=ax.transAxes, va="top")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel("accuracy in the bin")
    ax.tick_params(labelbottom=False)
    no_spines(ax)
    if title:
        ax.set_title(fitted(title, ax, "title", bold=True), loc="left")
    strip = ax.inset_axes([0, -0.3, 1, 0.22], sharex=ax)
    _make_room_below(ax, STRIP_ROOM)
    strip.bar(centres, count, width=width, color=COLORS["reference"], edgecolor=COLORS["paper"])
    for bar, alpha in zip(strip.patches, strength, strict=True):
        bar.set_alpha(alpha)
    strip.set_yscale("log")
    strip.set_ylim(0.7, 3 * max(float(count.max()), 1))
    strip.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    strip.yaxis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
    strip.set_ylabel("samples")
    strip.set_xticks([0, 0.5, 1])
    strip.set_xlabel("confidence (the largest probability)")
    no_spines(strip)
    if not legend:
        return ax
    strip.legend(  # under the strip, outside the diagram: it covers no bar
        handles=[
            Patch(color=COLORS["loss"], label="accuracy in the bin"),
            Patch(
                facecolor=(*to_rgb(COLORS["gap"]), 0.3),
                edgecolor=COLORS["gap"],
                hatch="//",
                label="gap to its mean confidence",
            ),
            Patch(
                facecolor="none",
                edgecolor=COLORS["reference"],
                ls=":",
                label="outlined: under 1% of the samples",
            ),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.75),
    )
    return ax


@drawn_in_house_style
def plot_threshold_sweep(y_true, scores, threshold=0.5, ax=None):
    """Accuracy, balanced accuracy, precision, recall and F1 of a binary classifier against its
    decision threshold, with the scores at `threshold` marked and written in the title.

    `y_true` holds 0 and 1 (1 the rare class); `scores` the classifier's score in [0, 1] for each,
    rounded to float32 as the threshold explorer rounds them, so that the title, the curves and
    the explorer agree.
    """
    y_true, scores = check_binary_scores(y_true, scores)
    threshold = check_fraction(threshold, "threshold")
    ax = new_axes(ax, ROW_HEIGHT + 2.2)
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
    values = [f"{name} {prose.fixed(score(threshold), 2)}" for name, score in sweep.items()]
    title = (
        f"threshold {prose.fixed(threshold, 2)}: {', '.join(values[:2])},\n"
        f"{', '.join(values[2:4])},\n{values[4]}"
    )
    ax.set_title(title, loc="left", fontweight="normal")
    ax.set_xlabel("decision threshold:\nscores above it predict the rare class")
    ax.set_ylim(0, 1.02)
    ax.legend(  # under the axes: the curves reach every corner of the plot
        loc="upper center", bbox_to_anchor=(0.5, -0.32), ncols=3, columnspacing=1
    )
    no_spines(ax)
    return ax


def _ece(run: Run, epoch: int, n_bins: int) -> float:
    return calibration.expected_calibration_error(run.y_val, run.val_probabilities[epoch], n_bins)


@drawn_in_house_style
def plot_loss_and_ece(run, epochs=None, n_bins=15, ax=None):
    """The validation loss (left axis) and the expected calibration error (right axis) over the
    epochs, on linear axes from 0 that hold what they show, with the epoch of the lowest validation
    loss marked when it is shown. Each curve is named beside it, each axis in its curve's colour.

    `run` is a `runs.Run` that recorded its validation predictions; the ECE (with `n_bins` bins)
    is computed at each of `epochs` (every recorded epoch when None), the loss drawn at every epoch
    from the first of them to the last. Both are validation curves, so both are dashed.
    """
    run = drawable(with_predictions(run))
    epochs = recorded_epochs(run, run.val_log_probabilities if epochs is None else epochs)
    epochs = sorted(set(epochs))  # a curve runs forward in time, in whatever order they came
    n_bins = check_count(n_bins, "n_bins")
    best = curves.summarize(run)["best_epoch"]
    ece = [_ece(run, epoch, n_bins) for epoch in epochs]
    span = np.arange(min(epochs), max(epochs) + 1)
    loss = run.val_loss[span - 1]
    ax = new_axes(ax, ROW_HEIGHT + 0.6)
    curve(ax, loss, "validation", COLORS["loss"], "validation loss", span)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss", color=COLORS["loss"])
    ax.tick_params(axis="y", colors=COLORS["loss"])
    right = ax.twinx()
    curve(right, ece, "validation", COLORS["ece"], "validation ECE", epochs)
    right.set_ylabel("calibration error (ECE)", color=COLORS["ece"])
    right.tick_params(axis="y", colors=COLORS["ece"])
    for axis, values in ((ax, loss), (right, ece)):
        shown = np.asarray(values, dtype=float)
        shown = shown[np.isfinite(shown)]
        top = 1.15 * float(shown.max()) if len(shown) and shown.max() > 0 else 1
        axis.set_ylim(0, top)
    if len(span) > 1:  # one epoch alone has no width: matplotlib pads it
        ax.set_xlim(span[0], span[-1])
    if span[0] <= best <= span[-1]:
        mark_epoch(ax, best, f"lowest validation\nloss: epoch {best}", y=0.2)
    no_spines(ax, "top")
    no_spines(right, "top")
    # each curve named at the left, under the curves, where neither runs (nor the note above):
    # the loss first, then the ECE beside it
    lines = [(ax, span, loss), (right, epochs, ece)]
    first = label_clear_of(ax, span[0], "loss", COLORS["loss"], lines, "left", "below")
    end = first.get_window_extent(renderer_of(ax.figure)).x1 + ax.figure.dpi / 6
    beside = float(ax.transData.inverted().transform((end, 0))[0])
    label_clear_of(right, beside, "ECE", COLORS["ece"], lines[::-1], "left", "below")
    return ax


@drawn_in_house_style
def plot_label_smoothing(run, smoothed, n_bins=15, axes=None):
    """What label smoothing changes, in two panels, one above the other.

    Top: the validation losses over the epochs, scaled to the epochs after the first few
    (`runs.settled_epoch`). `smoothed` is a `runs.Run` trained with label smoothing, whose history
    holds `val_cross_entropy`, the plain cross-entropy, next to the `val_loss` Keras reports
    against the smoothed targets (dotted: a loss of another definition); `run` is the same model
    trained without smoothing, whose `val_loss` is its plain cross-entropy. Below: the validation
    ECE (with `n_bins` bins) of each run at its last epoch. Each run has one colour. `axes` holds
    two Axes (a new figure when None); returns them.
    """
    run = drawable(with_predictions(run, "run"))
    smoothed = drawable(with_predictions(smoothed, "smoothed"), "smoothed")
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
    curves_drawn = (
        ("run", run, "val_loss"),
        ("smoothed", smoothed, "val_cross_entropy"),
        ("smoothed", smoothed, "val_loss"),
    )
    for name, r, column in curves_drawn:
        if column not in r.history:
            raise ValueError(f"{name} must have the curve {column!r}; it has {sorted(r.history)}")
        if np.isnan(r.curve(column)).all():
            raise ValueError(
                f"{name} must have a finite {column} on at least one epoch; it is NaN on every "
                "epoch (the run diverged)"
            )
    n_bins = check_count(n_bins, "n_bins")
    axes = axes_for(  # epochs above, confidence below: no axis to share
        axes, 2, (2, 1), height=ROW_HEIGHT + 3.0, shared=(), height_ratios=[2.4, 1]
    )
    top, bottom = axes[0], axes[1]
    drawn = [
        (run.val_loss, "--", COLORS["run"], "without smoothing: val_loss"),
        (
            smoothed.curve("val_cross_entropy"),
            "--",
            COLORS["second_run"],
            "with smoothing: plain cross-entropy",
        ),
        (
            smoothed.val_loss,
            ":",
            COLORS["second_run"],
            "with smoothing: reported val_loss\n(against the smoothed targets)",
        ),
    ]
    shown = []
    for values, style, color, label in drawn:
        values = np.asarray(values, dtype=float)
        top.plot(np.arange(1, len(values) + 1), values, color=color, ls=style, lw=2, label=label)
        best = int(np.nanargmin(values)) + 1
        start = settled_epoch(values, best, 0.5 * float(np.nanmin(values)))
        shown.append(values[start - 1 :])
    finite = np.concatenate(shown)
    finite = finite[np.isfinite(finite)]
    top.set_ylim(0, 1.1 * float(finite.max()) if len(finite) else 1)
    top.set_xlim(1, max(run.epochs, smoothed.epochs))
    top.set_xlabel("epoch")
    top.set_ylabel("validation loss")
    top.set_title("Validation losses", loc="left")
    top.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=1)
    no_spines(top)
    names = ["without smoothing", "with smoothing"]
    ece = [_ece(r, r.epochs, n_bins) for r in (run, smoothed)]
    bars = bottom.barh(names, ece, color=[COLORS["run"], COLORS["second_run"]], height=0.6)
    bottom.bar_label(bars, fmt="%.3f", padding=3)
    bottom.invert_yaxis()
    bottom.set_xlabel("validation ECE at the last epoch")
    bottom.set_xlim(0, 1.25 * max(ece) if max(ece) > 0 else 1)
    bottom.set_title("Calibration at the last epoch", loc="left")
    no_spines(bottom)
    return axes
