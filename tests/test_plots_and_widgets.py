"""The figures draw what they claim, and the explorers read out what this package computes."""

import inspect

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import traitlets
from matplotlib.colors import to_rgb, to_rgba

from lossacc_utils import calibration, counterexample, curves, data, plots, scores, widgets
from lossacc_utils.counterexample import CASE_1, CASE_2, with_true_class_probabilities
from lossacc_utils.plots import style
from lossacc_utils.runs import Run


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# A hand-made run of four epochs on six validation samples of three classes: each row gives the
# probability every sample gives its true class (the rest shared equally), so a sample is right
# when it is above 1/3. The validation curves are computed from them, as Keras would.
Y_VAL = np.array([0, 1, 2, 0, 1, 2])
P_TRUE = {
    1: [0.5, 0.5, 0.5, 0.5, 0.5, 0.2],
    2: [0.8, 0.7, 0.6, 0.9, 0.3, 0.2],
    3: [0.95, 0.9, 0.9, 0.99, 0.1, 0.05],
    4: [0.99, 0.99, 0.97, 0.999, 0.01, 0.01],
}
LOG_P = {e: np.log(with_true_class_probabilities(Y_VAL, p, 3)) for e, p in P_TRUE.items()}
X_VAL = np.arange(6 * 8 * 8, dtype=float).reshape(6, 8, 8, 1) % 17  # six different images


def make_run(**changes) -> Run:
    """The hand-made run; `changes` replace or add curves (lists) or other fields of the Run."""
    history = {
        "loss": [1.0, 0.6, 0.3, 0.1],
        "accuracy": [0.5, 0.7, 0.9, 1.0],
        "val_loss": [float(-np.mean(np.log(P_TRUE[e]))) for e in P_TRUE],
        "val_accuracy": [float(np.mean(np.array(P_TRUE[e]) > 1 / 3)) for e in P_TRUE],
    }
    fields = {"y_val": Y_VAL, "val_log_probabilities": LOG_P, "x_val": X_VAL}
    for name, value in changes.items():
        if isinstance(value, list):
            history[name] = value
        else:
            fields[name] = value
    return Run(history, **{k: v for k, v in fields.items() if v is not None})


def smoothed_run() -> Run:
    """A run 'trained with label smoothing': its val_loss is not its plain val_cross_entropy."""
    return make_run(val_cross_entropy=[0.8, 0.6, 0.65, 0.7], val_loss=[1.1, 1.0, 0.98, 0.97])


def rgb(color) -> tuple:
    return tuple(round(c, 4) for c in to_rgb(color))


def drawn_colors(fig) -> set:
    """The colours of every line, patch, filled area and text drawn on the figure's axes."""
    colors = []
    for ax in fig.axes:
        for line in ax.get_lines():
            colors += [line.get_color(), line.get_markerfacecolor(), line.get_markeredgecolor()]
        for patch in ax.patches:
            colors += [patch.get_facecolor(), patch.get_edgecolor()]
        for collection in ax.collections:
            colors += list(collection.get_facecolor()) + list(collection.get_edgecolor())
        titles = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        colors += [text.get_color() for text in ax.texts + titles]
    return {rgb(c) for c in colors if to_rgba(c)[3] > 0}


def line_data(line) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)


def test_prediction_sets_draw_one_bar_per_sample_coloured_by_correctness():
    ax = plots.plot_prediction_sets(CASE_1, CASE_2)
    bars = ax.patches
    assert len(bars) == 6
    heights = [bar.get_height() for bar in bars]
    np.testing.assert_allclose(heights, [0.9, 0.9, 0.4, 0.4, 0.4, 0.4])
    wrong = [bar for bar in bars if rgb(bar.get_facecolor()) == rgb(plots.COLORS["wrong"])]
    assert len(wrong) == 1  # case 1's third sample
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "accuracy 67%" in labels[0] and "accuracy 100%" in labels[1]


def test_prediction_sets_are_titled_with_the_verdict_red_when_they_disagree():
    ax = plots.plot_prediction_sets(CASE_1, CASE_2, title="two cases")
    sentence = counterexample.verdict(CASE_1, CASE_2)  # long: broken after the loss's choice
    assert ax.get_title(loc="left") == sentence.replace("; ", ";\n")
    assert ax.get_title(loc="left").startswith("Disagree: the loss prefers case 1")
    bold = [text.get_text() for text in ax.texts if text.get_fontweight() == "bold"]
    assert bold == ["two cases"]
    assert rgb(ax._left_title.get_color()) == rgb(plots.COLORS["disagree"])
    ax = plots.plot_prediction_sets(CASE_2, CASE_2)
    assert ax.get_title(loc="left") == counterexample.verdict(CASE_2, CASE_2)
    assert rgb(ax._left_title.get_color()) == rgb(plots.COLORS["agree"])


def test_simplex_regions_are_where_the_formulas_say():
    ax = plots.plot_simplex(loss_level=-np.log(0.45))
    correct, cheap_but_wrong = ax.patches[0], ax.patches[1:3]
    cheap = next(patch for patch in ax.patches if "(p_true >" in str(patch.get_label()))
    to_xy = plots.counterexample._to_xy

    def inside(patch, probabilities):
        return patch.get_path().contains_point(to_xy(probabilities), radius=-1e-9)

    def wrong_and_cheap(probabilities):
        return any(inside(patch, probabilities) for patch in cheap_but_wrong)

    assert inside(correct, [0.4, 0.3, 0.3]) and not inside(cheap, [0.4, 0.3, 0.3])
    assert inside(cheap, [0.46, 0.5, 0.04]) and not inside(correct, [0.46, 0.5, 0.04])
    assert inside(correct, [0.9, 0.05, 0.05]) and inside(cheap, [0.9, 0.05, 0.05])
    # orange: cheap and wrong, against either rival; nowhere else
    assert wrong_and_cheap([0.46, 0.5, 0.04]) and wrong_and_cheap([0.46, 0.04, 0.5])
    assert not wrong_and_cheap([0.9, 0.05, 0.05]) and not wrong_and_cheap([0.4, 0.5, 0.1])
    assert not wrong_and_cheap([0.48, 0.46, 0.06])  # cheap and right
    assert cheap_but_wrong[0].get_label() == "loss below 0.799, yet wrong"


def test_simplex_marks_each_point_where_it_lies():
    ax = plots.plot_simplex(points={"sure": [0.9, 0.05, 0.05], "torn": [0.4, 0.5, 0.1]})
    marked = [line_data(line) for line in ax.get_lines()]
    for (x, y), probabilities in zip(marked, ([0.9, 0.05, 0.05], [0.4, 0.5, 0.1]), strict=True):
        np.testing.assert_allclose([x[0], y[0]], plots.counterexample._to_xy(probabilities))
    assert {"sure", "torn"} <= {t.get_text() for t in ax.texts}


def test_rival_plane_names_the_regions_that_exist():
    texts = lambda ax: {t.get_text() for t in ax.texts}  # noqa: E731
    both = texts(plots.plot_rival_plane(10, loss_level=0.8))
    assert {"cheap but wrong", "correct but costly"} <= both
    strict = texts(plots.plot_rival_plane(10, loss_level=np.log(1.5)))  # p_true > 2/3: never wrong
    assert "cheap but wrong" not in strict and "correct but costly" in strict


def test_along_line_draws_the_frame_with_loss_left_and_accuracy_right():
    frame = pd.DataFrame(
        {"alpha": [0.0, 0.5, 1.0], "loss": [2.0, 1.0, 0.5], "accuracy": [0.1, 0.1, 0.9]}
    )
    ax = plots.plot_along_line(frame)
    (loss,) = [line for line in ax.get_lines() if line.get_label().startswith("loss")]
    right = next(other for other in ax.figure.axes if other is not ax)
    (accuracy,) = right.get_lines()
    np.testing.assert_array_equal(line_data(loss), (frame["alpha"], frame["loss"]))
    np.testing.assert_array_equal(line_data(accuracy), (frame["alpha"], frame["accuracy"]))
    assert rgb(ax.yaxis.label.get_color()) == rgb(loss.get_color()) == rgb(plots.COLORS["loss"])
    assert rgb(right.yaxis.label.get_color()) == rgb(accuracy.get_color())
    assert rgb(accuracy.get_color()) == rgb(plots.COLORS["accuracy"])
    assert ax.get_xlabel().startswith("α")  # as the text calls it
    lines = [(ax, frame["alpha"], frame["loss"]), (right, frame["alpha"], frame["accuracy"])]
    for text in ax.texts + right.texts:
        if text.get_text() in ("loss", "accuracy"):
            assert_clear(text, lines)


def assert_clear(text, lines, margin=1.0):
    """`text`'s box, as drawn, lies clear of every curve in `lines` ((axes, xs, ys), drawn point to
    point) by `margin` px: no curve runs through it."""
    figure = text.figure
    figure.canvas.draw()
    box = text.get_window_extent()
    for axes, xs, ys in lines:
        shown = axes.transData.transform(np.column_stack([xs, ys]).astype(float))
        # the curve, finely interpolated, inside the box's width
        x = np.linspace(box.x0, box.x1, 200)
        order = np.argsort(shown[:, 0])
        inside = (x >= shown[order, 0][0]) & (x <= shown[order, 0][-1])
        y = np.interp(x[inside], shown[order, 0], shown[order, 1])
        hits = (y > box.y0 - margin) & (y < box.y1 + margin)
        assert not hits.any(), f"{text.get_text()!r} is crossed by a curve"


def test_run_curves_start_at_epoch_one_training_solid_validation_dashed():
    run = make_run()
    top, bottom = plots.plot_run(run)
    lines = {line.get_label(): line for line in top.get_lines() + bottom.get_lines()}
    epochs = [1, 2, 3, 4]
    for ax, quantity in ((top, "loss"), (bottom, "accuracy")):
        training, validation = lines[f"training {quantity}"], lines[f"validation {quantity}"]
        np.testing.assert_array_equal(line_data(training), (epochs, run.curve(quantity)))
        np.testing.assert_array_equal(line_data(validation), (epochs, run.curve(f"val_{quantity}")))
        assert training.get_linestyle() == "-" and validation.get_linestyle() == "--"
        assert rgb(training.get_color()) == rgb(validation.get_color())
        assert rgb(training.get_color()) == rgb(plots.COLORS[quantity])
        assert ax.get_legend() is None  # the curves are named beside them instead
        assert {"training", "validation"} <= {t.get_text() for t in ax.texts}


