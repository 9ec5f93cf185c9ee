#!/usr/bin/env python3
"""Set up, build and test the book with nothing but python3.

    python3 tasks.py book            install into .venv, execute every notebook, build the site
    python3 tasks.py book --student  the same, with the exercise solutions left out
    python3 tasks.py assignments     students' notebooks and autograders from assignments/
    python3 tasks.py grade NAME FOLDER  grade every submission in FOLDER: FOLDER/grades.csv
    python3 tasks.py instructors     the download with the assignments and keys, for instructors
    python3 tasks.py test            install the test tools too, then lint and run every test
    python3 tasks.py test --fast     the same without the book builds, the browser tests, the
                                     assignments, the tests that start processes of their own
                                     and those that train for seconds: a developer's loop of
                                     a minute and a half
    python3 tasks.py lab [FOLDER]    open the notebooks (or an assignment's FOLDER) in JupyterLab
    python3 tasks.py execute NB...   run every cell of the notebooks NB and save their outputs
    python3 tasks.py strip           remove outputs from the notebooks before committing them
    python3 tasks.py clean           delete the build, the execution cache and written downloads
    python3 tasks.py lock            re-pin constraints.txt after editing requirements*.txt

Each command creates the virtual environment .venv on first use and reinstalls only when a
requirements file changes; then it runs again with .venv's Python, so that the code below can use
the installed packages. Extra arguments after `test` go to pytest (e.g. `-k metrics`).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
PIP_INSTALL = [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
BUILD = ROOT / "_build"


def supported_pythons(pyproject: Path = ROOT / "pyproject.toml") -> tuple[tuple, tuple]:
    """The oldest and the newest Python the book supports, such as ((3, 11, 5), (3, 13)), read
    from pyproject.toml's `requires-python` (">=3.11.5,<3.14"). Read with a pattern, not tomllib,
    so that an older Python can still say it is too old."""
    text = pyproject.read_text(encoding="utf-8")
    found = re.search(r'^requires-python = ">=([\d.]+),<(\d+)\.(\d+)"$', text, re.MULTILINE)
    if not found:
        sys.exit(f'{pyproject} must give requires-python as ">=3.X.Y,<3.Z"')
    low = tuple(int(part) for part in found[1].split("."))
    return low, (int(found[2]), int(found[3]) - 1)


SUPPORTED = supported_pythons()
# In the notebooks executed by the book build, these warnings are errors: a cell that warns fails.
NOTEBOOK_WARNINGS = "error::UserWarning,error::RuntimeWarning,error::FutureWarning"
# What `test --fast` leaves out: the book builds and the browser tests (marked `book`); the
# assignments built and graded, and the grader's sandbox tried (marked `assignments`); the tests
# that start Python processes of their own, seconds each (marked `processes`); and those that
# train Keras models for seconds (marked `trains`).
SLOW_TESTS = "book or assignments or processes or trains"
# The seconds `grade` gives each submission unless told otherwise: the over-training assignment, the
# slowest, takes under a minute.
GRADE_TIMEOUT = 300.0


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def environment(cache: Path | None = None, runs: Path | None = None) -> dict:
    """The environment commands run in: .venv first on PATH, TensorFlow's C++ logs quiet.

    MPLBACKEND is removed: the notebooks' kernels must use their inline backend, or every
    `plt.show()` would silently produce no figure. When building the book into the execution
    `cache`, warnings raised by the notebooks' code are errors, and the over-training runs are
    kept in the cache's `runs` folder, so that no model is trained twice in one build. `runs`
    alone keeps the runs there without the build's strictness (JupyterLab).
    """
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    if cache is not None:
        env["PYTHONWARNINGS"] = NOTEBOOK_WARNINGS
        runs = cache / "runs"
    if runs is not None:
        env["LOSSACC_RUN_CACHE"] = str(runs)
    return env


def run(*command, cache: Path | None = None, runs: Path | None = None, **options) -> None:
    """Run a command from the book's folder; stop with its exit code if it fails."""
    env = environment(cache, runs)
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env=env, check=False, **options)
    if result.returncode != 0:
        sys.exit(result.returncode)


