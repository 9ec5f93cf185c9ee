"""The house style of the book's figures, decided once: colours, line styles, type sizes, widths.

**The rule.** Every piece of text in a figure must show at least `SMALLEST_TEXT_PX` CSS pixels
high wherever the book shows the figure. A notebook's figure is saved as a PNG at `DPI` dots per
inch (matplotlib's default, which the inline backend keeps) with `bbox_inches="tight"` (the inline
backend's default, which pads the drawing by `SAVE_PAD` inches on every side), and the page shows
the PNG at min(its width, the column's width). Text of `s` points is then

    s * DPI / 72 * min(1, column / saved width)   CSS pixels high.

The column was measured on the built site: a cell's image is at most `DESKTOP_COLUMN_PX` wide on a
page 1280 px wide, and `PHONE_COLUMN_PX` on a phone 390 px wide. The phone decides: there a figure
shrinks by column / width, so the widest figure whose smallest text still shows at 10 px is
`FONT_SIZE * DPI / 72 * PHONE_COLUMN_PX / SMALLEST_TEXT_PX` pixels wide (`MAX_SAVED_PX`, 570 px
for 12 pt), that is `WIDTH` = 5.5 inches once the padding is taken off. At that width the desktop
shows the figure unscaled, its 12 pt text at 16.7 px, about the size of the prose around it.
Every figure is therefore at most `WIDTH` inches wide and writes nothing smaller than `FONT_SIZE`;
a figure of several panels that would be crowded at that width puts them in rows.

**Colours** (`COLORS`) mean the same thing in every figure, and so do line styles
(`LINESTYLES`): training curves are solid and validation curves dashed; epochs count from 1. A
figure of one run colours its quantities (the loss, the accuracy, the calibration error); a figure
comparing runs gives each run one colour, as tensorflow_docs' `HistoryPlotter` keeps one colour
per run. Curves are named by labels written beside them rather than by a legend box where they fit.
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import is_color_like
from matplotlib.figure import SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import (
    AutoLocator,
    AutoMinorLocator,
    FuncFormatter,
    NullFormatter,
    NullLocator,
    ScalarFormatter,
)

from ..validation import (
    check_bool,
    check_choice,
    check_count,
    check_distinct,
    check_positive,
    check_real,
    check_text,
    real_dtype,
)

__all__ = [
    "COLORS",
    "DESKTOP_COLUMN_PX",
    "DPI",
    "FONT_SIZE",
    "LARGEST",
    "LINESTYLES",
    "MAX_SAVED_PX",
    "PHONE_COLUMN_PX",
    "ROW_HEIGHT",
    "SAVE_PAD",
    "SMALLEST_TEXT_PX",
    "WIDTH",
    "label_clear_of",
    "shown_text_px",
    "subplots",
]

COLORS = {
    "correct": "#2a9d8f",  # a sample counted as correct
    "wrong": "#e76f51",  # a sample counted as wrong
    "low_loss": "#264653",  # the predictions whose loss is below a level
    "disagree": "#c1121f",  # loss and accuracy rank things differently; the lowest validation loss
    "agree": "#333333",
    "loss": "#1d3557",  # a loss curve
    "accuracy": "#9a7b16",  # an accuracy curve (dark enough to read as text on white)
    "ece": "#7b2cbf",  # the expected calibration error
    "balanced_accuracy": "#8c564b",  # the scores of a binary classifier, besides accuracy
    "precision": "#3a86ff",
    "recall": "#55a630",
    "f1": "#ff006e",
    "run": "#0072b2",  # the first run of a figure that compares runs
    "second_run": "#d55e00",  # the second run
    "class_0": "#0072b2",  # the classes of points in the plane (plot_points), in order
    "class_1": "#d55e00",
    "class_2": "#009e73",
    "class_3": "#cc79a7",
    "ink": "#000000",  # outlines, marked points and labels
    "reference": "#4d4d4d",  # reference lines and notes: diagonals, thresholds, counts
    "over_confident": "#f4a3a8",  # a reliability bin's gap when its confidence exceeds its accuracy
    "under_confident": "#8ecae6",  # and when its accuracy exceeds its confidence
    "gap": "#d62828",  # a reliability bin's gap between its accuracy and its mean confidence
    "binary_metric": "#a6cee3",  # what Keras makes of "accuracy": BinaryAccuracy
    "categorical_metric": "#b2df8a",  # CategoricalAccuracy
    "sparse_metric": "#fdbf6f",  # SparseCategoricalAccuracy
    "refused": "#bdbdbd",  # Keras raised an error
    "shade": "#e0e0e0",  # background areas
    "paper": "#ffffff",  # the background, and the gaps between bars
}

#: How a curve is drawn in every figure: training solid, validation dashed.
LINESTYLES = {"training": "-", "validation": "--"}

#: Dots per inch of a figure's PNG: matplotlib's default, which the inline backend keeps.
DPI = 100
#: The padding, in inches, that bbox_inches="tight" adds around the drawing (savefig.pad_inches).
SAVE_PAD = 0.1
#: The widest a cell's image is shown, in CSS px, measured on the built site: on a page 1280 px wide
#: and on a phone 390 px wide (its content column is 358 px, an output's image 342 px of it).
DESKTOP_COLUMN_PX = 672
PHONE_COLUMN_PX = 342
#: The smallest a letter may show, in CSS px, on either.
SMALLEST_TEXT_PX = 10
#: Every text of every figure, in points: tick labels, axis labels, legends, notes and titles.
FONT_SIZE = 12
#: The widest PNG whose `FONT_SIZE` text shows at `SMALLEST_TEXT_PX` on the phone, in px.
MAX_SAVED_PX = math.floor(FONT_SIZE * DPI / 72 * PHONE_COLUMN_PX / SMALLEST_TEXT_PX)
#: The width of every figure, in inches: `MAX_SAVED_PX` less the padding of a tight save.
WIDTH = math.floor(10 * (MAX_SAVED_PX / DPI - 2 * SAVE_PAD)) / 10
#: The height of one row of panels, in inches.
ROW_HEIGHT = 2.6
#: The largest number a figure draws: near a float's limit (1.8e308), matplotlib's margins, ticks
#: and our own headroom above a curve overflow to infinity.
LARGEST = 1e300
#: The most panels a figure of `subplots` holds, in all and in a row or a column: a figure of the
#: book has a handful, and matplotlib takes a minute to make 10,000.
MAX_PANELS = 100
#: The highest figure `subplots` makes, in inches: `MAX_PANELS` rows of `ROW_HEIGHT` (26,000 px at
#: `DPI`, within the 65,536 px a PNG of matplotlib's Agg may have on a side).
MAX_HEIGHT = MAX_PANELS * ROW_HEIGHT
#: What `sharex` and `sharey` of `subplots` may be, as `plt.subplots` takes them.
_SHARE = ("all", "row", "col", "none")
#: The most one panel's width or height in `subplots` may be of another's.
MAX_RATIO = 100.0
#: The keyword arguments `subplots` passes on to `plt.subplots`.
_PASSED = ("sharex", "sharey", "squeeze", "width_ratios", "height_ratios")
#: The largest padding, in points, `label_clear_of` keeps between a text and the curves: an inch.
_MAX_PAD = 72.0

#: matplotlib's settings while a figure function draws: its text and its spines.
RC = {
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.titleweight": "bold",
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": FONT_SIZE,
    "legend.title_fontsize": FONT_SIZE,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "figure.titlesize": FONT_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": DPI,
}


def shown_text_px(points: float, saved_width_px: float, column_px: float) -> float:
    """How many CSS px high text of `points` shows in a PNG `saved_width_px` wide (drawn at `DPI`)
    on a page whose column is `column_px` wide: the page shrinks the PNG to the column, never
    enlarges it.

    >>> round(shown_text_px(12, 570, PHONE_COLUMN_PX), 1), round(shown_text_px(12, 570, 672), 1)
    (10.0, 16.7)
    """
    points = check_positive(points, "points")
    if points > LARGEST:
        raise ValueError(f"points must be at most {LARGEST:g}; got {points:g}")
    saved_width_px = check_positive(saved_width_px, "saved_width_px")
    column_px = check_positive(column_px, "column_px")
    return points * DPI / 72 * min(1.0, column_px / saved_width_px)


def subplots(nrows=1, ncols=1, height=None, width=WIDTH, **kwargs):
    """A new figure of `nrows` by `ncols` panels, `width` inches wide (at most `WIDTH`) and
    `height` inches high (a `ROW_HEIGHT` a row when None, at most `MAX_HEIGHT`), laid out by
    matplotlib's constrained layout: what a notebook calls to place figures of this package side
    by side or one above the other. It holds at most `MAX_PANELS` panels. The keyword arguments
    `sharex`, `sharey`, `squeeze`, `width_ratios` and `height_ratios` go to `plt.subplots`; the
    rest (a size, a resolution, a layout) the house style decides. Returns the figure and its
    axes."""
    why = ", the most panels a figure may hold"
    nrows = check_count(nrows, "nrows", high=MAX_PANELS, why=why)
    ncols = check_count(ncols, "ncols", high=MAX_PANELS, why=why)
    if nrows * ncols > MAX_PANELS:
        raise ValueError(
            f"nrows and ncols must make at most {MAX_PANELS} panels; got {nrows} x {ncols} = "
            f"{nrows * ncols}"
        )
    height = ROW_HEIGHT * nrows if height is None else check_positive(height, "height")
    if height > MAX_HEIGHT:
        raise ValueError(
            f"height must be at most {MAX_HEIGHT:g} inches ({MAX_PANELS} rows of {ROW_HEIGHT}); "
            f"got {height}"
        )
    width = check_positive(width, "width")
    if width > WIDTH:
        raise ValueError(f"width must be at most {WIDTH} inches, the widest a phone shows legibly")
    for size, value, count, many in (
        ("height", height, nrows, "nrows"),
        ("width", width, ncols, "ncols"),
    ):
        if value < MIN_PANEL * count:
            raise NoRoom(
                f"{many} and {size} must give each panel at least {MIN_PANEL:g} inches, the "
                f"smallest a panel is drawn in; got {count} in {value:g} inches"
            )
    for name in kwargs:
        if name not in _PASSED:
            raise TypeError(
                f"{name} is decided by the house style; subplots takes height and width, and "
                f"passes on only {', '.join(_PASSED)}"
            )
    for name, count in (("width_ratios", ncols), ("height_ratios", nrows)):
        if name in kwargs:
            kwargs[name] = check_ratios(kwargs[name], name, count)
    for name in ("sharex", "sharey"):
        if name in kwargs:
            share = kwargs[name]
            if not isinstance(share, bool | np.bool_):
                check_choice(share, name, (True, False, *_SHARE))
            kwargs[name] = share if isinstance(share, str) else bool(share)
    if "squeeze" in kwargs:
        kwargs["squeeze"] = check_bool(kwargs["squeeze"], "squeeze")
    with plt.rc_context(RC):
        return plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", **kwargs)


def check_ratios(value, name: str, count: int) -> list[float]:
    """The relative widths or heights `value` (the argument `name`) of `count` columns or rows:
    a list or tuple of `count` positive numbers, none more than `MAX_RATIO` times another;
    returned as shares of the largest (so that tiny ones are not subnormal to the layout)."""
    if not (isinstance(value, list | tuple) or getattr(value, "ndim", None) == 1):
        raise TypeError(f"{name} must be a list of {count} positive numbers; got {value!r}")
    ratios = [check_positive(ratio, f"{name}[{i}]") for i, ratio in enumerate(value)]
    if len(ratios) != count:
        raise ValueError(f"{name} must hold {count} numbers, one a panel; got {len(ratios)}")
    largest = max(ratios)
    if largest > MAX_RATIO * min(ratios):
        raise ValueError(
            f"{name} must be within {MAX_RATIO:g} times each other, for every panel to show; "
            f"got {ratios}"
        )
    return [ratio / largest for ratio in ratios]


class NoRoom(ValueError):
    """A figure without room for its panels or its text. Inside a figure function it becomes the
    error `drawn_in_house_style` gives, naming the caller's arguments that take the room."""


