"""The book's extension _ext/train_ahead.py: a page's tagged cells run from the start of the
build, in a process of their own that the build can end, and the page is read last."""

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tasks import ROOT, load_module

pytestmark = pytest.mark.processes  # each test starts an IPython shell

ahead = load_module(ROOT / "_ext" / "train_ahead.py")


def notebook(path: Path, *cells: tuple[str, bool]) -> Path:
    """Write a notebook of code `cells`, each (source, tagged); return its path."""
    book = nbformat.v4.new_notebook()
    for source, tagged in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tagged:
            cell.metadata["tags"] = [ahead.TAG]
        book.cells.append(cell)
    nbformat.write(book, path)
    return path


def build(folder: Path):
    """What `start` and `stop` read of Sphinx's application and environment."""
    app = SimpleNamespace(doctreedir=str(folder), train_ahead=[])
    env = SimpleNamespace(
        config=SimpleNamespace(nb_execution_mode="inline"),
        doc2path=lambda docname: folder / f"{docname}.ipynb",
    )
    return app, env


def wait_for(path: Path, seconds=60.0) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < end, f"{path.name} was not written"
        time.sleep(0.1)


def test_a_tagged_page_runs_ahead_up_to_its_last_tag_and_is_read_last(tmp_path, monkeypatch):
    monkeypatch.setenv(ahead.RUN_CACHE, str(tmp_path / "runs"))
    write = "from pathlib import Path; Path({!r}).write_text({})"
    notebook(
        tmp_path / "heavy.ipynb",
        ("import os", False),
        (write.format("cores", "str(len(os.sched_getaffinity(0)))"), True),
        (write.format("between", "'x'"), False),
        (write.format("tagged", "'x'"), True),
        (write.format("after", "'x'"), False),
    )
    notebook(tmp_path / "light.ipynb", (write.format("light", "'x'"), False))
    app, env = build(tmp_path)
    docnames = ["heavy", "light"]
    ahead.start(app, env, docnames)
    assert docnames == ["light", "heavy"]
    [process] = app.train_ahead
    assert process.wait(timeout=120) == 0, (tmp_path / "heavy.train-ahead.log").read_text()
    ahead.stop(app)
    # run in the notebook's folder, from the first cell to the last tagged one, and no further
    assert (tmp_path / "between").exists() and (tmp_path / "tagged").exists()
    assert not (tmp_path / "after").exists() and not (tmp_path / "light").exists()
    # one core left to the pages being read
    assert int((tmp_path / "cores").read_text()) == max(1, len(os.sched_getaffinity(0)) - 1)


def test_nothing_runs_ahead_without_a_run_cache_to_keep_its_models(tmp_path, monkeypatch):
    monkeypatch.delenv(ahead.RUN_CACHE, raising=False)
    notebook(tmp_path / "heavy.ipynb", ("x = 1", True))
    app, env = build(tmp_path)
    docnames = ["heavy", "light"]
    ahead.start(app, env, docnames)
    assert docnames == ["heavy", "light"] and app.train_ahead == []


def test_stop_ends_the_run_ahead_and_every_process_it_started(tmp_path, monkeypatch):
    monkeypatch.setenv(ahead.RUN_CACHE, str(tmp_path / "runs"))
    notebook(
        tmp_path / "heavy.ipynb",
        (
            "import subprocess, time\nfrom pathlib import Path\n"
            "child = subprocess.Popen(['sleep', '600'])\n"
            "Path('child').write_text(str(child.pid))\ntime.sleep(600)",
            True,
        ),
    )
    app, env = build(tmp_path)
    ahead.start(app, env, ["heavy"])
    wait_for(tmp_path / "child")
    child = int((tmp_path / "child").read_text())
    ahead.stop(app)
    assert app.train_ahead == []
    end = time.monotonic() + 10
    while Path(f"/proc/{child}").exists():  # gone, or a zombie waiting to be reaped
        if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break
        assert time.monotonic() < end, "the process the run started outlived the build"
        time.sleep(0.1)


@pytest.mark.parametrize("failing", ["raise ValueError('no')", "x = (", "%nomagic"])
def test_a_cell_that_fails_stops_the_run(tmp_path, failing):
    path = notebook(
        tmp_path / "heavy.ipynb",
        (failing, False),
        ("from pathlib import Path; Path('reached').write_text('x')", True),
    )
    ran = subprocess.run(
        [sys.executable, ahead.__file__, str(path)], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode == 1
    assert not (tmp_path / "reached").exists()