def version(numbers: tuple) -> str:
    return ".".join(map(str, numbers))


def ensure_venv(requirements: str | None) -> None:
    """Create .venv if needed and install `requirements` unless it is already installed.

    With `requirements` None, only create .venv.
    """
    low, high = SUPPORTED
    if not (low <= sys.version_info[:3] and sys.version_info[:2] <= high):
        sys.exit(
            f"Python {version(low)} to {version(high)} is needed (the pinned packages support "
            f"those); this is {sys.version.split()[0]}."
        )
    if not PYTHON.exists():
        say("Creating the virtual environment .venv")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit(
                "Could not create .venv. On Debian or Ubuntu, install the venv module first: "
                "sudo apt install python3-venv"
            )
    if requirements is None:
        return
    write_kernel_config()
    assets = offline_assets()
    if not assets.is_installed(VENV / "web-assets"):
        say("Fetching the widget manager and require.js, so that pages work offline")
        assets.install(VENV / "web-assets")
    files = [requirements, "requirements.txt", "constraints.txt", "pyproject.toml"]
    digest = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"Installing {requirements} into .venv (the first time takes a few minutes)")
    run(*PIP_INSTALL, "--upgrade", "pip")
    run(*PIP_INSTALL, "-r", requirements)
    stamp.write_text(digest)


KERNEL_CONFIG = """\
# Written by tasks.py: the settings of the notebooks' kernels in this environment.
# TensorFlow's C++ start-up messages (absl, oneDNN, "Could not find cuda drivers") are written
# below Python, where no setting silences them. Left uncaptured, they go to the terminal that
# runs JupyterLab instead of the first cell of every notebook. Python's own warnings and errors
# still show in the notebook.
c.IPKernelApp.capture_fd_output = False
# A cell whose outputs start hidden (an exercise's solution) keeps them folded when it runs.
c.InteractiveShellApp.extensions = ["lossacc_utils.folding"]
"""


def write_kernel_config() -> None:
    """Write the kernel settings of .venv (IPython reads them from .venv/etc/ipython)."""
    config = VENV / "etc" / "ipython" / "ipython_kernel_config.py"
    if not config.exists() or config.read_text() != KERNEL_CONFIG:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(KERNEL_CONFIG)


def in_venv() -> bool:
    """Whether this is .venv's Python, the one with the book's packages."""
    return Path(sys.prefix).resolve() == VENV.resolve()


def run_again_in_venv(argv: list[str]) -> None:
    """Replace this process by the same command run with .venv's Python."""
    command = [str(PYTHON), str(Path(__file__).resolve()), *argv]
    sys.stdout.flush()  # exec drops what is still buffered
    sys.stderr.flush()
    if os.name == "nt":  # Windows has no exec: its execv starts a new process and returns at once
        sys.exit(subprocess.run(command, check=False).returncode)
    os.execv(PYTHON, command)


def load_module(path: Path):
    """Import the Python file `path` on its own, without its package (nor TensorFlow)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def offline_assets():
    """The book's extension _ext/offline_assets.py, which also installs the assets it serves."""
    return load_module(ROOT / "_ext" / "offline_assets.py")


def package_digest(root: Path = ROOT) -> str:
    """The digest of what the notebooks' outputs depend on besides the notebooks themselves: the
    source of lossacc_utils and the pins."""
    fingerprint = load_module(root / "lossacc_utils" / "fingerprint.py")
    return fingerprint.source_digest(root / "lossacc_utils", root / "constraints.txt")


def execution_cache(root: Path = ROOT) -> Path:
    """The cache of the book's build for the package as it is now: _build/cache/<digest>.

    It keeps the over-training runs (its `runs` folder), so that no model is trained twice for one
    version of the package, not even by the students' edition built after the full one.
    """
    return root / "_build" / "cache" / package_digest(root)


