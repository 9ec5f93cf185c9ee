"""The figures that draw a table or a record of the package (reliability bins, a line in weight
space, Keras' clipping, an epoch's losses, the resolution grid, label smoothing, the plateau
experiments) refuse one that is not what the package makes, with a clear error naming the argument,
raised at the door of lossacc_utils; and they still draw what it makes."""

import re
import traceback
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import lossacc_utils
from lossacc_utils import calibration, plots, resolution
from lossacc_utils.runs import Run

PACKAGE = Path(lossacc_utils.__file__).resolve().parent
NAN, INF = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def refused(call, error, name: str) -> str:
    """Call `call`, which must raise `error` from inside lossacc_utils with a message naming `name`
    as a word of its own; return the message."""
    with pytest.raises(error) as caught:
        call()
    where = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert Path(where.filename).resolve().is_relative_to(PACKAGE), f"raised at {where.filename}"
    assert not isinstance(caught.value, KeyError | IndexError | AttributeError)
    message = str(caught.value)
    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message), message
    return message


# --------------------------------------------------------------------------------------------------
# what the package makes: small, valid tables and runs
# --------------------------------------------------------------------------------------------------

Y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
P = np.array(
    [
        [0.9, 0.05, 0.05],
        [0.2, 0.7, 0.1],
        [0.3, 0.3, 0.4],
        [0.5, 0.4, 0.1],
        [0.6, 0.3, 0.1],
        [0.1, 0.1, 0.8],
        [0.95, 0.03, 0.02],
        [0.35, 0.45, 0.2],
    ]
)
BINS = calibration.calibration_bins(Y, P, 5)
LINE = pd.DataFrame(
    {"alpha": [0.0, 0.5, 1.0], "loss": [1.2, 0.7, 0.4], "accuracy": [0.3, 0.6, 0.9]}
)
CLIP = pd.DataFrame(
    {"p_true": [1e-9, 1e-4, 0.5, 1.0], "from probabilities": [16.1, 9.2, 0.69, 0.0]}
)
EPOCH = pd.DataFrame(
    {
        "batch size": [32, 32, 26],
        "loss before the step": [1.2, 0.8, 0.5],
        "running mean": [1.2, 1.0, 0.856],
    },
    index=pd.RangeIndex(1, 4, name="batch"),
)
RESOLUTION = pd.DataFrame(
    [
        {
            "loss": loss,
            "output units": width,
            "labels": shape,
            "accuracy becomes": "" if loss.startswith("sparse") else "BinaryAccuracy",
            "loss value": 0.5,
            "accuracy value": 0.5,
            "warning": "",
            "error": "ValueError: no" if loss.startswith("sparse") else "",
        }
        for loss in resolution.LOSSES
        for width in (1, 3)
        for shape in resolution.LABEL_SHAPES
    ]
)


def log_probabilities(epochs: int) -> dict:
    """epoch -> log-probabilities of the samples of Y, each epoch a little surer of the truth."""
    recorded = {}
    for epoch in range(1, epochs + 1):
        p_true = np.full(len(Y), min(0.3 + 0.15 * epoch, 0.95))
        p = np.tile(((1 - p_true) / 2)[:, None], (1, 3))
        p[np.arange(len(Y)), Y] = p_true
        recorded[epoch] = np.log(p)
    return recorded


def make_run(epochs: int = 4, **curves) -> Run:
    history = {
        "loss": list(np.linspace(1.0, 0.2, epochs)),
        "accuracy": list(np.linspace(0.4, 0.9, epochs)),
        "val_loss": list(np.linspace(1.1, 0.5, epochs)),
        "val_accuracy": list(np.linspace(0.4, 0.8, epochs)),
        **curves,
    }
    return Run(history, y_val=Y, val_log_probabilities=log_probabilities(epochs))


def smoothed_run(**curves) -> Run:
    return make_run(**{"val_cross_entropy": [0.8, 0.6, 0.65, 0.7], **curves})


def experiment(**changes) -> dict:
    """What `plateau.experiment` returns, with the runs above."""
    return {
        "case": "the data allow no better",
        "epochs": 2,
        "dataset": "spirals",
        "twist": 0.0,
        "label_noise": 0.4,
        "run": make_run(),
        "bigger": make_run(2),
        **changes,
    }