def _no_room(given: str) -> ValueError:
    return ValueError(
        f"{given} must leave this figure room: laid out, its panels are too small for its "
        "text; give each panel more room, the figure fewer panels, or it shorter names"
    )


def drawn_in_house_style(function):
    """Run a figure function in the house style: its text and spines set by `RC` while it draws,
    then every tick label and axis label of the figures it drew on set to `FONT_SIZE`, since those
    may have been made before (in the axes a notebook passed in) or are made later (at draw); and
    refuse a figure whose panels, laid out, find no room (`_check_room`), naming the axes passed
    or, for the function's own figure, the arguments whose text fills it."""
    signature = inspect.signature(function)
    panels = "axes" if "axes" in signature.parameters else "ax"

    @functools.wraps(function)
    def drawing(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        given = panels
        if arguments.get(panels) is None:  # the figure's own panels: its text is to blame
            given = " and ".join(name for name in arguments if name != panels)
        try:
            with plt.rc_context(RC):
                result = function(*args, **kwargs)
        except NoRoom as error:
            raise _no_room(given) from error
        for figure in {id(ax.figure): ax.figure for ax in np.ravel(result)}.values():
            for ax in figure.axes:
                ax.tick_params(which="both", labelsize=FONT_SIZE)
                ax.xaxis.label.set_fontsize(FONT_SIZE)
                ax.yaxis.label.set_fontsize(FONT_SIZE)
                for title in (ax.title, ax._left_title, ax._right_title):
                    title.set_fontsize(max(title.get_fontsize(), FONT_SIZE))
            drawn = [ax for ax in np.ravel(result) if ax.figure is figure]
            _check_room(figure, drawn, given)
        return result

    return drawing


def laid_out(figure) -> bool:
    """Lay out `figure` as its layout engine will when it is drawn (if it has one), to measure
    where its panels will be; return whether the panels found room. Matplotlib's warning that
    they did not is left to `drawn_in_house_style`, which turns it into a clear error."""
    if figure.get_layout_engine() is None:
        return True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.get_layout_engine().execute(figure)
    return not any("collapsed to zero" in str(warning.message) for warning in caught)


#: The smallest panel a figure is drawn in, laid out, in inches: one that shows its curves.
MIN_PANEL = 0.5
#: How far, in inches, the panels may still move between two layouts once they stay put: a tenth
#: of a pixel at `DPI` (matplotlib's layouts converge to this in two passes, and then drift by
#: rounding for ever).
STILL = 0.1 / DPI


def _check_room(figure, drawn, given: str) -> None:
    """Refuse `figure` if, laid out as it will be drawn (again and again, each layout starting
    from the last, until the panels stay put), its panels find no room, or a panel drawn on (of
    `drawn`) gets less than `MIN_PANEL` inches a side: a notebook's axes too small for a figure's
    text, or a figure given more text than its panels leave room for. The error names `given`,
    the arguments that brought the panels or the text. (A panel of equal scales is as long as its
    data's shape makes it: only its longer side is held to `MIN_PANEL`.)"""
    if not isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine):
        return
    room, before = True, None
    inches = np.tile(figure.get_size_inches(), 2)  # a panel's bounds, x, y, width and height
    for _ in range(8):  # each layout starts from the last: until the panels stay where they are
        room = laid_out(figure)
        after = np.array([ax.get_position().bounds for ax in figure.axes]) * inches
        if not room or (before is not None and np.abs(after - before).max() < STILL):
            break
        before = after
    for ax in drawn if room else ():
        box = ax.get_position()  # as drawn: a panel of equal scales shrunk to its data's shape
        sides = (box.width * figure.get_figwidth(), box.height * figure.get_figheight())
        room = room and (max if ax.get_aspect() != "auto" else min)(sides) >= MIN_PANEL
    if not room:
        raise _no_room(given)


