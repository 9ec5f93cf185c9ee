"""Interactive explorers: widgets whose arithmetic runs in the reader's browser.

Each explorer is an anywidget: its front end, an ES module in `explorers/`, recomputes and redraws
as its sliders move, with no kernel, so an explorer stays live on the book's static pages as it is
in JupyterLab. The data an explorer needs travel with it as traits (arrays packed in base64), and
so does the position of its slider: in JupyterLab, Python sees where the reader left it.

Python stays the reference. Each explorer's `readout()` gives the numbers its page shows for its
current state, computed by this package; the browser tests move the sliders and check the page
against it. The page adds as NumPy adds (pairwise), and rounds as Python's format rounds; its
`log`, `log1p` and `exp` are the browser's, NumPy's to the last bit nearly always, so that only a
number within a last bit of a rounding tie (1.79150000000000004 to three decimals) may show its
last digit otherwise. The pure drawing functions (`draw_explorer_state`,
`draw_temperature_state`) draw chosen states for print and for readers without JavaScript;
`EXPLORER_STATES` names a few worth showing.
"""

from __future__ import annotations

import base64
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from . import calibration, curves, metrics, plots, scores
from .contracts import Positive, Real, takes
from .counterexample import PredictionSet, verdict, with_true_class_probabilities
from .plots.style import FONT_SIZE, drawable
from .prose import fixed, percent
from .runs import recorded_epochs, with_predictions
from .validation import (
    as_array,
    check_binary_scores,
    check_count,
    check_fraction,
    check_positive,
    check_probabilities,
)

#: The temperatures the temperature explorer's slider shows, and the thresholds the threshold
#: explorer's does: an explorer starts where its slider can be.
SLIDER_TEMPERATURE = Real(0.25, 8, why=", the range of the explorer's slider")
SLIDER_THRESHOLD = Real(0.01, 0.99, why=", the range of the explorer's slider")
SLIDER_P_TRUE = Real(0.01, 0.99, why=", the range of the explorer's sliders")
#: The most classes the prediction sets of the explorer may have: each sample's row holds them all.
MAX_CLASSES, EXPLORED = 1000, " (each sample's row of probabilities holds them all)"

# The explorer classes are made by the functions below, which check their arguments; a class's
# own traits are its state as those functions pack it (see `Explorer.STATE`).
__all__ = [
    "EXPLORER_STATES",
    "MAX_CLASSES",
    "SLIDER_P_TRUE",
    "SLIDER_TEMPERATURE",
    "SLIDER_THRESHOLD",
    "draw_explorer_state",
    "draw_temperature_state",
    "epoch_explorer",
    "explorer_sets",
    "prediction_explorer",
    "temperature_explorer",
    "threshold_explorer",
]

#: The explorers' front ends: common.js, shared by all, then one module per explorer; their style.
FRONT_ENDS = Path(__file__).resolve().parent / "explorers"

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
    n_classes = check_count(n_classes, "n_classes", low=2, high=MAX_CLASSES, why=EXPLORED)
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
    """Draw one state of the prediction explorer, as its figure shows it; return the ax.

    A dashed line marks 1 / n_classes: in these sets a sample is correct exactly above it.
    """
    a, b = explorer_sets(p_true_a, p_true_b, n_classes)
    ax = plots.plot_prediction_sets(a, b, ax=ax, title=title)
    n = n_classes
    ax.axhline(1 / n, color=plots.COLORS["reference"], ls="--", lw=1, zorder=0)
    ax.set_yticks([0, 1 / n, 1], ["0", f"1/{n}", "1"])
    return ax


@takes(**calibration.LOGITS, temperature=Positive(), n_bins=calibration.N_BINS)
def draw_temperature_state(y_true, logits, temperature, n_bins=15, ax=None, legend=True):
    """The reliability diagram of softmax(logits / temperature), titled with its NLL, ECE and
    accuracy (the numbers the temperature explorer shows), with its key unless `legend=False`;
    return the ax."""
    numbers, bins = _temperature_state(y_true, logits, temperature, n_bins)
    ax = plots.plot_reliability(bins, ax=ax, legend=legend)
    title = (
        f"T = {numbers['temperature']}: NLL {numbers['NLL']}, ECE {numbers['ECE']}, "
        f"accuracy {numbers['accuracy']}"
    )
    ax.set_title(title, loc="left", fontsize=FONT_SIZE, fontweight="bold")
    return ax


