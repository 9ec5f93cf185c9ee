"""The course assignments, built by `python3 tasks.py assignments` and graded by otter locally.

For every master notebook in assignments/: the solutions score full marks; the students' notebook,
unanswered, runs top to bottom and scores zero on every question; a deliberately wrong answer to
each question passes that question's public tests and fails a hidden one; and the students' folder
holds no solution and no hidden test.
"""

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

import tasks

pytestmark = pytest.mark.assignments

ROOT = Path(tasks.ROOT)
ASSIGNMENTS = sorted(path.stem for path in (ROOT / "assignments").glob("*.ipynb"))

# A wrong answer per question, run just before the question's check. Each has the right form, so it
# passes the public tests; only the hidden tests can tell it is wrong.
WRONG = {
    "counterexample": {
        "q1": "def cross_entropy(p_true):\n    return float(-np.mean(np.log(p_true)))",
        "q2": "set_a = np.eye(3) * 0.9 + 0.1 / 3\nset_b = np.full((3, 3), 1 / 3) + np.eye(3) * 0.01"
        "\nset_b = set_b / set_b.sum(axis=1, keepdims=True)",
        "q3": "share = 1 / 10",
        "q4": 'q4_answer = "a"',
    },
    "keras_definitions": {
        "q1": "def sparse_categorical_crossentropy(y_true, y_pred):\n"
        "    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)\n"
        "    return -np.log(p[np.arange(len(p)), np.asarray(y_true)])",
        "q2": 'q2_metric = "CategoricalAccuracy"',
        "q3": "q3_accuracy = 1.0",
        "q4": "history_loss = float(np.mean(batch_losses))",
    },
    "overtraining": {
        "q1": "best_epoch = int(np.argmin(run.val_loss))",
        "q2": "accuracy_change = run.val_accuracy[-1] - run.val_accuracy[best_epoch - 1]",
        "q3": "def wrong_share(epoch):\n"
        "    log_p = run.val_log_probabilities[epoch]\n"
        "    return float((log_p.argmax(axis=1) != run.y_val).mean())",
        "q4": 'noisy_run = "Y"',
    },
    "calibration": {
        "q1": "def ece(y_true, probabilities, n_bins=15):\n"
        "    probabilities = np.asarray(probabilities)\n"
        "    confidence = probabilities.max(axis=1)\n"
        "    correct = probabilities.argmax(axis=1) == np.asarray(y_true)\n"
        "    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)\n"
        "    gaps = [abs(correct[bins == b].mean() - confidence[bins == b].mean())\n"
        "            for b in np.unique(bins)]\n"
        "    return float(np.mean(gaps))",
        "q2": "temperature = calibration.fit_temperature(y_test, test_logits)",
        "q3": "nll_after = calibration.negative_log_likelihood(y_val, val_logits, temperature)",
        "q4": "stopped_epoch, restored_epoch = 7, 4",
        "q5": "lazy_balanced_accuracy = lazy_accuracy",
    },
}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every assignment, as `python3 tasks.py assignments` builds it."""
    output = tmp_path_factory.mktemp("assignments")
    folders = tasks.build_assignments(output)
    assert [folder.name for folder in folders] == ASSIGNMENTS
    return output


def grade(folder: Path, notebook: Path, tmp_path: Path, debug: bool = False) -> dict:
    """Grade `notebook` with the assignment's autograder zip, locally; question -> result."""
    (autograder,) = (folder / "autograder").glob("*-autograder_*.zip")
    out = tmp_path / f"graded-{notebook.stem}"
    out.mkdir()
    command = [tasks.BIN / "otter", "run", "--no-logo", "-a", autograder, "-o", out, notebook]
    result = subprocess.run(
        [str(c) for c in command + (["--debug"] if debug else [])],
        cwd=notebook.parent,
        env=tasks.environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {test["name"]: test for test in tests}


def questions(name: str) -> list[str]:
    """The question names of an assignment, read off its master notebook."""
    return [q["name"] for q in tasks.master_questions(ROOT / "assignments" / f"{name}.ipynb")]


def test_every_assignment_has_four_or_more_questions_and_a_wrong_answer_for_each():
    assert len(ASSIGNMENTS) >= 4
    for name in ASSIGNMENTS:
        assert len(questions(name)) >= 4, name
        assert sorted(WRONG[name]) == sorted(questions(name)), name


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_solutions_score_full_marks(built, name, tmp_path):
    folder = built / name
    results = grade(folder, folder / "autograder" / f"{name}.ipynb", tmp_path)
    for question in questions(name):
        assert results[question]["score"] == results[question]["max_score"] > 0, question


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_unanswered_student_notebook_runs_and_scores_zero(built, name, tmp_path):
    folder = built / name
    # --debug: a cell that raises fails the run, so the notebook must execute top to bottom
    results = grade(folder, folder / "student" / f"{name}.ipynb", tmp_path, debug=True)
    for question in questions(name):
        assert results[question]["score"] == 0 < results[question]["max_score"], question


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_a_wrong_answer_passes_the_public_tests_and_fails_a_hidden_one(built, name, tmp_path):
    folder = built / name
    notebook = nbformat.read(folder / "autograder" / f"{name}.ipynb", as_version=4)
    cells = []
    for cell in notebook.cells:
        check = re.fullmatch(r'grader\.check\("(q\d+)"\)', cell.source.strip())
        if cell.cell_type == "code" and check:
            cells.append(nbformat.v4.new_code_cell(WRONG[name][check[1]]))
        cells.append(cell)
    notebook.cells = cells
    wrong = folder / "autograder" / f"{name}-wrong.ipynb"
    nbformat.write(notebook, wrong)
    results = grade(folder, wrong, tmp_path)
    public = results["Public Tests"]["output"]
    for question in questions(name):
        assert f"{question} results: All test cases passed!" in public, (question, public)
        assert results[question]["score"] < results[question]["max_score"], question
        assert "Test case failed" in results[question]["output"], question


def solution_lines(master: nbformat.NotebookNode) -> list[str]:
    """The lines of code the students must write, as the master notebook marks them."""
    lines = []
    for cell in master.cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            marker = line.strip()
            if marker in ("# BEGIN SOLUTION", "# END SOLUTION"):
                inside = marker == "# BEGIN SOLUTION"
            elif inside or marker.endswith("# SOLUTION"):
                lines.append(marker.removesuffix("# SOLUTION").strip())
    return [line for line in lines if len(line) > 8]


def hidden_test_lines(master: nbformat.NotebookNode) -> list[str]:
    lines = []
    for cell in master.cells:
        if cell.cell_type == "code" and cell.source.startswith("# HIDDEN"):
            lines += [line.strip() for line in cell.source.splitlines()[1:]]
    return [line for line in lines if len(line) > 8]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_students_folder_has_no_solution_and_no_hidden_test(built, name):
    master = nbformat.read(ROOT / "assignments" / f"{name}.ipynb", as_version=4)
    student = built / name / "student"
    texts = {
        path: path.read_text()
        for path in student.rglob("*")
        if path.is_file()
        and path.suffix in (".ipynb", ".py", ".txt", ".json")
        and "lossacc_utils" not in path.parts
    }
    secrets = solution_lines(master) + hidden_test_lines(master)
    assert len(secrets) >= 8
    for path, text in texts.items():
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path.relative_to(student)} shows {leaked[:3]}"
    assert not list(student.rglob("*autograder*")), "the autograder is in the students' folder"
    assert (student / "lossacc_utils" / "__init__.py").is_file()  # the notebooks import it
    assert (built / f"{name}-student.zip").stat().st_size > 10_000
