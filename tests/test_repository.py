"""The project's own promises: the README's commands are the ones CI and tasks.py run."""

import json
import re
from pathlib import Path

import pytest

import tasks

ROOT = Path(tasks.ROOT)


def readme_commands():
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_starts_with_two_commands_build_then_test():
    assert readme_commands() == ["python3 tasks.py book", "python3 tasks.py test"]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert readme_commands()[1] in ci


def requirements_in(name):
    """The requirements a requirements file lists, without its comments and options."""
    from packaging.requirements import Requirement

    lines = (ROOT / name).read_text().splitlines()
    return [
        Requirement(line) for line in lines if line and not line.lstrip().startswith(("#", "-"))
    ]


def test_every_pinned_requirement_is_in_the_constraints():
    from packaging.utils import canonicalize_name

    constraints = requirements_in("constraints.txt")
    assert all(str(pin.specifier).startswith("==") for pin in constraints)
    pinned = {canonicalize_name(pin.name): pin for pin in constraints}
    for name in ("requirements.txt", "requirements-test.txt"):
        for requirement in requirements_in(name):
            pin = pinned.get(canonicalize_name(requirement.name))
            assert pin, f"{name}: {requirement} is not in constraints.txt"
            # the same version, on every platform
            assert (pin.specifier, pin.marker) == (requirement.specifier, None), f"{name}: {pin}"


def test_the_pythons_tasks_py_accepts_are_the_ones_pip_installs_the_package_for(tmp_path):
    import tomllib

    from packaging.specifiers import SpecifierSet

    with open(ROOT / "pyproject.toml", "rb") as file:
        allowed = SpecifierSet(tomllib.load(file)["project"]["requires-python"])
    (low, high) = tasks.SUPPORTED
    oldest, newest = tasks.version(low), f"{tasks.version(high)}.99"
    below, above = tasks.version((*low[:2], low[2] - 1)), f"{high[0]}.{high[1] + 1}.0"
    assert [v in allowed for v in (oldest, newest, below, above)] == [True, True, False, False]
    # and a pyproject.toml that says it otherwise is refused by name, not misread
    (tmp_path / "pyproject.toml").write_text('requires-python = ">=3.11"\n')
    with pytest.raises(SystemExit, match="requires-python"):
        tasks.supported_pythons(tmp_path / "pyproject.toml")


def test_every_module_says_what_it_offers_and_none_reaches_into_another():
    """Each module of the two packages has `__all__`, naming only what it defines or imports; no
    module imports or reads another module's private name (`module._name`)."""
    import ast
    import importlib

    for path in sorted([*ROOT.glob("lossacc_utils/**/*.py"), *ROOT.glob("course/*.py")]):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        assert isinstance(getattr(module, "__all__", None), list), f"{name} has no __all__"
        assert all(hasattr(module, item) for item in module.__all__), name
        modules = {
            alias.asname or alias.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if re.match(r"_(?!_)", a.name)]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                reached = node.value.id in modules and re.match(r"_(?!_)", node.attr)
                private = [f"{node.value.id}.{node.attr}"] if reached else []
            else:
                private = []
            assert not private, f"{name} line {node.lineno} reaches into {private}"


def test_every_module_is_named_in_the_package_docstring():
    import lossacc_utils

    modules = {p.stem for p in (ROOT / "lossacc_utils").glob("*.py")} - {"__init__"}
    for module in modules:
        assert f"`{module}`" in lossacc_utils.__doc__, f"lossacc_utils.{module} is not described"


def test_changing_the_package_gives_the_book_a_new_digest_and_cache(tmp_path):
    """Sphinx re-reads only the pages whose source changed: the package's digest, in the config,
    makes it read every page when the package or a pin changes, and keys the runs' cache."""
    import shutil

    shutil.copytree(ROOT / "lossacc_utils", tmp_path / "lossacc_utils")
    shutil.copy(ROOT / "constraints.txt", tmp_path)
    before = tasks.execution_cache(tmp_path)
    assert before.parent == tmp_path / "_build" / "cache"
    assert tasks.execution_cache(tmp_path) == before  # the same source, the same cache
    helper = tmp_path / "lossacc_utils" / "metrics.py"
    helper.write_text(helper.read_text() + "\n# an edit\n")
    after_edit = tasks.execution_cache(tmp_path)
    (tmp_path / "constraints.txt").write_text("numpy==0.0\n")
    after_pin = tasks.execution_cache(tmp_path)
    assert len({before, after_edit, after_pin}) == 3
    assert after_pin.name == tasks.package_digest(tmp_path)


