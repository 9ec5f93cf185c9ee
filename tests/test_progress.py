"""What a training cell shows: one line that counts epochs and time left, then sums the cell up.

The lines are checked as text; the display is checked in a real kernel: a notebook that trains is
run by nbclient, which applies every update to the saved outputs as JupyterLab shows them.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

import tasks
from lossacc_utils import plateau, progress


def test_the_progress_line_says_epochs_done_and_time_left():
    assert progress.progress_line("MLP (32, 32)", 0, 120, 0.0) == "MLP (32, 32): epoch 0/120, 0 s"
    assert (
        progress.progress_line("MLP (32, 32)", 30, 120, 6.2)
        == "MLP (32, 32): epoch 30/120, 6 s, about 19 s left"
    )
    assert not progress.progress_line("x", 120, 120, 24.0).endswith("left")


def test_the_summary_names_one_model_or_counts_several():
    assert progress.summary_line([("seed 0", 400, 21.04)]) == "seed 0: trained 400 epochs in 21.0 s"
    several = [("a", 120, 4.0), ("b", 30, 1.5), ("c", 120, 4.2)]
    assert progress.summary_line(several) == "3 models trained, 270 epochs in all, in 9.7 s"


def test_outside_a_notebook_training_shows_nothing(capsys):
    plateau.train(epochs=2)
    assert capsys.readouterr() == ("", "")


CELLS = [
    "from lossacc_utils import plateau",
    "run = plateau.train(epochs=3)",
    "runs = [plateau.train(epochs=3), plateau.train(hidden=(8,), epochs=2)]\nprint('done')",
]


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = NotebookClient(notebook, kernel_name="python3", timeout=300)
    client.km_kwargs = {"env": {**tasks.environment(), "PYTHONPATH": str(tasks.ROOT)}}
    client.execute()
    return notebook


def shown_lines(cell) -> list[str]:
    return [o["data"]["text/plain"] for o in cell.outputs if o["output_type"] == "display_data"]


def test_importing_tensorflow_and_training_write_nothing_to_stderr(executed):
    """TensorFlow's C++ start-up messages and its retracing warning stay out of the notebook: the
    kernel settings tasks.py writes into .venv, and the filter in lossacc_utils.training."""
    assert executed.cells[0].outputs == []
    for cell in executed.cells:
        assert [o for o in cell.outputs if o.get("name") == "stderr"] == []


def test_a_cell_that_trains_ends_with_one_summary_line(executed):
    [line] = shown_lines(executed.cells[1])
    assert re.fullmatch(r"MLP \(32, 32\): trained 3 epochs in \d+\.\d s", line)


def test_a_cell_that_trains_several_models_keeps_one_line(executed):
    [line] = shown_lines(executed.cells[2])
    assert re.fullmatch(r"2 models trained, 5 epochs in all, in \d+\.\d s", line)
    streams = [o["text"] for o in executed.cells[2].outputs if o["output_type"] == "stream"]
    assert streams == ["done\n"]
