"""Grade a folder of submissions, each in a fresh folder and kernel, question by question.

`python3 tasks.py grade NAME FOLDER` calls `grade_folder` with the assignment as built in
_build/assignments/NAME, the build the students were handed. For each .ipynb or .zip file of
FOLDER, in the order of their names:

1. Only the notebook is read (from a zip, the one named NAME.ipynb, or its only notebook);
   anything else the submission carries, such as its own lossacc_utils or tests, is never used,
   and the note says it was there.
2. A fresh temporary folder receives a copy of the students' folder of the build, as it was handed
   out: their copy of lossacc_utils, and their notebook, whose public tests otter reads. Nothing of
   the submission goes there; its cells are sent to the kernel one by one. The answer key and
   grading.py stay in the build's autograder folder, which only this process reads.
3. A new kernel runs the notebook's code cells there, one by one, with the book's Python but
   neither PYTHONPATH nor the editable install of lossacc_utils, so that the package it imports is
   that copy, and without the IPython extensions and start-up code of the environment or of the
   instructor. Otter's own cells that grade or export (`grader.check_all()`,
   `grader.export(...)`) are skipped.
4. Where the notebook checks a question (its `grader.check("q1")` cell), the answer key grades the
   question, here, in this process: it reads the student's answers through `grading.Student`,
   which evaluates each read or call in the kernel and brings back plain data. A question that is
   not right there (or whose check cell is gone) is graded again once every cell has run, and it
   scores its points if it is right either time: deleting a name later costs no earlier question.
   With variants, the student's numbers are those of the STUDENT_ID the kernel holds right after
   the cell that sets it; grades.csv records that id, and flags an id two submissions share.
5. The kernel has `seconds` in all (its start, its cells, and the key's reads in it; the key's
   own work is not counted). When they run out, or the kernel dies, the kernel is stopped: the
   questions graded before keep their points, the others score 0, and the note says where it was.

FOLDER/grades.csv has one row per submission: its file, the student id, each question's score, the
total, the seconds it took and a note. It is written again after each submission.
"""

from __future__ import annotations

import ast
import csv
import importlib
import json
import os
import queue
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path, PurePosixPath

#: A cell that checks a question, as otter writes it into the students' notebook.
CHECK = re.compile(r"""\s*grader\.check\(\s*["'](\w+)["']\s*\)\s*""")
#: Otter's cells that grade all the questions or export the notebook: never run when grading.
OTTER_CELLS = re.compile(r"""^\s*grader\.(check_all|export)\(""", re.MULTILINE)
#: The cell that sets the student's id.
ID_CELL = re.compile(r"^STUDENT_ID\s*=", re.MULTILINE)
#: What a submission may carry that grading never uses, by the note that says so.
CARRIED = {"lossacc_utils": "lossacc_utils", "tests": "tests", "answer_key.py": "answer key"}
#: The largest notebook read, in bytes.
LARGEST = 50_000_000
#: Run first in every kernel, silently: drop the finder of lossacc_utils' editable install, which
#: would otherwise supply, from the book's own folder, any module missing from the students' copy.
SETUP = (
    '__import__("sys").meta_path[:] = [f for f in __import__("sys").meta_path'
    ' if not getattr(f, "__module__", "").startswith("__editable__")]'
)


#: Kernel options that leave out the IPython extensions and start-up code that this environment's
#: configuration (or the instructor's) would load into every kernel.
CLEAN_START = [
    "--InteractiveShellApp.extensions=[]",
    "--InteractiveShellApp.exec_lines=[]",
    "--InteractiveShellApp.exec_files=[]",
]


class OutOfTime(Exception):
    """The submission's seconds ran out."""


class KernelDied(Exception):
    """The kernel stopped by itself (the student's code ended it, or it crashed)."""


class Unreadable(Exception):
    """A submission with no notebook to grade; the message is its note."""


