"""Figures of a training run: its curves, the answer the book gives, where its loss comes from, the
probabilities it gives the truth, its costliest images, and the spread of runs over seeds.

The functions that draw a run take a `runs.Run`; those that only read its curves also take what
`runs.as_run` takes (a Keras `History` or a dict of curves). Their axes are scaled to show what
the run does once its first epochs are over (see `settled_epoch`): the drop of the first epochs
runs off the top of a loss panel rather than squashing the rest of the run into a strip.
"""

from __future__ import annotations

import numpy as np

from .. import curves, prose
from ..runs import as_run, recorded_epochs, with_predictions
from ..validation import (
    as_float64,
    check_column,
    check_columns,
    check_count,
    check_real,
    check_unmasked,
    real_dtype,
)
from .style import (
    COLORS,
    LARGEST,
    MAX_PANELS,
    ROW_HEIGHT,
    axes_for,
    checked_title,
    curve,
    drawable,
    drawn_in_house_style,
    fitted,
    label_clear_of,
    label_line_end,
    log_scale,
    mark_epoch,
    new_axes,
    no_spines,
    percent,
    subplots,
)

__all__ = [
    "plot_answer",
    "plot_costliest",
    "plot_loss_by_correctness",
    "plot_run",
    "plot_seed_band",
    "plot_true_class_histograms",
    "settled_epoch",
]


def settled_epoch(values, best: int, floor: float = 0.0) -> int:
    """The first epoch (from 1) from which a curve is worth a figure's scale: the first whose value
    lies within the band the curve covers from epoch `best` on, widened on both sides by a quarter
    of the band's width or by `floor`, whichever is more.

    A loss that falls from 2.2 to 0.17 at epoch 18 and then climbs to 0.31 settles at the first
    epoch under 0.31 + 0.042 (a quarter of 0.17: the floor a loss panel passes); an axis that holds
    the curves from there on shows the climb at nearly full height, and the first epochs run off
    its top.

    `values` holds one number per epoch, NaN where the curve has none (a diverged epoch); `floor`
    is at least 0.

    >>> settled_epoch([2.0, 0.9, 0.5, 0.34, 0.2, 0.25, 0.3], best=5, floor=0.05)
    4
    """
    values = _curve_values(values, "values")
    best = check_count(best, "best")
    if not 1 <= best <= len(values):
        raise ValueError(f"best must be an epoch of the curve, 1 to {len(values)}; got {best}")
    floor = check_real(floor, "floor")
    if floor < 0:
        raise ValueError(f"floor must be at least 0, a widening of the band; got {floor}")
    after = values[best - 1 :]
    after = after[np.isfinite(after)]
    if not len(after):
        return best
    low, high = float(after.min()), float(after.max())
    margin = max((high - low) / 4, floor)
    inside = np.flatnonzero((values >= low - margin) & (values <= high + margin))
    return int(inside[0]) + 1 if len(inside) else best


def _curve_values(values, name: str) -> np.ndarray:
    """`values` (the caller's `name` for them) as a curve: a non-empty list of real numbers, one
    per epoch, each finite or NaN (an epoch of a diverged run); returned as floats."""
    check_unmasked(values, name)
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):  # a ragged list
        raise ValueError(
            f"{name} must be a list of numbers, one per epoch; got a ragged list"
        ) from None
    if not real_dtype(array.dtype):
        raise TypeError(
            f"{name} must be a list of real numbers, one per epoch; got dtype {array.dtype}"
        )
    if array.ndim != 1 or not len(array):
        raise ValueError(
            f"{name} must be a non-empty list of numbers, one per epoch; got shape {array.shape}"
        )
    array = as_float64(array, name)
    if np.isinf(array).any():
        where = int(np.argmax(np.isinf(array)))
        raise ValueError(f"{name} must be finite or NaN; got {array[where]} at index {where}")
    return array


def _finite(*arrays) -> np.ndarray:
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    return values[np.isfinite(values)]