def _temperature_state(y_true, logits, temperature, n_bins):
    """The temperature explorer's numbers at `temperature`, as shown, and its calibration bins,
    from checked arguments (`y_true` of shape (N,))."""
    probabilities = calibration.apply_temperature(logits, temperature)
    bins = calibration.calibration_bins(y_true, probabilities, n_bins)
    nll = calibration.negative_log_likelihood(y_true, logits, temperature)
    ece = calibration.expected_calibration_error(y_true, probabilities, n_bins)
    accuracy = float((probabilities.argmax(axis=1) == y_true).mean())
    numbers = {
        "temperature": fixed(temperature, 2),
        "NLL": fixed(nll, 3),
        # gaps between probabilities near 1, each known to about 1e-16: no digits below 0.001
        # worth a power of ten, which the browser's exp, a last bit off NumPy's, would change
        "ECE": f"{ece:.3f}",
        "accuracy": percent(accuracy, 1),
    }
    return numbers, bins


def pack(array, dtype) -> dict:
    """`array` as `dtype`, packed for a widget's front end: {dtype, shape, data (base64)}.

    The bytes are little-endian, as the browsers' typed arrays read them.
    """
    dtype = np.dtype(dtype)
    values = np.ascontiguousarray(np.asarray(array), dtype=dtype.newbyteorder("<"))
    data = base64.b64encode(values.tobytes()).decode("ascii")
    return {"dtype": dtype.name, "shape": list(values.shape), "data": data}


def unpack(packed) -> np.ndarray:
    """The array that `pack` packed, in this machine's byte order."""
    dtype = np.dtype(packed["dtype"]).newbyteorder("<")
    values = np.frombuffer(base64.b64decode(packed["data"]), dtype=dtype)
    return values.reshape(packed["shape"]).astype(dtype.newbyteorder("="))


def _floats(array) -> dict:
    """Floats packed as float32 when that holds every value exactly (as what a float32 model
    outputs), as float64 otherwise: the front end computes with the very numbers Python has."""
    array = np.asarray(array, dtype=np.float64)
    exact = np.array_equal(array.astype(np.float32).astype(np.float64), array)
    return pack(array, np.float32 if exact else np.float64)


def _labels(labels) -> dict:
    return pack(labels, np.uint8 if labels.max(initial=0) < 256 else np.int32)


def _checked(check, value, name):
    """`check(value, name)`, its error a TraitError: how traitlets reports a trait set wrongly."""
    try:
        return check(value, name)
    except (TypeError, ValueError) as error:
        raise traitlets.TraitError(str(error)) from None


def _probability_list(value, name) -> list[float]:
    values = check_probabilities(as_array(value, name), name)
    if values.ndim != 1 or not len(values):
        raise ValueError(f"{name} must be a list of probabilities, one per sample; got {value!r}")
    return [float(v) for v in values]


class Explorer(anywidget.AnyWidget):
    """What every explorer has: the book's colours, its style, and `readout()`.

    `STATE` names the traits that make up an explorer's state (its data and its controls): an
    explorer made again from them, as the browser tests make it from a page, shows the same page.
    """

    _css = (FRONT_ENDS / "explorers.css").read_text()
    colors = traitlets.Dict().tag(sync=True)
    STATE: tuple[str, ...] = ()

    def __init__(self, **state):
        super().__init__(colors=dict(plots.COLORS), **state)

    @staticmethod
    def front_end(name: str) -> str:
        """The ES module of the explorer `name`: the shared code, then its own."""
        return "\n".join((FRONT_ENDS / f).read_text() for f in ("common.js", f"{name}.js"))

    def readout(self) -> dict[str, str]:
        """The numbers the page shows for the current state, as shown, by name."""
        raise NotImplementedError


class PredictionExplorer(Explorer):
    """Six sliders: each sample's probability for its true class in two sets A and B."""

    _esm = Explorer.front_end("prediction")
    p_true_a = traitlets.List(traitlets.Float()).tag(sync=True)
    p_true_b = traitlets.List(traitlets.Float()).tag(sync=True)
    n_classes = traitlets.Int(3).tag(sync=True)
    STATE = ("p_true_a", "p_true_b", "n_classes")

    @traitlets.validate("p_true_a", "p_true_b")
    def _check_probabilities(self, proposal):
        return _checked(_probability_list, proposal["value"], proposal["trait"].name)

    def readout(self) -> dict[str, str]:
        a, b = explorer_sets(self.p_true_a, self.p_true_b, self.n_classes)
        numbers = {}
        for s in (a, b):
            numbers[f"{s.name} loss"] = fixed(s.loss, 3)
            numbers[f"{s.name} accuracy"] = percent(s.accuracy, 0)
        numbers["verdict"] = f"{verdict(a, b)}."
        return numbers


