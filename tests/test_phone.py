"""The book on a phone: every page opened 390 px wide, by touch, with no network.

Each page of the table of contents must fit the phone's width (nothing makes it scroll sideways),
and each explorer must be usable there: one column, every slider long enough to set with a finger
and within the window, a touch on its track moving it and redrawing what the explorer shows, the
arrow keys moving it by one step, and no text under 10 px. A full-page screenshot of each page is
saved in _build/screenshots/phone/ for a person to look over. At a desktop's 1280 px, the explorers'
sliders keep their length and move under the mouse.

The site is the one the `built_book` fixture builds; LOSSACC_SITE=FOLDER (a built site's html/
folder) checks that folder instead, without a build, as while working on the explorers' look.
"""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from explorer_pages import (
    PHONE,
    explorer_boxes,
    explorer_text_sizes,
    figure,
    open_offline,
    point_on_track,
    shown,
    slider_boxes,
    slider_value,
    wait_until_live,
)
from test_book import toc_files
from test_browser import SMALLEST_SCALE

import tasks

pytestmark = pytest.mark.book

SCREENSHOTS = Path(tasks.ROOT) / "_build" / "screenshots" / "phone"
# What a page looks like once its scripts have run (MathJax too), gathered in the page.
INSPECT = (Path(__file__).parent / "inspect_page.js").read_text()
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
#: The shortest slider track, in CSS px: on a phone, more than half of the column, what a finger
#: can set a value on; at 1280 px, a little under the 172 px of the shortest (the prediction
#: explorer's, two sets side by side) before the explorers were laid out for phones.
SHORTEST_TRACK = {"phone": 200, "desktop": 150}
#: The least height of a slider, in CSS px: a touch anywhere on it moves it (WCAG's 24 px target).
SMALLEST_TARGET = 24
#: The smallest text an explorer may show, in CSS px.
SMALLEST_TEXT = 10
#: How far from the point touched a slider may settle, as a share of its range: its thumb's half
#: width at either end of a track of 200 px.
TOUCH_TOLERANCE = 0.1


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_folder(request):
    """The built site's folder: LOSSACC_SITE's, or the one the book build makes."""
    folder = os.environ.get("LOSSACC_SITE")
    if folder:
        return Path(folder)
    return request.getfixturevalue("built_book") / "html"


