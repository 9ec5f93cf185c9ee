"""The explorers as a reader meets them: in a browser page, with no kernel behind it.

`page_html` makes a page of explorers the way the book's pages hold them (their stored state, and
the widget manager, anywidget and require.js served beside the page); `explorers_of` makes the
explorers of a page again in Python from its stored state. `check_moves` moves a slider in the
browser and the same slider in Python, and checks that the page shows exactly what the explorer's
`readout()` computes, and that the figure was redrawn.
"""

import json
import re
from urllib.parse import urlparse

import tasks
from lossacc_utils import widgets

#: The explorer classes by the name their front end gives itself (`data-explorer`).
KINDS = {
    "prediction": widgets.PredictionExplorer,
    "temperature": widgets.TemperatureExplorer,
    "threshold": widgets.ThresholdExplorer,
    "epochs": widgets.EpochExplorer,
}
VENDOR = tasks.VENV / "web-assets" / "static" / "vendor"
CONFIG = tasks.ROOT / "_ext" / "static" / "vendor" / "widgets-config.js"
STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.DOTALL
)


def open_offline(browser, url: str | None, device: dict | None = None):
    """The page at `url` (a blank page if None) with every request to another host refused, in a
    browser context made with `device`'s options (a 1280 x 900 window by default; PHONE for a
    phone); the page, and a list that collects what went wrong on it (errors, requests refused)."""
    context = browser.new_context(**(device or {"viewport": {"width": 1280, "height": 900}}))
    problems = []

    def only_localhost(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            problems.append(f"asked for {route.request.url}")
            route.abort()

    context.route("**/*", only_localhost)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    if url:
        page.goto(url, wait_until="networkidle")
    return page, problems


def kind_of(explorer) -> str:
    return next(kind for kind, cls in KINDS.items() if isinstance(explorer, cls))


def write_page(folder, explorers) -> str:
    """A page showing `explorers` in order, in `folder` with the assets it loads; its name."""
    from ipywidgets.embed import embed_data

    for source in (*VENDOR.iterdir(), CONFIG):
        link = folder / "vendor" / source.name
        link.parent.mkdir(exist_ok=True)
        if not link.exists():
            link.symlink_to(source)
    data = embed_data(views=explorers, drop_defaults=False)
    views = "".join(
        f'<script type="application/vnd.jupyter.widget-view+json">{json.dumps(view)}</script>'
        for view in data["view_specs"]
    )
    state = json.dumps(data["manager_state"]).replace("</", "<\\/")  # raw text in a script
    (folder / "explorers.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>explorers</title>'
        '<script src="vendor/requirejs/require.js"></script>'
        '<script src="vendor/widgets-config.js"></script>'
        '<script src="vendor/html-manager/embed-amd.js"></script>'
        f'<script type="application/vnd.jupyter.widget-state+json">{state}</script>'
        f'</head><body style="width:672px">{views}</body></html>'
    )
    return "explorers.html"


def explorers_of(page_source: str) -> dict:
    """kind -> the explorers whose state `page_source` (a page's HTML) stores, made again."""
    found = {}
    for block in STATE.findall(page_source):
        for model in json.loads(block)["state"].values():
            state = model["state"]
            name = state.get("_anywidget_id", "").rsplit(".", 1)[-1]
            for kind, cls in KINDS.items():
                if name == cls.__name__:
                    found.setdefault(kind, []).append(cls(**{k: state[k] for k in cls.STATE}))
    return found


def wait_until_live(page, count: int, seconds: float = 15) -> None:
    """Wait until `count` explorers have drawn themselves."""
    page.wait_for_function(
        f"document.querySelectorAll('[data-explorer]').length >= {count}",
        timeout=seconds * 1000,
    )


def _explorer(kind: str, index: int) -> str:
    return f"document.querySelectorAll('[data-explorer={kind}]')[{index}]"


def shown(page, kind: str, index: int = 0) -> dict:
    """The numbers the explorer shows, by name, as text."""
    return page.evaluate(
        f"() => Object.fromEntries([...{_explorer(kind, index)}.querySelectorAll('[data-readout]')]"
        ".map((e) => [e.dataset.readout, e.textContent]))"
    )


def figure(page, kind: str, index: int = 0) -> str:
    """The explorer's figure: its markup, which changes when it is redrawn."""
    return page.evaluate(f"() => {_explorer(kind, index)}.querySelector('svg').outerHTML")


def sliders(page, kind: str, index: int = 0) -> list[dict]:
    """Each slider's control name, accessible name and range."""
    return page.evaluate(
        f"() => [...{_explorer(kind, index)}.querySelectorAll('input[type=range]')].map((i) => "
        "({control: i.dataset.control, name: i.getAttribute('aria-label'), min: Number(i.min), "
        "max: Number(i.max), step: Number(i.step)}))"
    )


def move(page, kind: str, control: str, value, index: int = 0) -> None:
    """Move the slider `control` to `value` as a reader's drag ends: input, then change."""
    page.evaluate(
        f"""(value) => {{
            const input = {_explorer(kind, index)}.querySelector('[data-control="{control}"]');
            input.value = String(value);
            input.dispatchEvent(new Event("input", {{bubbles: true}}));
            input.dispatchEvent(new Event("change", {{bubbles: true}}));
        }}""",
        value,
    )


def apply(explorer, control: str, value) -> None:
    """Move the Python explorer's slider `control` to `value`, as its front end does."""
    if control.startswith("p_true_"):  # p_true_a[2]: one sample of one set
        name, sample = control[:8], int(control[9:-1])
        values = list(getattr(explorer, name))
        values[sample] = float(value)
        setattr(explorer, name, values)
    elif control == "log2_temperature":
        explorer.temperature = 2.0 ** float(value)
    elif control == "epoch":  # the slider runs over the explorer's epochs, by position
        explorer.epoch = explorer.epochs[int(value)]
    else:
        setattr(explorer, control, float(value))


def check_moves(page, explorer, moves, index: int = 0) -> int:
    """Check the page against `explorer.readout()` at its start and after each of `moves`
    ((control, value) pairs); return how many numbers were compared."""
    kind = kind_of(explorer)
    assert shown(page, kind, index) == explorer.readout(), f"{kind} at its start"
    compared = len(explorer.readout())
    for control, value in moves:
        before = figure(page, kind, index)
        move(page, kind, control, value, index)
        apply(explorer, control, value)
        expected = explorer.readout()
        assert shown(page, kind, index) == expected, f"{kind} with {control} at {value}"
        assert figure(page, kind, index) != before, f"{kind}: {control} at {value} redrew nothing"
        compared += len(expected)
    return compared


#: A phone as many readers hold one: 390 CSS px wide, at twice the pixels, used by touch.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def slider_boxes(page) -> list[dict]:
    """Every explorer slider on the page: its explorer (kind, and index among that kind), its
    control, where it is in the window (left, right, width, height, in CSS px) and its range."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-explorer]')].flatMap((explorer) => {
            const kind = explorer.dataset.explorer;
            const index = [...document.querySelectorAll(`[data-explorer=${kind}]`)]
                .indexOf(explorer);
            return [...explorer.querySelectorAll('input[type=range]')].map((input) => {
                const box = input.getBoundingClientRect();
                return {kind, index, control: input.dataset.control, left: box.left,
                        right: box.right, width: box.width, height: box.height,
                        value: Number(input.value), min: Number(input.min),
                        max: Number(input.max), step: Number(input.step)};
            });
        })"""
    )


