#!/usr/bin/env python3
"""Set up, build and test the book with nothing but python3.

    python3 tasks.py book            install into .venv, execute every notebook, build the site
    python3 tasks.py book --student  the same, with the exercise solutions left out
    python3 tasks.py assignments     students' notebooks and autograders from assignments/
    python3 tasks.py test            install the test tools too, then lint and run every test
    python3 tasks.py lab [FOLDER]    open the notebooks (or an assignment's FOLDER) in JupyterLab
    python3 tasks.py strip           remove outputs from the notebooks before committing them
    python3 tasks.py clean           delete the build, the execution cache and written downloads
    python3 tasks.py lock            re-pin constraints.txt after editing requirements*.txt

Each command creates the virtual environment .venv on first use and reinstalls only when a
requirements file changes. Extra arguments after `test` go to pytest (e.g. `-k metrics`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
BUILD = ROOT / "_build"
SUPPORTED = ((3, 10), (3, 13))  # the Python versions TensorFlow 2.21 supports
# In the notebooks executed by the book build, these warnings are errors: a cell that warns fails.
NOTEBOOK_WARNINGS = "error::UserWarning,error::RuntimeWarning,error::FutureWarning"


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def environment(cache: Path | None = None) -> dict:
    """The environment commands run in: .venv first on PATH, TensorFlow's C++ logs quiet.

    MPLBACKEND is removed: the notebooks' kernels must use their inline backend, or every
    `plt.show()` would silently produce no figure. When building the book into the execution
    `cache`, warnings raised by the notebooks' code are errors, and the over-training runs are
    kept in the cache's `runs` folder, so that no model is trained twice in one build.
    """
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    if cache is not None:
        env["PYTHONWARNINGS"] = NOTEBOOK_WARNINGS
        env["LOSSACC_RUN_CACHE"] = str(cache / "runs")
    return env


def run(*command, cache: Path | None = None) -> None:
    """Run a command from the book's folder; stop with its exit code if it fails."""
    result = subprocess.run(
        [str(c) for c in command], cwd=ROOT, env=environment(cache), check=False
    )
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(requirements: str) -> None:
    """Create .venv if needed and install `requirements` unless it is already installed."""
    low, high = SUPPORTED
    if not low <= sys.version_info[:2] <= high:
        sys.exit(
            f"Python {low[0]}.{low[1]} to {high[0]}.{high[1]} is needed (TensorFlow supports "
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
    run(
        PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip"
    )
    run(
        PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements
    )
    stamp.write_text(digest)


def package_digest(root: Path = ROOT) -> str:
    """A digest of what the notebooks' outputs depend on besides their own code cells.

    That is the source of lossacc_utils and the pinned packages. Jupyter Book's cache re-executes a
    notebook only when its code cells change, so the book keeps one cache per digest: a change to
    the package or to a pin executes every notebook again, against the code as it now is.
    """
    digest = hashlib.sha256()
    files = [*sorted((root / "lossacc_utils").rglob("*.py")), root / "constraints.txt"]
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def execution_cache(root: Path = ROOT) -> Path:
    """The execution cache for the package as it is now, under _build/cache/."""
    return root / "_build" / "cache" / package_digest(root)


def offline_assets():
    """The book's extension _ext/offline_assets.py, which also installs the assets it serves."""
    spec = importlib.util.spec_from_file_location(
        "offline_assets", ROOT / "_ext" / "offline_assets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def write_config(folder: Path, cache: Path, student: bool = False) -> Path:
    """Copy _config.yml into `folder`, using the execution cache `cache`; return the copy.

    A student config leaves the exercise solutions out. Paths in a config file are relative to its
    folder, so the copy names the book's extensions and bibliography by their full paths.
    """
    text = (ROOT / "_config.yml").read_text()
    changes = {
        "execute_notebooks: cache": f"execute_notebooks: cache\n  cache: {json.dumps(str(cache))}",
        "- references.bib": f"- {json.dumps(str(ROOT / 'references.bib'))}",
        "student_mode: false": f"student_mode: {'true' if student else 'false'}",
    }
    for old, new in changes.items():
        if text.count(old) != 1:
            sys.exit(f"_config.yml must contain '{old}' exactly once")
        text = text.replace(old, new)
    text = text.replace(": _ext\n", f": {json.dumps(str(ROOT / '_ext'))}\n")  # local extensions
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "_config.yml"
    config.write_text(text)
    return config


def book(student: bool = False) -> None:
    ensure_venv("requirements.txt")
    cache = execution_cache()
    for stale in cache.parent.glob("*"):  # caches of earlier versions of the package
        if stale != cache:
            shutil.rmtree(stale)
    # Jupyter Book writes to OUTPUT/_build/html. The students' edition is a separate site whose
    # outputs come from the same cache: the notebooks are the same, only solutions are left out.
    output = BUILD / "student" if student else ROOT
    config = write_config(output / "_build" / "config", cache=cache, student=student)
    say("Building the book (notebooks run when they or lossacc_utils changed; warnings are errors)")
    run(*build_command(output, config), cache=cache)
    index = output / "_build" / "html" / "index.html"
    print(
        f"\nThe book is built. Open {index.relative_to(ROOT)} in a browser:\n    {index.as_uri()}"
    )


def build_assignments(output: Path) -> list[Path]:
    """Run otter assign on every master notebook in assignments/; return the output folders.

    Each master is copied with lossacc_utils and the grading requirements into a staging folder,
    so that the students' folder and the autograder carry the package the notebooks import. Otter
    executes the solutions and runs every test on them, public and hidden, before it writes
    OUTPUT/<name>/student and OUTPUT/<name>/autograder; OUTPUT/<name>-student.zip is the students'
    folder ready to hand out.
    """
    masters = sorted((ROOT / "assignments").glob("*.ipynb"))
    if output.exists():
        shutil.rmtree(output)
    folders = []
    for master in masters:
        stage = output / ".stage" / master.stem
        shutil.copytree(
            ROOT / "lossacc_utils",
            stage / "lossacc_utils",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        shutil.copy(ROOT / "assignments" / "requirements.txt", stage)
        shutil.copy(master, stage)
        say(f"Assigning {master.relative_to(ROOT)} (the solutions run against every test)")
        result = subprocess.run(
            [BIN / "otter", "assign", master.name, output / master.stem],
            cwd=stage,
            env=environment(),
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"otter assign failed on {master.relative_to(ROOT)}")
        shutil.make_archive(
            str(output / f"{master.stem}-student"), "zip", output / master.stem / "student"
        )
        folders.append(output / master.stem)
    shutil.rmtree(output / ".stage")
    return folders


def assignments() -> None:
    ensure_venv("requirements.txt")
    folders = build_assignments(BUILD / "assignments")
    print(f"\n{len(folders)} assignments in {(BUILD / 'assignments').relative_to(ROOT)}:")
    for folder in folders:
        print(f"    {folder.name}/student, {folder.name}/autograder, {folder.name}-student.zip")


def test(pytest_args: list[str]) -> None:
    ensure_venv("requirements-test.txt")
    say("Checking style with ruff")
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    say("Running the tests")
    run(PYTHON, "-m", "pytest", *pytest_args)


def lab(folder: str = "chapters") -> None:
    if not Path(folder).is_dir():
        sys.exit(f"usage: python3 tasks.py lab [FOLDER]; {folder} is not a folder")
    ensure_venv("requirements.txt")
    run(BIN / "jupyter", "lab", Path(folder).resolve())


def strip() -> None:
    """Remove outputs and execution counts from every notebook in chapters/ and assignments/."""
    for path in sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("assignments/*.ipynb")]):
        notebook = json.loads(path.read_text())
        changed = False
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                cell["outputs"], cell["execution_count"] = [], None
                changed = True
        if changed:
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
            print(f"stripped {path.relative_to(ROOT)}")


def clean() -> None:
    for path in (BUILD, ROOT / "chapters" / "downloads"):
        if path.exists():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}")