def test_the_book_config_names_the_package_digest_and_the_books_own_files(tmp_path):
    import yaml

    config = yaml.safe_load(tasks.write_config(tmp_path).read_text())
    assert config["sphinx"]["config"]["package_digest"] == tasks.package_digest()
    assert Path(config["sphinx"]["local_extensions"]["student_mode"]) == ROOT / "_ext"
    assert all(Path(bib).is_file() for bib in config["bibtex_bibfiles"])
    student = yaml.safe_load(tasks.write_config(tmp_path, student=True).read_text())
    assert student["sphinx"]["config"]["student_mode"] is True
    assert config["sphinx"]["config"]["student_mode"] is False


def test_assignment_masters_are_committed_without_outputs():
    import json

    masters = sorted((ROOT / "assignments").glob("*.ipynb"))
    assert len(masters) >= 4
    for path in masters:
        cells = json.loads(path.read_text())["cells"]
        dirty = [
            c for c in cells if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])
        ]
        assert not dirty, f"{path.name} has outputs; run python3 tasks.py strip"


def test_the_offline_assets_install_the_pinned_files_where_pages_find_them(tmp_path, monkeypatch):
    """install() takes each pinned package from npm, keeps the files its patterns name, and
    records the pins; it fetches nothing more while they hold. The registry is faked: it serves
    tarballs made here, pinned by their sha512 as npm's integrity hashes are."""
    import base64
    import hashlib
    import io
    import tarfile
    import urllib.request

    def tarball(files):
        """An npm package's tarball: every file under package/."""
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, data in files.items():
                member = tarfile.TarInfo(f"package/{name}")
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
        return buffer.getvalue()

    def integrity(data):
        return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()

    assets = tasks.offline_assets()
    manager = tarball({"dist/embed.js": b"embed", "dist/icons.woff2": b"font", "src/a.ts": b"ts"})
    checker = tarball({"checker.min.js": b"checker", "checker.js": b"unminified"})
    registry = {
        f"{assets.REGISTRY}/@scope/manager/-/manager-1.2.3.tgz": manager,
        f"{assets.REGISTRY}/checker/-/checker-0.1.0.tgz": checker,
    }
    fetched = []

    def urlopen(url, timeout):
        fetched.append(url)
        return io.BytesIO(registry[url])

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(
        assets,
        "PACKAGES",
        {"@scope/manager": ("1.2.3", integrity(manager), ("dist/*.js", "dist/*.woff2"))},
    )
    monkeypatch.setattr(
        assets, "TEST_PACKAGES", {"checker": ("0.1.0", integrity(checker), ("checker.min.js",))}
    )
    folder = tmp_path / "web-assets"
    assert not assets.is_installed(folder)
    assets.install(folder)
    assert sorted(fetched) == sorted(registry)
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert files.pop("packages.json")
    assert files == {
        "static/vendor/manager/embed.js": b"embed",  # what the site serves
        "static/vendor/manager/icons.woff2": b"font",
        "test/checker/checker.min.js": b"checker",  # what only the browser tests use
    }
    assert assets.is_installed(folder)
    assets.install(folder)
    assert len(fetched) == 2  # installed already: nothing fetched again
    monkeypatch.setattr(
        assets, "TEST_PACKAGES", {"checker": ("0.2.0", integrity(checker), ("checker.min.js",))}
    )
    assert not assets.is_installed(folder)  # a new pin is installed afresh


def test_the_served_explorer_front_end_is_the_version_python_runs():
    """The site serves anywidget's front end from npm; the explorers' state is made by the Python
    package. Their versions must be the same, as requirements.txt pins the Python one."""
    from importlib.metadata import version

    served = tasks.offline_assets().PACKAGES["anywidget"][0]
    pinned = re.search(r"^anywidget==(\S+)", (tasks.ROOT / "requirements.txt").read_text(), re.M)
    assert served == pinned[1] == version("anywidget")


def test_a_downloaded_notebook_says_how_to_get_the_package_before_it_imports_it():
    """A reader who downloads one notebook from a page has no lossacc_utils: before the first
    cell that imports it, a note (left off the site's pages) says where to get it."""
    import json

    checked = 0
    for path in sorted((tasks.ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        imports = [
            i
            for i, cell in enumerate(cells)
            if cell["cell_type"] == "code" and "lossacc_utils" in "".join(cell["source"])
        ]
        if not imports:
            continue
        notes = [
            i
            for i, cell in enumerate(cells)
            if cell["cell_type"] == "markdown"
            and "python3 tasks.py lab" in "".join(cell["source"])
            and "Run it yourself" in "".join(cell["source"])
        ]
        assert notes and notes[0] < imports[0], f"{path.name}: no note before its first import"
        assert cells[notes[0]]["metadata"].get("tags") == ["remove-cell"], path.name
        checked += 1
    assert checked >= 6


def test_assignments_without_masters_say_so(tmp_path, monkeypatch):
    """The book's download has no masters: making assignments there stops with a sentence."""
    from course import build

    (tmp_path / "assignments").mkdir()
    monkeypatch.setattr(build, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="no master notebooks in assignments/"):
        build.build_assignments(tmp_path / "out", tasks.environment())
    assert not (tmp_path / "out").exists()


def test_a_download_that_does_not_match_its_pinned_hash_is_refused(tmp_path, monkeypatch):
    import io
    import urllib.request

    assets = tasks.offline_assets()
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"tampered"))
    name, (version, integrity, patterns) = next(iter(assets.PACKAGES.items()))
    with pytest.raises(RuntimeError, match="does not match its pinned integrity hash"):
        assets._fetch(name, version, integrity, patterns, tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError, match="does not match"):
        assets.install(tmp_path / "assets")
    assert not assets.is_installed(tmp_path / "assets")