class TemperatureExplorer(Explorer):
    """A slider over the temperature T, on a log scale from 0.25 to 8 (steps of 2 ** 0.01)."""

    _esm = Explorer.front_end("temperature")
    labels = traitlets.Dict().tag(sync=True)
    logits = traitlets.Dict().tag(sync=True)
    n_bins = traitlets.Int(15).tag(sync=True)
    temperature = traitlets.Float(1.0).tag(sync=True)
    # the reliability diagram's form and its key, as plots.plot_reliability draws them: a bin
    # holding fewer than `few_samples` of the samples (or 5) is only outlined
    few_samples = traitlets.Float(plots.calibration.FEW_SAMPLES).tag(sync=True)
    words = traitlets.Dict(
        {
            "under": plots.UNDER_CONFIDENT,
            "over": plots.OVER_CONFIDENT,
            "few": f"outlined: under {plots.calibration.FEW_SAMPLES:.0%} of the samples",
        }
    ).tag(sync=True)
    STATE = ("labels", "logits", "n_bins", "temperature")

    @traitlets.validate("temperature")
    def _check_temperature(self, proposal):
        return _checked(check_positive, proposal["value"], "temperature")

    def readout(self) -> dict[str, str]:
        y, logits = unpack(self.labels), unpack(self.logits)
        return _temperature_state(y, logits, self.temperature, self.n_bins)[0]


class ThresholdExplorer(Explorer):
    """A slider over the decision threshold of a binary classifier, from 0.01 to 0.99."""

    _esm = Explorer.front_end("threshold")
    labels = traitlets.Dict().tag(sync=True)
    scores = traitlets.Dict().tag(sync=True)
    threshold = traitlets.Float(0.5).tag(sync=True)
    STATE = ("labels", "scores", "threshold")

    @traitlets.validate("threshold")
    def _check_threshold(self, proposal):
        return _checked(check_fraction, proposal["value"], "threshold")

    def readout(self) -> dict[str, str]:
        y, s, t = unpack(self.labels), unpack(self.scores), self.threshold
        values = {
            "accuracy": float(metrics.binary_accuracy(y, s, t).mean()),
            "balanced accuracy": scores.balanced_accuracy(y, s, t),
            "precision": scores.precision(y, s, t),
            "recall": scores.recall(y, s, t),
            "F1": scores.f1_score(y, s, t),
        }
        return {name: fixed(value, 3) for name, value in values.items()}


class EpochExplorer(Explorer):
    """A slider over the recorded epochs of a run: where the validation loss comes from at each."""

    _esm = Explorer.front_end("epochs")
    epochs = traitlets.List(traitlets.Int()).tag(sync=True)
    epoch = traitlets.Int().tag(sync=True)
    best_epoch = traitlets.Int().tag(sync=True)
    val_loss = traitlets.List().tag(sync=True)
    val_accuracy = traitlets.List().tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    true_log_p = traitlets.Dict().tag(sync=True)
    predicted = traitlets.Dict().tag(sync=True)
    images = traitlets.Dict().tag(sync=True)
    image_samples = traitlets.List(traitlets.Int()).tag(sync=True)
    k = traitlets.Int(6).tag(sync=True)
    STATE = (
        "epochs",
        "epoch",
        "best_epoch",
        "val_loss",
        "val_accuracy",
        "labels",
        "true_log_p",
        "predicted",
        "images",
        "image_samples",
        "k",
    )

    @traitlets.validate("epoch")
    def _check_epoch(self, proposal):
        if proposal["value"] not in self.epochs:
            raise traitlets.TraitError(
                f"epoch must be one of the explorer's epochs {self.epochs}; got {proposal['value']}"
            )
        return proposal["value"]

    def readout(self) -> dict[str, str]:
        """The numbers at the current epoch: `curves.loss_by_correctness` and
        `curves.costliest_samples` of the run, from the explorer's own copy of its predictions."""
        row = self.epochs.index(self.epoch)
        y = unpack(self.labels)
        losses = -unpack(self.true_log_p)[row].astype(np.float64)
        predicted = unpack(self.predicted)[row]
        correct = predicted == y
        n = len(y)
        numbers = {
            "epoch": str(self.epoch),
            "loss": fixed(losses.mean(), 3),
            "from correct": fixed(losses[correct].sum() / n, 3),
            "from wrong": fixed(losses[~correct].sum() / n, 3),
            "wrong": str(int((~correct).sum())),
            "accuracy": percent(correct.mean(), 1),
        }
        for j, sample in enumerate(np.argsort(-losses, kind="stable")[: self.k], start=1):
            numbers[f"costliest {j}"] = f"true {y[sample]}, said {predicted[sample]}"
            numbers[f"costliest {j} loss"] = f"loss {fixed(losses[sample], 2)}"
        return numbers


