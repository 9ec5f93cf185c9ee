"""How the assignments are graded, piece by piece, without building them (that is
test_assignments.py): the plain data that is all the grader reads of a student, the answer keys
against the book's own functions, the students' copy of lossacc_utils, the students'
requirements, how a submission is read, and the errors of `python3 tasks.py grade`.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import tasks
from lossacc_utils import calibration, curves, metrics, variants
from lossacc_utils.runs import Run

ROOT = Path(tasks.ROOT)
ASSIGNMENTS = ROOT / "assignments"
sys.path.insert(0, str(ASSIGNMENTS))  # the keys import grading.py, as they do in an autograder
import grading  # noqa: E402

submissions = tasks.load_module(ASSIGNMENTS / "submissions.py")
NAMES = sorted(path.stem for path in ASSIGNMENTS.glob("*.ipynb"))


def key(name):
    return tasks.load_module(ASSIGNMENTS / "keys" / f"{name}.py")


DEEP = [1]
for _ in range(25):
    DEEP = [DEEP]


def through_json(value):
    return grading.unplain(json.loads(json.dumps(grading.plain(value))))


# ---- plain data -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (np.bool_(False), False),
        (np.int64(3), 3),
        (2.5, 2.5),
        (np.float32(0.5), 0.5),
        ("b", "b"),
        ((1, 2.0), [1, 2.0]),
        ({"a": [1, "x"]}, {"a": [1, "x"]}),
    ],
)
def test_plain_values_come_back_as_python_values_of_the_same_kind(value, expected):
    back = through_json(value)
    assert back == expected and type(back) is type(expected)


def test_arrays_come_back_with_their_dtype_and_shape_and_nan():
    for array in (np.array([[1.5, np.nan]]), np.arange(3), np.array([True, False]), np.float64(2)):
        back = through_json(np.asarray(array))
        assert back.dtype == np.asarray(array).dtype and back.shape == np.asarray(array).shape
        np.testing.assert_array_equal(back, array)


@pytest.mark.parametrize(
    "value",
    [pd.DataFrame({"a": [1]}), object(), np.array(["text"]), {1: 2}, 1j, DEEP],
    ids=["DataFrame", "object", "strings", "int-keys", "complex", "deep"],
)
def test_anything_else_comes_back_as_not_plain_and_no_check_accepts_it(value):
    back = through_json(value)
    while isinstance(back, list):
        back = back[0]
    assert isinstance(back, grading.NotPlain)
    for check in (grading.number, grading.whole_number, grading.text, grading.array):
        with pytest.raises(grading.WrongAnswer):
            check(back, "answer")


def test_the_checks_refuse_answers_of_the_wrong_kind():
    for check, wrong in (
        (grading.number, [True, "1.0", None]),
        (grading.whole_number, [True, 3.0, "3"]),
        (grading.text, [1, None]),
    ):
        for value in wrong:
            with pytest.raises(grading.WrongAnswer, match="answer must be"):
                check(value, "answer")
    assert grading.number(3, "x") == 3.0 and grading.whole_number(3, "x") == 3
    with pytest.raises(grading.WrongAnswer, match="shape"):
        grading.array([1.0, 2.0], "x", shape=(3,))


# ---- the student, read as plain data ----------------------------------------------------------


def test_a_student_is_read_by_name_and_by_calling_their_functions():
    def scale(values, factor):
        values *= factor  # changes what it is given: the key's own array must not change
        return values

    def leave(*args):
        raise SystemExit("bye")

    env = {"temperature": np.float64(2.5), "scale": scale, "leave": leave}
    student = grading.Student.local(env)
    assert student.value("temperature") == 2.5
    given = np.ones(3)
    np.testing.assert_array_equal(student.call("scale", given, 2), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(given, np.ones(3))
    with pytest.raises(grading.WrongAnswer, match="nll is not defined"):
        student.value("nll")
    with pytest.raises(grading.WrongAnswer, match=r"leave\(\.\.\.\) raised SystemExit: bye"):
        student.call("leave")
    with pytest.raises(grading.WrongAnswer, match="TypeError"):
        student.call("temperature", 1)


def test_the_kernel_expression_answers_as_answer_does_and_defines_no_name():
    """What `tasks.py grade` evaluates in the student's kernel: the same JSON as in-process, with
    the notebook's namespace left as it was."""
    env = {"ece": lambda y, p: float(np.mean(p)), "labels": [1, 2]}
    before = dict(env)
    for request in (
        json.dumps({"name": "labels", "call": None}),
        json.dumps({"name": "ece", "call": grading.plain([[0], np.array([0.25, 0.75])])}),
        json.dumps({"name": "missing", "call": None}),
    ):
        assert eval(grading.kernel_expression(request), env) == grading.answer(env, request)
    env.pop("__builtins__")
    assert env == before


