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


@pytest.mark.processes
def test_importing_tensorflow_and_training_write_nothing_to_stderr(executed):
    """TensorFlow's C++ start-up messages and its retracing warning stay out of the notebook: the
    kernel settings tasks.py writes into .venv, and the filter in lossacc_utils.training."""
    assert executed.cells[0].outputs == []
    for cell in executed.cells:
        assert [o for o in cell.outputs if o.get("name") == "stderr"] == []


@pytest.mark.processes
def test_a_cell_that_trains_ends_with_one_summary_line(executed):
    [line] = shown_lines(executed.cells[1])
    assert re.fullmatch(r"MLP \(32, 32\): trained 3 epochs in \d+\.\d s", line)


@pytest.mark.processes
def test_a_cell_that_trains_several_models_keeps_one_line(executed):
    [line] = shown_lines(executed.cells[2])
    assert re.fullmatch(r"2 models trained, 5 epochs in all, in \d+\.\d s", line)
    streams = [o["text"] for o in executed.cells[2].outputs if o["output_type"] == "stream"]
    assert streams == ["done\n"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x", 130, 120, 5.0), "done must be at most total"),
        (("x", -1, 120, 5.0), "done must be a whole number of at least 0"),
        (("x", 3, 0, 5.0), "total must be a whole number of at least 1"),
        (("x", 3, 120, -12.0), "seconds must be a duration of at least 0"),
        (("x", 3, 120, float("nan")), "seconds must be finite"),
        (("x", 3.0, 120, 5.0), "done must be a whole number"),
        (("", 3, 120, 5.0), "name must be a non-empty string"),
    ],
)
def test_a_progress_line_refuses_counts_and_times_that_cannot_be(args, message):
    """Never "epoch 130/120" or "about -12 s left": the line is checked at the door."""
    with pytest.raises((ValueError, TypeError), match=message):
        progress.progress_line(*args)


@pytest.mark.parametrize(
    ("trained", "message"),
    [
        ([], "trained must be a non-empty list"),
        ("abc", "trained must be a non-empty list"),
        ([("a", 3)], r"trained\[0\] must be \(name, epochs, seconds\)"),
        ([("a", 3, 1.0), ("b", -1, 1.0)], r"trained\[1\]'s epochs"),
        ([("a", 3, float("nan"))], r"trained\[0\]'s seconds must be finite"),
        ([("a", 3, -2.0)], r"trained\[0\]'s seconds must be a duration"),
    ],
)
def test_a_summary_refuses_what_no_training_took(trained, message):
    with pytest.raises((ValueError, TypeError), match=message):
        progress.summary_line(trained)


def test_the_callback_and_a_kept_run_are_checked_too():
    with pytest.raises(ValueError, match="epochs must be a whole number of at least 1"):
        progress.EpochProgress("x", 0)
    with pytest.raises(ValueError, match="every must be a duration of at least 0"):
        progress.EpochProgress("x", 3, every=-1.0)
    with pytest.raises(ValueError, match="seconds must be finite"):
        progress.trained("x", 3, float("inf"))


@pytest.mark.parametrize(
    ("history", "epoch_seconds", "message"),
    [
        ({"loss": [1.0]}, [1.0], "history must hold the curves val_loss and val_accuracy"),
        ({"val_loss": [1.0, 0.9], "val_accuracy": [0.5]}, [1.0, 2.0], "one value per epoch"),
        ({"val_loss": [1.0, 0.9], "val_accuracy": [0.5, 0.6]}, [1.0], "one time per epoch"),
        ({"val_loss": [1.0], "val_accuracy": [0.5]}, [-1.0], "epoch_seconds must be times of at"),
        ({"val_loss": [1.0], "val_accuracy": [0.5]}, [None], r"epoch_seconds\[0\] must be"),
        ({"val_loss": [1.0, 0.9], "val_accuracy": [0.5, 0.6]}, [2.0, 1.0], "never decrease"),
        ({"val_loss": [1.0], "val_accuracy": [0.5]}, "1", "epoch_seconds must list"),
        ({"val_loss": ["a"], "val_accuracy": [0.5]}, [1.0], r"history\['val_loss'\] must be"),
        ({"val_loss": 1.0, "val_accuracy": 2.0}, [1.0], r"history\['val_loss'\] must list"),
    ],
)
def test_a_kept_run_replayed_is_checked_before_a_line_is_printed(
    history, epoch_seconds, message, capsys
):
    with pytest.raises((ValueError, TypeError), match=message):
        progress.replay("x", 1, history, epoch_seconds, 1.0)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "name, seconds, message",
    [("", 1.0, "name must be"), (5, 1.0, "name must be"), ("x", -1.0, "seconds must be")],
)
def test_a_replay_names_its_bad_name_or_time_before_a_line_is_printed(
    name, seconds, message, capsys
):
    history = {"val_loss": [1.0], "val_accuracy": [0.5]}
    with pytest.raises((ValueError, TypeError), match=message):
        progress.replay(name, 1, history, [1.0], seconds)
    assert capsys.readouterr().out == ""


def test_an_epoch_line_takes_numbers_and_a_summary_takes_fractions():
    from fractions import Fraction

    for bad in ("0.5", True, None):
        with pytest.raises(TypeError, match="val_loss must be a number"):
            progress.epoch_line(1, 1, 3, bad, 0.5, 1.0)
    assert progress.epoch_line(1, 1, 3, float("nan"), 0.5, 1.0).startswith("epoch    1/3")
    line = progress.summary_line([("m", 1, Fraction(1, 2))])
    assert line == "m: trained 1 epochs in 0.5 s"
