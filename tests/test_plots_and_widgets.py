"""The figures draw what they claim, and the explorer reacts to its sliders."""

import base64
import html
import re

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lossacc_utils import plots, widgets
from lossacc_utils.counterexample import CASE_1, CASE_2


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_prediction_sets_draw_one_bar_per_sample_coloured_by_correctness():
    ax = plots.plot_prediction_sets(CASE_1, CASE_2)
    bars = ax.patches
    assert len(bars) == 6
    heights = [bar.get_height() for bar in bars]
    np.testing.assert_allclose(heights, [0.9, 0.9, 0.4, 0.4, 0.4, 0.4])
    wrong = [
        bar
        for bar in bars
        if np.allclose(bar.get_facecolor()[:3], plt.matplotlib.colors.to_rgb(plots.COLORS["wrong"]))
    ]
    assert len(wrong) == 1  # case 1's third sample
    assert ax.get_title(loc="left").startswith("Disagree: loss prefers case 1")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "accuracy 67%" in labels[0] and "accuracy 100%" in labels[1]


def test_prediction_sets_that_agree_get_a_plain_title():
    ax = plots.plot_prediction_sets(CASE_2, CASE_2)
    assert not ax.get_title(loc="left").startswith("Disagree")


def test_plots_draw_on_the_given_axes_and_return_it():
    fig, axes = plt.subplots(1, 3)
    assert plots.plot_prediction_sets(CASE_1, CASE_2, ax=axes[0]) is axes[0]
    assert plots.plot_simplex(ax=axes[1]) is axes[1]
    assert plots.plot_rival_plane(ax=axes[2]) is axes[2]
    assert len(fig.axes) == 3


def test_simplex_regions_are_where_the_formulas_say():
    ax = plots.plot_simplex(loss_level=-np.log(0.45))
    correct, cheap = ax.patches[0], ax.patches[1]
    to_xy = plots._to_xy

    def inside(patch, probabilities):
        return patch.get_path().contains_point(to_xy(probabilities), radius=-1e-9)

    assert inside(correct, [0.4, 0.3, 0.3]) and not inside(cheap, [0.4, 0.3, 0.3])
    assert inside(cheap, [0.46, 0.5, 0.04]) and not inside(correct, [0.46, 0.5, 0.04])
    assert inside(correct, [0.9, 0.05, 0.05]) and inside(cheap, [0.9, 0.05, 0.05])


def test_rival_plane_names_the_regions_that_exist():
    texts = lambda ax: {t.get_text() for t in ax.texts}  # noqa: E731
    both = texts(plots.plot_rival_plane(10, loss_level=0.8))
    assert {"cheap but wrong", "correct but costly"} <= both
    strict = texts(plots.plot_rival_plane(10, loss_level=np.log(1.5)))  # p_true > 2/3: never wrong
    assert "cheap but wrong" not in strict and "correct but costly" in strict


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: plots.plot_prediction_sets(CASE_1, "case 2"), TypeError, "b must be a Predict"),
        (lambda: plots.plot_simplex(loss_level=0), ValueError, "loss_level must be positive"),
        (lambda: plots.plot_simplex(points={"x": [0.5, 0.5]}), ValueError, "3 probabilities"),
        (lambda: plots.plot_simplex(points={"x": [1.5, 0, 0]}), ValueError, r"points\['x'\] must"),
        (lambda: plots.plot_rival_plane(n_classes=1), ValueError, "n_classes must be"),
    ],
)
def test_plots_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_every_explorer_state_is_drawn_with_its_verdict():
    verdicts = {}
    for name, (a, b) in widgets.EXPLORER_STATES.items():
        ax = widgets.draw_explorer_state(a, b)
        verdicts[name] = ax.get_title(loc="left").startswith("Disagree")
    assert verdicts["the counterexample"] and verdicts["one confident miss"]
    assert not verdicts["A's miss fixed: they agree"]


def test_explorer_sets_follow_the_sliders():
    a, b = widgets.explorer_sets([0.9, 0.9, 0.3], [0.4, 0.4, 0.4])
    np.testing.assert_allclose(a.true_class_probabilities, [0.9, 0.9, 0.3])
    assert a.accuracy == pytest.approx(2 / 3) and b.accuracy == 1