def new_axes(ax, height, width=WIDTH, equal_scales=False):
    """`ax`, checked (`check_axes`), or the axes of a new figure `width` wide and `height` inches
    high."""
    if ax is None:
        _, ax = subplots(height=height, width=width)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    else:
        check_axes(ax, "ax", equal_scales)
    return ax


def axes_for(axes, count: int, shape=None, height=None, shared=("x",), **kwargs) -> np.ndarray:
    """`axes` as a flat array of at least `count` Axes, separate panels, each checked
    (`check_axes`: they may share the axes named in `shared` with each other), or a new figure of
    `shape` (rows, columns) panels, one row of `count` when None."""
    if axes is None:
        rows, columns = (1, count) if shape is None else shape
        _, axes = subplots(rows, columns, height=height, **kwargs)
        return np.ravel(axes)
    flat = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
    if not all(isinstance(ax, Axes) for ax in flat):
        raise TypeError("axes must be plain matplotlib Axes of x and y (an array of them) or None")
    if len(flat) < count:
        raise ValueError(f"axes must hold at least {count} Axes; got {len(flat)}")
    if len({id(ax.figure) for ax in flat}) > 1:
        raise ValueError("axes must be panels of one figure; they are of several")
    if len({id(ax) for ax in flat}) < len(flat):  # a twin is refused by check_axes
        raise ValueError("axes must be separate panels; one of them is given twice")
    for ax in flat:
        check_axes(ax, "axes", panels=flat[:count], shared=shared)
    return flat


