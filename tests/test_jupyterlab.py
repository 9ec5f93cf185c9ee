"""The notebooks as a student runs them, in JupyterLab headless in Chromium, from the book's
environment.

- Every chapter, as `python3 tasks.py lab` opens it: it opens unmodified; Run All runs it with no
  error and no warning in any output; its MyST is rendered (no raw role or directive, every
  {eval} number evaluated); the exercises' answers, written and computed, stay folded; each
  explorer redraws when its sliders move. Screenshots of every chapter, top to bottom, are saved in
  _build/screenshots/jupyterlab/, with the time each chapter took to run.
- The explorers with a kernel: Python sees where the reader leaves them. A notebook makes each
  explorer, Chromium moves each one's slider, and a cell prints each explorer's `readout()` from the
  kernel: it must be what the page shows.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from explorer_pages import move, shown, sliders

import tasks
from lossacc_utils import folding

pytestmark = pytest.mark.book

MAKE = """\
import json
from test_explorers import synthetic_explorers
first = {}  # the first explorer of each kind
for explorer, _ in synthetic_explorers():
    first.setdefault(type(explorer).__name__, explorer)
prediction, temperature, threshold, epochs = (
    first[f"{kind}Explorer"] for kind in ("Prediction", "Temperature", "Threshold", "Epoch")
)
"""
# (kind, the variable in the notebook, control, value)
MOVES = [
    ("prediction", "prediction", "p_true_a[2]", 0.61),
    ("temperature", "temperature", "log2_temperature", 1.5),
    ("threshold", "threshold", "threshold", 0.42),
    ("epochs", "epochs", "epoch", 7),
]
REPORT = "print(json.dumps({name: globals()[name].readout() for name in %r}))" % [
    variable for _, variable, _, _ in MOVES
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# JupyterLab's settings for the tests: every cell in the page (no virtual scrolling, so that every
# cell can be read), and no news or update prompt over the screenshots.
SETTINGS = {
    "notebook-extension/tracker": {"windowingMode": "none", "recordTiming": True},
    "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def serve(folder: Path, env: dict):
    """Start JupyterLab on `folder` with the book's environment and `env` on top; yield its URL."""
    for name, settings in SETTINGS.items():
        path = folder / ".config" / "lab" / "user-settings" / "@jupyterlab" / name
        path.with_suffix(".jupyterlab-settings").parent.mkdir(parents=True, exist_ok=True)
        Path(f"{path}.jupyterlab-settings").write_text(json.dumps(settings))
    port = free_port()
    env = {
        **tasks.environment(),
        "JUPYTER_CONFIG_DIR": str(folder / ".config"),  # no settings of the reader's own
        "JUPYTER_RUNTIME_DIR": str(folder / ".runtime"),
        **env,
    }
    command = [tasks.BIN / "jupyter", "lab", "--no-browser", f"--port={port}"]
    command += [f"--ServerApp.root_dir={folder}", "--IdentityProvider.token=book"]
    command += ["--allow-root", "--LabApp.expose_app_in_browser=True"]  # run cells as a menu does
    log = open(folder / ".lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(c) for c in command], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a folder with the notebook of explorers; its URL."""
    folder = tmp_path_factory.mktemp("lab")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cells = [MAKE] + [variable for _, variable, _, _ in MOVES] + [REPORT]
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(notebook, folder / "explorers.ipynb")
    path = os.pathsep.join([str(tasks.ROOT / "tests"), str(tasks.ROOT)])
    for url in serve(folder, {"PYTHONPATH": path}):
        yield f"{url}/lab/tree/explorers.ipynb?token=book"


def test_explorers_are_live_in_jupyterlab_and_tell_python_their_state(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lab)
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.nth(len(MOVES) + 1).wait_for(timeout=120_000)
    # the kernel has started (on a busy machine this takes a while): keys pressed now are heard
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    cells.nth(0).click()
    for _ in range(len(MOVES) + 1):  # make the explorers, then show each
        page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-explorer]').length >= {len(MOVES)}", timeout=120_000
    )
    for kind, _, control, value in MOVES:
        move(page, kind, control, value)
    page.wait_for_timeout(500)  # the kernel hears of the moves
    on_page = {variable: shown(page, kind) for kind, variable, _, _ in MOVES}
    cells.nth(len(MOVES) + 1).click()
    page.keyboard.press("Shift+Enter")
    output = cells.nth(len(MOVES) + 1).locator(".jp-OutputArea-output")
    output.wait_for(timeout=120_000)
    in_python = json.loads(output.inner_text())
    context.close()
    assert errors == []
    assert in_python == on_page
    assert in_python["threshold"]["precision"] != "0.000"  # a state the slider made, not the start


# ---- every chapter, as a student runs it --------------------------------------------------------

CHAPTERS = ["intro", "counterexample", "keras_definitions", "keras_accuracy", "keras_history"]
CHAPTERS += ["overtraining"]
CHAPTERS += ["calibration", "noise", "plateau", "imbalance"]
SHOTS = tasks.ROOT / "_build" / "screenshots" / "jupyterlab"
# MyST left as source: a role, a directive's fence, a directive's option, a footnote
RAW_MYST = re.compile(
    r"\{[a-z][\w:-]*\}`|^\s*(:::+|```)\s*\{|^:(label|class|name):|\[\^[\w-]+\]", re.MULTILINE
)


@pytest.fixture(scope="module")
def chapters_lab(tmp_path_factory, built_book):
    """JupyterLab on a copy of chapters/ (JupyterLab saves as it goes), as `tasks.py lab` opens
    it; its URL and folder. The kernels reuse the build's runs: no model is trained again."""
    folder = tmp_path_factory.mktemp("chapters")
    shutil.copytree(tasks.ROOT / "chapters", folder, dirs_exist_ok=True)
    tasks.match_language_info(folder)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    runs = built_book.parent / "cache" / "runs"
    for url in serve(folder, {"LOSSACC_RUN_CACHE": str(runs)}):
        yield url, folder