def test_strip_removes_outputs_and_counts_keeps_the_cell_ids_and_names_what_it_changed(
    tmp_path, capsys
):
    import nbformat

    output = nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)
    ran_cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3, outputs=[output])
    clean = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    ran = nbformat.v4.new_notebook(cells=[ran_cell])
    paths = [tmp_path / "clean.ipynb", tmp_path / "ran.ipynb"]
    for notebook, path in zip([clean, ran], paths, strict=True):
        nbformat.write(notebook, path)
    before = paths[0].read_bytes()
    tasks.strip(paths)
    assert capsys.readouterr().out.split() == ["stripped", str(paths[1])]
    assert paths[0].read_bytes() == before
    cell = nbformat.read(paths[1], as_version=4).cells[0]
    assert (cell.outputs, cell.execution_count, cell.id) == ([], None, ran_cell.id)


def test_the_command_line_passes_what_test_does_not_know_to_pytest_in_order():
    args = tasks.parse(["test", "-k", "not slow", "--fast", "tests/test_metrics.py", "-x"])
    assert (args.function, args.fast) == (tasks.test, True)
    assert args.pytest_args == ["-k", "not slow", "tests/test_metrics.py", "-x"]
    assert tasks.parse(["book", "--student"]).student
    assert tasks.parse(["lab"]).folder == ROOT / "chapters"


@pytest.mark.parametrize(
    "argv", [[], ["bake"], ["book", "-k", "x"], ["lab", "no-such-folder"], ["clean", "now"]]
)
def test_the_command_line_refuses_what_it_does_not_know_and_shows_how_to_use_it(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        tasks.parse(argv)
    assert stopped.value.code != 0
    assert "usage: python3 tasks.py" in capsys.readouterr().err


def test_lab_writes_the_kernels_language_info_and_strip_takes_it_out(tmp_path):
    """JupyterLab marks a notebook modified when its kernel's language_info differs from the one
    saved; `lab` writes it beforehand, and `strip` restores the committed {"name": "python"}."""
    import shutil

    from ipykernel.ipkernel import IPythonKernel

    notebook = tmp_path / "keras_history.ipynb"
    shutil.copy(ROOT / "chapters" / notebook.name, notebook)
    tasks.match_language_info(tmp_path)
    assert json.loads(notebook.read_text())["metadata"]["language_info"] == (
        IPythonKernel.language_info
    )
    tasks.strip([notebook])
    assert notebook.read_bytes() == (ROOT / "chapters" / notebook.name).read_bytes()


def test_the_kernel_settings_keep_c_level_noise_out_and_fold_solutions(tmp_path, monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setattr(tasks, "VENV", tmp_path)
    tasks.write_kernel_config()
    folder = tmp_path / "etc" / "ipython"  # where IPython looks in an environment
    config = PyFileConfigLoader("ipython_kernel_config.py", str(folder)).load_config()
    assert config.IPKernelApp.capture_fd_output is False
    assert config.InteractiveShellApp.extensions == ["lossacc_utils.folding"]


def test_jupyterlab_keeps_the_runs_where_the_build_does_without_its_strictness(
    tmp_path, monkeypatch
):
    """A run trained in one chapter (or by the build) is handed back to the next chapter's kernel;
    a student's warnings stay warnings."""
    started = {}
    monkeypatch.setattr(tasks, "run", lambda *command, **options: started.update(options))
    tasks.lab(tmp_path)
    env = tasks.environment(runs=started["runs"])
    assert started["runs"] == tasks.execution_cache() / "runs"
    assert env["LOSSACC_RUN_CACHE"] == str(tasks.execution_cache() / "runs")
    assert "PYTHONWARNINGS" not in env or env["PYTHONWARNINGS"] != tasks.NOTEBOOK_WARNINGS
    assert tasks.environment(tmp_path)["LOSSACC_RUN_CACHE"] == str(tmp_path / "runs")