def _check_figure_of(ax, name: str) -> None:
    """Check that `ax` (the argument `name`) is in a figure, not a subfigure (whose layout the
    figure cannot measure), nor removed from its own."""
    if ax.figure is None:
        raise ValueError(f"{name} must be an Axes in a figure; it was removed from its own")
    if isinstance(ax.figure, SubFigure):
        raise ValueError(f"{name} must be an Axes of a figure, not of one of its subfigures")


def _covered(ax) -> bool:
    """Whether another Axes of `ax`'s figure lies over it, in part or whole, once laid out: their
    cells meet, for panels of one grid the layout places, or else their boxes do as the layout
    leaves them (it widens a grid's panels into its margins, and leaves one placed by hand)."""
    others = [other for other in ax.figure.axes if other is not ax]

    def cells(panel):
        spec = panel.get_subplotspec()
        return None if spec is None or not panel.get_in_layout() else spec

    mine = cells(ax)
    if mine is not None and all(
        cells(other) is not None and cells(other).get_gridspec() is mine.get_gridspec()
        for other in others
    ):
        return any(
            set(mine.rowspan) & set(cells(other).rowspan)
            and set(mine.colspan) & set(cells(other).colspan)
            for other in others
        )
    laid_out(ax.figure)
    a = ax.get_position()
    return any(
        min(a.x1, b.x1) - max(a.x0, b.x0) > 1e-9 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1e-9
        for b in (other.get_position() for other in others)
    )


#: Ranges of data on which `_ticks_as_made` compares an axis's ticks with matplotlib's own.
_PROBES = [(0.0, 1.0), (0.0, 16.9), (-4.9, 5.9), (998.8, 1001.2), (1e-7, 1e-3), (0.0, 1e6)]


def _ticks_as_made(axis) -> bool:
    """Whether `axis` places and labels its ticks as a new axis does (on `_PROBES`): no locator
    or formatter set or tuned beforehand (`set_xticks`, `locator_params`, `ticklabel_format`),
    and no minor ticks placed or labelled."""
    locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
    fresh_locator, fresh_formatter = AutoLocator(), ScalarFormatter()
    # a shared axis's ticker serves every panel sharing it, measured on the last one it was set on
    fresh_locator.set_axis(getattr(locator, "axis", None) or axis)
    fresh_formatter.set_axis(getattr(formatter, "axis", None) or axis)
    for low, high in _PROBES:
        ticks = fresh_locator.tick_values(low, high)
        if not np.array_equal(np.asarray(locator.tick_values(low, high)), ticks):
            return False
        labels = formatter.format_ticks(ticks), formatter.get_offset()
        if labels != (fresh_formatter.format_ticks(ticks), fresh_formatter.get_offset()):
            return False
    return isinstance(axis.get_minor_locator(), NullLocator | AutoMinorLocator) and isinstance(
        axis.get_minor_formatter(), NullFormatter
    )


