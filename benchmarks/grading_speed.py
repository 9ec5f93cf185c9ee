"""How fast `python3 tasks.py grade` grades a class, one submission at a time and several at once.

    .venv/bin/python benchmarks/grading_speed.py [--assignment NAME] [--submissions N]
                                                 [--jobs 1 2]

Builds the assignment into a temporary folder (as `python3 tasks.py assignments NAME` does), writes
N submissions of its solutions, each with a student id of its own, and grades the folder once for
each number of jobs, each submission in its sandbox. For each it prints the wall time, the
submissions per minute, and the median seconds a submission took from its kernel's start to its
last question; then the ratio of the throughputs, measured in the same run. Every submission must
score full marks, or the figures mean nothing and the script stops.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402
from course import build, grade  # noqa: E402


def submissions(built: Path, folder: Path, count: int) -> None:
    """`count` copies of the solutions, each with a student id of its own."""
    solutions = nbformat.read(built / "autograder" / f"{built.name}.ipynb", as_version=4)
    for number in range(count):
        notebook = nbformat.from_dict(json.loads(json.dumps(solutions)))
        for cell in notebook.cells:
            if re.search(r"^STUDENT_ID\s*=", cell.source, re.MULTILINE):
                cell.source = f'STUDENT_ID = "s{2_000_000 + number}"'
        nbformat.write(notebook, folder / f"student-{number:04d}.ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="counterexample")
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "assignments"
        with redirect_stdout(StringIO()):
            (built,) = build.build_assignments(output, tasks.environment(), [args.assignment])
        folder = Path(scratch) / "submissions"
        folder.mkdir()
        submissions(built, folder, args.submissions)
        master = ROOT / "assignments" / f"{args.assignment}.ipynb"
        full = sum(q["points"] for q in build.master_questions(master))
        rows = []
        for jobs in args.jobs:
            start = time.perf_counter()
            with redirect_stdout(StringIO()):
                grade.grade_folder(built, folder, 300, jobs=jobs)
            wall = time.perf_counter() - start
            with (folder / "grades.csv").open(newline="") as file:
                graded = list(csv.DictReader(file))
            if {row["total"] for row in graded} != {str(full)}:
                sys.exit(f"not every submission scored {full}: {graded[:3]}")
            seconds = [float(row["seconds"]) for row in graded]
            rows.append((jobs, wall, 60 * len(graded) / wall, statistics.median(seconds)))
        print(f"{args.submissions} submissions of {args.assignment}, each in a sandbox")
        print(f"{'jobs':>5}{'wall s':>9}{'per minute':>12}{'median s each':>15}")
        for jobs, wall, per_minute, median in rows:
            print(f"{jobs:>5}{wall:>9.0f}{per_minute:>12.1f}{median:>15.2f}")
        if len(rows) > 1:
            print(f"throughput at {rows[-1][0]} jobs over 1: {rows[-1][2] / rows[0][2]:.2f}x")


if __name__ == "__main__":
    main()
