"""Grade a folder of submissions, each in a sandbox of its own, question by question.

`python3 tasks.py grade NAME FOLDER` calls `grade_folder` with the assignment as built in
_build/assignments/NAME, the build the students were handed. Before any student's code runs:

1. The build is checked, file by file, against the record `course.build` made of it, and against
   the book's sources (`course.build.check_build`); the grader refuses a build that changed.
2. The answer key (the build's answer_key.py), this package and the whole of the book's
   lossacc_utils, which the key imports, are loaded into this process.
3. Every .ipynb and .zip file of FOLDER is read, in the order of their names: from a zip, only the
   notebook named NAME.ipynb, or its only notebook, read at most 50 MB; anything else the
   submission carries, such as its own lossacc_utils or tests, is never used, and the note says
   it was there. A file that cannot be read (a zip that lies about its sizes, is encrypted, uses
   an unknown compression or a corrupt stream; a notebook that is not one) becomes its row.

Then each readable submission is graded in a kernel of its own, in a sandbox (`course.sandbox`)
whose working folder holds a copy of the students' folder of the build, as it was handed out:
their copy of lossacc_utils, and their notebook, whose public tests otter reads. The submission's
code cells are sent to the kernel one by one; otter's own cells that grade or export
(`grader.check_all()`, `grader.export(...)`) are skipped.

- Each question is graded once: where the notebook checks it (its `grader.check("q1")` cell), or
  once every cell has run if that cell is gone. The answer key grades it here, in this process: it
  reads the student's answers through `course.key.Student`, which evaluates each read or call in
  the kernel and brings back plain data. A question graded wrong at its check cannot score later.
- With variants, the student's numbers are those of the STUDENT_ID the kernel holds right after
  the cell that sets it; grades.csv records that id, and flags an id two submissions share.
- The submission has `seconds` of wall-clock time from its kernel's start, its cells and its
  grading included. At the deadline its sandbox is killed, with every process in it: the
  questions graded before keep their points, the others score 0, and the note says where it was.
- Whatever a submission does, it ends as a row of its own: a kernel that dies or breaks the
  protocol, a failure of the key, even an error of the grader's, is its note.

With `jobs` above 1, that many submissions are graded at once, each in its own sandbox.
FOLDER/grades.csv has one row per submission: its file, the student id, each question's score, the
total, the seconds it took and a note. It is written again, whole and at once (a new file moved
into place), after each submission, and no text in it starts as a spreadsheet formula.
"""

from __future__ import annotations

import concurrent.futures
import csv
import importlib
import importlib.util
import json
import os
import pkgutil
import re
import statistics
import sys
import tempfile
import threading
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import build
from . import key as keys
from .sandbox import Kernel, KernelDied, OutOfTime, available

__all__ = [
    "LARGEST",
    "Result",
    "Submission",
    "Unreadable",
    "grade_folder",
    "grade_submission",
    "read_submission",
    "regions",
    "spreadsheet_safe",
    "write_grades",
]

#: A cell that checks a question, as otter writes it into the students' notebook.
CHECK = re.compile(r"""\s*grader\.check\(\s*["'](\w+)["']\s*\)\s*""")
#: A line of otter's cells that grade all the questions or export the notebook: a cell of such
#: lines (and comments) alone is never run when grading.
OTTER_LINE = re.compile(r"""\s*(grader\.(check_all|export)\(.*\)\s*|#.*)?""")
#: The cell that sets the student's id.
ID_CELL = re.compile(r"^STUDENT_ID\s*=", re.MULTILINE)
#: What a submission may carry that grading never uses, by the note that says so.
CARRIED = {"lossacc_utils": "lossacc_utils", "tests": "tests", "answer_key.py": "answer key"}
#: The largest notebook read, in bytes.
LARGEST = 50_000_000
#: What a spreadsheet reads as the start of a formula.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: What a terminal obeys rather than shows: C0 and C1 control characters but the line break.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: A student id as rosters write them; another is graded, and its note says to check it.
PLAIN_ID = re.compile(r"[A-Za-z0-9._@+-]{1,64}")
#: The largest zip read, in bytes, and the most entries it may hold.
LARGEST_ZIP, MOST_ENTRIES = 200_000_000, 10_000


class Unreadable(Exception):
    """A submission with no notebook to grade; the message is its note."""


@dataclass
class Submission:
    """A submission read, before any of its code runs: its file's name as it can be printed,
    its cells as (type, source, metadata), what else it carries, or why it cannot be graded."""

    path: Path
    name: str
    cells: list = field(default_factory=list)
    carried: list = field(default_factory=list)
    unreadable: str | None = None


class Result:
    """One submission's grade: whether each question is right, the student id, notes, time."""

    def __init__(self, submission: str):
        self.submission, self.student_id, self.seconds = submission, "", 0.0
        self.right, self.notes = {}, []