def _holds_something(ax) -> bool:
    """Whether `ax` holds anything drawn or written: curves, patches, images, texts, a legend or
    a title."""
    drawn = ax.lines, ax.patches, ax.collections, ax.images, ax.texts, ax.tables, ax.artists
    titles = (ax.get_title(loc) for loc in ("left", "center", "right"))
    labels = ax.get_xlabel(), ax.get_ylabel()
    return any(drawn) or ax.get_legend() is not None or any(titles) or any(labels)


def _tick_labels_hidden(ax, siblings) -> bool:
    """Whether the tick labels a new Axes shows at the bottom and the left (as rcParams say) were
    turned off (`tick_params(labelleft=False)`, `label_outer()`) on an axis it shares with no
    panel (`sharey` turns off those of the inner panels, which their neighbours show)."""
    return any(
        not siblings[name]
        and plt.rcParams[shown]
        and not axis.get_major_ticks()[0].label1.get_visible()
        for name, axis, shown in (
            ("x", ax.xaxis, "xtick.labelbottom"),
            ("y", ax.yaxis, "ytick.labelleft"),
        )
    )


def check_axes(ax, name: str, equal_scales: bool = False, panels=(), shared=("x",)) -> None:
    """Check that a notebook's `ax` (its argument `name`) is one a figure can draw on as it
    intends, its scales the figure's to set:
    - plain x and y axes (not a globe, a cube or axisartist's) in a figure (not a subfigure, whose
      layout the figure cannot measure, nor removed from one), a panel of the figure's own (not an
      inset of another, which the layout does not place) and alone where it is drawn (no twin,
      inset, secondary axis or other Axes over it, once laid out);
    - sharing an axis (sharex, sharey) with no panel but, along the axes named in `shared`, the
      other `panels` of the same figure (a shared axis would give the figure's limits to another
      panel, or take its); for a figure of `equal_scales`, none at all: matplotlib would keep
      equal scales by moving the limits instead;
    - linear, increasing, free, empty and shown: no aspect, box aspect, scale, direction, limits,
      tick positions, tick labels, margins, spine or axis label positions fixed beforehand, which
      would override what the figure sets, nothing drawn or written on it, and neither it nor its
      axes or tick labels turned off or hidden."""
    if ax.name != "rectilinear":
        raise TypeError(f"{name} must be a plain matplotlib Axes of x and y; got a {ax.name} one")
    if type(ax) is not Axes:  # axisartist's, say, draws its own ticks and labels
        raise TypeError(
            f"{name} must be a plain matplotlib Axes of x and y; got a {type(ax).__module__}."
            f"{type(ax).__name__}"
        )
    _check_figure_of(ax, name)
    if ax.get_axes_locator() is not None:
        raise ValueError(f"{name} must be a panel of its figure, not an inset in another panel")
    if ax.child_axes or _covered(ax):
        raise ValueError(
            f"{name} must be the only Axes in its place: it has a twin (twinx, twiny), an inset, "
            "a secondary axis or another Axes over part of it, which would be drawn over the "
            "figure"
        )
    siblings = {  # of the panels still drawn: one removed (by ax.cla(), say) shares nothing
        axis: [
            other
            for other in group.get_siblings(ax)
            if other is not ax and other.figure is not None and other in other.figure.axes
        ]
        for axis, group in (("x", ax.get_shared_x_axes()), ("y", ax.get_shared_y_axes()))
    }
    if equal_scales and (siblings["x"] or siblings["y"]):
        raise ValueError(
            f"{name} must share no axis with another panel (a twin, sharex or sharey): this "
            "figure draws with equal scales, which matplotlib would keep by moving its limits"
        )
    for axis, others in siblings.items():
        mine = [panel for panel in panels if axis in shared]
        if any(not any(other is panel for panel in mine) for other in others):
            where = "outside this figure" if axis in shared else "showing another quantity"
            raise ValueError(
                f"{name} must be panels of the figure's own: one shares its {axis} axis "
                f"(share{axis}) with a panel {where}, whose limits the figure would move, or take"
            )
    margins = (plt.rcParams["axes.xmargin"], plt.rcParams["axes.ymargin"])
    checks = (  # in order, each asked only once those before it hold: a log axis has no ticks
        (f"aspect {ax.get_aspect()!r}", lambda: ax.get_aspect() != "auto"),
        (f"box aspect {ax.get_box_aspect()!r}", lambda: ax.get_box_aspect() is not None),
        (f"x scale {ax.get_xscale()!r}", lambda: ax.get_xscale() != "linear"),
        (f"y scale {ax.get_yscale()!r}", lambda: ax.get_yscale() != "linear"),
        ("an inverted x axis", ax.xaxis_inverted),
        ("an inverted y axis", ax.yaxis_inverted),
        ("x limits set", lambda: not ax.get_autoscalex_on()),
        ("y limits set", lambda: not ax.get_autoscaley_on()),
        ("x ticks placed or formatted", lambda: not _ticks_as_made(ax.xaxis)),
        ("y ticks placed or formatted", lambda: not _ticks_as_made(ax.yaxis)),
        (f"margins {ax.margins()}", lambda: ax.margins() != margins),
        (
            "a spine moved",
            lambda: any(spine.get_position() != ("outward", 0.0) for spine in ax.spines.values()),
        ),
        ("its axes turned off", lambda: not ax.axison),
        ("something drawn on it already", lambda: _holds_something(ax)),
        (
            "an axis label moved",
            lambda: (
                (ax.xaxis.get_label_position(), ax.yaxis.get_label_position()) != ("bottom", "left")
            ),
        ),
        ("tick labels hidden", lambda: _tick_labels_hidden(ax, siblings)),
        ("itself hidden", lambda: not ax.get_visible()),
        ("its x axis hidden", lambda: not ax.xaxis.get_visible()),
        ("its y axis hidden", lambda: not ax.yaxis.get_visible()),
    )
    fixed = next((what for what, is_fixed in checks if is_fixed()), None)
    if fixed:
        raise ValueError(
            f"{name} must be as a new Axes is, for the figure to set its scales and ticks; it has "
            f"{fixed}"
        )