def run_all(page) -> float:
    """Run every cell from the top, as the Run menu's Run All Cells does; the seconds it took."""
    start = time.perf_counter()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;  // the only notebook open
            const cells = [...panel.content.model.cells];
            const failed = document.querySelector(".jp-OutputArea-output[data-mime-type="
                + "'application/vnd.jupyter.stderr']");  // Run All stops at an error
            return panel.sessionContext.session.kernel.status === "idle" && (failed || cells.every(
                (c) => c.type !== "code" || !c.sharedModel.source.trim() || c.executionCount));
        }""",
        timeout=900_000,
        polling=500,
    )
    return time.perf_counter() - start


def cell_seconds(page) -> list:
    """(seconds, cell index, first line) of every code cell, from the timing JupyterLab keeps."""
    return page.evaluate(
        """() => [...window.jupyterapp.shell.currentWidget.content.model.cells].flatMap((c, i) => {
            const t = c.getMetadata("execution") || {};
            if (!t["iopub.execute_input"] || !t["shell.execute_reply"]) return [];
            const s = (Date.parse(t["shell.execute_reply"]) - Date.parse(t["iopub.execute_input"]));
            return [[Math.round(s / 100) / 10, i, c.sharedModel.source.split("\\n")[0]]];
        })"""
    )


def save_screenshots(page, name: str) -> int:
    """Screenshots of the notebook from top to bottom, one per window's height; how many."""
    scroller = ".jp-WindowedPanel-outer"
    height = page.evaluate(f"document.querySelector('{scroller}').scrollHeight")
    shots = 0
    for top in range(0, height, 800):
        page.evaluate(f"document.querySelector('{scroller}').scrollTop = {top}")
        page.wait_for_timeout(300)
        page.screenshot(path=SHOTS / f"{name}-{shots:02d}.png")
        shots += 1
    return shots


def move_every_slider(page) -> int:
    """Move every slider of every explorer a third of its range; check its figure was redrawn.
    Returns how many sliders moved."""
    moved = 0
    kinds = page.evaluate(
        "() => [...document.querySelectorAll('[data-explorer]')].map((e) => e.dataset.explorer)"
    )
    for index_of_kind, kind in enumerate(kinds):
        index = kinds[:index_of_kind].count(kind)
        figure = f"() => document.querySelectorAll('[data-explorer={kind}]')[{index}].innerHTML"
        for slider in sliders(page, kind, index):
            before = page.evaluate(figure)
            steps = round((slider["max"] - slider["min"]) / slider["step"])
            value = slider["min"] + round(steps / 3) * slider["step"]
            move(page, kind, slider["control"], round(value, 6), index)
            page.wait_for_timeout(200)
            assert page.evaluate(figure) != before, f"{kind} {slider['control']}"
            moved += 1
    return moved


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_reads_in_jupyterlab_as_on_the_site(browser, chapters_lab, chapter):
    url, folder = chapters_lab
    notebook = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # a workspace of its own, so that no notebook opened before comes back beside it
    page.goto(f"{url}/lab/workspaces/{chapter}/tree/{chapter}.ipynb?token=book&reset")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    opened_modified = page.locator(".jp-mod-dirty").count()
    seconds = run_all(page)
    page.wait_for_timeout(1000)  # the last markdown cells evaluate their numbers
    markdown = page.evaluate(
        "() => [...document.querySelectorAll('.jp-MarkdownCell .myst')].map((e) => e.innerText)"
    )
    code_in_markdown = set(
        page.evaluate(
            "() => [...document.querySelectorAll('.jp-MarkdownCell .myst code')]"
            ".map((e) => e.textContent)"
        )
    )
    open_answers = page.locator(".jp-MarkdownCell .myst details[open]").count()
    answers = page.locator(".jp-MarkdownCell .myst details").count()
    cells = page.locator(".jp-Notebook .jp-Cell")
    solutions = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.metadata.get("jupyter", {}).get("outputs_hidden")
    ]
    shown_solutions = []
    for i in solutions:
        cell = cells.nth(i)
        hidden_source = cell.locator(".jp-InputPlaceholder").count() == 1
        outputs = cell.locator(".jp-OutputArea-output").all_inner_texts()
        if not hidden_source or any(o.strip() != folding.SUMMARY for o in outputs):
            shown_solutions.append(i)
    stderr = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
    moved = move_every_slider(page)
    shots = save_screenshots(page, chapter)
    times = SHOTS / "run-times.json"
    recorded = json.loads(times.read_text()) if times.exists() else {}
    slowest = sorted(cell_seconds(page), reverse=True)[:3]
    recorded[chapter] = {"seconds": round(seconds, 1), "slowest cells": slowest}
    times.write_text(json.dumps(recorded, indent=1))
    context.close()

    expressions = {
        e
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for e in re.findall(r"\{eval\}`([^`]+)`", cell.source)
    }
    assert opened_modified == 0, "the notebook opened marked as modified"
    assert errors == []
    assert stderr == [], stderr
    assert [m for m in markdown if RAW_MYST.search(m)] == []
    assert expressions & code_in_markdown == set(), "numbers left unevaluated"
    assert open_answers == 0 and (answers > 0 or not solutions), "written answers not folded"
    assert shown_solutions == [], f"cells {shown_solutions} show a solution"
    assert shots >= 1
    print(f"{chapter}: ran in {seconds:.1f} s, {moved} sliders moved, {shots} screenshots")