def noisy_curves(epochs=400, seed=0) -> dict:
    """Curves like the book's run: the training loss to 0 and accuracy to 100%, the validation
    loss rising from epoch 18, the validation accuracy noisy around 95% to the end."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, epochs + 1)
    val_loss = 0.17 + 0.14 * np.log1p(np.maximum(t - 18, 0)) / np.log(epochs - 17)
    val_loss[:17] = np.linspace(1.0, 0.18, 17)
    return {
        "loss": np.maximum(1.0 - t / 20, 0) + 1e-4,
        "accuracy": np.minimum(0.9 + t / 200, 1.0),
        "val_loss": val_loss,
        "val_accuracy": 0.95 + 0.003 * rng.standard_normal(epochs) - 0.00001 * t,
    }


def test_run_names_each_curve_at_its_end_clear_of_both_curves():
    history = noisy_curves()
    top, bottom = plots.plot_run(history)
    epochs = np.arange(1, 401)
    for ax, quantity in ((top, "loss"), (bottom, "accuracy")):
        lines = [(ax, epochs, history[quantity]), (ax, epochs, history[f"val_{quantity}"])]
        names = [t for t in ax.texts if t.get_text() in ("training", "validation")]
        assert len(names) == 2
        for text in names:
            assert_clear(text, lines)
            assert ax.get_window_extent().contains(*text.get_window_extent().corners()[0])


def test_run_titles_say_what_the_validation_curves_did_after_the_best_epoch():
    run = make_run()
    top, bottom = plots.plot_run(run, title="a run")
    best = curves.summarize(run)
    loss_title, accuracy_title = top.get_title(loc="left"), bottom.get_title(loc="left")
    assert loss_title.startswith("a run\n")
    assert f"{best['best_val_loss']:.2f} → {best['final_val_loss']:.2f}" in loss_title
    assert "after epoch 2" in loss_title
    assert f"{best['val_accuracy_at_best']:.1%} → {best['final_val_accuracy']:.1%}" in (
        accuracy_title
    )


def test_run_axes_show_the_run_after_its_first_epochs():
    # the loss falls from 3 to 0.19 at epoch 6, then climbs by 0.11: the climb must fill the panel
    val_loss = [3.0, 1.0, 0.5, 0.3, 0.2, 0.19, 0.21, 0.24, 0.26, 0.28, 0.29, 0.3]
    val_accuracy = [0.1, 0.5, 0.7, 0.8, 0.84, 0.85, 0.86, 0.86, 0.86, 0.87, 0.87, 0.88]
    run = make_run(
        val_loss=val_loss,
        loss=[2.0, 0.5] + [0.01] * 10,
        accuracy=[0.2, 0.6] + [1.0] * 10,
        val_accuracy=val_accuracy,
    )
    top, bottom = plots.plot_run(run)
    assert top.get_yscale() == bottom.get_yscale() == "linear"
    low, high = top.get_ylim()
    assert low == 0 and 0.3 <= high < 0.5  # holds the climb, not the first epochs
    assert (0.3 - 0.19) / high > 0.2  # the climb is a fifth of the panel or more
    assert top.child_axes == []  # no inset
    low, high = bottom.get_ylim()
    assert 0.6 < low <= 0.84 and high >= 1  # around what the accuracies do once settled
    assert not bottom.patches  # no shading


def test_settled_epoch_is_where_the_curve_enters_the_band_it_ends_in():
    from lossacc_utils.plots.runs import settled_epoch

    loss = [3.0, 1.0, 0.5, 0.3, 0.2, 0.19, 0.21, 0.24, 0.26, 0.28, 0.29, 0.3]
    # the band from epoch 6 on is [0.19, 0.3]; widened by 0.05 it takes 0.3 (epoch 4) first
    assert settled_epoch(loss, best=6, floor=0.05) == 4
    assert settled_epoch(loss, best=6, floor=0.25) == 3  # 0.5 is within 0.3 + 0.25
    assert settled_epoch([1.0, 0.5], best=2) == 2
    with pytest.raises(ValueError, match="best must be an epoch of the curve"):
        settled_epoch(loss, best=13)


def test_run_marks_the_lowest_validation_loss_with_a_line_and_a_label():
    run = make_run()
    best = curves.summarize(run)
    assert best["best_epoch"] == 2
    top, bottom = plots.plot_run(run)
    (dot,) = [line for line in top.get_lines() if line.get_marker() == "o"]
    np.testing.assert_allclose(np.ravel(line_data(dot)), [2, best["best_val_loss"]])
    for ax in (top, bottom):
        red = rgb(plots.COLORS["disagree"])
        (mark,) = [m for m in ax.get_lines() if rgb(m.get_color()) == red and m is not dot]
        assert line_data(mark)[0].tolist() == [2, 2]
    assert any("epoch 2" in t.get_text() for t in top.texts)


def test_run_takes_a_dict_of_curves_as_well_as_a_run():
    run = make_run()
    from_dict = plots.plot_run({name: list(values) for name, values in run.history.items()})
    from_run = plots.plot_run(run)
    for a, b in zip(from_dict, from_run, strict=True):
        assert [line_data(x)[1].tolist() for x in a.get_lines()] == [
            line_data(y)[1].tolist() for y in b.get_lines()
        ]


def test_loss_by_correctness_stacks_up_to_the_validation_loss():
    run = make_run()
    frame = curves.loss_by_correctness(run)
    ax = plots.plot_loss_by_correctness(frame)
    wrong, correct = ax.collections  # the misclassified samples' part below, the correct on top
    tops = correct.get_paths()[0].vertices  # the outline of the upper part: its top is the sum
    for epoch, loss in zip(frame.index, run.val_loss, strict=True):
        assert np.isclose(tops, [epoch, loss]).all(axis=1).any(), (epoch, loss)
    assert rgb(correct.get_facecolor()[0]) == rgb(plots.COLORS["correct"])
    assert rgb(wrong.get_facecolor()[0]) == rgb(plots.COLORS["wrong"])
    assert ax.get_legend() is None and len(ax.texts) == 2  # each part named on the figure
    (correctly,) = [t for t in ax.texts if "correctly" in t.get_text()]
    assert_clear(correctly, [(ax, frame.index, run.val_loss)])  # above the stack, not on it


def test_answer_of_a_label_smoothed_run_draws_the_loss_its_stack_adds_up_to():
    plain = make_run().val_loss.tolist()  # the cross-entropy of the recorded predictions
    run = make_run(val_cross_entropy=plain, val_loss=[0.2 * v + 0.5 for v in plain])
    left, right = plots.plot_answer(run)
    (loss,) = [line for line in left.get_lines() if line.get_label() == "validation loss"]
    np.testing.assert_array_equal(line_data(loss)[1], plain)
    tops = right.collections[1].get_paths()[0].vertices
    for epoch, value in enumerate(plain, start=1):
        assert np.isclose(tops, [epoch, value]).all(axis=1).any(), (epoch, value)


def test_epoch_explorer_of_a_label_smoothed_run_shows_the_loss_its_readout_gives():
    plain = make_run().val_loss.tolist()  # lowest at epoch 2; the smoothed one, at 4
    run = make_run(val_cross_entropy=plain, val_loss=[1.0, 0.9, 0.8, 0.7])
    explorer = widgets.epoch_explorer(run)
    assert explorer.val_loss == plain and explorer.best_epoch == explorer.epoch == 2
    assert float(explorer.readout()["loss"]) == pytest.approx(plain[1], abs=5e-4)


def test_answer_shows_the_loss_rising_while_the_wrong_images_barely_change_in_number():
    run = make_run()
    left, right = plots.plot_answer(run)
    frame = curves.loss_by_correctness(run)
    (loss,) = [line for line in left.get_lines() if line.get_label() == "validation loss"]
    np.testing.assert_array_equal(line_data(loss), ([1, 2, 3, 4], run.val_loss))
    twin = next(ax for ax in left.figure.axes if ax not in (left, right))
    (accuracy,) = twin.get_lines()
    np.testing.assert_array_equal(line_data(accuracy), ([1, 2, 3, 4], run.val_accuracy))
    assert loss.get_linestyle() == accuracy.get_linestyle() == "--"  # validation curves
    assert twin.get_ylim()[1] == 1 and twin.get_ylim()[0] <= min(run.val_accuracy[1:])
    # the stacked parts add up to the validation loss, the misclassified images' part below
    wrong, correct = right.collections
    assert rgb(wrong.get_facecolor()[0]) == rgb(plots.COLORS["wrong"])
    tops = correct.get_paths()[0].vertices
    for epoch, value in zip(frame.index, run.val_loss, strict=True):
        assert np.isclose(tops, [epoch, value]).all(axis=1).any(), (epoch, value)
    # the lowest validation loss marked in both panels, at the argmin
    best = int(np.argmin(run.val_loss)) + 1
    for ax in (left, right):
        marks = [
            line
            for line in ax.get_lines()
            if rgb(line.get_color()) == rgb(plots.COLORS["disagree"])
        ]
        assert [line_data(m)[0].tolist() for m in marks] == [[best, best]]
    counts = [t for t in right.texts if t.get_text().endswith("wrong")]
    assert [t.get_text().replace("\n", " ") for t in counts] == [
        f"epoch {e}: {int(frame.loc[e, 'wrong samples'])} wrong" for e in (best, 4)
    ]
    stack = [(right, frame.index, run.val_loss)]
    for text in counts:  # over the stack, where no area is drawn
        assert_clear(text, stack)
    assert left.get_legend() is None and right.get_legend() is None
    assert left.get_ylim() == right.get_ylim()  # one loss scale for both, numbered in both
    right.figure.canvas.draw()
    assert [t.get_text() for t in right.get_yticklabels() if t.get_visible() and t.get_text()]
    # each curve's name clear of both curves
    epochs = np.arange(1, 5)
    lines = [(left, epochs, run.val_loss), (twin, epochs, run.val_accuracy)]
    for text in left.texts + twin.texts:
        if text.get_text() in ("loss", "accuracy"):
            assert_clear(text, lines)


def test_true_class_histograms_count_every_sample_once_per_epoch():
    run = make_run()
    axes = plots.plot_true_class_histograms(run, epochs=[1, 2, 4])
    assert [ax.get_title() for ax in axes] == ["epoch 1", "epoch 2", "epoch 4"]
    for ax, epoch in zip(axes, [1, 2, 4], strict=True):
        heights = np.array([bar.get_height() for bar in ax.patches])
        assert heights.sum() == len(Y_VAL)
        orange = rgb(plots.COLORS["wrong"])
        wrong = [bar.get_height() for bar in ax.patches if rgb(bar.get_facecolor()) == orange]
        assert sum(wrong) == sum(p <= 1 / 3 for p in P_TRUE[epoch])


def test_true_class_histograms_of_a_part_row_leave_its_empty_cells_out():
    axes = plots.plot_true_class_histograms(make_run(), epochs=[1, 2, 3, 4])
    figure = axes[0].figure
    assert len(axes) == 4 and figure.axes == list(axes)  # two rows; the last's two cells gone
    assert axes[3].get_ylim() == axes[0].get_ylim()  # counts on one scale


def test_ordinary_panels_of_a_notebook_are_drawn_on():
    """Panels that share an axis and differ in size, and an image grid sharing both axes: each as
    a notebook makes it, none refused. (A panel cleared to be drawn on again is refused by what
    `cla` leaves: the x tick labels the reliability diagram's strip of counts took over.)"""
    run = make_run()
    _, axes = plots.subplots(1, 2, sharex=True, width_ratios=[1, 3])
    assert list(plots.plot_run(run, axes=axes)) == list(axes)
    _, axes = plots.subplots(2, 2, sharex=True, sharey=True, height_ratios=[1, 2])
    assert len(plots.plot_true_class_histograms(run, [1, 2, 3, 4], axes=axes)) == 4
    _, ax = plots.subplots()
    plots.plot_reliability(reliability_bins(), ax=ax)  # with its strip of counts, sharing x
    ax.cla()
    with pytest.raises(ValueError, match=r"ax must be as a new Axes is.*tick labels hidden"):
        plots.plot_reliability(reliability_bins(), ax=ax)
    _, axes = plots.subplots(2, 3, sharex=True, sharey=True, height=5)
    table = curves.costliest_samples(run, epoch=4, k=6)
    assert sum(bool(ax.images) for ax in plots.plot_costliest(run, table, axes=axes)) == 6


def test_figures_drawn_under_rcparams_that_move_tick_labels_are_not_refused():
    run = make_run()
    for moved in (
        {"xtick.labelbottom": False, "xtick.labeltop": True},
        {"ytick.labelleft": False, "ytick.labelright": True},
    ):
        with plt.rc_context(moved):
            assert len(plots.plot_true_class_histograms(run, [1, 2, 3])) == 3
            assert len(plots.plot_costliest(run, curves.costliest_samples(run, 4, k=2))) == 2
            assert plots.plot_reliability(reliability_bins(), ax=plots.subplots()[1])


@pytest.mark.parametrize(
    ("channels", "dtype"), [(4, np.float16), (4, bool), (3, np.longdouble), (4, np.longdouble)]
)
def test_costliest_draws_colours_of_every_dtype_imshow_is_given_them_in(channels, dtype):
    images = np.random.default_rng(0).random((6, 8, 8, channels)) > 0.5
    run = make_run(x_val=images.astype(dtype))
    axes = plots.plot_costliest(run, curves.costliest_samples(run, 4, k=2))
    axes[0].figure.canvas.draw()  # where matplotlib refused these dtypes
    assert all(ax.images for ax in axes)


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (X_VAL.reshape(6, 64), r"run's x_val must hold images of height by width.*\(6, 64\)"),
        (np.zeros((6, 2, 8, 8)), r"run's x_val must hold images.*\(6, 2, 8, 8\)"),
        (np.full((6, 8, 8, 3), 255.0), "run's x_val must hold colours from 0 to 1 as floats"),
        (np.full((6, 8, 8, 3), 300, dtype=np.uint16), "or whole numbers from 0 to 255; got 300"),
        (np.full((6, 8, 8, 3), -50), "or whole numbers from 0 to 255; got -50"),
    ],
)
def test_costliest_refuses_images_it_cannot_draw(images, message):
    run = make_run(x_val=images)
    with pytest.raises(ValueError, match=message):
        plots.plot_costliest(run, curves.costliest_samples(run, epoch=4, k=2))