def as_written(text: str) -> str:
    r"""`text` (a title or a name a reader gave) to be drawn as it is written: its dollar signs
    escaped, so that matplotlib takes "$x_$" for text, not for TeX it would fail to typeset.

    >>> as_written("costs $5")
    'costs \\$5'
    """
    return text.replace("$", r"\$")


def renderer_of(figure):
    """What measures the texts of `figure` as it draws them: its canvas's renderer, or for a
    canvas that has none to lend (a figure made without pyplot, or for an SVG or a PDF), Agg's at
    the figure's size and resolution."""
    if hasattr(figure.canvas, "get_renderer"):
        return figure.canvas.get_renderer()
    width, height = figure.bbox.size
    return RendererAgg(int(width), int(height), figure.dpi)


def checked_title(title) -> str | None:
    """A reader's `title` (None for none), checked to be text; `fitted` writes it."""
    return None if title is None else check_text(title, "title")


#: The most characters of a reader's title, and of a name (a prediction set's, a point's, a
#: column's, a case's), that a figure writes, broken into lines at its panel's width: at the
#: figure's own size, that many in ordinary words leave its panels room. Where they would not
#: (in the widest letters, or a notebook's smaller panels), the figure is refused by
#: `drawn_in_house_style`, naming what to change.
MAX_TITLE = 100
MAX_NAME = 50


def fitted(text: str, ax, name: str, share=1.0, bold: bool = False, most=MAX_TITLE) -> str:
    """`text`, a reader's title or name (the caller's argument `name`) of at most `most`
    characters (None: any number), ready to be written on `ax` at `FONT_SIZE`: broken into lines
    (at its spaces, and inside a word wider than a line) that fit in a share `share` of the panel's
    width, and written as it is (`as_written`). Unbroken, a text wider than its panel widens the
    panel's margin in the layout and squeezes the panels beside it."""
    text = str(text)
    if most is not None and len(text) > most:
        raise ValueError(
            f"{name} must be at most {most} characters, to fit in its figure; got {len(text):,} "
            f"({text[:30]!r}...)"
        )
    figure = ax.figure
    laid_out(figure)  # where the panel will be
    box = ax.get_position()
    width = box.width * figure.get_figwidth()
    if ax.get_aspect() != "auto":  # a panel of equal scales is a square in its box
        width = min(width, box.height * figure.get_figheight())
    room = share * width * figure.dpi
    renderer = renderer_of(figure)
    font = FontProperties(size=FONT_SIZE, weight="bold" if bold else "normal")

    def too_wide(line: str) -> bool:
        return renderer.get_text_width_height_descent(line, font, ismath=False)[0] > room

    lines = []
    for paragraph in text.split("\n"):
        if not too_wide(paragraph):  # as it is, its spaces too
            lines.append(paragraph)
            continue
        line = ""
        for word in paragraph.split(" "):
            joined = f"{line} {word}" if line else word
            if not too_wide(joined):
                line = joined
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and too_wide(word):  # as much of it as fits, then the rest
                fits, wide = 1, len(word)
                while wide - fits > 1:
                    middle = (fits + wide) // 2
                    fits, wide = (fits, middle) if too_wide(word[:middle]) else (middle, wide)
                lines.append(word[:fits])
                word = word[fits:]
            line = word
        lines.append(line)
    return as_written("\n".join(lines))


def distinct_names(names, name: str) -> list[str]:
    """The labels or column names `names` (which the caller's argument `name` holds) as the texts
    a figure writes: each printable (`check_text`) but for the line breaks it may hold, and no two
    reading alike (`check_distinct`)."""
    given = list(names)
    texts = [str(value) for value in given]
    for text in texts:
        check_text(text, f"each of {name}", lines=True)
    check_distinct(texts, name, given)
    return texts


