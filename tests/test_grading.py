"""How the assignments are graded, piece by piece, without building them (that is
test_assignments.py): the plain data that is all the grader reads of a student, the answer keys
against the book's own functions, the students' copy of lossacc_utils, the students'
requirements, how a submission is read, and the errors of `python3 tasks.py grade`.
"""

import ast
import json
import os
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
from hostile import malformed_zips

import tasks
from course import build, grade
from course import key as grading
from lossacc_utils import calibration, curves, metrics, variants
from lossacc_utils.runs import Run

ROOT = Path(tasks.ROOT)
ASSIGNMENTS = ROOT / "assignments"
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
    copy = tmp_path / "course" / "key.py"  # where the autograder has it
    copy.parent.mkdir()
    shutil.copy(ROOT / "course" / "key.py", copy)
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
    questions = [question["name"] for question in build.master_questions(master)]
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

    withheld = build.withheld(ASSIGNMENTS / "keys" / f"{name}.py")
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
    build.withhold(package, functions)
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
    lines = [line for line in build.student_requirements().splitlines() if not line.startswith("#")]
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
    cells, carried = grade.read_submission(path, "calibration")
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
    with pytest.raises(grade.Unreadable, match=note):
        grade.read_submission(path, "calibration")
    path.write_bytes(b"not a zip")
    with pytest.raises(grade.Unreadable, match="not a zip file"):
        grade.read_submission(path, "calibration")


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
    where = grade.regions(cells, {"q1": 4, "q2": 6})
    assert where == ["setup", "setup", "q1", "q1", "q1", "q2", "q2", "the end"]


def test_grades_csv_flags_an_id_two_submissions_share(tmp_path):
    results = []
    for name, student_id in (("a.ipynb", "s1"), ("b.ipynb", "S1"), ("c.ipynb", "s2")):
        result = grade.Result(name)
        result.student_id, result.right = student_id, {"q1": True, "q2": name != "c.ipynb"}
        results.append(result)
    grade.write_grades(tmp_path / "grades.csv", results, {"q1": 2, "q2": 3})
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
        (["calibration", "{folder}", "--jobs", "0"], "argument --jobs: '0' is not a whole number"),
        (["calibration", "{folder}", "--jobs", "two"], "argument --jobs: 'two' is not a whole"),
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
    parsed = tasks.parse(["grade", "calibration", str(ROOT / "assignments")])
    assert parsed.timeout == tasks.GRADE_TIMEOUT and parsed.name == "calibration"
    assert (parsed.jobs, parsed.no_sandbox) == (1, False)


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
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from course import grade\n"
        "grade.quiet_import('noisy_module')\n"
        "os.write(2, b'after\\n')\n"
        "grade.quiet_import('broken_module')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "below python" not in result.stderr
    assert result.stderr.startswith("after\n")
    assert "ImportError: broken on purpose" in result.stderr


# ---- a submission read before any code runs, and the grades written ---------------------------


@pytest.mark.parametrize("kind", list(malformed_zips(notebook_bytes().encode())))
def test_a_malformed_zip_is_a_row_with_a_note_not_the_end_of_the_batch(tmp_path, kind):
    path = tmp_path / f"{kind}.zip"
    path.write_bytes(malformed_zips(notebook_bytes().encode())[kind])
    read = grade.read(path, "calibration")
    assert read.unreadable is not None and read.cells == []
    assert re.fullmatch(
        r"(its notebook cannot be read from the zip|not a zip file that can be read)"
        r" \([\w.]+\)",
        read.unreadable,
    ), read.unreadable


def test_a_file_name_that_is_not_utf8_is_read_and_printed_escaped(tmp_path):
    name = os.fsdecode(b"odd-\xff.ipynb")
    (tmp_path / name).write_text(notebook_bytes())
    read = grade.read(tmp_path / name, "calibration")
    assert read.unreadable is None and read.name == "odd-\\udcff.ipynb"


