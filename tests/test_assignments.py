"""The course assignments, built by `python3 tasks.py assignments`, graded by otter locally and by
`python3 tasks.py grade`.

For every master notebook in assignments/, with otter: the solutions score full marks; the
students' notebook, with only the student id written in, runs top to bottom and scores zero; a
deliberately wrong answer to each question passes that question's public tests and fails a hidden
one; and the students' folder holds no solution, no hidden test and no answer key, and a
lossacc_utils without the reference answers. With `tasks.py grade`: the solutions score full marks
in every variant (several student ids), and the unanswered and the wrong notebooks score zero; a
batch of hostile submissions (one that raises, loops, deletes its names, ships its own package,
looks for the hidden tests, copies another student's numbers...) grades as intended, and so does,
with otter, what otter cannot stop.
"""

import ast
import csv
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from hostile import (
    HARMS,
    LEAKS,
    LOOK,
    STOPS,
    Listener,
    malformed_zips,
    processes_with,
    tree_digest,
)

import tasks
from course import build
from lossacc_utils import calibration, curves, variants

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

#: The seconds each submission of a batch below gets: ten times what an honest one takes (about
#: 2 s, two at a time); the submissions that loop, hang or stop their kernel use all of it.
DEADLINE = 20

#: `python3 tasks.py grade ...` as tasks.py's main() runs it once .venv is ready (these tests run in
#: .venv already, and must install nothing), against the tests' own build: argv[1] is the folder
#: that holds assignments/, the rest are the command's arguments.
GRADE = """
import sys
from pathlib import Path

import tasks

tasks.BUILD = Path(sys.argv[1])
arguments = vars(tasks.parse(sys.argv[2:]))
function = arguments.pop("function")
del arguments["requirements"], arguments["command"]
function(**arguments)
"""


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every assignment, as `python3 tasks.py assignments` builds it (into BUILD/assignments)."""
    output = tmp_path_factory.mktemp("build") / "assignments"
    folders = build.build_assignments(output, tasks.environment())
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


def grade_command(built: Path, name: str, folder: Path, timeout: float = 600, jobs: int = 1):
    """Grade `folder` as `python3 tasks.py grade NAME FOLDER --timeout T --jobs J` does; the rows
    of its grades.csv by submission, and what it printed."""
    command = ["grade", name, str(folder), "--timeout", str(timeout), "--jobs", str(jobs)]
    result = subprocess.run(
        [sys.executable, "-c", GRADE, str(built.parent), *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # the terminal shows the grading's progress, not TensorFlow's start-up lines or warnings
    assert not re.search(r"absl|cuda|tensorflow|retracing", result.stderr, re.I), result.stderr
    with (folder / "grades.csv").open(newline="") as file:
        rows = {row["submission"]: row for row in csv.DictReader(file)}
    return rows, result.stdout


def questions(name: str) -> list[str]:
    """The question names of an assignment, read off its master notebook."""
    return [q["name"] for q in build.master_questions(ROOT / "assignments" / f"{name}.ipynb")]


def points(name: str) -> dict[str, int]:
    return {
        q["name"]: q["points"]
        for q in build.master_questions(ROOT / "assignments" / f"{name}.ipynb")
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
    for private in ("answer_key.py", "answer_key.json", "course/key.py"):
        assert not (student / private).exists(), f"{private} is in the students' folder"
        assert not list(student.rglob(Path(private).name)), f"{private} is in the students' folder"
        assert (built / name / "autograder" / private).is_file()
    assert (student / "lossacc_utils" / "__init__.py").is_file()  # the notebooks import it
    with zipfile.ZipFile(built / f"{name}-student.zip") as archive:
        held = set(archive.namelist())
        assert archive.read("requirements.txt").decode() == build.student_requirements()
    assert {f"{name}.ipynb", "lossacc_utils/__init__.py"} <= held


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_students_lossacc_utils_raises_where_the_book_would_give_an_answer(built, name):
    """Every function the key withholds is, in the students' copy (which the autograder carries
    too), one that raises NotImplementedError; the rest of the package is the book's."""
    withheld = build.withheld(ROOT / "assignments" / "keys" / f"{name}.py")
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


