"""The book as a download: the zip every build adds to the site, what it holds, and that it runs.

The zip is written by the book's extension _ext/book_download.py. The last test does what a reader
of the site does: it unzips the download into an empty folder and runs `tasks.py` there, which
creates a fresh environment, installs the pinned packages (from pip's cache, or from the package
index) and executes two chapters.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from test_book import Page, toc_files

import tasks

ROOT = Path(tasks.ROOT)
download = tasks.load_module(ROOT / "_ext" / "book_download.py")
FOLDER = download.NAME
PAGE = "chapters/run_it_yourself"


def write(tmp_path, root=ROOT, student=False, instructors=False) -> zipfile.ZipFile:
    """The download of the book in `root`, written into `tmp_path` and opened."""
    target = tmp_path / f"{download.NAME}.zip"
    download.write_zip(target, root=root, student=student, instructors=instructors)
    return zipfile.ZipFile(target)


def files(archive: zipfile.ZipFile) -> dict:
    """The download's files, each path inside its one folder mapped to its bytes."""
    names = archive.namelist()
    assert all(name.startswith(f"{FOLDER}/") for name in names), names
    return {name.removeprefix(f"{FOLDER}/"): archive.read(name) for name in names}


def package_files(root: Path = ROOT) -> list:
    return [
        path.relative_to(root).as_posix()
        for package in ("lossacc_utils", "course")
        for path in (root / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]


INSTRUCTORS = "chapters/instructors"


# ---- what the download holds ---------------------------------------------------------------


def test_the_download_holds_every_page_the_package_and_what_tasks_py_needs(tmp_path):
    held = files(write(tmp_path))
    for name in toc_files():
        if name != INSTRUCTORS:
            assert {f"{name}.ipynb", f"{name}.md"} & set(held), f"{name} is not in the download"
    for name in package_files():
        assert held[name] == (ROOT / name).read_bytes(), name
    assert len(package_files()) >= 15
    config = yaml.safe_load(held["_config.yml"])
    for extension in config["sphinx"]["local_extensions"]:
        assert f"_ext/{extension}.py" in held
    needed = ["tasks.py", "requirements.txt", "constraints.txt", "pyproject.toml"]
    for name in [*needed, *config["bibtex_bibfiles"], "_ext/static/book.css"]:
        assert held[name] == (ROOT / name).read_bytes(), name
    assert b"python3 tasks.py lab" in held["README.md"]


@pytest.mark.parametrize("student", [False, True])
def test_no_download_on_the_site_holds_an_assignment_its_key_or_the_page_for_instructors(
    tmp_path, student
):
    held = files(write(tmp_path, student=student))
    assert not [name for name in held if name.startswith(("assignments/", INSTRUCTORS))]
    assert toc_files(yaml.safe_load(held["_toc.yml"])) == [
        name for name in toc_files() if name != INSTRUCTORS
    ]
    keys = [path.read_bytes() for path in (ROOT / "assignments" / "keys").glob("*.py")]
    assert len(keys) >= 4
    assert not [name for name, data in held.items() if data in keys or b"# BEGIN SOLUTION" in data]


def test_the_instructors_edition_holds_the_masters_their_keys_and_the_page(tmp_path):
    held = files(write(tmp_path, instructors=True))
    course = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "assignments").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    assert [name for name in held if name.startswith("assignments/")] == course
    assert len([name for name in course if name.startswith("assignments/keys/")]) >= 4
    for name in [*course, f"{INSTRUCTORS}.ipynb", "_toc.yml"]:
        assert held[name] == (ROOT / name).read_bytes(), name
    assert b"instructors' edition" in held["README.md"]
    assert b"do not\npublish it" in held["README.md"]