def test_costliest_shows_the_images_the_table_names():
    run = make_run()
    table = curves.costliest_samples(run, epoch=4, k=5)
    axes = plots.plot_costliest(run, table)
    assert len(axes) == 5 and axes[0].figure.axes == list(axes)  # the three cells left: gone
    assert [ax.get_subplotspec().rowspan.start for ax in axes] == [0, 0, 0, 0, 1]  # two rows
    shown = [ax for ax in axes if ax.images]
    assert len(shown) == 5 and not any(ax.axison for ax in axes)
    for ax, sample, predicted in zip(shown, table["sample"], table["predicted"], strict=True):
        np.testing.assert_array_equal(ax.images[0].get_array(), X_VAL[sample, ..., 0])
        assert ax.get_title().startswith(f"true {Y_VAL[sample]}, said {predicted}\n")


def test_two_reliability_diagrams_one_above_the_other_keep_clear_of_each_other():
    y, logits = logits_and_labels()
    bins = calibration.calibration_bins(y, calibration.apply_temperature(logits, 1.0), 10)
    fig, (upper, lower) = plots.subplots(2, 1, height=8.6)
    plots.plot_reliability(bins, ax=upper, title="above", legend=False)
    plots.plot_reliability(bins, ax=lower, title="below")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (strip,) = upper.child_axes
    label = strip.xaxis.label.get_window_extent(renderer)
    title = lower.title.get_window_extent(renderer)
    line = plots.style.FONT_SIZE * plots.style.DPI / 72  # a line of the figure's text, in px
    assert label.y0 - title.y1 >= line  # a line's room between the upper label and the title
    plt.close(fig)


def test_reliability_diagram_leaves_its_key_out_when_asked():
    y, logits = logits_and_labels()
    bins = calibration.calibration_bins(y, calibration.apply_temperature(logits, 1.0), 10)
    ax = plots.plot_reliability(bins)
    (strip,) = ax.child_axes
    key = strip.get_legend()  # under the strip, outside the diagram
    assert key is not None and ax.get_legend() is None
    ax.figure.canvas.draw()
    assert key.get_window_extent().y1 < strip.xaxis.label.get_window_extent().y0
    assert key.get_window_extent().y1 < ax.get_window_extent().y0  # it covers no bar
    left_out = plots.plot_reliability(bins, legend=False)
    assert left_out.get_legend() is None and left_out.child_axes[0].get_legend() is None
    with pytest.raises(TypeError, match="legend"):
        plots.plot_reliability(bins, legend="no")


def test_reliability_diagram_draws_full_bars_and_gap_boxes_and_counts_them():
    y, logits = logits_and_labels()
    probabilities = calibration.apply_temperature(logits, 1.0)
    bins = calibration.calibration_bins(y, probabilities, 10)
    ax = plots.plot_reliability(bins)
    filled = bins[bins["count"] > 0]
    few = (filled["count"] < max(5, 0.01 * filled["count"].sum())).to_numpy()
    assert few.any() and not few.all()
    many = filled[~few]
    n = len(many)
    bars, gaps, outlines = ax.patches[:n], ax.patches[n : 2 * n], ax.patches[2 * n :]
    assert len(outlines) == few.sum()  # the thin bins only outlined, with no gap box
    height = lambda boxes: np.array([box.get_height() for box in boxes])  # noqa: E731
    np.testing.assert_allclose(height(bars), many["accuracy"])  # the bar is the accuracy, whole
    np.testing.assert_allclose(height(outlines), filled[few]["accuracy"])
    assert {rgb(bar.get_facecolor()) for bar in bars} == {rgb(plots.COLORS["loss"])}
    assert all(box.get_facecolor()[3] == 0 for box in outlines)  # hollow
    # each gap box spans the bar's top to the bin's mean confidence, whichever is higher
    spans = sorted((box.get_x(), box.get_y(), box.get_y() + box.get_height()) for box in gaps)
    expected = sorted(
        zip(
            many["lower"],
            np.minimum(many["accuracy"], many["confidence"]),
            np.maximum(many["accuracy"], many["confidence"]),
            strict=True,
        )
    )
    np.testing.assert_allclose(spans, expected, atol=1e-12)
    assert {rgb(box.get_facecolor()) for box in gaps} == {rgb(plots.COLORS["gap"])}
    ece = calibration.expected_calibration_error(y, probabilities, 10)
    assert f"ECE {ece:.3f}" in [t.get_text() for t in ax.texts]
    (strip,) = ax.child_axes
    assert sum(bar.get_height() for bar in strip.patches) == 400  # every sample counted below
    legend = [text.get_text() for text in strip.get_legend().get_texts()]
    assert legend[:2] == ["accuracy in the bin", "gap to its mean confidence"]
    with pytest.raises(ValueError, match=r"bins must come from calibration\.calibration_bins"):
        plots.plot_reliability(bins.drop(columns="count"))


def test_threshold_sweep_draws_each_score_from_the_scores_module():
    from lossacc_utils import data

    y, s = data.imbalanced_scores(n_samples=300, seed=4)
    ax = plots.plot_threshold_sweep(y, s, threshold=0.7)
    lines = {line.get_label(): line for line in ax.get_lines()}
    grid, precision = line_data(lines["precision"])
    assert grid[0] == pytest.approx(0.01) and grid[-1] == pytest.approx(0.99)
    np.testing.assert_allclose(precision, [scores.precision(y, s, t) for t in grid])
    _, recall = line_data(lines["recall"])
    np.testing.assert_allclose(recall, [scores.recall(y, s, t) for t in grid])
    (threshold,) = [line for line in ax.get_lines() if line.get_label().startswith("_")]
    assert line_data(threshold)[0].tolist() == [0.7, 0.7]
    assert f"F1 {scores.f1_score(y, s, 0.7):.2f}" in ax.get_title(loc="left")
    assert len({rgb(line.get_color()) for line in lines.values()}) == 6  # five scores, threshold