@pytest.fixture(scope="module")
def site(site_folder):
    """The built site served on localhost; its base URL."""
    handler = functools.partial(Quiet, directory=str(site_folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def explorers_expected(site_folder: Path, name: str) -> int:
    """How many widgets the page stores: each is an explorer, which draws itself when live."""
    source = (site_folder / f"{name}.html").read_text()
    return source.count('type="application/vnd.jupyter.widget-view+json"')


def far_side(slider: dict) -> float:
    """Where along its track to touch a slider so that it moves well away from where it is."""
    at = (slider["value"] - slider["min"]) / (slider["max"] - slider["min"])
    return 0.15 if at > 0.5 else 0.85


def touch_each_slider(page, boxes) -> list[str]:
    """Tap every slider at a point of its track far from its thumb, then press the right arrow
    key on it; what did not happen as it should, in words."""
    wrong = []
    for slider in boxes:
        kind, control, index = slider["kind"], slider["control"], slider["index"]
        where = f"{kind} {index}, {control}"
        fraction = far_side(slider)
        point = point_on_track(page, kind, control, fraction, index)
        if point["hit"] != "slider":
            wrong.append(f"{where}: a touch lands on {point['hit']}, not on the slider")
            continue
        numbers, drawn = shown(page, kind, index), figure(page, kind, index)
        page.touchscreen.tap(point["x"], point["y"])
        value = slider_value(page, kind, control, index)
        settled = (value - slider["min"]) / (slider["max"] - slider["min"])
        if abs(settled - fraction) > TOUCH_TOLERANCE:
            wrong.append(f"{where}: touched {fraction:.0%} along, it went to {settled:.0%}")
        if shown(page, kind, index) == numbers:
            wrong.append(f"{where}: a touch changed no number the explorer shows")
        if figure(page, kind, index) == drawn:
            wrong.append(f"{where}: a touch redrew nothing")
        # the keyboard: one step to the right (or to the left, from the right end)
        key = "ArrowLeft" if value + slider["step"] > slider["max"] else "ArrowRight"
        drawn = figure(page, kind, index)
        page.focus(f'[data-explorer={kind}] >> nth={index} >> [data-control="{control}"]')
        page.keyboard.press(key)
        moved = slider_value(page, kind, control, index) - value
        if abs(abs(moved) - slider["step"]) > 1e-9:
            wrong.append(f"{where}: {key} moved it by {moved}, not one step")
        if figure(page, kind, index) == drawn:
            wrong.append(f"{where}: {key} redrew nothing")
    return wrong


@pytest.fixture(scope="module")
def phone_pages(browser, site, site_folder):
    """Every page of the table of contents, opened once on a phone: what it looks like, its
    explorers' sliders and text, what touching each slider did; a screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name in toc_files():
        if not (site_folder / f"{name}.html").exists():
            continue  # each test then says that the page is missing
        page, problems = open_offline(browser, site + f"{name}.html", PHONE)
        report = page.evaluate(INSPECT)
        explorers = explorers_expected(site_folder, name)
        wait_until_live(page, explorers)
        report.update(
            explorers=explorers,
            sliders=slider_boxes(page),
            boxes=explorer_boxes(page),
            text=explorer_text_sizes(page),
            problems=problems,
        )
        page.screenshot(path=SCREENSHOTS / f"{name.replace('/', '-')}.png", full_page=True)
        report["touches"] = touch_each_slider(page, report["sliders"])
        page.context.close()
        found[name] = report
    return found


def opened(phone_pages, name: str) -> dict:
    assert name in phone_pages, f"{name}.html is not in the built site"
    return phone_pages[name]


@pytest.mark.parametrize("name", toc_files())
def test_no_page_scrolls_sideways_on_a_phone(phone_pages, name):
    page = opened(phone_pages, name)
    assert page["pageWidth"] <= page["windowWidth"], (
        f"{name} is {page['pageWidth']} px wide on a phone of {page['windowWidth']} px; "
        f"what sticks out: {page['sideways']}"
    )
    assert page["sideways"] == []
    assert page["problems"] == [], f"{name}: {page['problems']}"


@pytest.mark.parametrize("name", toc_files())
def test_every_slider_is_long_enough_for_a_finger_and_on_the_screen(phone_pages, name):
    page = opened(phone_pages, name)
    window = page["windowWidth"]
    assert len({(s["kind"], s["index"]) for s in page["sliders"]}) == page["explorers"]
    for slider in page["sliders"]:
        where = f"{name}: {slider['kind']}'s {slider['control']}"
        assert slider["width"] >= SHORTEST_TRACK["phone"], f"{where} is {slider['width']:.0f} px"
        assert slider["height"] >= SMALLEST_TARGET, f"{where} is {slider['height']:.0f} px high"
        assert slider["left"] >= 0 and slider["right"] <= window, f"{where} is off the screen"


@pytest.mark.parametrize("name", toc_files())
def test_each_explorer_is_one_column_on_a_phone(phone_pages, name):
    """Its sliders one above another, its figure as wide as the explorer: nothing beside it."""
    page = opened(phone_pages, name)
    for kind, index in {(s["kind"], s["index"]) for s in page["sliders"]}:
        lefts = {
            round(s["left"]) for s in page["sliders"] if (s["kind"], s["index"]) == (kind, index)
        }
        assert len(lefts) == 1, f"{name}: {kind}'s sliders stand side by side, at {sorted(lefts)}"
    for explorer in page["boxes"]:
        assert explorer["figures"], f"{name}: {explorer['kind']} draws no figure"
        for width in explorer["figures"]:
            assert width >= 0.95 * explorer["width"], (
                f"{name}: {explorer['kind']}'s figure is {width:.0f} px wide in an explorer of "
                f"{explorer['width']:.0f} px"
            )


@pytest.mark.parametrize("name", toc_files())
def test_a_touch_or_a_key_moves_every_slider_and_redraws_its_explorer(phone_pages, name):
    touches = opened(phone_pages, name)["touches"]
    assert touches == [], f"{name}: " + "; ".join(touches)


@pytest.mark.parametrize("name", toc_files())
def test_no_explorer_text_is_smaller_than_10_px_on_a_phone(phone_pages, name):
    small = [t for t in opened(phone_pages, name)["text"] if t["px"] < SMALLEST_TEXT]
    assert small == [], f"{name}: text under {SMALLEST_TEXT} px: {small[:5]}"


def test_the_phone_checks_saw_every_kind_of_explorer(phone_pages):
    """The checks above looked at something: each kind of explorer, on some page, by touch."""
    kinds = {s["kind"] for page in phone_pages.values() for s in page["sliders"]}
    assert kinds == {"prediction", "temperature", "threshold", "epochs"}
    assert all(page["text"] for page in phone_pages.values() if page["explorers"])


@pytest.mark.parametrize("name", toc_files())
def test_at_1280_px_the_sliders_keep_their_length_and_follow_the_mouse(
    browser, site, site_folder, name
):
    assert (site_folder / f"{name}.html").exists(), f"{name}.html is not in the built site"
    explorers = explorers_expected(site_folder, name)
    if not explorers:
        pytest.skip(f"{name} has no explorer")
    page, problems = open_offline(browser, site + f"{name}.html", DESKTOP)
    wait_until_live(page, explorers)
    report = page.evaluate(INSPECT)
    boxes = slider_boxes(page)
    text = explorer_text_sizes(page)
    moved = []
    for slider in boxes:
        kind, control, index = slider["kind"], slider["control"], slider["index"]
        fraction = far_side(slider)
        point = point_on_track(page, kind, control, fraction, index)
        page.mouse.click(point["x"], point["y"])
        value = slider_value(page, kind, control, index)
        moved.append((control, (value - slider["min"]) / (slider["max"] - slider["min"]), fraction))
    page.context.close()
    assert report["pageWidth"] <= report["windowWidth"], report["sideways"]
    assert all(s["width"] >= SHORTEST_TRACK["desktop"] for s in boxes), boxes
    assert all(abs(settled - aim) <= TOUCH_TOLERANCE for _, settled, aim in moved), moved
    assert [t for t in text if t["px"] < SMALLEST_TEXT] == []
    assert problems == []


@pytest.mark.parametrize("name", toc_files())
def test_figures_are_shown_large_enough_to_read_on_a_phone(phone_pages, name):
    shrunk = [f for f in opened(phone_pages, name)["figures"] if f["scale"] < SMALLEST_SCALE]
    assert shrunk == [], f"{name}: figures shown too small to read on a phone: {shrunk}"
