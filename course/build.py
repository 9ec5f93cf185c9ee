"""Making the assignments: from each master notebook and its answer key, the students' folder and
the autograder, and a record that lets the grader check it grades with what was made.

`build_assignments` runs otter assign on the masters in assignments/. Each master is copied into a
staging folder with what it needs: the grading requirements; its answer key, keys/<name>.py, as
answer_key.py, with course/key.py, which the autograder alone gets; and lossacc_utils, in which the
functions the key names in `WITHHELD` are replaced by ones that say the question asks for them, so
that neither the students nor a submission can call the reference answer. answer_key.json records
the digest of that copy. Otter executes the solutions and runs every test on them, public and
hidden, before it writes OUTPUT/<name>/student and OUTPUT/<name>/autograder; the students' folder
gets a requirements file, and OUTPUT/<name>-student.zip is that folder ready to hand out. Last,
OUTPUT/<name>/build.json records the digest of every file made and of the sources they were made
from, which `check_build` compares before a grading.
"""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from . import key as key_module

__all__ = [
    "ROOT",
    "BuildChanged",
    "build_assignments",
    "check_build",
    "key_facts",
    "master_questions",
    "source_digest",
    "student_requirements",
    "withheld",
    "withhold",
]

#: The book's folder, which holds assignments/ (the masters and their keys) and lossacc_utils.
ROOT = Path(__file__).resolve().parents[1]
#: What a build records of itself, in OUTPUT/<name>.
RECORD = "build.json"


class BuildChanged(Exception):
    """The build to grade with is not the one made from the book's sources; the message says
    what differs and what to do."""


def build_assignments(output: Path, environment: dict, names: list[str] | None = None) -> list:
    """Run otter assign on the master notebooks in assignments/; return the output folders.

    `names` picks masters by name; by default, every one, and OUTPUT is emptied first. Otter and
    the kernels it starts run in `environment`. See the module's docstring for what is made.
    """
    masters = sorted((ROOT / "assignments").glob("*.ipynb"))
    if not masters:  # the book's download leaves them out
        sys.exit("There are no master notebooks in assignments/ to make the assignments from.")
    if names is None and output.exists():
        shutil.rmtree(output)
    masters = [master for master in masters if names is None or master.stem in names]
    # otter's kernels import the staged lossacc_utils; PYTHONPATH could put another one before it
    environment = {name: value for name, value in environment.items() if name != "PYTHONPATH"}
    otter = Path(sys.executable).parent / "otter"
    folders = []
    for master in masters:
        name, stage = master.stem, output / ".stage" / master.stem
        for stale in (output / name, stage):
            if stale.exists():
                shutil.rmtree(stale)
        answer_key = ROOT / "assignments" / "keys" / f"{name}.py"
        shutil.copytree(
            ROOT / "lossacc_utils",
            stage / "lossacc_utils",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        withhold(stage / "lossacc_utils", withheld(answer_key))
        shutil.copy(answer_key, stage / "answer_key.py")
        (stage / "course").mkdir()
        for part in ("__init__.py", "key.py"):  # what the key imports, and nothing more
            shutil.copy(Path(__file__).with_name(part), stage / "course" / part)
        digest = key_module.package_digest(stage / "lossacc_utils")
        (stage / key_module.RECORD).write_text(json.dumps({"assignment": name, "package": digest}))
        shutil.copy(ROOT / "assignments" / "requirements.txt", stage)
        shutil.copy(master, stage)
        print(f"\n==> Assigning {master.relative_to(ROOT)} (the solutions run against every test)")
        result = subprocess.run(
            [otter, "assign", master.name, output / name], cwd=stage, env=environment, check=False
        )
        if result.returncode != 0:
            sys.exit(f"otter assign failed on {master.relative_to(ROOT)}")
        (output / name / "student" / "requirements.txt").write_text(student_requirements())
        shutil.make_archive(str(output / f"{name}-student"), "zip", output / name / "student")
        record = {"sources": source_digest(name), "files": file_digests(output / name)}
        (output / name / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True))
        folders.append(output / name)
    shutil.rmtree(output / ".stage")
    return folders


def source_digest(name: str) -> str:
    """The digest of what assignment `name` is made from: its master, its key, the grading
    requirements, course/ and the book's lossacc_utils (which the grader's key imports)."""
    from lossacc_utils.fingerprint import source_digest as digest

    return digest(
        ROOT / "lossacc_utils",
        ROOT / "assignments" / f"{name}.ipynb",
        ROOT / "assignments" / "keys" / f"{name}.py",
        ROOT / "assignments" / "requirements.txt",
        digest(Path(__file__).parent),
    )