# ---- the key -------------------------------------------------------------------------------


def test_a_key_grades_with_the_numbers_of_the_id_and_refuses_a_missing_id():
    seen = []
    example = grading.Key("calibration", variant=variants.calibration)

    @example.question
    def q2(student, mine):
        seen.append(mine.student_id)
        assert grading.number(student.value("temperature"), "temperature") > 1

    student = grading.Student.local({"temperature": 2.0})
    example.grade("q2", student, "S1")
    assert seen == ["s1"]
    for missing in (None, "", grading.NotPlain("ellipsis")):
        with pytest.raises(grading.WrongAnswer, match="STUDENT_ID is not set"):
            example.grade("q2", student, missing)
    with pytest.raises(AssertionError):
        example.grade("q2", grading.Student.local({"temperature": 0.5}), "s1")


def test_check_inside_otter_refuses_a_package_other_than_the_autograders(tmp_path):
    """In an autograder, answer_key.json records the digest of its lossacc_utils; a submission
    that brings its own package is graded with that package by otter, and check then fails."""
    copy = tmp_path / "grading.py"
    shutil.copy(ASSIGNMENTS / "grading.py", copy)
    module = tasks.load_module(copy)
    example = module.Key("overtraining")
    example.question(lambda student, mine: None)  # registered as "<lambda>": always right
    env = {"STUDENT_ID": "s1"}
    with pytest.raises(AssertionError, match=r"answer_key\.json is missing"):
        example.check("<lambda>", env)
    ours = module.package_digest(ROOT / "lossacc_utils")  # the package this process imports
    (tmp_path / module.RECORD).write_text(json.dumps({"package": ours}))
    example.check("<lambda>", env)
    (tmp_path / module.RECORD).write_text(json.dumps({"package": "0" * 64}))
    with pytest.raises(AssertionError, match="carries its own"):
        example.check("<lambda>", env)


@pytest.mark.parametrize("name", NAMES)
def test_each_key_grades_exactly_the_masters_questions(name):
    master = ASSIGNMENTS / f"{name}.ipynb"
    questions = [question["name"] for question in tasks.master_questions(master)]
    assert list(key(name).key.questions) == questions
    hidden = [
        cell.source
        for cell in nbformat.read(master, as_version=4).cells
        if cell.source.startswith("# HIDDEN")
    ]
    assert hidden == [
        f'# HIDDEN\n__import__("answer_key").check("{q}", globals())' for q in questions
    ]


@pytest.mark.parametrize("name", NAMES)
def test_each_withheld_function_is_a_function_of_the_package_and_its_question_exists(name):
    import importlib

    withheld = tasks.withheld(ASSIGNMENTS / "keys" / f"{name}.py")
    assert withheld == key(name).WITHHELD and withheld
    for question, functions in withheld.items():
        assert question in key(name).key.questions
        for dotted in functions:
            module, function = dotted.split(".")
            assert callable(getattr(importlib.import_module(f"lossacc_utils.{module}"), function))