def prediction_explorer(p_true_a=(0.9, 0.9, 0.3), p_true_b=(0.4, 0.4, 0.4), n_classes=3):
    """Sliders for each sample's true-class probability in two sets A and B, and their verdict.

    Moving a slider redraws the bars and updates the table of mean loss and accuracy; the verdict
    turns red when loss and accuracy rank A and B in opposite orders. Returns the widget.
    """
    a, _ = explorer_sets(p_true_a, p_true_b, n_classes)  # checks the arguments first
    values = {}
    for name, p_true in (("p_true_a", p_true_a), ("p_true_b", p_true_b)):
        values[name] = [SLIDER_P_TRUE.check(v, name, {}) for v in as_array(p_true, name)]
    return PredictionExplorer(**values, n_classes=a.y_pred.shape[1])


@takes(**calibration.LOGITS, n_bins=calibration.N_BINS, temperature=SLIDER_TEMPERATURE)
def temperature_explorer(y_true, logits, n_bins=15, temperature=1.0):
    """A slider over the temperature T (log scale, 0.25 to 8) and the reliability diagram it gives,
    with the NLL, the ECE (`n_bins` bins) and the accuracy of softmax(logits / T).

    `logits` may be log-probabilities, as a run records them. The accuracy never changes: dividing
    logits by T keeps every argmax.
    """
    return TemperatureExplorer(
        labels=_labels(y_true),
        logits=_floats(logits),
        n_bins=n_bins,
        temperature=temperature,
    )


@takes(threshold=SLIDER_THRESHOLD)
def threshold_explorer(y_true, scores, threshold=0.5):
    """A slider over the decision threshold and the scores of a binary classifier at it: accuracy,
    balanced accuracy, precision, recall and F1, and the five curves against the threshold.

    The scores are rounded to float32, as a model's outputs are and as Keras' Precision and Recall
    read them, so that the five agree: a float64 score of 0.5000000001 is 0.5 to all of them."""
    labels, values = check_binary_scores(y_true, scores)  # the scores in float32
    return ThresholdExplorer(
        labels=_labels(labels.astype(np.int64)),
        scores=_floats(values),
        threshold=threshold,
    )


def _default_epochs(run, count=30) -> list[int]:
    """About `count` recorded epochs spread evenly on a log scale, and the best epoch."""
    recorded = np.array(list(run.val_log_probabilities))
    wanted = np.geomspace(1, run.epochs, count)
    nearest = recorded[np.abs(np.log(recorded)[:, None] - np.log(wanted)).argmin(axis=0)]
    best = curves.plain_summary(run)["best_epoch"]
    return sorted({int(e) for e in nearest} | ({best} & set(recorded.tolist())))


def epoch_explorer(run, epochs=None, k=6, epoch=None):
    """A slider over the recorded epochs of `run` (a `runs.Run` with its validation predictions
    and images): at each, the validation loss split into the right and the wrong images, the
    histogram of each image's probability for its true class, and the `k` costliest images.

    `epochs` are the recorded epochs to show (about 30, spread on a log scale, and the best epoch,
    when None); the slider starts at `epoch` (the best epoch, or the first shown).
    """
    run = drawable(with_predictions(run, images=True))
    k = check_count(k, "k")
    shown = _default_epochs(run) if epochs is None else recorded_epochs(run, epochs)
    epochs = sorted(set(shown))
    best = curves.plain_summary(run)["best_epoch"]  # a clear error if the loss is NaN throughout
    if epoch is None:
        epoch = best if best in epochs else epochs[0]
    elif check_count(epoch, "epoch") not in epochs:
        raise ValueError(f"epoch must be one of epochs {epochs}; got {epoch!r}")
    y = run.y_val
    log_p = np.stack([run.recorded(e) for e in epochs])
    true_log_p = log_p[:, np.arange(len(y)), y]
    predicted = log_p.argmax(axis=2)
    costliest = np.argsort(true_log_p, axis=1, kind="stable")[:, :k]
    samples = sorted(set(costliest.ravel().tolist()))
    images = run.x_val[samples]
    if images.ndim == 4 and images.shape[-1] == 1:  # one channel, last
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"run's validation images must be grey images; got {run.x_val.shape}")
    low, high = float(images.min()), float(images.max())
    # halved first, and a share before the 255: high - low of images from -1e308 to 1e308, or
    # 255 times a difference of 1e308, would be inf, and every pixel 0
    grey = np.round((images / 2 - low / 2) / (high / 2 - low / 2 or 1.0) * 255)

    def curve(values):
        return [None if np.isnan(v) else float(v) for v in values]

    return EpochExplorer(
        epochs=epochs,
        epoch=int(epoch),
        best_epoch=best,
        val_loss=curve(curves.val_cross_entropy(run)),  # the loss of the predictions shown
        val_accuracy=curve(run.val_accuracy),
        labels=_labels(y),
        true_log_p=_floats(true_log_p),
        predicted=_labels(predicted),
        images=pack(grey, np.uint8),
        image_samples=samples,
        k=k,
    )
