"""Interactive explorers: thin ipywidgets fronts over the plotting functions.

Each explorer draws with a pure function that a static page can call too: `draw_explorer_state`
draws one state of the prediction explorer, and `EXPLORER_STATES` names a few worth showing where
no kernel runs the sliders. An explorer shows its figure as an image with a text alternative that
says what the figure shows, updated with the sliders, so a screen reader follows the state too.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import calibration, plots
from .counterexample import PredictionSet, disagree, verdict, with_true_class_probabilities
from .validation import as_array, check_count, check_probabilities

__all__ = [
    "EXPLORER_STATES",
    "draw_explorer_state",
    "draw_temperature_state",
    "explorer_sets",
    "prediction_explorer",
    "temperature_explorer",
    "threshold_explorer",
]

#: Representative states of the explorer: (true-class probabilities of A, of B).
EXPLORER_STATES = {
    "the counterexample": ((0.9, 0.9, 0.3), (0.4, 0.4, 0.4)),
    "A's miss fixed: they agree": ((0.9, 0.9, 0.4), (0.4, 0.4, 0.4)),
    "more confident, same accuracy": ((0.95, 0.95, 0.5), (0.6, 0.6, 0.4)),
    "one confident miss": ((0.99, 0.99, 0.01), (0.6, 0.3, 0.3)),
}


def explorer_sets(p_true_a, p_true_b, n_classes=3) -> tuple[PredictionSet, PredictionSet]:
    """Two prediction sets from each sample's probability for its true class.

    Sample i has true class i mod n_classes; the probability it does not give its true class is
    shared equally by the others, so it is correct exactly when p_true > 1 / n_classes.
    """
    n_classes = check_count(n_classes, "n_classes", low=2)
    sets = []
    for name, p_true in (("A", p_true_a), ("B", p_true_b)):
        argument = f"p_true_{name.lower()}"
        p_true = check_probabilities(as_array(p_true, argument), argument)
        if p_true.ndim != 1:
            raise ValueError(f"{argument} must have shape (samples,); got {p_true.shape}")
        y_true = np.arange(len(p_true)) % n_classes
        y_pred = with_true_class_probabilities(y_true, p_true, n_classes)
        sets.append(PredictionSet(name, y_true, y_pred))
    return sets[0], sets[1]


def draw_explorer_state(p_true_a, p_true_b, n_classes=3, ax=None, title=None):
    """Draw one state of the explorer (the pure function behind the sliders); return the ax."""
    a, b = explorer_sets(p_true_a, p_true_b, n_classes)
    return plots.plot_prediction_sets(a, b, ax=ax, title=title)


def _readout(a: PredictionSet, b: PredictionSet) -> str:
    """The table of each set's mean loss and accuracy, and `verdict(a, b)`, red if they disagree."""
    rows = "".join(
        f"<tr><td>{html.escape(s.name)}</td><td>{s.loss:.3f}</td><td>{s.accuracy:.0%}</td></tr>"
        for s in (a, b)
    )
    header = "<tr><th>set</th><th>mean loss</th><th>accuracy</th></tr>"
    color = plots.COLORS["disagree" if disagree(a, b) else "agree"]
    sentence = f'<b style="color:{color}">{html.escape(verdict(a, b))}.</b>'
    return f"<table>{header}{rows}</table>{sentence}"