def explorer_text_sizes(page) -> list[dict]:
    """Each piece of text the explorers show, with the size it is drawn at in CSS px: its font
    size, times the scale its figure is drawn at for text inside an SVG; the smallest first."""
    return page.evaluate(
        """() => {
            const sizes = [];
            for (const explorer of document.querySelectorAll('[data-explorer]')) {
                const walker = document.createTreeWalker(explorer, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const text = node.textContent.trim();
                    const element = node.parentElement;
                    const range = document.createRange();
                    range.selectNodeContents(node);
                    const box = range.getBoundingClientRect();
                    if (!text || box.width === 0 || box.height === 0) continue;
                    if (getComputedStyle(element).visibility !== 'visible') continue;
                    let px = parseFloat(getComputedStyle(element).fontSize);
                    if (element.closest('svg')) {
                        const m = element.getScreenCTM();
                        px *= Math.hypot(m.a, m.b);
                    }
                    sizes.push({kind: explorer.dataset.explorer, text: text.slice(0, 40), px});
                }
            }
            return sizes.sort((a, b) => a.px - b.px);
        }"""
    )


def slider_value(page, kind: str, control: str, index: int = 0) -> float:
    return page.evaluate(
        f"() => Number({_explorer(kind, index)}.querySelector('[data-control=\"{control}\"]')"
        ".value)"
    )


def point_on_track(page, kind: str, control: str, fraction: float, index: int = 0) -> dict:
    """The slider scrolled to the middle of the window; the point `fraction` of the way along its
    track, on the screen (x, y: where a finger or the mouse goes), and what a touch or a click there
    would land on (`hit`: the slider itself, or what covers it, or "off the screen").

    The screen is the visual viewport: on a phone, a page wider than the screen has a layout
    viewport larger than what shows, and the page's coordinates are not the screen's."""
    return page.evaluate(
        f"""(fraction) => {{
            const input = {_explorer(kind, index)}.querySelector('[data-control="{control}"]');
            input.scrollIntoView({{block: "center", inline: "nearest", behavior: "instant"}});
            const box = input.getBoundingClientRect();
            const [left, top] = [box.left + fraction * box.width, box.top + box.height / 2];
            const screen = window.visualViewport;
            const x = (left - screen.offsetLeft) * screen.scale;
            const y = (top - screen.offsetTop) * screen.scale;
            const under = document.elementFromPoint(left, top);
            let hit = under === input ? "slider" : String(under?.outerHTML).slice(0, 80);
            const [width, height] = [screen.width * screen.scale, screen.height * screen.scale];
            if (x < 0 || y < 0 || x > width || y > height) hit = "off the screen";
            return {{x, y, hit}};
        }}""",
        fraction,
    )


def explorer_boxes(page) -> list[dict]:
    """Every explorer on the page: its kind, its width and its figures' widths, in CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-explorer]')].map((explorer) => ({
            kind: explorer.dataset.explorer,
            width: explorer.getBoundingClientRect().width,
            figures: [...explorer.querySelectorAll('svg.lossacc-figure')]
                .filter((svg) => !svg.parentElement.closest('svg'))  // not a figure's panel
                .map((svg) => svg.getBoundingClientRect().width),
        }))"""
    )