class Kernel:
    """A Jupyter kernel started in `folder`, which may spend `seconds` in all."""

    def __init__(self, folder: Path, seconds: float, environment: dict):
        import subprocess

        from jupyter_client import KernelManager

        self.seconds_left = seconds
        self.manager = KernelManager(kernel_name="python3")
        self.client = None
        start = time.monotonic()
        try:
            self.manager.start_kernel(
                cwd=str(folder),
                env=environment,
                extra_arguments=CLEAN_START,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.client = self.manager.client()
            self.client.start_channels()
            try:
                self.client.wait_for_ready(timeout=max(seconds, 1))
            except RuntimeError:  # it did not answer in time, or died first
                raise OutOfTime from None
            finally:
                self.seconds_left -= time.monotonic() - start
            self.execute(SETUP, silent=True)
        except BaseException:
            self.stop()
            raise

    def execute(self, code: str, silent: bool = False, expression: str | None = None) -> dict:
        """Run `code`; return the content of the kernel's reply. With `silent`, the kernel keeps
        no history of it; `expression` is evaluated after it, and its value is in the reply."""
        start = time.monotonic()
        message = self.client.execute(
            code,
            silent=silent,
            store_history=not silent,
            allow_stdin=False,
            stop_on_error=False,
            user_expressions={"value": expression} if expression else None,
        )
        try:
            while True:
                self._drain()
                try:
                    reply = self.client.get_shell_msg(timeout=0.1)
                except queue.Empty:
                    if time.monotonic() - start > self.seconds_left:
                        raise OutOfTime from None
                    if not self.manager.is_alive():
                        raise KernelDied from None
                    continue
                if reply["parent_header"].get("msg_id") == message:
                    return reply["content"]
        finally:
            self.seconds_left -= time.monotonic() - start

    def _drain(self) -> None:
        """Discard what the kernel printed: only the replies matter."""
        while True:
            try:
                self.client.get_iopub_msg(timeout=0)
            except queue.Empty:
                return

    def evaluate(self, expression: str) -> str | None:
        """The string `expression` evaluates to in the kernel, or None if it is not one."""
        value = self.execute("", silent=True, expression=expression)
        value = value.get("user_expressions", {}).get("value", {})
        try:
            text = ast.literal_eval(value["data"]["text/plain"])
        except (KeyError, TypeError, ValueError, SyntaxError):
            return None
        return text if isinstance(text, str) else None

    def stop(self) -> None:
        """Stop the kernel at once, and its processes with it."""
        if self.client is not None:
            self.client.stop_channels()
        if self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)


def kernel_environment(ipython_dir: Path) -> dict:
    """The environment of a student's kernel: this one, without what would let it import the
    book's own lossacc_utils or run the instructor's start-up code."""
    dropped = ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "LOSSACC_RUN_CACHE", "MPLBACKEND")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("JPY_")
    }
    environment.update(
        IPYTHONDIR=str(ipython_dir),
        PYTHONNOUSERSITE="1",
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    return environment


class Result:
    """One submission's grade: whether each question is right, the student id, notes, time."""

    def __init__(self, submission: str):
        self.submission, self.student_id, self.seconds = submission, "", 0.0
        self.right, self.notes = {}, []


def read_submission(path: Path, name: str):
    """The cells of the submission's notebook at `path`, as (type, source, metadata), and what
    else the submission carries that grading ignores."""
    import nbformat

    carried = []
    if path.suffix == ".ipynb":
        if path.stat().st_size > LARGEST:
            raise Unreadable("its notebook is over 50 MB")
        text = path.read_bytes()
    else:
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise Unreadable("not a zip file") from None
        with archive:
            entries = [entry for entry in archive.infolist() if not entry.is_dir()]
            parts = [PurePosixPath(entry.filename).parts for entry in entries]
            carried = [
                note
                for part, note in CARRIED.items()
                if any(part in entry_parts for entry_parts in parts)
            ]
            notebooks = [
                (len(entry_parts), entry)
                for entry, entry_parts in zip(entries, parts, strict=True)
                if entry_parts[-1].endswith(".ipynb")
                and not any(p.startswith(".") or p == "__MACOSX" for p in entry_parts)
            ]
            named = [
                item for item in notebooks if item[1].filename.rsplit("/")[-1] == f"{name}.ipynb"
            ]
            if not notebooks:
                raise Unreadable("the zip holds no notebook")
            if len(named or notebooks) > 1 and not named:
                raise Unreadable(f"the zip holds several notebooks, none named {name}.ipynb")
            entry = min(named or notebooks, key=lambda item: item[0])[1]
            if entry.file_size > LARGEST:
                raise Unreadable("its notebook is over 50 MB")
            text = archive.read(entry)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text.decode("utf-8"), as_version=4)
        cells = [
            (cell.cell_type, str(cell.source), dict(cell.get("metadata") or {}))
            for cell in notebook.cells
        ]
    except Exception:
        raise Unreadable("not a notebook that can be read") from None
    return cells, carried


