"""How soon the explorers are live on the built site, and what they add to its pages.

    .venv/bin/python benchmarks/explorers_live.py [OPENINGS]

Serves `_build/html` (build it first with `python3 tasks.py book`) on localhost and opens every
page that holds an explorer OPENINGS times (5 by default) in Chromium, offline, at 1280 px. For each
page it prints the size of its HTML and of the explorers' stored state in it, and the medians over
the openings of two times after the page began to load: when the browser fired `load`, and when the
last explorer had drawn itself and answered its sliders. Then the size of anywidget's front end, the
one file the explorers add to the site besides their state. The times vary from run to run on a
shared machine; the sizes do not.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402

SITE = ROOT / "_build" / "html"
STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S
)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def explorer_pages() -> dict[str, int]:
    """page -> bytes of the explorers' stored state in it, for every page with an explorer."""
    pages = {}
    for page in sorted(SITE.glob("chapters/*.html")):
        source = page.read_text()
        models = [
            model
            for block in STATE.findall(source)
            for model in json.loads(block)["state"].values()
            if model["state"].get("_anywidget_id", "").startswith("lossacc_utils.widgets.")
        ]
        if models:
            pages[page.relative_to(SITE).as_posix()] = len(json.dumps(models))
    return pages


def main(openings: int) -> None:
    if not (SITE / "index.html").exists():
        sys.exit("Build the book first: python3 tasks.py book")
    from playwright.sync_api import sync_playwright

    handler = functools.partial(Quiet, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    pages = explorer_pages()
    print(
        f"{'page':<28} {'HTML':>9} {'state':>9} {'load':>8} {'live':>8}   (medians of {openings})"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        for name, state_bytes in pages.items():
            loads, lives = [], []
            for _ in range(openings):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if route.request.url.startswith(base) else route.abort()
                    ),
                )
                page = context.new_page()
                page.goto(base + name, wait_until="load")
                page.wait_for_function(
                    "[...document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-"
                    "view+json\"]')].length <= document.querySelectorAll('[data-explorer]').length",
                    timeout=30_000,
                )
                loads.append(
                    page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                )
                lives.append(
                    page.evaluate(
                        "Math.max(...[...document.querySelectorAll('[data-explorer]')]"
                        ".map((e) => Number(e.dataset.liveMs)))"
                    )
                )
                context.close()
            size = (SITE / name).stat().st_size
            print(
                f"{name:<28} {size / 1024:>7.0f} K {state_bytes / 1024:>7.0f} K "
                f"{statistics.median(loads):>6.0f} ms {statistics.median(lives):>5.0f} ms"
            )
        browser.close()
    server.shutdown()
    front_end = tasks.VENV / "web-assets" / "static" / "vendor" / "anywidget" / "index.js"
    size = front_end.stat().st_size / 1024
    print(f"\nanywidget's front end, served once for the whole site: {size:.0f} K")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