def _loss_limits(ax, *losses):
    """From 0 to just above the highest of `losses` (each already cut to its settled epochs)."""
    shown = _finite(*losses)
    ax.set_ylim(0, 1.2 * float(shown.max()) if len(shown) and shown.max() > 0 else 1)


def _accuracy_limits(ax, *accuracies, top=None):
    """Just around the `accuracies` shown (or up to `top`), labelled in percent."""
    shown = _finite(*accuracies)
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    high = high if top is None else max(high, top)
    pad = max(0.1 * (high - low), 0.005)
    ax.set_ylim(max(0.0, low - pad), min(1.0, high) + pad / 2)
    percent(ax)


def _end_labels(ax, x, first, second):
    """Name two curves of `ax` at their right end, `x`: the higher one above its line and the lower
    one below, each clear of both curves over the width of its text (`label_clear_of`). `first`
    and `second` are (values, label, colour), drawn against epochs from 1; call once the axis
    limits and titles are set."""
    ends = [float(values[-1]) for values, _, _ in (first, second)]
    for k, (values, text, color) in enumerate((first, second)):
        other = (first, second)[1 - k][0]
        epochs = np.arange(1, len(values) + 1)
        lines = [(ax, epochs, values), (ax, np.arange(1, len(other) + 1), other)]
        prefer = "above" if ends[k] >= ends[1 - k] else "below"
        label_clear_of(ax, x, text, color, lines, prefer=prefer)


@drawn_in_house_style
def plot_run(run, axes=None, title=None):
    """The training curves of a run in two panels, one above the other: losses, then accuracies.

    `run` is a `runs.Run`, a Keras `History` or a dict of its curves `loss`, `accuracy`, `val_loss`
    and `val_accuracy`. Training curves are solid, validation curves dashed, against epochs from 1,
    each named at its end. A thin line marks the epoch of the lowest validation loss in both
    panels, with a dot on that loss. Each panel is scaled to the curves from their settled epoch
    on (`settled_epoch`): the loss axis from 0 to just above the highest loss from there, the
    accuracy axis around the accuracies from there; the first epochs may run off the panel. Each
    panel's title says what its validation curve did from the best epoch to the last (after the
    optional `title` line). `axes` holds two Axes (a new figure when None); returns them.
    """
    run = drawable(as_run(run))
    title = checked_title(title)
    summary = curves.summarize(run)
    best, last = summary["best_epoch"], run.epochs
    axes = axes_for(axes, 2, (2, 1), height=2 * ROW_HEIGHT, sharex=True)
    top, bottom = axes[0], axes[1]
    for ax, quantity, floor in (
        (top, "loss", 0.25 * summary["best_val_loss"]),
        (bottom, "accuracy", 0.02),
    ):
        training, validation = run.curve(quantity), run.curve(f"val_{quantity}")
        curve(ax, training, "training", COLORS[quantity], f"training {quantity}")
        curve(ax, validation, "validation", COLORS[quantity], f"validation {quantity}")
        start = settled_epoch(validation, best, floor)
        if quantity == "loss":  # the training loss falls on: the validation loss sets the top
            _loss_limits(ax, validation[start - 1 :])
        else:
            _accuracy_limits(ax, training[start - 1 :], validation[start - 1 :])
        ax.set_xlim(1, last)  # summarize refused runs of one epoch
        ax.set_ylabel(quantity)
        no_spines(ax)
    bottom.set_xlabel("epoch")
    top.plot(best, summary["best_val_loss"], "o", color=COLORS["disagree"], ms=5)
    mark_epoch(top, best, f"lowest validation\nloss: epoch {best}")
    mark_epoch(bottom, best)
    sentences = (
        f"Validation loss {prose.fixed(summary['best_val_loss'], 2)} → "
        f"{prose.fixed(summary['final_val_loss'], 2)} after epoch {best}",
        f"Validation accuracy {prose.percent(summary['val_accuracy_at_best'], 1)} → "
        f"{prose.percent(summary['final_val_accuracy'], 1)}",
    )
    if title:
        sentences = (f"{fitted(title, top, 'title', bold=True)}\n{sentences[0]}", sentences[1])
    for ax, sentence in zip((top, bottom), sentences, strict=True):
        ax.set_title(sentence, loc="left")
    for ax, quantity in ((top, "loss"), (bottom, "accuracy")):  # once the panels are laid out
        _end_labels(
            ax,
            last,
            (run.curve(quantity), "training", COLORS[quantity]),
            (run.curve(f"val_{quantity}"), "validation", COLORS[quantity]),
        )
    return axes