def test_the_calibration_keys_ece_is_the_books():
    ece = key("calibration").ece
    rng = np.random.default_rng(0)
    for n_bins in (1, 2, 7, 10, 15, 20):
        logits = rng.normal(scale=3, size=(500, 4))
        labels = rng.integers(0, 4, 500)
        p = calibration.apply_temperature(logits, 1.0)
        assert ece(labels, p, n_bins) == pytest.approx(
            calibration.expected_calibration_error(labels, p, n_bins)
        )
    on_edges = np.array([[0.7, 0.3], [0.6, 0.4], [0.8, 0.2], [0.9, 0.1]])  # k / 10 exactly
    assert ece(np.array([0, 1, 0, 0]), on_edges, 10) == pytest.approx(
        calibration.expected_calibration_error([0, 1, 0, 0], on_edges, 10)
    )


def test_the_calibration_keys_early_stopping_is_the_books():
    stop = key("calibration").early_stopping
    rng = np.random.default_rng(1)
    losses = [variants.calibration(f"s{i}").val_loss for i in range(20)]
    losses += [np.round(rng.random(12), 1) for _ in range(50)]  # ties: equal is no improvement
    for val_loss in losses:
        for patience in (1, 3, 5):
            book = curves.early_stopping({"val_loss": val_loss}, patience=patience)
            assert stop(val_loss, patience) == (book["stopped_epoch"], book["best_epoch"])


def test_the_counterexample_keys_losses_are_keras_clipped_losses():
    ce = key("counterexample")
    rng = np.random.default_rng(2)
    p = np.r_[rng.random(30), 0.0, 1.0]
    two = np.stack([p, 1 - p], axis=1)
    expected = metrics.sparse_categorical_crossentropy(np.zeros(len(p), dtype=int), two).mean()
    assert ce.cross_entropy(p) == pytest.approx(expected)
    probabilities = rng.dirichlet(np.ones(3), size=10)
    probabilities[0] = [0.0, 0.5, 0.5]
    labels = rng.integers(0, 3, 10)
    loss, accuracy = ce.loss_and_accuracy(probabilities, labels)
    assert loss == pytest.approx(
        metrics.sparse_categorical_crossentropy(labels, probabilities).mean()
    )
    assert accuracy == metrics.sparse_categorical_accuracy(labels, probabilities).mean()


def test_the_overtraining_keys_wrong_share_is_the_books_loss_split():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 4, 50)
    recorded = {e: np.log(rng.dirichlet(np.ones(4), size=50)) for e in (1, 2, 3)}
    run = Run({"val_loss": [1.0, 0.8, 0.9]}, y_val=y, val_log_probabilities=recorded)
    table = curves.loss_by_correctness(run)
    for epoch in (1, 2, 3):
        expected = table.loc[epoch, "from wrong samples"] / table.loc[epoch, "loss"]
        assert key("overtraining").wrong_share(run, epoch) == pytest.approx(expected)


def test_the_overtraining_key_trains_the_run_the_notebook_trains():
    master = nbformat.read(ASSIGNMENTS / "overtraining.ipynb", as_version=4)
    call = next(c.source for c in master.cells if "run_overtraining(" in c.source)
    (node,) = [n for n in ast.walk(ast.parse(call)) if isinstance(n, ast.Call) and n.keywords]
    assert {k.arg: ast.literal_eval(k.value) for k in node.keywords} == key("overtraining").RUN


# ---- the students' copy of lossacc_utils, and their requirements -------------------------------