def build_command(output: Path, config: Path, source: Path = ROOT) -> list:
    """The command that builds the book in `source` into OUTPUT/_build/html, warnings as errors."""
    return [
        BIN / "jupyter-book",
        "build",
        source,
        "--path-output",
        output,
        "--config",
        config,
        "--toc",
        source / "_toc.yml",
        "--warningiserror",
        "--nitpick",
        "--keep-going",
    ]


def write_config(folder: Path, student: bool = False) -> Path:
    """Copy _config.yml into `folder`; return the copy.

    A student config leaves the exercise solutions out. The package's digest goes in too, so that
    a change to the package runs every notebook again. Paths in a config file are relative to its
    folder, so the copy names the book's extensions and bibliography by their full paths.
    """
    import yaml  # PyYAML comes with Jupyter Book: this runs in .venv

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["bibtex_bibfiles"] = [str(ROOT / bib) for bib in config["bibtex_bibfiles"]]
    sphinx = config["sphinx"]
    sphinx["config"]["student_mode"] = student
    sphinx["config"]["package_digest"] = package_digest()
    sphinx["local_extensions"] = {
        name: str(ROOT / path) for name, path in sphinx["local_extensions"].items()
    }
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "_config.yml"
    copy.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return copy


def share_reading(full: Path, student: Path) -> None:
    """Start the students' edition in `student` (an OUTPUT/_build folder) from what the full
    edition in `full` read: its doctrees, where Sphinx keeps each page as read, and the files of
    its notebooks' outputs (figures). A page is written differently in student mode but read the
    same (see _ext/student_mode.py), so Sphinx then reads again only the pages that changed since,
    and runs their notebooks; with no full edition built, it reads them all."""
    for folder in (".doctrees", "jupyter_execute"):  # the pages as read; the outputs' files
        shutil.rmtree(student / folder, ignore_errors=True)
        if (full / folder).is_dir():
            shutil.copytree(full / folder, student / folder)


def book(student: bool = False) -> None:
    cache = execution_cache()
    for stale in cache.parent.glob("*"):  # caches of earlier versions of the package
        if stale != cache:
            shutil.rmtree(stale)
    # Jupyter Book writes to OUTPUT/_build/html. The students' edition is a separate site, which
    # starts from what the full edition read: its notebooks run again only where that is stale.
    output = BUILD / "student" if student else ROOT
    if student:
        share_reading(BUILD, output / "_build")
    config = write_config(output / "_build" / "config", student=student)
    say("Building the book (notebooks run when they or lossacc_utils changed; warnings are errors)")
    run(*build_command(output, config), cache=cache)
    index = output / "_build" / "html" / "index.html"
    print(
        f"\nThe book is built. Open {index.relative_to(ROOT)} in a browser:\n    {index.as_uri()}"
    )


def assignments() -> None:
    from course.build import build_assignments

    folders = build_assignments(BUILD / "assignments", environment())
    print(f"\n{len(folders)} assignments in {(BUILD / 'assignments').relative_to(ROOT)}:")
    for folder in folders:
        print(f"    {folder.name}/student, {folder.name}/autograder, {folder.name}-student.zip")


def instructors() -> None:
    """Write the instructors' edition of the book's download: the book with its assignments'
    masters, their answer keys and the page for instructors, which the site never carries."""
    download = load_module(ROOT / "_ext" / "book_download.py")
    target = BUILD / "instructors" / f"{download.NAME}-instructors.zip"
    download.write_zip(target, instructors=True)
    print(
        f"\nThe instructors' edition is {target.relative_to(ROOT)}: hand it to instructors alone "
        "(a private course space, not the book's site); it holds every answer key."
    )