def test_the_download_leaves_out_caches_builds_tests_and_what_the_build_writes(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    for name in [*download.FILES, *download.FOLDERS]:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, book / name)
    unwanted = [
        "lossacc_utils/__pycache__/metrics.cpython-311.pyc",
        "chapters/.ipynb_checkpoints/intro-checkpoint.ipynb",
        "chapters/downloads/counterexample.xlsx",
        "_ext/.DS_Store",
        ".venv/pyvenv.cfg",
        "_build/html/index.html",
        "tests/test_metrics.py",
        ".git/HEAD",
        "lossacc_utils.egg-info/PKG-INFO",
        "README.md",  # the book's own; the download has a README of its own
    ]
    for name in unwanted:
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text("not for the download")
    held = files(write(tmp_path, root=book))
    assert not (set(unwanted) - {"README.md"}) & set(held)
    assert held["README.md"] != b"not for the download"
    assert held.keys() == files(write(tmp_path / "book itself")).keys()


def test_the_same_source_gives_the_same_zip(tmp_path):
    first = write(tmp_path / "first")
    later = time.time() + 3600
    os.utime(ROOT / "tasks.py", (later, later))  # a file touched, not changed
    try:
        second = write(tmp_path / "second")
    finally:
        os.utime(ROOT / "tasks.py")
    assert Path(first.filename).read_bytes() == Path(second.filename).read_bytes()
    assert first.namelist() == sorted(first.namelist())
    assert {entry.date_time for entry in first.infolist()} == {download.DATE}


def test_the_download_readme_and_page_give_the_python_versions_tasks_py_accepts(tmp_path):
    low, high = tasks.SUPPORTED
    phrase = f"Python {low[0]}.{low[1]} ({tasks.version(low)} or later) to {tasks.version(high)}"
    readme = files(write(tmp_path))["README.md"].decode()
    page = (ROOT / f"{PAGE}.md").read_text()
    for text in [(ROOT / "README.md").read_text(), readme, page]:
        assert phrase in " ".join(text.split())
    for text in [readme, page]:
        assert f"```bash\ncd {FOLDER}\npython3 tasks.py lab\n```" in text


# ---- the students' edition -----------------------------------------------------------------


def test_the_students_download_has_the_exercises_but_not_their_solutions(tmp_path):
    held = files(write(tmp_path, student=True))
    assert not [name for name in held if name.startswith("assignments/")]
    assert "chapters/instructors.ipynb" not in held
    toc = yaml.safe_load(held["_toc.yml"])
    assert toc_files(toc) == [name for name in toc_files() if name != "chapters/instructors"]
    assert b"students' edition" in held["README.md"]
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if path.stem == "instructors":
            continue
        text = held[f"chapters/{path.name}"].decode()
        original = path.read_text()
        nbformat.validate(nbformat.reads(text, as_version=4))
        assert text.count("{exercise}") == original.count("{exercise}")
        assert "{solution" not in text
        if "{solution" not in original:
            assert text == original  # a notebook without exercises is shipped as it is
        else:
            code = [
                [c for c in json.loads(t)["cells"] if c["cell_type"] == "code"]
                for t in (text, original)
            ]
            assert len(code[0]) < len(code[1])  # the solutions' code cells are gone
    counterexample = held["chapters/counterexample.ipynb"].decode()
    assert "miss must give its true class less than" not in counterexample
    assert (
        "miss must give its true class less than"
        in files(write(tmp_path / "full"))["chapters/counterexample.ipynb"].decode()
    )


def notebook(tmp_path, sources: list) -> Path:
    """A notebook of markdown cells (strings) and code cells (tuples of one string)."""
    cells = [
        nbformat.v4.new_code_cell(s[0])
        if isinstance(s, tuple)
        else nbformat.v4.new_markdown_cell(s)
        for s in sources
    ]
    path = tmp_path / "exercises.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_a_solution_is_removed_from_its_start_to_its_end_across_cells(tmp_path):
    path = notebook(
        tmp_path,
        [
            ("x = 1",),
            "```{exercise}\n:label: ex-a\nDo it.\n```\n\n```{solution-start} ex-a\n```\nLike this:",
            ("x = 2",),
            "Told you.",
            "```{solution-end}\n```\n\n:::{exercise}\n:label: ex-b\nAgain.\n:::\n\n"
            ":::{solution-start} ex-b\n:::\nSecret.\n:::{solution-end}\n:::\n\nThe end.",
        ],
    )
    cells = nbformat.reads(download.without_solutions(path).decode(), as_version=4).cells
    assert [cell.source for cell in cells] == [
        "x = 1",
        "```{exercise}\n:label: ex-a\nDo it.\n```",
        ":::{exercise}\n:label: ex-b\nAgain.\n:::\n\nThe end.",
    ]


