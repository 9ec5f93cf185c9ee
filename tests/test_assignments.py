"""The course assignments, built by `python3 tasks.py assignments` and graded by otter locally.

For every master notebook in assignments/: the solutions score full marks; the students' notebook,
with only the student id written in, runs top to bottom and scores zero; a deliberately wrong
answer to each question passes that question's public tests and fails a hidden one; the students'
folder holds no solution, no hidden test and no answer key, and a lossacc_utils without the
reference answers; and a submission that brings its own lossacc_utils scores zero.
"""

import ast
import json
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

import tasks

pytestmark = pytest.mark.assignments

ROOT = Path(tasks.ROOT)
ASSIGNMENTS = sorted(path.stem for path in (ROOT / "assignments").glob("*.ipynb"))
#: The assignments whose numbers come from the student's id.
VARIANTS = ["calibration", "counterexample", "keras_definitions"]
IDS = ["s1000001", "S1000002 ", "a.student@example.edu"]

# A wrong answer per question, run just before the question's check. Each has the right form, so it
# passes the public tests; only the hidden tests can tell it is wrong.
WRONG = {
    "counterexample": {
        "q1": "def cross_entropy(p_true):\n    return float(-np.mean(np.log(p_true)))",
        "q2": "set_a = set_b = np.full((3, 3), 1 / 3)",
        "q3": "share = 1 / mine.samples",
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
    """Every assignment, as `python3 tasks.py assignments` builds it (into BUILD/assignments)."""
    output = tmp_path_factory.mktemp("build") / "assignments"
    folders = tasks.build_assignments(output)
    assert [folder.name for folder in folders] == ASSIGNMENTS
    return output


def otter_run(folder: Path, submission: Path, tmp_path: Path, debug: bool = False) -> dict:
    """Grade `submission` with the assignment's autograder zip, as `otter run` does; question ->
    result."""
    (autograder,) = (folder / "autograder").glob("*-autograder_*.zip")
    out = tmp_path / f"graded-{submission.stem}"
    out.mkdir()
    command = [tasks.BIN / "otter", "run", "--no-logo", "-a", autograder, "-o", out, submission]
    result = subprocess.run(
        [str(c) for c in command + (["--debug"] if debug else [])],
        cwd=submission.parent,
        env={k: v for k, v in tasks.environment().items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {test["name"]: test for test in tests}


def questions(name: str) -> list[str]:
    """The question names of an assignment, read off its master notebook."""
    return [q["name"] for q in tasks.master_questions(ROOT / "assignments" / f"{name}.ipynb")]


def points(name: str) -> dict[str, int]:
    return {
        q["name"]: q["points"]
        for q in tasks.master_questions(ROOT / "assignments" / f"{name}.ipynb")
    }


def with_id(notebook: nbformat.NotebookNode, student_id: str) -> nbformat.NotebookNode:
    """A copy of `notebook` whose cell that sets STUDENT_ID sets it to `student_id`."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    cell = next(c for c in notebook.cells if re.search(r"^STUDENT_ID\s*=", c.source, re.M))
    cell.source = f"STUDENT_ID = {student_id!r}"
    return notebook


def solutions(built: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(built / name / "autograder" / f"{name}.ipynb", as_version=4)


def unanswered(built: Path, name: str, student_id: str = "s7777777") -> nbformat.NotebookNode:
    """The students' notebook as handed out, with only the student id written in."""
    notebook = nbformat.read(built / name / "student" / f"{name}.ipynb", as_version=4)
    return with_id(notebook, student_id) if name in VARIANTS else notebook


def wrong(built: Path, name: str) -> nbformat.NotebookNode:
    """The solutions with a wrong answer to each question run just before its check."""
    notebook = solutions(built, name)
    cells = []
    for cell in notebook.cells:
        check = re.fullmatch(r'grader\.check\("(q\d+)"\)', cell.source.strip())
        if cell.cell_type == "code" and check:
            cells.append(nbformat.v4.new_code_cell(WRONG[name][check[1]]))
        cells.append(cell)
    notebook.cells = cells
    return notebook


def check_cell(notebook: nbformat.NotebookNode, question: str) -> int:
    return next(
        i for i, c in enumerate(notebook.cells) if c.source.strip() == f'grader.check("{question}")'
    )


def test_every_assignment_has_four_or_more_questions_and_a_wrong_answer_for_each():
    assert len(ASSIGNMENTS) >= 4
    for name in ASSIGNMENTS:
        assert len(questions(name)) >= 4, name
        assert sorted(WRONG[name]) == sorted(questions(name)), name


# ---- with otter: what Gradescope and `otter grade` run ----------------------------------------


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_solutions_score_full_marks(built, name, tmp_path):
    folder = built / name
    results = otter_run(folder, folder / "autograder" / f"{name}.ipynb", tmp_path)
    for question in questions(name):
        assert results[question]["score"] == results[question]["max_score"] > 0, question


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_unanswered_student_notebook_runs_and_scores_zero(built, name, tmp_path):
    nbformat.write(unanswered(built, name), tmp_path / f"{name}.ipynb")
    # --debug: a cell that raises fails the run, so the notebook must execute top to bottom
    results = otter_run(built / name, tmp_path / f"{name}.ipynb", tmp_path, debug=True)
    for question in questions(name):
        assert results[question]["score"] == 0 < results[question]["max_score"], question


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_a_wrong_answer_passes_the_public_tests_and_fails_a_hidden_one(built, name, tmp_path):
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(wrong(built, name), path)
    results = otter_run(built / name, path, tmp_path)
    public = results["Public Tests"]["output"]
    for question in questions(name):
        assert f"{question} results: All test cases passed!" in public, (question, public)
        assert results[question]["score"] == 0 < results[question]["max_score"], question
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
    for private in ("answer_key.py", "answer_key.json", "grading.py"):
        assert not list(student.rglob(private)), f"{private} is in the students' folder"
        assert (built / name / "autograder" / private).is_file()
    assert (student / "lossacc_utils" / "__init__.py").is_file()  # the notebooks import it
    with zipfile.ZipFile(built / f"{name}-student.zip") as archive:
        held = set(archive.namelist())
        assert archive.read("requirements.txt").decode() == tasks.student_requirements()
    assert {f"{name}.ipynb", "lossacc_utils/__init__.py"} <= held


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_students_lossacc_utils_raises_where_the_book_would_give_an_answer(built, name):
    """Every function the key withholds is, in the students' copy (which the autograder carries
    too), one that raises NotImplementedError; the rest of the package is the book's."""
    withheld = tasks.withheld(ROOT / "assignments" / "keys" / f"{name}.py")
    copies = [built / name / where / "lossacc_utils" for where in ("student", "autograder")]
    stubbed = {dotted for functions in withheld.values() for dotted in functions}
    for path in (ROOT / "lossacc_utils").rglob("*.py"):
        module = path.stem
        for copy in copies:
            copied = (copy / path.relative_to(ROOT / "lossacc_utils")).read_text()
            if not any(dotted.startswith(f"{module}.") for dotted in stubbed):
                assert copied == path.read_text(), path
                continue
            for node in ast.parse(copied).body:
                if isinstance(node, ast.FunctionDef) and f"{module}.{node.name}" in stubbed:
                    (statement,) = node.body
                    assert isinstance(statement, ast.Raise), f"{module}.{node.name}"
                    assert "NotImplementedError" in ast.unparse(statement)
    assert stubbed


def test_with_otter_a_submission_that_brings_its_own_package_scores_zero(built, tmp_path):
    """Otter grades a zip with the lossacc_utils inside it (it copies the autograder's only where
    the submission has none), so the key checks the package it imports and fails every question."""
    path = tmp_path / "submission.zip"
    with zipfile.ZipFile(path, "w") as archive:
        notebook = solutions(built, "calibration")
        archive.writestr("calibration.ipynb", nbformat.writes(notebook))
        for file in (ROOT / "lossacc_utils").rglob("*.py"):
            archive.write(file, f"lossacc_utils/{file.relative_to(ROOT / 'lossacc_utils')}")
    results = otter_run(built / "calibration", path, tmp_path)
    for question in questions("calibration"):
        assert results[question]["score"] == 0, question
        assert "carries its own" in results[question]["output"], question