def grade(name: str, folder: Path, timeout: float, jobs: int, no_sandbox: bool) -> None:
    """Grade every submission (.ipynb or .zip) in `folder` with assignment `name`'s autograder,
    `jobs` at a time, each in a sandbox of its own within `timeout` seconds; write
    `folder`/grades.csv.

    The assignment is graded as built in _build/assignments/<name>, which is what its students
    were handed; it is built first if it is not there. `course.grade` does the work.
    """
    from course import build, sandbox
    from course.grade import grade_folder

    if not no_sandbox and sandbox.available():
        sys.exit(
            f"No sandbox can be made on this machine: {sandbox.available()}. Without one, each "
            "submission's code runs as you, and can read the answer key, change other grades and "
            "files of yours, and reach the network; grade with --no-sandbox only submissions you "
            "trust, or in a container of their own (see the page for instructors)."
        )
    built = BUILD / "assignments" / name
    if not (built / build.RECORD).is_file():
        say(f"Building assignment {name} first: _build/assignments/{name} was not made")
        build.build_assignments(BUILD / "assignments", environment(), [name])
    try:
        grade_folder(built, folder, timeout, jobs=jobs, sandboxed=not no_sandbox)
    except build.BuildChanged as error:
        sys.exit(f"Not graded: {error}.")


def test(pytest_args: list[str], fast: bool = False) -> None:
    say("Checking style with ruff")
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    say("Running the tests" + (f" (fast: not {SLOW_TESTS})" if fast else ""))
    # in two processes, each test file in one: the tests spend much of their time in a single
    # process (a Sphinx build, a grader, a browser); the book is built once (tests/conftest.py).
    # The files are handed out in the order tests/conftest.py gives them, the book's build first,
    # not (pytest-xdist's default) the files with the most tests first.
    parallel = ["-n", "2", "--dist", "loadfile", "--no-loadscope-reorder"]
    selected = ["-m", f"not ({SLOW_TESTS})"] if fast else []
    run(PYTHON, "-m", "pytest", *parallel, *selected, *pytest_args)


def lab(folder: Path) -> None:
    """JupyterLab on `folder`. Its kernels keep the over-training runs where the book's build
    keeps them, so that a run trained by one chapter (or by the build) is not trained again by
    the next: the intro, over-training and calibration chapters share three of them."""
    match_language_info(folder)
    run(BIN / "jupyter", "lab", folder, runs=execution_cache() / "runs")


def match_language_info(folder: Path) -> None:
    """Write into every notebook in `folder` the language_info its kernel will report.

    JupyterLab writes the kernel's language_info (with this Python's version) into a notebook as
    soon as its kernel starts, which marks the notebook modified before anything has run, so that
    closing it asks to save. Written beforehand, it changes nothing. `strip` takes it out again.
    """
    from ipykernel.ipkernel import IPythonKernel

    for path in sorted(folder.glob("*.ipynb")):
        set_language_info(path, IPythonKernel.language_info)


def set_language_info(path: Path, language_info: dict) -> None:
    """Set the notebook's language_info, leaving the rest of the file as it was."""
    notebook = json.loads(path.read_text())
    if notebook["metadata"].get("language_info") != language_info:
        notebook["metadata"]["language_info"] = language_info
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def execute(notebooks: list[Path]) -> None:
    """Run every cell of each notebook, top to bottom, and save it with its outputs.

    The notebook runs from its own folder, as in JupyterLab; a cell that raises stops the command.
    Before committing a notebook of the book, `strip` removes the outputs again.
    """
    run(BIN / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace", *notebooks)


def strip(notebooks: list[Path] | None = None) -> None:
    """Remove outputs and execution counts from every notebook in chapters/ and assignments/.

    nbstripout does it, with its default list of metadata to drop (such as `scrolled`), but keeps
    the cells' ids (they are the notebooks' own, not renumbered) and `collapsed`, which JupyterLab
    would otherwise add back to every cell whose outputs start hidden. The language_info that
    `lab` writes goes back to {"name": "python"}, the same on every machine.
    """
    if notebooks is None:
        notebooks = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("assignments/*.ipynb")])
    if not notebooks:  # nbstripout without a file would read one from stdin
        return
    before = {path: path.read_bytes() for path in notebooks}
    keep = ["--keep-metadata-keys", "cell.metadata.collapsed"]
    run(BIN / "nbstripout", "--keep-id", *keep, *notebooks)
    for path in notebooks:
        if "language_info" in json.loads(path.read_text())["metadata"]:
            set_language_info(path, PLAIN_LANGUAGE)
    for path in notebooks:
        if path.read_bytes() != before[path]:
            print(f"stripped {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


PLAIN_LANGUAGE = {"name": "python"}  # a committed notebook's language_info


def clean() -> None:
    for path in (BUILD, ROOT / "chapters" / "downloads"):
        if path.exists():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}")