def without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


# --------------------------------------------------------------------------------------------------
# valid calls still draw
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: plots.plot_reliability(BINS), id="plot_reliability"),
        pytest.param(
            lambda: plots.plot_reliability(calibration.calibration_bins(Y, P, 1)),
            id="plot_reliability-one-bin",
        ),
        pytest.param(lambda: plots.plot_along_line(LINE), id="plot_along_line"),
        pytest.param(lambda: plots.plot_along_line(LINE.iloc[:1]), id="plot_along_line-one-row"),
        pytest.param(lambda: plots.plot_clipping(CLIP), id="plot_clipping"),
        pytest.param(
            lambda: plots.plot_clipping(CLIP.astype("float32")), id="plot_clipping-float32"
        ),
        pytest.param(lambda: plots.plot_epoch_losses(EPOCH, 0.4), id="plot_epoch_losses"),
        pytest.param(lambda: plots.plot_resolution(RESOLUTION), id="plot_resolution"),
        pytest.param(  # one loss, on two of the shapes: a whole grid, if a small one
            lambda: plots.plot_resolution(RESOLUTION.iloc[:2]), id="plot_resolution-part"
        ),
        pytest.param(
            lambda: plots.plot_label_smoothing(make_run(), smoothed_run()),
            id="plot_label_smoothing",
        ),
        pytest.param(  # a run that diverged part of the way is drawn where it has numbers
            lambda: plots.plot_label_smoothing(
                make_run(val_loss=[1.0, 0.8, NAN, NAN]), smoothed_run()
            ),
            id="plot_label_smoothing-partly-nan",
        ),
        pytest.param(lambda: plots.plot_plateau([experiment()]), id="plot_plateau"),
        pytest.param(
            lambda: plots.plot_plateau(
                [experiment(), without(experiment(), "dataset")], axes=plt.subplots(2, 2)[1]
            ),
            id="plot_plateau-two-rows",
        ),
        pytest.param(
            lambda: plots.plot_plateau([experiment(dataset="digits", label_noise=0.0)]),
            id="plot_plateau-digits",
        ),
    ],
)
def test_what_the_package_makes_is_still_drawn(call):
    assert call() is not None


def test_grid_of_a_whole_table_has_a_cell_per_loss_and_shape():
    cells = resolution.grid(RESOLUTION)
    assert cells.shape == (len(resolution.LOSSES), 2 * len(resolution.LABEL_SHAPES))
    assert cells.loc["sparse categorical crossentropy", (3, "(N, K)")] == "refused"
    assert cells.loc["binary crossentropy", (1, "(N,)")] == "Binary"


# --------------------------------------------------------------------------------------------------
# bad tables and runs are refused by the argument's name
# --------------------------------------------------------------------------------------------------

BAD_BINS = {
    "all-zero-counts": (BINS.assign(count=0), ValueError),
    "negative-counts": (BINS.assign(count=-1), ValueError),
    "fractional-counts": (BINS.assign(count=BINS["count"] + 0.5), ValueError),
    "text-counts": (BINS.assign(count="3"), TypeError),
    "nan-counts": (BINS.assign(count=NAN), ValueError),
    "one-empty-row": (BINS[BINS["count"] == 0].iloc[:1], ValueError),
    "nan-accuracy": (BINS.assign(accuracy=NAN), ValueError),
    "accuracy-1.5": (BINS.assign(accuracy=1.5), ValueError),
    "negative-confidence": (BINS.assign(confidence=-0.1), ValueError),
    "text-confidence": (BINS.assign(confidence="high"), TypeError),
    "upper-below-lower": (BINS.assign(upper=BINS["lower"]), ValueError),
    "uneven-widths": (BINS.assign(upper=BINS["upper"] ** 0.5), ValueError),
    "edges-beyond-1": (BINS.assign(upper=BINS["upper"] + 1), ValueError),
    "two-count-columns": (pd.concat([BINS, BINS[["count"]]], axis=1), ValueError),
}