def file_digests(folder: Path) -> dict[str, str]:
    """Every file under `folder`'s student/ and autograder/ folders: its path -> its digest."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for part in ("student", "autograder")
        for path in sorted((folder / part).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def check_build(built: Path) -> None:
    """Raise BuildChanged unless the assignment in `built` is, file for file, what
    `build_assignments` made, from the sources the book has now."""
    name = built.name
    again = f"make it again with `python3 tasks.py assignments {name}`"
    record_path = built / RECORD
    if not record_path.is_file():
        raise BuildChanged(f"{built} has no {RECORD}, so it cannot be checked: {again}")
    record = json.loads(record_path.read_text())
    files = file_digests(built)
    changed = sorted(set(files) ^ set(record["files"])) + sorted(
        path for path in files if path in record["files"] and files[path] != record["files"][path]
    )
    if changed:
        raise BuildChanged(
            f"{len(changed)} files of {built} changed since it was made ({changed[0]} first): "
            f"{again}"
        )
    if record["sources"] != source_digest(name):
        raise BuildChanged(
            f"the master, the key, course/ or lossacc_utils changed since {built} was made, so the "
            f"key would grade against other numbers than the students were handed: {again} and "
            "hand out the new students' folder, or grade with the sources it was made from"
        )


def withheld(answer_key: Path) -> dict[str, tuple[str, ...]]:
    """The answer key's `WITHHELD`: question -> the functions ("module.function") of lossacc_utils
    that compute its answer. Read from the key's source, without importing it."""
    return key_facts(answer_key)["withheld"]


def key_facts(answer_key: Path) -> dict:
    """What the page for instructors tells of a key, read from its source without importing it:
    its `withheld` functions by question, and whether each student has numbers of their own
    (`variants`: its `Key(...)` is given a variant)."""
    facts = {"withheld": {}, "variants": False}
    tree = ast.parse(answer_key.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["WITHHELD"]:
            facts["withheld"] = ast.literal_eval(node.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Key":
            facts["variants"] = len(node.args) > 1 or any(
                keyword.arg == "variant" for keyword in node.keywords
            )
    return facts


def withhold(package: Path, functions: dict[str, tuple[str, ...]]) -> None:
    """Replace, in the copy of lossacc_utils at `package`, each function named in `functions`
    (question -> "module.function" names) by one of the same name that raises, naming the
    question; every other line of the module stays as it is."""
    for question, names in functions.items():
        for dotted in names:
            module, name = dotted.split(".")
            path = package / f"{module}.py"
            source = path.read_text()
            (node,) = [
                node
                for node in ast.parse(source).body
                if isinstance(node, ast.FunctionDef) and node.name == name
            ]
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            message = (
                f"{dotted} is left out of this assignment's lossacc_utils: question {question} "
                "asks for it"
            )
            stub = f'def {name}(*args, **kwargs):\n    raise NotImplementedError("{message}")\n'
            lines = source.splitlines(keepends=True)
            lines[first : node.end_lineno] = [stub]
            path.write_text("".join(lines))
            compile(path.read_text(), str(path), "exec")  # still a module


def student_requirements() -> str:
    """The students' requirements.txt: what the assignments import (the grading requirements,
    with TensorFlow's full build, which has wheels for every platform, for the grading machine's
    CPU build), otter-grader and JupyterLab, each at the book's pin, under the Pythons the book
    supports."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            pins[line.split("==")[0]] = line
    grading = (ROOT / "assignments" / "requirements.txt").read_text().splitlines()
    names = [line.split("==")[0] for line in grading if "==" in line and not line.startswith("#")]
    names = [name.removesuffix("-cpu") for name in names] + ["otter-grader", "jupyterlab"]
    with open(ROOT / "pyproject.toml", "rb") as file:  # the Pythons the book supports
        python = tomllib.load(file)["project"]["requires-python"]
    return (
        "# What this assignment needs, at the versions of the book it goes with. In an\n"
        f"# environment of your own (Python {python}): pip install -r requirements.txt,\n"
        "# then jupyter lab.\n" + "".join(f"{pins[name]}\n" for name in names)
    )


def master_questions(master: Path) -> list[dict]:
    """The questions of an otter master notebook, in order: each question's settings (its `name`
    and `points`, as written under `# BEGIN QUESTION`) and how many `public` and `hidden` tests it
    has. The instructors' page and the assignment tests both read the masters through this."""
    import nbformat
    import yaml

    questions, in_tests = [], False
    for cell in nbformat.read(master, as_version=4).cells:
        if cell.source.startswith("# BEGIN QUESTION"):
            settings = yaml.safe_load(cell.source.split("\n", 1)[1])
            questions.append({**settings, "public": 0, "hidden": 0})
        elif cell.source.startswith(("# BEGIN TESTS", "# END TESTS")):
            in_tests = cell.source.startswith("# BEGIN TESTS")
        elif in_tests and cell.cell_type == "code":
            questions[-1]["hidden" if cell.source.startswith("# HIDDEN") else "public"] += 1
    return questions