# ---- with python3 tasks.py grade --------------------------------------------------------------


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grade_gives_the_solutions_full_marks_in_every_variant_and_the_rest_zero(
    built, name, tmp_path
):
    folder = tmp_path / "submissions"
    folder.mkdir()
    ids = IDS if name in VARIANTS else [None]
    for number, student_id in enumerate(ids):
        notebook = solutions(built, name)
        nbformat.write(
            with_id(notebook, student_id) if student_id else notebook,
            folder / f"solution-{number}.ipynb",
        )
    nbformat.write(unanswered(built, name), folder / "unanswered.ipynb")
    nbformat.write(wrong(built, name), folder / "wrong.ipynb")
    rows, printed = grade_command(built, name, folder)
    full = sum(points(name).values())
    for number, student_id in enumerate(ids):
        row = rows[f"solution-{number}.ipynb"]
        assert [int(row[q]) for q in points(name)] == list(points(name).values()), row
        assert (int(row["total"]), row["note"]) == (full, ""), row
        assert row["student_id"] == (student_id.strip() if student_id else "")
    for submission in ("unanswered.ipynb", "wrong.ipynb"):
        row = rows[submission]
        assert [int(row[q]) for q in points(name)] == [0] * len(points(name)), row
        assert row["note"] == "", row
    # one progress line per submission, with its score and its time
    lines = re.findall(r"^ +\d+/\d+ +(\S+) +(\d+)/(\d+) +[\d.]+ s", printed, re.MULTILINE)
    assert sorted(line[0] for line in lines) == sorted(rows)
    assert {int(line[2]) for line in lines} == {full}


def test_grade_with_otter_lets_a_notebook_read_the_key_beside_it_and_tasks_py_grade_does_not(
    built, tmp_path
):
    """What cannot be closed inside otter, shown: the notebook below looks for the answer key in
    its folder, its parent folder and its own process, prints what it finds (in otter, a public
    test's output would carry it to the student) and, if it finds the key, answers question 1 with
    the key's own reference. Graded by otter, the key lies beside it and it scores; graded by
    `tasks.py grade`, the key is in no folder of the submission's and in no process of its own."""
    notebook = with_id(solutions(built, "calibration"), "s1000001")
    at = check_cell(notebook, "q1")
    notebook.cells[at - 1].source = SNOOP
    path = tmp_path / "otter" / "calibration.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook, path)
    results = otter_run(built / "calibration", path, tmp_path)
    assert results["q1"]["score"] == results["q1"]["max_score"] == 3
    folder = tmp_path / "submissions"
    folder.mkdir()
    nbformat.write(notebook, folder / "snoops.ipynb")
    rows, _ = grade_command(built, "calibration", folder)
    assert (rows["snoops.ipynb"]["q1"], rows["snoops.ipynb"]["total"]) == ("0", "8")


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


#: A cell that looks for the hidden tests and the answer key where otter would put them, prints
#: what it finds, and answers question 1 with the key's reference if it finds the key.
SNOOP = """import json
import sys
from pathlib import Path

found = {}
for folder in (Path.cwd(), Path.cwd().parent):
    for path in folder.rglob("*.py"):
        if path.name in ("answer_key.py", "key.py") or path.parent.name == "tests":
            found[str(path)] = path.read_text(errors="replace")
for name in ("answer_key", "course.key"):
    if name in sys.modules:
        found[name] = repr(sys.modules[name])
tests = json.loads(Path("calibration.ipynb").read_text())["metadata"]["otter"]["tests"]
found["hidden cases"] = [
    case["code"] for test in tests.values() for case in test["suites"][0]["cases"] if case["hidden"]
]
print(found)
keys = [path for path in found if path.endswith("answer_key.py")]
if keys:
    sys.path.insert(0, str(Path(keys[0]).parent))
    from answer_key import ece
else:
    def ece(y_true, probabilities, n_bins=15):
        return 0.0
"""


def answer_cell(notebook: nbformat.NotebookNode, question: str) -> nbformat.NotebookNode:
    """The cell just before `question`'s check: its answer."""
    return notebook.cells[check_cell(notebook, question) - 1]