@pytest.mark.parametrize(
    "y, s, threshold", [([1, 0, 1], [0.7, 0.2, 0.9], 0.7), ([1, 0], [0.5000000001, 0.2], 0.5)]
)
def test_threshold_sweep_title_says_what_the_explorer_says(y, s, threshold):
    """Both read the scores in float32, as a model gives them: a score of 0.7 is then not above a
    threshold of 0.7 for any of the five, which float64 scores would have split."""
    title = plots.plot_threshold_sweep(y, s, threshold).get_title(loc="left")
    readout = widgets.threshold_explorer(y, s, threshold).readout()
    for name, value in readout.items():
        assert f"{name} {float(value):.2f}" in title, (name, title)
    assert readout["accuracy"] == f"{np.mean((np.float32(s) > np.float32(threshold)) == y):.3f}"


def test_loss_and_ece_draw_the_validation_curves_dashed_on_linear_axes_that_hold_them():
    run = make_run()
    ax = plots.plot_loss_and_ece(run, n_bins=5)
    right = next(other for other in ax.figure.axes if other is not ax)
    loss = next(line for line in ax.get_lines() if line.get_label().startswith("validation loss"))
    (ece,) = right.get_lines()
    np.testing.assert_array_equal(line_data(loss), ([1, 2, 3, 4], run.val_loss))
    expected = [calibration.expected_calibration_error(Y_VAL, np.exp(LOG_P[e]), 5) for e in P_TRUE]
    np.testing.assert_allclose(line_data(ece)[1], expected)
    np.testing.assert_array_equal(line_data(ece)[0], [1, 2, 3, 4])
    assert loss.get_linestyle() == ece.get_linestyle() == "--"
    best = next(line for line in ax.get_lines() if line.get_label().startswith("_"))
    assert line_data(best)[0].tolist() == [2, 2]  # the lowest validation loss
    names = [t for t in ax.texts + right.texts if t.get_text() in ("loss", "ECE")]
    assert sorted(t.get_text() for t in names) == ["ECE", "loss"]
    lines = [(ax, [1, 2, 3, 4], run.val_loss), (right, [1, 2, 3, 4], expected)]
    for text in names:  # where no line runs, each in its curve's colour
        assert_clear(text, lines)
        colour = plots.COLORS["loss" if text.get_text() == "loss" else "ece"]
        assert rgb(text.get_color()) == rgb(colour)
    assert ax.get_yscale() == right.get_yscale() == "linear"
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= max(run.val_loss)
    assert right.get_ylim()[0] == 0 and right.get_ylim()[1] >= max(expected)
    ax = plots.plot_loss_and_ece(run, epochs=[2, 4])  # from epoch 2 on, the loss at every epoch
    (loss,) = [line for line in ax.get_lines() if line.get_label().startswith("validation loss")]
    np.testing.assert_array_equal(line_data(loss), ([2, 3, 4], run.val_loss[1:]))
    np.testing.assert_array_equal(line_data(ax.figure.axes[1].get_lines()[0])[0], [2, 4])
    ax = plots.plot_loss_and_ece(run, epochs=[4, 1, 2, 4])  # in time's order, each once
    np.testing.assert_array_equal(line_data(ax.figure.axes[1].get_lines()[0])[0], [1, 2, 4])


def test_label_smoothing_gives_each_run_one_colour_in_both_panels():
    run, smoothed = make_run(), smoothed_run()
    left, right = plots.plot_label_smoothing(run, smoothed)
    plain, cross_entropy, reported = left.get_lines()
    epochs = [1, 2, 3, 4]
    np.testing.assert_array_equal(line_data(plain), (epochs, run.val_loss))
    np.testing.assert_array_equal(
        line_data(cross_entropy), (epochs, smoothed.curve("val_cross_entropy"))
    )
    np.testing.assert_array_equal(line_data(reported), (epochs, smoothed.val_loss))
    assert plain.get_linestyle() == cross_entropy.get_linestyle() == "--"  # validation curves
    assert reported.get_linestyle() == ":"  # a loss of another definition
    assert rgb(cross_entropy.get_color()) == rgb(reported.get_color()) != rgb(plain.get_color())
    bars = right.patches
    np.testing.assert_allclose(
        [bar.get_width() for bar in bars],
        [
            calibration.expected_calibration_error(r.y_val, r.val_probabilities[4])
            for r in (run, smoothed)
        ],
    )
    assert [rgb(bar.get_facecolor()) for bar in bars] == [
        rgb(plain.get_color()),
        rgb(reported.get_color()),
    ]
    assert len(left.get_legend().get_texts()) == 3


@pytest.mark.trains
def test_figures_of_a_trained_run_draw_without_error():
    from lossacc_utils.overtraining import run_overtraining

    settings = {"n_train": 60, "n_val": 40, "n_test": 20, "epochs": 4}
    run = run_overtraining(seed=0, **settings)
    smoothed = run_overtraining(seed=0, label_smoothing=0.1, **settings)
    plots.plot_run(run)
    plots.plot_answer(run)
    plots.plot_true_class_histograms(run, epochs=[1, 4])
    table = curves.costliest_samples(run, epoch=4, k=3)
    axes = plots.plot_costliest(run, table)
    assert axes[0].images[0].get_array().shape == run.x_val.shape[1:3]
    plots.plot_loss_and_ece(run)
    plots.plot_label_smoothing(run, smoothed)


def line_frame():
    return pd.DataFrame({"alpha": [0.0, 1.0], "loss": [2.0, 0.5], "accuracy": [0.2, 0.9]})


def reliability_bins():
    y, logits = logits_and_labels()
    return calibration.calibration_bins(y, calibration.apply_temperature(logits, 1.0), 10)


def detector():
    from lossacc_utils import data

    return data.imbalanced_scores(n_samples=200, seed=3)


def test_plateau_accuracy_axes_hold_every_curve():
    low = make_run(accuracy=[0.05, 0.3, 0.5, 0.6], val_accuracy=[0.1, 0.2, 0.5, 0.6])
    results = {**plateau_results(), "run": low}
    axes = plots.plot_plateau([results])
    bottom, top = axes[1].get_ylim()
    assert bottom <= 0.05 and top >= 1
    assert plots.plot_plateau([plateau_results()])[1].get_ylim()[0] == pytest.approx(0.3)


def test_plateau_names_the_best_accuracy_where_no_curve_runs():
    from lossacc_utils.plateau import bayes_accuracy
    from lossacc_utils.runs import as_run

    t = np.arange(1, 121)
    slow = 1 - 0.6 * np.exp(-t / 60)  # still climbing at the end, towards 100%
    fast = 1 - 0.5 * np.exp(-t[:30] / 8)  # the bigger model: 95% by the planned end
    run = as_run({"loss": 1 - slow, "val_loss": 1 - slow, "accuracy": slow, "val_accuracy": slow})
    bigger = as_run(
        {"loss": 1 - fast, "val_loss": 1 - fast, "accuracy": fast, "val_accuracy": fast}
    )
    results = {**plateau_results(), "run": run, "bigger": bigger, "epochs": 30, "label_noise": 0.0}
    right = plots.plot_plateau([results])[1]
    (best,) = [t for t in right.texts if t.get_text().startswith("best possible")]
    assert best.get_text() == f"best possible:\n{bayes_accuracy(0.0):.0%}"
    drawn = [
        (right, np.arange(1, r.epochs + 1), r.curve(c))
        for r in (run, bigger)
        for c in ("accuracy", "val_accuracy")
    ]
    assert_clear(best, drawn)
    box = best.get_window_extent()
    planned = right.transData.transform((30, 0))[0]  # nor the dotted line of the planned end
    assert not box.x0 <= planned <= box.x1
    assert box.y0 > right.transData.transform((0, bayes_accuracy(0.0)))[1]  # over its line


#: Each public figure function, called on small inputs: name -> what it draws.
def clipping_frame():
    p = np.array([1e-9, 1e-7, 1e-3, 0.5, 1.0])
    return pd.DataFrame(
        {"p_true": p, "from probabilities": -np.log(np.maximum(p, 1e-7)), "from logits": -np.log(p)}
    )


def epoch_table():
    return pd.DataFrame(
        {
            "batch size": [32, 32, 26],
            "loss before the step": [1.2, 0.8, 0.5],
            "running mean": [1.2, 1.0, 0.856],
        },
        index=pd.RangeIndex(1, 4, name="batch"),
    )


def resolution_table():
    """Four rows of `resolution.accuracy_resolution_table()`, one of each outcome."""
    return pd.DataFrame(
        {
            "loss": ["binary_crossentropy"] * 2 + ["mean_squared_error"] * 2,
            "output units": [1, 3, 1, 3],
            "labels": ["(N,)"] * 4,
            "accuracy becomes": [
                "BinaryAccuracy",
                "",
                "BinaryAccuracy",
                "SparseCategoricalAccuracy",
            ],
            "warning": ["", "", "it warned", ""],
            "error": ["", "ValueError: no", "", ""],
        }
    )


def test_clipping_draws_each_column_against_p_true_on_a_log_axis():
    frame = clipping_frame()
    ax = plots.plot_clipping(frame)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for column in ("from probabilities", "from logits"):
        np.testing.assert_array_equal(line_data(lines[column]), (frame["p_true"], frame[column]))
    assert ax.get_xscale() == "log"
    (floor,) = [line for line in ax.get_lines() if line.get_label().startswith("_")]
    assert line_data(floor)[1][0] == pytest.approx(-np.log(1e-7))


