"""The explorers recompute in the browser exactly what lossacc_utils computes.

Each explorer's front end does its arithmetic in JavaScript, so that it stays live on the static
site. Python is the reference: these tests open explorers in Chromium, with no kernel and no
network, move their sliders, and compare every number on the page with the explorer's `readout()`
for the same state, on data chosen to catch the differences that matter (float32 thresholds,
ties, rounding halfway, NaN epochs). tests/test_browser.py does the same on the book's own pages.
"""

import functools
import http.server
import threading

import numpy as np
import pytest
from explorer_pages import (
    apply,
    check_moves,
    move,
    open_offline,
    sliders,
    wait_until_live,
    write_page,
)

from lossacc_utils import prose, widgets
from lossacc_utils.counterexample import with_true_class_probabilities
from lossacc_utils.runs import Run

COMMON_JS = (widgets.FRONT_ENDS / "common.js").read_text()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A folder served on localhost, and its URL."""
    folder = tmp_path_factory.mktemp("explorers")
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def synthetic_run(seed=0, n=40, epochs=12):
    """A run of `epochs` epochs on `n` images of 4 x 4 pixels, with a NaN validation loss on
    epoch 3, and pairs of identical samples, so that the costliest images have tied losses."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    log_p = {}
    for e in range(1, epochs + 1):
        p_true = np.clip(rng.beta(1 + e, 2, n), 0.001, 0.999).astype(np.float32)
        p_true[1::2] = p_true[::2]  # ties
        log_p[e] = np.log(with_true_class_probabilities(y, p_true.astype(float), 3))
    val_loss = [float(-lp[np.arange(n), y].mean()) for lp in log_p.values()]
    val_loss[2] = float("nan")
    val_accuracy = [float((lp.argmax(axis=1) == y).mean()) for lp in log_p.values()]
    history = {"val_loss": val_loss, "val_accuracy": val_accuracy}
    images = rng.integers(0, 17, (n, 4, 4)) / 16
    return Run(history, y_val=y, val_log_probabilities=log_p, x_val=images)


#: 16 probabilities of the true class whose mean loss, with one more, is 0.33450000000000002:
#: "0.335" added pairwise as NumPy adds, "0.334" added one by one.
PAIRWISE = [0.86, 0.56, 0.69, 0.75, 0.71, 0.79, 0.86, 0.97, 0.64, 0.82, 0.84, 0.64, 0.5, 0.98]
PAIRWISE += [0.65, 0.65]


def synthetic_explorers():
    """Explorers, each with the slider moves to check: (control, value) pairs."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 5, 300)
    logits = rng.normal(scale=3, size=(300, 5))
    logits[np.arange(300), y] += 2
    labels = (rng.random(400) < 0.15).astype(int)
    scores = np.clip(rng.normal(0.3 + 0.35 * labels, 0.2), 0, 1)
    # scores exactly at float32(t): Keras compares with the threshold rounded to float32, so these
    # are not above it, although they are above the float64 threshold t
    scores[:8] = np.float32([0.3, 0.3, 0.37, 0.37, 0.5, 0.5, 0.71, 0.71])
    scores[8:12] = [0.3, 0.37, 0.5, 0.71]  # and exactly at t itself
    temperatures = [("log2_temperature", v) for v in (-2, -0.35, 1.35, 3, 0)]
    return [
        (
            widgets.prediction_explorer(),
            [
                ("p_true_a[2]", 0.34),
                ("p_true_a[2]", 0.33),
                ("p_true_b[0]", 0.99),
                ("p_true_b[1]", 0.01),
                ("p_true_a[0]", 0.5),
            ],
        ),
        # a mean loss at a rounding edge: the page must add as NumPy adds, pairwise from 8 on
        (widgets.prediction_explorer([0.9875778004938389], [0.5], n_classes=1000), []),
        (widgets.prediction_explorer([*PAIRWISE, 0.4979160102513741], [0.5]), []),
        (widgets.temperature_explorer(y, logits), temperatures),
        (widgets.temperature_explorer(y, logits.astype(np.float32), n_bins=10), temperatures),
        # every sample right by far: an NLL of 10⁻¹⁸ that only log1p keeps
        (widgets.temperature_explorer([0, 1, 1], [[40, 0], [0, 40], [0, 30]]), temperatures),
        (widgets.temperature_explorer([0], [[30.404502868652344, 0.0]]), []),  # ECE of 6e-14
        (
            widgets.threshold_explorer(labels, scores),
            [("threshold", t) for t in (0.3, 0.37, 0.71, 0.01, 0.99, 0.5)],
        ),
        (
            widgets.epoch_explorer(synthetic_run(), k=5),
            [("epoch", i) for i in (0, 2, 11, 5)],
        ),
    ]


def test_every_number_on_the_page_is_what_python_computes(browser, served):
    folder, url = served
    explorers = synthetic_explorers()
    name = write_page(folder, [explorer for explorer, _ in explorers])
    page, problems = open_offline(browser, url + name)
    wait_until_live(page, len(explorers))
    seen = {}
    compared = 0
    for explorer, moves in explorers:
        kind = type(explorer).__name__
        index = seen[kind] = seen.get(kind, -1) + 1
        compared += check_moves(page, explorer, moves, index)
    page.context.close()
    assert problems == []
    assert compared > 100


def test_every_slider_has_an_accessible_name(browser, served):
    folder, url = served
    explorers = [explorer for explorer, _ in synthetic_explorers()]
    name = write_page(folder, explorers)
    page, problems = open_offline(browser, url + name)
    wait_until_live(page, len(explorers))
    for kind in ("prediction", "temperature", "threshold", "epochs"):
        for slider in sliders(page, kind):
            assert slider["name"] and slider["control"], slider
        names = [slider["name"] for slider in sliders(page, kind)]
        assert len(set(names)) == len(names), names
    assert len(sliders(page, "prediction")) == 6
    page.context.close()
    assert problems == []


def in_browser(browser, expression: str, argument):
    """`expression` evaluated in a page holding the explorers' shared functions."""
    page, problems = open_offline(browser, None)
    page.add_script_tag(content=COMMON_JS)
    result = page.evaluate(expression, argument)
    page.context.close()
    assert problems == []
    return result