def copied_answers(student_id: str) -> dict[str, str]:
    """Questions 2 to 5 answered with the numbers of `student_id`, as literals: copied."""
    mine = variants.calibration(student_id)
    temperature = calibration.fit_temperature(mine.y_val, mine.val_logits)
    nll = [
        calibration.negative_log_likelihood(mine.y_test, mine.test_logits, t)
        for t in (1, temperature)
    ]
    accuracy = float((mine.test_logits.argmax(axis=1) == mine.y_test).mean())
    stop = curves.early_stopping({"val_loss": mine.val_loss}, patience=3)
    return {
        "q2": f"temperature = {temperature!r}",
        "q3": f"nll_before, nll_after = {nll[0]!r}, {nll[1]!r}\n"
        f"accuracy_before = accuracy_after = {accuracy!r}",
        "q4": f"stopped_epoch, restored_epoch = {stop['stopped_epoch']}, {stop['best_epoch']}",
        "q5": f"lazy_accuracy = {1 - mine.y_rare.mean()!r}\nlazy_balanced_accuracy = 0.5",
    }


def test_grade_grades_a_batch_of_hostile_submissions_as_intended(built, tmp_path):
    """One batch of the calibration assignment, graded with a time limit of `DEADLINE` each: every
    submission's score, question by question, and its note."""
    folder = tmp_path / "submissions"
    folder.mkdir()

    def save(file, notebook):
        nbformat.write(notebook, folder / file)

    def solution(student_id):
        return with_id(solutions(built, "calibration"), student_id)

    save("solution-a.ipynb", solution("s1000001"))
    with zipfile.ZipFile(folder / "solution-b.zip", "w") as archive:  # as otter's export writes it
        archive.writestr("calibration.ipynb", nbformat.writes(solution("s1000002")))
        archive.writestr(".OTTER_LOG", "")
    save("same-id.ipynb", solution("S1000001"))
    # another student's numbers, copied: their function passes, their numbers do not
    ours, theirs = variants.calibration("s1000009"), variants.calibration("s1000001")
    assert ours.y_rare.mean() != theirs.y_rare.mean()
    assert len(ours.val_loss) != len(theirs.val_loss) or (ours.val_loss != theirs.val_loss).any()
    copied = solution("s1000009")
    for question, source in copied_answers("s1000001").items():
        answer_cell(copied, question).source = source
    save("copied.ipynb", copied)
    raises = solution("s1000004")
    answer_cell(raises, "q5").source = (
        'raise ValueError("a slip")\n' + answer_cell(raises, "q5").source
    )
    save("raises.ipynb", raises)
    loops = solution("s1000005")
    answer_cell(loops, "q3").source = "while True:\n    pass"
    save("loops.ipynb", loops)
    deletes = solution("s1000006")
    deletion = "del ece, temperature, nll_before, nll_after, stopped_epoch, lazy_accuracy, mine"
    deletes.cells.insert(check_cell(deletes, "q5") + 1, nbformat.v4.new_code_cell(deletion))
    save("deletes.ipynb", deletes)
    # calls the book's reference answers, and brings the book's package, where they work
    ships = solution("s1000007")
    answer_cell(ships, "q1").source = (
        "def ece(y_true, probabilities, n_bins=15):\n"
        "    return calibration.expected_calibration_error(y_true, probabilities, n_bins)"
    )
    answer_cell(ships, "q4").source = (
        "from lossacc_utils import curves\n\n"
        "val_loss = mine.val_loss.tolist()\n"
        'rule = curves.early_stopping({"val_loss": val_loss}, patience=3)\n'
        'stopped_epoch, restored_epoch = rule["stopped_epoch"], rule["best_epoch"]'
    )
    with zipfile.ZipFile(folder / "ships-package.zip", "w") as archive:
        archive.writestr("calibration.ipynb", nbformat.writes(ships))
        for file in (ROOT / "lossacc_utils").rglob("*.py"):
            archive.write(file, f"lossacc_utils/{file.relative_to(ROOT / 'lossacc_utils')}")
        archive.writestr("tests/q1.py", "OK_FORMAT = True\ntest = {'name': 'q1', 'points': 3}")
    save("unanswered.ipynb", unanswered(built, "calibration"))
    no_id = solutions(built, "calibration")
    id_cell = next(c for c in no_id.cells if re.search(r"^STUDENT_ID\s*=", c.source, re.M))
    id_cell.source = "STUDENT_ID = ..."  # as handed out
    save("no-id.ipynb", no_id)
    snoops = solution("s1000008")
    answer_cell(snoops, "q1").source = SNOOP
    save("snoops.ipynb", snoops)
    with zipfile.ZipFile(folder / "empty.zip", "w") as archive:
        archive.writestr("readme.txt", "I forgot the notebook")

    rows, _ = grade_command(built, "calibration", folder, timeout=DEADLINE)
    expected = {  # submission -> (scores of q1 to q5, note)
        "solution-a.ipynb": ([3, 2, 2, 2, 2], "same student id as same-id.ipynb"),
        "solution-b.zip": ([3, 2, 2, 2, 2], ""),
        "same-id.ipynb": ([3, 2, 2, 2, 2], "same student id as solution-a.ipynb"),
        "copied.ipynb": ([3, 0, 0, 0, 0], ""),
        "raises.ipynb": ([3, 2, 2, 2, 0], "error in q5 (ValueError: a slip)"),
        "loops.ipynb": ([3, 2, 0, 0, 0], "timed out in q3"),
        "deletes.ipynb": ([3, 2, 2, 2, 2], ""),
        "ships-package.zip": (
            [0, 2, 2, 0, 2],
            "error in q4 (NotImplementedError: curves.early_stopping is left out of this "
            "assignment's lossacc_utils: question q4 asks for it); "
            "carried its own lossacc_utils, tests: not used",
        ),
        "snoops.ipynb": ([0, 2, 2, 2, 2], ""),
        "unanswered.ipynb": ([0, 0, 0, 0, 0], ""),
        "empty.zip": ([0, 0, 0, 0, 0], "the zip holds no notebook"),
    }
    for submission, (scores, note) in expected.items():
        row = rows[submission]
        assert [int(row[q]) for q in ("q1", "q2", "q3", "q4", "q5")] == scores, row
        assert (int(row["total"]), row["note"]) == (sum(scores), note), row
    assert rows["same-id.ipynb"]["student_id"] == "S1000001"
    assert rows["copied.ipynb"]["student_id"] == "s1000009"
    no_id = rows["no-id.ipynb"]
    assert no_id["total"] == "0" and no_id["student_id"] == ""
    assert no_id["note"].startswith("error in setup (ValueError: student_id must be")
    assert no_id["note"].endswith(
        "got Ellipsis); errors also in q2, q3, q4, q5; STUDENT_ID is not set to a student id"
    )
    assert float(rows["loops.ipynb"]["seconds"]) >= DEADLINE
    assert sorted(rows) == sorted([*expected, "no-id.ipynb"])