@pytest.mark.parametrize(("bins", "error"), BAD_BINS.values(), ids=BAD_BINS.keys())
def test_reliability_refuses_bins_calibration_bins_would_not_make(bins, error):
    refused(lambda: plots.plot_reliability(bins), error, "bins")


BAD_LINES = {
    "nan-loss": (LINE.assign(loss=NAN), ValueError),
    "inf-loss": (LINE.assign(loss=INF), ValueError),
    "text-loss": (LINE.assign(loss="a"), TypeError),
    "negative-loss": (LINE.assign(loss=-1.0), ValueError),
    "accuracy-1.5": (LINE.assign(accuracy=1.5), ValueError),
    "nan-alpha": (LINE.assign(alpha=NAN), ValueError),
    "bool-accuracy": (LINE.assign(accuracy=True), TypeError),
}


@pytest.mark.parametrize(("frame", "error"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_along_line_refuses_a_frame_of_no_numbers(frame, error):
    refused(lambda: plots.plot_along_line(frame), error, "frame")


BAD_CLIPS = {
    "text-p_true": (CLIP.assign(p_true="a"), TypeError),
    "negative-p_true": (CLIP.assign(p_true=-1.0), ValueError),
    "zero-p_true": (CLIP.assign(p_true=0.0), ValueError),
    "p_true-above-1": (CLIP.assign(p_true=1.5), ValueError),
    "nan-p_true": (CLIP.assign(p_true=NAN), ValueError),
    "no-rows": (CLIP.iloc[:0], ValueError),
    "text-losses": (CLIP.assign(**{"from probabilities": "a"}), TypeError),
    "nan-losses": (CLIP.assign(**{"from probabilities": NAN}), ValueError),
}


@pytest.mark.parametrize(("frame", "error"), BAD_CLIPS.values(), ids=BAD_CLIPS.keys())
def test_clipping_refuses_a_frame_it_cannot_draw(frame, error):
    refused(lambda: plots.plot_clipping(frame), error, "frame")


BAD_EPOCHS = {
    "text-running-mean": (EPOCH.assign(**{"running mean": "a"}), TypeError),
    "nan-running-mean": (EPOCH.assign(**{"running mean": NAN}), ValueError),
    "inf-loss": (EPOCH.assign(**{"loss before the step": INF}), ValueError),
    "text-index": (EPOCH.set_index(pd.Index(["a", "b", "c"])), TypeError),
    "decreasing-index": (EPOCH.set_index(pd.Index([3, 2, 1])), ValueError),
    "zero-batch-size": (EPOCH.assign(**{"batch size": 0}), ValueError),
    "fractional-batch-size": (EPOCH.assign(**{"batch size": 1.5}), ValueError),
}


@pytest.mark.parametrize(("table", "error"), BAD_EPOCHS.values(), ids=BAD_EPOCHS.keys())
def test_epoch_losses_refuse_a_table_the_recorder_would_not_make(table, error):
    refused(lambda: plots.plot_epoch_losses(table, 0.4), error, "table")


BAD_RESOLUTIONS = {
    "two-scattered-rows": (RESOLUTION.iloc[[0, 9]], ValueError),
    "a-row-missing": (RESOLUTION.iloc[1:], ValueError),
    "numeric-metric": (RESOLUTION.assign(**{"accuracy becomes": 0}), TypeError),
    "None-metric": (RESOLUTION.assign(**{"accuracy becomes": None}), TypeError),
    "unknown-metric": (RESOLUTION.assign(**{"accuracy becomes": "TopK"}), ValueError),
    "metric-beside-an-error": (RESOLUTION.assign(error="ValueError: no"), ValueError),
    "nan-warning": (RESOLUTION.assign(warning=NAN), TypeError),
    "unknown-loss": (RESOLUTION.assign(loss="hinge"), ValueError),
    "unknown-labels": (RESOLUTION.assign(labels="(N, 2)"), ValueError),
    "zero-units": (RESOLUTION.assign(**{"output units": 0}), ValueError),
    "text-units": (RESOLUTION.assign(**{"output units": "3"}), ValueError),
    "duplicated-rows": (pd.concat([RESOLUTION, RESOLUTION.iloc[:1]]), ValueError),
}


@pytest.mark.parametrize(("table", "error"), BAD_RESOLUTIONS.values(), ids=BAD_RESOLUTIONS.keys())
@pytest.mark.parametrize("function", [resolution.grid, plots.plot_resolution])
def test_resolution_grid_refuses_what_is_not_a_whole_table(function, table, error):
    refused(lambda: function(table), error, "table")


@pytest.mark.parametrize(
    ("run", "smoothed", "name"),
    [
        (make_run(val_loss=[NAN] * 4), smoothed_run(), "run"),
        (make_run(), smoothed_run(val_cross_entropy=[NAN] * 4), "smoothed"),
        (make_run(), smoothed_run(val_loss=[NAN] * 4), "smoothed"),
    ],
    ids=["run", "smoothed-cross-entropy", "smoothed-val_loss"],
)
def test_label_smoothing_refuses_a_run_that_diverged(run, smoothed, name):
    message = refused(lambda: plots.plot_label_smoothing(run, smoothed), ValueError, name)
    assert "diverged" in message


def test_label_smoothing_refuses_a_run_without_val_loss():
    run = Run({"loss": [1.0, 0.5, 0.4, 0.3]}, y_val=Y, val_log_probabilities=log_probabilities(4))
    refused(lambda: plots.plot_label_smoothing(run, smoothed_run()), ValueError, "run")


RUN_WITHOUT_LABELS = Run(dict(make_run().history))
BAD_EXPERIMENTS = {
    "a-dict": (experiment(), TypeError),
    "None": (None, TypeError),
    "empty": ([], ValueError),
    "None-inside": ([None], TypeError),
    "no-case": ([without(experiment(), "case")], ValueError),
    "no-label_noise": ([without(experiment(), "label_noise")], ValueError),
    "run-None": ([experiment(run=None)], TypeError),
    "bigger-None": ([experiment(bigger=None)], TypeError),
    "epochs-text": ([experiment(epochs="x")], ValueError),
    "epochs-beyond-the-run": ([experiment(epochs=5)], ValueError),
    "label_noise-0.9": ([experiment(label_noise=0.9)], ValueError),
    "label_noise-None": ([experiment(label_noise=None)], TypeError),
    "unknown-dataset": ([experiment(dataset="mnist")], ValueError),
    "case-None": ([experiment(case=None)], TypeError),
    "nan-val_loss": ([experiment(run=make_run(val_loss=[NAN] * 4))], ValueError),
    "nan-val_accuracy": ([experiment(run=make_run(val_accuracy=[NAN] * 4))], ValueError),
    "nan-bigger-loss": ([experiment(bigger=make_run(2, loss=[NAN] * 2))], ValueError),
    "no-accuracy": (
        [experiment(bigger=Run({"loss": [1.0, 0.5], "val_loss": [1.0, 0.6]}))],
        ValueError,
    ),
    "digits-without-labels": (
        [experiment(dataset="digits", label_noise=0.0, run=RUN_WITHOUT_LABELS)],
        ValueError,
    ),
}


@pytest.mark.parametrize(
    ("experiments", "error"), BAD_EXPERIMENTS.values(), ids=BAD_EXPERIMENTS.keys()
)
def test_plateau_refuses_what_plateau_experiment_would_not_return(experiments, error):
    message = refused(lambda: plots.plot_plateau(experiments), error, "experiments")
    assert not message.startswith(("label_noise", "run ", "epochs"))


def test_plateau_takes_runs_as_keras_histories_as_diagnose_does():
    def drawn(axes):
        return [list(line.get_ydata()) for ax in np.ravel(axes) for line in ax.get_lines()]

    as_runs = drawn(plots.plot_plateau([experiment()]))
    histories = {"run": dict(make_run().history), "bigger": dict(make_run(2).history)}
    assert drawn(plots.plot_plateau([experiment(**histories)])) == as_runs


def test_refusals_name_the_entry_of_an_experiment():
    message = refused(
        lambda: plots.plot_plateau([experiment(), experiment(label_noise=0.9)]),
        ValueError,
        "experiments",
    )
    assert message.startswith("experiments[1]['label_noise'] must be below")
