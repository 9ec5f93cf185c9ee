"""Figures of what Keras does: the loss it clips, what "accuracy" becomes, the loss it logs for
one epoch."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from .. import prose
from ..validation import check_column, check_columns, check_real
from .style import (
    COLORS,
    LARGEST,
    MAX_NAME,
    ROW_HEIGHT,
    distinct_names,
    drawn_in_house_style,
    fitted,
    new_axes,
    no_spines,
)

__all__ = ["plot_clipping", "plot_epoch_losses", "plot_resolution"]


#: The line style, colour and width of each column of losses of `plot_clipping`, in order.
_CLIPPING_STYLES = [
    ("-", COLORS["loss"], 2.5),
    ("--", COLORS["second_run"], 2),
    (":", COLORS["run"], 2.5),
    ("-.", COLORS["class_2"], 2),
]


@drawn_in_house_style
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
    if frame.empty:
        raise ValueError("frame must have at least one row; it is empty")
    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError("frame must have plain column names, one per way of computing the loss")
    names = distinct_names(frame.columns.drop("p_true"), "frame's column names")
    if len(names) > len(_CLIPPING_STYLES):
        raise ValueError(
            f"frame must have at most {len(_CLIPPING_STYLES)} columns of losses, each drawn in a "
            f"style of its own; got {len(names)}"
        )
    # probabilities above 0: the x axis is logarithmic
    p_true = check_column(frame, "p_true", "frame", high=1)
    if (p_true <= 0).any():
        raise ValueError(
            f"frame['p_true'] must be probabilities above 0 (the axis is logarithmic); got "
            f"{p_true.min():g}"
        )
    for column in frame.columns.drop("p_true"):
        check_column(frame, column, "frame", low=0, high=LARGEST)
    ax = new_axes(ax, ROW_HEIGHT + 0.8)
    for (_, values), text, (style, color, width) in zip(
        frame.drop(columns="p_true").items(), names, _CLIPPING_STYLES, strict=False
    ):
        label = fitted(text, ax, "frame's column names", share=0.6, most=MAX_NAME)
        ax.plot(frame["p_true"], values, ls=style, color=color, lw=width, label=label)
    floor = -np.log(1e-7)
    ax.axhline(floor, color=COLORS["reference"], lw=0.8, ls=":")
    ax.annotate(
        f"-ln(1e-7) = {floor:.3f}",
        (1, floor),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        color=COLORS["reference"],
    )
    ax.set_xscale("log")
    ax.set_xlabel("p(true class) (log scale)")
    ax.set_ylabel("loss of the sample")
    ax.set_ylim(0, None)
    ax.legend(loc="lower left")
    no_spines(ax)
    return ax


#: The colour of each outcome of `resolution.accuracy_resolution`.
_METRIC_COLORS = {
    "BinaryAccuracy": "binary_metric",
    "CategoricalAccuracy": "categorical_metric",
    "SparseCategoricalAccuracy": "sparse_metric",
    "refused": "refused",
}


#: How a cell names the metric: short enough for a column of the grid.
_SHORT_NAMES = {"SparseCategorical": "Sparse"}


def _loss_header(loss: str) -> str:
    """A loss's name in lines short enough for a column: "binary\ncross-\nentropy"."""
    words = str(loss).replace("_", " ").replace("crossentropy", "cross- entropy").split()
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= 8 and not lines[-1].endswith("-"):
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


@drawn_in_house_style
def plot_resolution(table, ax=None):
    """What `metrics=["accuracy"]` becomes, as a grid: one column per loss, one row per output
    width and label shape, each cell coloured by the metric Keras chose (grey: Keras refused),
    named in short (Binary, Categorical, Sparse for SparseCategorical, or "refused") and marked
    "(warns)" when Keras only warned. `table` is `resolution.accuracy_resolution_table()`.
    """
    from ..resolution import grid

    cells = grid(table)  # checks the table
    chosen = table["accuracy becomes"].where(table["error"] == "", "refused")
    metrics = table.assign(metric=chosen).set_index(["loss", "output units", "labels"])["metric"]
    losses, shapes = list(dict.fromkeys(table["loss"])), list(cells.columns)
    ax = new_axes(ax, 1.9 + 0.55 * len(shapes))
    for column, loss in enumerate(losses):
        for row, (units, labels) in enumerate(shapes):
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
            text = cells.iloc[column, row]
            for name, short in _SHORT_NAMES.items():
                text = text.replace(name, short)
            ax.text(column + 0.5, row + 0.5, text.replace(" (warns)", "\n(warns)"), ha="center",
                    va="center")  # fmt: skip
    ax.set_xlim(0, len(losses))
    ax.set_ylim(len(shapes), 0)
    ax.set_xticks(np.arange(len(losses)) + 0.5, [_loss_header(loss) for loss in losses])
    ax.set_yticks(
        np.arange(len(shapes)) + 0.5,
        [f"{units} unit{'s' if units > 1 else ''}\n{shape}" for units, shape in shapes],
    )
    ax.annotate(  # the corner above the rows' names names them
        "output,\nlabels",
        (0, 1),
        xycoords="axes fraction",
        xytext=(-6, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        color=COLORS["reference"],
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
        ncols=2,
        columnspacing=1,
    )
    return ax


@drawn_in_house_style
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
    sizes = check_column(table, "batch size", "table", low=1)
    if (sizes != np.round(sizes)).any():
        raise ValueError("table['batch size'] must hold whole numbers of samples")
    for column in ("loss before the step", "running mean"):  # NaN: training diverged
        check_column(table, column, "table", low=0, high=LARGEST)
    index = table.index
    if not (pd.api.types.is_integer_dtype(index.dtype) or pd.api.types.is_float_dtype(index.dtype)):
        raise TypeError(f"table's index must number the batches; got dtype {index.dtype}")
    batches = np.asarray(index, dtype=float)
    if not np.isfinite(batches).all() or (np.diff(batches) <= 0).any():
        raise ValueError("table's index must number the batches, in increasing order")
    loss_after = check_real(loss_after, "loss_after")
    if not 0 <= loss_after <= LARGEST:
        raise ValueError(f"loss_after must be a loss, from 0 to {LARGEST:g}; got {loss_after}")
    ax = new_axes(ax, ROW_HEIGHT + 1.4)
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
        history,
        color=COLORS["accuracy"],
        lw=2,
        ls="--",
        label=f"History's loss: {prose.fixed(history, 3)}",
    )
    ax.axhline(
        loss_after,
        color=COLORS["disagree"],
        lw=2,
        ls=":",
        label=f"the model after the epoch: {prose.fixed(loss_after, 3)}",
    )
    ax.set_xlabel("batch of the epoch")
    ax.set_ylabel("training loss")
    step = max(1, int(np.ceil(len(batches) / 10)))  # at most ten numbers along the axis
    ax.set_xticks(batches[::step])
    ax.set_ylim(0, None)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=1)
    no_spines(ax)
    return ax