def regions(cells: list, checks: dict) -> list[str]:
    """Where each cell is, for the notes: "setup" before the first question's prompt (the first
    markdown cell otter made read-only), then the question whose check cell comes next, then
    "the end" after the last check cell."""
    first_prompt = next(
        (
            i
            for i, (kind, _, metadata) in enumerate(cells)
            if kind == "markdown" and metadata.get("editable") is False
        ),
        0,
    )
    order = sorted(checks.items(), key=lambda item: item[1])
    names = []
    for i in range(len(cells)):
        upcoming = [question for question, at in order if at >= i]
        names.append("setup" if i < first_prompt else upcoming[0] if upcoming else "the end")
    return names


def short(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def grade_submission(path, name, handed_out, student_folder, key, grading, seconds) -> Result:
    """Grade the submission at `path`; see the module's docstring for how."""
    result = Result(path.name)
    try:
        cells, carried = read_submission(path, name)
    except Unreadable as error:
        result.notes.append(str(error))
        return result
    if carried:
        result.notes.append(f"carried its own {', '.join(carried)}: not used")
    questions = list(handed_out.metadata["otter"]["tests"])
    checks = {}
    for i, (kind, source, _) in enumerate(cells):
        match = CHECK.fullmatch(source) if kind == "code" else None
        if match and match[1] in questions:
            checks.setdefault(match[1], i)
    where = regions(cells, checks)
    id_cell = next(
        (
            i
            for i, (kind, source, _) in enumerate(cells)
            if kind == "code" and ID_CELL.search(source)
        ),
        None,
    )
    if key.variant is not None and id_cell is None:
        result.notes.append("no cell sets STUDENT_ID")
    errors = {}
    with tempfile.TemporaryDirectory(prefix="lossacc-grade-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp) / "submission"
        shutil.copytree(student_folder, folder)  # the handed-out notebook, whose tests otter reads
        kernel, place = None, "setup"
        student = grading.Student(lambda request: ask(kernel, grading, request))
        student_id = None

        def mark(question):
            nonlocal place
            place = f"while grading {question}"
            try:
                key.grade(question, student, student_id)
                return True
            except (OutOfTime, KernelDied):
                raise
            except AssertionError:
                return False
            except Exception as error:  # the key itself failed: say so
                result.notes.append(f"the key could not grade {question}: {short(error)}")
                return False

        try:
            place = "starting its kernel"
            kernel = Kernel(folder, seconds, kernel_environment(Path(tmp) / "ipython"))
            for i, (kind, source, _) in enumerate(cells):
                if kind != "code" or OTTER_CELLS.search(source) or CHECK.fullmatch(source):
                    question = next((q for q, at in checks.items() if at == i), None)
                    if question is not None:
                        result.right[question] = mark(question)
                    continue
                place = f"in {where[i]}"
                reply = kernel.execute(source)
                if reply.get("status") == "error":
                    error = short(f"{reply.get('ename')}: {reply.get('evalue')}", 160)
                    errors.setdefault(where[i], error)
                if i == id_cell and key.variant is not None:
                    student_id = read_id(student, result)
            for question in questions:
                if not result.right.get(question):
                    result.right[question] = mark(question)
        except OutOfTime:
            result.notes.append(f"timed out {place}")
        except KernelDied:
            result.notes.append(f"its kernel died {place}")
        finally:
            if kernel is not None:
                kernel.stop()
    if errors:  # the first error in full; later ones often follow from it
        (first, error), *later = errors.items()
        also = f"; errors also in {', '.join(region for region, _ in later)}" if later else ""
        result.notes.insert(0, f"error in {first} ({error}){also}")
    return result


def ask(kernel: Kernel, grading, request: str) -> str:
    """`grading.Student`'s way to the kernel: evaluate `request` there, get the answer's JSON."""
    answer = kernel.evaluate(grading.kernel_expression(request))
    if answer is None:
        return json.dumps({"$": "raised", "error": "its answer could not be read"})
    return answer


def read_id(student, result: Result) -> str | None:
    """The STUDENT_ID the kernel holds, recorded in `result`; None if it is not a string."""
    try:
        student_id = student.value("STUDENT_ID")
    except AssertionError:
        student_id = None
    if not isinstance(student_id, str) or not student_id.strip():
        result.notes.append("STUDENT_ID is not set to a student id")
        return None
    result.student_id = student_id.strip()
    return student_id


def write_grades(path: Path, results: list[Result], points: dict) -> None:
    """grades.csv: one row per submission, with notes on the ids that submissions share."""
    by_id = {}
    for result in results:
        if result.student_id:
            by_id.setdefault(result.student_id.casefold(), []).append(result.submission)
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["submission", "student_id", *points, "total", "seconds", "note"])
        for result in results:
            scores = [points[q] if result.right.get(q) else 0 for q in points]
            notes = list(result.notes)
            others = [
                s for s in by_id.get(result.student_id.casefold(), []) if s != result.submission
            ]
            if result.student_id and others:
                notes.append(f"same student id as {', '.join(others)}")
            writer.writerow(
                [
                    result.submission,
                    result.student_id,
                    *scores,
                    sum(scores),
                    f"{result.seconds:.1f}",
                    "; ".join(notes),
                ]
            )


def quiet_import(module: str) -> None:
    """Import `module` with this process's standard error (file descriptor 2) sent to /dev/null.

    TensorFlow writes its start-up lines (no GPU here; absl's logging not yet set up) from C++,
    below Python's sys.stderr, where TF_CPP_MIN_LOG_LEVEL does not reach them; the instructor's
    terminal shows the progress of the grading only. An import that fails still raises, and its
    traceback is shown once the descriptor is back.
    """
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            importlib.import_module(module)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def grade_folder(built: Path, folder: Path, seconds: float) -> Path:
    """Grade every .ipynb and .zip file in `folder` with the assignment built in `built` (its
    student/ and autograder/ folders); write and return `folder`/grades.csv.

    Call it once per process: it imports the build's answer key, grading.py and lossacc_utils.
    """
    import nbformat

    name = built.name
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    quiet_import("tensorflow")  # the keys that ask Keras import it later
    sys.path.insert(0, str(built / "autograder"))
    grading = importlib.import_module("grading")
    key = importlib.import_module("answer_key").key
    handed_out = nbformat.read(built / "student" / f"{name}.ipynb", as_version=4)
    points = {q: test["points"] for q, test in handed_out.metadata["otter"]["tests"].items()}
    submissions = sorted(
        path for path in folder.iterdir() if path.is_file() and path.suffix in (".ipynb", ".zip")
    )
    output = folder / "grades.csv"
    print(
        f"\n==> Grading {len(submissions)} submissions of {name}, each within {seconds:g} s "
        f"(the build in {built})",
        flush=True,
    )
    results, width = [], max(len(path.name) for path in submissions)
    for number, path in enumerate(submissions, start=1):
        start = time.monotonic()
        result = grade_submission(path, name, handed_out, built / "student", key, grading, seconds)
        result.seconds = time.monotonic() - start
        results.append(result)
        write_grades(output, results, points)
        score = sum(points[q] for q in points if result.right.get(q))
        print(
            f"{number:4d}/{len(submissions)}  {path.name:<{width}}  "
            f"{score:g}/{sum(points.values()):g}  {result.seconds:6.1f} s  "
            + "; ".join(result.notes),
            flush=True,
        )
    times = [result.seconds for result in results]
    median = statistics.median(times)
    print(
        f"\n{len(results)} submissions graded in {sum(times):.0f} s (each {median:.1f} s median, "
        f"{min(times):.1f} to {max(times):.1f} s); the grades are in {output}",
        flush=True,
    )
    return output