def test_withholding_replaces_exactly_the_named_functions_by_ones_that_name_the_question(tmp_path):
    package = tmp_path / "lossacc_utils"
    shutil.copytree(ROOT / "lossacc_utils", package, ignore=shutil.ignore_patterns("__pycache__"))
    functions = {
        "q1": ("calibration.expected_calibration_error", "calibration.calibration_bins"),
        "q4": ("curves.early_stopping",),
    }
    tasks.withhold(package, functions)
    for module in ("calibration", "curves"):
        before = ast.parse((ROOT / "lossacc_utils" / f"{module}.py").read_text()).body
        after = ast.parse((package / f"{module}.py").read_text()).body
        assert len(before) == len(after)
        for old, new in zip(before, after, strict=True):
            name = getattr(old, "name", None)
            if f"{module}.{name}" in sum(functions.values(), ()):
                assert isinstance(new, ast.FunctionDef) and new.name == name
            else:
                assert ast.dump(old) == ast.dump(new), name
    probe = (
        "import numpy as np\n"
        "from lossacc_utils import calibration, curves\n"
        "p = calibration.apply_temperature(np.zeros((2, 3)), 1.0)\n"
        "for call in (lambda: calibration.expected_calibration_error([0, 1], p),\n"
        "             lambda: curves.early_stopping({'val_loss': [1, 2]})):\n"
        "    try:\n"
        "        call()\n"
        "    except NotImplementedError as error:\n"
        "        print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "calibration.expected_calibration_error is left out" in lines[0] and "q1" in lines[0]
    assert "curves.early_stopping is left out" in lines[1] and "q4" in lines[1]


def test_the_students_requirements_pin_what_the_assignments_need_at_the_books_versions():
    pins = {
        line.split("==")[0]: line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    lines = [line for line in tasks.student_requirements().splitlines() if not line.startswith("#")]
    names = [line.split("==")[0] for line in lines]
    assert {"otter-grader", "jupyterlab", "tensorflow", "numpy"} <= set(names)
    assert "tensorflow-cpu" not in names  # no wheels for macOS
    assert all(line == pins[name] for name, line in zip(names, lines, strict=True))


# ---- reading a submission ------------------------------------------------------------------


def notebook_bytes(source="x = 1"):
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]))


def test_a_submission_is_its_notebook_whatever_else_its_zip_carries(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("work/calibration.ipynb", notebook_bytes("right = 1"))
        archive.writestr("work/scratch.ipynb", notebook_bytes("wrong = 1"))
        archive.writestr("work/.ipynb_checkpoints/calibration-checkpoint.ipynb", notebook_bytes())
        archive.writestr("work/lossacc_utils/calibration.py", "def ece(): ...")
        archive.writestr("tests/q1.py", "test = {}")
    cells, carried = submissions.read_submission(path, "calibration")
    assert [source for _, source, _ in cells] == ["right = 1"]
    assert carried == ["lossacc_utils", "tests"]


@pytest.mark.parametrize(
    ("entries", "note"),
    [
        ({}, "the zip holds no notebook"),
        ({"one.ipynb": notebook_bytes(), "two.ipynb": notebook_bytes()}, "several notebooks"),
        ({"calibration.ipynb": "{not json"}, "not a notebook"),
    ],
)
def test_a_zip_without_one_notebook_to_grade_says_why(tmp_path, entries, note):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(submissions.Unreadable, match=note):
        submissions.read_submission(path, "calibration")
    path.write_bytes(b"not a zip")
    with pytest.raises(submissions.Unreadable, match="not a zip file"):
        submissions.read_submission(path, "calibration")


def test_a_cell_is_placed_in_setup_in_the_question_it_answers_or_at_the_end():
    prompt = {"editable": False}
    cells = [
        ("code", "import otter", {}),
        ("code", "STUDENT_ID = 's1'", {}),
        ("markdown", "**Question 1**", prompt),
        ("code", "x = 1", {}),
        ("code", 'grader.check("q1")', {}),
        ("code", "y = 1", {}),
        ("code", 'grader.check("q2")', {}),
        ("code", "grader.export()", {}),
    ]
    where = submissions.regions(cells, {"q1": 4, "q2": 6})
    assert where == ["setup", "setup", "q1", "q1", "q1", "q2", "q2", "the end"]


def test_grades_csv_flags_an_id_two_submissions_share(tmp_path):
    results = []
    for name, student_id in (("a.ipynb", "s1"), ("b.ipynb", "S1"), ("c.ipynb", "s2")):
        result = submissions.Result(name)
        result.student_id, result.right = student_id, {"q1": True, "q2": name != "c.ipynb"}
        results.append(result)
    submissions.write_grades(tmp_path / "grades.csv", results, {"q1": 2, "q2": 3})
    rows = pd.read_csv(tmp_path / "grades.csv", keep_default_na=False)
    assert rows["total"].tolist() == [5, 5, 2]
    assert rows["note"].tolist() == ["same student id as b.ipynb", "same student id as a.ipynb", ""]


# ---- python3 tasks.py grade: its arguments ---------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["nope", "{folder}"], "argument NAME: 'nope' is not an assignment; the assignments are "),
        (["calibration", "{folder}/missing"], "argument FOLDER: {folder}/missing is not a folder"),
        (["calibration", "{empty}"], "argument FOLDER: {empty} holds no submission"),
        (["calibration", "{folder}", "--timeout", "abc"], "argument --timeout: 'abc' is not a"),
        (["calibration", "{folder}", "--timeout", "0"], "argument --timeout: '0' is not a number"),
        (["calibration", "{folder}", "--timeout", "inf"], "argument --timeout: 'inf' is not a"),
    ],
)
def test_bad_arguments_to_grade_get_one_sentence_naming_the_argument(tmp_path, arguments, error):
    """These stop in the argument parser, before tasks.py would install anything."""
    folder, empty = tmp_path / "submissions", tmp_path / "empty"
    folder.mkdir()
    empty.mkdir()
    (folder / "a.ipynb").write_text(notebook_bytes())
    (empty / "notes.txt").write_text("no submission here")
    filled = [a.format(folder=folder, empty=empty) for a in arguments]
    result = subprocess.run(
        [sys.executable, str(ROOT / "tasks.py"), "grade", *filled],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "python3 tasks.py grade: error: " + error.format(folder=folder, empty=empty)
    )
    assert len(re.findall(r"[.;] [A-Z]", last)) == 0  # one sentence
    assert not (folder / "grades.csv").exists()


