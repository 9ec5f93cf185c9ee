"""The project's own promises: the README's commands are the ones CI and tasks.py run."""

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


def test_every_pinned_requirement_is_in_the_constraints():
    constraints = (ROOT / "constraints.txt").read_text().lower()
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                assert line.strip().lower() in constraints, f"{name}: {line} not in constraints.txt"


def test_every_module_is_named_in_the_package_docstring():
    import lossacc_utils

    modules = {p.stem for p in (ROOT / "lossacc_utils").glob("*.py")} - {"__init__"}
    for module in modules:
        assert f"`{module}`" in lossacc_utils.__doc__, f"lossacc_utils.{module} is not described"


def test_changing_the_package_gives_the_book_a_new_execution_cache(tmp_path):
    """jupyter-cache only watches code cells; the cache folder is keyed by the package instead."""
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


def test_the_book_config_points_at_the_cache_and_the_books_own_files(tmp_path):
    import yaml

    config = yaml.safe_load(tasks.write_config(tmp_path, cache=tmp_path / "c").read_text())
    assert config["execute"]["cache"] == str(tmp_path / "c")
    assert Path(config["sphinx"]["local_extensions"]["student_mode"]) == ROOT / "_ext"
    assert all(Path(bib).is_file() for bib in config["bibtex_bibfiles"])
    student = yaml.safe_load(tasks.write_config(tmp_path, tmp_path / "c", student=True).read_text())
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


def test_the_offline_assets_are_installed_as_pinned():
    assets = tasks.offline_assets()
    folder = tasks.VENV / "web-assets"
    assert assets.is_installed(folder)
    for served in ("html-manager/embed-amd.js", "requirejs/require.js"):
        assert (folder / "static" / "vendor" / served).stat().st_size > 10_000, served
    assert (folder / "test" / "axe-core" / "axe.min.js").stat().st_size > 10_000


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