def drawable(run, name: str = "run", negative_losses: bool = False):
    """`run` (a `runs.Run`, the caller's `name` for it), once its curves are what a figure of it
    can draw: every number at most `LARGEST` in size (beyond, the axis limits matplotlib computes
    overflow), its accuracies shares from 0 to 1 and, unless `negative_losses`, its losses (the
    curves named "loss" and "...cross_entropy") at least 0. NaN, a diverged epoch, is drawn as a
    gap."""

    def refuse(values, bad, what):
        epoch = int(np.argmax(bad)) + 1
        raise ValueError(
            f"{name}'s {curve_name} must be {what}; got {values[epoch - 1]} at epoch {epoch}"
        )

    for curve_name in run.history:
        values = run.curve(curve_name)
        with np.errstate(invalid="ignore"):  # NaN compares as False
            if (np.abs(values) > LARGEST).any():
                refuse(values, np.abs(values) > LARGEST, f"at most {LARGEST:g} in size to be drawn")
            if curve_name.endswith("accuracy") and ((values < 0) | (values > 1)).any():
                refuse(values, (values < 0) | (values > 1), "shares from 0 to 1")
            loss = curve_name.endswith(("loss", "cross_entropy"))
            if loss and not negative_losses and (values < 0).any():
                refuse(values, values < 0, "losses, at least 0, as a cross-entropy is")
    return run


def curve(ax, values, split: str, color: str, label: str, epochs=None):
    """Draw one curve against its epochs (from 1), in the convention of `LINESTYLES`."""
    epochs = np.arange(1, len(values) + 1) if epochs is None else epochs
    width = 1.5 if split == "training" else 2
    (line,) = ax.plot(epochs, values, color=color, ls=LINESTYLES[split], lw=width, label=label)
    return line


def log_scale(ax, label: str, color: str):
    """A log-scaled y axis labelled with plain numbers (0.3 rather than 3 x 10^-1)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(  # between the powers of ten, 2, 3 and 5 times them only
        FuncFormatter(lambda value, _: f"{value:g}" if f"{value:.0e}"[0] in "235" else "")
    )
    ax.set_ylabel(f"{label} (log scale)", color=color)


def percent(ax, decimals=0):
    """Label `ax`'s y axis in percent."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.{decimals}%}"))


def no_spines(ax, *sides):
    ax.spines[list(sides or ("top", "right"))].set_visible(False)


def label_line_end(ax, x, y, text, color, above=True):
    """Write `text` at the end of a curve, at (x, y), just above or below it, right-aligned."""
    return ax.annotate(
        text,
        (x, y),
        xytext=(-2, 4 if above else -4),
        textcoords="offset points",
        ha="right",
        va="bottom" if above else "top",
        color=color,
    )


def _occupied(ax, xs, ys, left: float, right: float):
    """The band of display heights (low, high) that the curve (xs, ys) of `ax`, drawn point to
    point, covers between the display abscissas `left` and `right`, or None where it does not
    run. The points just outside the span count too, which also covers steps drawn between
    points."""
    points = np.column_stack([np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)])
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return None
    shown = ax.transData.transform(points)
    order = np.argsort(shown[:, 0], kind="stable")
    px, py = shown[order, 0], shown[order, 1]
    first = max(int(np.searchsorted(px, left, side="left")) - 1, 0)
    last = min(int(np.searchsorted(px, right, side="right")) + 1, len(px))
    if px[-1] < left or px[0] > right:
        return None
    within = py[first:last]
    return float(within.min()), float(within.max())


def _checked_lines(lines, ax) -> list:
    """`lines` of `label_clear_of`, checked: a non-empty list of (axes, xs, ys), each axes in the
    figure of `ax` and xs and ys real numbers of one length (NaN allowed: a curve may have
    diverged); returns them with xs and ys as float arrays."""
    if not isinstance(lines, list | tuple):
        raise TypeError(
            "lines must be a list of (axes, xs, ys), the curve the text names first; "
            f"got {lines!r:.80}"
        )
    if not lines:
        raise ValueError("lines must hold at least the curve the text names; it is empty")
    checked = []
    for i, line in enumerate(lines):
        if not isinstance(line, list | tuple) or len(line) != 3:
            raise TypeError(f"lines[{i}] must be a triple (axes, xs, ys); got {line!r:.80}")
        axes, xs, ys = line
        if not isinstance(axes, Axes):
            raise TypeError(
                f"lines[{i}] must start with a matplotlib Axes; got {type(axes).__name__}"
            )
        if axes.figure is not ax.figure:
            raise ValueError(f"lines[{i}] must be drawn in the figure of ax; its axes are not")
        points = []
        for part, values in (("xs", xs), ("ys", ys)):
            try:
                array = np.asarray(values)
            except (TypeError, ValueError):
                array = np.asarray(None, dtype=object)
            if not real_dtype(array.dtype):
                raise TypeError(f"lines[{i}]'s {part} must be real numbers; got {values!r:.80}")
            if array.ndim != 1 or not len(array):
                raise ValueError(
                    f"lines[{i}]'s {part} must be a non-empty list of numbers; got shape "
                    f"{array.shape}"
                )
            points.append(array.astype(float))
        if len(points[0]) != len(points[1]):
            raise ValueError(
                f"lines[{i}] must have one y for each x; got {len(points[0])} xs and "
                f"{len(points[1])} ys"
            )
        checked.append((axes, *points))
    return checked