def test_numbers_are_rounded_as_python_formats_them(browser):
    rng = np.random.default_rng(2)
    halfway = [0.125, 0.375, 0.625, 2.5, 3.5, 0.0625, 1.0625, 0.5, 1.5, 0.8125, 0.9375]
    # numbers the decimals would hide, written with a power of ten, a tie of the two significant
    # digits among them (1.25 × 10⁶ is 1.2 × 10⁶ to Python)
    hidden = [1e-9, -5e-9, 0.004, 0.0049, 9.96e-5, 5e-324, 1.25e6, 1.35e6, 999999.9996, 3.4e38]
    hidden += [float("nan"), float("inf"), -float("inf")]  # a diverged run's loss
    magnitudes = 10.0 ** rng.uniform(-12, 12, 300) * rng.choice([-1, 1], 300)
    values = [*halfway, *rng.random(500), *(rng.random(200) * 20), -0.125, -2.5, 0.0, -0.0]
    cases = [(float(v), d) for v in [*values, *hidden, *magnitudes] for d in (0, 1, 2, 3)]
    shown = in_browser(
        browser,
        "(cases) => cases.map(([x, d]) => [fixed(x, d), percent(x, d)])",
        cases,
    )
    assert shown == [[prose.fixed(x, d), prose.percent(x, d)] for x, d in cases]
    assert f"{0.125:.2f}" == "0.12" and (0.125).__round__(2) == 0.12  # halfway goes to even
    for x, d in cases[: 4 * len(values)]:  # numbers the decimals show: as Python's formats
        if x == 0 or abs(x) >= 10**-d:
            assert prose.fixed(x, d) == f"{x + 0.0:.{d}f}"
        if x == 0 or abs(x) >= 10 ** (-d - 2):
            assert prose.percent(x, d) == f"{x + 0.0:.{d}%}"


def test_sums_are_added_in_numpys_order(browser):
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=n) * 10.0 ** rng.integers(-3, 4, n) for n in (1, 7, 8, 9, 130, 1000)]
    lists = [a.tolist() for a in arrays]
    sums = in_browser(browser, "(arrays) => arrays.map((a) => pairwiseSum(a))", lists)
    assert sums == [float(np.add.reduce(a)) for a in arrays]  # to the last bit