# ---- a hostile class ---------------------------------------------------------------------------


SITE_PACKAGES = Path(nbformat.__file__).parents[1]


def test_a_hostile_class_cannot_raise_its_marks_lower_anothers_learn_the_key_or_stop_the_batch(
    built, tmp_path
):
    """One batch of the calibration assignment, graded two at a time in sandboxes, `DEADLINE` each:
    honest students among cheats, vandals and saboteurs of every kind the module names."""
    import secrets

    folder = tmp_path / "submissions"
    folder.mkdir()
    listener, secret = Listener(), secrets.token_hex(16)
    look = LOOK.format(secret=secret, port=listener.port)
    numbers = iter(range(1_000_100, 1_000_999))

    def solution():
        return with_id(solutions(built, "calibration"), f"s{next(numbers)}")

    right_q1 = answer_cell(solutions(built, "calibration"), "q1").source
    wrong_q1 = "def ece(y_true, probabilities, n_bins=15):\n    return 0.0"
    indent = lambda text: "\n".join("    " + line for line in text.splitlines())  # noqa: E731
    expected = {}  # submission -> its total, or None where only its note is known
    for name, attack in LEAKS.items():
        notebook = solution()
        answer_cell(
            notebook, "q1"
        ).source = f"{look}\n{attack}\nif leaked:\n{indent(right_q1)}\nelse:\n{indent(wrong_q1)}"
        nbformat.write(notebook, folder / f"leak-{name}.ipynb")
        expected[f"leak-{name}.ipynb"] = 8
    for group, attacks in (("harm", HARMS), ("stop", STOPS)):
        for name, attack in attacks.items():
            notebook = solution()
            cell = answer_cell(notebook, "q2")
            cell.source = f"{look}\n{attack}\n{cell.source}"
            nbformat.write(notebook, folder / f"{group}-{name}.ipynb")
            expected[f"{group}-{name}.ipynb"] = None
    # an answer that never returns when the key calls it, graded beside an honest student
    hangs = solution()
    answer_cell(
        hangs, "q1"
    ).source = "import time\n\ndef ece(y_true, probabilities, n_bins=15):\n    time.sleep(3600)"
    nbformat.write(hangs, folder / "hangs-the-key.ipynb")
    expected["hangs-the-key.ipynb"] = 0
    # honest students, one graded beside the answer that hangs, one sorted after every attack,
    # whose marks no attack may lower
    for name in ("hangs-the-key-neighbour", "honest-a", "victim-z"):
        nbformat.write(solution(), folder / f"{name}.ipynb")
        expected[f"{name}.ipynb"] = 11
    # two tries: a wrong answer at its check, the right one after it
    two = solution()
    right_q2 = answer_cell(two, "q2").source
    answer_cell(two, "q2").source = "temperature = 1.0"
    two.cells.insert(check_cell(two, "q2") + 1, nbformat.v4.new_code_cell(right_q2))
    nbformat.write(two, folder / "two-tries.ipynb")
    expected["two-tries.ipynb"] = 9
    # ids that are a formula, or not text that can be written
    for name, student_id in (("formula-id", '=HYPERLINK("http://x")'), ("surrogate-id", "\udc80")):
        nbformat.write(
            with_id(solutions(built, "calibration"), student_id), folder / f"{name}.ipynb"
        )
        expected[f"{name}.ipynb"] = None
    # 200,000 quick cells: the deadline is the deadline
    many = solution()
    many.cells[1:1] = [nbformat.v4.new_code_cell("x = 1", id=f"quick-{i}") for i in range(200_000)]
    nbformat.write(many, folder / "many-cells.ipynb")
    expected["many-cells.ipynb"] = 0
    # file names and zips that are not what they say
    odd = os.fsdecode(b"odd-\xff-name.ipynb")
    nbformat.write(solution(), folder / odd)
    expected["odd-\\udcff-name.ipynb"] = 11  # as grades.csv writes the name
    good = nbformat.writes(solution()).encode()
    for name, data in malformed_zips(good).items():
        (folder / f"zip-{name}.zip").write_bytes(data)
        expected[f"zip-{name}.zip"] = 0

    before = {
        "build": tree_digest(built / "calibration"),
        "package": tree_digest(ROOT / "lossacc_utils"),
        "site-packages": sorted(p.name for p in SITE_PACKAGES.iterdir()),
    }
    os.environ["LOSSACC_TEST_SECRET"] = secret  # the grader's environment holds it
    try:
        rows, printed = grade_command(built, "calibration", folder, timeout=DEADLINE, jobs=2)
    finally:
        del os.environ["LOSSACC_TEST_SECRET"]
    time.sleep(2)  # what lingers, if anything did, would now write

    assert sorted(rows) == sorted(expected), printed
    for submission, total in expected.items():
        if total is not None:
            assert int(rows[submission]["total"]) == total, rows[submission]
    notes = {submission: row["note"] for submission, row in rows.items()}
    assert float(rows["many-cells.ipynb"]["seconds"]) < DEADLINE + 30
    assert notes["many-cells.ipynb"].startswith("timed out")
    assert notes["hangs-the-key.ipynb"] == "timed out while grading q1"
    for name in STOPS:
        assert int(rows[f"stop-{name}.ipynb"]["q1"]) in (0, 3), notes  # a row, graded or not
    assert rows["formula-id.ipynb"]["student_id"].startswith("'=")
    assert rows["surrogate-id.ipynb"]["student_id"] == "\\udc80"
    for name in malformed_zips(good):
        assert (
            "cannot be read" in notes[f"zip-{name}.zip"] or "not a zip" in notes[f"zip-{name}.zip"]
        )
    assert listener.connections == 0
    assert not processes_with("#LINGERER") and not processes_with("sleep 7777")
    assert not Path("/tmp/owned").exists()
    assert before == {
        "build": tree_digest(built / "calibration"),
        "package": tree_digest(ROOT / "lossacc_utils"),
        "site-packages": sorted(p.name for p in SITE_PACKAGES.iterdir()),
    }
    with (folder / "grades.csv").open(newline="") as file:
        assert len(list(csv.DictReader(file))) == len(expected)
