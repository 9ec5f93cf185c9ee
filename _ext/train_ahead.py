"""Train a page's models while the pages before it are read.

Sphinx reads the pages one at a time, and most of them keep one core busy. A notebook with a code
cell tagged `train-ahead` (the calibration chapter's, which trains forty runs) is therefore also
run from the start of the build, from its first cell to its last tagged one, in a process of its
own: an IPython shell, on every core but one, and the workers it starts. Its page is read after
the others. The models the process trains are kept in the build's run cache (LOSSACC_RUN_CACHE),
where the page's own cells find them; a model still being trained when the page asks for it is
waited for, not trained again (see lossacc_utils.run_cache.held). The page shows only what its
own kernel computed: the outputs of the run ahead are thrown away, and if it fails, the page
trains what is missing itself and fails where the failure is, with its traceback.

Without a run cache there is nowhere to keep the models, and nothing is run ahead.

    python _ext/train_ahead.py NOTEBOOK  # what the build starts: the run, up to the last tag
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

TAG = "train-ahead"
RUN_CACHE = "LOSSACC_RUN_CACHE"  # lossacc_utils.run_cache.RUN_CACHE (the build cannot import it)


def _tagged(notebook: dict) -> int | None:
    """The index of the last code cell tagged `TAG` in `notebook`, or None."""
    tagged = [
        i
        for i, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and TAG in cell.get("metadata", {}).get("tags", [])
    ]
    return tagged[-1] if tagged else None


def start(app, env, docnames):
    """Start a background run of every notebook about to be read with a tagged cell, and move
    their pages to the end of the reading order (`docnames`, in place)."""
    import nbformat

    if not os.environ.get(RUN_CACHE) or env.config.nb_execution_mode not in ("inline", "force"):
        return  # nowhere to keep the models, or a page read without running its notebook
    ahead = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix == ".ipynb" and _tagged(nbformat.read(path, as_version=4)) is not None:
            ahead.append(docname)
            log = open(Path(app.doctreedir) / f"{path.stem}.train-ahead.log", "w")  # noqa: SIM115
            app.train_ahead.append(
                subprocess.Popen(
                    [sys.executable, __file__, str(path)],
                    cwd=path.parent,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "MPLBACKEND": "Agg"},  # figures drawn, not shown
                    start_new_session=True,  # a group of its own, with its workers: see stop
                )
            )
            log.close()
    for docname in ahead:
        docnames.remove(docname)
        docnames.append(docname)


def stop(app, _exception=None):
    """End what is still running ahead (a build stopped early, or a page that never asked)."""
    for process in app.train_ahead:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    app.train_ahead.clear()


def setup(app):
    app.train_ahead = []
    app.connect("env-before-read-docs", start)
    app.connect("build-finished", stop)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(path: str) -> int:
    """Run the notebook at `path`, in an IPython shell, from its first cell to its last tagged one;
    stop at the first cell that fails."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    cores = sorted(os.sched_getaffinity(0))
    if len(cores) > 1:  # one core left to the pages being read: workers train on the others
        os.sched_setaffinity(0, cores[1:])
    notebook = nbformat.read(path, as_version=4)
    shell = InteractiveShell.instance()
    for cell in notebook.cells[: _tagged(notebook) + 1]:
        if cell.cell_type == "code" and not shell.run_cell(cell.source).success:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