def prediction_explorer(p_true_a=(0.9, 0.9, 0.3), p_true_b=(0.4, 0.4, 0.4), n_classes=3):
    """Sliders for each sample's true-class probability in two sets A and B, and their verdict.

    Moving a slider redraws the bars and updates the table of mean loss and accuracy; the verdict
    turns red when loss and accuracy rank A and B in opposite orders. Returns the widget.
    """
    explorer_sets(p_true_a, p_true_b, n_classes)  # checks the arguments before building anything
    sliders = {
        name: [
            widgets.FloatSlider(
                value=float(v),
                min=0.01,
                max=0.99,
                step=0.01,
                description=f"{name}, sample {i + 1}",
                readout_format=".2f",
                continuous_update=False,
                style={"description_width": "initial"},
            )
            for i, v in enumerate(values)
        ]
        for name, values in (("A", p_true_a), ("B", p_true_b))
    }
    readout, figure = widgets.HTML(), widgets.HTML()

    def update(_change=None):
        a, b = explorer_sets(
            [s.value for s in sliders["A"]], [s.value for s in sliders["B"]], n_classes
        )
        readout.value = _readout(a, b)
        described = "; ".join(
            f"{name}: {', '.join(f'{p:.2f}' for p in s.true_class_probabilities)}, mean loss "
            f"{s.loss:.3f}, accuracy {s.accuracy:.0%}"
            for name, s in (("A", a), ("B", b))
        )
        alt = f"Bars of the probability each sample gives its true class. {described}."
        figure.value = _image(plots.plot_prediction_sets(a, b), alt)

    for slider in sliders["A"] + sliders["B"]:
        slider.observe(update, names="value")
    update()
    columns = widgets.HBox([widgets.VBox(sliders["A"]), widgets.VBox(sliders["B"])])
    return widgets.VBox([columns, readout, figure])


def draw_temperature_state(y_true, logits, temperature, n_bins=15, ax=None):
    """The reliability diagram of softmax(logits / temperature), titled with its NLL, ECE and
    accuracy (the pure function behind the temperature slider); return the ax."""
    probabilities = calibration.apply_temperature(logits, temperature)
    bins = calibration.calibration_bins(y_true, probabilities, n_bins)
    nll = calibration.negative_log_likelihood(y_true, logits, temperature)
    ece = calibration.expected_calibration_error(y_true, probabilities, n_bins)
    accuracy = float((probabilities.argmax(axis=1) == np.asarray(y_true)).mean())
    title = f"T = {temperature:.2f}: NLL {nll:.3f}, ECE {ece:.3f}, accuracy {accuracy:.1%}"
    return plots.plot_reliability(bins, ax=ax, title=title)


def temperature_explorer(y_true, logits, n_bins=15):
    """A slider over the temperature T (log scale, 0.25 to 8) and the reliability diagram it gives.

    The accuracy in the title never changes: dividing logits by T keeps every argmax.
    """
    # check the arguments before building anything (drawing nothing, closing nothing)
    calibration.calibration_bins(y_true, calibration.apply_temperature(logits, 1.0), n_bins)
    slider = widgets.FloatLogSlider(
        value=1.0,
        base=2,
        min=-2,
        max=3,
        step=0.05,
        description="temperature",
        continuous_update=False,
        readout_format=".2f",
    )
    figure = widgets.HTML()

    def update(_change=None):
        ax = draw_temperature_state(y_true, logits, slider.value, n_bins)
        alt = f"Reliability diagram: accuracy against confidence per bin at {ax.get_title('left')}."
        figure.value = _image(ax, alt)

    slider.observe(update, names="value")
    update()
    return widgets.VBox([slider, figure])


def threshold_explorer(y_true, scores):
    """A slider over the decision threshold and the scores of a binary classifier at it."""
    plots._binary_scores(y_true, scores)  # checks the arguments as the figure does, drawing nothing
    slider = widgets.FloatSlider(
        value=0.5, min=0.01, max=0.99, step=0.01, description="threshold", continuous_update=False
    )
    figure = widgets.HTML()

    def update(_change=None):
        ax = plots.plot_threshold_sweep(y_true, scores, slider.value)
        alt = f"Five scores against the decision threshold; at {ax.get_title('left')}."
        figure.value = _image(ax, alt)

    slider.observe(update, names="value")
    update()
    return widgets.VBox([slider, figure])


def _image(ax, alt: str) -> str:
    """The figure of `ax` as an HTML image described by `alt`; the figure is closed."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(ax.figure)
    data = base64.b64encode(buffer.getvalue()).decode()
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%">'
    )