def printable(text: str) -> str:
    """`text` with what cannot be written as UTF-8 (a file name's undecodable bytes, a lone
    surrogate) and what a terminal would obey (control characters, such as escape sequences
    that clear the screen) spelled out as escapes."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return CONTROL.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def otters(source: str) -> bool:
    """Whether a code cell is one of otter's own that grade all or export, and nothing else."""
    lines = source.splitlines()
    return any(line.strip() and not line.strip().startswith("#") for line in lines) and all(
        OTTER_LINE.fullmatch(line) for line in lines
    )


def kind(error: BaseException) -> str:
    """The kind of `error` as a note names it: `BadZipFile`, `zlib.error`."""
    kind = type(error)
    return kind.__name__ if kind.__module__ in ("builtins", "zipfile") else repr(kind)[8:-2]


def read(path: Path, name: str) -> Submission:
    """The submission at `path`, read; its `unreadable` says why it cannot be graded."""
    submission = Submission(path, printable(os.fsdecode(path.name)))
    try:
        submission.cells, submission.carried = read_submission(path, name)
    except Unreadable as error:
        submission.unreadable = str(error)
    except Exception as error:  # whatever else a malformed file makes a library raise
        submission.unreadable = f"not a file that can be read ({kind(error)})"
    return submission


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
        if path.stat().st_size > LARGEST_ZIP:
            raise Unreadable("the zip is over 200 MB")
        try:
            archive = zipfile.ZipFile(path)
        except Exception as error:  # not a zip, or one whose directory cannot be read
            raise Unreadable(f"not a zip file that can be read ({kind(error)})") from None
        with archive:
            if len(archive.infolist()) > MOST_ENTRIES:
                raise Unreadable(f"the zip holds over {MOST_ENTRIES:,} files")
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
                if entry_parts
                and entry_parts[-1].endswith(".ipynb")
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
            try:
                with archive.open(entry) as file:
                    text = file.read(LARGEST + 1)  # at most that, whatever its header says
            except Exception as error:  # encrypted, unknown compression, corrupt, lying sizes
                raise Unreadable(
                    f"its notebook cannot be read from the zip ({kind(error)})"
                ) from None
            if len(text) > LARGEST:
                raise Unreadable("its notebook is over 50 MB")
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
    text = printable(" ".join(str(text).split()))
    return text if len(text) <= length else text[: length - 1] + "…"


def grade_submission(
    submission: Submission,
    questions: list[str],
    handout: Path,
    key,
    seconds: float,
    sandboxed: bool = True,
) -> Result:
    """Grade `submission` (read, and readable) on `questions` with `key`, its kernel given the
    students' folder `handout`; see the module's docstring for how."""
    result = Result(submission.name)
    cells = submission.cells
    if submission.carried:
        result.notes.append(f"carried its own {', '.join(submission.carried)}: not used")
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
        kernel, place = None, "setup"
        student = keys.Student(lambda request: ask(kernel, request))
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
            deadline = time.monotonic() + seconds
            kernel = Kernel(handout, Path(tmp), deadline, sandboxed=sandboxed)
            for i, (kind, source, _) in enumerate(cells):
                if kind != "code" or otters(source) or CHECK.fullmatch(source):
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
                if question not in checks:  # its check cell is gone: graded at the end
                    result.right[question] = mark(question)
        except OutOfTime:
            result.notes.append(f"timed out {place}")
        except KernelDied:
            result.notes.append(f"its kernel died {place}")
        except Exception as error:  # the grader's own failure: this submission's note, no more
            result.notes.append(f"grading stopped {place}: {short(repr(error))}")
        finally:
            if kernel is not None:
                kernel.stop()
    if errors:  # the first error in full; later ones often follow from it
        (first, error), *later = errors.items()
        also = f"; errors also in {', '.join(region for region, _ in later)}" if later else ""
        result.notes.insert(0, f"error in {first} ({error}){also}")
    return result


def ask(kernel: Kernel, request: str) -> str:
    """`Student`'s way to the kernel: evaluate `request` there, get the answer's JSON."""
    answer = kernel.evaluate(keys.kernel_expression(request))
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
    result.student_id = printable(student_id.strip())[:200]
    if not PLAIN_ID.fullmatch(student_id.strip()):
        result.notes.append("an unusual student id: check it against the roster")
    return student_id


def same_id(student_id: str) -> str:
    """What two ids that a reader would take for one have in common: their NFKC form, case
    folded, without invisible characters (zero-width spaces and the like)."""
    import unicodedata

    normal = unicodedata.normalize("NFKC", student_id).casefold()
    return "".join(c for c in normal if unicodedata.category(c) not in ("Cf", "Cc", "Zs"))


def spreadsheet_safe(value) -> str:
    """`value` as text a spreadsheet shows as it is: one that would start a formula gets a
    leading apostrophe, and what cannot be written as UTF-8 is spelled out."""
    text = printable(str(value))
    return "'" + text if text.startswith(FORMULA) else text


