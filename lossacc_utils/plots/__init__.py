"""The book's figures, one module per kind of figure, in one house style.

Every function draws on the matplotlib `ax` it is given (a new figure when `ax` is None) and returns
that `ax`, so a notebook can place figures side by side and restyle them. What a figure looks like
is decided once, in `style`: the colours (`COLORS`), which mean the same thing in every figure, the
line styles (`LINESTYLES`: training solid, validation dashed), and the figure's width and type
size, chosen so that every letter shows at 10 px or more on a phone as on a desktop (see `style`
for the rule). `subplots` makes a figure of several panels at that width.

- `counterexample`: prediction sets, the simplex of three classes, the rival plane, the loss and
  accuracy along a line in weight space;
- `keras`: Keras' clipping, what "accuracy" resolves to, one epoch's logged losses;
- `runs`: a run's curves, the book's answer in one figure, the loss by correctness, the
  probabilities of the true class, the costliest images, runs over seeds;
- `calibration`: reliability diagrams, the loss against the ECE, label smoothing, a binary
  classifier's scores against its threshold;
- `plateau`: points in the plane and the plateau experiments.
"""

from .calibration import (
    OVER_CONFIDENT,
    UNDER_CONFIDENT,
    plot_label_smoothing,
    plot_loss_and_ece,
    plot_reliability,
    plot_threshold_sweep,
)
from .counterexample import plot_along_line, plot_prediction_sets, plot_rival_plane, plot_simplex
from .keras import plot_clipping, plot_epoch_losses, plot_resolution
from .plateau import plot_plateau, plot_points
from .runs import (
    plot_answer,
    plot_costliest,
    plot_loss_by_correctness,
    plot_run,
    plot_seed_band,
    plot_true_class_histograms,
)
from .style import COLORS, LINESTYLES, subplots

__all__ = [
    "COLORS",
    "LINESTYLES",
    "OVER_CONFIDENT",
    "UNDER_CONFIDENT",
    "plot_along_line",
    "plot_answer",
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
    "subplots",
]