def test_the_readme_names_the_grade_command_and_its_default_time_limit():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "`python3 tasks.py grade NAME FOLDER`" in readme
    assert f"(`--timeout SECONDS`, {tasks.GRADE_TIMEOUT:g} by default)" in readme
    grade = tasks.parse(["grade", "calibration", str(ROOT / "assignments")])
    assert grade.timeout == tasks.GRADE_TIMEOUT and grade.name == "calibration"


def test_a_reply_that_is_not_what_answer_writes_is_a_wrong_answer_not_a_crash():
    """In `tasks.py grade`, the student's kernel writes the replies, and may write anything."""
    for reply in ("not json", '{"$": "array", "dtype": "O", "data": [1]}', '{"$": "nonsense"}'):
        student = grading.Student(lambda request, reply=reply: reply)
        with pytest.raises(grading.WrongAnswer, match="temperature could not be read"):
            student.value("temperature")


def test_a_quiet_import_keeps_what_the_module_writes_below_python_out_of_the_terminal(tmp_path):
    """What TensorFlow's C++ writes at import goes to file descriptor 2 directly; `quiet_import`
    keeps it out, gives the descriptor back, and lets a failing import raise."""
    (tmp_path / "noisy_module.py").write_text('import os\nos.write(2, b"below python\\n")\n')
    (tmp_path / "broken_module.py").write_text('raise ImportError("broken on purpose")\n')
    script = (
        "import os, sys\n"
        f"sys.path[:0] = [{str(tmp_path)!r}, {str(ASSIGNMENTS)!r}]\n"
        "import submissions\n"
        "submissions.quiet_import('noisy_module')\n"
        "os.write(2, b'after\\n')\n"
        "submissions.quiet_import('broken_module')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "below python" not in result.stderr
    assert result.stderr.startswith("after\n")
    assert "ImportError: broken on purpose" in result.stderr