def thin_and_thick_bins(n=2000, k=10, seed=3):
    """Labels and logits of a confident network: at most temperatures, a few bins thin enough to be
    only outlined, and both over- and under-confident bins."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(scale=2.0, size=(n, k))
    logits[np.arange(n), y] += rng.normal(8, 3, n)
    return y, logits


DIAGRAM = """(explorer) => {
    // the diagram's first panel: its height, its solid bars, its gap boxes and its outlined bins,
    // each as [top, bottom] in the panel's units
    const main = explorer.querySelector('svg.lossacc-figure svg');
    const span = (top, height) => [Number(top), Number(top) + Number(height)];
    const rects = [...main.querySelectorAll('rect')];
    return {
        height: Number(main.getAttribute('height')),
        bars: rects.filter((r) => r.getAttribute('fill') === '%s')
            .map((r) => span(r.getAttribute('y'), r.getAttribute('height'))),
        gaps: rects.filter((r) => (r.getAttribute('fill') || '').startsWith('url('))
            .map((r) => span(r.getAttribute('y'), r.getAttribute('height'))),
        outlined: [...main.querySelectorAll('path[fill=none]')].map((p) => {
            const [, bottom, top] = p.getAttribute('d').match(/^M[^,]+,([^V]+)V([^h]+)h/);
            return [Number(top), Number(bottom)];
        }),
        ece: [...main.querySelectorAll('text')].map((t) => t.textContent)
            .find((t) => t.startsWith('ECE')),
    };
}"""


def panel_value(at, height):
    """The value at `at` px down a reliability panel `height` px tall (its margins 12 px)."""
    return (height - 12 - at) / (height - 24)


def test_the_temperature_explorers_diagram_has_the_static_diagrams_form(browser, served):
    """As plots.plot_reliability draws it: each bar rises to its bin's accuracy, the gap to its
    mean confidence is a box of its own, and the thin bins are only outlined, with no gap."""
    from lossacc_utils import calibration, plots

    folder, url = served
    y, logits = thin_and_thick_bins()
    explorer = widgets.temperature_explorer(y, logits)
    name = write_page(folder, [explorer])
    page, problems = open_offline(browser, url + name)
    wait_until_live(page, 1)
    kinds = set()
    for log2_t in (-2, 0, 1.5, 3):
        move(page, "temperature", "log2_temperature", log2_t)
        apply(explorer, "log2_temperature", log2_t)
        handle = page.query_selector("[data-explorer=temperature]")
        drawn = page.evaluate(DIAGRAM % plots.COLORS["loss"], handle)
        probabilities = calibration.apply_temperature(logits, explorer.temperature)
        bins = calibration.calibration_bins(y, probabilities, explorer.n_bins)
        bins = bins[bins["count"] > 0]
        few = bins["count"] < max(5, plots.calibration.FEW_SAMPLES * bins["count"].sum())
        value = functools.partial(panel_value, height=drawn["height"])
        thick, thin = bins[~few], bins[few]
        assert len(drawn["bars"]) == len(thick) and len(drawn["outlined"]) == len(thin)
        for (high, low), b in zip(drawn["bars"], thick.itertuples(), strict=True):
            assert value(low) == pytest.approx(0, abs=1e-9)
            assert value(high) == pytest.approx(b.accuracy)  # the bar is the accuracy, always
        for (high, low), b in zip(drawn["outlined"], thin.itertuples(), strict=True):
            assert value(low) == pytest.approx(0, abs=1e-9)
            assert value(high) == pytest.approx(b.accuracy)
        gapped = thick[thick["accuracy"] != thick["confidence"]]
        assert len(drawn["gaps"]) == len(gapped)
        for (high, low), b in zip(drawn["gaps"], gapped.itertuples(), strict=True):
            assert value(high) == pytest.approx(max(b.accuracy, b.confidence))
            assert value(low) == pytest.approx(min(b.accuracy, b.confidence))
            kinds.add("over" if b.confidence > b.accuracy else "under")
        assert drawn["ece"] == f"ECE {explorer.readout()['ECE']}"
        kinds |= {"thin"} if len(thin) else set()
    page.context.close()
    assert problems == []
    assert kinds == {"over", "under", "thin"}  # the data showed every case


def test_the_explorers_figures_keep_their_text_inside_them_on_a_phone(browser, served):
    """At the narrowest a figure is laid out for (300 px) and at its natural width, every text of
    the prediction and temperature explorers' figures lies inside its figure; the prediction
    explorer's line at 1/k says why a sample above it is correct there."""
    folder, url = served
    y, logits = thin_and_thick_bins()
    name = write_page(
        folder, [widgets.prediction_explorer(), widgets.temperature_explorer(y, logits)]
    )
    page, problems = open_offline(browser, url + name)
    wait_until_live(page, 2)
    for width in (672, 300):
        page.evaluate(f"() => {{ document.body.style.width = '{width}px'; }}")
        page.wait_for_timeout(200)  # the explorers redraw on the next frame
        outside = page.evaluate(
            """() => [...document.querySelectorAll('[data-explorer] .lossacc-figure-holder > svg')]
                .flatMap((figure) => {
                    const box = figure.getBoundingClientRect();
                    return [...figure.querySelectorAll('text')].filter((t) => {
                        const r = t.getBoundingClientRect();
                        return r.left < box.left - 0.5 || r.right > box.right + 0.5;
                    }).map((t) => t.textContent);
                })"""
        )
        assert outside == [], f"at {width} px"
        key = page.evaluate(
            "() => document.querySelector('[data-explorer=prediction] svg').textContent"
        )
        assert "1/3: above it, correct" in key and "(the rest split equally)" in key
    page.context.close()
    assert problems == []