def lock() -> None:
    ensure_venv("requirements-test.txt")
    frozen = subprocess.run(
        [PYTHON, "-m", "pip", "freeze", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = [line for line in frozen.splitlines() if line and not line.startswith("lossacc")]
    header = (
        "# Every package the book installs, pinned, so that a fresh install next year builds "
        "the same book.\n# requirements.txt lists what the book uses directly; this file "
        "pins everything they pull in.\n# Regenerate after changing requirements*.txt with: "
        "python3 tasks.py lock\n"
    )
    (ROOT / "constraints.txt").write_text(header + "\n".join(pins) + "\n")
    print(f"constraints.txt pins {len(pins)} packages")


def main(argv: list[str]) -> None:
    commands = {"book", "assignments", "test", "lab", "strip", "clean", "lock"}
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    command, rest = argv[0], argv[1:]
    if command == "book":
        if rest not in ([], ["--student"]):
            sys.exit("usage: python3 tasks.py book [--student]")
        book(student=bool(rest))
    elif command == "test":
        test(rest)
    elif command == "lab" and len(rest) <= 1:
        lab(*rest)
    elif rest:
        sys.exit(f"usage: python3 tasks.py {command}")
    else:
        {"assignments": assignments, "strip": strip, "clean": clean, "lock": lock}[command]()


if __name__ == "__main__":
    main(sys.argv[1:])