#: How far below 0 a loss computed from recorded log-probabilities may be: a `runs.Run` accepts
#: log-probabilities up to 1e-6 (float32 rounding), whose losses are down to -1e-6.
_LOSS_ROUNDING = 1e-6


def _check_loss_split(frame, name: str) -> None:
    """Check the DataFrame `frame` (the caller's `name` for it) is a loss split of
    `curves.loss_by_correctness`: its two parts losses, finite and at least 0, and its index the
    epochs, increasing numbers."""
    parts = {
        column: check_column(frame, column, name, high=LARGEST)
        for column in ("from wrong samples", "from correct samples")
    }
    for column, values in parts.items():
        if (values < -_LOSS_ROUNDING).any():
            raise ValueError(
                f"{name}'s {column!r} column must be a part of a loss, at least 0; got "
                f"{values.min():g}"
            )
    epochs = frame.index.to_numpy()
    if not real_dtype(epochs.dtype) or not (
        np.isfinite(epochs).all() and (np.diff(epochs) > 0).all()
    ):
        shown = epochs.tolist()
        shown = shown if len(shown) <= 8 else [*shown[:8], "..."]
        raise ValueError(
            f"{name} must be indexed by its epochs, increasing numbers, as "
            f"curves.loss_by_correctness makes it; got the index {shown}"
        )


def _stack_loss_split(ax, frame):
    """The validation loss of `frame` (`curves.loss_by_correctness`) stacked on `ax`: the
    misclassified samples' part below, the correct samples' on top; returns the two parts."""
    wrong, correct = frame["from wrong samples"], frame["from correct samples"]
    ax.stackplot(
        frame.index,
        wrong,
        correct,
        colors=[COLORS["wrong"], COLORS["correct"]],
        alpha=0.85,
        labels=["from misclassified samples", "from correctly classified samples"],
        lw=0,
    )
    return wrong, correct