def test_grades_csv_runs_no_formula_and_holds_any_id_and_is_never_half_written(tmp_path):
    results = []
    for name, student_id in (("=a.ipynb", "=1+1"), ("b.ipynb", "@SUM(A1)"), ("c.ipynb", "\udc80")):
        result = grade.Result(name)
        result.student_id, result.right = student_id, {"q1": True}
        result.notes = ["-2 points" if name == "b.ipynb" else ""]
        results.append(result)
    grade.write_grades(tmp_path / "grades.csv", results, {"q1": 2})
    rows = pd.read_csv(tmp_path / "grades.csv", keep_default_na=False, dtype=str)
    assert rows["submission"].tolist() == ["'=a.ipynb", "b.ipynb", "c.ipynb"]
    assert rows["student_id"].tolist() == ["'=1+1", "'@SUM(A1)", "\\udc80"]
    assert rows["note"].tolist() == ["", "'-2 points", ""]
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]  # no file left half written


@pytest.mark.parametrize("name", NAMES)
def test_what_the_page_for_instructors_reads_of_a_key_is_what_the_key_holds(name):
    facts = build.key_facts(ASSIGNMENTS / "keys" / f"{name}.py")
    imported = key(name)
    assert facts == {"withheld": imported.WITHHELD, "variants": imported.key.variant is not None}


def test_a_build_that_changed_is_refused_and_the_message_says_how_to_make_it_again(tmp_path):
    built = tmp_path / "calibration"
    for part in ("student", "autograder"):
        (built / part).mkdir(parents=True)
        (built / part / "calibration.ipynb").write_text(part)
    (built / "autograder" / "answer_key.py").write_text("key = ...")
    with pytest.raises(build.BuildChanged, match=r"has no build\.json"):
        build.check_build(built)
    record = {"sources": build.source_digest("calibration"), "files": build.file_digests(built)}
    (built / build.RECORD).write_text(json.dumps(record))
    build.check_build(built)  # as made
    with (built / "autograder" / "answer_key.py").open("a") as file:
        file.write("\nimport os  # a backdoor\n")
    with pytest.raises(build.BuildChanged, match=r"1 files .* \(autograder/answer_key.py first\)"):
        build.check_build(built)
    record["files"] = build.file_digests(built)
    record["sources"] = "0" * 64  # made from other sources than the book's now
    (built / build.RECORD).write_text(json.dumps(record))
    with pytest.raises(
        build.BuildChanged, match=re.escape("`python3 tasks.py assignments calibration`")
    ):
        build.check_build(built)


def test_what_a_terminal_would_obey_is_printed_as_escapes():
    forged = "\x1b[2J\x1b]0;title\x07   1/9  victim.ipynb  0/11\x9b"
    assert grade.printable(forged) == ("\\x1b[2J\\x1b]0;title\\x07   1/9  victim.ipynb  0/11\\x9b")
    assert grade.printable("line\nbreak ☃ \udc80") == "line\nbreak ☃ \\udc80"


def test_only_otters_own_cells_are_skipped_not_a_cell_that_also_answers():
    assert grade.otters("grader.check_all()")
    assert grade.otters("# Save your notebook first\n\ngrader.export(pdf=False, run_tests=True)")
    assert not grade.otters("temperature = 1.5\ngrader.check_all()")
    assert not grade.otters("# grader.export()")
    assert not grade.otters("")


def test_ids_a_reader_takes_for_one_are_flagged_as_one(tmp_path):
    results = []
    for name, student_id in (("a.ipynb", "s4000001"), ("b.ipynb", "S4000001\u200b")):
        result = grade.Result(name)
        result.student_id, result.right = student_id, {"q1": True}
        results.append(result)
    grade.write_grades(tmp_path / "grades.csv", results, {"q1": 2})
    rows = pd.read_csv(tmp_path / "grades.csv", keep_default_na=False)
    assert rows["note"].tolist() == ["same student id as b.ipynb", "same student id as a.ipynb"]


def test_an_unusual_student_id_is_graded_with_a_note_to_check_it():
    for student_id, unusual in (("s1000001", False), ("a.b@uni.edu", False), ("s1\u200b", True)):
        result = grade.Result("a.ipynb")
        read = grade.read_id(grading.Student.local({"STUDENT_ID": student_id}), result)
        assert read == student_id
        assert (result.notes == ["an unusual student id: check it against the roster"]) is unusual


def test_a_zip_of_too_many_files_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("calibration.ipynb", notebook_bytes())
        for number in range(grade.MOST_ENTRIES):
            archive.writestr(f"junk/{number}", "")
    assert grade.read(path, "calibration").unreadable == "the zip holds over 10,000 files"