def test_resolution_colours_each_cell_by_the_metric_keras_chose():
    ax = plots.plot_resolution(resolution_table())
    cells = {(p.get_x(), p.get_y()): rgb(p.get_facecolor()) for p in ax.patches}
    # columns: the losses in order; rows: (1 unit, (N,)) then (3 units, (N,))
    assert cells[(0, 0)] == rgb(plots.COLORS["binary_metric"])
    assert cells[(0, 1)] == rgb(plots.COLORS["refused"])
    assert cells[(1, 0)] == rgb(plots.COLORS["binary_metric"])
    assert cells[(1, 1)] == rgb(plots.COLORS["sparse_metric"])
    texts = [t.get_text() for t in ax.texts if t.get_position()[0] > 0]  # the cells, by column
    assert texts == ["Binary", "refused", "Binary\n(warns)", "Sparse"]
    headers = [t.get_text() for t in ax.get_xticklabels()]
    assert headers == ["binary\ncross-\nentropy", "mean\nsquared\nerror"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1 unit\n(N,)", "3 units\n(N,)"]


def test_epoch_losses_draw_the_batches_the_running_mean_and_both_epoch_numbers():
    ax = plots.plot_epoch_losses(epoch_table(), 0.4)
    points, running, history, after = ax.get_lines()
    np.testing.assert_array_equal(line_data(points)[1], [1.2, 0.8, 0.5])
    # each batch's running mean is a step as wide as the batch, centred on its loss: the last too
    np.testing.assert_array_equal(line_data(running)[0], [0.5, 1.5, 2.5, 3.5])
    np.testing.assert_array_equal(line_data(running)[1], [1.2, 1.0, 0.856, 0.856])
    assert running.get_drawstyle() == "steps-post"
    assert line_data(history)[1][0] == pytest.approx(0.856)
    assert line_data(after)[1][0] == pytest.approx(0.4)


def plateau_results():
    """What `plateau.experiment` returns, with the curves of hand-made runs."""
    return {
        "case": "a case",
        "epochs": 2,
        "twist": 0.0,
        "label_noise": 0.4,
        "run": make_run(),
        "bigger": make_run(),
    }


FIGURES = {
    "plot_along_line": lambda: plots.plot_along_line(line_frame()),
    "plot_answer": lambda: plots.plot_answer(make_run()),
    "plot_clipping": lambda: plots.plot_clipping(clipping_frame()),
    "plot_epoch_losses": lambda: plots.plot_epoch_losses(epoch_table(), 0.4),
    "plot_resolution": lambda: plots.plot_resolution(resolution_table()),
    "plot_costliest": lambda: plots.plot_costliest(make_run(), costliest()),
    "plot_label_smoothing": lambda: plots.plot_label_smoothing(make_run(), smoothed_run()),
    "plot_loss_and_ece": lambda: plots.plot_loss_and_ece(make_run()),
    "plot_loss_by_correctness": lambda: plots.plot_loss_by_correctness(
        curves.loss_by_correctness(make_run())
    ),
    "plot_prediction_sets": lambda: plots.plot_prediction_sets(CASE_1, CASE_2, title="cases"),
    "plot_reliability": lambda: plots.plot_reliability(reliability_bins(), title="epoch 4"),
    "plot_rival_plane": lambda: plots.plot_rival_plane(3),
    "plot_run": lambda: plots.plot_run(make_run(), title="a run"),
    "plot_simplex": lambda: plots.plot_simplex(points={"p": [0.5, 0.3, 0.2]}),
    "plot_threshold_sweep": lambda: plots.plot_threshold_sweep(*detector()),
    "plot_true_class_histograms": lambda: plots.plot_true_class_histograms(make_run(), [1, 4]),
    "plot_points": lambda: plots.plot_points(*data.spirals(200, n_classes=4), title="spirals"),
    "plot_seed_band": lambda: plots.plot_seed_band([make_run(), make_run(), make_run()]),
    "plot_plateau": lambda: plots.plot_plateau([plateau_results(), plateau_results()]),
}


def test_all_lists_every_figure_function_and_each_has_a_test_here():
    modules = [plots.counterexample, plots.keras, plots.runs, plots.calibration, plots.plateau]
    public = {
        name
        for module in modules
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("plot_") and value.__module__ == module.__name__
    }
    assert public == {name for name in plots.__all__ if name.startswith("plot_")}
    assert public == set(FIGURES)
    for module in [*modules, style]:  # each module lists what it defines; plots re-exports it
        assert set(module.__all__) <= set(dir(module))
        assert {n for n in module.__all__ if n.startswith("plot_")} <= set(plots.__all__)
    assert all(getattr(plots, name) is not None for name in plots.__all__)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_colour_drawn_comes_from_COLORS(name):
    fig = np.ravel(FIGURES[name]())[0].figure
    allowed = {rgb(color) for color in plots.COLORS.values()}
    assert drawn_colors(fig) - allowed == set()
    assert drawn_colors(fig)  # it did draw


def visible_texts(fig) -> list:
    """Every piece of text the figure shows: titles, labels, tick labels, legends, annotations."""
    fig.canvas.draw()
    return [
        text
        for text in fig.findobj(lambda artist: hasattr(artist, "get_fontsize"))
        if hasattr(text, "get_text") and text.get_text().strip() and text.get_visible()
    ]


def saved_width(fig) -> int:
    """The width in pixels of the PNG a notebook shows: at 100 dpi, bbox_inches="tight"."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=style.DPI, bbox_inches="tight")
    buffer.seek(0)
    return Image.open(buffer).size[0]


def test_the_style_rule_is_what_the_measured_columns_imply():
    # 12 pt at 100 dpi is 16.7 px; a PNG 570 px wide is shown 342 px wide on the phone: 10 px
    assert style.MAX_SAVED_PX == 570 and style.WIDTH == 5.5
    assert style.shown_text_px(style.FONT_SIZE, style.MAX_SAVED_PX, style.PHONE_COLUMN_PX) >= 10
    assert style.shown_text_px(style.FONT_SIZE, style.MAX_SAVED_PX + 5, style.PHONE_COLUMN_PX) < 10
    assert style.shown_text_px(9, 911, style.DESKTOP_COLUMN_PX) < 10  # the old figures failed
    with pytest.raises(ValueError, match=r"width must be at most 5\.5 inches"):
        style.subplots(width=9)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_text_of_a_figure_shows_at_10_px_on_a_phone_and_a_desktop(name):
    fig = np.ravel(FIGURES[name]())[0].figure
    assert fig.get_size_inches()[0] <= style.WIDTH
    width = saved_width(fig)
    assert width <= style.MAX_SAVED_PX, f"{name} is saved {width} px wide"
    for column in (style.PHONE_COLUMN_PX, style.DESKTOP_COLUMN_PX):
        small = {
            t.get_text(): t.get_fontsize()
            for t in visible_texts(fig)
            if style.shown_text_px(t.get_fontsize(), width, column) < style.SMALLEST_TEXT_PX
        }
        assert small == {}, f"{name}: under 10 px in a column of {column} px: {small}"


def test_figures_on_a_notebooks_axes_get_the_house_type_size():
    fig, axes = plt.subplots(1, 2, figsize=(5, 3))  # made outside the house style, at 10 pt
    plots.plot_run(make_run(), axes=axes)
    sizes = {t.get_fontsize() for t in visible_texts(fig)}
    assert min(sizes) >= style.FONT_SIZE


def test_plots_draw_on_the_given_axes_and_return_it():
    fig, axes = plt.subplots(2, 4)
    axes = axes.ravel()
    run = make_run()
    assert plots.plot_prediction_sets(CASE_1, CASE_2, ax=axes[0]) is axes[0]
    assert plots.plot_simplex(ax=axes[1]) is axes[1]
    assert plots.plot_rival_plane(ax=axes[2]) is axes[2]
    assert plots.plot_loss_and_ece(run, ax=axes[3]) is axes[3]
    assert list(plots.plot_run(run, axes=axes[4:6])) == list(axes[4:6])
    assert list(plots.plot_label_smoothing(run, smoothed_run(), axes=axes[6:8])) == list(axes[6:8])
    assert len(fig.axes) == 8 + 1  # and the right-hand axes of plot_loss_and_ece


def no_predictions():
    return make_run(y_val=None, val_log_probabilities={}, x_val=None)


BAD_CALLS = [
    (lambda: plots.plot_prediction_sets(CASE_1, "case 2"), TypeError, "b must be a Predict"),
    (lambda: plots.plot_prediction_sets(CASE_1, CASE_2, title=""), TypeError, "title must be"),
    (lambda: plots.plot_simplex(loss_level=0), ValueError, "loss_level must be positive"),
    (lambda: plots.plot_simplex(points={"x": [0.5, 0.5]}), ValueError, "3 probabilities"),
    (lambda: plots.plot_simplex(points={"x": [1.5, 0, 0]}), ValueError, r"points\['x'\] must"),
    (lambda: plots.plot_simplex(points=[[1, 0, 0]]), TypeError, "points must map labels"),
    (lambda: plots.plot_rival_plane(n_classes=1), ValueError, "n_classes must be"),
    (lambda: plots.plot_rival_plane(ax="left"), TypeError, "ax must be a matplotlib Axes"),
    (lambda: plots.plot_along_line({"alpha": [0]}), TypeError, "frame must be a DataFrame from tr"),
    (
        lambda: plots.plot_along_line(pd.DataFrame({"alpha": [0.0], "loss": [1.0]})),
        ValueError,
        r"frame must come from training.loss_and_accuracy_along_line.*\['accuracy'\]",
    ),
    (lambda: plots.plot_run([0.5, 0.4]), TypeError, "run must be a Run"),
    (lambda: plots.plot_run({}), TypeError, "run must be a valid run: history must map"),
    (
        lambda: plots.plot_run({"val_loss": [1.0, 0.5], "val_accuracy": [0.5]}),
        ValueError,
        "run must be a valid run: history's curves must all have one value per epoch",
    ),
    (
        lambda: plots.plot_run({"loss": [1.0, 0.5]}),
        ValueError,
        "run must have the curves .* it lacks \\['val_loss'",
    ),
    (lambda: plots.plot_run(make_run(), title=3), TypeError, "title must be a non-empty string"),
    (lambda: plots.plot_answer(make_run().history), TypeError, "run must be a Run that recorded"),
    (
        lambda: plots.plot_answer(make_run(val_log_probabilities={1: LOG_P[1]})),
        ValueError,
        r"run must have recorded its validation predictions at its best and last epochs \(2 and",
    ),
    (
        lambda: plots.plot_answer(make_run(), axes=["a", "b"]),
        TypeError,
        "axes must be plain matplotlib",
    ),
    (
        lambda: plots.plot_loss_by_correctness(pd.DataFrame({"loss": [1.0]})),
        ValueError,
        "frame must come from curves.loss_by_correctness",
    ),
    (
        lambda: plots.plot_true_class_histograms(make_run().history, [1]),
        TypeError,
        "run must be a Run that recorded its validation predictions",
    ),
    (
        lambda: plots.plot_true_class_histograms(no_predictions(), [1]),
        ValueError,
        "run must hold recorded validation predictions",
    ),
    (
        lambda: plots.plot_points(np.zeros((2, 2)), [0, 11]),
        ValueError,
        r"y must hold at most 4 classes, one colour each \(0 to 3\); it holds label 11$",
    ),
    (lambda: plots.plot_true_class_histograms(make_run(), 2), TypeError, "epochs must be a list"),
    (lambda: plots.plot_true_class_histograms(make_run(), []), ValueError, "epochs must name at"),
    (lambda: plots.plot_true_class_histograms(make_run(), [0]), ValueError, "each of epochs must"),
    (lambda: plots.plot_true_class_histograms(make_run(), [True]), ValueError, "each of epochs"),
    (
        lambda: plots.plot_true_class_histograms(make_run(), [2, 9]),
        ValueError,
        r"epochs must be recorded epochs of the run; \[9\] were not \(it recorded epochs 1",
    ),
    (
        lambda: plots.plot_true_class_histograms(make_run(), [1, 2], axes=plt.subplots()[1]),
        ValueError,
        "axes must hold at least 2 Axes; got 1",
    ),
    (
        lambda: plots.plot_true_class_histograms(make_run(), [1], axes=["a"]),
        TypeError,
        "axes must be plain matplotlib Axes",
    ),
    (
        lambda: plots.plot_costliest(make_run(x_val=None), costliest()),
        ValueError,
        r"run must hold its validation images \(x_val\)",
    ),
    (
        lambda: plots.plot_costliest(make_run(), costliest().drop(columns="loss")),
        ValueError,
        r"table must come from curves.costliest_samples; it lacks the columns \['loss'\]",
    ),
    (
        lambda: plots.plot_costliest(make_run(), costliest().assign(sample=[0, 6])),
        ValueError,
        r"table's sample column must index the run's 6 validation images \(0 to 5\)",
    ),
    (
        lambda: plots.plot_costliest(make_run(y_val=(Y_VAL + 1) % 3), costliest()),
        ValueError,
        "table must come from curves.costliest_samples of this run",
    ),
    (
        lambda: plots.plot_costliest(make_run(), costliest(), axes=plt.subplots()[1]),
        ValueError,
        "axes must hold at least 2 Axes",
    ),
    (lambda: plots.plot_reliability(pd.DataFrame()), ValueError, "bins must come from calibration"),
    (
        lambda: plots.plot_threshold_sweep([0, 1], [0.2, 0.7], 1.5),
        ValueError,
        r"threshold must be in",
    ),
    (
        lambda: plots.plot_threshold_sweep([0, 1], [0.2, 0.7], "0.5"),
        TypeError,
        "threshold must be a",
    ),
    (lambda: plots.plot_threshold_sweep([0, 1], [0.2, 1.7]), ValueError, "scores must be probab"),
    (
        lambda: plots.plot_threshold_sweep([0, 2], [0.2, 0.7]),
        ValueError,
        "y_true must contain only",
    ),
    (lambda: plots.plot_threshold_sweep([0, 1], [0.2]), ValueError, "y_true and scores must have"),
    (lambda: plots.plot_loss_and_ece(no_predictions()), ValueError, "run must hold recorded"),
    (lambda: plots.plot_loss_and_ece(make_run(), n_bins=0), ValueError, "n_bins must be"),
    (
        lambda: plots.plot_loss_and_ece(make_run(), epochs=[5]),
        ValueError,
        "epochs must be recorded",
    ),
    (
        lambda: plots.plot_label_smoothing(make_run(), make_run()),
        ValueError,
        r"smoothed must be a run trained with label smoothing, whose history holds val_cross_ent",
    ),
    (
        lambda: plots.plot_label_smoothing({"val_loss": [1.0]}, smoothed_run()),
        TypeError,
        "run must be a Run that recorded",
    ),
    (
        lambda: plots.plot_label_smoothing(
            make_run(val_log_probabilities={1: LOG_P[1]}), smoothed_run()
        ),
        ValueError,
        r"run must have recorded its predictions on its last epoch \(4\)",
    ),
    (
        lambda: plots.plot_label_smoothing(make_run(), smoothed_run(), n_bins=1.5),
        ValueError,
        "n_bins must be a whole number",
    ),
]


def costliest():
    return curves.costliest_samples(make_run(), epoch=4, k=2)


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS)
def test_plots_reject_bad_input_naming_the_argument(call, error, message):
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


def test_prediction_explorer_reads_out_what_its_sets_give():
    explorer = widgets.prediction_explorer()
    a, b = widgets.explorer_sets([0.9, 0.9, 0.3], [0.4, 0.4, 0.4])
    assert explorer.readout() == {
        "A loss": f"{(2 * -np.log(0.9) - np.log(0.3)) / 3:.3f}",
        "A accuracy": "67%",
        "B loss": f"{-np.log(0.4):.3f}",
        "B accuracy": "100%",
        "verdict": f"{counterexample.verdict(a, b)}.",
    }
    assert explorer.readout()["verdict"].startswith("Disagree: the loss prefers A")
    explorer.p_true_a = [0.9, 0.9, 0.5]  # A's miss becomes a hit: A wins on both counts
    assert explorer.readout()["verdict"] == "Loss and accuracy do not contradict each other."
    assert explorer.readout()["A accuracy"] == "100%"
    with pytest.raises(traitlets.TraitError, match=r"p_true_a must be probabilities in \[0, 1\]"):
        explorer.p_true_a = [0.9, 1.5, 0.3]


def test_explorer_rejects_bad_starting_values():
    with pytest.raises(ValueError, match=r"p_true_a must be probabilities in \[0, 1\]; got max 1"):
        widgets.prediction_explorer(p_true_a=(0.9, 1.5, 0.3))
    with pytest.raises(ValueError, match=r"p_true_b must have shape \(samples,\); got \(1, 3\)"):
        widgets.explorer_sets([0.5], [[0.5, 0.5, 0.5]])
    with pytest.raises(ValueError, match="n_classes must be a whole number of at least 2"):
        widgets.draw_explorer_state([0.5], [0.5], n_classes=0)


def logits_and_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3, size=(400, 4))
    labels = np.where(rng.random(400) < 0.8, logits.argmax(axis=1), rng.integers(0, 4, 400))
    return labels, logits


def test_temperature_states_keep_the_accuracy():
    y, logits = logits_and_labels()
    titles = [
        widgets.draw_temperature_state(y, logits, t).get_title(loc="left") for t in (0.5, 1.0, 2.0)
    ]
    accuracies = {title.split("accuracy ")[1] for title in titles}
    assert len(accuracies) == 1  # dividing the logits by T keeps every argmax
    assert len({title.split(",")[0] for title in titles}) == 3
    with pytest.raises(ValueError, match="temperature must be positive"):
        widgets.draw_temperature_state(y, logits, 0.0)


def test_temperature_explorer_reads_out_calibrations_numbers():
    y, logits = logits_and_labels()
    explorer = widgets.temperature_explorer(y, logits)
    for t in (1.0, 0.25, 2.0**1.35, 8.0):
        explorer.temperature = t
        probabilities = calibration.apply_temperature(logits, t)
        accuracy = (probabilities.argmax(axis=1) == y).mean()
        assert explorer.readout() == {
            "temperature": f"{t:.2f}",
            "NLL": f"{calibration.negative_log_likelihood(y, logits, t):.3f}",
            "ECE": f"{calibration.expected_calibration_error(y, probabilities):.3f}",
            "accuracy": f"{accuracy:.1%}",
        }
    title = widgets.draw_temperature_state(y, logits, 8.0).get_title(loc="left")
    assert title == "T = {temperature}: NLL {NLL}, ECE {ECE}, accuracy {accuracy}".format(
        **explorer.readout()
    )
    with pytest.raises(traitlets.TraitError, match="temperature must be positive"):
        explorer.temperature = -1.0


def test_explorers_carry_their_data_exactly_in_as_few_bytes_as_that_allows():
    y, logits = logits_and_labels()  # float64 logits: float32 would round them
    explorer = widgets.temperature_explorer(y, logits)
    assert explorer.logits["dtype"] == "float64"
    np.testing.assert_array_equal(widgets.unpack(explorer.logits), logits)
    np.testing.assert_array_equal(widgets.unpack(explorer.labels), y)
    rounded = logits.astype(np.float32)  # what a float32 model outputs: float32 holds it exactly
    explorer = widgets.temperature_explorer(y, rounded.astype(np.float64))
    assert explorer.logits["dtype"] == "float32" and explorer.labels["dtype"] == "uint8"
    np.testing.assert_array_equal(widgets.unpack(explorer.logits), rounded)
    big = np.arange(300)
    assert widgets.unpack(widgets.pack(big, np.int32)).tolist() == big.tolist()


def test_threshold_explorer_reads_out_the_scores_at_its_threshold():
    y, s = data.imbalanced_scores(n_samples=500, seed=1)
    explorer = widgets.threshold_explorer(y, s)
    for t in (0.5, 0.3, 0.01, 0.99):
        explorer.threshold = t
        assert explorer.readout() == {
            "accuracy": f"{(y == (s > np.float32(t))).mean():.3f}",
            "balanced accuracy": f"{scores.balanced_accuracy(y, s, t):.3f}",
            "precision": f"{scores.precision(y, s, t):.3f}",
            "recall": f"{scores.recall(y, s, t):.3f}",
            "F1": f"{scores.f1_score(y, s, t):.3f}",
        }
    ax = plots.plot_threshold_sweep(y, s, threshold=0.7)
    assert len(ax.get_lines()) == 6  # five scores and the threshold
    assert ax.get_title(loc="left").startswith("threshold 0.70: accuracy")
    with pytest.raises(traitlets.TraitError, match=r"threshold must be in \[0, 1\]; got 1.5"):
        explorer.threshold = 1.5


def test_epoch_explorer_reads_out_the_runs_split_and_costliest_images():
    run = make_run()
    explorer = widgets.epoch_explorer(run, k=3)
    assert explorer.epochs == [1, 2, 3, 4]
    assert explorer.epoch == curves.summarize(run)["best_epoch"]
    split = curves.loss_by_correctness(run)
    for epoch in explorer.epochs:
        explorer.epoch = epoch
        shown, row = explorer.readout(), split.loc[epoch]
        costliest = curves.costliest_samples(run, epoch, k=3)
        assert shown["loss"] == f"{row['loss']:.3f}"
        assert shown["from correct"] == f"{row['from correct samples']:.3f}"
        assert shown["from wrong"] == f"{row['from wrong samples']:.3f}"
        assert shown["wrong"] == str(int(row["wrong samples"]))
        assert shown["accuracy"] == f"{row['accuracy']:.1%}"
        for j, (_, sample) in enumerate(costliest.iterrows(), start=1):
            assert shown[f"costliest {j}"] == (
                f"true {int(sample['true class'])}, said {int(sample['predicted'])}"
            )
            assert shown[f"costliest {j} loss"] == f"loss {sample['loss']:.2f}"
    # the images of the costliest samples travel with it, as grey levels from 0 to 255
    images = widgets.unpack(explorer.images)
    assert images.shape == (len(explorer.image_samples), 8, 8)
    first = explorer.image_samples[0]
    expected = np.round(255 * X_VAL[first, ..., 0] / X_VAL.max())
    np.testing.assert_array_equal(images[0], expected)
    with pytest.raises(traitlets.TraitError, match=r"epoch must be one of the explorer's epochs"):
        explorer.epoch = 5


@pytest.mark.trains
def test_epoch_explorer_spreads_its_epochs_on_a_log_scale_and_keeps_the_best():
    from lossacc_utils import overtraining

    run = overtraining.run_overtraining(
        seed=0, epochs=60, n_train=40, n_val=30, n_test=10, record_every=3
    )
    explorer = widgets.epoch_explorer(run)
    recorded = set(run.val_log_probabilities)
    assert set(explorer.epochs) <= recorded and len(explorer.epochs) >= 10
    steps = np.diff(explorer.epochs)
    assert steps[0] <= steps[-1]  # closer together early on, where the loss moves fastest
    best = curves.summarize(run)["best_epoch"]
    assert (best in explorer.epochs) == (best in recorded)


def test_explorers_draw_nothing_in_python():
    mine = plt.figure()
    y, logits = logits_and_labels()
    widgets.temperature_explorer(y, logits)
    labels, s = data.imbalanced_scores(n_samples=200, seed=2)
    widgets.threshold_explorer(labels, s)
    widgets.epoch_explorer(make_run())
    with pytest.raises(ValueError, match="y_true must contain only 0 and 1"):
        widgets.threshold_explorer(labels + 1, s)
    with pytest.raises(ValueError, match="scores must be probabilities"):
        widgets.threshold_explorer(labels, s + 1)
    with pytest.raises(ValueError, match="n_bins must be"):
        widgets.temperature_explorer(y, logits, n_bins=0)
    assert plt.get_fignums() == [mine.number]  # their figures are drawn by the browser


# ----------------------------------------------------------------------------------------------
# Bad input to the house style's helpers and to the figures of a run: refused by name
# ----------------------------------------------------------------------------------------------

NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"nrows": 2**64}, ValueError, "nrows must be at most 100"),
        ({"nrows": 10**5}, ValueError, "nrows must be at most 100"),
        ({"ncols": 101}, ValueError, "ncols must be at most 100"),
        ({"nrows": 20, "ncols": 10}, ValueError, "nrows and ncols must make at most 100 panels"),
        ({"height": 1e300}, ValueError, "height must be at most 260 inches"),
        ({"height": NAN}, ValueError, "height must be finite"),
        ({"height": "3"}, TypeError, "height must be a real number"),
        ({"height": 0}, ValueError, "height must be positive"),
        ({"sharex": "sideways"}, ValueError, "sharex must be one of True, False, 'all'"),
        ({"sharey": 5}, ValueError, "sharey must be one of"),
        ({"sharex": None}, ValueError, "sharex must be one of"),
        ({"squeeze": "no"}, TypeError, "squeeze must be True or False"),
        # a resolution, a size or a layout of the caller's would undo the house style's
        ({"dpi": 50}, TypeError, "dpi is decided by the house style"),
        ({"tight_layout": True}, TypeError, "tight_layout is decided by the house style"),
        ({"constrained_layout": False}, TypeError, "constrained_layout is decided by"),
        ({"gridspec_kw": {"wspace": 0}}, TypeError, "gridspec_kw is decided by"),
        ({"ncols": 12}, ValueError, "ncols and width must give each panel at least 0.5 inches"),
        ({"height": 0.4}, ValueError, "nrows and height must give each panel at least 0.5"),
        ({"ncols": 2, "width_ratios": [1, 2, 3]}, ValueError, "width_ratios must hold 2 numbers"),
        ({"height_ratios": "12"}, TypeError, "height_ratios must be a list of 1 positive"),
        ({"ncols": 2, "width_ratios": [1, 0]}, ValueError, r"width_ratios\[1\] must be positive"),
        ({"ncols": 2, "width_ratios": [1, 1e-301]}, ValueError, "width_ratios must be within"),
    ],
)
def test_subplots_rejects_bad_input_naming_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        style.subplots(**kwargs)
    assert plt.get_fignums() == []  # refused before any figure was made


def test_subplots_keeps_its_valid_calls():
    fig, axes = style.subplots(2, 1)  # a ROW_HEIGHT a row when height is None
    assert tuple(fig.get_size_inches()) == (style.WIDTH, 2 * style.ROW_HEIGHT)
    fig, axes = style.subplots(2, 2, height=8.6, sharex="col", sharey=np.bool_(True))
    assert axes.shape == (2, 2) and tuple(fig.get_size_inches()) == (style.WIDTH, 8.6)
    fig, axes = style.subplots(1, 3, squeeze=False, sharey="row", width=4)
    assert axes.shape == (1, 3) and tuple(fig.get_size_inches()) == (4, style.ROW_HEIGHT)
    fig, axes = style.subplots(style.MAX_PANELS, 1)
    assert len(axes) == style.MAX_PANELS and fig.get_size_inches()[1] == style.MAX_HEIGHT
    fig, axes = style.subplots(1, 2, width_ratios=(1, np.int64(3)))
    fig.canvas.draw()
    widths = [ax.get_position().width for ax in axes]
    assert widths[1] == pytest.approx(3 * widths[0], rel=0.1)


SHOWN_TEXT = {"points": 12, "saved_width_px": 570, "column_px": 342}


@pytest.mark.parametrize("argument", list(SHOWN_TEXT))
@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (None, TypeError, "must be a real number"),
        ("12", TypeError, "must be a real number"),
        (True, TypeError, "must be a real number"),
        (1j, TypeError, "must be a real number"),
        (0, ValueError, "must be positive"),
        (-1, ValueError, "must be positive"),
        (NAN, ValueError, "must be finite"),
        (INF, ValueError, "must be finite"),
    ],
)
def test_shown_text_px_rejects_bad_input_naming_the_argument(argument, value, error, message):
    with pytest.raises(error, match=f"^{argument} {message}"):
        style.shown_text_px(**{**SHOWN_TEXT, argument: value})


def test_a_label_of_line_breaks_alone_is_shown_as_given():
    with pytest.raises(
        TypeError, match=r"each of points' labels must be a non-empty string; got '\\n'"
    ):
        plots.plot_simplex(points={"\n": [0.5, 0.3, 0.2]})


def test_shown_text_px_refuses_a_size_beyond_largest_rather_than_overflow():
    with pytest.raises(ValueError, match="points must be at most 1e"):
        style.shown_text_px(1e308, 570, 342)
    assert style.shown_text_px(1e300, 570, 342) == pytest.approx(1e300 * 100 / 72 * 342 / 570)


def test_shown_text_px_keeps_its_values():
    assert round(style.shown_text_px(12, 570, style.PHONE_COLUMN_PX), 1) == 10.0
    assert round(style.shown_text_px(12, 570, 672), 1) == 16.7
    assert style.shown_text_px(np.float32(9), np.int64(300), 672) == 12.5  # never enlarged


def _label_clear_of(**changes):
    """`label_clear_of` on a panel of one curve, with `changes` to its valid arguments."""
    _, ax = plt.subplots()
    ax.plot([1, 2, 3], [1, 2, 3])
    arguments = {"ax": ax, "x": 2, "text": "t", "color": "k", "lines": [(ax, [1, 2, 3], [1, 2, 3])]}
    arguments.update({k: v(ax) if callable(v) else v for k, v in changes.items()})
    return style.label_clear_of(**arguments)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"ax": None}, TypeError, "ax must be a matplotlib Axes; got NoneType"),
        ({"ax": "ax"}, TypeError, "ax must be a matplotlib Axes; got str"),
        ({"x": None}, TypeError, "x must be a real number"),
        ({"x": "a"}, TypeError, "x must be a real number"),
        ({"x": NAN}, ValueError, "x must be finite"),
        ({"text": None}, TypeError, "text must be a non-empty string"),
        ({"text": ""}, TypeError, "text must be a non-empty string"),
        ({"color": "notacolour"}, ValueError, "color must be a matplotlib colour"),
        ({"color": None}, ValueError, "color must be a matplotlib colour"),
        ({"lines": None}, TypeError, "lines must be a list of"),
        ({"lines": 5}, TypeError, "lines must be a list of"),
        ({"lines": []}, ValueError, "lines must hold at least the curve"),
        ({"lines": [(1, 2)]}, TypeError, r"lines\[0\] must be a triple"),
        ({"lines": [("ax", [1], [1])]}, TypeError, r"lines\[0\] must start with a matplotlib Axes"),
        (
            {"lines": lambda ax: [(ax, [1, 2], [1, 2]), (plt.subplots()[1], [1, 2], [1, 2])]},
            ValueError,
            r"lines\[1\] must be drawn in the figure of ax",
        ),
        ({"lines": lambda ax: [(ax, ["a"], [1])]}, TypeError, r"lines\[0\]'s xs must be real"),
        ({"lines": lambda ax: [(ax, [1, 2], [1j, 2])]}, TypeError, r"lines\[0\]'s ys must be real"),
        ({"lines": lambda ax: [(ax, [1, 2], [1, None])]}, TypeError, r"lines\[0\]'s ys must be"),
        ({"lines": lambda ax: [(ax, [], [])]}, ValueError, r"lines\[0\]'s xs must be a non-empty"),
        ({"lines": lambda ax: [(ax, [1, 2], [1])]}, ValueError, r"lines\[0\] must have one y"),
        ({"ha": "up"}, ValueError, "ha must be one of 'right', 'left', 'center'"),
        ({"ha": None}, ValueError, "ha must be one of"),
        ({"prefer": "sideways"}, ValueError, "prefer must be one of 'above', 'below'"),
        ({"prefer": None}, ValueError, "prefer must be one of"),
        ({"pad": "4"}, TypeError, "pad must be a real number"),
        ({"pad": NAN}, ValueError, "pad must be finite"),
        ({"pad": -1e9}, ValueError, "pad must be from 0 to 72 points"),
        ({"pad": 1e9}, ValueError, "pad must be from 0 to 72 points"),
        ({"va": "top"}, TypeError, "unexpected keyword argument 'va'"),
        ({"x": 1000}, ValueError, "x must be within the panel's x limits"),
        (
            {"ax": lambda _: plt.figure().subfigures(1, 2)[0].subplots()},
            ValueError,
            "ax must be an",
        ),
        ({"text": "a\n" * 40}, ValueError, "text must fit in the panel's height"),
    ],
)
def test_label_clear_of_rejects_bad_input_naming_the_argument(changes, error, message):
    with pytest.raises(error, match=message):
        _label_clear_of(**changes)


def test_label_clear_of_writes_its_text_as_written():
    note = _label_clear_of(text="costs $5 or $x_$")
    note.figure.canvas.draw()  # no TeX to typeset
    assert note.get_text() == r"costs \$5 or \$x_\$"


def test_label_clear_of_takes_numpy_numbers_series_twins_and_curves_with_nan():
    _, ax = plt.subplots()
    twin = ax.twinx()
    epochs = np.arange(1, 6)
    loss = pd.Series([1.0, 0.5, NAN, 0.4, 0.45])
    ax.plot(epochs, loss)
    twin.plot(epochs, [0.5, 0.6, 0.7, 0.7, 0.72])
    lines = [(ax, epochs, loss), (twin, list(epochs), [0.5, 0.6, 0.7, 0.7, 0.72])]
    note = style.label_clear_of(ax, np.int64(5), "loss", (0.1, 0.2, 0.3), lines, pad=np.float32(0))
    assert note.get_text() == "loss" and note.xy[0] == 5
    diverged = [(ax, epochs, [NAN] * 5)]  # a curve with no number at all: no band to keep off
    assert style.label_clear_of(ax, 3, "gone", "none", diverged, "center", "below").xy[0] == 3


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        (None, TypeError, "values must be a list of real numbers"),
        ("abc", TypeError, "values must be a list of real numbers"),
        ([], ValueError, r"values must be a non-empty list of numbers.*\(0,\)"),
        ([[1.0, 2.0], [3.0]], ValueError, "values must be a list of numbers.*ragged"),
        ([1j, 2.0], TypeError, "values must be a list of real numbers"),
        ([True, False], TypeError, "values must be a list of real numbers"),
        ([2.0, None, 1.0], TypeError, "values must be a list of real numbers"),
        ([[2.0, 0.9], [0.5, 0.34]], ValueError, r"values must be a non-empty list.*\(2, 2\)"),
        ([2.0, INF, 1.0], ValueError, "values must be finite or NaN; got inf at index 1"),
    ],
)
def test_settled_epoch_rejects_bad_values_naming_them(values, error, message):
    with pytest.raises(error, match=message):
        plots.runs.settled_epoch(values, 1)


@pytest.mark.parametrize(
    ("floor", "error", "message"),
    [
        ("a", TypeError, "floor must be a real number"),
        (None, TypeError, "floor must be a real number"),
        (NAN, ValueError, "floor must be finite"),
        (INF, ValueError, "floor must be finite"),
        (-1.0, ValueError, "floor must be at least 0"),
    ],
)
def test_settled_epoch_rejects_bad_floors_naming_them(floor, error, message):
    with pytest.raises(error, match=message):
        plots.runs.settled_epoch([2.0, 0.9, 0.5, 0.34, 0.2, 0.25, 0.3], 5, floor)


def test_settled_epoch_keeps_its_answers():
    curve = [2.0, 0.9, 0.5, 0.34, 0.2, 0.25, 0.3]
    assert plots.runs.settled_epoch(curve, best=5, floor=0.05) == 4
    assert plots.runs.settled_epoch(np.array(curve), np.int64(5), np.float32(0.05)) == 4
    assert plots.runs.settled_epoch([NAN, *curve[1:]], best=5, floor=0.05) == 4
    assert plots.runs.settled_epoch([3, 1, 2], best=2) == 2  # integers are a curve too
    assert plots.runs.settled_epoch([1.0, NAN, NAN], best=2) == 2  # nothing from best on


def _loss_split():
    return curves.loss_by_correctness(make_run())


def _costliest_table():
    return curves.costliest_samples(make_run(), epoch=4, k=2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: plots.plot_answer(make_run(val_accuracy=[NAN] * 4)),
            ValueError,
            "run's val_accuracy is NaN on every epoch",
        ),
        (
            lambda: plots.plot_loss_by_correctness(
                _loss_split().assign(**{"from wrong samples": NAN, "from correct samples": NAN})
            ),
            ValueError,
            "frame\\['from wrong samples'\\] must be finite; got nan in row 0",
        ),
        (
            lambda: plots.plot_loss_by_correctness(
                _loss_split().assign(**{"from wrong samples": "a"})
            ),
            TypeError,
            "frame\\['from wrong samples'\\] must hold real numbers; got dtype",
        ),
        (
            lambda: plots.plot_loss_by_correctness(
                _loss_split().assign(**{"from correct samples": INF})
            ),
            ValueError,
            "frame\\['from correct samples'\\] must be finite",
        ),
        (
            lambda: plots.plot_loss_by_correctness(
                _loss_split().assign(**{"from correct samples": -0.5})
            ),
            ValueError,
            "frame's 'from correct samples' column must be a part of a loss, at least 0",
        ),
        (
            lambda: plots.plot_loss_by_correctness(_loss_split().iloc[::-1]),
            ValueError,
            r"frame must be indexed by its epochs, increasing numbers.*\[4, 3, 2, 1\]",
        ),
        (
            lambda: plots.plot_loss_by_correctness(
                _loss_split().set_axis(["a", "b", "c", "d"], axis=0)
            ),
            ValueError,
            "frame must be indexed by its epochs",
        ),
        (
            lambda: plots.plot_costliest(
                make_run(), _costliest_table().assign(**{"p(true class)": "a"})
            ),
            TypeError,
            r"table\['p\(true class\)'\] must hold real numbers",
        ),
        (
            lambda: plots.plot_costliest(make_run(), _costliest_table().assign(loss=NAN)),
            ValueError,
            "table\\['loss'\\] must be finite; got nan",
        ),
        (
            lambda: plots.plot_costliest(make_run(), _costliest_table().assign(loss=-1.0)),
            ValueError,
            "table's loss column must hold losses, at least 0",
        ),
        (
            lambda: plots.plot_costliest(
                make_run(), _costliest_table().assign(**{"p(true class)": 1.5})
            ),
            ValueError,
            r"table's 'p\(true class\)' column must hold probabilities in \[0, 1\]",
        ),
        (
            lambda: plots.plot_costliest(make_run(), _costliest_table().assign(predicted=3)),
            ValueError,
            "table's predicted column must hold the run's class indices, 0 to 2",
        ),
        (
            lambda: plots.plot_costliest(make_run(), _costliest_table().assign(predicted=0.5)),
            ValueError,
            "table's predicted column must hold the run's class indices",
        ),
        (
            lambda: plots.plot_costliest(
                make_run(), _costliest_table().assign(**{"true class": [None, None]})
            ),
            TypeError,
            "table\\['true class'\\] must hold real numbers",
        ),
    ],
)
def test_run_figures_refuse_diverged_runs_and_broken_tables_naming_them(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_answer_draws_a_run_whose_accuracy_is_nan_from_its_best_epoch_on():
    run = make_run(val_accuracy=[0.8, NAN, NAN, NAN])  # its lowest validation loss is at epoch 2
    left, _ = plots.plot_answer(run)
    twin = next(ax for ax in left.figure.axes if ax not in left.figure.axes[:2])
    assert twin.get_ylim() == (0.4, 1.0)  # scaled to the one accuracy it has


def test_run_figures_keep_drawing_their_tables_as_curves_makes_them():
    frame = _loss_split()
    assert isinstance(plots.plot_loss_by_correctness(frame), plt.Axes)
    floats = frame.set_axis(frame.index.astype(float), axis=0)  # epochs as floats: still epochs
    assert isinstance(plots.plot_loss_by_correctness(floats), plt.Axes)
    table = _costliest_table()
    assert len(plots.plot_costliest(make_run(), table)) == 2
    whole = table.astype({"true class": float, "predicted": float})  # whole floats, as iterrows
    assert len(plots.plot_costliest(make_run(), whole)) == 2


def test_run_figures_refuse_more_panels_than_a_new_figure_holds_naming_the_argument():
    table = _costliest_table()
    many = pd.concat([table] * 51, ignore_index=True)  # 102 images
    with pytest.raises(ValueError, match="table must list at most 100 images for a new figure"):
        plots.plot_costliest(make_run(), many)
    assert len(plots.plot_costliest(make_run(), many, axes=plt.subplots(1, 102)[1])) == 102
    epochs = 100
    long_run = Run(
        {"val_loss": [1.0] * epochs, "val_accuracy": [0.5] * epochs},
        y_val=Y_VAL,
        val_log_probabilities=dict.fromkeys(range(1, epochs + 1), LOG_P[1]),
    )
    with pytest.raises(ValueError, match="epochs must name at most 99 epochs for a new figure"):
        plots.plot_true_class_histograms(long_run, list(range(1, epochs + 1)))


def test_names_with_dollar_signs_are_drawn_as_written_and_log_ticks_as_tex():
    """A reader's "$x_$" is text, not TeX to fail on; matplotlib's own log ticks stay TeX."""
    import io

    ax = plots.plot_simplex(points={"$x_$": [0.5, 0.3, 0.2]})
    ax.figure.savefig(io.BytesIO())
    assert any(text.get_text() == r"\$x_\$" for text in ax.texts)
    a = counterexample.PredictionSet(
        "$x^{$", [0, 1, 2], with_true_class_probabilities([0, 1, 2], [0.9, 0.9, 0.3], 3)
    )
    b = counterexample.PredictionSet(
        "B", [0, 1, 2], with_true_class_probabilities([0, 1, 2], [0.4, 0.4, 0.4], 3)
    )
    ax = plots.plot_prediction_sets(a, b)
    ax.figure.savefig(io.BytesIO())  # the verdict names the sets: as written, not as TeX
    assert r"\$x^{\$" in ax.get_title(loc="left")
    p = np.logspace(np.log10(0.2), 0, 20)
    ax = plots.plot_clipping(pd.DataFrame({"p_true": p, "loss": -np.log(p), "$x_$": -np.log(p)}))
    ax.figure.canvas.draw()
    assert all(label.get_parse_math() for label in ax.get_xticklabels())
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == r"\$x_\$"
