"""The book as a whole: its notebooks are clean sources, and it builds with every notebook executed.

The build runs once per test session into a temporary folder with an empty execution cache, so every
notebook is executed against the current `lossacc_utils`, with warnings as errors, exactly as
`python3 tasks.py book` builds it.
"""

import ast
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
import yaml

import tasks
from lossacc_utils.counterexample import CASE_1, CASE_2, overconfident
from lossacc_utils.spreadsheet import SHEET

ROOT = Path(tasks.ROOT)
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files(toc: dict | None = None) -> list[str]:
    """The pages of a table of contents (the book's, by default), in order."""
    if toc is None:
        toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []) + entry.get("chapters", []))

    walk(toc.get("chapters", []))
    for part in toc.get("parts", []):
        walk(part["chapters"])
    return files


# ---- the sources ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    notebook = json.loads(path.read_text())
    dirty = [
        i
        for i, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run python3 tasks.py strip"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cell_ids_are_unique(path):
    """A repeated id is silently renamed by nbformat, so a link or a tag to it would go astray."""
    ids = [cell["id"] for cell in json.loads(path.read_text())["cells"]]
    assert sorted({i for i in ids if ids.count(i) > 1}) == [], path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_the_site_hides_is_folded_in_jupyterlab(path):
    """What the site leaves out or folds (the checks that keep the prose honest, the code behind a
    figure) opens folded in JupyterLab too: a student sees the story first."""
    hidden = {"remove-cell", "hide-input", "remove-input"}
    unfolded = [
        i
        for i, cell in enumerate(json.loads(path.read_text())["cells"])
        if cell["cell_type"] == "code"
        and hidden & set(cell["metadata"].get("tags", []))
        and not cell["metadata"].get("jupyter", {}).get("source_hidden")
    ]
    assert unfolded == [], (
        f"{path.name}: cells {unfolded} are hidden on the site, open in JupyterLab"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_run_on_the_python3_kernel(path):
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"


def test_every_chapter_is_in_the_table_of_contents_and_exists():
    listed = toc_files()
    assert len(listed) == len(set(listed))
    for name in listed:
        assert list(ROOT.glob(f"{name}.*")), f"_toc.yml lists {name}, which does not exist"
    for path in list(NOTEBOOKS) + sorted((ROOT / "chapters").glob("*.md")):
        assert f"chapters/{path.stem}" in listed, f"{path.name} is not in _toc.yml"


# ---- the built site ------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a built page the tests look at."""

    def __init__(self, path: Path):
        super().__init__()
        self.images, self.links, self.classes, self.text, self.tags = [], [], [], [], []
        self.feed(path.read_text())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        self.classes.extend((attrs.get("class") or "").split())

    def handle_data(self, data):
        self.text.append(data)

    @property
    def body(self):
        return " ".join(" ".join(self.text).split())

    def says(self, phrase: str) -> bool:
        """Whether the page's text contains `phrase`, ignoring white space (inline markup adds
        spaces around glued numbers and code)."""
        return "".join(phrase.split()) in "".join(self.body.split())


@pytest.mark.book
def test_no_model_is_trained_twice_in_one_build(built_book):
    """Each distinct over-training run in the chapters is trained once; chapters share it: the
    chapter's run of seed 0, which two chapters ask for, is trained once."""
    from lossacc_utils.overtraining import OVERTRAINING

    asking = [path.name for path in NOTEBOOKS if "run_overtraining(seed=0" in path.read_text()]
    assert len(asking) >= 2, asking
    lines = (built_book.parent / "cache" / "runs" / "trained.log").read_text().splitlines()
    assert len(lines) == len(set(lines)) >= 2, lines
    trained = [line.split(" ", 2) for line in lines]  # "seed", its number, the settings
    default = {name: value for name, value in OVERTRAINING.items() if name != "log_every"}
    chapter_run = [seed for _, seed, settings in trained if ast.literal_eval(settings) == default]
    assert chapter_run.count("0") == 1, lines


@pytest.mark.book
def test_every_page_in_the_table_of_contents_is_built(built_book):
    for name in toc_files():
        assert (built_book / "html" / f"{name}.html").stat().st_size > 0


@pytest.mark.book
def test_every_notebook_was_executed_without_errors(built_book):
    reports = built_book / "html" / "reports"
    assert not (reports.exists() and list(reports.iterdir())), "execution error reports written"
    for path in NOTEBOOKS:
        executed = json.loads((built_book / "jupyter_execute" / "chapters" / path.name).read_text())
        code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
        assert all(cell["execution_count"] for cell in code), f"{path.name}: unexecuted cells"
        errors = [o for cell in code for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"


@pytest.mark.book
def test_every_image_is_present_and_described(built_book):
    html = built_book / "html"
    for name in toc_files():
        page_path = html / f"{name}.html"
        for image in Page(page_path).images:
            target = (page_path.parent / image["src"]).resolve()
            assert target.is_file() and target.stat().st_size > 1000, image["src"]
            alt = image.get("alt", "")
            assert len(alt.split()) >= 5 and not alt.endswith(".png"), f"{name}: alt {alt!r}"


@pytest.mark.book
def test_the_execution_table_says_passed_in_words_not_emoji(built_book):
    page = Page(built_book / "html" / "chapters" / "build_info.html")
    assert page.says("passed")
    assert not {"\N{WHITE HEAVY CHECK MARK}", "\N{CROSS MARK}"} & set(page.body)


@pytest.mark.book
def test_counterexample_page_shows_the_computed_numbers(built_book):
    page = Page(built_book / "html" / "chapters" / "counterexample.html")
    # numbers glued into the prose by the notebook, as the package computes them
    assert page.says(f"lower loss ({CASE_1.loss:.3f} against {CASE_2.loss:.3f})")
    assert page.says(f"lower accuracy ({CASE_1.accuracy:.0%} against {CASE_2.accuracy:.0%})")
    share = overconfident().losses[-1] / overconfident().losses.sum()
    assert page.says(f"carries {share:.0%} of its total loss")
    assert page.says("Loss and accuracy rank the two cases in opposite orders: True")
    assert len(page.images) >= 3  # the explorer's states, the triangle, the rival planes
    assert page.tags.count("figcaption") >= 3  # each with a caption
    assert "math" in page.classes


@pytest.mark.book
def test_the_keras_page_checks_one_sample_by_the_old_and_the_new_api(built_book):
    page = Page(built_book / "html" / "chapters" / "keras_definitions.html")
    assert page.says("[0.6931472]")  # the seed article's one-sample check, Keras 2's API
    assert page.says("Keras 3: [0.69314718]")  # and Keras 3, in float64


@pytest.mark.book
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_number_the_prose_evaluates_is_shown_as_a_number(built_book, path):
    """Each {eval} role of a chapter is on its page as the kernel's text: none left as source, and
    no NumPy scalar shown by its repr (np.float64(0.5)), nor a number in Python's e-notation
    (1.1e-07, where the prose writes 1.1 × 10⁻⁷)."""
    roles = re.findall(r"\{eval\}`([^`]+)`", path.read_text())
    html = (built_book / "html" / "chapters" / f"{path.stem}.html").read_text()
    shown = re.findall(r'<span class="output text_plain">([^<]*)</span>', html)
    assert len(shown) == len(roles)
    assert [text for text in shown if "np." in text or "{" in text] == []
    assert [text for text in shown if re.search(r"\de[-+]?\d", text)] == []
    assert "{eval}" not in html


@pytest.mark.book
def test_no_table_cell_is_cut_short(built_book):
    """pandas cuts a cell longer than its display.max_colwidth and ends it with '...': on the
    site, no table hides the end of what it says."""
    for page in sorted((built_book / "html" / "chapters").glob("*.html")):
        cells = re.findall(r"<td>(.*?)</td>", page.read_text(), re.S)
        texts = [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
        assert [text for text in texts if text.endswith(("...", "…"))] == [], page.name


@pytest.mark.book
def test_counterexample_page_links_the_spreadsheet(built_book):
    html = built_book / "html" / "chapters"
    links = [link for link in Page(html / "counterexample.html").links if link.endswith(".xlsx")]
    assert len(links) == 1
    sheet = openpyxl.load_workbook(html / links[0])[SHEET]
    assert str(sheet["B2"].value).startswith("=IF(")


@pytest.mark.book
def test_exercises_have_solutions_to_reveal(built_book):
    page = Page(built_book / "html" / "chapters" / "counterexample.html")
    exercises = page.classes.count("exercise")
    assert exercises >= 4
    assert page.classes.count("solution") == exercises
    assert "dropdown" in page.classes


@pytest.mark.book
def test_student_build_leaves_the_solutions_out_and_runs_no_notebook_again(built_book, tmp_path):
    cache = built_book.parent / "cache"
    trained = (cache / "runs" / "trained.log").read_text()
    tasks.share_reading(built_book, tmp_path / "_build")
    config = tasks.write_config(tmp_path, student=True)
    result = subprocess.run(
        [str(c) for c in tasks.build_command(tmp_path, config)],
        cwd=ROOT,
        env=tasks.environment(cache),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    # it wrote every page from what the full build read: no notebook ran, no model was trained
    assert "Executed notebook" not in log
    assert (cache / "runs" / "trained.log").read_text() == trained
    site = tmp_path / "_build" / "html"
    written = {p.relative_to(site) for p in site.rglob("*.html") if "_static" not in p.parts}
    full = {p.relative_to(built_book / "html") for p in (built_book / "html").rglob("*.html")}
    assert written == {p for p in full if "_static" not in p.parts}
    page = Page(site / "chapters" / "counterexample.html")
    assert page.classes.count("exercise") >= 4
    assert "solution" not in page.classes
    assert not page.says("miss must give its true class less than")
    full_page = Page(built_book / "html" / "chapters" / "counterexample.html")
    assert "solution" in full_page.classes and full_page.says("miss must give its true class")
    # nor does the notebook its download button gives
    solution = "miss must give its true class"
    source = Path("_sources", "chapters", "counterexample.ipynb")
    assert solution in (built_book / "html" / source).read_text()
    assert solution not in (site / source).read_text()
    images = [image["src"] for image in page.images if not image["src"].startswith("data:")]
    assert images and all((site / "chapters" / src).is_file() for src in images)  # its figures


# ---- the build is strict ----------------------------------------------------------------------

STRICTNESS_CASES = {
    "a-cell-raises": "raise ValueError('a broken cell')",
    "a-cell-warns": "import warnings\nwarnings.warn('a warning in a notebook')",
    "numpy-warns": "import numpy as np\nnp.log(np.zeros(1))",
}


def build_one_page_book(folder: Path, cells: list, config_change=None):
    """Build a book of one notebook page made of `cells`, with the book's own configuration.

    `config_change`, if given, maps the config file's text to the text to build with. Returns the
    finished build process and the folder its site is in.
    """
    import nbformat

    source = folder / "source"
    source.mkdir()
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, source / "page.ipynb")
    (source / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    config = tasks.write_config(folder)
    if config_change:
        config.write_text(config_change(config.read_text()))
    result = subprocess.run(
        [str(c) for c in tasks.build_command(folder / "out", config, source=source)],
        cwd=source,
        env=tasks.environment(folder / "cache"),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return result, folder / "out" / "_build" / "html"


@pytest.mark.book
@pytest.mark.parametrize("code", STRICTNESS_CASES.values(), ids=STRICTNESS_CASES)
def test_the_build_fails_on_a_notebook_that_raises_or_warns(tmp_path, code):
    """A one-page book with the book's own configuration: its build must fail."""
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("# A page"), nbformat.v4.new_code_cell(code)]
    result, _ = build_one_page_book(tmp_path, cells)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "ExecutionError" in log and "page.ipynb" in log  # the notebook that failed, named


# ---- launch buttons ----------------------------------------------------------------------------


@pytest.mark.book
def test_no_launch_buttons_while_the_repository_url_is_empty(built_book):
    assert yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"] == ""
    page = (built_book / "html" / "chapters" / "counterexample.html").read_text()
    assert "mybinder.org" not in page and "colab.research.google.com" not in page


@pytest.mark.book
def test_setting_the_repository_url_adds_binder_and_colab_buttons(tmp_path):
    """One setting, repository.url, turns the launch buttons on for every notebook page."""
    import nbformat

    url = "https://github.com/example-org/loss-book"

    def set_url(text):
        import yaml

        config = yaml.safe_load(text)
        assert config["repository"]["url"] == ""  # no buttons by default
        config["repository"]["url"] = url
        return yaml.safe_dump(config, sort_keys=False)

    cells = [nbformat.v4.new_markdown_cell("# A page")]
    result, html = build_one_page_book(tmp_path, cells, config_change=set_url)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    page = (html / "page.html").read_text()
    assert (
        "https://mybinder.org/v2/gh/example-org/loss-book/main?urlpath=lab/tree/page.ipynb" in page
    )
    assert (
        "https://colab.research.google.com/github/example-org/loss-book/blob/main/page.ipynb"
        in page
    )