def test_explorer_updates_its_verdict_when_a_slider_moves():
    explorer = widgets.prediction_explorer()
    columns, readout, figure = explorer.children
    sliders_a = columns.children[0].children
    assert "They disagree" in readout.value
    assert "A: 0.90, 0.90, 0.30, mean loss 0.472, accuracy 67%" in figure_alt(figure)
    sliders_a[2].value = 0.5  # A's miss becomes a hit: A is now better on both counts
    assert "A: 0.90, 0.90, 0.50, mean loss 0.301, accuracy 100%" in figure_alt(figure)
    assert "They disagree" not in readout.value
    assert "0.376" not in readout.value and "100%" in readout.value
    sliders_a[2].value = 0.2
    assert "They disagree" in readout.value


def figure_alt(view: ipywidgets.HTML) -> str:
    """The text alternative of the image an explorer shows, checking that the image is a PNG."""
    match = re.fullmatch(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)" .*>', view.value)
    assert match and base64.b64decode(match[1]).startswith(b"\x89PNG"), view.value[:80]
    return html.unescape(match[2])


def test_explorer_rejects_bad_starting_values():
    with pytest.raises(ValueError, match=r"p_true must be probabilities in \[0, 1\]; got max 1.5"):
        widgets.prediction_explorer(p_true_a=(0.9, 1.5, 0.3))


def logits_and_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3, size=(400, 4))
    labels = np.where(rng.random(400) < 0.8, logits.argmax(axis=1), rng.integers(0, 4, 400))
    return labels, logits


def test_reliability_diagram_draws_a_bar_per_filled_bin_and_counts_them():
    from lossacc_utils import calibration

    y, logits = logits_and_labels()
    bins = calibration.calibration_bins(y, calibration.apply_temperature(logits, 1.0), 10)
    ax = plots.plot_reliability(bins)
    filled = int((bins["count"] > 0).sum())
    assert len(ax.patches) == 2 * filled  # accuracy bars and gap bars
    counts = [int(t.get_text()) for t in ax.texts]
    assert sum(counts) == 400
    with pytest.raises(ValueError, match=r"bins must come from calibration\.calibration_bins"):
        plots.plot_reliability(bins.drop(columns="count"))


def test_temperature_states_keep_the_accuracy_and_the_slider_redraws():
    y, logits = logits_and_labels()
    titles = [
        widgets.draw_temperature_state(y, logits, t).get_title(loc="left") for t in (0.5, 1.0, 2.0)
    ]
    accuracies = {title.split("accuracy ")[1] for title in titles}
    assert len(accuracies) == 1  # dividing the logits by T keeps every argmax
    assert len({title.split(",")[0] for title in titles}) == 3
    explorer = widgets.temperature_explorer(y, logits)
    slider, figure = explorer.children
    assert slider.value == 1.0 and "T = 1.00: NLL" in figure_alt(figure)
    slider.value = 2.0  # redraws without a kernel
    assert "T = 2.00: NLL" in figure_alt(figure)
    assert figure_alt(figure).split("accuracy ")[-1] == titles[0].split("accuracy ")[-1] + "."
    with pytest.raises(ValueError, match="temperature must be positive"):
        widgets.draw_temperature_state(y, logits, 0.0)


def test_threshold_sweep_marks_the_threshold_and_the_slider_redraws():
    from lossacc_utils import data

    y, scores = data.imbalanced_scores(n_samples=500, seed=1)
    ax = plots.plot_threshold_sweep(y, scores, threshold=0.7)
    assert len(ax.get_lines()) == 6  # five scores and the threshold
    assert ax.get_title(loc="left").startswith("threshold 0.70: accuracy")
    explorer = widgets.threshold_explorer(y, scores)
    assert "at threshold 0.50: accuracy" in figure_alt(explorer.children[1])
    explorer.children[0].value = 0.3
    assert "at threshold 0.30: accuracy" in figure_alt(explorer.children[1])
    with pytest.raises(ValueError, match="y_true must contain only 0 and 1"):
        plots.plot_threshold_sweep(y + 1, scores)


def test_explorers_leave_the_readers_figures_open():
    from lossacc_utils import data

    mine = plt.figure()
    y, logits = logits_and_labels()
    widgets.temperature_explorer(y, logits)
    labels, scores = data.imbalanced_scores(n_samples=200, seed=2)
    widgets.threshold_explorer(labels, scores)
    assert plt.fignum_exists(mine.number)
    with pytest.raises(ValueError, match="y_true must contain only 0 and 1"):
        widgets.threshold_explorer(labels + 1, scores)
    with pytest.raises(ValueError, match="n_bins must be"):
        widgets.temperature_explorer(y, logits, n_bins=0)
