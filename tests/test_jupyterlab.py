"""The explorers in JupyterLab, with a kernel: live, and Python sees where the reader leaves them.

JupyterLab runs headless from the book's environment on a notebook that makes each explorer;
Chromium runs its cells, moves each explorer's slider, and a cell then prints each explorer's
`readout()` from the kernel: it must be what the page shows, for the state the slider left.
"""

import json
import os
import socket
import subprocess
import time

import nbformat
import pytest
from explorer_pages import move, shown

import tasks

pytestmark = pytest.mark.book

MAKE = """\
import json
from test_explorers import synthetic_explorers
explorers = [explorer for explorer, _ in synthetic_explorers()]
prediction, temperature, _, threshold, epochs = explorers
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a folder with the notebook; its URL."""
    folder = tmp_path_factory.mktemp("lab")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cells = [MAKE] + [variable for _, variable, _, _ in MOVES] + [REPORT]
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(notebook, folder / "explorers.ipynb")
    port = free_port()
    env = {
        **tasks.environment(),
        "JUPYTER_CONFIG_DIR": str(folder / "config"),  # no settings of the reader's own
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "PYTHONPATH": os.pathsep.join([str(tasks.ROOT / "tests"), str(tasks.ROOT)]),
    }
    command = [tasks.BIN / "jupyter", "lab", "--no-browser", f"--port={port}"]
    command += [f"--ServerApp.root_dir={folder}", "--IdentityProvider.token=book"]
    command += ["--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class="]
    log = open(folder / "lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(c) for c in command], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    yield f"{url}/lab/tree/explorers.ipynb?token=book"
    server.terminate()
    server.wait(timeout=30)
    log.close()


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