LOCK_HEADER = f"""\
# Every package the book installs, pinned, so that a fresh install next year builds the same book.
# requirements.txt lists what the book uses directly; this file pins everything they pull in, for
# Linux, macOS and Windows, and Python {version(SUPPORTED[0])} and later.
# A marker after `;` limits a package to the platforms that need it; setuptools is left to pip.
# Made by `python3 tasks.py lock` (uv pip compile --universal): run it after changing
# requirements*.txt. It keeps every pin here that the requirements still allow.
"""


def lock() -> None:
    """Re-pin constraints.txt with uv, for every platform at once.

    uv prefers the versions its output file already pins, so a pin changes only when a changed
    requirement needs it to. The requirements are given to uv without their `-c constraints.txt`
    line: the old pins are preferences, not constraints that would refuse the changed requirement.
    """
    ensure_venv(None)
    # uv alone, not the requirements: they may disagree with the pins until this has run
    run(*PIP_INSTALL, "-c", "constraints.txt", "uv")
    requirements = [
        line
        for name in ("requirements.txt", "requirements-test.txt")
        for line in (ROOT / name).read_text().splitlines()
        if not line.startswith(("-c", "-r"))
    ]
    say("Resolving the requirements for every platform with uv")
    command = [BIN / "uv", "pip", "compile", "-", "--output-file", "constraints.txt", "--universal"]
    command += ["--python-version", version(SUPPORTED[0]), "--no-header", "--quiet"]
    # Left out: the book's own package, installed editable, and setuptools, which was never pinned
    # (pip freeze leaves it out): a pin would change the setuptools of every existing .venv.
    command += ["--no-emit-package", "lossacc-utils", "--no-emit-package", "setuptools"]
    run(*command, input="\n".join(requirements), text=True)
    constraints = ROOT / "constraints.txt"
    constraints.write_text(LOCK_HEADER + constraints.read_text())
    pins = [line for line in constraints.read_text().splitlines() if "==" in line]
    print(f"constraints.txt pins {len(pins)} packages")


def existing_folder(name: str) -> Path:
    """An argument that must name a folder (for `lab`)."""
    if not Path(name).is_dir():
        raise argparse.ArgumentTypeError(f"{name} is not a folder")
    return Path(name).resolve()


def assignment_name(name: str) -> str:
    """An argument that must name an assignment, one of the masters in assignments/ (`grade`)."""
    names = sorted(path.stem for path in (ROOT / "assignments").glob("*.ipynb"))
    if name not in names:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not an assignment; the assignments are {', '.join(names) or 'none'}"
        )
    return name


def submissions_folder(name: str) -> Path:
    """An argument that must name a folder holding a submission, .ipynb or .zip (`grade`)."""
    folder = Path(name)
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{name} is not a folder")
    if not any(p.is_file() and p.suffix in (".ipynb", ".zip") for p in folder.iterdir()):
        raise argparse.ArgumentTypeError(f"{name} holds no submission (no .ipynb or .zip file)")
    return folder.resolve()


def seconds(text: str) -> float:
    """An argument that must be a number of seconds above 0 (`grade --timeout`)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def jobs(text: str) -> int:
    """An argument that must be a whole number from 1 up (`grade --jobs`)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 up")
    return int(text)


