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
from explorer_pages import check_moves, open_offline, sliders, wait_until_live, write_page

from lossacc_utils import widgets
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
        (widgets.temperature_explorer(y, logits), temperatures),
        (widgets.temperature_explorer(y, logits.astype(np.float32), n_bins=10), temperatures),
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
    values = [*halfway, *rng.random(500), *(rng.random(200) * 20), -0.125, -2.5, 0.0, 1e-9]
    cases = [(float(v), d) for v in values for d in (0, 1, 2, 3)]
    shown = in_browser(
        browser,
        "(cases) => cases.map(([x, d]) => [fixed(x, d), percent(x, d)])",
        cases,
    )
    expected = [[f"{x:.{d}f}", f"{x:.{d}%}"] for x, d in cases]
    assert shown == expected
    assert f"{0.125:.2f}" == "0.12" and (0.125).__round__(2) == 0.12  # halfway goes to even


def test_sums_are_added_in_numpys_order(browser):
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=n) * 10.0 ** rng.integers(-3, 4, n) for n in (1, 7, 8, 9, 130, 1000)]
    lists = [a.tolist() for a in arrays]
    sums = in_browser(browser, "(arrays) => arrays.map((a) => pairwiseSum(a))", lists)
    assert sums == [float(np.add.reduce(a)) for a in arrays]  # to the last bit