def test_a_solution_that_is_never_closed_is_an_error_naming_the_notebook(tmp_path):
    path = notebook(tmp_path, ["```{solution-start} ex-a\n```\nThe answer.", ("x = 2",)])
    with pytest.raises(ValueError, match=r"exercises\.ipynb: a solution-start .* no solution-end"):
        download.without_solutions(path)


# ---- the command that runs a notebook ------------------------------------------------------


def test_execute_takes_notebooks_and_refuses_anything_else(tmp_path, capsys):
    intro = ROOT / "chapters" / "intro.ipynb"
    assert tasks.parse(["execute", str(intro)]).notebooks == [intro]
    (tmp_path / "notes.txt").write_text("not a notebook")
    for wrong in [tmp_path / "missing.ipynb", tmp_path / "notes.txt", tmp_path]:
        with pytest.raises(SystemExit) as stopped:
            tasks.parse(["execute", str(wrong)])
        assert stopped.value.code != 0
        assert f"{wrong} is not a notebook file (.ipynb)" in capsys.readouterr().err


# ---- in the built site ---------------------------------------------------------------------


def site_download(built_book) -> Path:
    """The zip the page Run it yourself links, in the built site."""
    page = built_book / "html" / f"{PAGE}.html"
    links = [link for link in Page(page).links if link.endswith(".zip")]
    assert len(links) == 1, links
    assert not links[0].startswith(("/", "http:", "https:")), links[0]  # works offline, anywhere
    return (page.parent / links[0]).resolve()


@pytest.mark.book
def test_the_site_links_the_download_made_from_its_source(built_book, tmp_path):
    zipped = site_download(built_book)
    assert zipped.is_relative_to(built_book / "html")
    assert zipped.name == f"{FOLDER}.zip"
    assert zipped.read_bytes() == Path(write(tmp_path).filename).read_bytes()
    assert 50_000 < zipped.stat().st_size < 1_000_000
    page = Page(built_book / "html" / f"{PAGE}.html")
    assert page.says(f"cd {FOLDER} python3 tasks.py lab")


@pytest.mark.book
def test_the_download_runs_its_chapters_in_a_fresh_folder(built_book, tmp_path):
    """Unzip the site's download into an empty folder and run, as a reader would, the command that
    installs everything and executes two chapters: the one that trains a model and the one with the
    explorers and the spreadsheet. Nothing comes from the book's own environment or folder."""
    with zipfile.ZipFile(site_download(built_book)) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / FOLDER
    chapters = ["chapters/intro.ipynb", "chapters/counterexample.ipynb"]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "VIRTUAL_ENV", "LOSSACC_RUN_CACHE", "PYTHONWARNINGS"}
    }
    try:
        result = subprocess.run(
            [sys.executable, "tasks.py", "execute", *chapters],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        log = result.stdout + result.stderr
        assert result.returncode == 0, log[-6000:]
        assert "Installing requirements.txt into .venv" in log  # a fresh environment
        python = folder / ".venv" / "bin" / "python"
        where = subprocess.run(
            [python, "-c", "import lossacc_utils; print(lossacc_utils.__file__)"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert Path(where.stdout.strip()).is_relative_to(folder / "lossacc_utils")
        lab = [folder / ".venv" / "bin" / "jupyter", "lab", "--version"]  # what `lab` starts
        assert subprocess.run(lab, env=env, capture_output=True, check=False).returncode == 0
    finally:
        shutil.rmtree(folder / ".venv", ignore_errors=True)  # some 3 GB
    for name in chapters:
        executed = nbformat.read(folder / name, as_version=4)
        code = [cell for cell in executed.cells if cell.cell_type == "code"]
        assert all(cell.execution_count for cell in code), f"{name}: unexecuted cells"
        errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0].ename}: {errors[0].evalue}"
        assert any("image/png" in o.get("data", {}) for cell in code for o in cell.outputs)
    assert (folder / "chapters" / "downloads" / "counterexample.xlsx").stat().st_size > 1000