def notebook_file(name: str) -> Path:
    """An argument that must name a notebook file (for `execute`)."""
    if not (name.endswith(".ipynb") and Path(name).is_file()):
        raise argparse.ArgumentTypeError(f"{name} is not a notebook file (.ipynb)")
    return Path(name).resolve()


def parser() -> argparse.ArgumentParser:
    """The commands, each with the requirements file it installs first (None: it installs none)."""
    top = argparse.ArgumentParser(
        prog="python3 tasks.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = top.add_subparsers(
        dest="command",
        metavar="COMMAND",
        required=True,
        help="one of the above; COMMAND -h tells more",
    )

    def command(function, requirements: str | None, description: str):
        sub = commands.add_parser(function.__name__, description=description, allow_abbrev=False)
        sub.set_defaults(function=function, requirements=requirements)
        return sub

    command(book, "requirements.txt", "Execute every notebook and build the site.").add_argument(
        "--student", action="store_true", help="leave the exercise solutions out"
    )
    command(assignments, "requirements.txt", "Make the students' notebooks and autograders.")
    command(
        instructors,
        None,
        "Write the instructors' edition of the download, with the assignments and answer keys.",
    )
    grading = command(
        grade,
        "requirements.txt",
        "Grade every submission (.ipynb or .zip) in FOLDER with assignment NAME's autograder, "
        "each in a sandbox of its own, and write FOLDER/grades.csv.",
    )
    grading.add_argument("name", type=assignment_name, metavar="NAME", help="the assignment")
    grading.add_argument("folder", type=submissions_folder, metavar="FOLDER")
    grading.add_argument(
        "--timeout",
        type=seconds,
        default=GRADE_TIMEOUT,
        metavar="SECONDS",
        help=f"the time each submission may take (default: {GRADE_TIMEOUT:g}); a submission that "
        "takes longer is stopped, and keeps the points of the questions graded before",
    )
    grading.add_argument(
        "--jobs",
        type=jobs,
        default=1,
        metavar="N",
        help="how many submissions to grade at once, each in its own sandbox (default: 1)",
    )
    grading.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade where no sandbox can be made: each submission's code then runs as you, "
        "and can read the answer key and change your files; only for submissions you trust",
    )
    command(
        test,
        "requirements-test.txt",
        "Check the style with ruff, then run the tests. Other arguments go to pytest.",
    ).add_argument(
        "--fast", action="store_true", help=f"leave out the slow tests (marked {SLOW_TESTS})"
    )
    command(lab, "requirements.txt", "Open JupyterLab.").add_argument(
        "folder",
        nargs="?",
        type=existing_folder,
        default=ROOT / "chapters",
        help="default: chapters",
    )
    command(execute, "requirements.txt", "Run each notebook and save its outputs.").add_argument(
        "notebooks", nargs="+", type=notebook_file, metavar="NOTEBOOK", help="an .ipynb file"
    )
    command(strip, "requirements.txt", "Remove the notebooks' outputs before committing them.")
    command(clean, None, "Delete the build, the execution cache and written downloads.")
    command(lock, None, "Re-pin constraints.txt after editing requirements*.txt.")
    return top


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line's namespace; arguments `test` does not know are its `pytest_args`."""
    commands = parser()
    if not argv:
        commands.print_help(sys.stderr)
        sys.exit(2)
    args, unknown = commands.parse_known_args(argv)
    if unknown and args.function is not test:
        commands.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.function is test:
        args.pytest_args = unknown
    return args


def main(argv: list[str]) -> None:
    args = vars(parse(argv))
    function, requirements = args.pop("function"), args.pop("requirements")
    del args["command"]
    if requirements:
        ensure_venv(requirements)
        if not in_venv():
            run_again_in_venv(argv)
    function(**args)


if __name__ == "__main__":
    main(sys.argv[1:])
