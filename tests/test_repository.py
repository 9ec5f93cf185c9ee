"""The project's own promises: the README's commands are the ones CI and tasks.py run."""

import re
from pathlib import Path

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
