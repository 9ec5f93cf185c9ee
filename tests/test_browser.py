"""The book as a reader sees it: every page opened in a real browser, with no network.

The site built once per session (the `built_book` fixture) is served on localhost, and Debian's
Chromium, driven by Playwright, opens every page with every request to another host blocked. A page
passes when it loads with no console error and no failed request, its images and equations render,
its widgets show their stored state, and axe finds no image without alt text and no heading out of
order. A screenshot of each page is saved in _build/screenshots/ for a person to look over.
"""

import functools
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from explorer_pages import check_moves, explorers_of, open_offline, wait_until_live
from test_book import toc_files

import tasks
from lossacc_utils.plots import style

pytestmark = pytest.mark.book

ROOT = Path(tasks.ROOT)
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = tasks.VENV / "web-assets" / "test" / "axe-core" / "axe.min.js"
# The accessibility rules every page must pass: text alternatives, and headings in order.
AXE_RULES = [
    "image-alt",
    "role-img-alt",
    "svg-img-alt",
    "heading-order",
    "page-has-heading-one",
    "empty-heading",
    "document-title",
    "html-has-lang",
]
# What a page looks like once its scripts have run, gathered in the page.
INSPECT = (Path(__file__).parent / "inspect_page.js").read_text()
#: How long a page may take to load, in ms: Playwright's 30 s, on a loaded machine, ran out once.
NAVIGATION_MS = 120_000


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """The built site served on localhost; its base URL."""
    handler = functools.partial(Quiet, directory=str(built_book / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def open_page(browser, site):
    """A function that opens a page of the site offline and reports what happened."""

    def visit(path: str, screenshot: str | None = None, axe: bool = False):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        report = {"blocked": [], "console_errors": [], "failed": []}

        def only_localhost(route):
            if urlparse(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                report["blocked"].append(route.request.url)
                route.abort()

        context.route("**/*", only_localhost)
        page = context.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and report["console_errors"].append(m.text),
        )
        page.on("pageerror", lambda error: report["console_errors"].append(str(error)))
        page.on("requestfailed", lambda r: report["failed"].append(f"{r.url}: {r.failure}"))
        page.on(
            "response", lambda r: r.status >= 400 and report["failed"].append(f"{r.status} {r.url}")
        )
        # a first page, with Chromium starting cold beside a build, took over 30 s once
        page.goto(site + path, wait_until="networkidle", timeout=NAVIGATION_MS)
        report.update(page.evaluate(INSPECT))
        if axe:
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                "async rules => (await axe.run(document, {runOnly: {type: 'rule', values: rules}}))"
                ".violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))])",
                AXE_RULES,
            )
            report["axe"] = [f"{rule}: {'; '.join(nodes)}" for rule, nodes in violations]
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{screenshot}.png", full_page=True)
        context.close()
        return report

    return visit


@pytest.fixture(scope="module")
def pages(open_page):
    """Every page of the table of contents, opened once, with a screenshot and axe's verdict."""
    return {
        name: open_page(f"{name}.html", screenshot=name.replace("/", "-"), axe=True)
        for name in toc_files()
    }


@pytest.mark.parametrize("name", toc_files())
def test_page_loads_offline_without_errors(pages, name):
    page = pages[name]
    assert page["blocked"] == [], f"{name} asks for other hosts: {page['blocked']}"
    assert page["failed"] == [], f"{name}: failed requests {page['failed']}"
    assert page["console_errors"] == [], f"{name}: console errors {page['console_errors']}"
    assert (SCREENSHOTS / f"{name.replace('/', '-')}.png").stat().st_size > 10_000


@pytest.mark.parametrize("name", toc_files())
def test_every_image_is_present_and_described(pages, name):
    for image in pages[name]["images"]:
        assert image["complete"] and image["width"] > 0, f"{name}: {image['src'][:80]} is missing"
        assert image["alt"] is not None, f"{name}: {image['src'][:80]} has no alt attribute"


@pytest.mark.parametrize("name", toc_files())
def test_pages_pass_the_accessibility_checks(pages, name):
    assert pages[name]["axe"] == [], f"{name}: {pages[name]['axe']}"


@pytest.mark.parametrize("name", toc_files())
def test_equations_are_rendered_by_the_served_mathjax(pages, name):
    page = pages[name]
    assert page["mathUnrendered"] == 0, f"{name}: {page['mathUnrendered']} equations left as TeX"
    assert page["mathRendered"] >= page["math"]
    assert "$$" not in page["text"] and "\\frac" not in page["text"] and "\\ln" not in page["text"]


@pytest.mark.parametrize("name", toc_files())
def test_no_table_or_code_block_is_wider_than_the_page(pages, name):
    assert pages[name]["tooWide"] == [], f"{name}: a reader must scroll sideways to read these"


#: The smallest scale a figure may be shown at: drawn at `style.DPI` dots per inch with no text
#: under `style.FONT_SIZE` points (tests/test_plots_and_widgets.py checks every figure), its
#: smallest text is then at least `style.SMALLEST_TEXT_PX` on the page, on a desktop and on a phone.
SMALLEST_SCALE = style.SMALLEST_TEXT_PX / (style.FONT_SIZE * style.DPI / 72)


@pytest.mark.parametrize("name", toc_files())
def test_figures_are_shown_large_enough_to_read_their_smallest_text(pages, name):
    shrunk = [f for f in pages[name]["figures"] if f["scale"] < SMALLEST_SCALE]
    assert shrunk == [], f"{name}: figures shown too small to read: {shrunk}"


def test_the_chapters_have_equations(pages):
    assert all(pages[f"chapters/{name}"]["math"] > 0 for name in ("intro", "counterexample"))


#: The explorers of each page, and the moves of their sliders to check: (control, value) pairs.
#: The epoch explorer's slider runs over its epochs by position: 0, a third of the way, the last.
PAGE_EXPLORERS = {
    "chapters/counterexample": {
        "prediction": [("p_true_a[2]", 0.34), ("p_true_b[0]", 0.2), ("p_true_a[0]", 0.05)],
    },
    "chapters/calibration": {
        "temperature": [("log2_temperature", v) for v in (-2, -0.5, 1.2, 3)],
    },
    "chapters/imbalance": {
        "threshold": [("threshold", t) for t in (0.1, 0.35, 0.62, 0.99)],
    },
    "chapters/overtraining": {
        "epochs": [("epoch", "first"), ("epoch", "third"), ("epoch", "last")]
    },
}


@pytest.mark.parametrize("name", toc_files())
def test_pages_draw_their_explorers(pages, name):
    page = pages[name]
    expected = sorted(PAGE_EXPLORERS.get(name, {}))
    assert sorted(e["kind"] for e in page["explorers"]) == expected, f"{name}: explorers missing"
    assert page["widgetViews"] == len(expected), f"{name}: a widget that is not an explorer"
    assert all(e["sliders"] >= 1 for e in page["explorers"])


@pytest.mark.parametrize("name", PAGE_EXPLORERS)
def test_explorers_are_live_offline_and_show_what_python_computes(browser, site, built_book, name):
    explorers = explorers_of((built_book / "html" / f"{name}.html").read_text())
    assert sorted(explorers) == sorted(PAGE_EXPLORERS[name])
    page, problems = open_offline(browser, site + f"{name}.html")
    wait_until_live(page, len(explorers))
    for kind, moves in PAGE_EXPLORERS[name].items():
        (explorer,) = explorers[kind]
        if kind == "epochs":
            last = len(explorer.epochs) - 1
            position = {"first": 0, "third": last // 3, "last": last}
            moves = [(control, position[value]) for control, value in moves]
        check_moves(page, explorer, moves)
    page.context.close()
    assert problems == []


def test_notebook_pages_have_copy_and_download_buttons(pages, open_page):
    notebooks = [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]
    assert len(notebooks) >= 4
    for name in notebooks:  # the introduction shows no code: its first screen is the answer
        page = pages[name]
        assert page["copyButtons"] >= page["codeCells"], name
        assert any(link.endswith(f"{name}.ipynb") for link in page["downloads"]), name
    showing_code = [name for name in notebooks if pages[name]["codeCells"] > 0]
    assert len(showing_code) >= len(notebooks) - 1, showing_code


def test_the_download_button_gives_the_chapters_notebook(browser, site):
    context = browser.new_context()
    response = context.request.get(site + "_sources/chapters/counterexample.ipynb")
    assert response.ok
    downloaded = json.loads(response.body())
    context.close()
    source = json.loads((ROOT / "chapters" / "counterexample.ipynb").read_text())
    assert [c["source"] for c in downloaded["cells"]] == [c["source"] for c in source["cells"]]


def test_search_finds_a_word_from_a_chapter(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "search.html?q=temperature", wait_until="networkidle", timeout=NAVIGATION_MS)
    results = page.locator("ul.search li a")
    results.first.wait_for(timeout=15_000)
    links = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    context.close()
    assert any("calibration" in link for link in links), links