def label_clear_of(ax, x, text, color, lines, ha="right", prefer="above", pad=4.0):
    """Write `text` beside the point `x` of a curve, at the height nearest that curve where its box
    lies inside `ax` and clear, by `pad` points, of every curve in `lines` and of the texts
    already written in their axes; returns the annotation.

    `lines` holds (axes, xs, ys) in each axes' data coordinates (twin axes too), the curve the
    text names first: the text goes just above it (`prefer="above"`) or below it where that is
    clear, else at the clear height nearest it on the preferred side, else on the other.
    `ha="right"` ends the text at `x` (a curve's end), `"left"` starts it there, `"center"` centres
    it on it. Call once the axis limits are set and the panel's titles written: the figure is laid
    out to measure the text."""
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
    _check_figure_of(ax, "ax")
    x = check_real(x, "x")
    if not isinstance(text, str) or not text.strip():
        raise TypeError(f"text must be a non-empty string; got {text!r:.80}")
    if color is None or not is_color_like(color):
        raise ValueError(f"color must be a matplotlib colour; got {color!r:.80}")
    lines = _checked_lines(lines, ax)
    ha = check_choice(ha, "ha", ("right", "left", "center"))
    prefer = check_choice(prefer, "prefer", ("above", "below"))
    pad = check_real(pad, "pad")
    if not 0 <= pad <= _MAX_PAD:
        raise ValueError(
            f"pad must be from 0 to {_MAX_PAD:g} points (an inch, beyond which a panel has no "
            f"clear height); got {pad}"
        )
    low, high = sorted(ax.get_xlim())
    if not low <= x <= high:
        raise ValueError(f"x must be within the panel's x limits, {low:g} to {high:g}; got {x:g}")
    figure = ax.figure
    with warnings.catch_warnings():  # a layout without room: refused once the figure is drawn
        warnings.filterwarnings("ignore", "constrained_layout not applied")
        warnings.filterwarnings("ignore", "Tight layout not applied")
        figure.draw_without_rendering()
    renderer = renderer_of(figure)
    dpi_pad = pad * figure.dpi / 72
    nudge = {"right": -2, "left": 2, "center": 0}[ha]
    note = ax.annotate(  # measured where it is drawn: inside the axes
        as_written(text),
        (x, float(np.mean(ax.get_ylim()))),
        xytext=(nudge, 0),
        textcoords="offset points",
        ha=ha,
        va="bottom",
        color=color,
        annotation_clip=False,
    )
    box = note.get_window_extent(renderer)
    width, height = box.width, box.height
    frame = ax.get_window_extent(renderer)
    if height > frame.height - 2:
        note.remove()
        raise NoRoom(
            f"text must fit in the panel's height: it is {height:.0f} px high, the panel "
            f"{frame.height:.0f} px; give it fewer lines or the panel more room"
        )
    anchor = ax.transData.transform((x, ax.get_ylim()[0]))[0] + nudge * figure.dpi / 72
    left = anchor - width * {"right": 1, "left": 0, "center": 0.5}[ha]
    right = left + width
    bands = [_occupied(axes, xs, ys, left - dpi_pad, right + dpi_pad) for axes, xs, ys in lines]
    others = [
        t.get_window_extent(renderer)
        for axes in {id(a): a for a in [ax, *(a for a, _, _ in lines)]}.values()
        for t in axes.texts
        if t is not note and t.get_visible() and t.get_text()
    ]

    def clear(bottom):
        top = bottom + height
        if bottom < frame.y0 + 1 or top > frame.y1 - 1:
            return False
        for band in bands:
            if band is not None and bottom - dpi_pad < band[1] and top + dpi_pad > band[0]:
                return False
        return not any(
            o.x0 < right + 2 and o.x1 > left - 2 and o.y0 < top + 2 and o.y1 > bottom - 2
            for o in others
        )

    target = bands[0] or (frame.y0, frame.y0)
    above, below = target[1] + dpi_pad, target[0] - dpi_pad - height
    preferred = [above, below] if prefer == "above" else [below, above]
    middle = (target[0] + target[1]) / 2
    heights = np.arange(frame.y0 + 1, frame.y1 - height - 1, 2.0)
    sides = [heights[heights + height / 2 > middle], heights[heights + height / 2 <= middle]]
    sides = sides if prefer == "above" else sides[::-1]
    candidates = [  # the preferred side first, each side nearest the curve first
        b
        for start, side in zip(preferred, sides, strict=True)
        for b in [start, *sorted(side, key=lambda b: abs(b + height / 2 - middle))]
    ]
    bottom = next((b for b in candidates if clear(b)), preferred[0])
    note.xy = (x, ax.transData.inverted().transform((anchor, bottom))[1])
    return note


def mark_epoch(ax, epoch, text=None, y=1.0, color=None):
    """A thin vertical line at `epoch`, with `text` beside it at height `y` (a fraction of the
    axes), on the side where there is more room."""
    color = COLORS["disagree"] if color is None else color
    ax.axvline(epoch, color=color, lw=1, ls="-", zorder=1)
    if text is None:
        return None
    low, high = ax.get_xlim()
    right = epoch < (low + high) / 2
    return ax.annotate(
        text,
        (epoch, y),
        xycoords=("data", "axes fraction"),
        xytext=(4 if right else -4, 0),
        textcoords="offset points",
        ha="left" if right else "right",
        va="top",
        color=color,
    )