def write_grades(path: Path, results: list[Result], points: dict) -> None:
    """grades.csv: one row per submission, with notes on the ids that submissions share. The
    file is written beside `path` and moved into place, so that it is never half written."""
    by_id = {}
    for result in results:
        if result.student_id:
            by_id.setdefault(same_id(result.student_id), []).append(result.submission)
    rows = [["submission", "student_id", *points, "total", "seconds", "note"]]
    for result in results:
        scores = [points[q] if result.right.get(q) else 0 for q in points]
        notes = list(result.notes)
        others = [s for s in by_id.get(same_id(result.student_id), []) if s != result.submission]
        if result.student_id and others:
            notes.append(f"same student id as {', '.join(others)}")
        rows.append(
            [
                spreadsheet_safe(result.submission),
                spreadsheet_safe(result.student_id),
                *scores,
                sum(scores),
                f"{result.seconds:.1f}",
                spreadsheet_safe("; ".join(notes)),
            ]
        )
    with tempfile.NamedTemporaryFile(
        "w", newline="", encoding="utf-8", dir=path.parent, prefix=".grades-", delete=False
    ) as file:
        csv.writer(file).writerows(rows)
    os.replace(file.name, path)


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


def load_key(built: Path):
    """The answer key of the build in `built`, checked, with all it may import loaded: the whole
    of lossacc_utils and TensorFlow, before any student's code runs."""
    build.check_build(built)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    quiet_import("tensorflow")
    import lossacc_utils

    for module in pkgutil.walk_packages(lossacc_utils.__path__, "lossacc_utils."):
        importlib.import_module(module.name)
    spec = importlib.util.spec_from_file_location(
        f"answer_key_{built.name}", built / "autograder" / "answer_key.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.key


def grade_folder(
    built: Path, folder: Path, seconds: float, jobs: int = 1, sandboxed: bool = True
) -> Path:
    """Grade every .ipynb and .zip file in `folder` with the assignment built in `built` (its
    student/ and autograder/ folders), `jobs` at a time; write and return `folder`/grades.csv.

    Unless `sandboxed` is False, each runs in a sandbox, and a machine that cannot make one
    raises RuntimeError (the reason in its message).
    """
    import nbformat

    if sandboxed and available():
        raise RuntimeError(f"no sandbox can be made: {available()}")
    for stream in (sys.stdout, sys.stderr):  # a terminal that is not UTF-8 shows escapes
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    name = built.name
    key = load_key(built)
    handed_out = nbformat.read(built / "student" / f"{name}.ipynb", as_version=4)
    points = {q: test["points"] for q, test in handed_out.metadata["otter"]["tests"].items()}
    paths = sorted(
        (path for path in folder.iterdir() if path.is_file() and path.suffix in (".ipynb", ".zip")),
        key=lambda path: os.fsencode(path.name),
    )
    submissions = [read(path, name) for path in paths]
    output = folder / "grades.csv"
    print(
        f"\n==> Grading {len(submissions)} submissions of {name}, {jobs} at a time, each within "
        f"{seconds:g} s, {'each in a sandbox' if sandboxed else 'WITHOUT a sandbox'} "
        f"(the build in {built})",
        flush=True,
    )
    results = {}
    width = max(len(submission.name) for submission in submissions)
    lock = threading.Lock()

    def grade_one(submission):
        start = time.monotonic()
        if submission.unreadable is not None:
            result = Result(submission.name)
            result.notes.append(submission.unreadable)
        else:
            try:
                result = grade_submission(
                    submission, list(points), built / "student", key, seconds, sandboxed
                )
            except Exception as error:  # never the end of the batch
                result = Result(submission.name)
                result.notes.append(f"grading stopped: {short(repr(error))}")
        result.seconds = time.monotonic() - start
        with lock:
            results[submission.path] = result
            try:
                write_grades(output, [results[p] for p in paths if p in results], points)
            except OSError as error:  # a full disk, say: the next submission writes it again
                print(f"grades.csv could not be written: {error}", file=sys.stderr, flush=True)
            score = sum(points[q] for q in points if result.right.get(q))
            print(
                f"{len(results):4d}/{len(submissions)}  {submission.name:<{width}}  "
                f"{score:g}/{sum(points.values()):g}  {result.seconds:6.1f} s  "
                + "; ".join(printable(note) for note in result.notes),
                flush=True,
            )

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(grade_one, submission) for submission in submissions]:
            future.result()
    wall = time.monotonic() - start
    times = [result.seconds for result in results.values()]
    print(
        f"\n{len(results)} submissions graded in {wall:.0f} s, {jobs} at a time (each "
        f"{statistics.median(times):.1f} s median, {min(times):.1f} to {max(times):.1f} s); the "
        f"grades are in {output}",
        flush=True,
    )
    return output