def _name_the_wrong_part(ax, frame, text):
    """Write `text` in the middle of the misclassified samples' part of a stacked loss split;
    returns the epoch it stands at."""
    middle = frame.index[len(frame) // 2]
    ax.annotate(
        text,
        (middle, float(frame["from wrong samples"].loc[middle]) / 2),
        ha="center",
        va="center",
        color=COLORS["ink"],
    )
    return middle


@drawn_in_house_style
def plot_answer(run, axes=None):
    """The book's answer in one figure, for the first screen: the validation loss rises while the
    accuracy holds, because the few validation images the model gets wrong grow ever more
    confidently wrong.

    Left, what you see: the validation loss and, on the right-hand axis, the validation accuracy,
    both dashed (validation curves), each named beside it. Right, why: the validation loss split
    into what the misclassified images contribute (below) and what the correctly classified ones
    do (on top), stacked, so that the top of the stack is the validation loss again, with the
    number of misclassified images written at the epoch of the lowest validation loss and at the
    last. Both panels share the loss axis, scaled to the epochs after the first few
    (`settled_epoch`), and mark the epoch of the lowest validation loss with a thin line.

    `run` is a `runs.Run` that recorded its validation predictions (every epoch, or at least the
    best and the last). `axes` holds two Axes (a new figure when None); returns them.
    """
    run = drawable(with_predictions(run))
    loss, accuracy = curves.val_cross_entropy(run), run.val_accuracy  # as the split's, unsmoothed
    summary = curves.plain_summary(run)
    best, last = summary["best_epoch"], run.epochs
    if np.isnan(run.val_accuracy).all():
        raise ValueError(
            "run's val_accuracy is NaN on every epoch (the run diverged): it has no accuracy "
            "to draw"
        )
    missing = [e for e in (best, last) if e not in run.val_log_probabilities]
    if missing:
        raise ValueError(
            f"run must have recorded its validation predictions at its best and last epochs "
            f"({best} and {last}); it did not at {missing}"
        )
    split = curves.loss_by_correctness(run)
    # the right panel a little wider: its counts share the top of the panel
    axes = axes_for(
        axes, 2, (1, 2), height=2.8, shared=("x", "y"), sharey=True, width_ratios=[1, 1.2]
    )
    left, right = axes[0], axes[1]
    curve(left, loss, "validation", COLORS["loss"], "validation loss")
    # the loss in the lower part of the panel, the accuracy above it, so that the two never cross
    start = settled_epoch(loss, best, 0.25 * summary["best_val_loss"])
    shown = _finite(loss[start - 1 :])
    left.set_ylim(0, 1.7 * float(shown.max()) or 1.0)  # a loss of 0 throughout: from 0 to 1
    left.tick_params(axis="y", colors=COLORS["loss"])
    twin = left.twinx()
    curve(twin, accuracy, "validation", COLORS["accuracy"], "validation accuracy")
    shown = _finite(accuracy[settled_epoch(accuracy, best, 0.02) - 1 :])
    lowest = float((shown if len(shown) else _finite(accuracy)).min())  # NaN from the best on
    # 90% at most: an accuracy of 100% throughout is drawn at the top of a scale, not on a line
    bottom = min(max(0.0, np.floor(10 * (lowest - 2 * (1 - lowest))) / 10), 0.9)
    twin.set_ylim(bottom, 1.0)
    percent(twin)
    twin.tick_params(axis="y", colors=COLORS["accuracy"], labelsize=12)
    no_spines(twin, "top")
    left.set_title("What you see:\nloss up, accuracy flat", loc="left")
    wrong, correct = _stack_loss_split(right, split)
    right.set_title("Why: the few wrong\nimages cost ever more", loc="left")
    right.set_ylim(left.get_ylim())  # the left panel's loss scale, numbered, shared or not
    right.tick_params(axis="y", labelleft=True)
    for ax in (left, right):
        ax.set_xlim(1, last)
        ax.set_xlabel("epoch")
        mark_epoch(ax, best)
        no_spines(ax, *(("top",) if ax is left else ()))
    left.annotate(
        f"lowest loss:\nepoch {best}",
        (best, 0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 4),
        textcoords="offset points",
        ha="left",
        va="bottom",
        color=COLORS["disagree"],
    )
    # how many images are wrong, at the top of the panel where no area is drawn: at the best
    # epoch beside its red line, at the last by the panel's right edge
    count = split["wrong samples"]
    for epoch, color, side in ((best, COLORS["disagree"], 1), (last, COLORS["ink"], -1)):
        right.annotate(
            f"epoch {epoch}:\n{int(count.loc[epoch])} wrong",
            (epoch, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4 * side, -2),
            textcoords="offset points",
            ha="left" if side > 0 else "right",
            va="top",
            color=color,
        )
    epochs = split.index.to_numpy()
    middle = _name_the_wrong_part(right, split, "from the\nmisclassified")
    above = [(right, epochs, (wrong + correct).to_numpy())]
    label_clear_of(right, middle, "from the correct", COLORS["correct"], above, "center")
    # the curves' names, once the panels are laid out: each clear of both curves, the loss under
    # its line (the accuracy runs close above it), the accuracy above its own
    lines = [(left, np.arange(1, last + 1), loss), (twin, np.arange(1, last + 1), accuracy)]
    label_clear_of(left, last, "loss", COLORS["loss"], lines, prefer="below")
    label_clear_of(twin, last, "accuracy", COLORS["accuracy"], lines[::-1])
    return axes


def _on_a_log_scale(lowest, shown) -> bool:
    """Whether losses whose lowest values are `lowest` fit a log scale that shows the finite
    values `shown`: none is 0 (every sample certain and right), which has no logarithm, and those
    shown span at most 30 powers of ten, beyond which matplotlib's ticks overflow a float."""
    return bool(np.nanmin(lowest) > 0 and np.log10(shown.max()) - np.log10(shown.min()) <= 30)


@drawn_in_house_style
def plot_seed_band(runs, axes=None):
    """The validation loss (top, on a log scale unless a run's loss reaches 0 or spans more than
    30 powers of ten) and accuracy (below) of runs that differ only in their seed: each run a thin
    line, the range between the lowest and the highest shaded, the median thick and dashed
    (validation curves). The first run is drawn darker: it is the one the text follows. A thin
    line marks the epoch of the median's lowest loss. Both panels are scaled to the epochs after
    the first few (`settled_epoch` of the median), each named in its title.

    `runs` is a list of at least two runs of the same length (`runs.Run`, Keras `History` or dicts
    of curves). `axes` holds two Axes (a new figure when None); returns them.
    """
    from ..uncertainty import seed_band

    loss, accuracy = seed_band(runs, "val_loss"), seed_band(runs, "val_accuracy")
    for i, run in enumerate(runs):
        drawable(as_run(run), f"runs[{i}]")
    if len(loss) < 2:
        raise ValueError(f"runs must have at least 2 epochs, a band over epochs; got {len(loss)}")
    axes = axes_for(axes, 2, (2, 1), height=2 * ROW_HEIGHT, sharex=True)
    best = int(np.nanargmin(loss["median"].to_numpy())) + 1
    median_low = float(loss["median"].iloc[best - 1])
    for ax, band, color, label in (
        (axes[0], loss, COLORS["loss"], "validation loss"),
        (axes[1], accuracy, COLORS["accuracy"], "validation accuracy"),
    ):
        ax.fill_between(band.index, band["low"], band["high"], color=color, alpha=0.15, lw=0)
        for column in band.columns[4:]:
            ax.plot(band.index, band[column], color=color, lw=0.6, alpha=0.5)
        ax.plot(band.index, band["run 1"], color=COLORS["ink"], lw=0.9, label="the text's run")
        curve(ax, band["median"], "validation", color, "median", band.index)
        ax.set_xlim(band.index[0], band.index[-1])
        no_spines(ax)
        median = band["median"].to_numpy()
        floor = 0.25 * median_low if ax is axes[0] else 0.02
        start = settled_epoch(median, best, floor)
        shown = band.iloc[start - 1 :][["low", "high"]].to_numpy()
        if ax is axes[0] and _on_a_log_scale(band["low"], _finite(shown)):
            log_scale(ax, label, color)
            finite = _finite(shown)
            ax.set_ylim(0.9 * float(finite.min()), 1.1 * float(finite.max()))
        elif ax is axes[0]:
            _loss_limits(ax, shown)
            ax.set_ylabel(label, color=color)
        else:
            _accuracy_limits(ax, shown)
            ax.set_ylabel(label, color=color)
        label_line_end(ax, band.index[-1], median[-1], f"median of {len(runs)}", color, True)
        mark_epoch(ax, best)
    axes[0].set_title(f"Validation loss, {len(runs)} seeds: lowest at epoch {best}", loc="left")
    axes[1].set_title(f"Validation accuracy of {len(runs)} seeds", loc="left")
    axes[1].set_xlabel("epoch")
    axes[1].annotate(
        "shaded: lowest to highest;\nblack: the text's run",
        (1, 0),
        xycoords="axes fraction",
        xytext=(-2, 2),
        textcoords="offset points",
        ha="right",
        color=COLORS["reference"],
    )
    return axes


@drawn_in_house_style
def plot_loss_by_correctness(frame, ax=None):
    """The validation loss over epochs, split into what its wrong and correct samples contribute.

    `frame` is `curves.loss_by_correctness(run)`; the two parts are stacked, the misclassified
    samples' part below and the correct samples' on top, so that the top of the stack is the
    validation loss. Each part is named on the figure; the loss axis is scaled to the epochs after
    the first few (`settled_epoch`).
    """
    check_columns(
        frame,
        ("from correct samples", "from wrong samples"),
        "frame",
        "curves.loss_by_correctness",
    )
    _check_loss_split(frame, "frame")
    ax = new_axes(ax, ROW_HEIGHT + 0.4)
    wrong, correct = _stack_loss_split(ax, frame)
    total = (wrong + correct).to_numpy()
    if len(frame) > 1:
        best = int(np.nanargmin(total))
        start = settled_epoch(total, best + 1, 0.25 * float(total[best]))
        _loss_limits(ax, total[start - 1 :])
        ax.set_xlim(frame.index[0], frame.index[-1])
    middle = _name_the_wrong_part(ax, frame, "from the misclassified samples")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss")
    ax.set_title("The validation loss, by where it comes from", loc="left")
    no_spines(ax)
    # above the stack over the whole width of the text, once the panel is laid out
    top = [(ax, frame.index.to_numpy(), total)]
    label_clear_of(
        ax, middle, "from the correctly classified ones", COLORS["correct"], top, "center"
    )
    return ax


@drawn_in_house_style
def plot_true_class_histograms(run, epochs, axes=None):
    """For each of `epochs`, a histogram of the probability each validation sample gives its
    true class: correct samples in green, misclassified ones in orange, stacked (counts on a log
    scale). `run` is a `runs.Run` that recorded its validation predictions on those epochs; `axes`
    holds one Axes per epoch (a new figure when None: one row of up to three, more in rows).
    Returns the array of axes."""
    run = with_predictions(run)
    epochs = recorded_epochs(run, epochs)
    shape = (-(-len(epochs) // 3), min(len(epochs), 3))
    if axes is None and shape[0] * shape[1] > MAX_PANELS:
        raise ValueError(
            f"epochs must name at most {MAX_PANELS // 3 * 3} epochs for a new figure, rows of "
            f"three panels of at most {MAX_PANELS} in all; got {len(epochs)} (pass axes for more)"
        )
    if axes is None:
        _, grid = subplots(*shape, height=(ROW_HEIGHT + 0.4) * shape[0], sharey=True)
        axes = np.atleast_1d(grid).ravel()
        for ax in axes[len(epochs) :]:  # the last row's empty cells: no panel to share an axis
            ax.remove()
        axes = axes[: len(epochs)]
    axes = axes_for(axes, len(epochs), shared=("x", "y"))  # counts on one scale
    y = run.y_val
    bins = np.linspace(0, 1, 11)
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
        ax.set_title(f"epoch {epoch}")
        ax.set_xlabel("p(true class)")
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        no_spines(ax)
    axes[0].set_ylabel("validation samples")
    axes[0].legend(loc="upper center", handlelength=1)
    return axes


#: The columns `plot_costliest` reads from `curves.costliest_samples`.
_COSTLIEST_COLUMNS = ("sample", "true class", "predicted", "p(true class)", "loss")


def _check_drawable_images(images) -> None:
    """Check that `images`, a run's `x_val`, are images `imshow` draws: each of height by width,
    grey or with 1, 3 or 4 channels last, colours in [0, 1] (or whole numbers to 255)."""
    shape = np.shape(images)
    if not (len(shape) == 3 or (len(shape) == 4 and shape[-1] in (1, 3, 4))):
        raise ValueError(
            "run's x_val must hold images of height by width, with 1, 3 or 4 channels last if "
            f"any, to be drawn; got shape {shape}"
        )
    if len(shape) == 4 and shape[-1] > 1:  # colours, which imshow clips to its range
        high = 1 if np.issubdtype(images.dtype, np.floating) else 255
        low, top = float(np.nanmin(images)), float(np.nanmax(images))
        if low < 0 or top > high:
            raise ValueError(
                "run's x_val must hold colours from 0 to 1 as floats, or whole numbers from 0 to "
                f"255; got {low:g} to {top:g} in {images.dtype}"
            )


@drawn_in_house_style
def plot_costliest(run, table, axes=None):
    """The validation images listed in `table` (from `curves.costliest_samples(run, ...)`), each
    titled with its true and predicted class, the probability given to the truth, and its loss.

    `run` is a `runs.Run` holding its validation images; `axes` holds at least one Axes per row of
    `table` (a new grid of four columns when None, without the empty cells of its last row).
    Returns the array of axes.
    """
    run = with_predictions(run, images=True)
    _check_drawable_images(run.x_val)
    check_columns(table, _COSTLIEST_COLUMNS, "table", "curves.costliest_samples")
    cells = {column: check_column(table, column, "table") for column in _COSTLIEST_COLUMNS}
    samples = cells["sample"]
    n_images = len(run.x_val)
    whole = (samples == np.round(samples)).all()
    if not whole or ((samples < 0) | (samples >= n_images)).any():
        raise ValueError(
            f"table's sample column must index the run's {n_images} validation images "
            f"(0 to {n_images - 1}); got {samples.tolist()}"
        )
    labels = cells["true class"]
    if (labels != run.y_val[samples.astype(int)]).any():
        raise ValueError(
            "table must come from curves.costliest_samples of this run: its true classes are not "
            "the run's labels of those samples"
        )
    predicted = cells["predicted"]
    n_classes = next(iter(run.val_log_probabilities.values())).shape[1]
    bad = (predicted != np.round(predicted)) | (predicted < 0) | (predicted >= n_classes)
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(
            f"table's predicted column must hold the run's class indices, 0 to {n_classes - 1}; "
            f"got {predicted[row]} in row {row}"
        )
    p_true = cells["p(true class)"]
    bad = (p_true < 0) | (p_true > np.exp(_LOSS_ROUNDING))  # the probability of a loss of -1e-6
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(
            f"table's 'p(true class)' column must hold probabilities in [0, 1]; got "
            f"{p_true[row]:g} in row {row}"
        )
    bad = cells["loss"] < -_LOSS_ROUNDING
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(
            f"table's loss column must hold losses, at least 0; got {cells['loss'][row]} in row "
            f"{row}"
        )
    if axes is None and len(table) > MAX_PANELS:
        raise ValueError(
            f"table must list at most {MAX_PANELS} images for a new figure, the most panels it may "
            f"hold; got {len(table)} rows (pass axes for more)"
        )
    if axes is None:
        rows, columns = -(-len(table) // 4), min(len(table), 4)
        _, grid = subplots(rows, columns, height=2.3 * rows)
        axes = np.atleast_1d(grid).ravel()
        for ax in axes[len(table) :]:  # the last row's empty cells
            ax.remove()
        axes = axes[: len(table)]
    axes = axes_for(axes, len(table), shared=("x", "y"))  # images of one shape
    for ax, (_, row) in zip(axes, table.iterrows(), strict=False):
        image = run.x_val[int(row["sample"])]
        if image.dtype == bool or np.issubdtype(image.dtype, np.floating):
            image = image.astype(np.float64)  # imshow draws colours of float16 or bool as neither
        if image.ndim == 3 and image.shape[-1] == 1:  # one channel, last
            image = image[..., 0]
        ax.imshow(image, cmap="gray_r")
        ax.set_title(
            f"true {int(row['true class'])}, said {int(row['predicted'])}\n"
            f"p(true) {row['p(true class)']:.0e}\nloss {row['loss']:.1f}",
            fontweight="normal",
        )
        ax.axis("off")
    return axes
