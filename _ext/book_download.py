"""The book as a download: one zip file with everything needed to run its notebooks.

A reader of the site cannot run a notebook they download from a page: it imports `lossacc_utils`.
Each build of the book writes `chapters/downloads/why-loss-and-accuracy-disagree.zip`, which the
page *Run it yourself* links and Sphinx copies into the site like any download. It holds one
folder: the chapters' notebooks, the packages, the pinned requirements, `tasks.py` and what its
commands need (the book's settings, its extensions, the bibliography), and a README.md with the
two commands that start JupyterLab. It never holds the assignments' masters, their answer keys or
the page for instructors, which reads them: `python3 tasks.py instructors` writes an edition with
them, to hand to instructors alone.

The same source gives the same zip, byte for byte: the entries are sorted and all dated
1980-01-01. The students' edition (`student_mode`, see student_mode.py) gives students no more
than its pages do: the notebooks lose their exercise solutions.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the book's folder
NAME = "why-loss-and-accuracy-disagree"  # the zip's name and its one folder's
TARGET = Path("chapters") / "downloads" / f"{NAME}.zip"  # beside the spreadsheet the book writes
#: The download holds these files of the book's folder...
FILES = (
    "_config.yml",
    "_toc.yml",
    "constraints.txt",
    "pyproject.toml",
    "references.bib",
    "requirements.txt",
    "tasks.py",
)
#: ...and every file under these folders, but for hidden files, caches and what the build writes.
FOLDERS = ("_ext", "assignments", "chapters", "course", "lossacc_utils")
WRITTEN = ("chapters", "downloads")
#: What only the instructors' edition holds: the assignments' masters (with their solutions and
#: hidden tests) and answer keys, and the page for instructors, which reads them.
INSTRUCTORS_PAGE = "chapters/instructors"
FOR_INSTRUCTORS = ("assignments/", f"{INSTRUCTORS_PAGE}.ipynb")
DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can have
# A gated exercise solution runs from its solution-start directive to its solution-end directive,
# across as many cells as it takes (see sphinx-exercise); each fence is ``` or :::.
START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.MULTILINE)
END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}[^\n]*\n\1[ \t]*$", re.MULTILINE)

README = f"""\
# Why loss and accuracy disagree

The notebooks of the book *Why loss and accuracy disagree*, with `lossacc_utils`, the package they
import, and everything that installs them.{{edition}}

On Linux or macOS with Python 3.11 (3.11.5 or later) to 3.13, open a terminal in the folder where
you unzipped the download, and type:

```bash
cd {NAME}
python3 tasks.py lab
```

The second command creates a virtual environment in `.venv`, installs the pinned packages into it
(a few minutes and about 3 GB the first time; after that it starts in seconds) and opens
JupyterLab on `chapters/`. Open a chapter and run its cells from the top. On Debian or Ubuntu,
`python3 -m venv` needs the `python3-venv` package.

Other commands:

- `python3 tasks.py execute chapters/intro.ipynb` runs every cell of a notebook and saves it with
  its outputs, without JupyterLab.
- `python3 tasks.py book` executes every notebook and builds the book's website into
  `_build/html`.
"""
STUDENT_EDITION = (
    "\n\nThis is the students' edition: the exercises are there, their solutions are not."
)
INSTRUCTORS_EDITION = (
    "\n\nThis is the instructors' edition: it holds the course's assignments, with their\n"
    "solutions and answer keys, and the page for instructors. Keep it among instructors: do not\n"
    "publish it, nor hand it to students."
)


def book_files(root: Path = ROOT) -> list[str]:
    """The files of the book in `root` that the download holds, as sorted paths relative to it."""
    names = list(FILES)
    for folder in FOLDERS:
        for path in (root / folder).rglob("*"):
            parts = path.relative_to(root).parts
            hidden = any(part.startswith(".") or part == "__pycache__" for part in parts)
            if path.is_file() and not hidden and parts[:2] != WRITTEN:
                names.append("/".join(parts))
    return sorted(names)


def contents(root: Path = ROOT, student: bool = False, instructors: bool = False) -> dict:
    """The download's files, each path inside its folder mapped to the file's bytes.

    The site's download, either edition, never holds the assignments or the page for instructors
    (`FOR_INSTRUCTORS`); the instructors' edition, which `python3 tasks.py instructors` writes
    for them alone, does."""
    files = {name: (root / name).read_bytes() for name in book_files(root)}
    edition = INSTRUCTORS_EDITION if instructors else STUDENT_EDITION if student else ""
    files["README.md"] = README.format(edition=edition).encode()
    if not instructors:
        files = {name: data for name, data in files.items() if not name.startswith(FOR_INSTRUCTORS)}
        files["_toc.yml"] = toc_without(root / "_toc.yml", INSTRUCTORS_PAGE)
    if student:
        for name in files:
            if name.startswith("chapters/") and name.endswith(".ipynb"):
                files[name] = without_solutions(root / name)
    return files


def write_zip(
    target: Path, root: Path = ROOT, student: bool = False, instructors: bool = False
) -> None:
    """Write the download of the book in `root` to `target`: its `contents` in one folder, NAME."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in sorted(contents(root, student, instructors).items()):
            entry = zipfile.ZipInfo(f"{NAME}/{name}", date_time=DATE)
            entry.create_system = 3  # Unix, so that the permissions below count everywhere
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def without_solutions(path: Path) -> bytes:
    """The notebook at `path` without its exercise solutions: every cell of a gated solution is
    removed, and the markdown cells that open or close one keep only the text outside it."""
    import nbformat  # comes with Jupyter Book

    notebook = nbformat.read(path, as_version=4)
    if not any(
        cell.cell_type == "markdown" and START.search(cell.source) for cell in notebook.cells
    ):
        return path.read_bytes()  # no solution: the notebook as it is
    cells, inside = [], False
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            if not inside:
                cells.append(cell)
            continue
        parts, text = [], cell.source
        while (marker := (END if inside else START).search(text)) is not None:
            if not inside:
                parts.append(text[: marker.start()])
            text, inside = text[marker.end() :], not inside
        if not inside:
            parts.append(text)
        if parts != [cell.source]:  # the cell opens or closes a solution, or lies inside one
            cell.source = "\n\n".join(part.strip() for part in parts if part.strip())
            if not cell.source:
                continue
        cells.append(cell)
    if inside:
        raise ValueError(f"{path}: a solution-start directive has no solution-end after it")
    notebook.cells = cells
    return (nbformat.writes(notebook) + "\n").encode()


def toc_without(path: Path, page: str) -> bytes:
    """The table of contents at `path` without `page`'s entry, its comment lines on top."""
    import yaml  # comes with Jupyter Book

    def drop(entries):
        return [
            {
                key: drop(value) if key in ("parts", "chapters", "sections") else value
                for key, value in entry.items()
            }
            for entry in entries
            if entry.get("file") != page
        ]

    text = path.read_text()
    comments = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    (toc,) = drop([yaml.safe_load(text)])
    return (comments + yaml.safe_dump(toc, sort_keys=False)).encode()


def write_download(app):
    write_zip(ROOT / TARGET, student=app.config.student_mode)


def setup(app):
    app.connect("builder-inited", write_download)  # before the page that links it is read
    return {"parallel_read_safe": True, "parallel_write_safe": True}
